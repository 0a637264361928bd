#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End to end: the bad-input matrix (issue 7, part 1).

    e2e_bad_inputs.py [WORKDIR]      (needs $UHDPIPE and $SAMPLES, set by meson)

tests/gen_bad_inputs.py derives damaged and hostile inputs from the sample clips;
this runs `uhdpipe info`, `uhdpipe play -o null --report R` (lenient, the
default), `play --strict` where the lenient run saw damage, and `uhdpipe check
X --ref X` on each, every run under a time bound, two at a time. Every run must
end with an exit code in the set its class states below, no signal death, no
sanitizer or assertion report, at most one "uhdpipe: error:" line (exactly one
when it fails), and a report that parses and tells the truth:

- complete is true exactly when play exits 0, with an error otherwise;
- per-frame "corrupt"/"decode_errors" add up to the totals, and a frame with
  errors put on it is corrupt;
- no silent loss: a complete run that output fewer frames than the container
  holds counted decoding errors;
- --strict fails (exit 3) exactly when the lenient run counted damage, and
  exits 0 exactly when it counted none;
- `check X --ref X` decodes strictly: it passes or fails as an input error,
  never with a verdict (exit 1) on a clip compared with itself.

Counts per class and outcome are printed at the end. Under a sanitizer build
(detected in the uhdpipe binary) fewer bit-flip variants run, to bound the time;
UHD_BAD_INPUT_FLIPS=N (bit-flip variants per base clip) overrides either.
"""
import collections
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time

UHDPIPE, SAMPLES = os.environ["UHDPIPE"], os.environ["SAMPLES"]
HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT_S = 120  # per run; a hang is a failure, never a stuck suite
SIZE = "32x18"
INPUT, UNSUPPORTED = 3, 4
DAMAGE = {0, INPUT, UNSUPPORTED}  # played (concealed), damaged, or decodes as something unsupported

# Expected outcome per class: allowed exit codes of info, play (lenient) and
# check, and whether a completed play must have counted damage ("damage": True),
# none ("damage": False) or either (None). A bit flip the decoder does not
# notice decodes cleanly: only damage the decoder reports can be reported.
EXPECT = {
    "control": dict(info={0}, play={0}, check={0}, damage=False),
    # libavformat probes the content; check alone goes by the name (.png: an image).
    "wrong_ext": dict(info={0}, play={0}, check={0, INPUT}, damage=False),
    "truncate": dict(info=DAMAGE, play=DAMAGE, check=DAMAGE, damage=None),
    "bitflip": dict(info=DAMAGE, play=DAMAGE, check=DAMAGE, damage=None),
    "containerflip": dict(info=DAMAGE, play=DAMAGE, check=DAMAGE, damage=None),
    "empty": dict(info={INPUT}, play={INPUT}, check={INPUT}, damage=None),
    "garbage": dict(info={INPUT}, play={INPUT}, check={INPUT}, damage=None),
    "audio_only": dict(info={INPUT}, play={INPUT}, check={INPUT}, damage=None,
                       message="has no video stream"),
    # The decoder's size wins over the container's; a size only the container
    # gives (FFV1, YUV4MPEG2) that no frame can have is refused as input.
    "absurd_dims": dict(info={0, INPUT}, play={0, INPUT}, check={0, INPUT}, damage=None),
    # uhdpipe counts frames by demuxing; a declared count or duration is not used.
    "absurd_count": dict(info={0, INPUT}, play={0, INPUT}, check={0, INPUT}, damage=False),
    # One size and pixel format per clip: the run stops at the first frame of
    # the new format, naming it, after playing the frames before it.
    "midstream_size": dict(info={0}, play={UNSUPPORTED}, check={UNSUPPORTED}, damage=None,
                           message="frame 4 is 128x72"),
    "midstream_pixfmt": dict(info={0}, play={UNSUPPORTED}, check={UNSUPPORTED}, damage=None,
                             message="frame 4 is 192x108"),
    # Implausible HDR10 values are described as they are and written clamped; a
    # mastering-display SEI that runs past its NAL unit is damage.
    "hdr_sei": dict(info={0, INPUT}, play={0}, check={0, INPUT}, damage=None),
}
# Classes whose files must also yield PNGs (the mDCV/cLLI writer gets their values).
PNG_CLASSES = {"hdr_sei", "control"}

failures = []
outcomes = collections.defaultdict(collections.Counter)


def fail(case, message):
    failures.append(f"{case['name']}: {message}")
    print(f"FAIL {case['name']}: {message}", flush=True)


def run(args, one_cpu=False):
    """Runs uhdpipe; returns (exit code, stderr), or (None, text) on a timeout.
    one_cpu: on one CPU, where libavcodec decodes with one thread."""
    try:
        proc = subprocess.run(["taskset", "-c", "0"] * one_cpu + [UHDPIPE, *args], capture_output=True, text=True,
                              timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, f"no exit within {TIMEOUT_S} s (hang)"
    return proc.returncode, proc.stderr


def judge_run(case, what, code, stderr, allowed):
    """The checks every run gets; returns False when the run is already a failure."""
    if code is None:
        fail(case, f"{what}: {stderr}")
        return False
    if code < 0:
        fail(case, f"{what}: killed by signal {-code}:\n{stderr[-2000:]}")
        return False
    for bad in ("AddressSanitizer", "LeakSanitizer", "runtime error:", "Assertion", "Aborted"):
        if bad in stderr:
            fail(case, f"{what}: '{bad}' on stderr:\n{stderr[-3000:]}")
            return False
    errors = [line for line in stderr.splitlines() if line.startswith("uhdpipe: error:")]
    if code not in allowed:
        fail(case, f"{what}: exit {code}, expected one of {sorted(allowed)}; stderr:\n{stderr}")
        return False
    if (code != 0) != (len(errors) == 1) or len(errors) > 1:
        fail(case, f"{what}: exit {code} with {len(errors)} error line(s):\n{stderr}")
        return False
    message = EXPECT[case["class"]].get("message")
    if code != 0 and message and message not in errors[0]:
        fail(case, f"{what}: error line lacks '{message}': {errors[0]}")
        return False
    return True


def judge_report(case, code, path):
    """The play report tells the truth; returns its damage count (or None)."""
    try:
        with open(path) as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        fail(case, f"play: exit {code} but the report does not parse: {e}")
        return None
    totals, frames = report["totals"], report["frames"]
    if report["complete"] != (code == 0) or (report["error"] is None) != (code == 0):
        fail(case, f"play: exit {code} but complete={report['complete']} "
                   f"error={report['error']!r}")
    if report["options"].get("decoding") != "lenient":
        fail(case, f"play: report says decoding {report['options'].get('decoding')!r}")
    corrupt = sum(1 for f in frames if f["corrupt"])
    per_frame = sum(f["decode_errors"] for f in frames)
    if totals["frames"] != len(frames) or totals["frames_corrupt"] != corrupt:
        fail(case, f"play: totals {totals['frames']}/{totals['frames_corrupt']} do not add up "
                   f"({len(frames)} frames, {corrupt} corrupt)")
    if totals["decode_errors"] < per_frame:
        fail(case, f"play: {totals['decode_errors']} decode errors in all, {per_frame} on frames")
    unmarked = [f["index"] for f in frames if f["decode_errors"] > 0 and not f["corrupt"]]
    if unmarked:
        fail(case, f"play: frames {unmarked} have decode errors but are not corrupt")
    count = report["input"].get("frame_count")
    if code == 0 and count is not None and len(frames) < count and totals["decode_errors"] == 0:
        fail(case, f"play: {len(frames)} of {count} frames played, yet no error counted")
    return totals["decode_errors"] + totals["frames_corrupt"]


def judge_strict(case, path, damage, report):
    """--strict is fatal (exit 3) exactly when the lenient run counted damage.
    With frame threads, whether libavcodec flags a frame of a damaged clip
    concealed can differ from run to run; a disagreement is therefore settled
    by both runs again on one CPU (one decoder thread), where it must not recur."""
    args = ["play", path, "-o", "null", "--size", SIZE, "--scaler", "bilinear", "-q"]
    code, err = run(args + ["--strict"])
    if code == (INPUT if damage else 0):
        return f"strict={code}"
    lcode, lerr = run(args + ["--report", report], one_cpu=True)
    if not judge_run(case, "play (1 CPU)", lcode, lerr, {0}):
        return "strict=?"
    damage = judge_report(case, lcode, report)
    code, err = run(args + ["--strict"], one_cpu=True)
    if judge_run(case, "play --strict (1 CPU)", code, err, {INPUT} if damage else {0}):
        return f"strict={code} (settled on 1 CPU)"
    return "strict=?"


def run_case(case, work):
    expect = EXPECT[case["class"]]
    path = case["path"]
    outcome = []
    code, err = run(["info", path])
    if judge_run(case, "info", code, err, expect["info"]):
        outcome.append(f"info={code}")
    report = os.path.join(work, "report.json")
    code, err = run(["play", path, "-o", "null", "--size", SIZE, "--scaler", "bilinear", "-q",
                     "--report", report])
    damage = None
    if judge_run(case, "play", code, err, expect["play"]):
        outcome.append(f"play={code}")
        damage = judge_report(case, code, report)
    if damage is not None and code == 0:
        if expect["damage"] is not None and (damage > 0) != expect["damage"]:
            fail(case, f"play: {'damage' if damage else 'no damage'} counted, expected "
                       f"{'some' if expect['damage'] else 'none'}")
        outcome.append("damaged" if damage else "clean")
        outcome.append(judge_strict(case, path, damage, report))
    if case["class"] in PNG_CLASSES:
        pngs = os.path.join(work, "png")
        pcode, perr = run(["play", path, "-o", f"png:{pngs}", "--size", SIZE, "-q"])
        if judge_run(case, "play -o png", pcode, perr, {0}) and not os.listdir(pngs):
            fail(case, "play -o png: exit 0 but no PNG written")
    code, err = run(["check", path, "--ref", path, "--size", SIZE, "--scaler", "bilinear",
                     "--metrics", "psnr", "-q"])
    if judge_run(case, "check", code, err, expect["check"]):
        outcome.append(f"check={code}")
    return case, " ".join(outcome)


def flips_per_base():
    if os.environ.get("UHD_BAD_INPUT_FLIPS"):
        return int(os.environ["UHD_BAD_INPUT_FLIPS"])
    with open(UHDPIPE, "rb") as f:
        sanitized = b"__asan_init" in f.read()
    return 5 if sanitized else 30


def main():
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="uhd-bad-inputs-") as work:
        flips = flips_per_base()
        gen = subprocess.run([sys.executable, os.path.join(HERE, "gen_bad_inputs.py"), SAMPLES,
                              os.path.join(work, "inputs"), "--flips", str(flips)],
                             capture_output=True, text=True)
        if gen.returncode != 0:
            print(f"FAIL generating the inputs:\n{gen.stdout}{gen.stderr}")
            return 1
        with open(os.path.join(work, "inputs", "manifest.json")) as f:
            cases = json.load(f)
        generated = time.monotonic() - started
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            futures = []
            for i, case in enumerate(cases):
                case_work = os.path.join(work, "runs", str(i))
                os.makedirs(case_work)
                futures.append(pool.submit(run_case, case, case_work))
            for future in concurrent.futures.as_completed(futures):
                case, outcome = future.result()
                outcomes[case["class"]][outcome] += 1
    print(f"\n{len(cases)} inputs ({flips} bit-flip variants per base clip), generated in "
          f"{generated:.1f} s, all runs in {time.monotonic() - started:.1f} s:")
    for cls in EXPECT:
        total = sum(outcomes[cls].values())
        print(f"  {cls:17} {total:4}  " +
              "; ".join(f"{n} x {o}" for o, n in outcomes[cls].most_common()))
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
