#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Soak run (issue 7; minutes long, not part of CI): plays CLIP with `-o null` at
# its own size again and again in one process (build/tests/soak) for SECONDS,
# and checks that resident memory grows by less than 1% after warm-up and that
# open file descriptors and live Vulkan objects stay the same in every run.
# Leaves one CSV line per run and the printed figures in build/soak/
# (BUILD_DIR=DIR: another meson build folder, and DIR/soak/).
# Usage: scripts/soak.sh [SECONDS (600)] [CLIP (samples/hdr10_8k_hevc.mkv)]
# Exit: 0 PASS, 1 FAIL, 2 usage or a run that failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-600}"
clip="${2:-$root/samples/hdr10_8k_hevc.mkv}"
build="${BUILD_DIR:-$root/build}"
soak="$build/tests/soak"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"

# Only what the soak runs: work in progress elsewhere in the tree must not stop it.
ninja -C "$build" --quiet tests/soak
out="$build/soak"
mkdir -p "$out"
stamp="$(date +%Y%m%d-%H%M%S)"
csv="$out/soak-$stamp.csv"
echo "soak.sh: $seconds s of $(basename "$clip"); one line per run in $csv"
"$soak" "$seconds" "$clip" "$csv" | tee "$out/soak-$stamp.txt"
