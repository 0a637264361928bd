#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End to end: `uhdpipe play` on a sample clip writes one PNG per decoded frame,
in libavcodec's order (pts sequence compared with ffprobe's), with the right
size, depth and colour chunks, and a report whose per-frame checksums are the
XXH3 of the PNG pixel rows (recomputed here by png_info from the files).

usage: e2e_play.py UHDPIPE PNG_INFO CLIP WxH EXPECT_JSON WORKDIR
EXPECT_JSON holds the chunk bytes the clip's metadata must produce, derived by
hand from the values samples/make-samples.sh gives the encoder.
"""
import json
import shutil
import subprocess
import sys


def ffprobe_pts(clip):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "frame=best_effort_timestamp", "-of", "csv=p=0", clip],
        check=True, capture_output=True, text=True).stdout
    return [int(line.split(",")[0]) for line in out.split() if line.strip()]


def main():
    uhdpipe, png_info, clip, size, expect_json, work = sys.argv[1:7]
    expect = json.loads(expect_json)
    shutil.rmtree(work, ignore_errors=True)
    report_path = work + "/report.json"
    frames_dir = work + "/frames"
    subprocess.run(["mkdir", "-p", work], check=True)
    run = subprocess.run([uhdpipe, "play", clip, "--size", size, "-o", "png:" + frames_dir,
                          "--report", report_path, "--validate"],
                         capture_output=True, text=True)
    print(run.stdout, run.stderr)
    failures = []
    if run.returncode != 0:
        print(f"FAIL: uhdpipe play exited {run.returncode}")
        return 1
    report = json.load(open(report_path))
    pts = ffprobe_pts(clip)
    got_pts = [f["pts"] for f in report["frames"]]
    if got_pts != pts:
        failures.append(f"pts sequence {got_pts} != ffprobe's {pts}")
    if not report["complete"] or report["totals"]["frames"] != len(pts):
        failures.append(f"report says {report['totals']['frames']} frames, ffprobe {len(pts)}")
    width, height = (int(v) for v in size.split("x"))
    for frame in report["frames"]:
        path = f"{frames_dir}/frame-{frame['index']:06d}.png"
        info = json.loads(subprocess.run([png_info, path], check=True, capture_output=True,
                                         text=True).stdout)
        want = {"width": width, "height": height, "channels": 3, **expect,
                "xxh3": frame["checksum_xxh3"]}
        for key, value in want.items():
            if info.get(key) != value:
                failures.append(f"frame {frame['index']}: {key} is {info.get(key)}, want {value}")
    for failure in failures:
        print("FAIL:", failure)
    print(f"{len(report['frames'])} frames checked: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
