#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that the folders of pipeline/ include only headers of their own layer or lower.

    check_layers.py PIPELINE_DIR

The layers, lowest first, are listed in LAYERS below (README.md, "Layout"). A folder may
include headers of its own folder, of a lower layer, or of another folder of its own
layer as long as no two folders include each other (directly or round a cycle). Every
quoted #include that resolves to a file under PIPELINE_DIR is checked; the public headers
in include/uhdpipe/ are the library's surface and may be included anywhere. Files in a
subfolder (present/kms/) count as their top folder's. A folder that
is not in LAYERS fails the check, so a new folder has to be placed on purpose.

Exit 0 when every edge points down; otherwise 1, with one line per offending include
(file, line, the header, both folders and their layers).
"""
import os
import re
import sys

LAYERS = [
    ("base", ["common"]),
    ("colour science", ["colour"]),
    ("devices and files", ["vk", "image"]),
    ("stages", ["source", "convert", "quality", "pattern"]),
    ("outputs", ["present"]),
    ("engine", ["engine"]),
    ("runs", ["play", "check", "pattern_run", "bench"]),
    ("command line", ["cli"]),
]
RANK = {folder: rank for rank, (_, folders) in enumerate(LAYERS) for folder in folders}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def includes(root):
    """Yields (file, line number, header, including folder, included folder)."""
    for folder in sorted(os.listdir(root)):
        if not os.path.isdir(os.path.join(root, folder)):
            continue
        # A subfolder (present/kms/) belongs to its top folder's layer.
        sources = [os.path.join(d, name) for d, _, names in os.walk(os.path.join(root, folder))
                   for name in names if name.endswith((".c", ".h"))]
        for source in sorted(sources):
            path = os.path.dirname(source)
            with open(source, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    match = INCLUDE.match(line)
                    if not match:
                        continue
                    for base in (path, root):
                        target = os.path.normpath(os.path.join(base, match.group(1)))
                        if os.path.isfile(target) and target.startswith(root + os.sep):
                            to = os.path.relpath(target, root).split(os.sep)[0]
                            yield source, number, match.group(1), folder, to
                            break


def cycle_through(edges, start):
    """Returns a list of folders from start back to start, or None."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(edges.get(node, ())):
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def main():
    root = os.path.normpath(os.path.abspath(sys.argv[1]))
    problems, edges, folders = [], {}, set()
    for source, number, header, frm, to in includes(root):
        folders.add(frm)
        where = "%s:%d" % (os.path.relpath(source, os.path.dirname(root)), number)
        for folder in (frm, to):
            if folder not in RANK:
                problems.append("%s: folder %s/ has no layer: add it to LAYERS in %s "
                                "and to the README's layout" % (where, folder, __file__))
        if frm == to or frm not in RANK or to not in RANK:
            continue
        edges.setdefault(frm, set()).add(to)
        if RANK[to] > RANK[frm]:
            problems.append('%s: #include "%s": %s/ (layer %d, %s) includes %s/ (layer %d, %s), '
                            "a higher layer: move the shared code down or the caller up"
                            % (where, header, frm, RANK[frm], LAYERS[RANK[frm]][0], to,
                               RANK[to], LAYERS[RANK[to]][0]))
    for folder in sorted(edges):
        cycle = cycle_through(edges, folder)
        if cycle and folder == min(cycle):
            problems.append("folders include each other: %s" % " -> ".join(cycle))
    for line in problems:
        print("check_layers: %s" % line)
    print("check_layers: %d folders, %d folder edges, %d problems"
          % (len(folders), sum(len(v) for v in edges.values()), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
