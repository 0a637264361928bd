#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the C option tables against the help, the man pages and the completion.

    check_cli_docs.py --uhdpipe EXE --man-dir DIR --completion FILE [--cli-dir DIR]

The getopt_long tables in pipeline/cli/*.c (every {"name", ...} entry of a
`struct option` array, with the UHD_CLI_*_LONG_OPTIONS macros of cli.h and the
other files expanded) are what the binary accepts; `uhdpipe COMMAND --help`,
the generated uhdpipe-COMMAND.1 and the generated bash completion
(scripts/gen-cli-docs.py) are what users read. This test fails when they
disagree, so that an option added to a table without its help line (or a help
line whose option was removed) is caught before a release.

A table belongs to the commands whose name its function is called with
(uhd_cli_parse_play("refs", ...)) and to the command its file is named after.
A command that shares a table may refuse some of its options (refs refuses
play's --hwaccel): such an option may be missing from that command's help when
another command of the table documents it and the binary refuses it
(`uhdpipe CMD --OPTION ...` exits 2 naming the option).

Checks, per command: each table option is in --help (or refused as above);
each option in --help is in a table, with the same short letter; the man page's
OPTIONS list exactly the options of --help, and the completion of
`uhdpipe COMMAND -` those and the global ones (`uhdpipe help`'s own options,
such as --loglevel, which no table holds); uhdpipe.1 names every command and
the global options, and the completion offers the commands after `uhdpipe `
and the global options after `uhdpipe -`.
--cli-dir reads the tables from another folder (a copy with a fake option
proves the test can fail). Exit 0, or 1 with one line per disagreement: the
option, the command, and the file.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ENTRY = re.compile(r'\{\s*"([^"]+)"\s*,\s*(\w+)\s*,\s*[^,{}]+,\s*([^{}]+?)\s*\}')
HELP_OPTION = re.compile(r"^  (?:-(\w), )?--([a-z0-9][\w-]*)")


class Table:
    """One `struct option` array: where it is and what it holds."""

    def __init__(self, path, line, function, options):
        self.path, self.line, self.function = path, line, function
        self.options = {n: letter for n, (letter, _, _) in options.items()}
        self.values = {n: value for n, (_, value, _) in options.items()}
        self.origins = {n: origin for n, (_, _, origin) in options.items()}
        self.commands = set()

    def where(self, name=None):
        origin = self.origins.get(name) if name else None
        return f"{self.path}:{self.line} ({self.function})" + (f", from {origin}" if origin else "")


C_TOKEN = re.compile(r""""(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|/\*.*?\*/|//[^\n]*""", re.S)


def strip_comments(text):
    """C source with comments blanked (string literals kept, so that "DIR/*"
    in a help text is no comment), newlines kept (line numbers stay)."""

    def blank(m):
        return m[0] if m[0][0] in "\"'" else re.sub(r"[^\n]", " ", m[0])

    return C_TOKEN.sub(blank, text)


def read_sources(cli_dir):
    sources = {}
    for name in sorted(os.listdir(cli_dir)):
        if name.endswith((".c", ".h")):
            with open(os.path.join(cli_dir, name), encoding="utf-8") as f:
                sources[os.path.join(cli_dir, name)] = strip_comments(f.read())
    return sources


def option_macros(sources, root):
    """{macro name: (body, "file:line")} of every #define ..._LONG_OPTIONS."""
    macros = {}
    for path, text in sources.items():
        for m in re.finditer(r"#define\s+(\w+_LONG_OPTIONS)\b((?:[^\n]*\\\n)*[^\n]*)", text):
            line = text.count("\n", 0, m.start()) + 1
            macros[m[1]] = (m[2].replace("\\\n", "\n"), f"{show_path(path, root)}:{line}")
    return macros


def entries(body, macros, origin="", seen=()):
    """{long name: (short letter or None, takes a value, origin)} of a table
    body, macros expanded (origin: the macro and where it is defined)."""
    found = {}
    for name, has_arg, val in ENTRY.findall(body):
        letter = re.fullmatch(r"'(\w)'", val.strip())
        found[name] = (letter[1] if letter else None, has_arg != "no_argument", origin)
    for name in re.findall(r"\b\w+_LONG_OPTIONS\b", body):
        if name in macros and name not in seen:
            macro_body, where = macros[name]
            found.update(entries(macro_body, macros, f"{name} in {where}", (*seen, name)))
    return found


def show_path(path, root):
    """A path relative to the source tree when it is in it."""
    path = os.path.abspath(path)
    return os.path.relpath(path, root) if path.startswith(root + os.sep) else path


def enclosing_function(text, pos):
    heads = re.finditer(r"^[A-Za-z_][\w \t*]*?\b(\w+)\s*\([^;{}]*\)\s*\{", text[:pos], re.M)
    last = None
    for last in heads:
        pass
    return last[1] if last else "?"


def read_tables(sources, macros, root):
    tables = []
    for path, text in sources.items():
        for m in re.finditer(r"struct\s+option\s+\w+\s*\[\s*\]\s*=\s*\{(.*?)\};", text, re.S):
            line = text.count("\n", 0, m.start()) + 1
            rel = show_path(path, root)
            options = entries(m[1], macros)
            tables.append(Table(rel, line, enclosing_function(text, m.start()), options))
    return tables


def assign_commands(tables, sources, commands):
    """Each table's commands: calls with a command name, and its file's name."""
    for table in tables:
        call = re.compile(rf'\b{re.escape(table.function)}\s*\(\s*"(\w+)"')
        for text in sources.values():
            table.commands.update(c for c in call.findall(text) if c in commands)
        stem = os.path.splitext(os.path.basename(table.path))[0]
        if stem in commands:
            table.commands.add(stem)


def run(exe, *args, cwd=None):
    env = dict(os.environ, LC_ALL="C")
    return subprocess.run(
        [exe, *args], capture_output=True, text=True, env=env, timeout=60, cwd=cwd
    )


def help_commands(exe):
    """The overview, the commands it lists, and {name: --help text} of those
    that have their own --help."""
    overview = run(exe, "help").stdout
    if "\ncommands:\n" not in overview:
        sys.exit(f"check_cli_docs: '{exe} help' has no 'commands:' list")
    block = overview.split("\ncommands:\n", 1)[1].split("\n\n", 1)[0]
    names = [m[1] for m in re.finditer(r"^  (\S+)", block, re.M)]
    helps = {}
    for name in names:
        done = run(exe, name, "--help")
        if done.returncode == 0 and done.stdout.startswith(f"usage: uhdpipe {name}"):
            helps[name] = done.stdout
    return overview, names, helps


def help_options(text):
    """{long name: short letter or None} of a help's option lines."""
    return {m[2]: m[1] for m in map(HELP_OPTION.match, text.split("\n")) if m}


def probe_args(help_text, tmp):
    """The words of the first usage line after the command, metavariables as
    paths under tmp (which do not exist): INPUT -o DIR."""
    usage = help_text.split("\n", 1)[0].split()[3:]
    words = []
    for word in usage:
        if word == "|" or word.startswith("["):
            break
        words.append(re.sub(r"[A-Z][A-Z0-9_]*", lambda m: os.path.join(tmp, m[0].lower()), word))
    return words


def refuses(exe, command, option, takes_value, help_text):
    """Whether `uhdpipe COMMAND --OPTION` is a usage error naming the option."""
    with tempfile.TemporaryDirectory() as tmp:
        value = ["1"] if takes_value else []
        done = run(exe, command, f"--{option}", *value, *probe_args(help_text, tmp), cwd=tmp)
    named = re.search(rf"--{re.escape(option)}\b", done.stderr)
    return done.returncode == 2 and bool(named), done


def man_options(path):
    """Long and short options of the .TP tags in a page's OPTIONS section."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    found, section = set(), ""
    for i, line in enumerate(lines[:-1]):
        if line.startswith(".SH"):
            section = line[3:].strip().strip('"')
        if line == ".TP" and section == "OPTIONS":
            tag = re.sub(r"\\f[BIRP]", "", lines[i + 1].replace("\\-", "-"))
            found.update(re.findall(r"(?<![\w-])(--?[a-z0-9][\w-]*)", tag))
    return found


def comp_words(line):
    """COMP_WORDS, COMP_CWORD and readline's word for a line, as bash splits
    it with the default COMP_WORDBREAKS (':' and '=' words of their own)."""
    words = re.findall(r"[:=]+|[^\s:=]+", line)
    if not line or line[-1].isspace() or line[-1] in ":=":
        words.append("")
    last = re.split(r"[\s:=]", line)[-1]
    return words, last


def complete(completion, lines, exe=None):
    """{line: [candidates]} from the completion, sourced in bash; exe, when given,
    stands for the line's first word (the uhdpipe the completion asks)."""
    script = [f"source {sh_quote(completion)}"]
    for line in lines:
        words, word = comp_words(line)
        words[0] = exe or words[0]
        quoted = " ".join(sh_quote(w) for w in words)
        prev = words[-2] if len(words) > 1 else ""
        script += [
            f"COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}",
            f"COMP_LINE={sh_quote(line)}; COMP_POINT={len(line)}",
            f"_uhdpipe uhdpipe {sh_quote(word)} {sh_quote(prev)}",
            'printf "%s\\n" "${COMPREPLY[*]}"',
        ]
    command = ["bash", "--norc", "-c", "\n".join(script)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"bash failed on {completion}: {done.stderr.strip()}")
    replies = done.stdout.split("\n")
    return {line: replies[i].split() for i, line in enumerate(lines)}


def sh_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


class Report:
    def __init__(self):
        self.problems = []

    def add(self, option, command, where, what):
        self.problems.append(f"{option} of {command} ({where}): {what}")


def check_tables(report, tables, helps, exe):
    """Table options against --help, refused options allowed as documented."""
    for table in tables:
        if not table.commands:
            report.add("-", "no command", table.where(), "the table belongs to no command")
        for command in sorted(table.commands & set(helps)):
            documented = help_options(helps[command])
            for name, letter in table.options.items():
                check_table_option(report, table, command, name, letter, documented, helps, exe)


def check_table_option(report, table, command, name, letter, documented, helps, exe):
    flag = f"--{name}"
    if name in documented:
        if documented[name] and documented[name] != letter:
            report.add(flag, command, table.where(name),
                       f"--help gives -{documented[name]}, the table's value is not"
                       f" '{documented[name]}'")
        return
    others = [c for c in sorted(table.commands - {command})
              if c in helps and name in help_options(helps[c])]
    if not others:
        report.add(flag, command, table.where(name), f"missing from 'uhdpipe {command} --help'")
        return
    refused, done = refuses(exe, command, name, table.values[name], helps[command])
    if not refused:
        report.add(flag, command, table.where(name),
                   f"not in 'uhdpipe {command} --help' (only {', '.join(others)}'s) but not refused"
                   f" either: 'uhdpipe {command} {flag} ...' exits {done.returncode}"
                   f" ({done.stderr.strip() or 'no message'})")


def check_help_in_tables(report, tables, helps):
    for command, text in helps.items():
        known = set()
        for table in tables:
            if command in table.commands:
                known.update(table.options)
        for name in help_options(text):
            if name not in known:
                report.add(f"--{name}", command, f"'uhdpipe {command} --help'",
                           "listed in the help but in no option table of the command")


def help_flags(text):
    flags = set()
    for name, letter in help_options(text).items():
        flags.add(f"--{name}")
        if letter:
            flags.add(f"-{letter}")
    return flags


def check_overview_page(report, man_dir, overview, names):
    """uhdpipe.1: every command in COMMANDS, the global options in OPTIONS."""
    page = os.path.join(man_dir, "uhdpipe.1")
    if not os.path.exists(page):
        report.add("-", "uhdpipe", page, "the overview page is missing")
        return
    with open(page, encoding="utf-8") as f:
        text = f.read().replace("\\-", "-")
    for command in names:
        if not re.search(rf"^\\fB{re.escape(command)}\\fR", text, re.M):
            report.add("-", command, page, "not in COMMANDS")
    compare(report, "uhdpipe", page, help_flags(overview), man_options(page))


def check_man(report, man_dir, overview, names, helps):
    check_overview_page(report, man_dir, overview, names)
    for command, help_text in helps.items():
        page = os.path.join(man_dir, f"uhdpipe-{command}.1")
        if not os.path.exists(page):
            report.add("-", command, page, "the page is missing")
            continue
        compare(report, command, page, help_flags(help_text), man_options(page))


def compare(report, command, where, wanted, found):
    for flag in sorted(wanted - found):
        report.add(flag, command, where, "missing")
    for flag in sorted(found - wanted):
        report.add(flag, command, where, f"not an option in '{help_command(command)}'")


def help_command(command):
    return "uhdpipe help" if command == "uhdpipe" else f"uhdpipe {command} --help"


def check_completion(report, completion, overview, names, helps):
    """Commands after `uhdpipe `, global options after `uhdpipe -`, and each
    command's options and the global ones after `uhdpipe COMMAND -`."""
    lines = ["uhdpipe ", "uhdpipe -"] + [f"uhdpipe {c} -" for c in helps]
    try:
        replies = complete(completion, lines)
    except (RuntimeError, OSError) as e:
        report.add("-", "-", completion, str(e))
        return
    for command in sorted(set(names) - set(replies["uhdpipe "])):
        report.add("-", command, completion, "not offered after 'uhdpipe '")
    global_flags = help_flags(overview)
    compare(report, "uhdpipe", completion, global_flags, set(replies["uhdpipe -"]))
    for command, help_text in helps.items():
        offered = set(replies[f"uhdpipe {command} -"])
        compare(report, command, completion, help_flags(help_text) | global_flags, offered)


def check_dynamic_completion(report, completion, exe, cli_dir, tmp):
    """Pattern names (as `uhdpipe pattern --list` prints them) after `pattern`
    and `pattern:`; connectors after `-o kms:`, read from `uhdpipe probe`'s text
    (a stand-in uhdpipe prints a connector line in probe.c's format, since this
    machine has no DRM device)."""
    listing = run(exe, "pattern", "--list").stdout
    names = re.findall(r"^  ([a-z0-9][a-z0-9-]*)  ", listing, re.M)
    probe_c = open(os.path.join(cli_dir, "probe.c"), encoding="utf-8").read()
    if '"  connector %s (id %u): ' not in probe_c:
        report.add("-", "probe", "probe.c", "the connector line's format changed: update "
                   "the completion's _uhdpipe_connectors and this test")
    fake = os.path.join(tmp, "uhdpipe")
    with open(fake, "w", encoding="utf-8") as f:
        f.write("#!/bin/sh\n"
                "if [ \"$1\" = probe ]; then\n"
                "  echo 'card0: vkms'\n"
                "  echo '  connector HDMI-A-1 (id 42): connected, 600x340 mm'\n"
                "  echo '  connector Writeback-1 (id 43): unknown, 0x0 mm'\n"
                "  exit 0\n"
                "fi\n"
                f"exec {sh_quote(exe)} \"$@\"\n")
    os.chmod(fake, 0o755)
    cases = {
        "uhdpipe pattern ": names,
        "uhdpipe pattern bt": [n for n in names if n.startswith("bt")],
        "uhdpipe check x.mkv --ref pattern:win": [n for n in names if n.startswith("win")],
        "uhdpipe play x -o kms:": ["HDMI-A-1", "Writeback-1"],
        "uhdpipe pattern ramp -o kms:HD": ["HDMI-A-1"],
    }
    try:
        replies = complete(completion, list(cases), fake)
    except (RuntimeError, OSError) as e:
        report.add("-", "-", completion, str(e))
        return
    if len(names) < 10:
        report.add("-", "pattern", "pattern --list", f"only {len(names)} names read: {names}")
    for line, want in cases.items():
        if sorted(replies[line]) != sorted(want):
            report.add("-", line.split()[1], completion,
                       f"'{line}' completes to {replies[line]}, want {want}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--uhdpipe", required=True, help="the built uhdpipe")
    parser.add_argument("--man-dir", required=True, help="the folder of the generated pages")
    parser.add_argument("--completion", required=True, help="the generated bash completion")
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--cli-dir", default=os.path.join(here, "..", "pipeline", "cli"))
    args = parser.parse_args(argv)
    args.uhdpipe = os.path.abspath(args.uhdpipe)
    args.completion = os.path.abspath(args.completion)
    root = os.path.abspath(os.path.join(here, ".."))
    sources = read_sources(args.cli_dir)
    tables = read_tables(sources, option_macros(sources, root), root)
    overview, names, helps = help_commands(args.uhdpipe)
    assign_commands(tables, sources, set(names))
    report = Report()
    if not tables:
        report.add("-", "-", args.cli_dir, "no struct option tables found")
    check_tables(report, tables, helps, args.uhdpipe)
    check_help_in_tables(report, tables, helps)
    check_man(report, args.man_dir, overview, names, helps)
    check_completion(report, args.completion, overview, names, helps)
    with tempfile.TemporaryDirectory(prefix="cli-docs-") as tmp:
        check_dynamic_completion(report, args.completion, args.uhdpipe, args.cli_dir, tmp)
    for problem in report.problems:
        print(f"check_cli_docs: {problem}")
    count = sum(len(t.options) for t in tables)
    print(f"check_cli_docs: {len(tables)} tables, {count} entries, {len(helps)} commands:"
          f" {len(report.problems) or 'no'} disagreements")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
