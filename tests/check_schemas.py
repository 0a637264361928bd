#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The JSON outputs of uhdpipe against their schemas in docs/schemas/.

Runs the real binary to make each machine-readable output, small and fast:
info --json (an SDR, an HDR10 and a full-range clip), probe --json, play
reports (a clip to PNGs, a PNG input, an input that cannot be opened), a
reference set's refs.json, check reports (passing and failing, with diff
images), a suite report (a PNG against a pattern, a clip against the
references), a pattern report and a bench report (with ffmpeg's peers when
ffmpeg is on the PATH). Each is validated against its schema (JSON Schema
draft 2020-12, formats not checked), and its first three keys must be
"tool", "version" and "schema_version". Every schema must itself be valid
and self-contained (every $ref a pointer into its own file, so that any
validator takes one file alone), and the $defs several files share (the
colour and stream descriptions, the display object, the check report) must
be equal in all of them. So that this test can fail, broken copies of real
outputs (an unknown key, a required key dropped, a value a conditional rule
forbids) must be rejected.

Needs python3-jsonschema (Debian 12 has 4.10.3; newer ones work too).

usage: check_schemas.py UHDPIPE_BINARY SCHEMA_DIR SAMPLES_DIR
Exit 0 when every output is valid and every broken copy rejected, 1 otherwise,
2 on usage, 77 when jsonschema is not installed.
"""
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hdr10plus_sei  # noqa: E402  (HDR10+ clips: Debian's x265 cannot write them)

try:
    import jsonschema
    from jsonschema.exceptions import best_match
except ImportError:
    print("SKIP: python3-jsonschema is not installed (apt-get install python3-jsonschema)")
    sys.exit(77)

HEADER = ["tool", "version", "schema_version"]
TIMEOUT_S = 120


# ---- schemas ----

def load_schemas(schema_dir):
    """Every *.schema.json of the folder, by file name."""
    schemas = {}
    for name in sorted(os.listdir(schema_dir)):
        if name.endswith(".schema.json"):
            try:
                with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
                    schemas[name] = json.load(f)
            except ValueError as e:
                raise SystemExit(f"FAIL   {name} is not JSON: {e}") from None
    return schemas


def pointer_target(document, pointer):
    """The value a JSON pointer fragment ("/$defs/colour") names, or KeyError."""
    node = document
    for token in pointer.split("/")[1:] if pointer else []:
        token = urllib.parse.unquote(token).replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def bad_refs(schema):
    """Every $ref that leaves the file or points nowhere in it. The schemas are
    self-contained (JSON pointers into their own $defs), so that any validator
    takes one file alone: python3 -m jsonschema -i report.json play.schema.json."""
    bad = []

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                try:
                    if not ref.startswith("#"):
                        raise ValueError(ref)
                    pointer_target(schema, ref[1:])
                except (KeyError, IndexError, ValueError, TypeError):
                    bad.append(ref)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return bad


def differing_defs(schemas):
    """The $defs that several files carry (colour, stream_info_fields, display,
    check_report...) must be the same everywhere: [(name, files)] of those
    that are not."""
    copies = {}
    for name, schema in schemas.items():
        for key, value in schema.get("$defs", {}).items():
            copies.setdefault(key, []).append((name, value))
    return [(key, [name for name, _ in found]) for key, found in sorted(copies.items())
            if any(value != found[0][1] for _, value in found)]


def json_path(path):
    text = "$"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def shorten(text, limit=400):
    """Messages quote the instance: a long one is cut."""
    return text if len(text) <= limit else text[:limit - 3] + "..."


def follows_from_others(error, errors):
    """An unevaluatedProperties error that only names members with errors of
    their own (jsonschema counts a member that failed as not evaluated)."""
    if error.validator != "unevaluatedProperties" or not isinstance(error.instance, dict):
        return False
    named = [key for key in error.instance if repr(key) in error.message]
    below = {tuple(e.absolute_path)[:len(error.absolute_path) + 1] for e in errors}
    return bool(named) and all(tuple(error.absolute_path) + (key,) in below for key in named)


def schema_errors(validator, document):
    """(JSON path, message) of every error, in document order."""
    errors = []
    try:
        found = list(validator.iter_errors(document))
    except Exception as e:  # a reference that does not resolve, in any jsonschema version
        return [("$", shorten(f"the schema cannot be applied: {type(e).__name__}: {e}"))]
    for error in sorted(found, key=lambda e: list(map(str, e.absolute_path))):
        if follows_from_others(error, found):
            continue
        message = error.message
        if error.context:
            hint = best_match(error.context)
            message += f" (e.g. at {json_path(list(error.absolute_path) + list(hint.path))}: " \
                       f"{hint.message})"
        errors.append((json_path(error.absolute_path), shorten(message)))
    return errors


# ---- running uhdpipe ----

class Runner:
    def __init__(self, uhdpipe, work):
        self.uhdpipe = uhdpipe
        self.work = work
        self.env = dict(os.environ)
        self.env.setdefault("XDG_RUNTIME_DIR", work)
        self.env["TMPDIR"] = work
        self.failures = []

    def run(self, what, args, expect=(0,), stdout_to=None):
        """Runs uhdpipe ARGS in the work folder; False (and a failure) when it
        exits with another code. stdout_to: file to keep stdout in."""
        cmd = [self.uhdpipe, *args]
        try:
            proc = subprocess.run(cmd, cwd=self.work, env=self.env, capture_output=True,
                                  text=True, timeout=TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as e:
            self.failures.append(f"{what}: {' '.join(cmd)}: {e}")
            return False
        if proc.returncode not in expect:
            self.failures.append(f"{what}: {' '.join(cmd)} exited {proc.returncode} (want "
                                 f"{'/'.join(map(str, expect))}): {proc.stderr.strip()[-600:]}")
            return False
        if stdout_to:
            with open(os.path.join(self.work, stdout_to), "w", encoding="utf-8") as f:
                f.write(proc.stdout)
        return True


def make_outputs(r, samples):
    """Runs every command; returns [(label, schema file, expected tool, path)]
    of the outputs made (a command that failed is in r.failures)."""
    sdr = os.path.join(samples, "sdr_1080p_h264.mp4")
    small = ["--size", "320x180", "--frames", "2"]
    outputs = []

    def add(label, schema, tool, path, ok):
        if ok:
            outputs.append((label, schema, tool, os.path.join(r.work, path)))

    for clip in ["sdr_1080p_h264.mp4", "pq_4k_av1.mkv", "full_601_12bit.mkv"]:
        out = f"info-{clip}.json"
        add(f"info {clip}", "info.schema.json", "uhdpipe info", out,
            r.run("info", ["info", "--json", os.path.join(samples, clip)], stdout_to=out))
    add("probe", "probe.schema.json", "uhdpipe probe", "probe.json",
        r.run("probe", ["probe", "--json"], stdout_to="probe.json"))
    play_ok = r.run("play", ["play", sdr, *small, "-o", "png:play-frames", "--report",
                             "play.json"])
    add("play clip -o png", "play.schema.json", "uhdpipe play", "play.json", play_ok)
    if play_ok:
        add("play PNG input", "play.schema.json", "uhdpipe play", "play-png.json",
            r.run("play PNG", ["play", os.path.join("play-frames", "frame-000000.png"), "-o",
                               "null", "--report", "play-png.json"]))
        add("info PNG", "info.schema.json", "uhdpipe info", "info-png.json",
            r.run("info PNG", ["info", "--json", os.path.join("play-frames", "frame-000000.png")],
                  stdout_to="info-png.json"))
    # HDR10+ per frame: two windows, tone mapping and a saturation weight.
    hdr10plus = os.path.join(r.work, "hdr10plus.mkv")
    window = dict(maxscl=[100, 200, 300], average_maxrgb=150, distribution=[(50, 60)],
                  fraction_bright_pixels=3, knee=(10, 20), anchors=[1, 2], saturation=9,
                  geometry=dict(upper_left_x=0, upper_left_y=0, lower_right_x=100,
                                lower_right_y=50, center_x=50, center_y=25, rotation_angle=0,
                                semimajor_internal=10, semimajor_external=20,
                                semiminor_external=10, overlap_process_option=0))
    hdr10plus_sei.write_clip(hdr10plus, [dict(application_version=1,
                                              targeted_system_display_maximum_luminance=500,
                                              windows=[window, window])] * 2)
    add("info HDR10+", "info.schema.json", "uhdpipe info", "info-hdr10plus.json",
        r.run("info HDR10+", ["info", "--json", hdr10plus], stdout_to="info-hdr10plus.json"))
    add("play HDR10+", "play.schema.json", "uhdpipe play", "play-hdr10plus.json",
        r.run("play HDR10+", ["play", hdr10plus, "-o", "null", "--report",
                              "play-hdr10plus.json"]))
    add("play unopened input", "play.schema.json", "uhdpipe play", "play-missing.json",
        r.run("play missing", ["play", "missing.mkv", "-o", "null", "--report",
                               "play-missing.json"], expect=(3,)))
    refs_ok = r.run("refs", ["refs", sdr, "-o", "refs", *small])
    add("refs", "play.schema.json", "uhdpipe refs", os.path.join("refs", "refs.json"), refs_ok)
    pattern_ok = r.run("pattern", ["pattern", "window", "percent=10", *small, "-o",
                                   "png:pattern-frames", "--report", "pattern.json"])
    add("pattern", "pattern.schema.json", "uhdpipe pattern", "pattern.json", pattern_ok)
    if refs_ok:
        add("check passing", "check.schema.json", "uhdpipe check", "check-pass.json",
            r.run("check pass", ["check", sdr, "--ref", "refs", "--metrics", "all", "--exact",
                                 "--report-json", "check-pass.json"]))
        add("check failing", "check.schema.json", "uhdpipe check", "check-fail.json",
            r.run("check fail", ["check", sdr, "--ref", "refs", "--scaler", "bilinear",
                                 "--min-psnr", "99", "--max-diff", "0", "--metrics", "all",
                                 "--diff-dir", "diffs", "--report-json", "check-fail.json"],
                  expect=(1,)))
    # --target: play's and check's reports say the conversion.
    pq = os.path.join(samples, "pq_4k_av1.mkv")
    target = ["--size", "320x180", "--frames", "1", "--target", "sdr:100"]
    tm_ok = r.run("play --target", ["play", pq, *target, "-o", "png:tm-frames", "--report",
                                    "play-target.json"])
    add("play --target", "play.schema.json", "uhdpipe play", "play-target.json", tm_ok)
    if tm_ok:
        add("check --target", "check.schema.json", "uhdpipe check", "check-target.json",
            r.run("check --target", ["check", pq, "--ref",
                                     os.path.join("tm-frames", "frame-000000.png"), *target,
                                     "--exact", "--report-json", "check-target.json"]))
    # The YUV domain: the same clip on both sides, compared on its decoded planes
    # (an infinite PSNR is written as null).
    add("check yuv domain", "check.schema.json", "uhdpipe check", "check-yuv.json",
        r.run("check yuv", ["check", sdr, "--ref", sdr, "--domain", "yuv", "--frames", "2",
                            "--exact", "--report-json", "check-yuv.json"]))
    if refs_ok and pattern_ok:
        suite = {"entries": [
            {"name": "png-vs-pattern", "input": "pattern-frames/frame-000000.png",
             "ref": "pattern:window percent=10", "exact": True},
            {"name": "clip-vs-refs", "input": sdr, "ref": "refs", "scaler": "bilinear",
             "min_psnr": 99, "max_deltaitp_p99": "off", "metrics": "psnr,diff"},
        ]}
        with open(os.path.join(r.work, "suite.json"), "w", encoding="utf-8") as f:
            json.dump(suite, f)
        add("suite", "suite.schema.json", "uhdpipe check --suite", "suite-report.json",
            r.run("suite", ["check", "--suite", "suite.json", "--report-json",
                            "suite-report.json"], expect=(1,)))
    bench = ["bench", sdr, "--size", "320x180", "--frames", "2", "--runs", "1", "--json",
             "bench.json"]
    if shutil.which("ffmpeg", path=r.env.get("PATH")):
        bench.append("--vs-ffmpeg")
    add("bench", "bench.schema.json", "uhdpipe bench", "bench.json", r.run("bench", bench))
    return outputs


# ---- broken copies ----

def set_at(path, value):
    def mutate(doc):
        node = doc
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
    return mutate


def remove_at(path):
    def mutate(doc):
        node = doc
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]
    return mutate


def flip_first_frame_passed(doc):
    doc["frames"][0]["passed"] = not doc["frames"][0]["passed"]


# Per schema: (the output to break, [(what, how)]). Each copy must be rejected.
BROKEN = {
    "info.schema.json": ("info pq_4k_av1.mkv", [
        ("colour.chroma_siting dropped on a Y'CbCr stream",
         remove_at(["colour", "chroma_siting"])),
        ("an HDR10 mastering display without min_luminance",
         remove_at(["colour", "mastering_display", "min_luminance"])),
    ]),
    "probe.schema.json": ("probe", [
        ("an unknown key in drm", set_at(["drm", "unexpected"], 1)),
    ]),
    "play.schema.json": ("play clip -o png", [
        ("chroma_siting on the RGB output colour", set_at(["output", "colour", "chroma_siting"],
                                                          "left")),
        ("a play report with a refs frame 'file'", set_at(["frames", 0, "file"],
                                                          "frame-000000.png")),
        ("a frame without its checksum", remove_at(["frames", 0, "checksum_xxh3"])),
    ]),
    "check.schema.json": ("check passing", [
        ("a frame whose 'passed' disagrees with its failures", flip_first_frame_passed),
        ("an unknown metric in a frame", set_at(["frames", 0, "vmaf"], 99.0)),
    ]),
    "suite.schema.json": ("suite", [
        ("an entry's check report without schema_version",
         remove_at(["entries", 0, "check", "schema_version"])),
    ]),
    "pattern.schema.json": ("pattern", [
        ("a range name of the colour description ('limited')", set_at(["format", "range"],
                                                                       "limited")),
    ]),
    "bench.schema.json": ("bench", [
        ("a stage's fps as a string", set_at(["stages", "decode", "fps"], "fast")),
    ]),
}
GENERIC = [
    ("an unknown top-level key", set_at(["unexpected_key"], True)),
    ("schema_version dropped", remove_at(["schema_version"])),
    ("schema_version 2", set_at(["schema_version"], 2)),
]


def main(argv):
    if len(argv) != 4:
        print("usage: check_schemas.py UHDPIPE_BINARY SCHEMA_DIR SAMPLES_DIR", file=sys.stderr)
        return 2
    uhdpipe, schema_dir, samples = os.path.abspath(argv[1]), argv[2], os.path.abspath(argv[3])
    failures = []
    schemas = load_schemas(schema_dir)
    if not schemas:
        print(f"FAIL: no *.schema.json in {schema_dir}")
        return 1
    validators = {}
    for name, schema in schemas.items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as e:
            failures.append(f"{name} is no valid schema: {json_path(e.absolute_path)}: "
                            f"{e.message}")
            continue
        bad = bad_refs(schema)
        if bad:
            failures.append(f"{name}: $ref outside the file or to nowhere: {', '.join(bad)}")
            continue
        validators[name] = jsonschema.Draft202012Validator(schema)
    for key, names in differing_defs(schemas):
        failures.append(f"$defs.{key} differs between {', '.join(names)}: change every copy")
    print(f"{'ok' if not failures else 'FAIL'}   {len(schemas)} schemas in {schema_dir}: "
          f"valid draft 2020-12, self-contained, shared $defs equal")
    for failure in failures:
        print(f"         {failure}")

    with tempfile.TemporaryDirectory(prefix="uhd-schemas-") as work:
        runner = Runner(uhdpipe, work)
        outputs = make_outputs(runner, samples)
        failures += runner.failures
        for failure in runner.failures:
            print(f"FAIL   {failure}")
        documents = {}
        for label, schema, tool, path in outputs:
            problems = []
            try:
                with open(path, encoding="utf-8") as f:
                    document = json.load(f)
            except (OSError, ValueError) as e:
                problems.append(("$", f"not JSON: {e}"))
                document = None
            if isinstance(document, dict):
                documents[label] = document
                keys = list(document)[:3]
                if keys != HEADER:
                    problems.append(("$", f"the first keys are {keys}, not {HEADER}"))
                if document.get("tool") != tool:
                    problems.append(("$.tool", f"{document.get('tool')!r}, want {tool!r}"))
                if schema in validators:
                    problems += schema_errors(validators[schema], document)
                else:
                    problems.append(("$", f"no usable schema {schema}"))
            elif document is not None:
                problems.append(("$", "not a JSON object"))
            shown = os.path.relpath(path, work)
            print(f"{'ok' if not problems else 'FAIL'}   {label}: {shown} against {schema}")
            for where, message in problems:
                print(f"         {shown}: {where}: {message}")
                failures.append(f"{label}: {shown}: {where}: {message}")

        # The broken copies: every schema must reject its own.
        for schema, (label, cases) in BROKEN.items():
            if label not in documents or schema not in validators:
                why = f"no {label} output" if label not in documents else "the schema is unusable"
                failures.append(f"{schema}: no broken copies checked: {why}")
                print(f"FAIL   {schema}: no broken copies checked: {why}")
                continue
            accepted = []
            for what, mutate in GENERIC + cases:
                broken = copy.deepcopy(documents[label])
                try:
                    mutate(broken)
                except (KeyError, IndexError, TypeError):
                    accepted.append(f"{what}: the output has no such place to break")
                    continue
                if not schema_errors(validators[schema], broken):
                    accepted.append(f"{what}: accepted")
            print(f"{'ok' if not accepted else 'FAIL'}   {schema} rejects "
                  f"{len(GENERIC + cases) - len(accepted)}/{len(GENERIC + cases)} broken copies "
                  f"of {label}")
            for line in accepted:
                print(f"         {line}")
                failures.append(f"{schema}: broken copy of {label}: {line}")

    # Every output schema has outputs checked against it.
    unused = sorted(set(schemas) - {schema for _, schema, _, _ in outputs})
    for name in unused:
        print(f"FAIL   {name}: no output was checked against it")
        failures.append(f"{name}: no output was checked against it")
    print(f"schemas checked: {len(outputs)} output(s), {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
