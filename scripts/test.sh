#!/usr/bin/env bash
# README command 2: the same set-up, then the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
meson test -C "$root/build" --print-errorlogs "$@"
