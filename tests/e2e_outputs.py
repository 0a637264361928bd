#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End to end: outputs are never written through a symlink planted in the output
folder (frames, reports, JUnit, refs.json are written to a temporary name and
renamed, which replaces a link instead of following it), a frame folder that
holds files is refused unless -y, which removes only uhdpipe's own frames, and SIGTERM during
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
    check(proc.returncode == 6 and "not empty" in proc.stderr and "-y" in proc.stderr,
          f"play into a folder that holds a file is refused, exit 6 ({proc.stderr.strip()})")
    proc = run("play", clip, "-o", f"png:{frames}", "--report", f"{work}/report.json", "-q",
               "-y")
    check(proc.returncode == 0, f"play -y over planted links exits 0 ({proc.stderr.strip()})")
    proc = run("check", clip, "--ref", clip, "--report-json", f"{work}/check.json", "--junit",
               f"{work}/check.xml", "-q")
    check(proc.returncode == 0, f"check over planted links exits 0 ({proc.stderr.strip()})")
    for name, target in targets.items():
        path = os.path.join(work, name)
        check(untouched(target) and not os.path.islink(path) and os.path.getsize(path) > 100,
              f"{name}: written as a file of its own, the link's target untouched")


def overwrite_keeps_only_this_runs_frames(work):
    """-y removes the frames of an earlier, longer run (and refs' refs.json) but
    leaves other files; without it nothing is written."""
    clip = os.path.join(SAMPLES, "topleft_420p10.mkv")
    frames = os.path.join(work, "over")
    small = ["--size", "64x36", "-q"]
    proc = run("play", clip, "--frames", "3", "-o", f"png:{frames}", *small)
    check(proc.returncode == 0, f"play of 3 frames into a new folder ({proc.stderr.strip()})")
    with open(os.path.join(frames, "notes.txt"), "w") as f:
        f.write("mine")
    before = {n: os.path.getmtime(os.path.join(frames, n)) for n in os.listdir(frames)}
    proc = run("play", clip, "--frames", "1", "-o", f"png:{frames}", *small)
    after = {n: os.path.getmtime(os.path.join(frames, n)) for n in os.listdir(frames)}
    check(proc.returncode == 6 and before == after,
          f"without -y: exit 6 and the folder as it was ({proc.returncode})")
    proc = run("play", clip, "--frames", "1", "-o", f"png:{frames}", "-y", *small)
    check(proc.returncode == 0 and sorted(os.listdir(frames)) == ["frame-000000.png",
                                                                   "notes.txt"],
          f"-y: this run's one frame and the other file remain: {sorted(os.listdir(frames))}")
    refs = os.path.join(work, "over-refs")
    run("refs", clip, "--frames", "2", "-o", refs, *small)
    proc = run("refs", clip, "--frames", "1", "-o", refs, *small)
    meta = json.load(open(os.path.join(refs, "refs.json")))
    check(proc.returncode == 6 and meta["complete"] and len(meta["frames"]) == 2,
          f"refs into a recorded folder without -y: exit 6, its refs.json untouched "
          f"({proc.returncode}, {len(meta['frames'])} frames)")
    proc = run("refs", clip, "--frames", "1", "-o", refs, "-y", *small)
    meta = json.load(open(os.path.join(refs, "refs.json")))
    check(proc.returncode == 0 and len(meta["frames"]) == 1 and
          sorted(os.listdir(refs)) == ["frame-000000.png", "refs.json"],
          f"refs -y records again: {sorted(os.listdir(refs))}")


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
        overwrite_keeps_only_this_runs_frames(work)
    with tempfile.TemporaryDirectory(prefix="uhd-outputs-") as work:
        interrupted_refs(work)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
