#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""End to end: `uhdpipe check --domain yuv` against ffmpeg's psnr filter.

In the Y'CbCr domain check compares the decoded planes' code values as they are
(no conversion, no scaling), so its PSNR and MSE per plane must be ffmpeg's.
Lossless FFV1 clips (322x182, so that the chroma planes of 4:2:0 and 4:2:2 are
161 samples wide and 91 high; 5 frames of testsrc2, tagged BT.709) in yuv420p,
yuv420p10le, yuv422p10le, yuv444p12le, yuv444p and full-range yuv420p10le, each
against a copy blurred in its own format (gblur, 27-41 dB), plus a clip whose
chroma is untouched (infinite Cb, Cr PSNR: null in JSON), a clip against itself,
and the sample whose frame 2 alone was blurred (the other frames identical):

- per frame and plane, PSNR y/cb/cr, the sample-weighted average and MSE equal
  ffmpeg's values (metadata print, main = INPUT, reference = REF) within the
  rounding of ffmpeg's printing (float32, then %f);
- they equal the exact values worked out here from integer sums of the planes
  ffmpeg decodes within uhdpipe's own printing (%.10g); the same exact values
  check ffmpeg's (self-check: that they are the code values, the peak 2^bits-1
  at every depth and the weighting of the average, so that the comparison with
  ffmpeg means what it says);
- average_611 is (6 y + cb + cr) / 8 of ffmpeg's per-plane PSNRs; psnr_peak is
  2^bits-1; domain is "yuv"; frames carry their input_frame / ref_frame;
- a range, matrix, pixel format, bit depth or size that differs is refused as a
  mismatch (exit 1, one error naming what differs); a PNG with --domain yuv is
  refused as unsupported input (exit 4) with a message naming --domain;
- --exact (checksums of the planes) names the planes that differ, passes the same
  clip, and --diff-dir is refused (exit 4);
- frames pair by index in both domains: frames 0-4 of a moving clip against its
  frames 1-5 fail --exact at every pair, each reported as (n, n); 4 frames against
  5 is a count mismatch; a size change mid-stream is refused at its frame (exit 4);
- without --domain (auto), a pair of the same format and colour description runs in
  the yuv domain with --domain yuv's numbers; every pair refused above, a PNG, a
  metric or option that needs R'G'B' runs in rgb; the report's domain_reason says
  why, and a run that failed before its inputs were open says "auto".

usage: e2e_check_yuv.py [UHDPIPE [SAMPLES]]   (defaults: $UHDPIPE, $SAMPLES)
       e2e_check_yuv.py --self-test [SAMPLES] (ffmpeg against the exact values only)
Exit 0 when all pass, 1 when any fails, 77 (skip) without ffmpeg.
"""
import array
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_cli import run_check  # noqa: E402

SIZE = (322, 182)
FRAMES = 5
# pixel format: (bits, log2 chroma width, log2 chroma height)
FORMATS = {"yuv420p": (8, 1, 1), "yuv420p10le": (10, 1, 1), "yuv422p10le": (10, 1, 0),
           "yuv444p12le": (12, 0, 0), "yuv444p": (8, 0, 0)}
# name, pixel format, range, distortion of the test clip (None: the reference itself).
# The sigmas differ so that the planes span 27-41 dB.
PAIRS = [("420p8", "yuv420p", "tv", "gblur=sigma=0.7"),
         ("420p10", "yuv420p10le", "tv", "gblur=sigma=0.5"),
         ("422p10", "yuv422p10le", "tv", "gblur=sigma=0.9"),
         ("444p12", "yuv444p12le", "tv", "gblur=sigma=0.7"),
         ("444p8", "yuv444p", "tv", "gblur=sigma=1.2"),
         ("420p10_full", "yuv420p10le", "pc", "gblur=sigma=0.7"),
         ("420p10_luma_blurred", "yuv420p10le", "tv", "gblur=sigma=0.7:planes=1"),
         ("422p10_identical", "yuv422p10le", "tv", None)]
SAMPLE_PAIR = ("topleft_420p10_blur2.mkv", "topleft_420p10.mkv", "yuv420p10le", 4)
PLANES = ("y", "cb", "cr")
FFMPEG_PLANE = {"y": "y", "cb": "u", "cr": "v"}

# ffmpeg 5.1's psnr filter passes every value through set_meta(..., float d) and
# prints it with "%f": rounding to float32 (at most 2^-24 relative) then to 6
# decimals (5e-7). uhdpipe sums squared differences exactly in integers and
# writes doubles with "%.10g" (at most 5e-10 relative). The tolerances are these
# bounds; the differences measured come within 0.6-0.86 of them (lavapipe,
# ffmpeg 5.1.9, 2026-12-07; figures in harness_checks and compare_frame).
FF_REL = 2.0 ** -24
FF_ABS = 5e-7
UHD_REL = 5e-10

failures = []
counts = {"checks": 0}
largest = {}  # kind -> (|diff|, |diff| / tolerance, where) nearest the tolerance


def check(cond, message):
    counts["checks"] += 1
    if not cond:
        failures.append(message)
        print("FAIL " + message)
        sys.stdout.flush()
    return cond


def close(where, kind, got, want, abs_tol, rel_tol):
    """Checks |got - want| <= abs_tol + rel_tol * |want|; equal infinities
    pass. Records the largest difference of each kind."""
    limit = abs_tol + rel_tol * abs(want)
    diff = 0.0 if got == want else abs(got - want)
    if math.isfinite(diff) and diff / limit > largest.get(kind, (0.0, -1.0))[1]:
        largest[kind] = (diff, diff / limit, f"{where}: {got!r} vs {want!r}")
    return check(diff <= limit, f"{where}: {kind}: got {got!r}, want {want!r} "
                                f"(|diff| {diff:.3g} > tolerance {limit:.3g})")


# --- Clips -------------------------------------------------------------------

def make_clip(path, pix_fmt, rng, distortion=None, matrix="bt709", size=SIZE, tag_range=None):
    """Lossless FFV1: testsrc2 converted to pix_fmt (BT.709 matrix, range rng),
    then distorted in that format, so that gblur works at its depth. Tagged
    with rng unless tag_range is given, and with matrix whatever the codes."""
    graph = (f"testsrc2=size={size[0]}x{size[1]}:rate=25,format=rgb24,scale=out_color_matrix="
             f"bt709:out_range={'full' if rng == 'pc' else 'tv'},format={pix_fmt}")
    if distortion:
        graph += "," + distortion
    tags = ["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", matrix,
            "-color_range", tag_range or rng]
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", graph,
                    "-frames:v", str(FRAMES), "-c:v", "ffv1", *tags, path],
                   check=True, timeout=120)
    return path


def probe_ok(path, pix_fmt, rng, matrix="bt709"):
    """ffprobe must read back the format and tags the clip was made with."""
    run = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=pix_fmt,color_range,color_space,color_primaries,"
                          "color_transfer", "-of", "json", path],
                         capture_output=True, text=True, timeout=60)
    got = json.loads(run.stdout or "{}").get("streams", [{}])[0]
    want = {"pix_fmt": pix_fmt, "color_range": rng, "color_space": matrix,
            "color_primaries": "bt709", "color_transfer": "bt709"}
    return check(got == want, f"harness: {os.path.basename(path)}: ffprobe reads {got}, "
                              f"the clip was made with {want}")


def plane_sizes(pix_fmt, width, height):
    _, cw, ch = FORMATS[pix_fmt]
    chroma = (-(-width >> cw)) * (-(-height >> ch))  # rounded up, as the decoder's
    return (width * height, chroma, chroma)


def decode_planes(path, pix_fmt, width, height):
    """Frames of path as lists of (Y, Cb, Cr) arrays of code values."""
    run = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "rawvideo",
                          "-pix_fmt", pix_fmt, "-"], capture_output=True, timeout=120,
                         check=True)
    samples = array.array("B" if FORMATS[pix_fmt][0] == 8 else "H")
    samples.frombytes(run.stdout)
    if samples.itemsize == 2 and sys.byteorder == "big":
        samples.byteswap()  # *le formats
    sizes = plane_sizes(pix_fmt, width, height)
    frames, at = [], 0
    while at < len(samples):
        planes = []
        for size in sizes:
            planes.append(samples[at:at + size])
            at += size
        frames.append(planes)
    return frames


# --- Exact values and ffmpeg's -----------------------------------------------

def db(peak, sse, count):
    return math.inf if sse == 0 else 10 * math.log10(peak * peak * count / sse)


def exact_metrics(test, ref, bits):
    """Per frame: MSE and PSNR of each plane from integer sums of squared
    differences, and the average PSNR of all samples together."""
    peak, frames = (1 << bits) - 1, []
    for test_planes, ref_planes in zip(test, ref):
        sse, count = {}, {}
        for plane, a, b in zip(PLANES, test_planes, ref_planes):
            sse[plane] = 0 if a == b else sum((x - y) * (x - y) for x, y in zip(a, b))
            count[plane] = len(a)
        psnr = {p: db(peak, sse[p], count[p]) for p in PLANES}
        psnr["average"] = db(peak, sum(sse.values()), sum(count.values()))
        mse = {p: sse[p] / count[p] for p in PLANES}
        mse["average"] = sum(sse.values()) / sum(count.values())
        frames.append({"mse": mse, "psnr": psnr})
    return frames


def ffmpeg_metrics(work, name, test, ref):
    """Per frame {"mse": {...}, "psnr": {...}} from ffmpeg's psnr filter (main:
    test, reference: ref; PSNR is symmetric), planes named y, cb, cr, average."""
    meta = f"psnr_{name}.txt"  # relative (cwd=work): nothing to escape in the graph
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", test, "-i", ref, "-lavfi",
                    f"[0:v][1:v]psnr,metadata=mode=print:file={meta}", "-f", "null", "-"],
                   cwd=work, check=True, capture_output=True, timeout=120)
    frames, names = [], {v: k for k, v in FFMPEG_PLANE.items()}
    with open(os.path.join(work, meta)) as text:
        for line in text:
            if line.startswith("frame:"):
                frames.append({"mse": {}, "psnr": {}})
            match = re.match(r"lavfi\.psnr\.(mse|psnr)(?:\.([yuv])|_avg)=(\S+)$", line.strip())
            if match:
                kind, plane, value = match.groups()
                frames[-1][kind][names[plane] if plane else "average"] = float(value)  # inf too
    return frames


def harness_checks(where, ff, exact):
    """ffmpeg's printed values are the exact ones rounded to float32 and %f: its
    planes are the decoded code values, its peak 2^bits-1 at 8, 10 and 12 bits
    (PSNR and the average's peak alike), its average weighted by sample counts.
    Measured: PSNR 2.15e-6 dB at 33.7 dB (0.86 of FF_ABS + FF_REL |v|), MSE
    4.2e-4 at 11844 (0.59) and 1.3e-5 at 277 (0.77). A peak of 2^bits would
    move 10-bit PSNRs by 0.0085 dB, over 3000 times the tolerance."""
    for i, (f, e) in enumerate(zip(ff, exact)):
        for kind in ("psnr", "mse"):
            for plane in PLANES + ("average",):
                close(f"harness: {where} frame {i} {plane}", f"ffmpeg {kind} vs exact",
                      f[kind][plane], e[kind][plane], FF_ABS, FF_REL)


# --- uhdpipe -----------------------------------------------------------------

def uhdpipe_check(uhdpipe, work, name, test, ref):
    """Returns (the finished process, the report or None)."""
    return run_check(uhdpipe, os.path.join(work, f"report_{name}.json"),
                     [test, "--ref", ref, "--domain", "yuv", "--metrics", "psnr",
                      "--min-psnr", "off"])


def number(value, null_is_inf):
    """A JSON number; uhd_json_double writes infinity (identical planes) as null."""
    if value is None and null_is_inf:
        return math.inf
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not a number: {value!r}")
    return float(value)


def compare_frame(where, row, ff, exact):
    """row: a frame of the report, its metrics in the frame as in the RGB
    domain's report ("psnr": {y, cb, cr, average, average_611}, "mse": {y, cb,
    cr}). Against ffmpeg within its printing, FF_ABS + (FF_REL + UHD_REL) |v|:
    measured PSNR 2.15e-6 dB (0.85 of that, 33.7 dB), MSE 4.2e-4 at 11844
    (0.60) and 1.3e-5 at 277 (0.76: 4.7e-8 relative). Against the exact
    values within uhdpipe's %.10g, 1e-12 + UHD_REL |v|: measured PSNR 5e-9 dB
    (0.34), MSE 4.7e-6 at 11852 (0.79: 4.0e-10 relative)."""
    psnr = {p: number(row["psnr"][p], True) for p in PLANES + ("average", "average_611")}
    for plane in PLANES + ("average",):
        close(f"{where} {plane}", "psnr vs ffmpeg", psnr[plane], ff["psnr"][plane],
              FF_ABS, FF_REL + UHD_REL)
        close(f"{where} {plane}", "psnr vs exact", psnr[plane], exact["psnr"][plane],
              1e-12, UHD_REL)
    for plane in PLANES:
        got = number(row["mse"][plane], False)
        close(f"{where} {plane}", "mse vs ffmpeg", got, ff["mse"][plane], FF_ABS,
              FF_REL + UHD_REL)
        close(f"{where} {plane}", "mse vs exact", got, exact["mse"][plane], 1e-12, UHD_REL)
    # (6 y + cb + cr) / 8 of values within FF_ABS + FF_REL |v| is within the same
    # bound of the exact mean: the weights are positive and sum to 1.
    for peer, values, abs_tol, rel_tol in (("ffmpeg", ff, FF_ABS, FF_REL + UHD_REL),
                                           ("exact", exact, 1e-12, UHD_REL)):
        p = values["psnr"]
        close(f"{where} average_611", f"psnr vs {peer}", psnr["average_611"],
              (6 * p["y"] + p["cb"] + p["cr"]) / 8, abs_tol, rel_tol)


def check_report(where, report, bits, frames):
    check(report.get("domain") == "yuv", f"{where}: report domain {report.get('domain')!r}, "
                                         f"want 'yuv'")
    check(report.get("psnr_peak") == (1 << bits) - 1,
          f"{where}: psnr_peak {report.get('psnr_peak')!r}, want {(1 << bits) - 1}")
    check(report.get("passed") is True and report.get("complete") is True
          and report.get("mismatch") is None,
          f"{where}: report passed/complete/mismatch {report.get('passed')!r}/"
          f"{report.get('complete')!r}/{report.get('mismatch')!r}")
    rows = report.get("frames") or []
    check(len(rows) == frames, f"{where}: {len(rows)} frames in the report, want {frames}")
    for i, row in enumerate(rows):
        numbers = (row.get("index"), row.get("input_frame"), row.get("ref_frame"))
        check(numbers == (i, i, i), f"{where}: frames[{i}] index/input_frame/ref_frame "
                                    f"{numbers}, want {(i, i, i)}")
    return rows


# --- Pairs -------------------------------------------------------------------

def run_pair(uhdpipe, work, name, test, ref, pix_fmt, size, frames):
    """One pair: ffmpeg against the exact values, then uhdpipe against both."""
    bits, where, before = FORMATS[pix_fmt][0], f"{name} ({pix_fmt})", len(failures)
    ff = ffmpeg_metrics(work, name, test, ref)
    ref_planes = decode_planes(ref, pix_fmt, *size)
    exact = exact_metrics(decode_planes(test, pix_fmt, *size), ref_planes, bits)
    check(len(ff) == len(exact) == frames,
          f"harness: {where}: ffmpeg compared {len(ff)} frames, decoded {len(exact)}, "
          f"want {frames}")
    harness_checks(where, ff, exact)
    if name.endswith("_full"):  # full-range codes, not narrow ones tagged full
        low = min(min(planes[0]) for planes in ref_planes)
        check(low < 16 << (bits - 8), f"harness: {where}: luma never below "
                                      f"{16 << (bits - 8)} (lowest {low})")
    if uhdpipe is not None:
        run, report = uhdpipe_check(uhdpipe, work, name, test, ref)
        if check(run.returncode == 0 and report is not None,
                 f"{where}: uhdpipe check exited {run.returncode} (want 0), report "
                 f"{'written' if report else 'missing'}: {run.stderr.strip()[-600:]}"):
            rows = check_report(where, report, bits, frames)
            for i, (row, f, e) in enumerate(zip(rows, ff, exact)):
                try:
                    compare_frame(f"{where} frame {i}", row, f, e)
                except (KeyError, TypeError, ValueError, AttributeError) as error:
                    check(False, f"{where} frame {i}: cannot compare ({error!r}); the "
                                 f"frame is {json.dumps(row)[:400]}")
    averages = ", ".join(f"{f['psnr']['average']:.2f}" for f in ff)
    print(f"{'ok  ' if len(failures) == before else 'FAIL'} {where}: {len(ff)} frames, "
          f"average PSNR {averages} dB")
    sys.stdout.flush()


def made_pairs(uhdpipe, work):
    for name, pix_fmt, rng, distortion in PAIRS:
        ref = make_clip(os.path.join(work, f"ref_{name}.mkv"), pix_fmt, rng)
        test = ref if distortion is None else \
            make_clip(os.path.join(work, f"test_{name}.mkv"), pix_fmt, rng, distortion)
        if probe_ok(ref, pix_fmt, rng) and probe_ok(test, pix_fmt, rng):
            run_pair(uhdpipe, work, name, test, ref, pix_fmt, SIZE, FRAMES)


def sample_pair(uhdpipe, work, samples):
    """The sample whose frame 2 alone was blurred: frames 0, 1 and 3 are
    identical (every PSNR infinite, null in JSON), frame 2 is not."""
    test_name, ref_name, pix_fmt, frames = SAMPLE_PAIR
    test, ref = (os.path.abspath(os.path.join(samples, n)) for n in (test_name, ref_name))
    if not check(os.path.exists(test) and os.path.exists(ref),
                 f"harness: {test} and {ref} exist (samples/make-samples.sh makes them)"):
        return
    run = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=width,height", "-of", "csv=p=0", ref],
                         capture_output=True, text=True, timeout=60)
    size = tuple(int(v) for v in run.stdout.strip().split(","))
    run_pair(uhdpipe, work, "sample_blur2", test, ref, pix_fmt, size, frames)


# --- Refusals ----------------------------------------------------------------

def refusal_clips(work):
    """Clips that differ from ref_420p10.mkv (made by made_pairs) in one
    respect each, with the same code values where the format allows."""
    clips = {}
    for name, pix_fmt, tag_range, matrix, size in (
            ("range_pc", "yuv420p10le", "pc", "bt709", SIZE),        # tag only
            ("matrix_170m", "yuv420p10le", "tv", "smpte170m", SIZE),  # tag only
            ("422p10", "yuv422p10le", "tv", "bt709", SIZE),
            ("420p8", "yuv420p", "tv", "bt709", SIZE),
            ("320x180", "yuv420p10le", "tv", "bt709", (320, 180))):
        path = os.path.join(work, f"refuse_{name}.mkv")
        make_clip(path, pix_fmt, "tv", matrix=matrix, size=size, tag_range=tag_range)
        probe_ok(path, pix_fmt, tag_range, matrix)
        clips[name] = path
    png = os.path.join(work, "frame.png")
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size={SIZE[0]}x{SIZE[1]}", "-frames:v", "1", "-pix_fmt",
                    "rgb24", png], check=True, timeout=60)
    clips["png"] = png
    return clips


# INPUT, REF (refusal_clips' names; "ref": ref_420p10.mkv), what stderr must say
# (regular expressions, all must match). Each is a mismatch (exit 1) but the PNGs.
REFUSALS = [("range_pc", "ref", [r"colour description differs", r"\bfull\b", r"\blimited\b"]),
            ("matrix_170m", "ref", [r"colour description differs", r"smpte170m"]),
            ("422p10", "ref", [r"differ", r"4:2:2|yuv422p10", r"4:2:0|yuv420p10"]),
            ("420p8", "ref", [r"differ", r"\byuv420p\b|\b8[- ]bits?\b",
                              r"yuv420p10|\b10[- ]bits?\b"]),
            ("320x180", "ref", [r"differ", r"320x180", r"322x182"]),
            ("png", "ref", [r"--domain"]),
            ("ref", "png", [r"--domain"])]


def refusals(uhdpipe, work):
    clips = refusal_clips(work)
    clips["ref"] = os.path.join(work, "ref_420p10.mkv")
    for test, ref, patterns in REFUSALS:
        where, before = f"refused: INPUT {test} vs REF {ref}", len(failures)
        run, report = uhdpipe_check(uhdpipe, work, f"refuse_{test}_{ref}", clips[test],
                                    clips[ref])
        errors = [line for line in run.stderr.splitlines() if "error" in line]
        missing = [p for p in patterns if not re.search(p, run.stderr, re.IGNORECASE)]
        check(len(errors) == 1 and not missing, f"{where}: want one error line matching "
                                                f"{missing}: {run.stderr.strip()!r}")
        if "png" in (test, ref):  # unsupported input (docs/quality.md)
            check(run.returncode == 4, f"{where}: exit {run.returncode}, want 4")
        elif check(run.returncode == 1, f"{where}: exit {run.returncode}, want 1 (mismatch)"):
            check(report is not None and isinstance(report.get("mismatch"), str)
                  and report.get("passed") is False,
                  f"{where}: the report names the mismatch and fails: "
                  f"{json.dumps(report)[:300] if report else 'no report'}")
        print(f"{'ok  ' if len(failures) == before else 'FAIL'} {where}: exit "
              f"{run.returncode}, {run.stderr.strip()}")
        sys.stdout.flush()


def run_exact(uhdpipe, work, name, test, ref, extra=()):
    return run_check(uhdpipe, os.path.join(work, f"exact_{name}.json"),
                     [test, "--ref", ref, "--domain", "yuv", "--metrics", "psnr",
                      "--min-psnr", "off", "--exact", *extra])


def exact_cases(uhdpipe, work):
    """--exact compares checksums of the planes: the failure names the planes
    that differ (no pixel numbers, which this domain does not find); the same
    clip passes; --diff-dir (images of R'G'B' renders) is refused."""
    ref = os.path.join(work, "ref_420p10.mkv")
    for name, planes in (("420p10", "Y Cb Cr"), ("420p10_luma_blurred", "Y")):
        where, test = f"--exact {name}", os.path.join(work, f"test_{name}.mkv")
        run, report = run_exact(uhdpipe, work, name, test, os.path.join(work, f"ref_{name}.mkv"))
        lines = report["frames"][0]["failures"] if report and report.get("frames") else []
        check(run.returncode == 1 and len(lines) == 1 and
              lines[0].endswith(f"(--exact); planes that differ: {planes}"),
              f"{where}: exit {run.returncode} (want 1), failure lines {lines}")
    run, report = run_exact(uhdpipe, work, "same", ref, ref)
    check(run.returncode == 0 and report and all(f["checksum_match"] for f in report["frames"]),
          f"--exact same clip: exit {run.returncode} (want 0): {run.stderr.strip()!r}")
    run, _ = run_exact(uhdpipe, work, "diffdir", ref, ref,
                       ["--diff-dir", os.path.join(work, "diffs")])
    check(run.returncode == 4 and "--diff-dir" in run.stderr,
          f"--diff-dir with --domain yuv: exit {run.returncode} (want 4): "
          f"{run.stderr.strip()!r}")
    print(f"{'ok' if not failures else 'see above'}: --exact and --diff-dir cases")


def trimmed(source, path, first, count):
    """Frames first .. first + count - 1 of source, losslessly (FFV1), tags kept."""
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", source, "-vf",
                    f"trim=start_frame={first}:end_frame={first + count},setpts=PTS-STARTPTS",
                    "-c:v", "ffv1", "-color_primaries", "bt709", "-color_trc", "bt709",
                    "-colorspace", "bt709", "-color_range", "tv", path],
                   check=True, timeout=120)
    return path


def pairing_cases(uhdpipe, work):
    """Frames are paired by index, in both domains: INPUT's frames 0-4 against
    REF's 1-5 of the same moving clip (frame n of one equals frame n+1 of the
    other) fails every frame --exact and reports each pair as (n, n); a clip one
    frame shorter is a count mismatch."""
    longer = os.path.join(work, "pairing_source.mkv")
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size={SIZE[0]}x{SIZE[1]}:rate=25,format=yuv420p10le",
                    "-frames:v", str(FRAMES + 1), "-c:v", "ffv1", "-color_primaries", "bt709",
                    "-color_trc", "bt709", "-colorspace", "bt709", "-color_range", "tv",
                    longer], check=True, timeout=120)
    early = trimmed(longer, os.path.join(work, "pairing_early.mkv"), 0, FRAMES)
    late = trimmed(longer, os.path.join(work, "pairing_late.mkv"), 1, FRAMES)
    short = trimmed(longer, os.path.join(work, "pairing_short.mkv"), 0, FRAMES - 1)
    for domain in ("yuv", "rgb"):
        where = f"pairing ({domain}): INPUT frames 0-4 vs REF frames 1-5"
        report = os.path.join(work, f"pairing_{domain}.json")
        run = subprocess.run([uhdpipe, "check", early, "--ref", late, "--domain", domain,
                              "--exact", "--report-json", report, "-q"],
                             capture_output=True, text=True, timeout=120)
        frames = json.load(open(report)).get("frames", []) if os.path.exists(report) else []
        check(run.returncode == 1 and len(frames) == FRAMES and
              all(not f["passed"] and not f["checksum_match"] and
                  (f["input_frame"], f["ref_frame"]) == (i, i) for i, f in enumerate(frames)),
              f"{where}: exit {run.returncode} (want 1), every pair (n, n) failing --exact: "
              f"{[(f['input_frame'], f['ref_frame'], f['passed']) for f in frames]}")
        run = subprocess.run([uhdpipe, "check", short, "--ref", early, "--domain", domain,
                              "-q"], capture_output=True, text=True, timeout=120)
        check(run.returncode == 1 and "frame count differs" in run.stderr,
              f"pairing ({domain}): 4 frames against 5: exit {run.returncode} (want 1), "
              f"{run.stderr.strip()!r}")
    # A size change mid-stream (two H.264 streams of different sizes, one after the
    # other) is refused where it happens, once, in both domains.
    parts = []
    for size in ("320x180", "256x144"):
        parts.append(os.path.join(work, f"part_{size}.h264"))
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                        f"testsrc2=size={size}:rate=25", "-frames:v", "3", "-pix_fmt",
                        "yuv420p", "-c:v", "libx264", "-bsf:v", "h264_mp4toannexb", "-f",
                        "h264", parts[-1]], check=True, timeout=120)
    changing = os.path.join(work, "size_change.h264")
    with open(changing, "wb") as out:
        for part in parts:
            out.write(open(part, "rb").read())
    for domain in ("yuv", "rgb"):
        run = subprocess.run([uhdpipe, "check", changing, "--ref", changing, "--domain",
                              domain, "-q"], capture_output=True, text=True, timeout=120)
        errors = [line for line in run.stderr.splitlines() if "error" in line]
        check(run.returncode == 4 and len(errors) == 1 and
              "frame 3 is 256x144" in errors[0] and "starts as 320x180" in errors[0],
              f"size change mid-stream ({domain}): exit {run.returncode} (want 4), one error "
              f"naming frame 3: {errors}")
    print(f"{'ok' if not failures else 'see above'}: pairing by index, count mismatch, "
          f"size change")


# --domain auto (the default): INPUT and REF (refusal_clips' names, "test"/"ref":
# the 4:2:0 10-bit pair), extra options, the domain and what its reason must say.
AUTO_CASES = [("test", "ref", [], "yuv", r"same size, pixel format and colour description"),
              ("range_pc", "ref", [], "rgb", r"colour description differs.*full.*limited"),
              ("matrix_170m", "ref", [], "rgb", r"colour description differs.*smpte170m"),
              ("422p10", "ref", [], "rgb", r"pixel format differs.*4:2:2.*4:2:0"),
              ("420p8", "ref", [], "rgb", r"pixel format differs.*\byuv420p\b"),
              ("320x180", "ref", [], "rgb", r"size or pixel format differs.*320x180"),
              ("png", "ref", [], "rgb", r"INPUT .* is a PNG"),
              ("test", "png", [], "rgb", r"REF .* is a PNG"),
              ("test", "ref", ["--metrics", "psnr,deltaitp"], "rgb", r"deltaitp or diff"),
              ("test", "ref", ["--max-diff", "4"], "rgb", r"deltaitp or diff"),
              # the default list spelt out is a choice, not the default
              ("test", "ref", ["--metrics", "psnr,ssim,deltaitp,diff"], "rgb",
               r"deltaitp or diff"),
              ("test", "ref", ["--size", "160x90"], "rgb", r"--size"),
              ("test", "ref", ["--domain", "rgb"], "rgb", r"^asked for$"),
              ("test", "ref", ["--domain", "yuv"], "yuv", r"^asked for$"),
              ("missing", "ref", [], "auto", r"not chosen")]


def auto_cases(uhdpipe, work):
    """Without --domain, two clips of the same format and colour description
    compare on their planes (the default metric list meaning psnr,ssim there,
    the numbers those of --domain yuv); anything else, or a metric or option
    that needs R'G'B', goes to the rgb domain; the report says why."""
    clips = refusal_clips(work)
    clips.update(ref=os.path.join(work, "ref_420p10.mkv"),
                 test=os.path.join(work, "test_420p10.mkv"),
                 missing=os.path.join(work, "no_such_clip.mkv"))
    for i, (test, ref, extra, domain, reason) in enumerate(AUTO_CASES):
        where = f"auto: INPUT {test} vs REF {ref} {' '.join(extra)}".rstrip()
        run, report = run_check(uhdpipe, os.path.join(work, f"auto_{i}.json"),
                                [clips[test], "--ref", clips[ref], "--frames", "2", *extra])
        if report is None:
            check(False, f"{where}: no report (exit {run.returncode}): {run.stderr.strip()!r}")
            continue
        got, why = report.get("domain"), report.get("domain_reason", "")
        check(got == domain and re.search(reason, why) is not None,
              f"{where}: domain {got!r} ({why!r}), want {domain!r} ({reason})")
        if got == "yuv" and not extra:
            check(report["metrics"] == ["psnr", "ssim"],
                  f"{where}: the default list means psnr,ssim: {report['metrics']}")
            explicit = json.load(open(os.path.join(work, "report_420p10.json")))
            pairs = zip(report["frames"], explicit["frames"])
            check(all(a["psnr"] == b["psnr"] for a, b in pairs),
                  f"{where}: PSNRs equal those of --domain yuv")
    print(f"{'ok' if not failures else 'see above'}: --domain auto, {len(AUTO_CASES)} cases")


def print_largest():
    for kind, (diff, ratio, where) in sorted(largest.items()):
        print(f"nearest the tolerance, {kind}: |diff| {diff:.3g} ({ratio:.2f} of the "
              f"tolerance) at {where}")


def main():
    args = sys.argv[1:]
    self_test = args[:1] == ["--self-test"]
    if self_test:
        args = [None] + args[1:]  # no uhdpipe
    args += [None] * (2 - len(args))
    uhdpipe = None if self_test else args[0] or os.environ.get("UHDPIPE")
    samples = args[1] or os.environ.get("SAMPLES")
    if (not self_test and not uhdpipe) or not samples or len(args) > 2:
        print("usage: " + __doc__.split("usage: ")[1].split("\n\n")[0])
        return 2
    if not shutil.which("ffmpeg") or not shutil.which("ffprobe"):
        print("SKIP: ffmpeg and ffprobe (the PSNR peer) are needed")
        return 77
    os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
    with tempfile.TemporaryDirectory(prefix="e2e_check_yuv_") as work:
        made_pairs(uhdpipe, work)
        sample_pair(uhdpipe, work, samples)
        if uhdpipe is not None:
            refusals(uhdpipe, work)
            exact_cases(uhdpipe, work)
            auto_cases(uhdpipe, work)
            pairing_cases(uhdpipe, work)
    print_largest()
    print(f"e2e_check_yuv: {counts['checks']} checks, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
