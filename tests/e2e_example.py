#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The library example (examples/compare_frame.c) against the command line.

    e2e_example.py COMPARE_FRAME UHDPIPE SAMPLES

A clip compared with itself is the same picture (exit 0, no difference); the
clip whose frame 2 was blurred differs there (exit 1, PSNR below 45 dB) and
nowhere else; and the example's PSNR for that frame equals what `uhdpipe
check` reports for it at the same size and scaler (one library, two callers).
Bad arguments and a missing file exit 2.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

example, uhdpipe, samples = sys.argv[1:4]
clip = os.path.join(samples, "topleft_420p10.mkv")
blurred = os.path.join(samples, "topleft_420p10_blur2.mkv")
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(*args):
    proc = subprocess.run([example, *args], capture_output=True, text=True, timeout=300)
    match = re.search(r"PSNR (\S+) dB, SSIM (\S+), max difference (\d+)", proc.stdout)
    return proc, match


proc, m = run(clip, clip, "1")
check(proc.returncode == 0 and m and m.group(3) == "0" and m.group(1) == "inf",
      "a clip against itself, frame 1: exit 0, PSNR inf, no difference (%d: %s%s)"
      % (proc.returncode, proc.stdout.strip(), proc.stderr.strip()))
proc, m = run(blurred, clip, "0", "853x480")
check(proc.returncode == 0 and m and m.group(3) == "0",
      "the blurred clip's frame 0 (not blurred) at 853x480: exit 0, no difference (%d: %s%s)"
      % (proc.returncode, proc.stdout.strip(), proc.stderr.strip()))
proc, m = run(blurred, clip, "2")
psnr = float(m.group(1)) if m else None
check(proc.returncode == 1 and psnr is not None and psnr < 45,
      "the blurred frame 2: exit 1, PSNR below 45 dB (%d: %s%s)"
      % (proc.returncode, proc.stdout.strip(), proc.stderr.strip()))
with tempfile.TemporaryDirectory(prefix="uhd-example-") as work:
    report = os.path.join(work, "check.json")
    subprocess.run([uhdpipe, "check", blurred, "--ref", clip, "--size", "1280x720",
                    "--scaler", "lanczos3", "--metrics", "psnr", "--report-json", report, "-q"],
                   capture_output=True, timeout=300)
    frames = json.load(open(report))["frames"] if os.path.exists(report) else []
    cli_psnr = frames[2]["psnr"]["average"] if len(frames) > 2 else None
    check(psnr is not None and cli_psnr is not None and abs(psnr - cli_psnr) < 5e-5,
          "frame 2's PSNR: example %s dB, uhdpipe check %s dB" % (psnr, cli_psnr))
proc, _ = run(clip)
check(proc.returncode == 2 and "usage" in proc.stderr, "one argument: usage, exit 2")
proc, _ = run(clip, os.path.join(samples, "no-such-clip.mkv"))
check(proc.returncode == 2 and "no-such-clip.mkv" in proc.stderr,
      "a missing reference: exit 2, the file named (%s)" % proc.stderr.strip())
proc, _ = run(clip, clip, "99")
check(proc.returncode == 2 and "ends before frame 99" in proc.stderr,
      "a frame past the end: exit 2 (%s)" % proc.stderr.strip())
print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
