#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Peer agreement: `play --target sdr:203` against FFmpeg's libplacebo filter
doing the same conversion, on a small frame.

The clip: FFmpeg's testsrc2 at 480x270 as lossless HEVC 4:4:4 10-bit, full
range, tagged BT.2020 PQ with a 1000 cd/m2 mastering display, so that no
chroma upsampling or scaling differs between the two. libplacebo is asked for
what uhdpipe does: tonemapping=bt.2390 with the Report's knee
(tonemapping_param=0.5; libplacebo's own default is 1.0), per component
(tonemapping_mode=rgb, no crosstalk, no desaturation, no peak detection), a
hard gamut clip into BT.709, BT.709/BT.1886 output, no dithering. libplacebo's
SDR white is 203 cd/m2, hence sdr:203.

Measured: 50.21 dB PSNR over R, G, B (16-bit). What remains is in the mid
tones (uhdpipe about 2% higher) and near black: libplacebo's BT.1886 target
has a black level (its default 1000:1 contrast) where uhdpipe's has 0 cd/m2,
and libplacebo modifies BT.2390's black term (exponent min(1/minLum, 4), then
a gain that keeps maxLum) and reads the curve from a 1024-entry table. With
libplacebo's default knee the same comparison gives 41.98 dB, below the bar.

usage: e2e_tonemap_peer.py UHDPIPE
Exit 0 when it agrees, 1 when not, 77 without ffmpeg, libx265 or libplacebo.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

MIN_PSNR_DB = 49.5  # measured 50.21
WIDTH, HEIGHT = 480, 270
X265 = ("log-level=error:lossless=1:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:"
        "range=full:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)"
        "L(10000000,1):max-cll=1000,400")
PLACEBO = ("hwupload,libplacebo=w={w}:h={h}:upscaler=bilinear:downscaler=bilinear:sigmoid=0:"
           "disable_linear=1:antiringing=0:colorspace=bt709:color_primaries=bt709:"
           "color_trc=bt709:range=pc:format=rgba64le:tonemapping=bt.2390:"
           "tonemapping_param={knee}:tonemapping_mode=rgb:peak_detect=0:gamut_mode=clip:"
           "tonemapping_crosstalk=0:desaturation_strength=0:dithering=none:"
           "tonemapping_lut_size=1024,hwdownload,format=rgba64le")


def ffmpeg(*args):
    return subprocess.run(["ffmpeg", "-v", "error", "-y", *args], capture_output=True,
                          timeout=300)


def have_peer():
    filters = subprocess.run(["ffmpeg", "-hide_banner", "-filters"], capture_output=True,
                             text=True).stdout
    encoders = subprocess.run(["ffmpeg", "-hide_banner", "-encoders"], capture_output=True,
                              text=True).stdout
    return " libplacebo " in filters and "libx265" in encoders


def psnr(a, b):
    mse = np.mean(((a - b) / 65535.0) ** 2)
    return 10 * np.log10(1.0 / mse) if mse > 0 else float("inf")


def main():
    uhdpipe = sys.argv[1]
    if not have_peer():
        print("SKIP: ffmpeg without libx265 or the libplacebo filter")
        return 77
    with tempfile.TemporaryDirectory() as work:
        clip = os.path.join(work, "pq444.mkv")
        r = ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={WIDTH}x{HEIGHT}:rate=1,format=yuv444p10le",
                   "-frames:v", "1", "-c:v", "libx265", "-x265-params", X265,
                   "-pix_fmt", "yuv444p10le", clip)
        if r.returncode != 0:
            print("FAIL: making the clip:", r.stderr.decode())
            return 1
        out = os.path.join(work, "uhdpipe")
        r = subprocess.run([uhdpipe, "play", clip, "-o", "png:" + out, "-q", "--target",
                            "sdr:203"], capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            print("FAIL: uhdpipe play:", r.stderr)
            return 1
        raw = ffmpeg("-i", os.path.join(out, "frame-000000.png"), "-f", "rawvideo",
                     "-pix_fmt", "rgb48le", "-")
        ours = np.frombuffer(raw.stdout, "<u2").reshape(HEIGHT, WIDTH, 3).astype(np.float64)
        results = {}
        for knee in ("0.5", "1.0"):
            r = ffmpeg("-init_hw_device", "vulkan=vk", "-filter_hw_device", "vk", "-i", clip,
                       "-frames:v", "1", "-vf", PLACEBO.format(w=WIDTH, h=HEIGHT, knee=knee),
                       "-f", "rawvideo", "-")
            if r.returncode != 0 or len(r.stdout) != WIDTH * HEIGHT * 8:
                print("FAIL: ffmpeg libplacebo:", r.stderr.decode())
                return 1
            theirs = np.frombuffer(r.stdout, "<u2").reshape(HEIGHT, WIDTH, 4)[:, :, :3]
            results[knee] = psnr(ours, theirs.astype(np.float64))
    ok = results["0.5"] >= MIN_PSNR_DB
    print(f"{'ok  ' if ok else 'FAIL'} uhdpipe --target sdr:203 against libplacebo bt.2390 "
          f"(knee 0.5): {results['0.5']:.2f} dB (at least {MIN_PSNR_DB})")
    print(f"info libplacebo's default knee 1.0 for comparison: {results['1.0']:.2f} dB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
