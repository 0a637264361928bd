#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End to end: `--frames-in-flight N` on play and bench.

- play with 1, 2 and 3 frames on the GPU writes the same PNG files byte for byte
  and the same per-frame checksums, in the same order, and the report says how
  many frames were in flight; without the option the report says 1 on a CPU
  Vulkan device (lavapipe: its conversion runs on the decoder's cores) and 2 on
  a GPU, as `uhdpipe probe --json` types the device play picks.
- Zero-copy upload: where the Vulkan device imports host memory
  (VK_EXT_external_memory_host, as `probe --json` says), every software-decoded
  frame is read in place (totals.frames_zero_copy = frames) and with
  UHD_HOST_IMPORT=0 none is; the two write the same PNG bytes.
- When decoding fails midway (UHD_FAULT_DECODE), the frames already on the GPU
  are still output: 1, 2 and 3 in flight give the same frames, exit 3.
- bench reports the depth it ran with, in its table and its JSON.
- 0, 5 and a word are usage errors (exit 2, one line naming the option); refs
  has no such option; both --help texts document it.

usage: e2e_in_flight.py UHDPIPE SAMPLES WORKDIR
"""
import json
import os
import shutil
import subprocess
import sys

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(args):
    return subprocess.run(args, capture_output=True, text=True)


def play(uhdpipe, clip, work, name, *extra, env=None):
    out = f"{work}/{name}"
    report = f"{work}/{name}.json"
    result = subprocess.run([uhdpipe, "play", clip, "--size", "960x540", "-o", f"png:{out}",
                             "--report", report, "--validate", "-q", *extra],
                            capture_output=True, text=True, env=env)
    check(result.returncode == 0,
          f"play {name}: exit {result.returncode}: {result.stderr.strip()}")
    if result.returncode != 0:
        return None
    doc = json.load(open(report))
    files = {f: open(os.path.join(out, f), "rb").read() for f in sorted(os.listdir(out))}
    return doc, files


def default_device_is_cpu(uhdpipe):
    probe = run([uhdpipe, "probe", "--json"])
    devices = json.loads(probe.stdout)["vulkan_devices"]
    chosen = [d for d in devices if d.get("default")] or devices
    return chosen[0]["type"] == "cpu"


def same_output(uhdpipe, samples, work):
    clip = os.path.join(samples, "sdr_1080p_h264.mp4")
    runs = {n: play(uhdpipe, clip, work, f"depth{n}", "--frames-in-flight", str(n))
            for n in (1, 2, 3)}
    runs["auto"] = play(uhdpipe, clip, work, "auto")
    if any(r is None for r in runs.values()):
        return
    base_doc, base_files = runs[1]
    base_sums = [f["checksum_xxh3"] for f in base_doc["frames"]]
    check(len(base_files) == 8 and len(base_sums) == 8,
          f"one in flight: {len(base_files)} files, {len(base_sums)} frames, expected 8")
    for n, (doc, files) in runs.items():
        sums = [f["checksum_xxh3"] for f in doc["frames"]]
        check(sums == base_sums, f"{n} in flight: checksums {sums} != {base_sums}")
        check([f["index"] for f in doc["frames"]] == list(range(len(sums))),
              f"{n} in flight: frame order {[f['index'] for f in doc['frames']]}")
        differing = [f for f in base_files if files.get(f) != base_files[f]]
        check(files.keys() == base_files.keys() and not differing,
              f"{n} in flight: PNG files differ from one in flight: {differing[:3]}")
        expected = n if n != "auto" else (1 if default_device_is_cpu(uhdpipe) else 2)
        got = doc["options"].get("frames_in_flight")
        check(got == expected, f"{n} in flight: report says {got}, expected {expected}")


def zero_copy(uhdpipe, samples, work):
    devices = json.loads(run([uhdpipe, "probe", "--json"]).stdout)["vulkan_devices"]
    chosen = [d for d in devices if d.get("default")] or devices
    imports = chosen[0].get("external_memory_host") is True
    clip = os.path.join(samples, "hlg_4k_hevc.mkv")
    read_in_place = play(uhdpipe, clip, work, "import", "--frames", "4")
    copied = play(uhdpipe, clip, work, "copy", "--frames", "4",
                  env=dict(os.environ, UHD_HOST_IMPORT="0"))
    if read_in_place is None or copied is None:
        return
    counts = [doc["totals"]["frames_zero_copy"] for doc, _ in (read_in_place, copied)]
    check(counts == [4 if imports else 0, 0],
          f"frames read in place: {counts[0]} by default, {counts[1]} with UHD_HOST_IMPORT=0 "
          f"(the device {'imports' if imports else 'does not import'} host memory)")
    check(read_in_place[1] == copied[1] and len(copied[1]) == 4,
          "PNG files differ between frames read in place and copied ones")


def decode_fails_midway(uhdpipe, samples, work):
    """Frames on the GPU when decoding fails are still output, as one at a time."""
    source = os.path.join(samples, "sdr_1080p_h264.mp4")
    raw = f"{work}/raw.nut"  # one packet per frame, no decoder delay
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", source, "-c:v", "rawvideo",
                    "-pix_fmt", "yuv420p", raw], check=True)
    played = {}
    for n in (1, 2, 3):
        report = f"{work}/fault{n}.json"
        result = subprocess.run([uhdpipe, "play", raw, "--size", "960x540", "-o", "null",
                                 "--report", report, "--frames-in-flight", str(n), "-q"],
                                capture_output=True, text=True,
                                env=dict(os.environ, UHD_FAULT_DECODE="6"))
        doc = json.load(open(report))
        played[n] = [f["checksum_xxh3"] for f in doc["frames"]]
        check(result.returncode == 3 and not doc["complete"],
              f"decode fault, {n} in flight: exit {result.returncode}, complete "
              f"{doc['complete']}: {result.stderr.strip()}")
    check(len(played[1]) >= 4 and played[2] == played[1] and played[3] == played[1],
          f"decode fault: {len(played[1])}, {len(played[2])}, {len(played[3])} frames "
          f"with 1, 2, 3 in flight")


def bench_reports_depth(uhdpipe, samples, work):
    clip = os.path.join(samples, "topleft_420p10.mkv")
    path = f"{work}/bench.json"
    result = run([uhdpipe, "bench", clip, "--size", "640x360", "--frames", "2", "--runs",
                  "1", "--metrics", "psnr", "--frames-in-flight", "3", "--json", path])
    check(result.returncode == 0, f"bench: exit {result.returncode}: {result.stderr.strip()}")
    if result.returncode == 0:
        check("3 frames in flight" in result.stdout,
              f"bench table does not say 3 frames in flight: {result.stdout[:300]}")
        depth = json.load(open(path)).get("frames_in_flight")
        check(depth == 3, f"bench JSON frames_in_flight is {depth}, expected 3")


def usage(uhdpipe, samples):
    clip = os.path.join(samples, "sdr_1080p_h264.mp4")
    for command in ("play", "bench"):
        for bad in ("0", "5", "two"):
            result = run([uhdpipe, command, clip, "--frames-in-flight", bad])
            lines = result.stderr.strip().splitlines()
            check(result.returncode == 2 and len(lines) == 1 and "--frames-in-flight" in
                  lines[0], f"{command} --frames-in-flight {bad}: exit {result.returncode}, "
                  f"{result.stderr.strip()}")
        text = run([uhdpipe, command, "--help"]).stdout
        check("--frames-in-flight N" in text, f"{command} --help lacks --frames-in-flight")
    result = run([uhdpipe, "refs", clip, "-o", "/tmp/none", "--frames-in-flight", "2"])
    check(result.returncode == 2 and "--frames-in-flight" in result.stderr,
          f"refs --frames-in-flight: exit {result.returncode}, {result.stderr.strip()}")


def main():
    uhdpipe, samples, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    same_output(uhdpipe, samples, work)
    zero_copy(uhdpipe, samples, work)
    decode_fails_midway(uhdpipe, samples, work)
    bench_reports_depth(uhdpipe, samples, work)
    usage(uhdpipe, samples)
    print(f"e2e_in_flight: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
