#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End to end: outputs are never written through a symlink planted in the output
folder (frames, reports, JUnit, refs.json are written to a temporary name and
renamed, which replaces a link instead of following it), and SIGTERM during
`refs` leaves a reference set that says it is incomplete, which `check` refuses,
with no temporary files left behind.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

UHDPIPE, SAMPLES = os.environ["UHDPIPE"], os.environ["SAMPLES"]
failures = []


def check(cond, message):
    print(("ok   " if cond else "FAIL ") + message)
    if not cond:
        failures.append(message)


def run(*args):
    return subprocess.run([UHDPIPE, *args], capture_output=True, text=True, timeout=600)


def plant(path, victim):
    with open(victim, "w") as f:
        f.write("precious")
    os.symlink(victim, path)


def untouched(victim):
    return open(victim).read() == "precious"


def symlinks_are_replaced(work):
    clip = os.path.join(SAMPLES, "short_1frame.mkv")
    frames, victim = os.path.join(work, "frames"), os.path.join(work, "victim")
    os.makedirs(frames)
    targets = {name: f"{victim}-{i}" for i, name in enumerate(
        ["frames/frame-000000.png", "report.json", "check.json", "check.xml"])}
    for name, target in targets.items():
        plant(os.path.join(work, name), target)
    proc = run("play", clip, "-o", f"png:{frames}", "--report", f"{work}/report.json", "-q")
    check(proc.returncode == 0, f"play over planted links exits 0 ({proc.stderr.strip()})")
    proc = run("check", clip, "--ref", clip, "--report-json", f"{work}/check.json", "--junit",
               f"{work}/check.xml", "-q")
    check(proc.returncode == 0, f"check over planted links exits 0 ({proc.stderr.strip()})")
    for name, target in targets.items():
        path = os.path.join(work, name)
        check(untouched(target) and not os.path.islink(path) and os.path.getsize(path) > 100,
              f"{name}: written as a file of its own, the link's target untouched")


def interrupted_refs(work):
    refs = os.path.join(work, "refs")
    proc = subprocess.Popen([UHDPIPE, "refs", os.path.join(SAMPLES, "hdr10_8k_hevc.mkv"), "-o",
                             refs, "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 300
    def frames_written():
        return os.path.isdir(refs) and any(n.startswith("frame-") for n in os.listdir(refs))

    while time.time() < deadline and not frames_written():
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=300)
    check(proc.returncode == 130, f"SIGTERM during refs exits 130 (got {proc.returncode})")
    meta = json.load(open(os.path.join(refs, "refs.json")))
    check(meta["complete"] is False and len(meta["frames"]) < 8,
          f"refs.json marked incomplete after {len(meta['frames'])} frame(s)")
    check(not [n for n in os.listdir(refs) if n.startswith(".") or ".tmp-" in n],
          f"no temporary files in the reference folder: {sorted(os.listdir(refs))}")
    proc = run("check", os.path.join(SAMPLES, "hdr10_8k_hevc.mkv"), "--ref", refs, "-q")
    check(proc.returncode == 3 and "did not complete" in proc.stderr,
          "check refuses the interrupted reference set")


def main():
    with tempfile.TemporaryDirectory(prefix="uhd-outputs-") as work:
        symlinks_are_replaced(work)
    with tempfile.TemporaryDirectory(prefix="uhd-outputs-") as work:
        interrupted_refs(work)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
