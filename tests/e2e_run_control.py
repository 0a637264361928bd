#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End to end: --start/--frames select exactly the decoded frames they name
(checksums equal those of the same frames in a full run), --device picks a
device by index, and SIGINT ends a run with exit code 130 and a report marked
incomplete that holds the frames done so far.

usage: e2e_run_control.py UHDPIPE CLIP WORKDIR
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time


def play(uhdpipe, clip, report, *extra):
    cmd = [uhdpipe, "play", clip, "--size", "640x360", "-o", "null", "--report", report,
           "--validate", "-q", *extra]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        print("FAIL:", " ".join(cmd), "->", run.returncode, run.stderr)
        return None
    return json.load(open(report))


def check_selection(uhdpipe, clip, work, failures):
    full = play(uhdpipe, clip, work + "/full.json")
    part = play(uhdpipe, clip, work + "/part.json", "--start", "2", "--frames", "3",
                "--device", "0")
    if not full or not part:
        failures.append("play failed")
        return
    want = [(f["decoded_index"], f["pts"], f["checksum_xxh3"]) for f in full["frames"][2:5]]
    got = [(f["decoded_index"], f["pts"], f["checksum_xxh3"]) for f in part["frames"]]
    if got != want:
        failures.append(f"--start 2 --frames 3 gave {got}, the full run has {want}")
    if [f["index"] for f in part["frames"]] != [0, 1, 2]:
        failures.append("output indices do not restart at 0")
    print(f"selection: {len(got)} frames match the full run")


def check_interrupt(uhdpipe, clip, work, failures):
    report = work + "/interrupted.json"
    proc = subprocess.Popen([uhdpipe, "play", clip, "-o", "png:" + work + "/frames",
                             "--report", report, "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Wait for the first frame on disk, then interrupt.
    deadline = time.time() + 120
    while time.time() < deadline and not os.path.exists(work + "/frames/frame-000000.png"):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode != 130:
        failures.append(f"SIGINT: exit {proc.returncode}, want 130 ({err})")
        return
    data = json.load(open(report))
    done = len(data["frames"])
    pngs = len([n for n in os.listdir(work + "/frames") if n.endswith(".png")])
    if data["complete"] or "interrupted" not in (data["error"] or ""):
        failures.append(f"SIGINT: report complete={data['complete']} error={data['error']}")
    if done < 1 or done == 8 or pngs != done:
        failures.append(f"SIGINT: report has {done} frames, folder {pngs} PNGs")
    leftovers = [n for n in os.listdir(work + "/frames") if n.startswith(".")]
    if leftovers:
        failures.append(f"SIGINT: temporary files left: {leftovers}")
    print(f"interrupt: exit 130 after {done} frames, report marked incomplete")


def main():
    uhdpipe, clip, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    failures = []
    check_selection(uhdpipe, clip, work, failures)
    check_interrupt(uhdpipe, clip, work, failures)
    for failure in failures:
        print("FAIL:", failure)
    print(f"{2 - min(len(failures), 2)} passed, {min(len(failures), 2)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
