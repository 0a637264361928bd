#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Side-by-side timing of `uhdpipe check` and ffmpeg's psnr/ssim filters on the
# same pair of clips, in one run (these machines are noisy: compare ratios
# from the same run only). Default pair: the 8K HDR10 sample and its CRF 30
# re-encode. Both domains of check (--domain rgb with every metric, --domain yuv).
# Every command runs RUNS times in interleaved rounds (each command once per
# round), so noise from other users of the machine hits all rows alike. A row
# shows the median wall time, (min-max) over the runs, fps of the median and
# the peak resident memory (largest over the runs); ratios use medians.
# Peak memory comes from GNU time, else from a python3 wrapper (getrusage of
# its child); it is host memory only: device-local memory of a discrete GPU is
# not in it (with lavapipe everything is host memory). Goal: 8K check < 1.5 GiB.
# A command that fails is reported as FAILED with its exit code instead of
# being timed, is not run again, and makes the script exit 1.
# Usage: [RUNS=N] scripts/bench-check.sh [TEST REF [FRAMES [RUNS]]]
#        (FRAMES default 8, RUNS default 3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
test_clip="${1:-$root/samples/hdr10_8k_hevc_crf30.mkv}"
ref_clip="${2:-$root/samples/hdr10_8k_hevc.mkv}"
frames="${3:-8}"
runs="${4:-${RUNS:-3}}"
uhdpipe="${UHDPIPE:-$root/build/uhdpipe}"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
goal_mib=1536 # the issue's 8K peak-memory goal, 1.5 GiB
for n in "$frames" "$runs"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "bench-check: FRAMES and RUNS must be positive integers, got '$n'" >&2; exit 2; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The peak-memory probe, chosen once so every row is measured the same way.
# Both forms take the file for the peak (KiB, on its last line) and then the
# command, and exit with the command's status (128+N for signal N).
if [[ -x /usr/bin/time ]]; then
    memprobe=(/usr/bin/time -f %M -o)
elif command -v python3 >/dev/null; then
    # shellcheck disable=SC2016 # python source, not shell
    memprobe=(python3 -c '
import resource, subprocess, sys
try:
    rc = subprocess.call(sys.argv[2:])
except OSError as e:
    print(e, file=sys.stderr)
    rc = 127
with open(sys.argv[1], "w") as f:  # ru_maxrss: KiB on Linux
    f.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc if rc >= 0 else 128 - rc)')
else
    memprobe=() # peak memory is reported as n/a
fi

# The rows: one argv array cmd_ID per command, run through a nameref so that
# arguments with spaces or brackets survive without eval (shellcheck cannot
# see uses through the nameref, and the commas are uhdpipe's metric lists).
ff=(ffmpeg -hide_banner -nostdin -v error -threads 2)
report="$work/check.json"
# shellcheck disable=SC2034,SC2054
{
    cmd_decode=("${ff[@]}" -i "$test_clip" -i "$ref_clip" -frames:v "$frames"
        -map 0:v -f null - -map 1:v -f null -)
    cmd_psnr=("${ff[@]}" -i "$test_clip" -i "$ref_clip" -lavfi "[0:v][1:v]psnr"
        -frames:v "$frames" -f null -)
    cmd_ssim=("${ff[@]}" -i "$test_clip" -i "$ref_clip" -lavfi "[0:v][1:v]ssim"
        -frames:v "$frames" -f null -)
    cmd_both=("${ff[@]}" -i "$test_clip" -i "$ref_clip"
        -lavfi "[0:v]split[a][b];[1:v]split[c][d];[a][c]psnr[p];[b][d]ssim[s]"
        -map "[p]" -frames:v "$frames" -f null - -map "[s]" -frames:v "$frames" -f null -)
    cmd_check=("$uhdpipe" check "$test_clip" --ref "$ref_clip" --frames "$frames"
        --domain rgb --metrics psnr,ssim,deltaitp --min-psnr off --min-ssim off --max-deltaitp off
        --max-deltaitp-p99 off --report-json "$report" -q)
    cmd_yuv_psnr=("$uhdpipe" check "$test_clip" --ref "$ref_clip" --frames "$frames"
        --domain yuv --metrics psnr --min-psnr off -q)
    cmd_yuv_both=("$uhdpipe" check "$test_clip" --ref "$ref_clip" --frames "$frames"
        --domain yuv --metrics psnr,ssim --min-psnr off --min-ssim off -q)
}
commands=(decode psnr ssim both check yuv_psnr yuv_both) # run in this order
rows=(decode psnr ssim both check metrics yuv_psnr yuv_both) # shown in this order
declare -A label=(
    [decode]="ffmpeg decode both clips"
    [psnr]="ffmpeg psnr (YUV 4:2:0 10-bit)"
    [ssim]="ffmpeg ssim (YUV 4:2:0 10-bit)"
    [both]="ffmpeg psnr + ssim"
    [check]="uhdpipe check psnr,ssim,deltaitp (whole run)"
    [metrics]="uhdpipe check: metrics only (GPU + upload)"
    [yuv_psnr]="uhdpipe check --domain yuv psnr"
    [yuv_both]="uhdpipe check --domain yuv psnr,ssim"
)
declare -A times=() peak_kib=() failed=() median=()

now() { date +%s.%N; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { print a - b }'; }

# run_once ID: one run of cmd_ID. On success, appends its wall time to
# times[ID] and raises peak_kib[ID]; on failure records failed[ID] instead,
# since the time of a run that did not finish its work means nothing. Output
# goes to a per-row log, shown if the row fails.
run_once() {
    local id="$1" t0 t1 rc=0 kib
    local -n argv="cmd_$id"
    local mem="$work/$id.kib" log="$work/$id.log"
    rm -f "$mem" "$report"
    t0=$(now)
    if ((${#memprobe[@]})); then
        "${memprobe[@]}" "$mem" "${argv[@]}" >"$log" 2>&1 || rc=$?
    else
        "${argv[@]}" >"$log" 2>&1 || rc=$?
    fi
    t1=$(now)
    if ((rc != 0)); then
        failed[$id]="exit $rc"
        return
    fi
    times[$id]+="$(minus "$t1" "$t0") "
    kib=$(tail -n 1 "$mem" 2>/dev/null || true)
    if [[ $kib =~ ^[0-9]+$ ]] && ((kib > ${peak_kib[$id]:-0})); then
        peak_kib[$id]=$kib
    fi
    [[ $id != check ]] || metrics_of_report
}

# metrics_of_report: the "metrics only" figure of the check run just made,
# the sum of its per-frame compare times from the JSON report.
metrics_of_report() {
    local s
    if s=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(f['ms']['compare'] for f in d['frames']) / 1e3)" "$report" 2>"$work/metrics.log"); then
        times[metrics]+="$s "
    else
        failed[metrics]="no compare times in the report"
    fi
}

# stats "S1 S2 ...": prints "MEDIAN MIN MAX" (median of an even count: the
# mean of the middle two).
stats() {
    tr ' ' '\n' <<<"$1" | sort -g | awk 'NF { v[n++] = $1 }
        END { print (n % 2 ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2), v[0], v[n - 1] }'
}

# row ID: prints the row and keeps its median for the ratios; a failed row
# says FAILED with its exit code and the end of its output.
row() {
    local id="$1" med lo hi mib="-"
    if [[ -n ${failed[$id]:-} ]]; then
        printf "%-44s FAILED (%s)\n" "${label[$id]}" "${failed[$id]}"
        if [[ -s $work/$id.log ]]; then tail -n 3 "$work/$id.log" | sed 's/^/    | /'; fi
        return
    fi
    read -r med lo hi < <(stats "${times[$id]}")
    median[$id]=$med
    if [[ $id != metrics ]]; then
        mib=n/a
        [[ -z ${peak_kib[$id]:-} ]] || mib=$(awk -v k="${peak_kib[$id]}" 'BEGIN { printf "%.0f", k / 1024 }')
    fi
    printf "%-44s %8.2f s %-15s %8.3f fps %8s\n" "${label[$id]}" "$med" \
        "$(printf "(%.2f-%.2f)" "$lo" "$hi")" \
        "$(awk -v f="$frames" -v s="$med" 'BEGIN { print f / s }')" "$mib"
}

# ratio FFMPEG_ID UHDPIPE_ID: fps of uhdpipe over fps of ffmpeg, from the
# medians; n/a when either row failed.
ratio() {
    if [[ -z ${median[$1]:-} || -z ${median[$2]:-} ]]; then echo "n/a"; return; fi
    awk -v a="${median[$1]}" -v b="${median[$2]}" 'BEGIN { printf "%.3f", a / b }'
}

# peak_goal: the largest peak of the uhdpipe rows against the 1.5 GiB goal
# (the goal is for the 8K pair; other pairs are shown for reference).
peak_goal() {
    local id worst="" kib=0
    for id in check yuv_psnr yuv_both; do
        if [[ -n ${peak_kib[$id]:-} ]] && ((peak_kib[$id] > kib)); then kib=${peak_kib[$id]} worst=$id; fi
    done
    if [[ -z $worst ]]; then echo "uhdpipe peak memory: n/a"; return; fi
    awk -v k="$kib" -v g="$goal_mib" -v w="${label[$worst]}" 'BEGIN {
        printf "uhdpipe peak memory: %.0f MiB (%s), goal < %d MiB: %s\n",
            k / 1024, w, g, (k / 1024 < g ? "met" : "NOT MET") }'
}

echo "pair: $(basename "$test_clip") vs $(basename "$ref_clip"), $frames frames, $runs runs each (interleaved)"
for ((round = 1; round <= runs; round++)); do
    echo "round $round/$runs ..." >&2
    for id in "${commands[@]}"; do
        [[ -n ${failed[$id]:-} ]] || run_once "$id"
    done
done
if [[ -n ${failed[check]:-} ]]; then failed[metrics]="from the check run, which failed"; fi

printf "%-44s %8s   %-15s %12s %8s\n" "" "median" "(min-max)" "" "peak MiB"
for id in "${rows[@]}"; do row "$id"; done
echo "ratios (fps of uhdpipe / fps of ffmpeg, whole runs, medians):"
echo "  check psnr,ssim,deltaitp (rgb) vs ffmpeg psnr+ssim: $(ratio both check)"
echo "  check --domain yuv psnr vs ffmpeg psnr:             $(ratio psnr yuv_psnr)"
echo "  check --domain yuv psnr,ssim vs ffmpeg psnr+ssim:   $(ratio both yuv_both)"
peak_goal
if ((${#failed[@]})); then
    failed_rows=()
    for id in "${rows[@]}"; do [[ -z ${failed[$id]:-} ]] || failed_rows+=("$id"); done
    echo "bench-check: ${#failed[@]} row(s) FAILED: ${failed_rows[*]}" >&2
    exit 1
fi
