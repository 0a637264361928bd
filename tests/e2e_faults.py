#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End to end: failure injection (UHD_FAULT_VK_ALLOC / UHD_FAULT_WRITE /
UHD_FAULT_DECODE = N, see pipeline/common/fault.h) swept across `play`,
`check`, `refs` and `pattern` runs. Every injected failure must end in a clean error: the exit code of
its class, a one-line "uhdpipe: error:" message, no crash, no temporary files,
and a report marked incomplete (unless the report's own write was the one that
failed). The sweep stops at the first N the run no longer reaches, which must
then succeed. Under the sanitizer build the same runs also check for leaks.
"""
import json
import os
import subprocess
import sys
import tempfile

UHDPIPE, SAMPLES = os.environ["UHDPIPE"], os.environ["SAMPLES"]
failures = []


def check(cond, message):
    if not cond:
        print("FAIL " + message)
        failures.append(message)


def run(args, env_extra):
    env = dict(os.environ, **env_extra)
    return subprocess.run([UHDPIPE, *args], capture_output=True, text=True, env=env, timeout=300)


def leftovers(folder):
    return [n for n in os.listdir(folder) if ".tmp-" in n or n.startswith(".")] if os.path.isdir(folder) else []


def sweep(name, kind, expected_code, make_args, report_paths, limit=80):
    """Runs make_args(work) with UHD_FAULT_<kind>=1, 2, ... until a run succeeds."""
    faulted = 0
    for n in range(1, limit + 1):
        with tempfile.TemporaryDirectory(prefix="uhd-fault-") as work:
            args = make_args(work)
            proc = run(args, {f"UHD_FAULT_{kind}": str(n)})
            if "failing this operation on purpose" not in proc.stderr:
                check(proc.returncode == 0, f"{name}: {kind}={n} not reached, yet exit "
                      f"{proc.returncode}: {proc.stderr.strip()[-300:]}")
                print(f"ok   {name}: {kind} swept over {faulted} injected failure(s)")
                check(faulted > 0, f"{name}: the {kind} hook was never reached")
                return
            faulted += 1
            errors = [l for l in proc.stderr.splitlines() if l.startswith("uhdpipe: error:")]
            check(proc.returncode == expected_code,
                  f"{name}: {kind}={n}: exit {proc.returncode}, expected {expected_code}\n"
                  f"{proc.stderr.strip()[-500:]}")
            check(errors, f"{name}: {kind}={n}: no 'uhdpipe: error:' line")
            for folder in [work] + [os.path.join(work, d) for d in os.listdir(work)]:
                check(not leftovers(folder), f"{name}: {kind}={n}: temporary files {leftovers(folder)}")
            for report in report_paths(work):
                # A report written before another output failed (--junit after
                # --report-json) rightly says the comparison itself completed.
                other_write = kind == "WRITE" and os.path.basename(report) not in " ".join(errors)
                if os.path.exists(report) and not other_write:
                    data = json.load(open(report))
                    check(data.get("complete") is False,
                          f"{name}: {kind}={n}: report {os.path.basename(report)} not marked incomplete")
    check(False, f"{name}: {kind}: still failing after {limit} injections")


def main():
    clip = os.path.join(SAMPLES, "topleft_420p10.mkv")
    small = os.path.join(SAMPLES, "short_1frame.mkv")

    def play_args(work):
        return ["play", small, "-o", f"png:{work}/frames", "--report", f"{work}/report.json", "-q"]

    play_reports = lambda work: [f"{work}/report.json"]
    sweep("play", "VK_ALLOC", 5, play_args, play_reports)
    sweep("play", "DECODE", 3, lambda w: ["play", clip, "--frames", "3", "-o", f"png:{w}/frames",
                                          "--report", f"{w}/report.json", "-q"], play_reports)
    sweep("play", "WRITE", 6, lambda w: ["play", clip, "--frames", "3", "-o", f"png:{w}/frames",
                                         "--report", f"{w}/report.json", "-q"], play_reports)
    # Three frames on the GPU: every allocation of the extra slots, and output
    # and decoding failures with frames still in flight.
    deep = ["--frames-in-flight", "3"]
    sweep("play (3 in flight)", "VK_ALLOC", 5, lambda w: play_args(w) + deep, play_reports)
    for kind, code in (("WRITE", 6), ("DECODE", 3)):
        sweep("play (3 in flight)", kind, code,
              lambda w: ["play", clip, "--frames", "4", "-o", f"png:{w}/frames",
                         "--report", f"{w}/report.json", "-q", *deep], play_reports)

    with tempfile.TemporaryDirectory(prefix="uhd-fault-refs-") as refs_root:
        refs = os.path.join(refs_root, "refs")
        proc = run(["refs", small, "-o", refs, "-q"], {})
        check(proc.returncode == 0, f"recording references failed: {proc.stderr}")

        def check_args(work):
            return ["check", small, "--ref", refs, "--metrics", "all", "--max-diff", "0",
                    "--report-json", f"{work}/check.json", "--junit", f"{work}/check.xml", "-q"]

        check_reports = lambda work: [f"{work}/check.json"]
        sweep("check", "VK_ALLOC", 5, check_args, check_reports)
        sweep("check", "DECODE", 3, check_args, check_reports)
        sweep("check", "WRITE", 6, check_args, check_reports)
        sweep("refs", "WRITE", 6, lambda w: ["refs", small, "-o", f"{w}/r", "-q"],
              lambda w: [f"{w}/r/refs.json"])
    with tempfile.TemporaryDirectory(prefix="uhd-fault-seq-") as seq_root:
        seq = os.path.join(seq_root, "seq.json")
        with open(seq, "w") as f:
            json.dump({"patterns": [{"pattern": "bt2111-bars", "frames": 1},
                                    {"pattern": "ramp", "frames": 1},
                                    {"pattern": "zoneplate", "frames": 1}]}, f)

        def pattern_args(work):
            return ["pattern", "--sequence", seq, "--size", "96x54", "-o", f"png:{work}/frames",
                    "--report", f"{work}/report.json", "-q"]

        sweep("pattern", "VK_ALLOC", 5, pattern_args, play_reports)
        sweep("pattern", "WRITE", 6, pattern_args, play_reports)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
