#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""End to end: SSIM of `uhdpipe check --domain yuv` against scikit-image.

In the Y'CbCr domain SSIM is that of Wang et al. 2004 on the decoded luma (Y')
plane's code values as the decoder gave them (no conversion, no scaling):

- dynamic range L = 2^bits - 1, the peak code (255, 1023, 4095), so that
  C1 = (0.01 L)^2 and C2 = (0.03 L)^2 whatever the range (narrow or full);
- an 11x11 Gaussian window, sigma 1.5, truncated at radius 5 and normalised;
  population (not sample) variances and covariance;
- the mean of the SSIM map over the window positions that lie entirely inside
  the plane, (W - 10) x (H - 10) of them ("valid": no border handling).

That is skimage.metrics.structural_similarity(ref, test, gaussian_weights=True,
sigma=1.5, use_sample_covariance=False, data_range=2**bits - 1) on the float64
planes: skimage filters with reflected borders, then crops 5 samples off each
side, which leaves exactly the valid positions. A float64 model of the
definition written here must equal skimage within 1e-9 on every frame (a
self-check that skimage computes the definition above, crop included).

Lossless FFV1 clips, their code values made here (numpy) and read back from
ffmpeg's decode (they must be what was written): natural content (skimage's
astronaut, coffee, chelsea, camera, panned and resampled a little each frame
so that 10 and 12-bit planes use their low bits) and testsrc2 (flat areas and
sharp edges), 5 frames each, odd and even sizes:

  pair              format        range size     test clip (per frame)     SSIM
  420p8             yuv420p       tv    322x182  blur 0.5-1.1 + noise      0.898-0.985
  422p10            yuv422p10le   tv    323x181  blur 0.4-1.0 + noise      0.871-0.988
  444p12            yuv444p12le   tv    321x183  blur 0.4-0.8 + noise      0.924-0.997
  420p10_full       yuv420p10le   pc    322x182  blur 0.5-1.1 + noise      0.896-0.985
  420p10_testsrc2   yuv420p10le   tv    320x180  noise only                0.893-0.977
  444p12_damaged    yuv444p12le   tv    97x203   blur 0.7-1.6 + noise      0.479-0.828
  422p10_identical  yuv422p10le   tv    322x182  the reference itself      1
  sample_blur2      (samples/topleft_420p10_blur2.mkv against topleft_420p10.mkv:
                     1280x720 4:2:0 10-bit, frame 2 blurred, frames 0, 1, 3 identical)

MS-SSIM (five scales, the 2x2 means of each scale's signals making the next,
odd sizes repeating their last row/column; contrast-structure terms of scales
0-3, SSIM of scale 4, Wang et al. 2003's weights) is compared with a float64
model written here, on the pairs whose luma is at least 161x161; a smaller one
asked for msssim is an input error (exit 3) that says the minimum.

Checks:
- per frame, the report's "ssim" equals skimage's within SSIM_TOL (the GPU's
  sums are float32); identical frames give 1 within the same; the report's
  "metrics" lists ssim, worst.ssim names the lowest frame and its value, and
  the luma MSE next to it is still the exact one;
- --min-ssim judges the luma SSIM: just above the lowest frame's value (by
  MIN_SSIM_MARGIN) the run exits 1 and that frame alone fails, its "failures"
  naming ssim; just below it the run exits 0 with no failures. Giving
  --min-ssim adds ssim to --metrics psnr.

usage: e2e_check_yuv_ssim.py [UHDPIPE [SAMPLES]]   (defaults: $UHDPIPE, $SAMPLES)
       e2e_check_yuv_ssim.py --self-test [SAMPLES] (the harness checks only)
Exit 0 when all pass, 1 when any fails, 77 (skip) without numpy, scikit-image
or ffmpeg.
"""
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
    import scipy.ndimage
    import skimage.data
    from skimage.metrics import structural_similarity
except ImportError as error:
    print(f"SKIP: numpy and scikit-image are needed ({error})")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ssim_model  # noqa: E402  (the float64 SSIM/MS-SSIM model, shared with e2e_peers)
from ssim_model import gaussian_taps, window_means  # noqa: E402
from check_cli import run_check  # noqa: E402

FRAMES = 5
# pixel format: (bits, log2 chroma width, log2 chroma height)
FORMATS = {"yuv420p": (8, 1, 1), "yuv420p10le": (10, 1, 1), "yuv422p10le": (10, 1, 0),
           "yuv444p12le": (12, 0, 0)}
# name, pixel format, range, size, content, (blur sigma, noise sigma in 8-bit
# codes) of the test clip or None (the reference itself). Each frame's
# distortion is scaled by STRENGTH[frame], so that frame 1 is the worst by a
# margin far above the tolerance (the --min-ssim checks need that).
PAIRS = [("420p8", "yuv420p", "tv", (322, 182), "astronaut", (0.7, 1.5)),
         ("422p10", "yuv422p10le", "tv", (323, 181), "coffee", (0.6, 1.5)),
         ("444p12", "yuv444p12le", "tv", (321, 183), "chelsea", (0.5, 1.0)),
         ("420p10_full", "yuv420p10le", "pc", (322, 182), "astronaut", (0.7, 1.5)),
         ("420p10_testsrc2", "yuv420p10le", "tv", (320, 180), "testsrc2", (0.0, 2.0)),
         ("444p12_damaged", "yuv444p12le", "tv", (97, 203), "camera", (1.0, 5.5)),
         ("422p10_identical", "yuv422p10le", "tv", (322, 182), "coffee", None)]
STRENGTH = (1.0, 1.6, 0.7, 1.25, 0.85)
SAMPLE_PAIR = ("topleft_420p10_blur2.mkv", "topleft_420p10.mkv", "yuv420p10le", 4)
# The pairs the --min-ssim checks run on.
MIN_SSIM_PAIRS = ("422p10", "444p12_damaged")

# The GPU sums the window moments in float32; skimage works in float64.
# Largest difference measured (lavapipe/llvmpipe 15.0.6 on 2 cores, numpy 1.24.2,
# skimage 0.19.3, 2026-12-07): 1.98e-6 (420p10_testsrc2 frame 3, flat areas);
# the other pairs within 9.4e-7; identical frames 0.9999999871 (1.3e-8
# below 1). SSIM_TOL is 2.5 times the largest. What mistakes would move the
# values by (largest over each pair's frames, from skimage): a peak of 2^bits
# instead of 2^bits-1 4e-4 at 8 bits, 1e-4-1.7e-4 at 10, 1.4e-5 at 12; sample
# covariances 2.4e-4-1.8e-3; averaging one window position more or less on
# each side (crop 4 or 6) 8e-5-5.3e-4; the narrow range's 219 * 2^(bits-8) as
# L 9e-3-6.5e-2.
SSIM_TOL = 5e-6
# --min-ssim is set this far above/below skimage's lowest value: more than
# SSIM_TOL, far less than the gap to the next frame (> 4 times it, checked).
MIN_SSIM_MARGIN = 2e-5
MODEL_TOL = 1e-9     # the float64 model against skimage (measured 1.03e-14)
# MS-SSIM (luma, five scales, 2x2 means between them) against the float64 model
# below: the GPU keeps the smaller scales' planes in float32. Largest measured
# (as SSIM_TOL's): 8.4e-7 (420p10_testsrc2 frame 4); 2.5 times that. Leaving the
# 2x2 means unscaled by the peak moves the values by 1.2e-2 and more.
MSSSIM_TOL = 2e-6
MSSSIM_MIN = 161     # scale 4 (1/16) must still hold an 11x11 window
UHD_REL = 5e-10      # uhdpipe's %.10g
LUMA_709 = (0.2126, 0.7152, 0.0722)

failures = []
counts = {"checks": 0}
largest = {}  # kind -> (|diff|, |diff| / tolerance, where) nearest the tolerance


def check(cond, message):
    counts["checks"] += 1
    if not cond:
        failures.append(message)
        print("FAIL " + message)
        sys.stdout.flush()
    return cond


def close(where, kind, got, want, abs_tol, rel_tol=0.0):
    """Checks |got - want| <= abs_tol + rel_tol * |want|; equal infinities
    pass. Records the largest difference of each kind."""
    limit = abs_tol + rel_tol * abs(want)
    diff = 0.0 if got == want else abs(got - want)
    if math.isfinite(diff) and diff / limit > largest.get(kind, (0.0, -1.0))[1]:
        largest[kind] = (diff, diff / limit, f"{where}: {got!r} vs {want!r}")
    return check(diff <= limit, f"{where}: {kind}: got {got!r}, want {want!r} "
                                f"(|diff| {diff:.3g} > tolerance {limit:.3g})")


# --- Content -------------------------------------------------------------------

def plane_shapes(pix_fmt, width, height):
    """(rows, columns) of Y, Cb, Cr; chroma rounded up, as the decoder's."""
    _, cw, ch = FORMATS[pix_fmt]
    chroma = (-(-height >> ch), -(-width >> cw))
    return [(height, width), chroma, chroma]


def natural_frames(source, pix_fmt, rng_kind, size):
    """FRAMES frames of Y'CbCr code values (BT.709 matrix, range rng_kind)
    from one of skimage's pictures: a window 1.25 times the size, moved a few
    samples a frame and resampled (bilinear) to size, so that the values are
    fractional before quantisation and high bit depths use their low bits."""
    bits, cw, ch = FORMATS[pix_fmt]
    img = getattr(skimage.data, source)().astype(np.float64) / 255.0
    if img.ndim == 2:
        img = np.stack([img] * 3, axis=-1)
    width, height = size
    scale = 1.25
    frames = []
    for f in range(FRAMES):
        x0, y0 = 9 + 7 * f, 5 + 4 * f
        rows = y0 + np.arange(height) * scale
        cols = x0 + np.arange(width) * scale
        assert rows[-1] + 1 < img.shape[0] and cols[-1] + 1 < img.shape[1], source
        grid = np.meshgrid(rows, cols, indexing="ij")
        rgb = np.stack([scipy.ndimage.map_coordinates(img[..., c], grid, order=1)
                        for c in range(3)], axis=-1)
        kr, kg, kb = LUMA_709
        y = kr * rgb[..., 0] + kg * rgb[..., 1] + kb * rgb[..., 2]
        cb = (rgb[..., 2] - y) / (2 * (1 - kb))
        cr = (rgb[..., 0] - y) / (2 * (1 - kr))
        # chroma: the mean of each 2x1, 1x2 or 2x2 block (edge blocks repeat)
        def sub(c):
            if cw:
                c = np.pad(c, ((0, 0), (0, width % 2)), mode="edge")
                c = 0.5 * (c[:, 0::2] + c[:, 1::2])
            if ch:
                c = np.pad(c, ((0, height % 2), (0, 0)), mode="edge")
                c = 0.5 * (c[0::2] + c[1::2])
            return c
        peak, shift = (1 << bits) - 1, 1 << (bits - 8)
        if rng_kind == "pc":
            planes = [y * peak, sub(cb) * peak + (1 << (bits - 1)),
                      sub(cr) * peak + (1 << (bits - 1))]
        else:
            planes = [(219 * y + 16) * shift, (224 * sub(cb) + 128) * shift,
                      (224 * sub(cr) + 128) * shift]
        frames.append([np.clip(np.rint(p), 0, peak).astype(np.int64) for p in planes])
    return frames


def testsrc2_frames(pix_fmt, rng_kind, size):
    """FRAMES frames of ffmpeg's testsrc2 in pix_fmt (BT.709, range rng_kind)."""
    graph = (f"testsrc2=size={size[0]}x{size[1]}:rate=25,format=rgb24,scale=out_color_matrix="
             f"bt709:out_range={'full' if rng_kind == 'pc' else 'tv'},format={pix_fmt}")
    run = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", graph,
                          "-frames:v", str(FRAMES), "-f", "rawvideo", "-pix_fmt", pix_fmt, "-"],
                         capture_output=True, check=True, timeout=120)
    return split_frames(run.stdout, pix_fmt, size)


def distort(frames, pix_fmt, blur, noise, seed):
    """Each plane blurred (Gaussian, sigma blur * STRENGTH[frame], borders
    repeated) plus Gaussian noise (noise * STRENGTH[frame] 8-bit codes, scaled
    to the depth), rounded and clipped to 0..2^bits-1."""
    bits = FORMATS[pix_fmt][0]
    rng = np.random.default_rng(seed)
    out = []
    for f, planes in enumerate(frames):
        k, new = STRENGTH[f], []
        for p in planes:
            v = p.astype(np.float64)
            if blur:
                v = scipy.ndimage.gaussian_filter(v, blur * k, mode="nearest")
            v = v + rng.normal(0.0, noise * k * (1 << (bits - 8)), v.shape)
            new.append(np.clip(np.rint(v), 0, (1 << bits) - 1).astype(np.int64))
        out.append(new)
    return out


# --- Clips -----------------------------------------------------------------------

def split_frames(data, pix_fmt, size):
    """Raw planar bytes (pix_fmt, little-endian above 8 bits) to frames of
    [Y, Cb, Cr] int64 arrays."""
    bits = FORMATS[pix_fmt][0]
    samples = np.frombuffer(data, "u1" if bits == 8 else "<u2").astype(np.int64)
    shapes = plane_shapes(pix_fmt, *size)
    per_frame = sum(r * c for r, c in shapes)
    frames, at = [], 0
    while at + per_frame <= samples.size:
        planes = []
        for r, c in shapes:
            planes.append(samples[at:at + r * c].reshape(r, c))
            at += r * c
        frames.append(planes)
    check(at == samples.size, f"harness: {samples.size - at} samples left over after "
                              f"{len(frames)} frames of {pix_fmt} {size[0]}x{size[1]}")
    return frames


def write_clip(path, frames, pix_fmt, rng_kind, size):
    """Lossless FFV1 of the frames' code values, tagged BT.709 and rng_kind."""
    bits = FORMATS[pix_fmt][0]
    raw = b"".join(p.astype("u1" if bits == 8 else "<u2").tobytes()
                   for planes in frames for p in planes)
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt",
                    pix_fmt, "-s", f"{size[0]}x{size[1]}", "-r", "25", "-i", "-",
                    "-c:v", "ffv1", "-color_primaries", "bt709", "-color_trc", "bt709",
                    "-colorspace", "bt709", "-color_range", rng_kind, path],
                   input=raw, check=True, timeout=120)
    return path


def probe_ok(path, pix_fmt, rng_kind, size):
    """ffprobe must read back the format, size and tags the clip was made with."""
    run = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=pix_fmt,width,height,color_range,color_space", "-of", "json",
                          path], capture_output=True, text=True, timeout=60)
    got = json.loads(run.stdout or "{}").get("streams", [{}])[0]
    want = {"pix_fmt": pix_fmt, "width": size[0], "height": size[1], "color_range": rng_kind,
            "color_space": "bt709"}
    return check(got == want, f"harness: {os.path.basename(path)}: ffprobe reads {got}, "
                              f"the clip was made with {want}")


def decode(path, pix_fmt, size):
    """The frames of path as ffmpeg decodes them, in their own pixel format."""
    run = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "rawvideo",
                          "-pix_fmt", pix_fmt, "-"], capture_output=True, check=True,
                         timeout=120)
    return split_frames(run.stdout, pix_fmt, size)


# --- SSIM: skimage and the definition --------------------------------------------

def skimage_ssim(ref, test, bits):
    return float(structural_similarity(ref.astype(np.float64), test.astype(np.float64),
                                       gaussian_weights=True, sigma=1.5,
                                       use_sample_covariance=False,
                                       data_range=(1 << bits) - 1))


def model_ssim(ref, test, bits):
    """The definition in the docstring, float64, with no border handling at all."""
    x, y = ref.astype(np.float64), test.astype(np.float64)
    taps = gaussian_taps()
    peak = (1 << bits) - 1
    c1, c2 = (0.01 * peak) ** 2, (0.03 * peak) ** 2
    mx, my = window_means(x, taps), window_means(y, taps)
    vx = window_means(x * x, taps) - mx * mx
    vy = window_means(y * y, taps) - my * my
    cxy = window_means(x * y, taps) - mx * my
    s = (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    assert s.shape == (x.shape[0] - 10, x.shape[1] - 10)
    return float(s.mean())


def msssim_and_first_ssim(ref, test, bits):
    """ssim_model's MS-SSIM and scale-0 SSIM of the codes / (2^bits - 1)."""
    peak = (1 << bits) - 1
    return ssim_model.model_msssim(ref.astype(np.float64) / peak, test.astype(np.float64) / peak)


def reference_values(where, test_frames, ref_frames, bits):
    """Per frame skimage's SSIM of the luma planes (test against ref), checked
    against the model; also the exact luma MSE."""
    values = []
    for i, (t, r) in enumerate(zip(test_frames, ref_frames)):
        sk = skimage_ssim(r[0], t[0], bits)
        close(f"harness: {where} frame {i}", "model vs skimage", model_ssim(r[0], t[0], bits),
              sk, MODEL_TOL)
        d = (t[0] - r[0]).astype(np.int64)
        value = {"ssim": sk, "mse_y": int((d * d).sum()) / d.size}
        if min(r[0].shape) >= MSSSIM_MIN:
            value["msssim"], first = msssim_and_first_ssim(r[0], t[0], bits)
            close(f"harness: {where} frame {i}", "msssim model scale 0 vs skimage", first, sk,
                  MODEL_TOL)
        values.append(value)
    return values


# --- uhdpipe -----------------------------------------------------------------------

def uhdpipe_check(uhdpipe, work, name, test, ref, options):
    """Returns (the finished process, the report or None)."""
    return run_check(uhdpipe, os.path.join(work, f"report_{name}.json"),
                     [test, "--ref", ref, "--domain", "yuv", *options])


def number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not a number: {value!r}")
    return float(value)


def compare_report(where, report, values, bits):
    check(report.get("domain") == "yuv" and "ssim" in (report.get("metrics") or []),
          f"{where}: report domain {report.get('domain')!r}, metrics "
          f"{report.get('metrics')!r}: want 'yuv' and ssim among them")
    check(report.get("passed") is True and report.get("complete") is True
          and report.get("mismatch") is None,
          f"{where}: report passed/complete/mismatch {report.get('passed')!r}/"
          f"{report.get('complete')!r}/{report.get('mismatch')!r}")
    check((report.get("thresholds") or {}).get("min_ssim", "missing") is None,
          f"{where}: thresholds.min_ssim {(report.get('thresholds') or {}).get('min_ssim')!r}"
          f" with --min-ssim off, want null")
    rows = report.get("frames") or []
    check(len(rows) == len(values), f"{where}: {len(rows)} frames in the report, "
                                    f"want {len(values)}")
    got_all = []
    for i, (row, want) in enumerate(zip(rows, values)):
        at = f"{where} frame {i}"
        try:
            check(row.get("index") == i, f"{at}: index {row.get('index')!r}")
            got = number(row["ssim"])
            got_all.append(got)
            close(at, "ssim vs skimage", got, want["ssim"], SSIM_TOL)
            if want["ssim"] == 1.0:
                close(at, "ssim of identical frames", got, 1.0, SSIM_TOL)
            close(at, "luma mse vs exact", number(row["mse"]["y"]), want["mse_y"], 1e-12,
                  UHD_REL)
            if "msssim" in want:
                close(at, "msssim vs model", number(row["msssim"]), want["msssim"],
                      MSSSIM_TOL)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            check(False, f"{at}: cannot compare ({error!r}); the frame is "
                         f"{json.dumps(row)[:400]}")
    if len(got_all) == len(values) and got_all:
        worst = (report.get("worst") or {}).get("ssim") or {}
        low = min(range(len(got_all)), key=lambda i: got_all[i])
        check(worst.get("frame") == low and worst.get("value") == got_all[low],
              f"{where}: worst.ssim {worst!r}, want frame {low} value {got_all[low]!r} "
              f"(the lowest frame's)")
    return got_all


# --- Pairs -------------------------------------------------------------------------

def run_pair(uhdpipe, work, name, test, ref, pix_fmt, size, frames, written=None):
    """One pair: decode both (checking the code values written, if given),
    skimage per frame, then uhdpipe. Returns skimage's values."""
    bits, where, before = FORMATS[pix_fmt][0], f"{name} ({pix_fmt} {size[0]}x{size[1]})", \
        len(failures)
    ref_frames, test_frames = decode(ref, pix_fmt, size), decode(test, pix_fmt, size)
    check(len(ref_frames) == len(test_frames) == frames,
          f"harness: {where}: decoded {len(test_frames)} and {len(ref_frames)} frames, "
          f"want {frames}")
    if written is not None:
        for side, got, want in (("ref", ref_frames, written[1]), ("test", test_frames,
                                                                   written[0])):
            same = len(got) == len(want) and all(
                np.array_equal(a, b) for pg, pw in zip(got, want) for a, b in zip(pg, pw))
            check(same, f"harness: {where}: the {side} clip does not decode to the code "
                        f"values written")
    if name.endswith("_full"):  # full-range codes, not narrow ones tagged full
        low = min(int(f[0].min()) for f in ref_frames)
        check(low < 16 << (bits - 8), f"harness: {where}: luma never below "
                                      f"{16 << (bits - 8)} (lowest {low})")
    values = reference_values(where, test_frames, ref_frames, bits)
    if uhdpipe is not None:
        msssim = min(size) >= MSSSIM_MIN
        run, report = uhdpipe_check(uhdpipe, work, name, test, ref,
                                    ["--metrics", "psnr,ssim,msssim" if msssim else "psnr,ssim",
                                     "--min-psnr", "off", "--min-ssim", "off",
                                     "--min-msssim", "off"])
        if check(run.returncode == 0 and report is not None,
                 f"{where}: uhdpipe check exited {run.returncode} (want 0), report "
                 f"{'written' if report else 'missing'}: {run.stderr.strip()[-600:]}"):
            compare_report(where, report, values, bits)
    if uhdpipe is not None and min(size) < MSSSIM_MIN:
        run, _ = uhdpipe_check(uhdpipe, work, f"{name}_msssim", test, ref,
                               ["--metrics", "msssim"])
        check(run.returncode == 3 and f"MS-SSIM needs at least {MSSSIM_MIN}x{MSSSIM_MIN}"
              in run.stderr, f"{where}: --metrics msssim on a plane under {MSSSIM_MIN} "
                             f"samples: exit {run.returncode} (want 3), "
                             f"{run.stderr.strip()[-300:]!r}")
    shown = ", ".join(f"{v['ssim']:.6f}" for v in values)
    print(f"{'ok  ' if len(failures) == before else 'FAIL'} {where}: {len(values)} frames, "
          f"SSIM (skimage) {shown}")
    sys.stdout.flush()
    return values


def min_ssim_checks(uhdpipe, work, name, test, ref, values):
    """--min-ssim just above the lowest frame's SSIM fails that frame alone
    (exit 1); just below it, nothing fails (exit 0)."""
    ssims = [v["ssim"] for v in values]
    low = min(range(len(ssims)), key=lambda i: ssims[i])
    gap = min(s for i, s in enumerate(ssims) if i != low) - ssims[low]
    if not check(gap > 4 * MIN_SSIM_MARGIN, f"harness: {name}: the lowest SSIM is only "
                                            f"{gap:.3g} below the next frame's"):
        return
    for above in (True, False):
        threshold = ssims[low] + (MIN_SSIM_MARGIN if above else -MIN_SSIM_MARGIN)
        where, before = f"{name} --min-ssim {threshold:.8f}", len(failures)
        # below: --metrics psnr, so that --min-ssim must add ssim itself
        options = ["--metrics", "psnr,ssim" if above else "psnr", "--min-psnr", "off",
                   "--min-ssim", f"{threshold:.8f}"]
        run, report = uhdpipe_check(uhdpipe, work, f"min_ssim_{name}_{above}", test, ref,
                                    options)
        want_rc = 1 if above else 0
        if check(run.returncode == want_rc and report is not None,
                 f"{where}: exit {run.returncode}, want {want_rc} (lowest SSIM {ssims[low]!r} "
                 f"at frame {low}); report {'written' if report else 'missing'}: "
                 f"{run.stderr.strip()[-600:]}"):
            rows = report.get("frames") or []
            check("ssim" in (report.get("metrics") or []),
                  f"{where}: metrics {report.get('metrics')!r}: --min-ssim must add ssim")
            check(report.get("passed") is (not above),
                  f"{where}: report passed {report.get('passed')!r}, want {not above}")
            for i, row in enumerate(rows):
                fails = row.get("failures")
                if above and i == low:
                    check(row.get("passed") is False and isinstance(fails, list)
                          and len(fails) == 1 and re.search(r"\bssim\b", fails[0])
                          and "--min-ssim" in fails[0],
                          f"{where}: frame {i} (the lowest) passed {row.get('passed')!r}, "
                          f"failures {fails!r}: want one naming ssim and --min-ssim")
                else:
                    check(row.get("passed") is True and fails == [],
                          f"{where}: frame {i} passed {row.get('passed')!r}, failures "
                          f"{fails!r}: want none (SSIM {ssims[i]:.6f})")
            failed = (report.get("totals") or {}).get("failed_frames")
            check(failed == (1 if above else 0),
                  f"{where}: totals.failed_frames {failed!r}, want {1 if above else 0}")
        print(f"{'ok  ' if len(failures) == before else 'FAIL'} {where}: exit "
              f"{run.returncode} (lowest SSIM {ssims[low]:.6f} at frame {low})")
        sys.stdout.flush()


def made_pairs(uhdpipe, work):
    for seed, (name, pix_fmt, rng_kind, size, content, distortion) in enumerate(PAIRS):
        if content == "testsrc2":
            ref_frames = testsrc2_frames(pix_fmt, rng_kind, size)
        else:
            ref_frames = natural_frames(content, pix_fmt, rng_kind, size)
        ref = write_clip(os.path.join(work, f"ref_{name}.mkv"), ref_frames, pix_fmt,
                         rng_kind, size)
        if distortion is None:
            test, test_frames = ref, ref_frames
        else:
            test_frames = distort(ref_frames, pix_fmt, *distortion, seed=seed)
            test = write_clip(os.path.join(work, f"test_{name}.mkv"), test_frames, pix_fmt,
                              rng_kind, size)
        if probe_ok(ref, pix_fmt, rng_kind, size) and probe_ok(test, pix_fmt, rng_kind, size):
            values = run_pair(uhdpipe, work, name, test, ref, pix_fmt, size, FRAMES,
                              (test_frames, ref_frames))
            if distortion is None:
                check(all(v["ssim"] == 1.0 for v in values),
                      f"harness: {name}: skimage's SSIM of identical frames is not 1")
            if uhdpipe is not None and name in MIN_SSIM_PAIRS:
                min_ssim_checks(uhdpipe, work, name, test, ref, values)


def sample_pair(uhdpipe, work, samples):
    """The sample whose frame 2 alone was blurred: SSIM 1 at frames 0, 1, 3."""
    test_name, ref_name, pix_fmt, frames = SAMPLE_PAIR
    test, ref = (os.path.abspath(os.path.join(samples, n)) for n in (test_name, ref_name))
    if not check(os.path.exists(test) and os.path.exists(ref),
                 f"harness: {test} and {ref} exist (samples/make-samples.sh makes them)"):
        return
    run = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=width,height", "-of", "csv=p=0", ref],
                         capture_output=True, text=True, timeout=60)
    size = tuple(int(v) for v in run.stdout.strip().split(","))
    values = run_pair(uhdpipe, work, "sample_blur2", test, ref, pix_fmt, size, frames)
    check([v["ssim"] == 1.0 for v in values] == [True, True, False, True],
          f"harness: sample_blur2: skimage SSIM {[v['ssim'] for v in values]}, want 1 at "
          f"frames 0, 1, 3 only")


def print_largest():
    for kind, (diff, ratio, where) in sorted(largest.items()):
        print(f"nearest the tolerance, {kind}: |diff| {diff:.3g} ({ratio:.2f} of the "
              f"tolerance) at {where}")


def main():
    args = sys.argv[1:]
    self_test = args[:1] == ["--self-test"]
    if self_test:
        args = [None] + args[1:]  # no uhdpipe
    args += [None] * (2 - len(args))
    uhdpipe = None if self_test else args[0] or os.environ.get("UHDPIPE")
    samples = args[1] or os.environ.get("SAMPLES")
    if (not self_test and not uhdpipe) or not samples or len(args) > 2:
        print("usage: " + __doc__.split("usage: ")[1].split("\n\n")[0])
        return 2
    if not shutil.which("ffmpeg") or not shutil.which("ffprobe"):
        print("SKIP: ffmpeg and ffprobe are needed")
        return 77
    os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="e2e_check_yuv_ssim_") as work:
        made_pairs(uhdpipe, work)
        sample_pair(uhdpipe, work, samples)
    print_largest()
    print(f"({time.monotonic() - start:.1f} s)")
    print(f"e2e_check_yuv_ssim: {counts['checks']} checks, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
