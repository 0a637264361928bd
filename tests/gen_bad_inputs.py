#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Derives damaged and hostile inputs from the sample clips, for the bad-input
matrix (tests/e2e_bad_inputs.py, issue 7).

    gen_bad_inputs.py SAMPLES OUTDIR [--flips N] [--truncations N]

First re-encodes a few tiny base clips from samples/sdr_1080p_h264.mp4 (H.264 in
MP4, HEVC Main10 with HDR10 SEI in MKV, FFV1 with slice CRCs in MKV, AV1 in MKV;
8 frames, about 192x108, so that every run is quick), then writes the inputs
below into OUTDIR and a manifest, OUTDIR/manifest.json: a list of
{"name", "class", "path", "base", "note"}. Each class has one expected outcome,
stated in e2e_bad_inputs.py.

Classes: control (the bases, undamaged), truncate (cut at fixed offsets: inside
the header, inside the first frame, the middle, one byte short), bitflip (bits
flipped inside video packets; N variants per base with 1..32 flips, fixed
seeds), containerflip (bits flipped anywhere in the file), empty, garbage
(random bytes, alone or behind a real magic number), wrong_ext, absurd_dims
(a container or header declaring 65535x65535 or 65536x65536), absurd_count
(a container declaring 2^31-1 frames or an absurd duration), midstream_size,
midstream_pixfmt (streams concatenated at a change of size or pixel format),
audio_only, hdr_sei (mastering display / content light with zero or absurd
values, and a mastering-display SEI whose payload size runs past its NAL unit).

Everything is deterministic: fixed seeds, -fflags +bitexact, one encoder thread.
Needs ffmpeg and ffprobe (with libx264, libx265, libsvtav1, ffv1).
"""
import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys

FFMPEG = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
MASTERING = "G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1)"


class Generator:
    def __init__(self, samples, out):
        self.source = os.path.join(samples, "sdr_1080p_h264.mp4")
        self.out = out
        self.base_dir = os.path.join(out, "base")
        os.makedirs(self.base_dir, exist_ok=True)
        self.cases = []

    def ffmpeg(self, *args, frames=8, size="192:108"):
        """Encodes `frames` frames of the sample at `size`; the last arg is the output."""
        cmd = FFMPEG + ["-i", self.source, "-frames:v", str(frames), "-vf", f"scale={size}",
                        "-an", "-threads", "1", "-fflags", "+bitexact", *args]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"gen_bad_inputs: ffmpeg failed making {args[-1]}: {proc.stderr[-800:]}")
        return args[-1]

    def base(self, name, *args, **kw):
        return self.ffmpeg(*args, os.path.join(self.base_dir, name), **kw)

    def add(self, cls, name, data, base=None, note=""):
        path = os.path.join(self.out, cls, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        self.cases.append({"name": f"{cls}/{name}", "class": cls, "path": path,
                           "base": base, "note": note})

    def add_file(self, cls, name, src, base=None, note=""):
        with open(src, "rb") as f:
            self.add(cls, name, f.read(), base, note)


def hevc_args(pix_fmt="yuv420p10le", params=""):
    x265 = "log-level=error:keyint=4:bframes=2:pools=1:frame-threads=1" + params
    return ["-c:v", "libx265", "-pix_fmt", pix_fmt, "-x265-params", x265]


def hdr10(mastering, cll):
    return (f":hdr10=1:repeat-headers=1:master-display={mastering}:max-cll={cll}",
            ["-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc"])


def make_bases(g):
    """The undamaged clips everything else is derived from."""
    params, tags = hdr10(MASTERING, "1000,400")
    bases = {
        "h264.mp4": g.base("h264.mp4", "-c:v", "libx264", "-g", "4", "-bf", "2",
                           "-pix_fmt", "yuv420p", "-movflags", "+faststart"),
        "hevc.mkv": g.base("hevc.mkv", *hevc_args(params=params), *tags),
        "ffv1.mkv": g.base("ffv1.mkv", "-c:v", "ffv1", "-level", "3", "-slicecrc", "1",
                           "-pix_fmt", "yuv422p10le", size="160:90"),
        "av1.mkv": g.base("av1.mkv", "-c:v", "libsvtav1", "-g", "4", "-preset", "12",
                          "-pix_fmt", "yuv420p10le", size="192:112"),
    }
    for name, path in bases.items():
        g.add_file("control", name, path, base=name)
    return bases


def video_packets(path):
    """(offset, size) of every video packet in the file, from ffprobe."""
    proc = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                           "packet=pos,size", "-of", "csv=p=0", path],
                          capture_output=True, text=True, check=True)
    packets = []
    for line in proc.stdout.split():
        pos, size = line.split(",")[:2]
        if pos not in ("", "N/A"):
            packets.append((int(pos), int(size)))
    return packets


def make_truncations(g, bases, count):
    for name, path in bases.items():
        data = open(path, "rb").read()
        packets = video_packets(path)
        first_pos, first_size = packets[0]
        offsets = [16, first_pos // 2, first_pos + first_size // 2, len(data) // 2,
                   len(data) - 1, 200, first_pos + first_size, len(data) * 3 // 4,
                   len(data) // 4, 4]
        for offset in sorted(set(offsets[:count])):
            g.add("truncate", f"{name}.cut{offset}{os.path.splitext(name)[1]}", data[:offset],
                  base=name, note=f"first {offset} of {len(data)} bytes")


def flip_bits(data, rng, count, ranges):
    data = bytearray(data)
    total = sum(size for _, size in ranges)
    for _ in range(count):
        at = rng.randrange(total)
        for pos, size in ranges:
            if at < size:
                data[pos + at] ^= 1 << rng.randrange(8)
                break
            at -= size
    return bytes(data)


def make_bitflips(g, bases, count):
    for name, path in bases.items():
        data = open(path, "rb").read()
        packets = video_packets(path)
        ext = os.path.splitext(name)[1]
        for i in range(count):
            rng = random.Random(f"bitflip/{name}/{i}")
            flips = (1, 2, 4, 8, 32)[i % 5]
            g.add("bitflip", f"{name}.flip{i:03d}{ext}", flip_bits(data, rng, flips, packets),
                  base=name, note=f"{flips} bit(s) flipped in video packets, seed {i}")
        for i in range(max(1, count // 8)):
            rng = random.Random(f"containerflip/{name}/{i}")
            flips = (1, 4, 16)[i % 3]
            g.add("containerflip", f"{name}.flip{i:03d}{ext}",
                  flip_bits(data, rng, flips, [(0, len(data))]), base=name,
                  note=f"{flips} bit(s) flipped anywhere, seed {i}")


def make_junk(g, bases):
    for ext in ("mkv", "mp4", "h264"):
        g.add("empty", f"empty.{ext}", b"")
    magics = {"": b"", "ebml": b"\x1a\x45\xdf\xa3", "ftyp": b"\x00\x00\x00\x18ftypisom",
              "y4m": b"YUV4MPEG2 ", "annexb": b"\x00\x00\x00\x01\x67"}
    for i, size in enumerate((1, 17, 4096, 65536)):
        for magic_name, magic in magics.items():
            if magic_name and size < 4096:
                continue
            rng = random.Random(f"garbage/{size}/{magic_name}")
            name = f"garbage{size}{'-' + magic_name if magic_name else ''}.mkv"
            g.add("garbage", name, magic + rng.randbytes(size))
    renames = [("h264.mp4", "h264-as.mkv"), ("hevc.mkv", "hevc-as.mp4"),
               ("ffv1.mkv", "ffv1-as.avi"), ("av1.mkv", "av1-as.png"),
               ("h264.mp4", "h264-no-extension")]
    for base, name in renames:
        g.add_file("wrong_ext", name, bases[base], base=base)


def patch_ebml_uint(data, element_id, old, new):
    """Overwrites the value of the first EBML uint element `element_id` equal to `old`."""
    width = (old.bit_length() + 7) // 8
    needle = element_id + bytes([0x80 | width]) + old.to_bytes(width, "big")
    at = data.find(needle)
    if at < 0 or new.bit_length() > 8 * width:
        sys.exit(f"gen_bad_inputs: cannot patch EBML element {element_id.hex()}={old}")
    at += len(element_id) + 1
    return data[:at] + new.to_bytes(width, "big") + data[at + width:]


def patch_mp4_box(data, box, offset, fmt, value):
    """Writes `value` at `offset` bytes into the payload of the first `box`."""
    at = data.find(box)
    if at < 0:
        sys.exit(f"gen_bad_inputs: no {box!r} box to patch")
    at += len(box) + offset
    return data[:at] + struct.pack(fmt, value) + data[at + struct.calcsize(fmt):]


def make_absurd(g):
    # Sizes of 256..65535 are stored as 2-byte EBML uints: room for 65535.
    ffv1 = g.base("ffv1-256.mkv", "-c:v", "ffv1", "-pix_fmt", "yuv420p", frames=2,
                  size="256:256")
    hevc = g.base("hevc-256.mkv", *hevc_args(), frames=2, size="256:256")
    for name, path in (("ffv1", ffv1), ("hevc", hevc)):
        data = open(path, "rb").read()
        huge = patch_ebml_uint(data, b"\xb0", 256, 65535)  # PixelWidth
        huge = patch_ebml_uint(huge, b"\xba", 256, 65535)  # PixelHeight
        g.add("absurd_dims", f"{name}-65535x65535.mkv", huge,
              note="Matroska PixelWidth/PixelHeight 65535 (FFV1 has no size of its own)")
        wide = patch_ebml_uint(data, b"\xb0", 256, 65535)
        g.add("absurd_dims", f"{name}-65535x256.mkv", wide, note="PixelWidth 65535")
    y4m = g.base("small.y4m", "-pix_fmt", "yuv420p", frames=2, size="64:36")
    data = open(y4m, "rb").read()
    header_end = data.index(b"\n")
    for w, h in ((65536, 65536), (65536, 1), (1, 1)):
        header = data[:header_end].replace(b"W64 H36", f"W{w} H{h}".encode())
        g.add("absurd_dims", f"y4m-{w}x{h}.y4m", header + data[header_end:],
              note="YUV4MPEG2 header declaring this size over 64x36 frames")
    mp4 = open(g.base("h264-2.mp4", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags",
                      "+faststart", frames=2, size="192:108"), "rb").read()
    # avc1 sample entry: 6 reserved, 2 index, 16 predefined, then width, height.
    g.add("absurd_dims", "mp4-avc1-65535x65535.mp4",
          patch_mp4_box(patch_mp4_box(mp4, b"avc1", 24, ">H", 65535), b"avc1", 26, ">H", 65535),
          note="MP4 sample entry declaring 65535x65535 over 192x108 SPS")
    # stts: version/flags, entry count, then (sample count, delta) pairs.
    g.add("absurd_count", "mp4-stts-2e31.mp4", patch_mp4_box(mp4, b"stts", 8, ">I", 0x7FFFFFFF),
          note="stts declaring 2^31-1 samples (2 in the file)")
    g.add("absurd_count", "mp4-stsz-2e31.mp4", patch_mp4_box(mp4, b"stsz", 8, ">I", 0x7FFFFFFF),
          note="stsz declaring 2^31-1 sample sizes")
    g.add("absurd_count", "mp4-mvhd-duration.mp4",
          patch_mp4_box(mp4, b"mvhd", 16, ">I", 0xFFFFFFFF), note="mvhd duration 2^32-1")
    mkv = open(hevc, "rb").read()
    at = mkv.find(b"\x44\x89\x88")  # Segment Info Duration, 8-byte float
    if at >= 0:
        g.add("absurd_count", "mkv-duration-1e300.mkv",
              mkv[:at + 3] + struct.pack(">d", 1e300) + mkv[at + 11:],
              note="Matroska Duration 1e300")


def concat(g, cls, name, parts, remux_ext=None):
    data = b"".join(open(p, "rb").read() for p in parts)
    g.add(cls, name, data, note="concatenated Annex B streams")
    if remux_ext:
        remuxed = os.path.join(g.base_dir, os.path.splitext(name)[0] + "." + remux_ext)
        raw = os.path.join(g.out, cls, name)
        proc = subprocess.run(FFMPEG + ["-i", raw, "-c", "copy", remuxed],
                              capture_output=True, text=True)
        if proc.returncode == 0:
            g.add_file(cls, os.path.basename(remuxed), remuxed, note=f"{name} remuxed")


def make_midstream(g):
    x264 = ["-c:v", "libx264", "-g", "4", "-bf", "0"]
    a = g.base("a-192x108.h264", *x264, "-pix_fmt", "yuv420p", frames=4)
    b = g.base("b-128x72.h264", *x264, "-pix_fmt", "yuv420p", frames=4, size="128:72")
    c = g.base("c-192x108-444.h264", *x264, "-pix_fmt", "yuv444p", frames=4)
    concat(g, "midstream_size", "h264-192x108-then-128x72.h264", [a, b], "ts")
    concat(g, "midstream_pixfmt", "h264-420-then-444.h264", [a, c], "ts")
    h8 = g.base("hevc8.hevc", *hevc_args("yuv420p"), frames=4)
    h10 = g.base("hevc10.hevc", *hevc_args(), frames=4)
    concat(g, "midstream_pixfmt", "hevc-8bit-then-10bit.hevc", [h8, h10])


def make_audio(g):
    for ext, codec in (("wav", "pcm_s16le"), ("mka", "flac"), ("mp4", "aac"), ("mkv", "flac")):
        path = os.path.join(g.base_dir, f"audio.{ext}")
        proc = subprocess.run(FFMPEG + ["-f", "lavfi", "-i", "sine=d=0.3", "-c:a", codec,
                                        "-fflags", "+bitexact", path],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"gen_bad_inputs: making {path} failed: {proc.stderr[-500:]}")
        g.add_file("audio_only", f"audio.{ext}", path)


def break_sei_size(data):
    """Makes the payload size of the first mastering-display SEI (HEVC prefix SEI
    NAL, payload type 137) run far past the end of its NAL unit."""
    at = data.find(b"\x00\x00\x01\x4e\x01\x89")
    if at < 0:
        sys.exit("gen_bad_inputs: no mastering-display SEI found to break")
    at += 6
    return data[:at] + b"\xff\xff\x40" + data[at + 1:]


def make_hdr_sei(g):
    variants = {
        "zero": ("G(0,0)B(0,0)R(0,0)WP(0,0)L(0,0)", "0,0"),
        "absurd": ("G(65535,65535)B(65535,65535)R(65535,65535)WP(65535,65535)"
                   "L(4294967295,4294967295)", "65535,65535"),
        "inverted": ("G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(1,10000000)",
                     "1,65535"),
    }
    for name, (mastering, cll) in variants.items():
        params, tags = hdr10(mastering, cll)
        path = g.base(f"hdr-{name}.mkv", *hevc_args(params=params), *tags, frames=2)
        g.add_file("hdr_sei", f"hdr-{name}.mkv", path, note=f"master-display {mastering}")
    params, tags = hdr10(MASTERING, "1000,400")
    annexb = open(g.base("hdr.hevc", *hevc_args(params=params), *tags, frames=2), "rb").read()
    g.add("hdr_sei", "hdr-sei-size-past-nal.hevc", break_sei_size(annexb),
          note="mastering-display SEI payload size past the NAL end")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("samples")
    parser.add_argument("out")
    parser.add_argument("--flips", type=int, default=30, help="bit-flip variants per base")
    parser.add_argument("--truncations", type=int, default=10, help="cut offsets per base")
    args = parser.parse_args()
    g = Generator(args.samples, args.out)
    if not os.path.exists(g.source):
        sys.exit(f"gen_bad_inputs: {g.source} missing; run samples/make-samples.sh")
    bases = make_bases(g)
    make_truncations(g, bases, args.truncations)
    make_bitflips(g, bases, args.flips)
    make_junk(g, bases)
    make_absurd(g)
    make_midstream(g)
    make_audio(g)
    make_hdr_sei(g)
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(g.cases, f, indent=1)
    print(f"gen_bad_inputs: {len(g.cases)} inputs in {args.out}")


if __name__ == "__main__":
    main()
