#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End to end: `uhdpipe info --json` against ffprobe (a peer nobody here wrote)
for every sample clip: size, pixel format, frame rate, frame count (packets
counted by ffprobe), colour tags, chroma siting, and the HDR10 mastering display
and content light values ffprobe finds on the first frame.

usage: e2e_info.py UHDPIPE SAMPLES_DIR
"""
import json
import os
import subprocess
import sys
from fractions import Fraction

CLIPS = ["hdr10_8k_hevc.mkv", "hlg_4k_hevc.mkv", "pq_4k_av1.mkv", "sdr_1080p_h264.mp4",
         "odd_422p10.mkv", "odd_444p10.mkv", "full_601_12bit.mkv", "topleft_420p10.mkv",
         "short_1frame.mkv"]


def ffprobe(clip, *args):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-of", "json",
                          *args, clip], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def expected(clip):
    stream = ffprobe(clip, "-show_streams", "-show_frames", "-read_intervals", "%+#1")
    frame = stream["frames"][0]
    stream = stream["streams"][0]
    count = ffprobe(clip, "-count_packets", "-show_entries", "stream=nb_read_packets")
    want = {
        "width": stream["width"], "height": stream["height"],
        "pixel_format": stream["pix_fmt"], "codec": stream["codec_name"],
        "frame_rate": [int(v) for v in stream["avg_frame_rate"].split("/")],
        "frame_count": int(count["streams"][0]["nb_read_packets"]),
        "colour.primaries": stream.get("color_primaries", "unspecified"),
        "colour.transfer": stream.get("color_transfer", "unspecified"),
        "colour.matrix": stream.get("color_space", "unspecified"),
        "colour.range": {"tv": "limited", "pc": "full"}.get(stream.get("color_range"),
                                                            "limited"),
        "colour.chroma_siting": stream.get("chroma_location", "unspecified"),
    }
    for side in frame.get("side_data_list", []):
        if side["side_data_type"] == "Mastering display metadata":
            q = lambda k: float(Fraction(side[k]))
            want["colour.mastering_display"] = {
                "red": [q("red_x"), q("red_y")], "green": [q("green_x"), q("green_y")],
                "blue": [q("blue_x"), q("blue_y")],
                "white_point": [q("white_point_x"), q("white_point_y")],
                "max_luminance": q("max_luminance"), "min_luminance": q("min_luminance")}
        if side["side_data_type"] == "Content light level metadata":
            want["colour.content_light"] = {"max_cll": side["max_content"],
                                            "max_fall": side["max_average"]}
    want.setdefault("colour.mastering_display", None)
    want.setdefault("colour.content_light", None)
    return want


def lookup(info, dotted):
    for part in dotted.split("."):
        info = info[part]
    return info


def close(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(b))
    return a == b


def main():
    uhdpipe, samples = sys.argv[1:3]
    failures = 0
    for name in CLIPS:
        clip = os.path.join(samples, name)
        run = subprocess.run([uhdpipe, "info", "--json", clip], capture_output=True, text=True)
        if run.returncode != 0:
            print(f"FAIL: {name}: uhdpipe info exited {run.returncode}: {run.stderr}")
            failures += 1
            continue
        info = json.loads(run.stdout)
        for key, value in expected(clip).items():
            got = lookup(info, key)
            if not close(got, value):
                print(f"FAIL: {name}: {key} is {got}, ffprobe says {value}")
                failures += 1
        print(f"{name}: checked against ffprobe")
    print(f"{len(CLIPS) - min(failures, len(CLIPS))} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
