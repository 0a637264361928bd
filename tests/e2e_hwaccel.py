#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End to end: hardware decoding and the frames it hands out.

- A clip stored as NV12 (interleaved chroma, what hardware decoders output) plays
  to the same PNG bytes as the same frames stored planar (ffmpeg makes both from
  the sample; the format change is lossless).
- `--hwaccel vaapi|vulkan|cuda|auto` on an HEVC clip: where this machine has no
  such decoder, the run decodes in software, says so in exactly one stderr line
  (a warning when the API was named, an info line for auto) and reports why;
  where it has one, the report names it. Either way the frames' checksums equal
  those of a software-decoded run (HEVC decoding is exact).
- A bad --hwaccel value is a usage error (exit 2); --help documents the option.

usage: e2e_hwaccel.py UHDPIPE SAMPLES WORKDIR
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


def play(uhdpipe, clip, out, report, *extra):
    args = [uhdpipe, "play", clip, "--frames", "2", "--size", "960x540", "-o", out,
            "--report", report, "--validate", *extra]
    return subprocess.run(args, capture_output=True, text=True)


def checksums(report):
    return [f["checksum_xxh3"] for f in json.load(open(report))["frames"]]


def interleaved_clip(uhdpipe, samples, work):
    """NV12 and planar copies of two 1080p frames play to identical PNGs."""
    source = os.path.join(samples, "sdr_1080p_h264.mp4")
    clips = {}
    for fmt in ("yuv420p", "nv12"):
        clips[fmt] = f"{work}/{fmt}.nut"
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", source, "-frames:v", "2",
                        "-vf", f"format={fmt}", "-c:v", "rawvideo", clips[fmt]], check=True)
    pngs = {}
    for fmt, clip in clips.items():
        run = play(uhdpipe, clip, f"png:{work}/{fmt}", f"{work}/{fmt}.json")
        check(run.returncode == 0, f"play {fmt}: exit {run.returncode}: {run.stderr.strip()}")
        if run.returncode == 0:
            info = json.load(open(f"{work}/{fmt}.json"))["input"]
            check(info["pixel_format"] == fmt, f"{fmt}: report says {info['pixel_format']}")
            pngs[fmt] = sorted(os.listdir(f"{work}/{fmt}"))
    if len(pngs) == 2:
        check(pngs["nv12"] == pngs["yuv420p"] and len(pngs["nv12"]) == 2,
              f"frame files differ: {pngs}")
        for name in pngs["nv12"]:
            same = open(f"{work}/nv12/{name}", "rb").read() == \
                open(f"{work}/yuv420p/{name}", "rb").read()
            check(same, f"{name}: NV12 output differs from the planar clip's")
        print(f"nv12 vs yuv420p: {len(pngs['nv12'])} frames compared")


def hardware_requests(uhdpipe, samples, work):
    clip = os.path.join(samples, "hlg_4k_hevc.mkv")
    base = play(uhdpipe, clip, "null", f"{work}/software.json")
    check(base.returncode == 0, f"software run: exit {base.returncode}: {base.stderr}")
    if base.returncode != 0:
        return
    want = checksums(f"{work}/software.json")
    for api in ("vaapi", "vulkan", "cuda", "auto"):
        report = f"{work}/{api}.json"
        run = play(uhdpipe, clip, "null", report, "--hwaccel", api)
        check(run.returncode == 0, f"--hwaccel {api}: exit {run.returncode}: {run.stderr}")
        if run.returncode != 0:
            continue
        info = json.load(open(report))["input"]
        check(checksums(report) == want, f"--hwaccel {api}: checksums differ from software")
        lines = [l for l in run.stderr.splitlines() if "hardware decoding" in l]
        if info["hwaccel"] != "software":
            print(f"--hwaccel {api}: decoded with {info['hwaccel']}")
            continue
        print(f"--hwaccel {api}: software; {info.get('hwaccel_fallback')}")
        check(len(lines) == 1, f"--hwaccel {api}: want one notice line, got {lines}")
        check(bool(info.get("hwaccel_fallback")), f"--hwaccel {api}: no reason in the report")
        if lines:
            named = "warning:" in lines[0]
            check(named == (api != "auto"),
                  f"--hwaccel {api}: notice level wrong: {lines[0]}")
            check("decoding in software" in lines[0], f"notice says too little: {lines[0]}")
        reasons = info.get("hwaccel_fallback") or ""
        for named_api in (("vaapi", "vulkan", "cuda") if api == "auto" else (api,)):
            check(f"{named_api}:" in reasons, f"--hwaccel {api}: no word on {named_api}")
    plain = json.load(open(f"{work}/software.json"))["input"]
    check(plain["hwaccel"] == "software" and "hwaccel_fallback" not in plain,
          f"a run without --hwaccel reports {plain['hwaccel']}, {plain.get('hwaccel_fallback')}")


def usage(uhdpipe):
    run = subprocess.run([uhdpipe, "play", "x.mkv", "--hwaccel", "opencl"],
                         capture_output=True, text=True)
    check(run.returncode == 2, f"--hwaccel opencl: exit {run.returncode}, want 2")
    check("--hwaccel takes auto, none, vaapi, vulkan or cuda" in run.stderr,
          f"--hwaccel opencl: message {run.stderr.strip()}")
    for command in ("play", "bench"):
        text = subprocess.run([uhdpipe, command, "--help"], capture_output=True,
                              text=True).stdout
        check("--hwaccel API" in text, f"{command} --help does not document --hwaccel")


def main():
    uhdpipe, samples, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    interleaved_clip(uhdpipe, samples, work)
    hardware_requests(uhdpipe, samples, work)
    usage(uhdpipe)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
