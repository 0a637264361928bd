#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# README command 2: the same set-up, then the whole test suite: the gpu, vm,
# install and slow suites in the normal build, then the unit and e2e suites and
# a GPU subset in an AddressSanitizer + UndefinedBehaviorSanitizer build with
# LeakSanitizer on (UHD_SANITIZE=0 runs every suite in the normal build
# instead), then every libFuzzer target for 10 s (UHD_FUZZ_SECONDS). Arguments
# go to one `meson test` in the normal build (e.g. --suite unit) and skip the
# sanitizer and fuzzing parts.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" --test
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
# Huge pages for large malloc()s and no unmapping of freed ones, in every test
# and tool the suite starts (see tests/meson.build: page faults dominate the CPU
# models' time under a hypervisor).
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736}"

# A test that skips (exit 77: a tool, a sample or a device it needs is missing)
# would pass silently: here it fails the run, naming it. setup.sh installs
# everything the suite needs, so CI never skips. UHD_ALLOW_SKIPS=1 lets a
# developer's partial machine through.
fail_on_skips() {
    [[ "${UHD_ALLOW_SKIPS:-0}" == 1 ]] && return 0
    local skipped
    skipped=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    test = json.loads(line)
    if test.get("result") == "SKIP":
        print(test["name"])' "$1/meson-logs/testlog.json")
    if [[ -n "$skipped" ]]; then
        echo "test.sh: these tests skipped, which CI must run (UHD_ALLOW_SKIPS=1 accepts it):" >&2
        echo "$skipped" | sed 's/^/  /' >&2
        exit 1
    fi
}

# The named tests of build dir $1, in the order `meson test --list` gives
# (priority, then definition): `meson test NAME...` runs names in the order
# given, and tests that must run alone go first (tests/meson.build).
in_priority_order() {
    local build=$1
    shift
    meson test -C "$build" --list 2>/dev/null | sed -n 's|^[^ ]* / ||p' |
        grep -Fx -f <(printf '%s\n' "$@")
}

if [[ "${UHD_SANITIZE:-1}" == 0 || $# -gt 0 ]]; then
    meson test -C "$root/build" --print-errorlogs "$@"
    fail_on_skips "$root/build"
    exit 0
fi
# The unit and e2e suites run once, in the sanitizer build below: the same -O2
# code, instrumented. Here: the gpu, vm and install suites, the slow e2e tests
# (8K work inside the GPU driver, which no sanitizer instruments), and
# bad_input_matrix at its full size (30 bit-flip variants per clip; 5 under the
# sanitizers, to bound the time).
# One `meson test` for all of it, so that two tests run at once from start to
# end (separate runs would each wait for their last test alone).
mapfile -t normal_tests < <(in_priority_order "$root/build" $(
    meson test -C "$root/build" --list --no-suite unit --no-suite e2e \
        2>/dev/null | sed -n 's|^[^ ]* / ||p'
    meson test -C "$root/build" --list --suite slow 2>/dev/null | sed -n 's|^[^ ]* / ||p'
    echo bad_input_matrix))
meson test -C "$root/build" --print-errorlogs "${normal_tests[@]}"
fail_on_skips "$root/build"
san="$root/build-sanitize"
if [[ ! -f "$san/build.ninja" ]]; then
    # Static sanitizer runtimes, so that child processes of the tests (python,
    # ffmpeg) are not forced to load them.
    meson setup "$san" "$root" -Db_sanitize=address,undefined -Db_lundef=false \
        -Dbuildtype=debugoptimized -Dwerror=true \
        "-Dc_link_args=-static-libasan -static-libubsan" >/dev/null
fi
ninja -C "$san" >/dev/null
# The Vulkan loader unloads the driver at vkDestroyInstance; memory that the
# driver still reaches from its own globals then looks leaked. Keeping the
# driver mapped (LD_PRELOAD) lets LeakSanitizer see those pointers, so no
# suppression list is needed.
icd_json=$(ls /usr/share/vulkan/icd.d/lvp_icd.*.json 2>/dev/null | head -1 || true)
if [[ -n "$icd_json" ]]; then
    lvp=$(sed -n 's/.*"library_path": *"\([^"]*\)".*/\1/p' "$icd_json")
    export LD_PRELOAD="$lvp"
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# The 'slow' e2e tests spend their time in the GPU driver, which is not
# instrumented; the sanitizer build runs every other unit and e2e test.
# With them, in the same run, a GPU subset: three small CPU-model tests, one
# interleaved-chroma and one frames-in-flight case.
mapfile -t san_tests < <(in_priority_order "$san" $(
    meson test -C "$san" --list --suite unit --suite e2e --no-suite slow \
        2>/dev/null | sed -n 's|^[^ ]* / ||p'
    echo model_topleft_420p10_853x480 model_odd_422p10_1000x563 model_sdr_1080p_h264_2880x1620 \
        interleaved_odd_422p10_1000x563 in_flight_odd_422p10_1000x563))
meson test -C "$san" --print-errorlogs "${san_tests[@]}"
fail_on_skips "$san"
# libFuzzer targets (tests/fuzz), each for a bounded time; UHD_FUZZ_SECONDS=0 skips.
fuzz_seconds="${UHD_FUZZ_SECONDS:-10}"
if [[ "$fuzz_seconds" != 0 ]]; then
    unset LD_PRELOAD
    "$root/scripts/fuzz.sh" "$fuzz_seconds"
fi
