#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End to end: `uhdpipe bench --vs-ffmpeg` on a small clip times every stage
(positive fps), writes a JSON report whose ratios are uhdpipe fps / peer fps
and agree with the printed table, measures the device's copy rate and the
conversion's memory floor (frame bytes worked out here from the clip), and reports peers that are missing or fail
as n/a with a reason instead of failing. The ffmpeg it runs is a wrapper that
hides the libplacebo filter and makes scale_vulkan fail, so both n/a paths are
exercised on every machine. Usage errors exit 2 with one line.

usage: e2e_bench.py   (UHDPIPE and SAMPLES come from the environment)
"""
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

STAGES = ["decode", "upload", "convert", "upload_convert", "checksum", "metrics", "pack_cpu",
          "pack_gpu_copy", "pack_gpu", "pipeline"]
PACK_STAGES = {"pack on CPU": "pack_cpu", "pack on GPU + copy": "pack_gpu_copy",
               "pack on GPU in place": "pack_gpu"}
PEERS = {"decode-only": "decode", "zscale": "upload_convert", "swscale": "upload_convert",
         "scale_vulkan": "upload_convert", "libplacebo": "upload_convert",
         "psnr+ssim": "metrics"}
FRAMES = 2

WRAPPER = """#!/bin/sh
# ffmpeg without libplacebo, and with a scale_vulkan that always fails.
case "$*" in
*-filters*) "{real}" "$@" | grep -v ' libplacebo '; exit 0 ;;
*scale_vulkan*) echo "Error: scale_vulkan is broken on purpose by e2e_bench.py" >&2; exit 1 ;;
esac
exec "{real}" "$@"
"""


def fake_ffmpeg(work):
    real = shutil.which("ffmpeg")
    if not real:
        print("SKIP: ffmpeg is not installed")
        sys.exit(77)
    bin_dir = os.path.join(work, "bin")
    os.makedirs(bin_dir)
    path = os.path.join(bin_dir, "ffmpeg")
    with open(path, "w") as f:
        f.write(WRAPPER.format(real=real))
    os.chmod(path, 0o755)
    return bin_dir


def close(printed, value):
    """The table prints three significant digits: printed is value rounded."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(float(printed) - value) <= 0.5 * 10 ** -decimals + 1e-9 * abs(value)


def check_report(report, failures):
    if report.get("frames") != FRAMES:
        failures.append(f"frames is {report.get('frames')}, want {FRAMES}")
    stages = report.get("stages", {})
    for name in STAGES:
        fps = stages.get(name, {}).get("fps")
        if not isinstance(fps, (int, float)) or not fps > 0 or not math.isfinite(fps):
            failures.append(f"stage {name}: fps is {fps!r}, want a positive number")
    pipeline = report.get("pipeline", {})
    for key in ["peak_rss_mib", "first_frame_ms", "first_frame_after_decode_ms"]:
        if not (pipeline.get(key) or 0) > 0:
            failures.append(f"pipeline.{key} is {pipeline.get(key)!r}, want > 0")
    peers = {p["name"]: p for p in report.get("peers", [])}
    if sorted(peers) != sorted(PEERS):
        failures.append(f"peers are {sorted(peers)}, want {sorted(PEERS)}")
    for name, stage in PEERS.items():
        peer = peers.get(name)
        if not peer:
            continue
        if peer["stage"] != stage:
            failures.append(f"peer {name}: stage {peer['stage']}, want {stage}")
        if peer["available"]:
            fps = peer["fps"]
            if not (fps or 0) > 0 or peer["reason"] is not None:
                failures.append(f"peer {name}: available with fps {fps!r}, "
                                f"reason {peer['reason']!r}")
                continue
            want = stages[stage]["fps"] / fps
            if not math.isclose(peer["ratio"], want, rel_tol=1e-6):
                failures.append(f"peer {name}: ratio {peer['ratio']}, want {want}")
        elif not peer["reason"] or peer["fps"] is not None or peer["ratio"] is not None:
            failures.append(f"peer {name}: n/a without a reason, or with numbers: {peer}")
    for name, why in [("libplacebo", "no libplacebo filter"), ("scale_vulkan", "on purpose")]:
        peer = peers.get(name, {})
        if peer.get("available") or why not in (peer.get("reason") or ""):
            failures.append(f"peer {name} should be n/a ({why}), got {peer}")
    return peers


# The clip: 1920x1080 8-bit 4:2:0, converted to 640x360 8-bit RGB.
CLIP_BYTES = 1920 * 1080 + 2 * 960 * 540
OUTPUT_BYTES = 640 * 360 * 3


def check_floor(stdout, report, failures):
    """The memory floor: the bytes a frame must move, worked out here from the clip,
    over twice the measured copy rate; convert+scale's ms per frame over that."""
    floor = report.get("memory_floor", {})
    rate = floor.get("copy_gbps")
    if not floor.get("valid") or not (rate or 0) > 0 or floor.get("copy_bytes", 0) < 1 << 20:
        failures.append(f"memory_floor not measured: {floor}")
        return
    if floor.get("frame_bytes") != CLIP_BYTES + OUTPUT_BYTES:
        failures.append(f"memory_floor.frame_bytes {floor.get('frame_bytes')}, want "
                        f"{CLIP_BYTES + OUTPUT_BYTES} (planes read + output written)")
    want_ms = (CLIP_BYTES + OUTPUT_BYTES) / (2 * rate * 1e9) * 1e3
    if not math.isclose(floor.get("floor_ms") or 0, want_ms, rel_tol=1e-6):
        failures.append(f"memory_floor.floor_ms {floor.get('floor_ms')}, want {want_ms}")
    want_ratio = report["stages"]["convert"]["ms_per_frame"] / want_ms
    if not math.isclose(floor.get("convert_over_floor") or 0, want_ratio, rel_tol=1e-6):
        failures.append(f"memory_floor.convert_over_floor {floor.get('convert_over_floor')}, "
                        f"want {want_ratio}")
    line = re.search(r"memory floor: device copy ([\d.]+) GB/s .* at least ([\d.]+) MB .*: "
                     r"([\d.]+) ms; convert\+scale takes ([\d.]+)x that", stdout)
    if not line or not (close(line[1], rate) and close(line[2], (CLIP_BYTES + OUTPUT_BYTES) / 1e6)
                        and close(line[3], want_ms) and close(line[4], want_ratio)):
        failures.append(f"the memory floor line is missing or disagrees with the JSON: "
                        f"{line[0] if line else None}")


LABELS = {"decode": "decode", "upload+convert+scale": "upload_convert", "metrics": "metrics",
          "pipeline to null": "pipeline"}
# (stage row, peer) pairs the table must print.
ROWS = {("decode", "decode-only"), ("pipeline", "decode-only"), ("metrics", "psnr+ssim")} | {
    ("upload_convert", p) for p in ["zscale", "swscale", "scale_vulkan", "libplacebo"]}


def check_table(stdout, report, peers, failures):
    """Each peer cell as printed: 'NAME  FPS (MIN..MAX)  RATIO' or 'NAME  n/a  n/a [k]',
    on its stage's row or the rows under it; RATIO is that stage's fps / the peer's."""
    cell = re.compile(r"(decode-only|zscale|swscale|scale_vulkan|libplacebo|psnr\+ssim)\s+"
                      r"(?:n/a\s+n/a \[\d+\]|([\d.]+) \([\d.]+\.\.[\d.]+\)\s+([\d.]+))\s*$")
    seen = set()
    stage = None
    for line in stdout.splitlines():
        if line and not line[0].isspace():
            label = re.split(r"\s{2,}| \d", line)[0].strip()
            stage = LABELS.get(label, label)
        match = cell.search(line)
        if not match:
            continue
        name, fps, ratio = match.groups()
        seen.add((stage, name))
        peer = peers.get(name, {})
        if fps is None:
            if peer.get("available"):
                failures.append(f"table prints {name} as n/a, the JSON has numbers")
            elif peer.get("reason", "") not in stdout:
                failures.append(f"table does not give the reason {name} is n/a")
            continue
        want = report["stages"][stage]["fps"] / peer["fps"]
        if not (close(fps, peer["fps"]) and close(ratio, want)):
            failures.append(f"table, {stage} row: {name} {fps} fps, ratio {ratio}; want "
                            f"{peer['fps']} fps, ratio {want} (uhdpipe fps / peer fps)")
    if seen != ROWS:
        failures.append(f"table has peer cells {sorted(seen)}, want {sorted(ROWS)}")
    decode = peers.get("decode-only", {})
    if decode.get("available"):
        want = report["stages"]["pipeline"]["fps"] / decode["fps"]
        got = report["pipeline"].get("ratio_vs_decode_only")
        if not (got and math.isclose(got, want, rel_tol=1e-6)):
            failures.append(f"pipeline.ratio_vs_decode_only is {got}, want {want}")


def check_pack_rows(stdout, report, failures):
    """The pack stages run in the default format (xrgb16161616), each printed on
    its row with the JSON's ms per frame."""
    if report.get("options", {}).get("scanout_format") != "xrgb16161616":
        failures.append(f"options.scanout_format is {report.get('options', {}).get('scanout_format')!r}, "
                        "want xrgb16161616 (the default)")
    for label, key in PACK_STAGES.items():
        row = re.search(r"^%s\s+[\d.]+ \([\d.]+\.\.[\d.]+\)\s+([\d.]+)" % re.escape(label),
                        stdout, re.M)
        ms = report["stages"].get(key, {}).get("ms_per_frame")
        if not row or not ms or not close(row[1], ms):
            failures.append(f"table row '{label}' is missing or disagrees with "
                            f"stages.{key}.ms_per_frame {ms}: {row[0] if row else None}")


def check_pack_format_none(uhdpipe, clip, work, failures):
    """--format none: no pack rows, and the pack stages have no runs in the JSON."""
    json_path = os.path.join(work, "none.json")
    run = subprocess.run([uhdpipe, "bench", clip, "--size", "320x180", "--frames", "1",
                          "--runs", "1", "--format", "none", "--json", json_path],
                         capture_output=True, text=True, timeout=300)
    report = json.load(open(json_path)) if run.returncode == 0 else {}
    stages = report.get("stages", {})
    if run.returncode != 0 or any(label in run.stdout for label in PACK_STAGES) or \
            any(stages.get(k, {}).get("seconds") != [] or stages.get(k, {}).get("fps") is not None
                for k in PACK_STAGES.values()) or \
            report.get("options", {}).get("scanout_format", "x") is not None:
        failures.append(f"bench --format none: exit {run.returncode}, pack rows or runs left: "
                        f"{ {k: stages.get(k) for k in PACK_STAGES.values()} }")


def check_tonemap(uhdpipe, report, stdout, work, failures):
    """Without --target the convert_tonemap stage has no runs and no row; with it
    (on the PQ sample) it has runs, a row, and tonemap_cost against convert."""
    idle = report.get("stages", {}).get("convert_tonemap", {})
    if idle.get("seconds") != [] or idle.get("fps") is not None or \
            report.get("tonemap_cost", "x") is not None or "convert+tonemap" in stdout or \
            report.get("options", {}).get("target", "x") is not None:
        failures.append(f"bench without --target: convert_tonemap {idle}, tonemap_cost "
                        f"{report.get('tonemap_cost')!r}")
    pq = os.path.join(os.environ["SAMPLES"], "pq_4k_av1.mkv")
    json_path = os.path.join(work, "tonemap.json")
    run = subprocess.run([uhdpipe, "bench", pq, "--size", "480x270", "--frames", "1",
                          "--runs", "1", "--format", "none", "--metrics", "psnr",
                          "--target", "sdr:100", "--json", json_path],
                         capture_output=True, text=True, timeout=300)
    mapped = json.load(open(json_path)) if run.returncode == 0 else {}
    stage = mapped.get("stages", {}).get("convert_tonemap", {})
    plain = mapped.get("stages", {}).get("convert", {}).get("ms_per_frame")
    cost = mapped.get("tonemap_cost")
    if run.returncode != 0 or not (stage.get("fps") or 0) > 0 or \
            mapped.get("options", {}).get("target") != "sdr" or \
            not isinstance(cost, (int, float)) or \
            abs((1 + cost) * plain - stage.get("ms_per_frame", 0)) > 1e-6 * plain or \
            "tone mapping (--target sdr):" not in run.stdout:
        failures.append(f"bench --target sdr:100: exit {run.returncode}, stage {stage}, cost "
                        f"{cost!r}, stderr {run.stderr!r}")


def check_usage(uhdpipe, clip, work, failures):
    cases = [
        ("no INPUT", [], 2),
        ("--runs 0", [clip, "--runs", "0"], 2),
        ("--runs x", [clip, "--runs", "x"], 2),
        ("--metrics foo", [clip, "--metrics", "psnr,foo"], 2),
        ("--frames 0", [clip, "--frames", "0"], 2),
        ("missing file", [os.path.join(work, "missing.mkv"), "--runs", "1"], 3),
        ("--device nosuch", [clip, "--runs", "1", "--device", "nosuch"], 5),
        ("--format rgb565", [clip, "--format", "rgb565"], 2),
        ("--target hdr", [clip, "--target", "hdr"], 2),
        ("--target source", [clip, "--target", "source"], 2),
    ]
    for what, args, code in cases:
        run = subprocess.run([uhdpipe, "bench", *args], capture_output=True, text=True,
                             timeout=120)
        lines = run.stderr.strip().splitlines()
        if run.returncode != code or len(lines) != 1:
            failures.append(f"bench {what}: exit {run.returncode} (want {code}), stderr "
                            f"{run.stderr!r} (want one line)")
    # --device and --validate as play takes them: every stage and the pipeline
    # run on the named device under the validation layer.
    run = subprocess.run([uhdpipe, "bench", clip, "--size", "320x180", "--frames", "1",
                          "--runs", "1", "--device", "0", "--validate"], capture_output=True,
                         text=True, timeout=300)
    if run.returncode != 0 or "Vulkan device: " not in run.stdout:
        failures.append(f"bench --device 0 --validate: exit {run.returncode}, stderr "
                        f"{run.stderr!r}")
    check_pack_format_none(uhdpipe, clip, work, failures)
    env = dict(os.environ, PATH=os.path.join(work, "empty"))
    run = subprocess.run([uhdpipe, "bench", clip, "--vs-ffmpeg"], capture_output=True,
                         text=True, env=env, timeout=120)
    if run.returncode != 2 or len(run.stderr.strip().splitlines()) != 1 or \
            "ffmpeg" not in run.stderr:
        failures.append(f"bench --vs-ffmpeg without ffmpeg on PATH: exit {run.returncode}, "
                        f"stderr {run.stderr!r}")


def main():
    uhdpipe = os.environ["UHDPIPE"]
    clip = os.path.join(os.environ["SAMPLES"], "sdr_1080p_h264.mp4")
    failures = []
    with tempfile.TemporaryDirectory(prefix="e2e-bench-") as work:
        bin_dir = fake_ffmpeg(work)
        json_path = os.path.join(work, "bench.json")
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""),
                   TMPDIR=work)
        cmd = [uhdpipe, "bench", clip, "--size", "640x360", "--frames", str(FRAMES),
               "--runs", "1", "--vs-ffmpeg", "--json", json_path]
        run = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
        print(run.stdout, run.stderr)
        if run.returncode != 0:
            print(f"FAIL: {' '.join(cmd)} exited {run.returncode}")
            return 1
        with open(json_path) as f:
            report = json.load(f)
        peers = check_report(report, failures)
        check_table(run.stdout, report, peers, failures)
        check_floor(run.stdout, report, failures)
        check_pack_rows(run.stdout, report, failures)
        check_tonemap(uhdpipe, report, run.stdout, work, failures)
        leftovers = [n for n in os.listdir(work) if n.startswith("uhdpipe-bench-")]
        if leftovers:
            failures.append(f"temporary folders left behind: {leftovers}")
        check_usage(uhdpipe, clip, work, failures)
    for failure in failures:
        print("FAIL:", failure)
    print(f"bench checked: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
