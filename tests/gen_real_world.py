#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Makes small clips that mimic real-world files which break naive tools, and
OUTDIR/facts.json: for each clip what the script put in ("intended") and what an
independent peer, ffprobe/ffmpeg 5.1, says about it ("ffprobe", "ffmpeg_decoded").

    gen_real_world.py OUTDIR

Clips (320x240 or 320x176, a few frames, a few seconds in all):

  vp9_hidden.ivf       VP9 from a two-pass libvpx-vp9 encode with alt-ref frames
                       (auto-alt-ref, lag-in-frames): the superframes are split by
                       this script and written as IVF (32-byte header, 12-byte frame
                       headers), so every hidden (not shown) frame is a packet of its
                       own with the pts of the frame it precedes: packets > frames.
                       ffmpeg's own ivf/webm/mp4/mkv muxers re-join them (they insert
                       vp9_superframe), hence the hand-written IVF.
  vp9_superframes.webm The same packets muxed normally: superframes, packets == frames.
  editlist.mp4         H.264 with B-frames stream-copied with -ss before -i: an edit
                       list, packets before the cut flagged discard ('D'), decoded
                       frames < packets.
  nokeystart.mp4       H.264 stream-copied with -copyinkf from a non-key frame: the
                       file starts with P/B packets the decoder drops (no edit list, no
                       discard flags), decoded frames < packets.
  rot90/180/270.mp4    ffmpeg 5.1 stream copy with -metadata:s:v:0 rotate=N.
  hflip/vflip/transpose.mp4
                       The tkhd matrix rewritten in place (9 big-endian int32:
                       a b u / c d v / tx ty w, 16.16 except u v w in 2.30).
                       facts.json records each matrix, ffprobe's rotation, and what
                       ffmpeg 5.1's autorotation turns the coded picture into
                       (compared with the unrotated decode turned like numpy's rot90,
                       flipud, fliplr, transpose, in plain Python); "conventions" holds
                       the answer for rotate=90: with ffmpeg 5.1 the matrix written is
                       0 -1 0 / 1 0 0 / 0 0 1, ffprobe's rotation is 90 and ffmpeg turns
                       the coded picture counterclockwise (np.rot90 k=1). Phones' portrait
                       files carry the rot270.mp4 matrix (rotation -90, turned clockwise).
  dav1.mp4             AV1 (libsvtav1, 8-bit 4:2:0) with the sample entry 'av01'
                       renamed 'dav1' and a dvvC box (Dolby Vision profile 10, level 1,
                       RPU+BL, compatibility id 0) added after av1C; enclosing box
                       sizes fixed.
  dav1_compat.mp4      The same with compatibility id 1 (HDR10) and moov before mdat
                       (+faststart), so the stco chunk offsets are shifted too.
  av01_dvvc.mp4        The form Dolby specifies for a compatible base layer: 'av01'
                       kept, dvvC profile 10 compatibility 1, 10-bit PQ BT.2020 AV1,
                       +faststart; decodable, so it also proves the offset fix.
  raw.hevc, raw.h264   Annex B elementary streams (no container, no timestamps).
  badmd.mkv            x265 Main10 PQ BT.2020 whose mastering-display SEI has the
                       primaries in the wrong roles (decoded red has the smallest x,
                       not the largest), max luminance 0.1 cd/m2, MaxCLL 1000 MaxFALL 400.
  badcll.mkv           The same with a valid mastering display and MaxFALL > MaxCLL.
  vp9_untagged.webm    VP9 profile 2 (10-bit) with colorspace bt2020nc but no
                       primaries or transfer.

facts.json: {"peer": ffprobe's version line, "conventions": {...}, "clips": {name:
{"intended": ..., "ffprobe": {codec_name (null: no codec), codec_tag_string,
nb_read_frames, nb_read_packets, colour tags, side_data_list (stream),
first_frame_side_data, frames_with_side_data, ...}, "ffmpeg_decoded": {rc, frames,
messages}, and per clip kind edit_list, ffprobe_rotation, ffmpeg_autorotate_equals}}}.

Each clip is checked for the property it exists for; any failure, or a missing
tool, exits non-zero with a message (and no facts.json), so tests built on these
never pass vacuously. Deterministic: fixed sources, single-threaded encoders,
+bitexact muxing; the steps run side by side (about 16 CPU seconds in all).
"""
import json
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

FFMPEG = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
MUX = ["-fflags", "+bitexact"]
ENC = ["-flags", "+bitexact", "-threads", "1"]
SRC = "testsrc2=size=%s:rate=25"
MD_VALID = "G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1)"
# Red and green swapped: the SEI's red primary is the real green, and so on.
MD_WRONG = "G(34000,16000)B(7500,3000)R(13250,34500)WP(15635,16450)L(1000,1)"
X265 = "log-level=error:pools=1:frame-threads=1"
ONE, W_ONE = 1 << 16, 1 << 30


class GenError(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise GenError(msg)


def run(cmd, check=True):
    p = subprocess.run(cmd, capture_output=True)
    if check and p.returncode != 0:
        raise GenError("command failed (%d): %s\n%s" % (
            p.returncode, " ".join(cmd), p.stderr.decode(errors="replace")[-2000:]))
    return p


def ffmpeg(*args):
    run(FFMPEG + [str(a) for a in args])


def lavfi(size, frames, extra=""):
    return ["-f", "lavfi", "-i", SRC % size + extra, "-frames:v", str(frames)]


# ---------------------------------------------------------------- peers

def probe(path):
    """ffprobe's view of the first video stream (counting frames and packets) and
    its first frame's side data; and, apart, every packet's flags and MD5."""
    cmd = ["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
           "-count_packets", "-show_streams", "-show_packets", "-show_frames",
           "-show_data_hash", "MD5", "-of", "json", str(path)]
    p = run(cmd, check=False)
    out = {"rc": p.returncode, "messages": messages(p.stderr)}
    doc = json.loads(p.stdout or b"{}")
    if doc.get("streams"):
        s = doc["streams"][0]
        out["codec_name"] = s.get("codec_name")  # absent when ffmpeg knows no codec
        for k in ("codec_type", "codec_tag_string", "profile", "pix_fmt", "width", "height",
                  "color_range", "color_space", "color_transfer", "color_primaries",
                  "nb_frames", "start_time", "side_data_list", "tags"):
            if k in s:
                out[k] = s[k]
        for k in ("nb_read_frames", "nb_read_packets"):
            out[k] = int(s[k]) if str(s.get(k, "")).isdigit() else s.get(k)
    both = doc.get("packets_and_frames", [])
    frames = [x for x in both if x.get("type") == "frame"]
    out["first_frame_side_data"] = frames[0].get("side_data_list", []) if frames else None
    types = [sd["side_data_type"] for x in frames for sd in x.get("side_data_list", [])]
    out["frames_with_side_data"] = {t: types.count(t) for t in sorted(set(types))}
    return out, [(x.get("flags"), x.get("data_hash")) for x in both if x.get("type") == "packet"]


def peers(path):
    """ffprobe's and ffmpeg's view of a clip; and the packets (flags, MD5)."""
    pr, pkts = probe(path)
    return {"ffprobe": pr, "ffmpeg_decoded": decoded_frames(path)}, pkts


def side_data(items, kind):
    return next((s for s in items or [] if s.get("side_data_type") == kind), None)


def pmap(fn, items):
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(fn, items))


def messages(stderr):
    """ffmpeg's distinct messages, without the addresses that change every run."""
    lines = re.sub(r" @ 0x[0-9a-f]+\]", "]", stderr.decode(errors="replace")).split("\n")
    return sorted({l.strip() for l in lines if l.strip() and "Last message repeated" not in l})


def decoded_frames(path):
    """What `ffmpeg -i clip -f null -` decodes (every frame passed through)."""
    p = run(FFMPEG + ["-i", str(path), "-map", "0:v:0", "-fps_mode", "passthrough",
            "-f", "null", "-nostats", "-progress", "pipe:1", "-"], check=False)
    counts = [int(l[6:]) for l in p.stdout.decode().split("\n") if l.startswith("frame=")]
    return {"rc": p.returncode, "frames": counts[-1] if counts else None,
            "messages": messages(p.stderr)}


def counts_ok(f, name):
    pr = f["ffprobe"]
    need(isinstance(pr.get("nb_read_frames"), int) and isinstance(pr.get("nb_read_packets"), int),
         "%s: ffprobe could not count frames/packets: %s" % (name, pr.get("messages")))
    need(f["ffmpeg_decoded"]["frames"] == pr["nb_read_frames"],
         "%s: ffmpeg decoded %s frames, ffprobe counted %s" % (
             name, f["ffmpeg_decoded"]["frames"], pr["nb_read_frames"]))
    return pr["nb_read_packets"], pr["nb_read_frames"]


# ---------------------------------------------------------------- VP9 and IVF

def ivf_read(data):
    need(data[:4] == b"DKIF", "not an IVF file")
    pos, pkts = struct.unpack_from("<H", data, 6)[0], []
    while pos + 12 <= len(data):
        size, pts = struct.unpack_from("<IQ", data, pos)
        pkts.append((data[pos + 12:pos + 12 + size], pts))
        pos += 12 + size
    return bytes(data[:32]), pkts


def ivf_write(path, header, pkts):
    header = bytearray(header)
    struct.pack_into("<I", header, 24, len(pkts))
    with open(path, "wb") as f:
        f.write(header)
        for data, pts in pkts:
            f.write(struct.pack("<IQ", len(data), pts) + data)


def superframe_split(pkt):
    """The frames of a VP9 superframe (index at the end: marker 0b110mmfff), or [pkt]."""
    m = pkt[-1]
    if m & 0xE0 != 0xC0:
        return [pkt]
    nbytes, nframes = ((m >> 3) & 3) + 1, (m & 7) + 1
    isz = 2 + nbytes * nframes
    need(len(pkt) >= isz and pkt[-isz] == m, "corrupt VP9 superframe index")
    frames, pos = [], 0
    for i in range(nframes):
        size = int.from_bytes(pkt[len(pkt) - isz + 1 + i * nbytes:][:nbytes], "little")
        frames.append(pkt[pos:pos + size])
        pos += size
    return frames


def make_vp9(out, tmp, facts):
    enc = tmp / "vp9.ivf"
    vp9 = ["-c:v", "libvpx-vp9", "-auto-alt-ref", "1", "-lag-in-frames", "16", "-b:v",
           "200k", "-g", "24", "-deadline", "good", "-cpu-used", "4", "-row-mt", "0"]
    log = str(tmp / "vp9pass")
    ffmpeg(*lavfi("320x240", 24), *vp9, *ENC, "-pass", 1, "-passlogfile", log, "-f", "null", "-")
    ffmpeg(*lavfi("320x240", 24), *vp9, *ENC, "-pass", 2, "-passlogfile", log, *MUX, enc)
    header, pkts = ivf_read(enc.read_bytes())
    split = [(f, pts) for data, pts in pkts for f in superframe_split(data)]
    nsuper = sum(len(superframe_split(d)) > 1 for d, _ in pkts)
    need(nsuper > 0, "vp9: libvpx made no alt-ref superframes (no hidden frames)")
    ivf_write(out / "vp9_hidden.ivf", header, split)
    ffmpeg("-i", enc, "-c", "copy", *MUX, out / "vp9_superframes.webm")
    intended = {"frames_shown": len(pkts), "superframes": nsuper,
                "packets_after_split": len(split), "hidden_frames": len(split) - len(pkts)}
    for name in ("vp9_hidden.ivf", "vp9_superframes.webm"):
        f = facts[name] = dict(intended=intended, **peers(out / name)[0])
        packets, frames = counts_ok(f, name)
        need(frames == len(pkts), "%s: %d frames decode, %d shown" % (name, frames, len(pkts)))
        if name == "vp9_hidden.ivf":
            need(packets == len(split) > frames, "%s: packets %d, frames %d: hidden frames "
                 "are not separate packets" % (name, packets, frames))
        else:
            need(packets == frames, "%s: packets %d != frames %d" % (name, packets, frames))


# ---------------------------------------------------------------- H.264 cuts

def make_h264_cuts(out, tmp, facts):
    src = tmp / "h264_b.mp4"
    ffmpeg(*lavfi("320x176", 48), "-c:v", "libx264", "-preset", "veryfast", "-bf", 3,
           "-x264-params", "keyint=24:min-keyint=24:scenecut=0", "-pix_fmt", "yuv420p",
           *ENC, *MUX, src)
    ffmpeg("-ss", "0.5", "-i", src, "-c", "copy", *MUX, out / "editlist.mp4")
    ffmpeg("-i", src, "-ss", "0.2", "-c", "copy", "-copyinkf", *MUX, out / "nokeystart.mp4")
    for name, note in (("editlist.mp4", "-ss 0.5 before -i, -c copy; IDR every 24, 3 B-frames"),
                       ("nokeystart.mp4", "-ss 0.2 after -i, -c copy -copyinkf; IDR at 24")):
        seen, pkts = peers(out / name)
        f = facts[name] = dict(intended={"source_frames": 48, "made_with": note}, **seen)
        packets, frames = counts_ok(f, name)
        flags = [flag for flag, _ in pkts]
        f["ffprobe"]["packets_flagged_discard"] = sum("D" in x for x in flags)
        f["ffprobe"]["first_packet_flags"] = flags[0]
        need(frames < packets, "%s: %d frames decode from %d packets" % (name, frames, packets))
        f["edit_list"] = edit_list(out / name)
        if name == "editlist.mp4":
            need(f["ffprobe"]["packets_flagged_discard"] > 0, "editlist.mp4: no discard packets")
            need(f["edit_list"] and f["edit_list"]["entries"][-1]["media_time"] > 0,
                 "editlist.mp4: no edit list skipping media")
        else:
            need("K" not in flags[0], "nokeystart.mp4: starts with a key frame")


# ---------------------------------------------------------------- MP4 boxes

def boxes(data, start, end):
    """(type, offset, size, header length) of each box in data[start:end]."""
    pos = start
    while pos + 8 <= end:
        size, typ = struct.unpack_from(">I4s", data, pos)
        hdr = 8
        if size == 1:
            size, hdr = struct.unpack_from(">Q", data, pos + 8)[0], 16
        elif size == 0:
            size = end - pos
        need(size >= hdr and pos + size <= end, "bad MP4 box at %d" % pos)
        yield typ, pos, size, hdr
        pos += size


# Where children start, past the header, for boxes that hold boxes.
CHILDREN_AT = {b"moov": 0, b"trak": 0, b"mdia": 0, b"minf": 0, b"stbl": 0,
               b"stsd": 8, b"av01": 78, b"dav1": 78}


def box_chain(data, path):
    """The boxes along path (types from the top level down), first match each."""
    chain, start, end = [], 0, len(data)
    for typ in path:
        hit = next((b for b in boxes(data, start, end) if b[0] == typ), None)
        need(hit is not None, "MP4 has no %s under %s" % (typ, [c[0] for c in chain]))
        chain.append(hit)
        start, end = hit[1] + hit[3] + CHILDREN_AT.get(typ, 0), hit[1] + hit[2]
    return chain


def edit_list(path):
    """The video track's elst entries (segment durations in the movie timescale,
    media times in the media timescale), or None without an edit list."""
    data = path.read_bytes()
    _, toff, tsize, thdr = box_chain(data, [b"moov", b"trak"])[-1]
    edts = [b for b in boxes(data, toff + thdr, toff + tsize) if b[0] == b"edts"]
    if not edts:
        return None
    _, eoff, esize, ehdr = edts[0]
    _, off, _, hdr = next(b for b in boxes(data, eoff + ehdr, eoff + esize) if b[0] == b"elst")
    version, n = data[off + hdr], struct.unpack_from(">I", data, off + hdr + 4)[0]
    fmt = ">QqhH" if version == 1 else ">IihH"
    entries = [dict(zip(("segment_duration", "media_time", "rate", "rate_fraction"),
                        struct.unpack_from(fmt, data, off + hdr + 8 + i * struct.calcsize(fmt))))
               for i in range(n)]
    return {"entries": entries, "movie_timescale": timescale(data, [b"moov", b"mvhd"]),
            "media_timescale": timescale(data, [b"moov", b"trak", b"mdia", b"mdhd"])}


def timescale(data, path):
    """mvhd's or mdhd's timescale (after version/flags and two times of 4 or 8 bytes)."""
    _, off, _, hdr = box_chain(data, path)[-1]
    return struct.unpack_from(">I", data, off + hdr + (20 if data[off + hdr] == 1 else 12))[0]


TKHD_PATH = [b"moov", b"trak", b"tkhd"]


def tkhd_matrix_offset(data):
    _, off, _, hdr = box_chain(data, TKHD_PATH)[-1]
    version = data[off + hdr]
    # version/flags, times, track id, reserved, duration, reserved(8), layer,
    # alternate group, volume, reserved(2)
    return off + hdr + 4 + (32 if version == 1 else 20) + 8 + 8


def read_matrix(path):
    data = path.read_bytes()
    return list(struct.unpack_from(">9i", data, tkhd_matrix_offset(data)))


def write_matrix(src, dst, matrix):
    data = bytearray(src.read_bytes())
    struct.pack_into(">9i", data, tkhd_matrix_offset(data), *matrix)
    dst.write_bytes(data)


# ---------------------------------------------------------------- display matrices

def grid(raw, width):
    """Rows of 3-byte pixels."""
    px = [raw[i:i + 3] for i in range(0, len(raw), 3)]
    return [px[i:i + width] for i in range(0, len(px), width)]


def _t(g):
    return [list(c) for c in zip(*g)]


# Pictures turned the way numpy would turn an array a[row][col].
TURNS = {
    "identity": lambda g: g,
    "rot90_ccw (np.rot90 k=1)": lambda g: _t(g)[::-1],
    "rot90_cw (np.rot90 k=-1)": lambda g: [r[::-1] for r in _t(g)],
    "rot180 (np.rot90 k=2)": lambda g: [r[::-1] for r in g[::-1]],
    "hflip (np.fliplr)": lambda g: [r[::-1] for r in g],
    "vflip (np.flipud)": lambda g: g[::-1],
    "transpose (a.T)": _t,
    "antitranspose": lambda g: [r[::-1] for r in _t(g)[::-1]],
}


def decode_rgb(path, tmp):
    """The first picture as rgb24, autorotated by ffmpeg and not (one run)."""
    turned, plain = tmp / (path.stem + ".turned.rgb"), tmp / (path.stem + ".plain.rgb")
    one = ["-frames:v", "1", "-pix_fmt", "rgb24", "-f", "rawvideo"]
    ffmpeg("-i", path, "-noautorotate", "-i", path, "-map", "0:v:0", *one, turned,
           "-map", "1:v:0", *one, plain)
    return turned.read_bytes(), plain.read_bytes()


def autorotate_result(path, width, tmp):
    """Names of the turns of the plain decode that equal ffmpeg's autorotated one."""
    turned, plain = decode_rgb(path, tmp)
    flat = lambda g: b"".join(b"".join(r) for r in g)
    return [n for n, f in TURNS.items() if flat(f(grid(plain, width))) == turned]


MIRRORS = {  # a b u / c d v / tx ty w for a 320x176 picture
    "hflip.mp4": [-ONE, 0, 0, 0, ONE, 0, 320 * ONE, 0, W_ONE],
    "vflip.mp4": [ONE, 0, 0, 0, -ONE, 0, 0, 176 * ONE, W_ONE],
    "transpose.mp4": [0, ONE, 0, ONE, 0, 0, 0, 0, W_ONE],
}


def rotation_facts(path, tmp):
    seen = peers(path)[0]
    dm = side_data(seen["ffprobe"].get("side_data_list"), "Display Matrix") or {}
    how = ("tkhd matrix rewritten in place" if path.name in MIRRORS
           else "-metadata:s:v:0 rotate=" + path.name[3:-4])
    return dict(intended={"matrix": read_matrix(path), "made_with": how},
                ffprobe_rotation=dm.get("rotation"),
                ffmpeg_autorotate_equals=autorotate_result(path, 320, tmp), **seen)


def make_rotations(out, tmp, facts):
    base = tmp / "base.mp4"
    ffmpeg(*lavfi("320x176", 4), "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt",
           "yuv420p", *ENC, *MUX, base)
    need(read_matrix(base) == [ONE, 0, 0, 0, ONE, 0, 0, 0, W_ONE], "base.mp4: not identity")
    for deg in (90, 180, 270):
        ffmpeg("-i", base, "-c", "copy", "-metadata:s:v:0", "rotate=%d" % deg, *MUX,
               out / ("rot%d.mp4" % deg))
    for name, m in MIRRORS.items():
        write_matrix(base, out / name, m)
    names = ["rot90.mp4", "rot180.mp4", "rot270.mp4"] + list(MIRRORS)
    for name, f in zip(names, pmap(lambda n: rotation_facts(out / n, tmp), names)):
        facts[name] = f
        need(f["ffprobe_rotation"] is not None, "%s: ffprobe sees no display matrix" % name)
        counts_ok(f, name)
        need(len(f["ffmpeg_autorotate_equals"]) == 1, "%s: ffmpeg's autorotated picture is "
             "%s of the plain one" % (name, f["ffmpeg_autorotate_equals"] or "no turn or flip"))
        if name in MIRRORS:  # the peer must see the mirror intended
            need(read_matrix(out / name) == MIRRORS[name], "%s: matrix not written" % name)
            need(f["ffmpeg_autorotate_equals"][0].startswith(name[:-4]),
                 "%s: ffmpeg shows it as %s" % (name, f["ffmpeg_autorotate_equals"]))
    turns = {n: facts["rot%d.mp4" % n]["ffmpeg_autorotate_equals"][0] for n in (90, 180, 270)}
    need(turns[90][:5] == turns[270][:5] == "rot90" and turns[90] != turns[270]
         and turns[180].startswith("rot180"), "ffmpeg autorotates rot90/180/270 as %s" % turns)
    return {"matrix_layout": MATRIX_LAYOUT, "rotate=%d (ffmpeg 5.1 stream copy)" % 90:
            convention(facts["rot90.mp4"]), "rotate=%d (ffmpeg 5.1 stream copy)" % 270:
            convention(facts["rot270.mp4"])}


MATRIX_LAYOUT = ("tkhd: 9 big-endian int32 a b u c d v tx ty w (a b c d tx ty 16.16, u v w "
                 "2.30); a point (x, y) is shown at (a*x + c*y + tx, b*x + d*y + ty)")


def convention(f):
    turn = f["ffmpeg_autorotate_equals"][0]
    return {"matrix": f["intended"]["matrix"], "ffprobe_rotation": f["ffprobe_rotation"],
            "ffmpeg_autorotate_equals": turn, "ffmpeg_autorotate_turns_coded_picture":
            "counterclockwise" if "ccw" in turn else "clockwise"}


# ---------------------------------------------------------------- Dolby Vision

def dvvc_box(dv):
    """DOVIDecoderConfigurationRecord (FFmpeg libavformat/dovi_isom.c): version
    major, minor (8 bits each), profile 7, level 6, rpu, el, bl flags 1 each,
    bl compatibility id 4, then reserved zeros to 24 bytes."""
    bits = (dv["dv_profile"] << 9 | dv["dv_level"] << 3 | dv["rpu_present_flag"] << 2
            | dv["el_present_flag"] << 1 | dv["bl_present_flag"])
    payload = bytes([dv["dv_version_major"], dv["dv_version_minor"]]) + struct.pack(">H", bits)
    payload += bytes([dv["dv_bl_signal_compatibility_id"] << 4]) + bytes(19)
    return struct.pack(">I4s", 8 + len(payload), b"dvvC") + payload


STSD_PATH = [b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsd", b"av01"]


def shift_chunk_offsets(data, delta):
    _, off, size, hdr = box_chain(data, STSD_PATH[:5])[-1]
    for typ, boff, _, bhdr in boxes(data, off + hdr, off + size):
        if typ in (b"stco", b"co64"):
            fmt = ">I" if typ == b"stco" else ">Q"
            n = struct.unpack_from(">I", data, boff + bhdr + 4)[0]
            for i in range(n):
                at = boff + bhdr + 8 + i * struct.calcsize(fmt)
                struct.pack_into(fmt, data, at, struct.unpack_from(fmt, data, at)[0] + delta)


def add_dovi(src, dst, fourcc, dv):
    """Renames the av01 sample entry, inserts dvvC after av1C, grows every
    enclosing box and, when moov precedes mdat, shifts the chunk offsets."""
    data = bytearray(src.read_bytes())
    chain = box_chain(data, STSD_PATH)
    _, eoff, esize, ehdr = chain[-1]
    av1c = [b for b in boxes(data, eoff + ehdr + 78, eoff + esize) if b[0] == b"av1C"]
    need(av1c, "AV1 MP4 without av1C")
    at, box = av1c[0][1] + av1c[0][2], dvvc_box(dv)
    data[at:at] = box
    for _, off, size, hdr in chain:
        need(hdr == 8, "64-bit box size in the sample description path")
        struct.pack_into(">I", data, off, size + len(box))
    data[eoff + 4:eoff + 8] = fourcc
    top = {typ: off for typ, off, _, _ in boxes(data, 0, len(data))}
    if top[b"moov"] < top[b"mdat"]:
        shift_chunk_offsets(data, len(box))
    dst.write_bytes(data)
    return {"sample_entry": fourcc.decode(), "dvvC": dv, "dvvC_box_hex": box.hex(),
            "moov_before_mdat": top[b"moov"] < top[b"mdat"]}


def stream_summary(path):
    """ffprobe's own words: the video stream line, its side data lines, warnings."""
    err = run(["ffprobe", "-hide_banner", str(path)]).stderr.decode(errors="replace")
    lines = [l.strip() for l in re.sub(r" @ 0x[0-9a-f]+\]", "]", err).split("\n")]
    return {"stream": next((l for l in lines if l.startswith("Stream #") and "Video:" in l), None),
            "side_data": [l for l in lines if l.startswith(("DOVI", "displaymatrix"))],
            "warnings": [l for l in lines if l.startswith(("[", "Unsupported"))
                         and not l.startswith("[libdav1d] libdav1d ")]}


def make_av1(path, ten_bit):
    hdr = ["-pix_fmt", "yuv420p10le", "-color_primaries", "bt2020", "-color_trc",
           "smpte2084", "-colorspace", "bt2020nc"] if ten_bit else ["-pix_fmt", "yuv420p"]
    ffmpeg(*lavfi("320x240", 4), *hdr, "-c:v", "libsvtav1", "-preset", "12",
           "-svtav1-params", "lp=1", *ENC, *MUX, "-movflags", "+faststart", path)


def dovi_conf(compat):
    return {"dv_version_major": 1, "dv_version_minor": 0, "dv_profile": 10, "dv_level": 1,
            "rpu_present_flag": 1, "el_present_flag": 0, "bl_present_flag": 1,
            "dv_bl_signal_compatibility_id": compat}


def dovi_facts(job):
    dst, src, fourcc, compat = job
    intended = add_dovi(src, dst, fourcc, dovi_conf(compat))
    seen, pkts = peers(dst)
    seen["ffprobe"]["summary"] = stream_summary(dst)
    return dict(intended=intended, **seen), [h for _, h in pkts] == [h for _, h in probe(src)[1]]


def make_dovi(out, tmp, facts):
    base8, base10 = tmp / "av1_8.mp4", tmp / "av1_10.mp4"
    make_av1(base8, False)
    make_av1(base10, True)
    ffmpeg("-i", base8, "-c", "copy", *MUX, tmp / "av1_8_end.mp4")  # moov after mdat
    jobs = [(out / "dav1.mp4", tmp / "av1_8_end.mp4", b"dav1", 0),
            (out / "dav1_compat.mp4", base8, b"dav1", 1),
            (out / "av01_dvvc.mp4", base10, b"av01", 1)]
    for (dst, _, fourcc, _), (f, same) in zip(jobs, pmap(dovi_facts, jobs)):
        name, intended, pr = dst.name, f["intended"], f["ffprobe"]
        facts[name] = f
        need(pr.get("codec_tag_string") == fourcc.decode(), "%s: ffprobe says codec tag %s: %s"
             % (name, pr.get("codec_tag_string"), pr.get("messages")))
        need(same, "%s: packets differ from the source's (chunk offsets wrong?)" % name)
        sd = side_data(pr.get("side_data_list"), "DOVI configuration record")
        need(sd, "%s: ffprobe sees no Dolby Vision configuration" % name)
        seen = {k: sd.get(k) for k in intended["dvvC"]}
        need(seen == intended["dvvC"], "%s: ffprobe reads dvvC as %s" % (name, seen))
        if fourcc == b"av01":
            need(counts_ok(f, name) == (4, 4), "%s: does not decode 4 frames" % name)


# ---------------------------------------------------------------- raw, HDR SEI, VP9 colour

def make_raw(out, tmp, facts):
    ffmpeg(*lavfi("320x240", 6), "-c:v", "libx265", "-preset", "ultrafast", "-x265-params",
           X265 + ":bframes=2", *ENC, "-f", "hevc", out / "raw.hevc")
    ffmpeg(*lavfi("320x240", 6), "-c:v", "libx264", "-preset", "veryfast", "-bf", 2,
           "-pix_fmt", "yuv420p", *ENC, "-f", "h264", out / "raw.h264")
    for name, codec in (("raw.hevc", "hevc"), ("raw.h264", "h264")):
        f = facts[name] = dict(intended={"frames": 6, "codec": codec, "b_frames": 2},
                               **peers(out / name)[0])
        need(f["ffprobe"].get("codec_name") == codec, "%s: not %s" % (name, codec))
        need(counts_ok(f, name) == (6, 6), "%s: not 6 packets and frames" % name)


def hdr_side_data(frame_sd):
    md = side_data(frame_sd, "Mastering display metadata")
    cll = side_data(frame_sd, "Content light level metadata")
    need(md and cll, "x265 HDR clip: ffprobe shows no mastering display / content light SEI")
    return {k: Fraction(v) for k, v in md.items() if k != "side_data_type"}, cll


def make_hdr(out, tmp, facts):
    for name, md, cll in (("badmd.mkv", MD_WRONG, "1000,400"),
                          ("badcll.mkv", MD_VALID, "400,1000")):
        params = X265 + ":hdr10=1:master-display=%s:max-cll=%s" % (md, cll)
        ffmpeg(*lavfi("320x240", 4), "-pix_fmt", "yuv420p10le", "-c:v", "libx265", "-preset",
               "ultrafast", "-x265-params", params, "-color_primaries", "bt2020", "-color_trc",
               "smpte2084", "-colorspace", "bt2020nc", *ENC, *MUX, out / name)
        f = facts[name] = dict(intended={"x265_master_display": md, "x265_max_cll": cll},
                               **peers(out / name)[0])
        pr = f["ffprobe"]
        counts_ok(f, name)
        m, c = hdr_side_data(pr["first_frame_side_data"])
        if name == "badmd.mkv":
            need(m["red_x"] < m["green_x"] and m["max_luminance"] == Fraction(1, 10),
                 "badmd.mkv: decoded mastering display is not the wrong one: %s" % m)
            need((c["max_content"], c["max_average"]) == (1000, 400), "badmd.mkv: CLL %s" % c)
        else:
            need(m["red_x"] > m["green_x"] > m["blue_x"], "badcll.mkv: mastering display %s" % m)
            need(c["max_average"] > c["max_content"], "badcll.mkv: MaxFALL <= MaxCLL: %s" % c)


def make_vp9_untagged(out, tmp, facts):
    name = "vp9_untagged.webm"
    ffmpeg(*lavfi("320x240", 4), "-pix_fmt", "yuv420p10le", "-c:v", "libvpx-vp9", "-b:v",
           "200k", "-deadline", "realtime", "-cpu-used", "8", "-lag-in-frames", "0",
           "-colorspace", "bt2020nc", *ENC, *MUX, out / name)
    f = facts[name] = dict(intended={"color_space": "bt2020nc", "color_primaries": None,
                                     "color_transfer": None, "pix_fmt": "yuv420p10le"},
                           **peers(out / name)[0])
    pr = f["ffprobe"]
    counts_ok(f, name)
    need(pr.get("pix_fmt") == "yuv420p10le" and pr.get("color_space") == "bt2020nc",
         "%s: %s %s" % (name, pr.get("pix_fmt"), pr.get("color_space")))
    need(pr.get("color_primaries", "unknown") == "unknown" and
         pr.get("color_transfer", "unknown") == "unknown", "%s: primaries/transfer tagged" % name)


# ---------------------------------------------------------------- main

STEPS = [make_vp9, make_h264_cuts, make_rotations, make_dovi, make_raw, make_hdr,
         make_vp9_untagged]
ENCODERS = ("libx264", "libx265", "libvpx-vp9", "libsvtav1")


def check_tools():
    for tool in ("ffmpeg", "ffprobe"):
        need(shutil.which(tool), "%s not found on PATH" % tool)
    encoders = run(["ffmpeg", "-hide_banner", "-encoders"]).stdout.decode()
    for enc in ENCODERS:
        need(" %s " % enc in encoders, "ffmpeg lacks the %s encoder" % enc)
    version = run(["ffprobe", "-version"]).stdout.decode().split("\n")[0]
    if not version.startswith("ffprobe version 5.1"):
        print("gen_real_world: warning: facts are for ffmpeg 5.1, this is: " + version,
              file=sys.stderr)
    return version


def main(argv):
    if len(argv) != 2:
        print("usage: gen_real_world.py OUTDIR", file=sys.stderr)
        return 2
    out, start = Path(argv[1]), time.monotonic()
    try:
        version = check_tools()
        out.mkdir(parents=True, exist_ok=True)
        (out / "facts.json").unlink(missing_ok=True)  # no stale facts after a failure
        facts = {}
        with tempfile.TemporaryDirectory(prefix="gen_real_world.") as tmp, \
                ThreadPoolExecutor(max_workers=len(STEPS)) as pool:
            # Independent steps (own temporary names, own clips, single-threaded
            # encoders): run side by side, the output is the same.
            jobs = [pool.submit(step, out, Path(tmp), facts) for step in STEPS]
            results = [j.result() for j in jobs]
        conventions = results[STEPS.index(make_rotations)]
    except GenError as e:
        print("gen_real_world: FAILED: %s" % e, file=sys.stderr)
        return 1
    doc = {"peer": version, "conventions": conventions, "clips": facts}
    (out / "facts.json").write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    print("gen_real_world: %d clips in %s (%.1f s)" % (len(facts), out, time.monotonic() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
