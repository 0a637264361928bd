# SPDX-License-Identifier: MIT
"""Running `uhdpipe check` from the tests: the finished process and its JSON
report (None when the run wrote none, or one that does not parse)."""
import json
import os
import subprocess


def run_check(uhdpipe, report, args, timeout=120):
    """uhdpipe check ARGS --report-json REPORT -q; an older REPORT is removed first,
    so that a run that writes none is not read as having written it."""
    if os.path.exists(report):
        os.unlink(report)
    run = subprocess.run([uhdpipe, "check", *args, "--report-json", report, "-q"],
                         capture_output=True, text=True, timeout=timeout)
    try:
        with open(report) as text:
            return run, json.load(text)
    except (OSError, ValueError):
        return run, None
