#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Side-by-side timing of `uhdpipe check` and ffmpeg's psnr/ssim filters on the
# same pair of clips, in one run (these machines are noisy: compare ratios
# from the same run only). Default pair: the 8K HDR10 sample and its CRF 30
# re-encode. Both domains of check (--domain rgb with every metric, --domain yuv).
# Usage: scripts/bench-check.sh [TEST REF [FRAMES]]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
test_clip="${1:-$root/samples/hdr10_8k_hevc_crf30.mkv}"
ref_clip="${2:-$root/samples/hdr10_8k_hevc.mkv}"
frames="${3:-8}"
uhdpipe="${UHDPIPE:-$root/build/uhdpipe}"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

seconds() { # seconds COMMAND...: wall time of the command, output discarded
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" "BEGIN { print b - a }"
}

row() { printf "%-44s %8.2f s %7.3f fps\n" "$1" "$2" "$(awk -v f="$frames" -v s="$2" "BEGIN { print f / s }")"; }

echo "pair: $(basename "$test_clip") vs $(basename "$ref_clip"), $frames frames"
ff=(ffmpeg -hide_banner -nostdin -v error -threads 2)
t_decode=$(seconds "${ff[@]}" -i "$test_clip" -i "$ref_clip" -frames:v "$frames" \
    -map 0:v -f null - -map 1:v -f null -)
t_psnr=$(seconds "${ff[@]}" -i "$test_clip" -i "$ref_clip" -lavfi "[0:v][1:v]psnr" \
    -frames:v "$frames" -f null -)
t_ssim=$(seconds "${ff[@]}" -i "$test_clip" -i "$ref_clip" -lavfi "[0:v][1:v]ssim" \
    -frames:v "$frames" -f null -)
t_both=$(seconds "${ff[@]}" -i "$test_clip" -i "$ref_clip" \
    -lavfi "[0:v]split[a][b];[1:v]split[c][d];[a][c]psnr[p];[b][d]ssim[s]" \
    -map "[p]" -frames:v "$frames" -f null - -map "[s]" -frames:v "$frames" -f null -)
report="$work/check.json"
t_check=$(seconds "$uhdpipe" check "$test_clip" --ref "$ref_clip" --frames "$frames" \
    --metrics psnr,ssim,deltaitp --min-psnr off --min-ssim off --max-deltaitp off \
    --max-deltaitp-p99 off --report-json "$report" -q)
t_yuv_psnr=$(seconds "$uhdpipe" check "$test_clip" --ref "$ref_clip" --frames "$frames" \
    --domain yuv --metrics psnr --min-psnr off -q)
t_yuv_both=$(seconds "$uhdpipe" check "$test_clip" --ref "$ref_clip" --frames "$frames" \
    --domain yuv --metrics psnr,ssim --min-psnr off --min-ssim off -q)
compare_s=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(f['ms']['compare'] for f in d['frames']) / 1e3)" "$report")

row "ffmpeg decode both clips" "$t_decode"
row "ffmpeg psnr (YUV 4:2:0 10-bit)" "$t_psnr"
row "ffmpeg ssim (YUV 4:2:0 10-bit)" "$t_ssim"
row "ffmpeg psnr + ssim" "$t_both"
row "uhdpipe check psnr,ssim,deltaitp (whole run)" "$t_check"
row "uhdpipe check: metrics only (GPU + upload)" "$compare_s"
row "uhdpipe check --domain yuv psnr" "$t_yuv_psnr"
row "uhdpipe check --domain yuv psnr,ssim" "$t_yuv_both"
ratio() { awk -v a="$1" -v b="$2" "BEGIN { printf \"%.3f\", a / b }"; }
echo "ratios (fps of uhdpipe / fps of ffmpeg, whole runs):"
echo "  check psnr,ssim,deltaitp (rgb) vs ffmpeg psnr+ssim: $(ratio "$t_both" "$t_check")"
echo "  check --domain yuv psnr vs ffmpeg psnr:             $(ratio "$t_psnr" "$t_yuv_psnr")"
echo "  check --domain yuv psnr,ssim vs ffmpeg psnr+ssim:   $(ratio "$t_both" "$t_yuv_both")"
