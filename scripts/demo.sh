#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# README command 1, the main job: set up, then play the 8K HDR10 sample
# headless through the GPU into 16-bit PNGs scaled to 3840x2160, with a report.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
out="$root/out/hdr10_8k"
mkdir -p "$out"
# -y: a second run replaces the first one's frames (uhdpipe refuses a folder
# that holds files without it).
"$root/build/uhdpipe" play "$root/samples/hdr10_8k_hevc.mkv" --size 3840x2160 \
    -o "png:$out/frames" -y --report "$out/report.json"
echo "frames: $out/frames"
echo "report: $out/report.json"
