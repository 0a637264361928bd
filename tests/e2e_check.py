#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""End to end: `uhdpipe refs` and `uhdpipe check` on sample clips and PNGs.

- a clip checked against references recorded from it passes with exact checksums;
- a copy with only frame 2 blurred fails on frame 2 alone, in JSON and JUnit,
  naming the metric, value and threshold;
- a second, lower-quality 8K encode fails the default thresholds on every frame;
- a one-code shift of one 10-bit value passes the defaults but is caught by
  --exact and --max-diff 0 (at the right pixel);
- frame-count and size mismatches fail with a message, never a partial compare;
- incomplete or altered reference sets, and usage errors, are refused;
- Ctrl-C writes both reports, marked incomplete.
"""
import json
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zlib

try:
    import numpy as np
except ImportError as error:
    print(f"SKIP: numpy is needed ({error})")
    sys.exit(77)

from png_write import write_png  # noqa: E402

UHDPIPE = os.environ["UHDPIPE"]
SAMPLES = os.environ["SAMPLES"]
failures = []


def check(cond, message):
    print(("ok   " if cond else "FAIL ") + message)
    if not cond:
        failures.append(message)


def run(*args, expect=None):
    proc = subprocess.run([UHDPIPE, *args], capture_output=True, text=True, timeout=600)
    if expect is not None:
        check(proc.returncode == expect,
              f"uhdpipe {' '.join(args[:2])}... exits {proc.returncode}, expected {expect}"
              + ("" if proc.returncode == expect else f"\n{proc.stdout}{proc.stderr}"))
    return proc


def sample(name):
    return os.path.abspath(os.path.join(SAMPLES, name))


def junit_cases(path):
    root = ET.parse(path).getroot()
    return {case.get("name"): case for case in root.iter("testcase")}


def same_clip_passes(work):
    refs = os.path.join(work, "refs")
    run("refs", sample("topleft_420p10.mkv"), "-o", refs, "-q", expect=0)
    meta = json.load(open(os.path.join(refs, "refs.json")))
    check(meta["tool"] == "uhdpipe refs" and meta["complete"] and len(meta["frames"]) == 4,
          "refs.json: tool, complete, 4 frames")
    check(meta["input_file"]["name"] == "topleft_420p10.mkv"
          and len(meta["input_file"]["checksum_xxh3"]) == 16, "refs.json names the input and its checksum")
    check(all(os.path.exists(os.path.join(refs, f["file"])) for f in meta["frames"]),
          "every frame file listed exists")
    report, junit = os.path.join(work, "same.json"), os.path.join(work, "same.xml")
    run("check", sample("topleft_420p10.mkv"), "--ref", refs, "--exact", "--metrics", "all",
        "--report-json", report, "--junit", junit, "-q", expect=0)
    r = json.load(open(report))
    check(r["passed"] and r["complete"] and len(r["frames"]) == 4, "same clip: passed, 4 frames")
    check(all(f["checksum_match"] and f["max_diff"] == 0 and f["ssim"] == 1 for f in r["frames"]),
          "same clip: exact checksums, no difference, SSIM 1")
    check(r["options"]["width"] == 1280 and r["reference"]["kind"] == "refs",
          "recorded options were used")
    cases = junit_cases(junit)
    check(len(cases) == 4 and not any(c.find("failure") is not None for c in cases.values()),
          "same clip: 4 JUnit testcases, none failing")
    return refs


def one_blurred_frame_fails(work, refs):
    report, junit = os.path.join(work, "blur.json"), os.path.join(work, "blur.xml")
    proc = run("check", sample("topleft_420p10_blur2.mkv"), "--ref", refs,
               "--report-json", report, "--junit", junit, expect=1)
    check("frame 2:" in proc.stdout, "the summary names frame 2")
    r = json.load(open(report))
    failed = [f["index"] for f in r["frames"] if not f["passed"]]
    check(failed == [2], f"only frame 2 fails (failed: {failed})")
    check(r["worst"]["psnr"]["frame"] == 2 and r["worst"]["ssim"]["frame"] == 2,
          "frame 2 is the worst for PSNR and SSIM")
    check(any("below --min-psnr 45" in line for line in r["frames"][2]["failures"]),
          "the failure names the metric and threshold")
    cases = junit_cases(junit)
    bad = [name for name, case in cases.items() if case.find("failure") is not None]
    check(bad == ["frame-000002"], f"JUnit: only frame-000002 fails ({bad})")
    message = cases["frame-000002"].find("failure").get("message")
    check(message.startswith("psnr ") and "--min-psnr 45" in message,
          f"JUnit failure message names metric, value and threshold: {message}")
    classnames = {case.get("classname") for case in cases.values()}
    check(all("." not in c for c in classnames),
          f"JUnit classnames have no dots (readers split packages there): {classnames}")
    props = {p.get("name"): p.get("value") for p in cases["frame-000000"].iter("property")}
    check(float(props.get("psnr", "0")) > 45 and float(props.get("ssim", "0")) > 0.99 and
          "deltaitp_p99" in props and "max_diff" in props,
          f"JUnit: a passing frame carries its metrics as properties: {props}")


def own_frame_numbers(work, refs):
    """With --start, failures name each input's own frame (never a renumbered 0)."""
    report, junit = os.path.join(work, "start2.json"), os.path.join(work, "start2.xml")
    proc = run("check", sample("topleft_420p10_blur2.mkv"), "--ref", refs, "--start", "2",
               "--report-json", report, "--junit", junit, expect=1)
    check("frame 2: psnr" in proc.stdout, "--start 2: the summary names frame 2, not 0")
    r = json.load(open(report))
    check([(f["index"], f["input_frame"], f["ref_frame"]) for f in r["frames"]] ==
          [(0, 2, 2), (1, 3, 3)], "--start 2: pairs 0, 1 are frames 2, 3 of both inputs")
    check(r["worst"]["psnr"]["frame"] == 2, "--start 2: the worst PSNR is frame 2's")
    bad = [n for n, case in junit_cases(junit).items() if case.find("failure") is not None]
    check(bad == ["frame-000002"], f"--start 2: JUnit names frame-000002 ({bad})")
    # The two inputs number the pair differently: both numbers are named.
    png = os.path.join(refs, "frame-000002.png")
    proc = run("check", sample("topleft_420p10_blur2.mkv"), "--ref", png, "--start", "2",
               "--frames", "1", expect=1)
    check("frame 2 (REF frame 0): psnr" in proc.stdout,
          f"a clip from --start 2 against one PNG names both frames: {proc.stdout.strip()}")


def lower_quality_encode_fails(work):
    report = os.path.join(work, "crf.json")
    run("check", sample("hdr10_8k_hevc_crf30.mkv"), "--ref", sample("hdr10_8k_hevc.mkv"),
        "--frames", "2", "--size", "1920x1080", "--report-json", report, "-q", expect=1)
    r = json.load(open(report))
    check(len(r["frames"]) == 2 and not any(f["passed"] for f in r["frames"]),
          "CRF 30 re-encode: both frames fail the defaults")
    check(all(30 < f["psnr"]["average"] < 45 for f in r["frames"]),
          f"CRF 30 PSNR between 30 and 45 dB: {[f['psnr']['average'] for f in r['frames']]}")
    run("check", sample("hdr10_8k_hevc_crf30.mkv"), "--ref", sample("hdr10_8k_hevc.mkv"),
        "--frames", "2", "--size", "1920x1080", "--min-psnr", "30", "--min-ssim", "0.9",
        "--max-deltaitp", "30", "--max-deltaitp-p99", "off", "-q", expect=0)


def one_code_shift(work):
    rng = np.random.default_rng(7)
    codes = rng.integers(64, 941, size=(180, 200, 3))
    ref = np.rint(codes * 65535 / 1023).astype(np.int64)  # 10-bit codes in 16 bits
    test = ref.copy()
    shifted = np.rint((codes[77, 123, 1] + 1) * 65535 / 1023)
    test[77, 123, 1] = shifted
    ref_png, test_png = os.path.join(work, "ref16.png"), os.path.join(work, "shift16.png")
    write_png(ref_png, ref, 16, cicp=(9, 16))
    write_png(test_png, test, 16, cicp=(9, 16))
    run("check", test_png, "--ref", ref_png, "-q", expect=0)
    run("check", test_png, "--ref", ref_png, "--exact", "-q", expect=1)
    report = os.path.join(work, "shift.json")
    run("check", test_png, "--ref", ref_png, "--max-diff", "0", "--report-json", report, "-q",
        expect=1)
    f = json.load(open(report))["frames"][0]
    diff = int(shifted - ref[77, 123, 1])
    check(f["max_diff"] == diff and (f["max_diff_x"], f["max_diff_y"]) == (123, 77)
          and f["diff_pixels"] == 1,
          f"--max-diff 0 finds the shifted value {diff} at (123,77): {f['max_diff']} at "
          f"({f['max_diff_x']},{f['max_diff_y']}), {f['diff_pixels']} pixel(s)")


def png_header(path):
    with open(path, "rb") as f:
        data = f.read(33)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return width, height, data[24], data[25]  # bit depth, colour type


def palette_indices(path):
    """The rows of an 8-bit palette PNG, unfiltered (PNG spec section 9)."""
    data = open(path, "rb").read()
    width, height, _, _ = png_header(path)
    pos, idat = 8, b""
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        if data[pos + 4:pos + 8] == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw, rows, prev = zlib.decompress(idat), [], bytearray(width)
    for y in range(height):
        kind, line = raw[y * (width + 1)], bytearray(raw[y * (width + 1) + 1:(y + 1) * (width + 1)])
        for x in range(width):
            a = line[x - 1] if x else 0
            b, c = prev[x], prev[x - 1] if x else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            paeth = a if pa <= pb and pa <= pc else b if pb <= pc else c
            line[x] = (line[x] + (0, a, b, (a + b) // 2, paeth)[kind]) & 0xFF
        rows.append(line)
        prev = line
    return rows


def diff_images(work, refs):
    out, report = os.path.join(work, "diff"), os.path.join(work, "diff.json")
    run("check", sample("topleft_420p10_blur2.mkv"), "--ref", refs, "--diff-dir", out,
        "--report-json", report, "-q", expect=1)
    check(sorted(os.listdir(out)) == ["frame-000002-heat.png", "frame-000002-worst.png"],
          f"--diff-dir: images for the failing frame only ({sorted(os.listdir(out))})")
    f = json.load(open(report))["frames"][2]["diff_images"]
    check(png_header(f["heat"]) == (1280, 720 + 40, 8, 3),
          f"heat map: palette PNG of the frame plus a 40-row legend {png_header(f['heat'])}")
    check(png_header(f["worst"]) == (768, 256, 16, 2) and f["worst_region"][2:] == [256, 256],
          f"worst region: 256x256 reference | input | heat, 16-bit {png_header(f['worst'])}")
    # One shifted value, heat map of differences: one coloured pixel, at its place,
    # with the index the legend scale gives it.
    shift_out, shift_report = os.path.join(work, "shiftdiff"), os.path.join(work, "sd.json")
    run("check", os.path.join(work, "shift16.png"), "--ref", os.path.join(work, "ref16.png"),
        "--metrics", "diff", "--max-diff", "0", "--diff-dir", shift_out,
        "--report-json", shift_report, "-q", expect=1)
    frame = json.load(open(shift_report))["frames"][0]
    d = frame["diff_images"]
    rows = palette_indices(d["heat"])
    coloured = [(x, y) for y, row in enumerate(rows[:180]) for x, v in enumerate(row) if v]
    expected = 1 + min(249, int(frame["max_diff"] / d["heat_scale"] * 249))
    check(coloured == [(123, 77)] and rows[77][123] == expected,
          f"heat map marks only (123,77), index {rows[77][123]} (expected {expected}): {coloured[:5]}")


def suites_and_shards(work, refs):
    suite = os.path.join(work, "suite.json")
    entries = [
        {"name": "same", "input": sample("topleft_420p10.mkv"), "ref": "refs", "exact": True},
        {"name": "blur", "input": sample("topleft_420p10_blur2.mkv"), "ref": "refs"},
        {"name": "missing", "input": "no-such-clip.mkv", "ref": "refs"},
        {"name": "png", "input": "shift16.png", "ref": "ref16.png", "max_diff": 0},
        {"name": "png-loose", "input": "shift16.png", "ref": "ref16.png"},
    ]
    json.dump({"defaults": {"metrics": "psnr,ssim,diff"}, "entries": entries}, open(suite, "w"))
    junit, report = os.path.join(work, "suite.xml"), os.path.join(work, "suite-report.json")
    run("check", "--suite", suite, "--junit", junit, "--report-json", report, "-q", expect=3)
    root = ET.parse(junit).getroot()
    suites = {ts.get("name"): ts for ts in root.iter("testsuite")}
    check(list(suites) == [e["name"] for e in entries], f"one JUnit testsuite per entry: {list(suites)}")
    check(suites["missing"].find("testcase/error") is not None, "a missing input is a JUnit error")
    failing = {n: [c.get("name") for c in ts.iter("testcase") if c.find("failure") is not None]
               for n, ts in suites.items()}
    check(failing == {"same": [], "blur": ["frame-000002"], "missing": [], "png": ["frame-000000"],
                      "png-loose": []}, f"failing testcases per entry: {failing}")
    full = json.load(open(report))
    totals = full["totals"]
    dd = os.path.join(work, "suite-diff")
    run("check", "--suite", suite, "--diff-dir", dd, "-q")
    check(sorted(os.listdir(dd)) == ["blur", "png"]
          and os.listdir(os.path.join(dd, "blur")) != [],
          f"--diff-dir in a suite: a folder per failing entry ({sorted(os.listdir(dd))})")
    for e in full["entries"]:
        if e["check"]["error"]:
            print("     entry", e["name"], "error:", e["check"]["error"])
    check(totals == {"entries": 5, "run": 5, "passed": 2, "failed": 2, "errored": 1},
          f"suite report totals: {totals}")
    names = []
    for index in range(2):
        shard = os.path.join(work, f"shard{index}.xml")
        run("check", "--suite", suite, "--shard", f"{index}/2", "--junit", shard, "-q")
        names.append([ts.get("name") for ts in ET.parse(shard).getroot().iter("testsuite")])
    check(names == [["same", "missing", "png-loose"], ["blur", "png"]],
          f"--shard I/2 runs entries i % 2 == I: {names}")
    env = dict(os.environ, GTEST_SHARD_INDEX="1", GTEST_TOTAL_SHARDS="2",
               GTEST_SHARD_STATUS_FILE=os.path.join(work, "shard-status"))
    shard = os.path.join(work, "gtest-shard.xml")
    subprocess.run([UHDPIPE, "check", "--suite", suite, "--junit", shard, "-q"], env=env,
                   capture_output=True, timeout=600)
    check([ts.get("name") for ts in ET.parse(shard).getroot().iter("testsuite")] == names[1],
          "GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS pick the same shard as --shard")
    check(os.path.exists(os.path.join(work, "shard-status")), "GTEST_SHARD_STATUS_FILE touched")
    bad = os.path.join(work, "bad-suite.json")
    open(bad, "w").write('{"entries": [\n  {"input": "a", "ref": "b",}\n]}')
    proc = run("check", "--suite", bad, expect=2)
    check("line 2" in proc.stderr, f"a malformed suite names the line: {proc.stderr.strip()}")


def suite_shares_gpu(work):
    """A suite runs all its entries on one Vulkan context and hands an entry the
    comparer of the entry before when it fits (same size, depth, metrics, domain):
    each entry's numbers must still be those of the same check run alone, through
    changes of size, metric list and domain and back."""
    blur, clip = sample("topleft_420p10_blur2.mkv"), sample("topleft_420p10.mkv")
    shift, ref16 = os.path.join(work, "shift16.png"), os.path.join(work, "ref16.png")
    entries = [
        {"name": "png", "input": shift, "ref": ref16, "metrics": "psnr,ssim,diff"},
        {"name": "png-again", "input": shift, "ref": ref16, "metrics": "psnr,ssim,diff"},
        {"name": "png-psnr", "input": shift, "ref": ref16, "metrics": "psnr"},
        {"name": "yuv", "input": blur, "ref": clip, "frames": 3},
        {"name": "yuv-again", "input": blur, "ref": clip, "start": 1, "frames": 2},
        {"name": "rgb-small", "input": blur, "ref": clip, "frames": 3, "size": "320x180",
         "metrics": "psnr,ssim,diff"},
        {"name": "png-last", "input": shift, "ref": ref16, "metrics": "psnr,ssim,diff"},
    ]
    suite, report = os.path.join(work, "gpu-suite.json"), os.path.join(work, "gpu-suite-out.json")
    json.dump({"entries": entries}, open(suite, "w"))
    proc = run("check", "--suite", suite, "--report-json", report, "--loglevel", "verbose", "-q")
    opened = proc.stderr.count("debug: Vulkan device:")
    check(opened == 1, f"a suite of {len(entries)} entries opens one Vulkan device: {opened}")
    by_name = {e["name"]: e["check"] for e in json.load(open(report))["entries"]}
    for e in entries:
        alone = os.path.join(work, f"alone-{e['name']}.json")
        args = ["check", e["input"], "--ref", e["ref"], "--report-json", alone, "-q"]
        for key in ("metrics", "frames", "start", "size"):
            if key in e:
                args += [f"--{key}", str(e[key])]
        run(*args)
        strip = ("ms", "compare_ms", "render_ms", "gpu_ms")
        frames = [[{k: v for k, v in f.items() if k not in strip} for f in r["frames"]]
                  for r in (by_name[e["name"]], json.load(open(alone)))]
        check(frames[0] == frames[1] and len(frames[0]) > 0,
              f"suite entry {e['name']} ({by_name[e['name']]['domain']}): the numbers of the "
              f"same check alone ({len(frames[0])} frames)")


def edge_cases(work, refs):
    # --start/--frames pick among a reference folder's recorded frames.
    report = os.path.join(work, "window.json")
    run("check", sample("topleft_420p10.mkv"), "--ref", refs, "--start", "1", "--frames", "2",
        "--exact", "--report-json", report, "-q", expect=0)
    r = json.load(open(report))
    check([f["checksum_match"] for f in r["frames"]] == [True, True] and
          [f["ref_pts"] for f in r["frames"]] == [f["input_pts"] for f in r["frames"]],
          "--start 1 --frames 2 compares recorded frames 1 and 2 with the clip's")
    report = os.path.join(work, "window-end.json")
    run("check", sample("topleft_420p10.mkv"), "--ref", refs, "--start", "3", "--frames", "2",
        "--exact", "--report-json", report, "-q", expect=0)
    check(len(json.load(open(report))["frames"]) == 1, "--start 3 --frames 2 of 4: one frame")
    # Nothing to compare is a failure, not a pass.
    proc = run("check", sample("full_601_12bit.mkv"), "--ref", sample("topleft_420p10.mkv"),
               "--start", "100", "--size", "320x180", expect=1)
    check("nothing was compared" in proc.stderr, "0 frames compared fails")
    # The worst region ranks 16-bit tiles by their exact 64-bit error sums.
    ref = np.full((256, 1024, 3), 30000, np.int64)
    test = ref.copy()
    test[:, 0:256, :] += 856        # 4.5e9 squared error per tile: over 32 bits
    test[:, 512:768, 0] += 1200     # less error in total, red only
    ref_png, test_png = os.path.join(work, "wr-ref.png"), os.path.join(work, "wr-test.png")
    write_png(ref_png, ref, 16, cicp=(9, 16))
    write_png(test_png, test, 16, cicp=(9, 16))
    report = os.path.join(work, "wr.json")
    run("check", test_png, "--ref", ref_png, "--metrics", "psnr", "--diff-dir",
        os.path.join(work, "wr"), "--report-json", report, "-q", expect=1)
    region = json.load(open(report))["frames"][0]["diff_images"]["worst_region"]
    check(region[:2] == [0, 0], f"worst region is the one with the most error: {region}")
    # A suite threshold computes its metric, as on the command line.
    suite = os.path.join(work, "strict-suite.json")
    json.dump({"defaults": {"metrics": "psnr"},
               "entries": [{"input": "ref16.png", "ref": "ref16.png", "min_msssim": 1.5}]},
              open(suite, "w"))
    run("check", "--suite", suite, "-q", expect=1)
    junit = os.path.join(work, "strict.xml")
    proc = run("check", "--suite", suite, "--report-json", "/no/such/dir/r.json", "--junit",
               junit, "-q", expect=6)
    check(os.path.exists(junit), "JUnit still written when the JSON report cannot be")
    root = ET.parse(junit).getroot()
    check(root.get("tests") == "1" and root.get("failures") == "1" and root.get("errors") == "0",
          f"JUnit totals: {root.attrib}")
    # Paths that are not UTF-8 still give valid JSON and XML.
    odd = os.path.join(work.encode(), b"odd\xff&<name.png")
    shutil.copy(os.path.join(work, "ref16.png"), odd)
    report, junit = os.path.join(work, "odd.json"), os.path.join(work, "odd.xml")
    subprocess.run([UHDPIPE.encode(), b"check", odd, b"--ref", odd, b"--report-json",
                    report.encode(), b"--junit", junit.encode(), b"-q"], timeout=600)
    check(json.load(open(report, encoding="utf-8"))["input"]["path"].endswith("odd\ufffd&<name.png"),
          "a non-UTF-8 path is written as U+FFFD in JSON")
    check(ET.parse(junit).getroot().find("testsuite").get("name").count("\ufffd") == 2,
          "and in JUnit XML")


def mismatches_fail(work, refs):
    report = os.path.join(work, "count.json")
    proc = run("check", sample("hlg_4k_hevc.mkv"), "--ref", refs, "--frames", "8",
               "--report-json", report, expect=1)
    r = json.load(open(report))
    check(r["mismatch"].startswith("frame count differs: 8 vs 4 ") and not r["frames"],
          f"frame-count mismatch: nothing compared, message: {r['mismatch']}")
    check("frame count differs: 8 vs 4" in proc.stderr and
          proc.stdout.startswith("FAILED: frame count differs: 8 vs 4") and
          "0 frames" not in proc.stdout and "(s)" not in proc.stdout,
          f"the count mismatch leads stderr and stdout: {proc.stdout!r}")
    junit = os.path.join(work, "count.xml")
    run("check", sample("hlg_4k_hevc.mkv"), "--ref", refs, "--frames", "8", "--junit", junit,
        "-q", expect=1)
    failure = ET.parse(junit).getroot().find("testsuite/testcase/failure")
    check(failure is not None and failure.get("message").startswith("frame count differs: 8 vs 4"),
          "JUnit says what failed: %r" % (failure.attrib if failure is not None else None))
    small = os.path.join(work, "small.png")
    write_png(small, np.zeros((100, 120, 3), np.int64), 16, cicp=(9, 16))
    proc = run("check", small, "--ref", os.path.join(work, "ref16.png"), "--metrics", "psnr",
               expect=1)
    check("120x100" in proc.stderr and "200x180" in proc.stderr and
          "frame 0: size differs: " in proc.stderr, "size mismatch names both sizes")
    # Different colour descriptions: metrics would measure the tags, not the picture.
    other = os.path.join(work, "bt709.png")
    write_png(other, np.zeros((180, 200, 3), np.int64), 16, cicp=(1, 1))
    report = os.path.join(work, "colour.json")
    proc = run("check", other, "--ref", os.path.join(work, "ref16.png"), "--metrics", "psnr",
               "--report-json", report, expect=1)
    mismatch = json.load(open(report))["mismatch"]
    check(mismatch.startswith("frame 0: colour description differs: INPUT bt709/bt709/") and
          "vs REF bt2020/smpte2084/" in mismatch and proc.stderr.count("error") == 1,
          f"colour mismatch names both descriptions once: {mismatch!r}, {proc.stderr!r}")


def broken_refs_refused(work, refs):
    broken = os.path.join(work, "broken")
    shutil.copytree(refs, broken)
    meta = json.load(open(os.path.join(broken, "refs.json")))
    meta["complete"] = False
    json.dump(meta, open(os.path.join(broken, "refs.json"), "w"))
    proc = run("check", sample("topleft_420p10.mkv"), "--ref", broken, expect=3)
    check("did not complete" in proc.stderr, "an incomplete reference set is refused")
    altered = os.path.join(work, "altered")
    shutil.copytree(refs, altered)
    shutil.copy(os.path.join(refs, "frame-000000.png"), os.path.join(altered, "frame-000001.png"))
    proc = run("check", sample("topleft_420p10.mkv"), "--ref", altered, expect=3)
    check("frame 1" in proc.stderr and "checksum" in proc.stderr,
          "a reference frame that no longer matches refs.json is refused")


def usage_errors():
    for args in (["check", sample("short_1frame.mkv")],
                 ["check", "a.png", "--ref", "b.png", "--metrics", "vmaf"],
                 ["check", "a.png", "--ref", "b.png", "--min-psnr", "high"],
                 ["refs", sample("short_1frame.mkv")]):
        proc = run(*args, expect=2)
        check(len(proc.stderr.strip().splitlines()) == 1, f"one-line usage error: {proc.stderr.strip()}")


def interrupt_writes_reports(work):
    report, junit = os.path.join(work, "int.json"), os.path.join(work, "int.xml")
    progress, terminal = pty.openpty()
    # 8 frames of 8K pairs, compared at 1080p: each pair takes long enough
    # (two 8K decodes) for the interrupt to land before the last one.
    proc = subprocess.Popen([UHDPIPE, "check", sample("hdr10_8k_hevc_crf30.mkv"), "--ref",
                             sample("hdr10_8k_hevc.mkv"), "--size", "1920x1080",
                             "--report-json", report, "--junit", junit],
                            stdout=subprocess.PIPE, stderr=terminal)
    os.close(terminal)
    # Interrupted once the first pair is compared (its progress line, shown on a
    # terminal), not after a fixed delay: the time to get there depends on the load.
    seen = b""
    deadline = time.time() + 300
    while b"frame 1/" not in seen and time.time() < deadline and proc.poll() is None:
        ready, _, _ = select.select([progress], [], [], 1.0)
        chunk = os.read(progress, 256) if ready else b""
        seen += chunk
    check(b"frame 1/" in seen, f"the first pair was compared before the interrupt: {seen[-200:]}")
    proc.send_signal(signal.SIGINT)
    deadline = time.time() + 120
    while proc.poll() is None and time.time() < deadline:  # drained, so it never blocks
        if select.select([progress], [], [], 0.5)[0]:
            try:
                os.read(progress, 4096)
            except OSError:
                break
    proc.communicate(timeout=120)
    os.close(progress)
    check(proc.returncode == 130, f"Ctrl-C exits 130 (got {proc.returncode})")
    r = json.load(open(report))
    check(not r["complete"] and len(r["frames"]) < 8, f"report marked incomplete after {len(r['frames'])} frame(s)")
    root = ET.parse(junit).getroot()
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    check(props.get("complete") == "false", "JUnit written and marked incomplete")
    check(not [n for n in os.listdir(work) if ".tmp-" in n], "no temporary files left")


def main():
    with tempfile.TemporaryDirectory(prefix="uhd-check-") as work:
        refs = same_clip_passes(work)
        one_blurred_frame_fails(work, refs)
        own_frame_numbers(work, refs)
        one_code_shift(work)
        mismatches_fail(work, refs)
        diff_images(work, refs)
        suites_and_shards(work, refs)
        suite_shares_gpu(work)
        edge_cases(work, refs)
        broken_refs_refused(work, refs)
        usage_errors()
        lower_quality_encode_fails(work)
        interrupt_writes_reports(work)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
