#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End to end: --target on play, as a user meets it.

- `--target sdr:100` on the PQ sample: PNGs tagged BT.709 SDR (cICP 1/1/0/1,
  no mDCV, no cLLI), pixels unlike the pass-through run, and the report's
  options.target naming the method, the source range and the EETF's
  parameters (validated by the play schema's test elsewhere);
- `--target pq:600`: cICP stays BT.2020 PQ, mDCV's peak is 600 cd/m2, no cLLI;
- `--target pq:2000` on a 1000 cd/m2 grade: one warning that the EETF leaves
  the highlights alone;
- an SDR clip with `--target sdr`: one warning, and the same pixels as
  without it;
- an HLG clip to sdr (through BT.2408's 1000 cd/m2 reference display), a PQ
  clip to hlg (tagged BT.2020 HLG), an HLG clip to hlg (unchanged, said), an
  SDR clip to pq and hlg:300 (exit 4 with the reason);
- a peak too low for BT.2390's knee on this grade (KS < 0): exit 4 naming the
  lowest peak it takes;
- a PNG input: exit 3, saying --target converts clips;
- `check --target sdr:100` against play's SDR frame: exit 0 with --exact;
  without --target: exit 1 with a hint to use it; with --domain yuv: exit 4;
  REF is never converted (the same PQ clip on both sides: exit 1, BT.709 vs PQ);
- malformed values: exit 2 naming the option; `refs --target`: exit 2.

usage: e2e_tonemap.py UHDPIPE PNG_INFO SAMPLES
Exit 0 when all pass, 1 when any fails.
"""
import json
import os
import subprocess
import sys
import tempfile

failures = []


def check(cond, message):
    print(("ok   " if cond else "FAIL ") + message)
    if not cond:
        failures.append(message)


def run(uhdpipe, *args):
    return subprocess.run([uhdpipe, *args], capture_output=True, text=True, timeout=600)


def png(png_info, folder):
    out = subprocess.run([png_info, os.path.join(folder, "frame-000000.png")],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def play_png(uhdpipe, png_info, work, name, clip, *extra):
    folder = os.path.join(work, name)
    report = os.path.join(work, name + ".json")
    r = run(uhdpipe, "play", clip, "--size", "480x270", "--frames", "1", "-q",
            "-o", "png:" + folder, "--report", report, *extra)
    check(r.returncode == 0, f"{name}: exit 0 (got {r.returncode}: {r.stderr.strip()})")
    if r.returncode != 0:
        return None, None, r.stderr
    with open(report, encoding="utf-8") as f:
        return png(png_info, folder), json.load(f), r.stderr


def main():
    uhdpipe, png_info, samples = sys.argv[1:4]
    pq = os.path.join(samples, "pq_4k_av1.mkv")
    with tempfile.TemporaryDirectory() as work:
        source, _, _ = play_png(uhdpipe, png_info, work, "source", pq)
        sdr, report, err = play_png(uhdpipe, png_info, work, "sdr", pq, "--target", "sdr:100")
        if sdr:
            check(sdr["cICP"] == "01010001" and sdr["mDCV"] is None and sdr["cLLI"] is None,
                  f"sdr: tagged BT.709 SDR without mDCV/cLLI ({sdr['cICP']})")
            check(sdr["xxh3"] != source["xxh3"], "sdr: pixels differ from the pass-through")
            t = report["options"].get("target", {})
            check(t.get("method") == "bt2390-eetf+linear-clip+bt1886-inverse" and
                  t.get("peak") == 100 and t.get("primaries") == "bt709" and
                  t.get("source_peak_from") == "mastering display" and
                  t.get("source_peak") == 1000,
                  f"sdr: report's target {t}")
            check(err.strip() == "", f"sdr: nothing to say ({err.strip()!r})")
        hdr, report, _ = play_png(uhdpipe, png_info, work, "pq600", pq, "--target", "pq:600")
        if hdr:
            # mDCV: six primaries, white point, then max and min luminance in
            # 0.0001 cd/m2, big-endian 32-bit.
            peak = int(hdr["mDCV"][32:40], 16) / 10000 if hdr["mDCV"] else None
            check(hdr["cICP"] == "09100001" and peak == 600 and hdr["cLLI"] is None,
                  f"pq:600: BT.2020 PQ, mastering peak {peak}, no cLLI")
            check(report["options"]["target"]["method"] == "bt2390-eetf", "pq:600: method")
        _, _, err = play_png(uhdpipe, png_info, work, "pq2000", pq, "--target", "pq:2000")
        check(err.count("warning") == 1 and "at or above" in err,
              f"pq:2000 above a 1000 cd/m2 grade: one warning ({err.strip()!r})")
        sdr_clip = os.path.join(samples, "sdr_1080p_h264.mp4")
        plain, _, _ = play_png(uhdpipe, png_info, work, "sdrclip", sdr_clip)
        same, report, err = play_png(uhdpipe, png_info, work, "sdrclip_target", sdr_clip,
                                     "--target", "sdr")
        if plain and same:
            check(same["xxh3"] == plain["xxh3"] and same["cICP"] == plain["cICP"],
                  "SDR clip with --target sdr: the same pixels and tags")
            check(err.count("warning") == 1 and "already SDR" in err,
                  f"SDR clip: said once ({err.strip()!r})")
            check(report["options"]["target"]["method"] == "none", "SDR clip: method none")
        hlg_clip = os.path.join(samples, "hlg_4k_hevc.mkv")
        hlg_sdr, report, _ = play_png(uhdpipe, png_info, work, "hlgsdr", hlg_clip, "--target",
                                      "sdr:100")
        if hlg_sdr:
            check(hlg_sdr["cICP"] == "01010001" and
                  report["options"]["target"]["source_peak_from"] ==
                  "HLG reference display (BT.2408)",
                  f"HLG clip to sdr: BT.709 SDR through BT.2408's reference display "
                  f"({hlg_sdr['cICP']}, {report['options']['target']})")
        to_hlg, report, _ = play_png(uhdpipe, png_info, work, "pqhlg", pq, "--target", "hlg")
        if to_hlg:
            check(to_hlg["cICP"] == "09120001" and to_hlg["mDCV"] is None and
                  report["options"]["target"]["method"] == "bt2390-eetf+hlg-inverse-eotf",
                  f"PQ clip to hlg: tagged BT.2020 HLG without mDCV ({to_hlg['cICP']})")
        plain, _, _ = play_png(uhdpipe, png_info, work, "hlgclip", hlg_clip)
        same, _, err = play_png(uhdpipe, png_info, work, "hlghlg", hlg_clip, "--target", "hlg")
        if plain and same:
            check(same["xxh3"] == plain["xxh3"] and "already HLG" in err,
                  f"HLG clip with --target hlg: unchanged, said ({err.strip()!r})")
        r = run(uhdpipe, "play", sdr_clip, "--frames", "1", "-o", "null", "--target", "pq")
        check(r.returncode == 4 and "not expanded" in r.stderr,
              f"SDR clip to pq: exit 4 with the reason (got {r.returncode}: {r.stderr.strip()})")
        r = run(uhdpipe, "play", pq, "--frames", "1", "-o", "null", "--target", "hlg:300")
        check(r.returncode == 4 and "400 to 2000" in r.stderr,
              f"hlg:300: exit 4 (got {r.returncode}: {r.stderr.strip()})")
        r = run(uhdpipe, "play", pq, "--frames", "1", "-o", "null", "--target", "pq:3")
        check(r.returncode == 4 and "at least 5.3 cd/m2" in r.stderr,
              f"pq:3 below BT.2390's range for this grade: exit 4 naming the lowest peak "
              f"(got {r.returncode}: {r.stderr.strip()})")
        # check --target: INPUT converted for an SDR reference (play's own output
        # here, so the frames match exactly); without it, refused with a hint.
        ref = os.path.join(work, "sdr", "frame-000000.png")
        common = ["check", pq, "--ref", ref, "--size", "480x270", "--frames", "1"]
        r = run(uhdpipe, *common, "--target", "sdr:100", "--exact")
        check(r.returncode == 0, f"check --target sdr:100 against play's frame: exit 0 "
                                 f"({r.returncode}: {r.stderr.strip()})")
        r = run(uhdpipe, *common)
        check(r.returncode == 1 and "--target sdr" in r.stderr,
              f"check without --target: exit 1 with the hint ({r.returncode}: {r.stderr.strip()})")
        r = run(uhdpipe, *common, "--target", "sdr:100", "--domain", "yuv")
        check(r.returncode == 4, f"check --target --domain yuv: exit 4 ({r.returncode})")
        r = run(uhdpipe, "check", pq, "--ref", pq, "--frames", "1", "--size", "480x270",
                "--target", "sdr")
        check(r.returncode == 1 and "INPUT bt709/bt709/full vs REF bt2020/smpte2084" in r.stderr,
              f"check --target between two clips: only INPUT is converted "
              f"({r.returncode}: {r.stderr.strip()})")
        r = run(uhdpipe, "check", ref, "--ref", ref, "--target", "sdr:100")
        check(r.returncode == 3 and "converts clips" in r.stderr,
              f"check --target with a PNG INPUT: exit 3, not compared unconverted "
              f"({r.returncode}: {r.stderr.strip()})")
        # A suite entry's "target" overrides the command line's.
        suite = os.path.join(work, "suite.json")
        with open(suite, "w", encoding="utf-8") as f:
            json.dump({"entries": [
                {"name": "converted", "input": os.path.abspath(pq), "ref": ref,
                 "size": "480x270", "frames": 1, "exact": True},
                {"name": "as-is", "input": os.path.abspath(pq), "ref": os.path.abspath(pq),
                 "size": "480x270", "frames": 1, "target": "source", "exact": True}]}, f)
        r = run(uhdpipe, "check", "--suite", suite, "--target", "sdr:100")
        check(r.returncode == 0, f"suite: --target for one entry, \"target\": \"source\" "
                                 f"for the other: exit 0 ({r.returncode}: {r.stderr.strip()})")
        still = os.path.join(work, "sdr", "frame-000000.png")
        r = run(uhdpipe, "play", still, "-o", "null", "--target", "sdr")
        check(r.returncode == 3 and "converts clips" in r.stderr,
              f"PNG input: exit 3 (got {r.returncode}: {r.stderr.strip()})")
        for bad in (["--target", "sdr:0"], ["--target", "hdr"], ["--target", "pq:99999"],
                    ["--target-primaries", "p3"], ["--tonemap-source", "peak"],
                    ["--target", "pq", "--target-primaries", "bt2020"],
                    ["--tonemap-source", "maxcll"]):
            r = run(uhdpipe, "play", pq, "-o", "null", *bad)
            check(r.returncode == 2 and bad[0] in r.stderr,
                  f"{' '.join(bad)}: exit 2 naming the option (got {r.returncode})")
        r = run(uhdpipe, "refs", pq, os.path.join(work, "refs"), "--target", "sdr")
        check(r.returncode == 2 and "--target" in r.stderr, f"refs --target: exit 2 ({r.returncode})")
    print(f"e2e_tonemap: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
