#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Man pages and bash completion for uhdpipe, generated from its own help.

    gen-cli-docs.py man --uhdpipe EXE --outdir DIR [--changelog FILE] PAGE...
    gen-cli-docs.py completion --uhdpipe EXE --output FILE

The help texts next to the option tables in pipeline/cli/*.c are the one
description of the command line. This script runs the built binary
(`uhdpipe help` for the overview and the command list, `uhdpipe COMMAND --help`
for each command, `uhdpipe version`) and turns what they print into troff man
pages (uhdpipe.1 and uhdpipe-COMMAND.1) and a bash completion file, so that
neither can drift from the binary. tests/check_cli_docs.py checks the C option
tables against the help, the pages and the completion.

`man` writes one page per command whose `--help` prints a usage line, and fails
when those are not exactly the PAGE names it was asked for (meson must name its
outputs in advance: docs/man/meson.build lists them). The page date is
SOURCE_DATE_EPOCH's day (UTC) when that is set, else the date (or the word,
such as "unreleased") on CHANGELOG.md's heading for the version: never the
current time, so that builds are reproducible.

`completion` writes a bash completion: command names, each command's long and
short options, the options `uhdpipe help` lists itself (global: before the
command or anywhere after it), and values where the help enumerates them
("a | b | c", a "x,y,z or all" LIST, "png:DIR, kms[:CONNECTOR] or null"
forms); files or folders for FILE, DIR, PATH, INPUT and REF arguments, and
nothing for other free values (N, WxH, NAME).

Standard library only. Exit 0 on success, 1 with a message otherwise.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import re
import subprocess
import sys

GENERATOR = "scripts/gen-cli-docs.py"


class HelpError(Exception):
    """The binary or its help is not what this script can read."""


# ---------------------------------------------------------------- reading help


@dataclasses.dataclass
class Option:
    short: str | None  # "o" for -o
    long: str | None  # "output" for --output
    arg: str | None  # metavar, "SPEC"
    text: str  # description, continuation lines joined

    def flags(self):
        """The option's spellings: -o, --output."""
        shorts = [f"-{self.short}"] if self.short else []
        return shorts + ([f"--{self.long}"] if self.long else [])


@dataclasses.dataclass
class Help:
    """One help text, in the order the blocks came."""

    usage: list  # "uhdpipe play INPUT ..." per usage line
    blocks: list  # ("prose", [lines]) | ("options", title, [intro lines], [Option])
    exit_codes: list | None  # [(code, meaning)] or None
    exit_text: str | None  # the "Exit codes:" paragraph, joined
    commands: list  # [(name, args, text)] from a "commands:" block


ENTRY = re.compile(
    r"^  (?:-(?P<short>\w)(?:, |(?=\s)|$))?(?:--(?P<long>[a-z0-9][\w-]*))?"
    r"(?:[ =](?P<arg>[^\s]*[A-Z][^\s]*))?(?P<rest>(?:\s.*)?)$"
)


def run_uhdpipe(exe, *args):
    """stdout of `uhdpipe ARGS`, or None when it exits non-zero."""
    env = dict(os.environ, LC_ALL="C")
    done = subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=60)
    return done.stdout if done.returncode == 0 else None


def split_blocks(text):
    """Lists of lines separated by blank lines."""
    blocks, block = [], []
    for line in text.rstrip("\n").split("\n"):
        if line.strip():
            block.append(line.rstrip())
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    return blocks


def parse_entry(line):
    """An Option from `  -x, --long ARG   text`, or None."""
    m = ENTRY.match(line)
    if not m or not (m["short"] or m["long"]):
        return None
    return Option(m["short"], m["long"], m["arg"], m["rest"].strip())


def parse_options_block(lines):
    """[("options", title, intro, options)] from a block that holds entries;
    a heading that ends with ':' titles them (Display options ...:), other
    lines before the entries are prose, and so are lines after them that are
    neither entries nor indented continuations."""
    intro, options, after = [], [], []
    for line in lines:
        entry = parse_entry(line) if line.startswith("  -") and not after else None
        if entry:
            options.append(entry)
        elif options and not after and line.startswith("   "):
            options[-1].text = join_words(options[-1].text, line)
        else:
            (after if options else intro).append(line.strip())
    heading = " ".join(intro)
    if heading.endswith(":"):
        title = re.split(r" \(|:", heading, maxsplit=1)[0].strip()
        blocks = [("options", title, intro, options)]
    else:
        blocks = [("prose", intro)] * bool(intro) + [("options", "", [], options)]
    return blocks + [("prose", after)] * bool(after)


def join_words(text, line):
    return f"{text} {line.strip()}".strip()


def parse_commands_block(lines):
    """[(name, args, text)] from `  name ARGS    text` lines and continuations."""
    commands = []
    for line in lines[1:]:
        m = re.match(r"^  (\S.*?)(?:\s{2,}(\S.*))?$", line)
        if m and not line.startswith("   "):
            name, _, args = m[1].partition(" ")
            commands.append([name, args.strip(), (m[2] or "").strip()])
        elif commands:
            commands[-1][2] = join_words(commands[-1][2], line)
    return [tuple(c) for c in commands]


def parse_exit_codes(text):
    """[(code, meaning)] from "0 ok, 2 usage, ...", or None when it is prose."""
    items = re.split(r",\s+(?=\d+\s)", text.rstrip("."))
    pairs = [re.match(r"^(\d+)\s+(.+)$", item.strip()) for item in items]
    if not all(pairs):
        return None
    return [(m[1], m[2]) for m in pairs]


def parse_help(text):
    """A Help from the text `uhdpipe ... --help` prints."""
    blocks = split_blocks(text)
    if not blocks or not blocks[0][0].startswith("usage: "):
        raise HelpError("the help does not start with 'usage: '")
    usage = [line.strip().removeprefix("usage:").strip() for line in blocks[0]]
    help_ = Help(usage, [], None, None, [])
    for block in blocks[1:]:
        add_block(help_, block)
    return help_


def add_block(help_, block):
    first = block[0]
    if first.startswith("Exit codes:"):
        help_.exit_text = " ".join(line.strip() for line in block)[len("Exit codes:") :].strip()
        help_.exit_codes = parse_exit_codes(help_.exit_text)
    elif first == "commands:":
        help_.commands = parse_commands_block(block)
    elif any(line.startswith("  -") and parse_entry(line) for line in block):
        help_.blocks += parse_options_block(block)
    else:
        help_.blocks.append(("prose", [line.strip() for line in block]))


def options_of(help_):
    return [o for block in help_.blocks if block[0] == "options" for o in block[3]]


@dataclasses.dataclass
class Cli:
    version: str
    overview: Help
    pages: dict  # command name -> Help, for commands with their own --help


def read_cli(exe):
    """The overview and every command's help from the binary."""
    overview_text = run_uhdpipe(exe, "help")
    version_text = run_uhdpipe(exe, "version")
    if overview_text is None or version_text is None:
        raise HelpError(f"'{exe} help' or '{exe} version' failed")
    overview = parse_help(overview_text)
    if not overview.commands:
        raise HelpError("'uhdpipe help' lists no commands (no 'commands:' block)")
    pages = {}
    for name, _, _ in overview.commands:
        text = run_uhdpipe(exe, name, "--help")
        if text and text.startswith(f"usage: uhdpipe {name}"):
            pages[name] = parse_help(text)
    return Cli(version_text.split()[-1], overview, pages)


# ---------------------------------------------------------------- troff

LITERAL_CHARS = set("/:*=_|[@")


def is_literal(core, before, after):
    """Whether a word is something typed (an option, a path, a choice)."""
    return (
        core.startswith("-")
        or any(c in LITERAL_CHARS for c in core)
        or "." in core.strip(".")
        or "|" in (before, after)
    )


def esc_word(word, before="", after="", literal=False):
    """A word with backslashes escaped and a typed word's (an option's, a
    path's) hyphens as \\-, which prints as the ASCII hyphen-minus."""
    word = word.replace("\\", "\\e")
    core = word.lstrip("(['\"`").rstrip(".,;:)]'\"`")
    if "-" in word and (literal or is_literal(core, before, after)):
        word = word.replace("-", "\\-")
    return word


def esc(text, literal=False):
    """Running text for troff (one output line; see guard_line)."""
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        before = words[i - 1] if i else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        out.append(esc_word(word, before, after, literal))
    return " ".join(out)


def guard_line(line):
    """A text line troff does not read as a request ('.' or \"'\" first)."""
    return "\\&" + line if line[:1] in (".", "'") else line


SYNOPSIS_TOKEN = re.compile(
    r"(?P<opt>(?<![\w-])--?[A-Za-z0-9][\w-]*)|(?P<var>\b[A-Z][A-Z0-9_]*(?:\.[a-z]+)?\b)"
)


def fmt_synopsis(text):
    """Options bold, metavariables italic, the rest literal."""
    out, pos = [], 0
    for m in SYNOPSIS_TOKEN.finditer(text):
        out.append(esc(text[pos : m.start()], literal=True))
        font = "B" if m["opt"] else "I"
        out.append(f"\\f{font}{esc(m[0], literal=True)}\\fR")
        pos = m.end()
    out.append(esc(text[pos:], literal=True))
    return "".join(out)


def fmt_option_tag(option):
    flags = ", ".join(f"\\fB{esc(f, literal=True)}\\fR" for f in option.flags())
    return flags + (f" \\fI{esc(option.arg, literal=True)}\\fR" if option.arg else "")


def page_header(name, section_title, date, version, source):
    title = esc(name.upper(), literal=True)
    return [
        f'.\\" Generated by {GENERATOR} from \'{source}\' of uhdpipe {version}; do not edit.',
        f'.TH "{title}" "1" "{date}" "uhdpipe {version}" "{section_title}"',
        ".\\\" No hyphenation: the pages are full of options, paths and values to type.",
        ".nh",
    ]


def prose_lines(lines):
    return [guard_line(esc(line)) for line in lines]


def section_usage(help_, command_words):
    out = [".SH SYNOPSIS"]
    for i, usage in enumerate(help_.usage):
        rest = usage[len(command_words) :].strip()
        out += [".br"] if i else []
        line = f"\\fB{esc(command_words, literal=True)}\\fR {fmt_synopsis(rest)}"
        out.append(guard_line(line.rstrip()))
    return out


def section_description(help_):
    out = []
    for block in help_.blocks:
        if block[0] == "prose":
            out += [".PP"] + prose_lines(block[1])
    return [".SH DESCRIPTION"] + out if out else []


def section_options(help_):
    out = []
    for block in help_.blocks:
        if block[0] != "options":
            continue
        _, title, intro, options = block
        if not out:
            out.append(".SH OPTIONS")
        if title:
            out += [f".SS {esc(title)}", ".PP"] + prose_lines(intro)
        for option in options:
            out += [".TP", guard_line(fmt_option_tag(option)), guard_line(esc(option.text))]
    return out


def section_exit(help_):
    if help_.exit_text is None:
        return []
    out = [".SH EXIT STATUS"]
    if help_.exit_codes is None:
        return out + [".PP", guard_line(esc(help_.exit_text))]
    for code, meaning in help_.exit_codes:
        out += [".TP", f"\\fB{code}\\fR", guard_line(esc(meaning))]
    return out


def see_also(names):
    refs = [f".BR {esc(n, literal=True)} (1)" for n in names]
    return [".SH SEE ALSO"] + [r + ("," if i + 1 < len(refs) else "") for i, r in enumerate(refs)]


def mentioned_commands(help_, name, others):
    """Other commands this help names ('check', `play`, uhdpipe refs)."""
    text = "\n".join(
        [line for b in help_.blocks if b[0] == "prose" for line in b[1]]
        + [o.text for o in options_of(help_)]
    )
    return [
        c
        for c in others
        if c != name and re.search(rf"(['`]|uhdpipe ){re.escape(c)}\b", text)
    ]


def command_page(cli, name, date):
    help_ = cli.pages[name]
    summary = next((t for n, _, t in cli.overview.commands if n == name), "")
    source = f"uhdpipe {name} --help"
    out = page_header(f"uhdpipe-{name}", "User Commands", date, cli.version, source)
    out += [".SH NAME", guard_line(f"uhdpipe\\-{esc(name, literal=True)} \\- {esc(summary)}")]
    out += section_usage(help_, f"uhdpipe {name}")
    out += section_description(help_) + section_options(help_) + section_exit(help_)
    related = mentioned_commands(help_, name, list(cli.pages))
    out += see_also(["uhdpipe"] + [f"uhdpipe-{c}" for c in related])
    return "\n".join(out) + "\n"


def first_sentence(help_):
    prose = next((b[1] for b in help_.blocks if b[0] == "prose"), [""])
    sentence = re.split(r"(?<=\.)\s", " ".join(prose), maxsplit=1)[0].rstrip(".")
    return sentence[:1].lower() + sentence[1:]


def section_commands(overview):
    out = [".SH COMMANDS"]
    for name, args, text in overview.commands:
        tag = f"\\fB{esc(name, literal=True)}\\fR {fmt_synopsis(args)}".rstrip()
        out += [".TP", guard_line(tag), guard_line(esc(text))]
    return out


def overview_page(cli, date):
    overview = cli.overview
    out = page_header("uhdpipe", "User Commands", date, cli.version, "uhdpipe help")
    out += [".SH NAME", guard_line(f"uhdpipe \\- {esc(first_sentence(overview))}")]
    out += section_usage(overview, "uhdpipe")
    out += section_description(overview) + section_commands(overview)
    out += section_options(overview) + section_exit(overview)
    out += see_also([f"uhdpipe-{c}" for c in cli.pages])
    return "\n".join(out) + "\n"


def man_date(version, changelog):
    """SOURCE_DATE_EPOCH's day, else CHANGELOG.md's date for the version."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        day = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc)
        return day.strftime("%Y-%m-%d")
    if not changelog or not os.path.exists(changelog):
        return ""
    with open(changelog, encoding="utf-8") as f:
        for line in f:
            m = re.match(rf"^#+\s+v?{re.escape(version)}\b\s*(.*)$", line)
            if m:
                found = re.search(r"\d{4}-\d{2}-\d{2}", m[1])
                return found[0] if found else m[1].strip(" ()-").replace('"', "")
    return ""


def write_man(args):
    cli = read_cli(args.uhdpipe)
    date = man_date(cli.version, args.changelog)
    pages = {"uhdpipe.1": overview_page(cli, date)}
    pages.update({f"uhdpipe-{n}.1": command_page(cli, n, date) for n in cli.pages})
    wanted = {os.path.basename(p) for p in args.pages}
    missing = sorted(set(pages) - wanted)
    extra = sorted(wanted - set(pages))
    problems = [f"{', '.join(missing)} not asked for (add to docs/man/meson.build)"] * bool(missing)
    problems += [f"no command for {', '.join(extra)}"] * bool(extra)
    if problems:
        raise HelpError("the pages asked for differ from 'uhdpipe help': " + "; ".join(problems))
    for name, text in pages.items():
        write_file(os.path.join(args.outdir, name), text)


def write_file(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# ---------------------------------------------------------------- bash

SAFE_WORD = re.compile(r"^[\w.:,+/@%=-]+$")
DIR_VARS = {"DIR"}
FILE_VARS = {"FILE", "PATH", "INPUT", "REF"}


def pipe_choices(text):
    """["a", "b"] when the text starts "a | b | c", else None."""
    m = re.match(r"^([\w.+-]+(?: \| [\w.+-]+)+)", text)
    return m[1].split(" | ") if m else None


def list_choices(text):
    """["x", "y", "all"] when the text starts "x,y,z or all", else None."""
    m = re.match(r"^([\w.+-]+(?:,[\w.+-]+)+) or ([\w.+-]+)\b", text)
    return m[1].split(",") + [m[2]] if m else None


def spec_forms(text):
    """Completion forms from "png:DIR, kms[:CONNECTOR] or null", else None."""
    m = re.match(r"^((?:[a-z]+(?:\[?:[A-Z]+\]?)?)(?:(?:, | or )[a-z]+(?:\[?:[A-Z]+\]?)?)+)\b", text)
    if not m:
        return None
    forms = []
    for spec in re.split(r", | or ", m[1]):
        word, optional, var = re.match(r"^([a-z]+)(\[)?(?::([A-Z]+))?", spec).groups()
        forms += [word] if optional or not var else []
        forms += [f"{word}:{path_kind(var) or ''}"] if var else []
    return forms


def path_kind(metavar):
    """"dir", "file", "file:.json" (FILE.json) or None for a metavariable."""
    if not metavar:
        return None
    base, _, ext = metavar.partition(".")
    base = base.rsplit(":", 1)[-1]
    if base in DIR_VARS:
        return "dir"
    if base in FILE_VARS:
        return f"file:.{ext}" if ext and SAFE_WORD.match(ext) else "file"
    return None


def value_kind(option):
    """How to complete an option's value: (kind, words) or None for a flag."""
    if not option.arg:
        return None
    for kind, finder in (("words", pipe_choices), ("list", list_choices)):
        found = finder(option.text)
        if found and (kind != "list" or option.arg == "LIST"):
            return (kind, found)
    forms = spec_forms(option.text) if option.arg == "SPEC" else None
    if forms:
        return ("forms", forms)
    prefix = option.arg.rsplit(":", 1)[0] + ":" if ":" in option.arg else ""
    kind = path_kind(option.arg)
    if kind and prefix:
        return ("forms", [prefix + kind])
    return (kind, []) if kind else ("none", [])


def positional_kind(usages, command):
    """file, dir, command, pattern (a pattern name) or none for the words after
    `uhdpipe COMMAND`."""
    for usage in usages:
        words = re.sub(r"[][]", " ", usage).split()
        words = words[2:] if words[:2] == ["uhdpipe", command] else words
        values_of = {i + 1 for i, w in enumerate(words) if w.startswith("-")}
        for i, word in enumerate(words):
            if i in values_of or word.startswith("-") or word == "|":
                continue
            if word == "COMMAND":
                return "command"
            if word == "NAME" and command == "pattern":
                return "pattern"
            kind = path_kind(word)
            if kind:
                return kind.split(":")[0]
    return "none"


def bash_words(words):
    kept = [w for w in words if SAFE_WORD.match(w)]
    return " ".join(kept)


def value_arms(command, opts):
    """{(command, flag): "kind words"} of the options that take a value."""
    values = {}
    for o in opts:
        kind = value_kind(o)
        for flag in o.flags() if kind else []:
            values[(command, flag)] = " ".join([kind[0], bash_words(kind[1])]).strip()
    return values


def completion_tables(cli):
    """(commands, {command: options}, {(command, flag): "kind words"}, {command: kind});
    the overview's options (--loglevel) are global: command "*"."""
    commands = [name for name, _, _ in cli.overview.commands]
    options, values, positional = {}, {}, {}
    for name, args, _ in cli.overview.commands:
        help_ = cli.pages.get(name)
        opts = options_of(help_) if help_ else []
        options[name] = [f for o in opts for f in o.flags()]
        values.update(value_arms(name, opts))
        positional[name] = positional_kind(help_.usage if help_ else [args], name)
    global_opts = options_of(cli.overview)
    options["*"] = [f for o in global_opts for f in o.flags()]
    values.update(value_arms("*", global_opts))
    return commands, options, values, positional


def case_arms(pairs, indent="        "):
    """`pattern) REPLY='...' ;;` lines, patterns grouped by their reply."""
    grouped = {}
    for key, reply in pairs:
        grouped.setdefault(reply, []).append(key)
    return [f"{indent}{' | '.join(keys)}) REPLY='{reply}' ;;" for reply, keys in grouped.items()]


def completion_script(cli):
    commands, options, values, positional = completion_tables(cli)
    option_arms = case_arms((c, bash_words(options[c])) for c in commands if options[c])
    # Global options last: a command's own option of the same name wins.
    ordered = sorted(values.items(), key=lambda item: item[0][0] == "*")
    arms = case_arms((f"{c}:{f}", kind) for (c, f), kind in ordered)
    positional_arms = case_arms((c, kind) for c, kind in positional.items())
    return BASH_TEMPLATE.format(
        generator=GENERATOR,
        version=cli.version,
        commands=bash_words(commands),
        global_options=bash_words(options["*"]),
        option_arms="\n".join(option_arms),
        value_arms="\n".join(arms),
        positional_arms="\n".join(positional_arms),
    )


BASH_TEMPLATE = """\
# bash completion for uhdpipe                                 -*- shell-script -*-
# SPDX-License-Identifier: MIT
# Generated by {generator} from the help of uhdpipe {version}; do not edit.

_uhdpipe_commands='{commands}'
# Options of `uhdpipe help` itself: before the command or anywhere after it.
_uhdpipe_global_options='{global_options}'

# The options of command $1, long and short, in REPLY.
_uhdpipe_options()
{{
    case $1 in
{option_arms}
        *) REPLY='' ;;
    esac
}}

# How to complete the value of option $2 of command $1 ('' before the
# command; *: a global option), in REPLY: "none" (free
# text), "file", "file:.EXT", "dir", "words W..." (one of them), "list W..."
# (comma-separated), "forms F..." (LITERAL, PREFIX:dir, PREFIX:file or PREFIX:
# then free text); empty when the option takes no value.
_uhdpipe_value()
{{
    case $1:$2 in
{value_arms}
        *) REPLY='' ;;
    esac
}}

# What the other words of command $1 are, in REPLY: file, dir, command or none.
_uhdpipe_positional()
{{
    case $1 in
{positional_arms}
        *) REPLY=none ;;
    esac
}}

# COMP_WORDS with the words that COMP_WORDBREAKS split at ':' and '=' joined
# again, into words and cword (png:DIR, --size=WxH).
_uhdpipe_join_words()
{{
    local i word glue=0 spaced=0
    [[ ${{COMP_LINE:0:${{COMP_POINT:-${{#COMP_LINE}}}}}} == *[[:space:]] ]] && spaced=1
    words=() cword=0
    for ((i = 0; i < ${{#COMP_WORDS[@]}}; i++)); do
        word=${{COMP_WORDS[i]}}
        if ((i > 0)) && [[ $glue == 1 && ($word || $i != "$COMP_CWORD" || $spaced != 1) ||
            $word == [:=] ]]; then
            words[${{#words[@]}} - 1]+=$word
        else
            words+=("$word")
        fi
        glue=0
        [[ $word == [:=] ]] && glue=1
        ((i == COMP_CWORD)) && cword=$((${{#words[@]}} - 1))
    done
    ((COMP_CWORD >= ${{#COMP_WORDS[@]}})) && words+=('') && cword=$((${{#words[@]}} - 1))
    return 0
}}

# Adds the candidates that start with $1 (the whole word) to COMPREPLY, less the
# part before $2 (the part of the word that readline replaces).
_uhdpipe_add()
{{
    local whole=$1 part=$2 candidate
    shift 2
    for candidate; do
        [[ $candidate == "$whole"* ]] && COMPREPLY+=("${{candidate#"${{whole%"$part"}}"}}")
    done
    return 0
}}

# Paths for value $1 of kind $2 (file, file:.EXT, dir), each with prefix $3.
_uhdpipe_paths()
{{
    local value=$1 kind=$2 prefix=$3 path
    local -a found
    case $kind in
        dir) mapfile -t found < <(compgen -d -- "$value") ;;
        file:.*)
            mapfile -t found < <(compgen -d -- "$value"
                compgen -f -X "!*${{kind#file:}}" -- "$value")
            ;;
        *) mapfile -t found < <(compgen -f -- "$value") ;;
    esac
    REPLY=()
    compopt -o filenames 2>/dev/null
    for path in "${{found[@]}}"; do
        [[ -d $path && $path != */ ]] && path+=/
        REPLY+=("$prefix$path")
    done
}}

# The names `uhdpipe pattern --list` prints, in REPLY: asked of the uhdpipe
# being completed, whose catalogue they are.
_uhdpipe_patterns()
{{
    mapfile -t REPLY < <("${{COMP_WORDS[0]}}" pattern --list 2>/dev/null |
        sed -n 's/^  \\([a-z0-9][a-z0-9-]*\\)  .*/\\1/p')
}}

# The connectors `uhdpipe probe` lists on this machine's DRM devices, in REPLY.
_uhdpipe_connectors()
{{
    mapfile -t REPLY < <("${{COMP_WORDS[0]}}" probe 2>/dev/null |
        sed -n 's/^  connector \\([^ ]*\\) (id .*/\\1/p')
}}

# Candidates for value $1 of an option whose value kind is $2..., in REPLY.
_uhdpipe_values()
{{
    local value=$1 kind=$2 form
    shift 2
    REPLY=()
    case $kind in
        words) REPLY=("$@") ;;
        list)
            local head=
            [[ $value == *,* ]] && head=${{value%,*}},
            for form; do
                [[ ,$head == *,"$form",* ]] || REPLY+=("$head$form")
            done
            ;;
        forms)
            # kms:CONNECTOR: the connectors probe finds.
            if [[ " $* " == *" kms: "* && $value == kms:* ]]; then
                _uhdpipe_connectors
                REPLY=("${{REPLY[@]/#/kms:}}")
                return
            fi
            for form; do
                if [[ $form == *:?* && $value == "${{form%%:*}}:"* ]]; then
                    _uhdpipe_paths "${{value#*:}}" "${{form#*:}}" "${{form%%:*}}:"
                    return
                fi
            done
            for form; do REPLY+=("${{form%%:*}}${{form//[!:]/}}"); done
            ;;
        file | file:* | dir)
            # A pattern is an input and a reference too (pattern:NAME).
            if [[ $value == pattern:* ]]; then
                _uhdpipe_patterns
                REPLY=("${{REPLY[@]/#/pattern:}}")
            else
                _uhdpipe_paths "$value" "$kind" ''
            fi
            ;;
        pattern) [[ $value == *=* ]] || _uhdpipe_patterns ;;
        command) REPLY=($_uhdpipe_commands) ;;
    esac
}}

# Completes value $1 of kind $3 with prefix $2 ("--size=" or ''); $4 is the
# part of the word that readline replaces.
_uhdpipe_complete_value()
{{
    local value=$1 prefix=$2 part=$3 candidate
    shift 3
    _uhdpipe_values "$value" "$@"
    local -a candidates=()
    for candidate in "${{REPLY[@]}}"; do candidates+=("$prefix$candidate"); done
    _uhdpipe_add "$prefix$value" "$part" "${{candidates[@]}}"
}}

# The command: the first word before the current one that is neither an
# option nor the value of a global option.
_uhdpipe_find_command()
{{
    local i
    for ((i = 1; i < cword; i++)); do
        if [[ ${{words[i]}} != -* ]]; then
            command=${{words[i]}}
            return 0
        fi
        _uhdpipe_value '' "${{words[i]}}"
        [[ $REPLY && ${{words[i]}} != *=* ]] && ((i++))
    done
    return 0
}}

_uhdpipe()
{{
    local words cword REPLY
    _uhdpipe_join_words
    local cur=${{words[cword]}} part=${{2-${{COMP_WORDS[COMP_CWORD]}}}}
    [[ $part == [:=] ]] && part=
    # Backslashes and quotes the user typed are no part of the name.
    cur=${{cur//[\\\\\\'\\"]/}} part=${{part//[\\\\\\'\\"]/}}
    COMPREPLY=()
    local command= prev=${{words[cword - 1]}}
    _uhdpipe_find_command
    if [[ $cur == --*=* ]]; then
        _uhdpipe_value "$command" "${{cur%%=*}}"
        [[ $REPLY ]] && _uhdpipe_complete_value "${{cur#*=}}" "${{cur%%=*}}=" "$part" $REPLY
    elif [[ $prev == -* && $prev != *=* ]] && _uhdpipe_value "$command" "$prev" &&
        [[ $REPLY ]]; then
        _uhdpipe_complete_value "$cur" '' "$part" $REPLY
    elif [[ $cur == -* ]]; then
        _uhdpipe_options "$command"
        _uhdpipe_add "$cur" "$part" $REPLY $_uhdpipe_global_options
    elif [[ -z $command ]]; then
        _uhdpipe_add "$cur" "$part" $_uhdpipe_commands
    else
        _uhdpipe_positional "$command"
        [[ $REPLY != none ]] && _uhdpipe_complete_value "$cur" '' "$part" $REPLY
    fi
    if ((${{#COMPREPLY[@]}} == 1)) && [[ ${{COMPREPLY[0]}} == *[:=/] ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}}

complete -F _uhdpipe uhdpipe
"""


def write_completion(args):
    write_file(args.output, completion_script(read_cli(args.uhdpipe)))


# ---------------------------------------------------------------- main


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="what", required=True)
    man = sub.add_parser("man", help="write uhdpipe.1 and uhdpipe-COMMAND.1")
    man.add_argument("--uhdpipe", required=True, help="the built uhdpipe")
    man.add_argument("--outdir", required=True)
    man.add_argument("--changelog", help="CHANGELOG.md, for the date without SOURCE_DATE_EPOCH")
    man.add_argument("pages", nargs="+", help="the pages to write (uhdpipe.1 uhdpipe-info.1 ...)")
    completion = sub.add_parser("completion", help="write the bash completion")
    completion.add_argument("--uhdpipe", required=True, help="the built uhdpipe")
    completion.add_argument("--output", required=True)
    args = parser.parse_args(argv)
    try:
        (write_man if args.what == "man" else write_completion)(args)
    except (HelpError, OSError, subprocess.SubprocessError) as e:
        print(f"gen-cli-docs: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
