#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""End to end: `uhdpipe pattern` on the command line, in sequences and through
the control socket, and patterns as references of `uhdpipe check`.

The code values themselves are checked against the standards in
test_patterns.c; here the PNG files are read back independently (their
chunks, sBIT, cICP's range flag, the pixels), sequences must give the frame
counts their durations state, and the control protocol must answer every line
with one JSON object, never die, and keep the last good pattern up."""
import json
import os
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from png_write import write_png  # noqa: E402

UHDPIPE = os.environ["UHDPIPE"]
failures = []


def check(cond, message):
    print(("ok   " if cond else "FAIL ") + message)
    if not cond:
        failures.append(message)


def run(*args, expect=None, timeout=300):
    proc = subprocess.run([UHDPIPE, *args], capture_output=True, text=True, timeout=timeout)
    if expect is not None:
        check(proc.returncode == expect,
              f"uhdpipe {' '.join(args[:3])}... exits {proc.returncode}, expected {expect}"
              + ("" if proc.returncode == expect else f"\n{proc.stdout}{proc.stderr}"))
    return proc


def read_png(path):
    """(chunks {name: payload}, pixels (h, w, 3) as integers) of an RGB PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, chunks, idat = 8, {}, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        payload = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IDAT":
            idat += payload
        else:
            chunks[kind.decode()] = payload
    width, height, bits, colour_type = struct.unpack(">IIBB", chunks["IHDR"][:10])
    assert colour_type == 2, "RGB expected"
    bpp = 3 * bits // 8
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(height, 1 + width * bpp)
    rows = np.zeros((height, width * bpp), np.int32)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        prior = rows[y - 1] if y else np.zeros_like(line)
        if kind == 0:
            rows[y] = line
        elif kind == 2:
            rows[y] = (line + prior) & 0xFF
        else:  # Sub, Average, Paeth: byte by byte
            out = np.zeros_like(line)
            for i in range(len(line)):
                a = out[i - bpp] if i >= bpp else 0
                b, c = prior[i], (prior[i - bpp] if i >= bpp else 0)
                if kind == 1:
                    pred = a
                elif kind == 3:
                    pred = (a + b) // 2
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                out[i] = (line[i] + pred) & 0xFF
            rows[y] = out
    samples = rows.astype(np.uint8).reshape(height, width, 3, bits // 8)
    if bits == 16:
        pixels = samples[..., 0].astype(np.int64) * 256 + samples[..., 1]
    else:
        pixels = samples[..., 0].astype(np.int64)
    return chunks, pixels


def list_and_usage_errors():
    proc = run("pattern", "--list", expect=0)
    names = ["bt2111-bars", "smpte-bars", "pluge", "ramp", "staircase", "window", "field",
             "checkerboard", "grid", "crosshatch", "pixel", "zoneplate", "uniformity"]
    check(all(n in proc.stdout for n in names), "--list names every pattern")
    proc = run("pattern", "nosuch", expect=2)
    check("unknown pattern 'nosuch'" in proc.stderr and "bt2111-bars" in proc.stderr,
          "an unknown pattern lists the known ones")
    check(proc.stderr.count("\n") == 1, "one line for an unknown pattern")
    proc = run("pattern", "window", "percent=250", expect=2)
    check("percent" in proc.stderr and "0.01..100" in proc.stderr,
          "a value out of range names the parameter and its range")
    proc = run("pattern", "window", "size=3", expect=2)
    check("percent=" in proc.stderr, "an unknown parameter lists the pattern's parameters")
    proc = run("pattern", "field", "colour=20000cd", expect=2)
    check("0..10000" in proc.stderr, "a luminance over PQ's peak names the range")
    run("pattern", "bt2111-bars", "--transfer", "sdr", expect=2)
    run("pattern", "smpte-bars", "--transfer", "pq", expect=2)
    run("pattern", "field", "--bits", "9", expect=2)
    run("pattern", "field", "--rate", "0", expect=2)
    run("pattern", "field", "-o", "bogus:x", expect=2)
    run("pattern", expect=2)
    proc = run("pattern", "field", "--size", "foo", expect=2)
    check("--size" in proc.stderr, "a bad --size is named")
    proc = run("pattern", "zoneplate", "low=100%", "high=0%", expect=2)
    check("swap" in proc.stderr, "a zone plate with low above high is refused")
    run("pattern", "window", "percent=5", "percent=6", expect=2)


def png_output(work):
    out = os.path.join(work, "bars")
    run("pattern", "bt2111-bars", "--size", "1920x1080", "--transfer", "hlg", "-o",
        "png:" + out, "--report", os.path.join(work, "bars.json"), expect=0)
    chunks, pixels = read_png(os.path.join(out, "frame-000000.png"))
    check(chunks.get("cICP") == bytes([9, 18, 0, 0]),
          f"cICP says BT.2020, HLG, RGB, narrow range: {chunks.get('cICP')!r}")
    check(chunks.get("sBIT") == bytes([10, 10, 10]), f"sBIT says 10 bits: {chunks.get('sBIT')!r}")
    codes = pixels >> 6
    check(np.array_equal(pixels, (codes << 6) | (codes >> 4)),
          "10-bit codes are left-bit-replicated into 16-bit samples")
    # BT.2111-3 Table 2 (HLG, narrow, 10 bits): 100% white 940 at the top of the
    # first bar, 75% white 721 below it, 40% grey 414 at the left edge.
    check(list(codes[0, 240]) == [940] * 3 and list(codes[200, 240]) == [721] * 3
          and list(codes[0, 0]) == [414] * 3, "HLG bars read back from the PNG")
    report = json.load(open(os.path.join(work, "bars.json")))
    check(report["complete"] and report["frames"] == 1 and len(report["shown"]) == 1
          and report["format"]["transfer"] == "hlg", "the report describes the run")
    # A pattern is a reference: the PNG matches it exactly, a changed pixel fails.
    proc = run("check", os.path.join(out, "frame-000000.png"), "--ref",
               "pattern:bt2111-bars", "--exact", expect=0)
    changed = os.path.join(work, "changed.png")
    img = (codes << 6) | (codes >> 4)
    img[500, 1000] = [0, 0, 0]
    write_png(changed, img, 16, cicp=(9, 18))
    run("check", changed, "--ref", "pattern:bt2111-bars bits=10 range=narrow", "--exact",
        expect=1)
    run("check", changed, "--ref", "pattern:nosuch", expect=3)
    # A descending staircase keeps the boundary rule: 2 steps over 3 pixels
    # split at floor(3 / 2 + 1/2) = 2, as the ascending one does.
    stairs = os.path.join(work, "stairs")
    run("pattern", "staircase", "steps=2", "from=255", "to=0", "--size", "3x1", "--bits", "8",
        "--transfer", "sdr", "--range", "full", "-o", "png:" + stairs, expect=0)
    _, px = read_png(os.path.join(stairs, "frame-000000.png"))
    check(list(px[0, :, 0]) == [255, 255, 0], f"descending staircase: {list(px[0, :, 0])}")
    # uniformity's own size= is a pattern parameter, not the picture size.
    uni = os.path.join(work, "uni")
    run("pattern", "uniformity", "size=3", "--size", "320x180", "--transfer", "sdr", "-o",
        "png:" + uni, expect=0)
    run("check", os.path.join(uni, "frame-000000.png"), "--ref", "pattern:uniformity size=3",
        "--exact", expect=0)
    sdr = os.path.join(work, "sdr")
    run("pattern", "smpte-bars", "--size", "1280x720", "--transfer", "sdr", "-o",
        "png:" + sdr, expect=0)
    chunks, pixels = read_png(os.path.join(sdr, "frame-000000.png"))
    check("sBIT" not in chunks and chunks.get("cICP") == bytes([1, 1, 0, 0]),
          "8-bit SDR PNGs: no sBIT, cICP BT.709 narrow")
    check(list(pixels[0, 0]) == [104] * 3, "RP 219 40% grey is 104 at 8 bits")
    run("check", os.path.join(sdr, "frame-000000.png"), "--ref", "pattern:smpte-bars",
        "--exact", expect=0)


def write_sequence(path, entries, **extra):
    doc = dict(extra, patterns=entries)
    with open(path, "w") as out:
        json.dump(doc, out)


def sequences(work):
    seq = os.path.join(work, "seq.json")
    write_sequence(seq, [
        {"pattern": "field colour=red", "seconds": 0.5},
        {"pattern": "window", "params": {"percent": 25, "level": "50%"}, "frames": 2},
        {"pattern": "ramp", "seconds": 0.25},
    ], rate=8)
    out = os.path.join(work, "seq")
    report_path = os.path.join(work, "seq-report.json")
    run("pattern", "--sequence", seq, "--size", "64x36", "-o", "png:" + out, "--report",
        report_path, expect=0)
    files = sorted(os.listdir(out))
    check(len(files) == 4 + 2 + 2, f"0.5 s + 2 frames + 0.25 s at 8 fps = 8 frames: {len(files)}")
    report = json.load(open(report_path))
    shown = [(s["first_frame"], s["frames"], s["pattern"].split()[0]) for s in report["shown"]]
    check(shown == [(0, 4, "field"), (4, 2, "window"), (6, 2, "ramp")],
          f"each entry from its first frame for its duration: {shown}")
    _, red = read_png(os.path.join(out, files[3]))
    _, window = read_png(os.path.join(out, files[4]))
    red, window = red >> 6, window >> 6
    check(list(red[0, 0]) == [940, 64, 64] and list(window[18, 32]) != list(window[0, 0]),
          "frame 3 is still the red field, frame 4 the window")
    # Deterministic: the same file gives the same frames and checksums.
    again = os.path.join(work, "seq-again.json")
    run("pattern", "--sequence", seq, "--size", "64x36", "-o", "null", "--report", again,
        expect=0)
    check([s["checksum_xxh3"] for s in json.load(open(again))["shown"]]
          == [s["checksum_xxh3"] for s in report["shown"]],
          "a sequence gives the same images on every output")
    # Broken files: syntax errors with line and column, bad entries by number.
    bad = os.path.join(work, "bad.json")
    with open(bad, "w") as f:
        f.write('{"patterns": [\n  {"pattern": "field", "frames": 1},\n  {"pattern" "x"}\n]}\n')
    proc = run("pattern", "--sequence", bad, "--size", "64x36", expect=3)
    check("line 3" in proc.stderr and "column" in proc.stderr,
          f"a syntax error names its line and column: {proc.stderr.strip()}")
    write_sequence(bad, [{"pattern": "field", "frames": 1}, {"pattern": "nosuch", "frames": 1}])
    proc = run("pattern", "--sequence", bad, "--size", "64x36", expect=3)
    check("entry 2" in proc.stderr or "patterns[1]" in proc.stderr,
          f"an unknown pattern names its entry: {proc.stderr.strip()}")
    write_sequence(bad, [{"pattern": "field", "until": "next"}])
    proc = run("pattern", "--sequence", bad, "--size", "64x36", expect=3)
    check("--control" in proc.stderr, "'until next' without --control is refused")
    run("pattern", "--sequence", os.path.join(work, "missing.json"), expect=3)


class Client:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(120)  # the first frame is rendered before the first answer
        self.sock.connect(path)
        self.buffer = b""

    def send(self, data):
        self.sock.sendall(data)

    def reply(self):
        while b"\n" not in self.buffer:
            got = self.sock.recv(65536)
            if not got:
                raise EOFError("the server closed the connection")
            self.buffer += got
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def ask(self, line):
        self.send(line.encode() + b"\n")
        return self.reply()


def wait_for_socket(path, proc):
    for _ in range(600):
        if os.path.exists(path) or proc.poll() is not None:
            return
        time.sleep(0.05)


def wait_status(client, done, timeout=120):
    """Asks for the status until done(status) holds (or the timeout passes): the
    run's own frame count is the clock, not a sleep on a loaded machine."""
    deadline = time.time() + timeout
    status = client.ask("status")
    while not done(status) and time.time() < deadline:
        time.sleep(0.05)
        status = client.ask("status")
    return status


def control(work):
    path = os.path.join(work, "ctl.sock")
    seq = os.path.join(work, "ctl-seq.json")
    write_sequence(seq, [{"pattern": "field colour=blue", "until": "next"},
                         {"pattern": "pluge", "until": "next"}])
    report_path = os.path.join(work, "ctl.json")
    proc = subprocess.Popen([UHDPIPE, "pattern", "--sequence", seq, "--size", "96x54",
                             "--control", "unix:" + path, "-o", "null", "--rate", "30",
                             "--report", report_path],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_socket(path, proc)
        mode = stat.S_IMODE(os.stat(path).st_mode)
        check(stat.S_ISSOCK(os.stat(path).st_mode) and mode & 0o077 == 0,
              f"the control socket is the owner's alone: {oct(mode)}")
        c = Client(path)
        status = c.ask("status")
        check(status["ok"] and status["pattern"].startswith("field") and status["entry"] == 1,
              f"status reports the current pattern: {status}")
        shown = c.ask("show window percent=5 level=1000cd")
        check(shown["ok"] and shown["pattern"].startswith("window") and shown["frame"] >= 0,
              f"show answers once the pattern is up: {shown}")
        bad = c.ask("show window percent=500")
        check(not bad["ok"] and "percent" in bad["error"], f"a bad show is refused: {bad}")
        still = c.ask("status")
        check(still["pattern"].startswith("window percent=5"),
              "the last good pattern stays up after a bad command")
        check(not c.ask("jump")["ok"], "an unknown verb gets an error reply")
        c.send(b"x" * 10000 + b"\n")
        check(not c.reply()["ok"], "an over-long line gets an error reply")
        check(c.ask("status")["ok"], "and the connection still works")
        nxt = c.ask("next")
        check(nxt["ok"] and nxt["pattern"].startswith("pluge") and nxt["entry"] == 2,
              f"next moves to the next entry: {nxt}")
        check(not c.ask("next")["ok"], "next at the last entry is refused")
        prev = c.ask("previous")
        check(prev["ok"] and prev["entry"] == 1, "previous goes back")
        check(c.ask("hold")["held"] and not c.ask("resume")["held"], "hold and resume")
        other = Client(path)
        check(other.ask("status")["ok"], "a second client is served too")
        other.sock.close()
        check(c.ask("quit")["ok"], "quit is acknowledged")
        rc = proc.wait(timeout=60)
        check(rc == 0, f"quit ends the run with 0: {rc} {proc.stderr.read()}")
        check(not os.path.exists(path), "the socket is removed at the end")
        report = json.load(open(report_path))
        names = [s["pattern"].split()[0] for s in report["shown"]]
        check(report["complete"] and names == ["field", "window", "pluge", "field"],
              f"the report lists every change: {names}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def hold_stops_the_clock(work):
    """hold freezes the entry's frame count; the end of a sequence is not a hold."""
    path = os.path.join(work, "hold.sock")
    seq = os.path.join(work, "hold-seq.json")
    write_sequence(seq, [{"pattern": "field colour=red", "frames": 20},
                         {"pattern": "field colour=green", "frames": 20}], rate=20)
    proc = subprocess.Popen([UHDPIPE, "pattern", "--sequence", seq, "--size", "32x18",
                             "--control", "unix:" + path, "-o", "null"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_socket(path, proc)
        c = Client(path)
        held = c.ask("hold")
        check(held["held"], "hold is acknowledged")
        # 30 frames presented while held: entry 1 (20 frames) would have ended.
        wait_status(c, lambda st: st["frame"] >= held["frame"] + 30)
        still = c.ask("resume")
        check(still["entry"] == 1, f"held time does not count: entry {still['entry']}")
        # Past the rest of entry 1 and all 20 frames of entry 2, with 5 to spare.
        end = wait_status(c, lambda st: st["frame"] >= still["frame"] + 45)
        check(end["entry"] == 2 and not end["held"],
              f"the last entry stays up without a hold: {end}")
        prev = c.ask("previous")
        check(prev["entry"] == 1 and not prev["held"], f"previous from the end: {prev}")
        c.ask("quit")
        check(proc.wait(timeout=60) == 0, "quit")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def control_errors_and_signals(work):
    proc = run("pattern", "field", "--size", "64x36", "--control",
               "unix:/proc/uhdpipe-test.sock", expect=6)
    check(proc.stderr.strip().count("\n") <= 1 and "/proc/uhdpipe-test.sock" in proc.stderr,
          f"a socket that cannot be created: one line naming it: {proc.stderr.strip()}")
    plain = os.path.join(work, "plain-file")
    open(plain, "w").close()
    run("pattern", "field", "--size", "64x36", "--control", "unix:" + plain, expect=6)
    check(os.path.isfile(plain), "a file at the socket path is left alone")
    run("pattern", "field", "--control", "tcp:1234", expect=6)
    # SIGTERM: the run ends in order, the report says interrupted, the socket goes.
    path = os.path.join(work, "term.sock")
    report_path = os.path.join(work, "term.json")
    proc = subprocess.Popen([UHDPIPE, "pattern", "grid", "--size", "64x36", "--control",
                             "unix:" + path, "-o", "null", "--report", report_path],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_socket(path, proc)
    # A frame presented first (the report must count it), then the signal.
    client = Client(path)
    wait_status(client, lambda st: st["frame"] >= 1)
    client.sock.close()
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(timeout=60)
    check(rc == 130, f"SIGTERM ends the run with 130: {rc}")
    report = json.load(open(report_path))
    check(not report["complete"] and report["interrupted"] and report["frames"] > 0,
          "the report is written and marked interrupted")
    check(not os.path.exists(path), "the socket is removed after SIGTERM")


def main():
    with tempfile.TemporaryDirectory() as work:
        list_and_usage_errors()
        png_output(work)
        sequences(work)
        control(work)
        hold_stops_the_clock(work)
        control_errors_and_signals(work)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("all pattern end-to-end checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
