#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark (meson test --benchmark bench_scanout; not a pass/fail test): how
fast frames reach an 8K display on each scanout path, in the vkms guest of
tests/kms-vm. For cpu-pack-to-dumb, gpu-pack-to-dumb (Debian 12's lavapipe)
and zero-copy-dumb-to-vulkan and zero-copy-vulkan-to-kms (Mesa 25 lavapipe), and -o null beside them: the
8K HDR10 sample and an 8K sequence that changes pattern every frame, each in
xrgb16161616. Prints frames per second, the time to fill one framebuffer
(mean and max) and the presenting thread's own CPU time per fill.

Usage: bench_scanout.py UHDPIPE SAMPLES WORK [FRAMES [PATH,PATH...]]
(the optional list keeps only those rows, by the names printed)
"""
import json
import os
import shlex
import subprocess
import sys

uhdpipe, samples, work = (os.path.abspath(a) for a in sys.argv[1:4])
frames = int(sys.argv[4]) if len(sys.argv) > 4 else 6
only = sys.argv[5].split(",") if len(sys.argv) > 5 else None
here = os.path.dirname(os.path.abspath(__file__))
vm = os.path.join(here, "kms-vm")
job = os.path.join(work, "bench-job")

SEQUENCE = {"rate": 60, "loop": True, "patterns": [
    {"pattern": "bt2111-bars", "frames": 1}, {"pattern": "ramp", "frames": 1}]}

PATHS = [("cpu-pack-to-dumb", "", "--scanout cpu"),
         ("gpu-pack-to-dumb", "", "--scanout gpu"),
         ("zero-copy-dumb-to-vulkan", "$M25", "--scanout zero-copy-dumb-to-vulkan"),
         ("zero-copy-vulkan-to-kms", "$M25", "--scanout zero-copy-vulkan-to-kms"),
         ("-o null (Mesa 22)", "", None),
         ("-o null (Mesa 25)", "$M25", None)]
PATHS = [p for p in PATHS if only is None or p[0] in only]


def inputs():
    clip = "$U play %s --frames %d" % (shlex.quote(os.path.join(samples, "hdr10_8k_hevc.mkv")),
                                       frames)
    seq = "$U pattern --sequence seq.json --size 7680x4320 --frames %d" % (2 * frames)
    return [("8K HDR10 sample", clip), ("8K pattern sequence", seq)]


def script(mesa25):
    lines = ["U=%s" % shlex.quote(uhdpipe), 'M25="env %s"' % mesa25]
    for i, (_, command) in enumerate(inputs()):
        for j, (_, env, scanout) in enumerate(PATHS):
            out = ("-o kms --format xrgb16161616 %s" % scanout) if scanout else "-o null"
            lines.append("t0=$(cut -d' ' -f1 /proc/uptime)")
            lines.append("%s %s %s --report r%d_%d.json >r%d_%d.err 2>&1" % (
                env, command, out, i, j, i, j))
            lines.append("echo r%d_%d $t0 $(cut -d' ' -f1 /proc/uptime) >>times.txt" % (i, j))
    return "\n".join(lines) + "\n"


def main():
    os.makedirs(job, exist_ok=True)
    subprocess.run([os.path.join(vm, "build-kernel.sh"), work], check=True)
    subprocess.run([os.path.join(vm, "build-initramfs.sh"), work], check=True)
    mesa25 = subprocess.run([os.path.join(vm, "fetch-mesa25.sh"), work], check=True,
                            capture_output=True, text=True).stdout.strip()
    with open(os.path.join(job, "seq.json"), "w") as f:
        json.dump(SEQUENCE, f)
    with open(os.path.join(job, "bench.sh"), "w") as f:
        f.write(script(mesa25))
    env = dict(os.environ, XDG_RUNTIME_DIR="/tmp", KMS_VM_TIMEOUT="1500")
    env.pop("UHD_VK_VALIDATION", None)
    subprocess.run([os.path.join(vm, "run-vm.sh"), work, job, "sh", "bench.sh"], env=env)
    times = {}
    if os.path.exists(os.path.join(job, "times.txt")):
        with open(os.path.join(job, "times.txt")) as f:
            for line in f:
                name, a, b = line.split()
                times[name] = float(b) - float(a)
    print("fps: the play report's for the clip; for the sequence, frames over the whole")
    print("run's wall time (start-up and modeset included)")
    print("%-22s %-26s %8s %10s %10s %12s" % ("input", "path", "fps", "fill ms", "max ms",
                                              "cpu ms/fill"))
    for i, (what, _) in enumerate(inputs()):
        for j, (name, _, _) in enumerate(PATHS):
            path = os.path.join(job, "r%d_%d.json" % (i, j))
            if not os.path.exists(path):
                print("%-22s %-26s (no report; see %s)" % (what, name, path[:-4] + "err"))
                continue
            with open(path) as f:
                report = json.load(f)
            fps = report.get("totals", {}).get("fps")
            if fps is None and times.get("r%d_%d" % (i, j)):
                fps = report.get("frames", 0) / times["r%d_%d" % (i, j)]
            d = report.get("output", {}).get("display") or {}
            fill = d.get("fill") or {}
            ran = d.get("path", "-")
            print("%-22s %-26s %8s %10s %10s %12s" % (
                what, name if ran in ("-", name) else "%s (ran %s)" % (name, ran),
                "%.2f" % fps if fps else "?",
                "%.1f" % fill["mean_ms"] if fill else "-",
                "%.1f" % fill["max_ms"] if fill else "-",
                "%.1f" % fill["thread_cpu_mean_ms"] if fill else "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
