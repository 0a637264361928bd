#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End to end: HDR10+ (SMPTE ST 2094-40) metadata per frame, against what was
written and against ffprobe.

A 256x144 HEVC Main 10 PQ clip of six frames is made with HDR10+ SEI written
by tests/hdr10plus_sei.py (x265 in Debian cannot write it): one, two and three
processing windows, with and without the knee point and Bezier anchors, with a
colour saturation weight, no percentiles, the largest codes of each field, and
one frame with no SEI of its own. Then:

- `play -o null --report`: each frame's "hdr10plus" equals the codes written,
  in ST 2094-40's units (maxscl, average_maxrgb and percentiles / 100000,
  fraction_bright_pixels / 1000, knee point / 4095, anchors / 1023, saturation
  weight / 8, luminance in cd/m2), within the rounding of its printing;
- every frame's values, in the order ffprobe -show_frames prints them, equal
  ffprobe's (a frame without SEI of its own gets what libavcodec attaches to it,
  the previous frame's metadata, in both);
- `info --json` gives frame 0's values as hdr10plus_first_frame, and `info`
  says them in its HDR10+ line;
- a clip without HDR10+: every frame's "hdr10plus" is null, info says "no".

usage: e2e_hdr10plus.py UHDPIPE
Exit 0 when all pass, 1 when any fails, 77 (skip) without ffmpeg/libx265.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hdr10plus_sei  # noqa: E402

# uhdpipe writes numbers with 10 significant digits (%.10g): half a unit of
# the last digit is at most 5e-10 of the value. Measured: up to 2.1e-10.
REL_TOL = 5e-10
failures = []
largest = [0.0]


def near(got, want):
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        return False
    if want != 0:
        largest[0] = max(largest[0], abs(got - want) / abs(want))
    return abs(got - want) <= REL_TOL * abs(want)


def check(cond, message):
    print(("ok   " if cond else "FAIL ") + message)
    if not cond:
        failures.append(message)


def window(maxscl, avg, distribution, fbp, knee=None, anchors=(), saturation=None,
           geometry=None):
    return dict(maxscl=maxscl, average_maxrgb=avg, distribution=list(distribution),
                fraction_bright_pixels=fbp, knee=knee, anchors=list(anchors),
                saturation=saturation, geometry=geometry)


GEOMETRY = dict(upper_left_x=10, upper_left_y=20, lower_right_x=200, lower_right_y=120,
                center_x=105, center_y=70, rotation_angle=30, semimajor_internal=20,
                semimajor_external=80, semiminor_external=40, overlap_process_option=1)
PERCENTILES = [(1, 0), (5, 102), (10, 2000), (25, 4000), (50, 8000), (75, 16000),
               (90, 32000), (95, 64000), (99, 80000)]
FRAMES = [
    dict(application_version=1, targeted_system_display_maximum_luminance=400,
         windows=[window([10000, 9000, 8000], 1500, PERCENTILES, 7, (1000, 1200),
                         [102, 205, 307, 410, 512, 614, 717, 819, 921])]),
    dict(application_version=1, targeted_system_display_maximum_luminance=1000,
         windows=[window([100, 200, 300], 150, [(1, 5), (50, 60)], 3, (10, 20), [1, 2, 3]),
                  window([400, 500, 600], 450, [(99, 700)], 4, saturation=17,
                         geometry=GEOMETRY)]),
    None,  # no SEI: libavcodec attaches frame 1's
    dict(application_version=0, targeted_system_display_maximum_luminance=(1 << 27) - 1,
         windows=[window([(1 << 17) - 1] * 3, (1 << 17) - 1, [(127, (1 << 17) - 1)], 1023,
                         (4095, 4095), [1023] * 15, 63)]
         + [window([1, 2, 3], 4, [], 0, geometry=GEOMETRY)] * 2),
    dict(application_version=1, targeted_system_display_maximum_luminance=0,
         windows=[window([0, 0, 0], 0, [], 0)]),
    dict(application_version=1, targeted_system_display_maximum_luminance=600,
         windows=[window([50000, 40000, 30000], 20000, PERCENTILES[:3], 500, (2048, 1024),
                         [512])]),
]


def expected(m):
    """What uhdpipe must report for metadata m: the codes in ST 2094-40's units."""
    def one(w):
        return {
            "maxscl": [v / 100000 for v in w["maxscl"]],
            "average_maxrgb": w["average_maxrgb"] / 100000,
            "distribution_maxrgb": [{"percentage": p, "percentile": v / 100000}
                                    for p, v in w["distribution"]],
            "fraction_bright_pixels": w["fraction_bright_pixels"] / 1000,
            "tone_mapping": None if not w["knee"] else {
                "knee_point_x": w["knee"][0] / 4095, "knee_point_y": w["knee"][1] / 4095,
                "bezier_curve_anchors": [a / 1023 for a in w["anchors"]]},
            "color_saturation_weight": None if w["saturation"] is None else w["saturation"] / 8,
        }
    return {"application_version": m["application_version"],
            "targeted_system_display_maximum_luminance":
                m["targeted_system_display_maximum_luminance"],
            "targeted_system_display_actual_peak_luminance_flag": False,
            "mastering_display_actual_peak_luminance_flag": False,
            "windows": [one(w) for w in m["windows"]]}


def same(got, want, where):
    """Structural equality, numbers near(); returns the first difference or None."""
    if isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            return f"{where}: keys {sorted(got) if isinstance(got, dict) else got} " \
                   f"vs {sorted(want)}"
        for key in want:
            if (d := same(got[key], want[key], f"{where}.{key}")):
                return d
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return f"{where}: {got} vs {want}"
        for i, (g, w) in enumerate(zip(got, want)):
            if (d := same(g, w, f"{where}[{i}]")):
                return d
        return None
    if isinstance(want, bool) or want is None:
        return None if got is want else f"{where}: {got} vs {want}"
    if not near(got, want):
        return f"{where}: {got} vs {want}"
    return None


def flat(m):
    """A report's metadata as the (key, value) lines ffprobe prints, in its order
    (window geometry and zero flags, which ffprobe prints or not, left out)."""
    lines = [("application version", m["application_version"]),
             ("num_windows", len(m["windows"])),
             ("targeted_system_display_maximum_luminance",
              m["targeted_system_display_maximum_luminance"])]
    for w in m["windows"]:
        lines += [("maxscl", v) for v in w["maxscl"]]
        lines += [("average_maxrgb", w["average_maxrgb"]),
                  ("num_distribution_maxrgb_percentiles", len(w["distribution_maxrgb"]))]
        for d in w["distribution_maxrgb"]:
            lines += [("distribution_maxrgb_percentage", d["percentage"]),
                      ("distribution_maxrgb_percentile", d["percentile"])]
        lines.append(("fraction_bright_pixels", w["fraction_bright_pixels"]))
    for w in m["windows"]:
        if w["tone_mapping"]:
            t = w["tone_mapping"]
            lines += [("knee_point_x", t["knee_point_x"]), ("knee_point_y", t["knee_point_y"]),
                      ("num_bezier_curve_anchors", len(t["bezier_curve_anchors"]))]
            lines += [("bezier_curve_anchors", a) for a in t["bezier_curve_anchors"]]
        if w["color_saturation_weight"] is not None:
            lines.append(("color_saturation_weight", w["color_saturation_weight"]))
    return lines


GEOMETRY_KEYS = ("window_", "center_of_ellipse", "rotation_angle", "semimajor_axis",
                 "semiminor_axis", "overlap_process_option")


def ffprobe_frames(path):
    """Per frame, ffprobe's HDR10+ lines as (key, number), or None without them."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_frames",
                          str(path)], capture_output=True, text=True, check=True,
                         timeout=120).stdout
    frames, current, inside = [], None, False
    for line in out.splitlines():
        if line == "[FRAME]":
            current = None
        elif line == "[/FRAME]":
            frames.append(current)
        elif line.startswith("side_data_type="):
            inside = "SMPTE2094-40" in line
            if inside:
                current = []
        elif line == "[/SIDE_DATA]":
            inside = False
        elif inside and "=" in line:
            key, value = line.split("=", 1)
            if not key.startswith(GEOMETRY_KEYS):
                current.append((key, float(Fraction(value))))
    return frames


def uhdpipe(exe, *args):
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=300)


def play_report(exe, clip, work):
    report = os.path.join(work, os.path.basename(clip) + ".json")
    run = uhdpipe(exe, "play", clip, "-o", "null", "--report", report, "-q")
    check(run.returncode == 0, f"play {os.path.basename(clip)} -o null: exit {run.returncode} "
                               f"{run.stderr.strip()}")
    return json.load(open(report))["frames"] if run.returncode == 0 else []


def with_metadata(exe, work):
    clip = os.path.join(work, "hdr10plus.mkv")
    hdr10plus_sei.write_clip(clip, FRAMES)
    frames = play_report(exe, clip, work)
    check(len(frames) == len(FRAMES), f"{len(frames)} frames reported, {len(FRAMES)} made")
    peer = ffprobe_frames(clip)
    for i, (written, frame) in enumerate(zip(FRAMES, frames)):
        got = frame.get("hdr10plus")
        if written is not None:
            diff = same(got, expected(written), f"frame {i}")
            check(diff is None, f"frame {i}: the codes written, in ST 2094-40's units"
                                + (f" ({diff})" if diff else ""))
        mine = flat(got) if got else None
        agree = mine is not None and peer[i] is not None and len(mine) == len(peer[i]) and all(
            a[0] == b[0] and near(a[1], b[1]) for a, b in zip(mine, peer[i]))
        check(agree, f"frame {i}: as ffprobe -show_frames "
                     f"({len(mine or [])} values; ffprobe {len(peer[i] or [])})"
                     + ("" if agree else f"\n  uhdpipe {mine}\n  ffprobe {peer[i]}"))
    info = uhdpipe(exe, "info", "--json", clip)
    first = json.loads(info.stdout).get("hdr10plus_first_frame") if info.returncode == 0 else None
    diff = same(first, expected(FRAMES[0]), "hdr10plus_first_frame")
    check(info.returncode == 0 and diff is None, f"info --json: frame 0's values ({diff})")
    text = uhdpipe(exe, "info", clip).stdout
    check("HDR10+:        yes; frame 0: targeted display 400 cd/m2, maxscl "
          "0.10000/0.09000/0.08000, average maxRGB 0.01500" in text,
          "info says frame 0's values in its HDR10+ line")


def without_metadata(exe, work):
    clip = os.path.join(work, "plain.mkv")
    hdr10plus_sei.write_clip(clip, [None] * 3)
    frames = play_report(exe, clip, work)
    check(len(frames) == 3 and all(f.get("hdr10plus", "missing") is None for f in frames),
          "no HDR10+ in the stream: every frame's hdr10plus is null")
    info = uhdpipe(exe, "info", "--json", clip)
    got = json.loads(info.stdout) if info.returncode == 0 else {}
    check(got.get("hdr10plus") is False and got.get("hdr10plus_first_frame", 1) is None,
          "info --json: hdr10plus false, hdr10plus_first_frame null")
    check("HDR10+:        no\n" in uhdpipe(exe, "info", clip).stdout, "info says HDR10+ no")


def main():
    if len(sys.argv) != 2:
        print(__doc__.split("usage: ")[1].split("\n")[0])
        return 2
    if not shutil.which("ffmpeg") or not shutil.which("ffprobe"):
        print("SKIP: ffmpeg and ffprobe are needed")
        return 77
    codecs = subprocess.run(["ffmpeg", "-hide_banner", "-encoders"], capture_output=True,
                            text=True).stdout
    if "libx265" not in codecs:
        print("SKIP: ffmpeg has no libx265")
        return 77
    os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
    with tempfile.TemporaryDirectory(prefix="e2e_hdr10plus_") as work:
        with_metadata(sys.argv[1], work)
        without_metadata(sys.argv[1], work)
    print(f"largest relative difference: {largest[0]:.2g} (tolerance {REL_TOL:g})")
    print(f"e2e_hdr10plus: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
