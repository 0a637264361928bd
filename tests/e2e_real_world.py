#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End to end: the container and metadata layer on clips shaped like real ones
(tests/gen_real_world.py makes them; ffprobe and ffmpeg say what they are).

For each clip:
  - `info --json` counts what the decoder outputs (ffprobe -count_frames),
    says how, and reports the display matrix, Dolby Vision configuration and
    timestamps as the peers see them;
  - `refs` then `check --exact` of the clip against itself passes, comparing
    every decoded frame;
  - the warnings a user must see are printed (malformed HDR metadata, unset
    colour tags, a picture meant to be turned);
  - malformed HDR static metadata reaches info, the play report and the PNG
    chunks as the same repaired values (BT.2020 / D65 / 1000 cd/m2 written
    from the standards' numbers here, not from uhdpipe);
  - --rotate auto turns the picture exactly as ffmpeg's autorotation does
    (which of the eight turns ffmpeg applies is measured by the generator);
  - a Dolby Vision base layer that is no picture is refused for colour outputs
    (exit 4) and still decodes to null.

usage: e2e_real_world.py UHDPIPE WORK_DIR
"""
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_real_world as gen  # noqa: E402

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


def uhdpipe(*args):
    return subprocess.run([UHDPIPE, *map(str, args)], capture_output=True, text=True)


def info(clip):
    run = uhdpipe("info", clip, "--json")
    check(run.returncode == 0, "%s: info exit %d: %s" % (clip.name, run.returncode, run.stderr))
    return (json.loads(run.stdout) if run.returncode == 0 else {}), run.stderr


def decoded_count(fact):
    """ffprobe's decoded count; ffprobe 5.1 cannot decode the dav1 sample entry at all,
    and there its packet count (AV1 temporal units, one frame each) stands in."""
    probe = fact["ffprobe"]
    return probe["nb_read_frames"] if probe["nb_read_frames"] is not None else \
        probe["nb_read_packets"]


def check_counts(clips, facts):
    """info's count equals ffprobe's decoded count, and says it is exact."""
    for name in clips:
        got, _ = info(clips[name])
        want = decoded_count(facts[name])
        check(got.get("frame_count") == want,
              "%s: info counts %s frames, ffprobe decodes %d (packets %d)" %
              (name, got.get("frame_count"), want, facts[name]["ffprobe"]["nb_read_packets"]))
        check(got.get("frame_count_exact") is True, "%s: count not exact: %s" %
              (name, got.get("frame_count_note")))
        method = "shown-frames" if name.startswith("vp9") else "packets"
        check(got.get("frame_count_method") == method,
              "%s: method %s, want %s" % (name, got.get("frame_count_method"), method))


def refs_then_check(clip, work, *extra):
    """refs then check --exact of a clip against itself; the frames compared."""
    refs = work / ("refs-" + clip.stem + "-".join(map(str, extra)))
    # -y: the work folder stays between runs (uhdpipe refuses a folder that holds files).
    run = uhdpipe("refs", clip, "-o", refs, "-y", *extra)
    check(run.returncode == 0, "%s: refs exit %d: %s" % (clip.name, run.returncode,
                                                         run.stderr[-400:]))
    report = work / ("check-" + clip.stem + ".json")
    run = uhdpipe("check", clip, "--ref", refs, "--exact", "--report", report, *extra)
    check(run.returncode == 0, "%s: check exit %d: %s%s" % (clip.name, run.returncode,
                                                            run.stdout, run.stderr[-400:]))
    if run.returncode != 0:
        return -1, refs
    return json.loads(report.read_text())["totals"]["frames"], refs


def check_self_comparisons(clips, facts, work):
    for name in clips:
        compared, refs = refs_then_check(clips[name], work)
        want = decoded_count(facts[name])
        check(compared == want, "%s: check compared %d frames, ffprobe decodes %d" %
              (name, compared, want))
        frames = json.loads((refs / "refs.json").read_text())["frames"]
        check(len(frames) == want, "%s: refs recorded %d frames" % (name, len(frames)))


def check_timestamps(clip, work):
    """A raw stream's frames are timed from its frame rate (the demuxer's, as ffprobe
    reports it), the same in the play report and refs.json."""
    rate = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                           "stream=r_frame_rate", "-of", "csv=p=0", clip],
                          capture_output=True, text=True, check=True).stdout.strip()
    num, den = map(int, rate.split("/"))
    fps = num / den
    got, _ = info(clip)
    check(got.get("timestamps_derived") is True, "%s: timestamps not derived" % clip.name)
    count = got.get("frame_count", 0)
    check(abs(got.get("duration_s", 0) - count / fps) < 1e-9,
          "%s: duration %s, want %d/%g" % (clip.name, got.get("duration_s"), count, fps))
    report = work / (clip.stem + "-play.json")
    run = uhdpipe("play", clip, "-o", "null", "--report", report, "-q")
    check(run.returncode == 0, "%s: play exit %d" % (clip.name, run.returncode))
    frames = json.loads(report.read_text())["frames"]
    times = [f["time_s"] for f in frames]
    check(len(frames) == count and all(abs(t - i / fps) < 1e-6 for i, t in enumerate(times)),
          "%s: frame times %s, want i/%g" % (clip.name, times, fps))
    refs = json.loads((work / ("refs-" + clip.stem) / "refs.json").read_text())["frames"]
    check([f["pts"] for f in refs] == [f["pts"] for f in frames],
          "%s: refs.json pts differ from play's" % clip.name)


# ---- HDR static metadata: one policy on every path -----------------------------

BT2020 = [[0.708, 0.292], [0.170, 0.797], [0.131, 0.046]]  # ITU-R BT.2020 table 3
D65 = [0.3127, 0.3290]


def png_chunks(path):
    data, pos, chunks = path.read_bytes(), 8, {}
    while pos < len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunks[kind.decode("latin-1")] = data[pos + 8:pos + 8 + size]
        pos += 12 + size
    return chunks


def mdcv_of(md):
    """The PNG mDCV payload for natural values (PNG 3rd edition: 0.00002 and 0.0001 units)."""
    xy = [v for p in [md["red"], md["green"], md["blue"], md["white_point"]] for v in p]
    return struct.pack(">8H2I", *[round(v / 0.00002) for v in xy],
                       round(md["max_luminance"] / 0.0001), round(md["min_luminance"] / 0.0001))


def check_repaired_metadata(clips, work):
    got, warned = info(clips["badmd.mkv"])
    md = got["colour"]["mastering_display"]
    want = {"red": BT2020[0], "green": BT2020[1], "blue": BT2020[2], "white_point": D65,
            "max_luminance": 1000.0, "min_luminance": 0.0001}
    check(md == want, "badmd.mkv: info mastering display %s, want the defaults %s" % (md, want))
    check("not in R,G,B order" in warned and "max 0.1 cd/m2" in warned,
          "badmd.mkv: warning does not say what was wrong: %r" % warned)
    check("not in R,G,B order" in got.get("hdr_metadata_repaired", ""),
          "badmd.mkv: info --json does not say what was repaired")
    out, report = work / "badmd-png", work / "badmd-play.json"
    run = uhdpipe("play", clips["badmd.mkv"], "-o", "png:%s" % out, "-y", "--report", report,
                  "-q")
    check(run.returncode == 0, "badmd.mkv: play exit %d: %s" % (run.returncode, run.stderr))
    check("malformed HDR static metadata" in run.stderr, "badmd.mkv: play does not warn")
    chunks = png_chunks(out / "frame-000000.png")
    check(chunks.get("mDCV") == mdcv_of(want),
          "badmd.mkv: PNG mDCV %s, want %s" % (chunks.get("mDCV", b"").hex(),
                                              mdcv_of(want).hex()))
    played = json.loads(report.read_text())["input"]["colour"]["mastering_display"]
    check(played == want, "badmd.mkv: play report mastering display %s" % played)
    got, warned = info(clips["badcll.mkv"])
    check(got["colour"]["content_light"] == {"max_cll": 0, "max_fall": 0},
          "badcll.mkv: content light %s, want 0/0 (unknown)" % got["colour"]["content_light"])
    check("MaxFALL 1000 is above MaxCLL 400" in warned, "badcll.mkv: warning %r" % warned)


def check_assumed_tags(clips):
    got, warned = info(clips["vp9_untagged.webm"])
    colour = got["colour"]
    check((colour["primaries"], colour["transfer"], colour["matrix"]) ==
          ("bt2020", "bt709", "bt2020nc"),
          "vp9_untagged.webm: assumed %s" % [colour[k] for k in ("primaries", "transfer")])
    check("assuming primaries bt2020, transfer bt709" in warned,
          "vp9_untagged.webm: warning %r" % warned)


# ---- Display matrices ------------------------------------------------------------

def rgb_of(png, work):
    raw = work / (png.parent.name + "-" + png.stem + ".rgb")
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", png,
                    "-f", "rawvideo", "-pix_fmt", "rgb24", raw], check=True)
    return raw.read_bytes()


def check_rotations(clips, facts, work):
    for name in ["rot90.mp4", "rot180.mp4", "rot270.mp4", "hflip.mp4", "vflip.mp4",
                 "transpose.mp4"]:
        clip, turn = clips[name], facts[name]["ffmpeg_autorotate_equals"][0]
        plain, turned = work / (clip.stem + "-plain"), work / (clip.stem + "-turned")
        run = uhdpipe("play", clip, "-o", "png:%s" % plain, "-y", "--frames", 2, "-q")
        check(run.returncode == 0 and "meant to be shown turned" in run.stderr,
              "%s: no warning that the picture keeps its coded orientation: %r" %
              (name, run.stderr))
        run = uhdpipe("play", clip, "-o", "png:%s" % turned, "-y", "--frames", 2, "--rotate",
                      "auto", "-q")
        check(run.returncode == 0, "%s: play --rotate auto exit %d: %s" %
              (name, run.returncode, run.stderr))
        if run.returncode:
            continue
        for frame in ("frame-000000.png", "frame-000001.png"):
            coded = gen.grid(rgb_of(plain / frame, work), 320)
            want = b"".join(b"".join(r) for r in gen.TURNS[turn](coded))
            check(rgb_of(turned / frame, work) == want,
                  "%s %s: --rotate auto is not ffmpeg's turn (%s)" % (name, frame, turn))
    compared, _ = refs_then_check(clips["rot90.mp4"], work, "--rotate", "auto")
    check(compared == 4, "rot90.mp4 --rotate auto: check compared %d frames" % compared)


# ---- Dolby Vision ------------------------------------------------------------

def check_dolby_vision(clips, facts, work):
    for name, displayable in [("dav1.mp4", False), ("dav1_compat.mp4", True),
                              ("av01_dvvc.mp4", True)]:
        got, _ = info(clips[name])
        dv = facts[name]["ffprobe"]["side_data_list"][0]
        want = {"profile": dv["dv_profile"], "level": dv["dv_level"],
                "rpu": bool(dv["rpu_present_flag"]), "el": bool(dv["el_present_flag"]),
                "bl": bool(dv["bl_present_flag"]),
                "bl_compatibility_id": dv["dv_bl_signal_compatibility_id"]}
        check(got.get("dolby_vision_config") == want,
              "%s: Dolby Vision %s, ffprobe %s" % (name, got.get("dolby_vision_config"), want))
        check(got.get("displayable") is displayable, "%s: displayable %s" %
              (name, got.get("displayable")))
        check(got.get("codec") == "av1" and got.get("frame_count") == 4,
              "%s: codec %s, %s frames" % (name, got.get("codec"), got.get("frame_count")))
    clip = clips["dav1.mp4"]
    run = uhdpipe("play", clip, "-o", "png:%s" % (work / "dav1-png"), "-y", "-q")
    check(run.returncode == 4 and "not a picture without a Dolby Vision decoder" in run.stderr,
          "dav1.mp4: play -o png exit %d: %s" % (run.returncode, run.stderr))
    run = uhdpipe("check", clip, "--ref", clip)
    check(run.returncode == 4, "dav1.mp4: check exit %d" % run.returncode)
    run = uhdpipe("play", clip, "-o", "null", "-q")
    check(run.returncode == 0 and "decoding and timing only" in run.stderr,
          "dav1.mp4: play -o null exit %d: %s" % (run.returncode, run.stderr))


def check_count_mismatch_message(clips):
    """A count mismatch is said as such, not as '0 of 0 frames fail'."""
    run = uhdpipe("check", clips["vp9_superframes.webm"], "--ref", clips["raw.hevc"])
    check(run.returncode == 1 and run.stdout.startswith("FAILED: frame count differs") and
          "0 of 0" not in run.stdout, "count mismatch summary: %r" % run.stdout)


def main():
    global UHDPIPE
    UHDPIPE, work = sys.argv[1], Path(sys.argv[2])
    clip_dir = work / "clips"
    subprocess.run([sys.executable, str(Path(gen.__file__)), str(clip_dir)], check=True)
    facts = json.loads((clip_dir / "facts.json").read_text())["clips"]
    clips = {name: clip_dir / name for name in facts}
    decodable = ["vp9_hidden.ivf", "vp9_superframes.webm", "editlist.mp4", "raw.hevc",
                 "raw.h264", "badmd.mkv", "badcll.mkv", "vp9_untagged.webm", "rot90.mp4",
                 "hflip.mp4", "av01_dvvc.mp4", "dav1_compat.mp4"]
    check_counts({n: clips[n] for n in decodable}, facts)
    check_self_comparisons({n: clips[n] for n in decodable}, facts, work)
    check_timestamps(clips["raw.hevc"], work)
    check_repaired_metadata(clips, work)
    check_assumed_tags(clips)
    check_rotations(clips, facts, work)
    check_dolby_vision(clips, facts, work)
    check_count_mismatch_message(clips)
    print("real-world clips: %s" % ("%d check(s) failed" % len(FAILURES) if FAILURES
                                    else "every check passed"))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
