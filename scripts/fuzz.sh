#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets (clang, AddressSanitizer + UndefinedBehaviorSanitizer)
# in build-fuzz/ and runs each for a bounded time from its seed corpus in
# tests/fuzz/corpus/TARGET/. A crash, leak, timeout or sanitizer report fails the
# run and leaves the input in build-fuzz/findings/TARGET/: add it to the corpus as
# a regression input once fixed.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET (default 30)] [TARGET...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-30}"
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    targets=(fuzz_png_load fuzz_refs fuzz_suite fuzz_sequence fuzz_control fuzz_cli
        fuzz_decode fuzz_edid)
fi
build="$root/build-fuzz"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"

if [[ ! -f "$build/build.ninja" ]]; then
    CC=clang meson setup "$build" "$root" -Dfuzz=true -Dwerror=true \
        -Dbuildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false \
        -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
fi
ninja -C "$build" "${targets[@]/#/tests/}" >/dev/null

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
# One target: its corpus, its findings folder and its log; status 1 on a finding.
fuzz_one() {
    local target=$1
    local seeds="$root/tests/fuzz/corpus/${target#fuzz_}"
    local work="$build/corpus/$target"
    local findings="$build/findings/$target"
    mkdir -p "$work" "$findings"
    local log="$build/findings/$target.log"
    local extra=()
    [[ "$target" == fuzz_cli ]] && extra=(-close_fd_mask=2) # usage errors on stderr
    local lsan=""
    # The GPU target keeps its Vulkan context across inputs (see the file).
    [[ "$target" == fuzz_decode ]] && lsan="suppressions=$root/tests/fuzz/lsan-drivers.supp"
    if (cd "$findings" && LSAN_OPTIONS="$lsan" "$build/tests/$target" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=4096 -max_len=65536 "${extra[@]}" "$work" "$seeds" >"$log" 2>&1); then
        echo "fuzz: $target: $(grep -Eo '#[0-9]+' "$log" | tail -1 | tr -d '#') runs in ${seconds} s, no findings"
    else
        echo "fuzz: $target FAILED; input and log in $findings" >&2
        grep -E "ERROR|SUMMARY|runtime error" "$log" | head -5 >&2 || true
        return 1
    fi
}

# Each target is one process on one core: as many run at once as there are
# cores (UHD_FUZZ_JOBS), so the time per target stays as asked.
jobs="${UHD_FUZZ_JOBS:-$(nproc)}"
failed=0
running=0
for target in "${targets[@]}"; do
    if ((running >= jobs)); then
        wait -n || failed=1
        running=$((running - 1))
    fi
    fuzz_one "$target" &
    running=$((running + 1))
done
while ((running > 0)); do
    wait -n || failed=1
    running=$((running - 1))
done
exit "$failed"
