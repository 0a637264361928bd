#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Bad input gets one clear line on stderr and the documented exit code
# (docs/commands.md, "Exit codes"), never a crash and never a PNG left under
# its final name. Needs $UHDPIPE and $SAMPLES (set by meson).
set -u
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
checks=0
good="$SAMPLES/short_1frame.mkv"

# expect CODE PATTERN -- ARGS...: exit code CODE, stderr is one line (warnings
# aside) that matches PATTERN.
expect() {
    local code=$1 pattern=$2
    shift 3
    checks=$((checks + 1))
    "$UHDPIPE" "$@" >"$work/stdout" 2>"$work/stderr"
    local got=$?
    local lines
    lines=$(grep -vc '^uhdpipe: warning' "$work/stderr")
    if [[ $got -ne $code ]] || ! grep -Eq -- "$pattern" "$work/stderr" || [[ $lines -ne 1 ]]; then
        echo "FAIL: uhdpipe $* -> exit $got (want $code), stderr:"
        sed 's/^/    /' "$work/stderr"
        failures=$((failures + 1))
    else
        echo "ok: exit $code: $(head -1 "$work/stderr")"
    fi
}

[[ -f "$good" ]] || { echo "FAIL: $good missing; run samples/make-samples.sh"; exit 1; }

printf 'this is not a video\n' >"$work/text.mkv"
: >"$work/empty.mkv"
head -c 4096 "$SAMPLES/hlg_4k_hevc.mkv" >"$work/truncated.mkv"
ffmpeg -nostdin -v error -f lavfi -i testsrc2=s=64x64:r=1 -frames:v 1 -c:v ffv1 \
    -pix_fmt bgr0 "$work/rgb.mkv"
# NV21 (Cr before Cb) and 4:1:1 are not taken (NV12, the hardware decoders'
# layout, is: tests/e2e_hwaccel.py).
for fmt in nv21 yuv411p; do
    ffmpeg -nostdin -v error -f lavfi -i testsrc2=s=64x64:r=1 -frames:v 1 -c:v rawvideo \
        -pix_fmt $fmt "$work/$fmt.nut"
done
ffmpeg -nostdin -v error -f lavfi -i sine=d=0.2 "$work/audio.wav"
mkdir "$work/dir.mkv"
# A clip with bytes overwritten at fixed places: the decoder notices and the run fails.
cp "$SAMPLES/hlg_4k_hevc.mkv" "$work/damaged.mkv"
size=$(stat -c %s "$work/damaged.mkv")
for i in $(seq 1 40); do
    printf '\xde\xad\xbe\xef%.0s' $(seq 1 16) |
        dd of="$work/damaged.mkv" bs=1 seek=$(((size / 41) * i)) conv=notrunc status=none
done
: >"$work/not-a-folder"

expect 3 "cannot open .*missing.mkv.*No such file" -- play "$work/missing.mkv" -o null
expect 3 "folder .* has no .png files" -- play "$work/dir.mkv" -o null
expect 3 "not a readable media file|no video frames" -- play "$work/text.mkv" -o null
expect 3 "not a readable media file" -- play "$work/empty.mkv" -o null
expect 3 "not a readable media file|no video frames|cannot read stream" -- info "$work/truncated.mkv"
expect 3 "has no video stream" -- info "$work/audio.wav"
expect 3 "the clip is damaged" -- play "$work/damaged.mkv" --strict --size 640x360 -o null
expect 4 "pixel format bgr0 is not supported" -- play "$work/rgb.mkv" -o null
expect 4 "pixel format nv21 is not supported" -- play "$work/nv21.nut" -o null
expect 4 "pixel format yuv411p is not supported" -- play "$work/yuv411p.nut" -o null
if [[ -f "$SAMPLES/zero_frames.mkv" ]]; then
    expect 3 "no video frames" -- play "$SAMPLES/zero_frames.mkv" -o null
fi
expect 2 "--size needs WxH" -- play "$good" --size 0x0 -o null
expect 2 "--size needs WxH" -- play "$good" --size 12x -o null
expect 2 "unknown --scaler" -- play "$good" --scaler sinc -o null
expect 2 "--frames needs a whole number >= 1" -- play "$good" --frames -3 -o null
expect 2 "--frames needs a whole number >= 1" -- play "$good" --frames 0 -o null
expect 2 "--start needs a whole number" -- play "$good" --start x -o null
expect 2 "--size needs a value" -- play "$good" --size
expect 2 "unknown option --bogus" -- play "$good" --bogus
expect 2 "unknown option --bogus" -- info "$good" --bogus
expect 2 "unknown output 'png:'" -- play "$good" -o png:
expect 2 "give exactly one INPUT" -- play -o null
expect 2 "unknown command" -- frobnicate
expect 2 "unknown command 'frobnicate'" -- help frobnicate
# `uhdpipe help COMMAND` is the command's --help, on stdout, exit 0.
for command in info play pattern probe refs check bench; do
    checks=$((checks + 1))
    if ! "$UHDPIPE" help "$command" 2>&1 | cmp -s - <("$UHDPIPE" "$command" --help 2>&1) ||
        ! "$UHDPIPE" help "$command" | grep -q "usage: uhdpipe $command"; then
        echo "FAIL: uhdpipe help $command differs from uhdpipe $command --help"
        failures=$((failures + 1))
    fi
done
checks=$((checks + 1))
if ! "$UHDPIPE" help | grep -q "help \[COMMAND\]"; then
    echo "FAIL: uhdpipe help does not list the commands"
    failures=$((failures + 1))
fi
expect 2 "unknown output" -- play "$good" -o tape:/dev/st0
expect 5 "over the device's image limit" -- play "$good" --size 40000x100 -o null
expect 5 "no Vulkan device .* matches 'no-such-gpu'" -- play "$good" --device no-such-gpu -o null
# The loader's own complaints reach the validation messenger; judge our line alone.
VK_ICD_FILENAMES=/nonexistent.json UHD_VK_VALIDATION=0 expect 5 "no Vulkan (driver|device)" -- play "$good" -o null
VK_ICD_FILENAMES=/nonexistent.json UHD_VK_VALIDATION=0 expect 5 "no Vulkan driver" -- probe
expect 2 "takes no INPUT" -- probe "$good"
expect 6 "cannot write PNG frames into" -- play "$good" -o "png:$work/not-a-folder/frames"
expect 6 "cannot write the report" -- play "$good" -o null --report "$work/no/such/dir/r.json"
# A file where a folder should be is "Not a directory", not "Permission denied".
expect 6 "report .*not-a-folder/r.json.*Not a directory" -- play "$good" -o null \
    --report "$work/not-a-folder/r.json"
expect 6 "report .*not-a-folder/r.json.*Not a directory" -- check "$good" --ref "$good" \
    --report-json "$work/not-a-folder/r.json"
expect 6 "JUnit .*not-a-folder/r.xml.*Not a directory" -- check "$good" --ref "$good" \
    --junit "$work/not-a-folder/r.xml"
expect 6 "reference folder .*not-a-folder.*Not a directory" -- refs "$good" \
    -o "$work/not-a-folder"
# A run that fails on its input still writes its report, marked incomplete.
expect 3 "cannot open" -- play "$work/missing.mkv" -o null --report "$work/failed.json"
checks=$((checks + 1))
if ! grep -q '"complete": false' "$work/failed.json" 2>/dev/null; then
    echo "FAIL: no incomplete report after an input failure"
    failures=$((failures + 1))
fi
expect 3 "past the last frame" -- play "$good" --start 5 -o null

# Displays (-o kms): option values are usage errors; the real device is tested
# in the kms_vm test's guest. Without any DRM device the run says so (exit 8).
expect 2 "are for -o kms" -- play "$good" -o null --mode 1920x1080
expect 2 "--mode needs WxH" -- play "$good" -o kms --mode 1920x
expect 2 "--mode needs WxH" -- pattern ramp -o kms --mode 1920x1080@0
expect 2 "unknown --format 'rgb565'" -- play "$good" -o kms --format rgb565
expect 2 "unknown --format 'XR99' .*or their fourccs XR24, XR30" -- pattern ramp -o kms --format XR99
expect 2 "unknown HDR mode" -- play "$good" -o kms --hdr hdr10
expect 2 "unknown --scanout 'dmabuf' .*zero-copy-vulkan-to-kms" -- pattern ramp -o kms --scanout dmabuf
expect 2 "--drop-late and --scanout are for -o kms" -- play "$good" -o null --scanout zero-copy-vulkan-to-kms
expect 2 "--drop-late and --scanout are for -o kms" -- play "$good" -o null --scanout cpu
expect 2 "hdr-metadata" -- play "$good" -o kms --hdr-metadata max=0.00001,min=5
expect 2 "--duration needs seconds" -- play "$good" -o null --duration 0
expect 2 "unknown output 'kmsx'" -- play "$good" -o kmsx
if ! ls /dev/dri/card* >/dev/null 2>&1; then
    expect 8 "no DRM device: use -o png:DIR for headless runs" -- play "$good" -o kms \
        --report "$work/kms.json"
    expect 8 "no DRM device" -- pattern ramp --size 64x64 -o kms:HDMI-A-1
    # A fourcc as probe prints it is a --format (the guest scans one out).
    expect 8 "no DRM device" -- pattern ramp --size 64x64 -o kms --format XR30
    checks=$((checks + 1))
    if ! grep -q '"complete": false' "$work/kms.json" 2>/dev/null; then
        echo "FAIL: no incomplete report after a display failure"
        failures=$((failures + 1))
    fi
fi

# --loglevel, anywhere on the line as ffmpeg's -loglevel.
expect 2 "unknown --loglevel 'loud' \(quiet, error, warning, info, verbose, debug\)" -- \
    --loglevel loud info "$good"
expect 2 "--loglevel needs a value" -- info "$good" --loglevel
# loglevel_case NAME WANT_EXIT GREP_ARGS -- ARGS: stderr checked with grep GREP_ARGS.
loglevel_case() {
    local name=$1 code=$2 pattern=$3
    shift 4
    checks=$((checks + 1))
    "$UHDPIPE" "$@" >"$work/stdout" 2>"$work/stderr"
    local got=$?
    if [[ $got -ne $code ]] || ! eval "$pattern"; then
        echo "FAIL: $name: uhdpipe $* -> exit $got (want $code), stderr:"
        sed 's/^/    /' "$work/stderr" | head -5
        failures=$((failures + 1))
    else
        echo "ok: $name"
    fi
}
loglevel_case "quiet says nothing, the exit code tells" 3 '[[ ! -s $work/stderr ]]' -- \
    --loglevel quiet info "$work/missing.mkv"
loglevel_case "error keeps the error" 3 'grep -q "^uhdpipe: error: " "$work/stderr"' -- \
    info "$work/missing.mkv" --loglevel=error
loglevel_case "info (default) keeps libav's messages back" 0 \
    '! grep -q "libav:" "$work/stderr"' -- play "$good" -o null --frames 1
loglevel_case "debug shows libav's messages" 0 'grep -q "^uhdpipe: debug: libav: " "$work/stderr"' \
    -- play "$good" -o null --frames 1 --loglevel debug
loglevel_case "-q does not undo --loglevel debug" 0 'grep -q "uhdpipe: debug: " "$work/stderr"' \
    -- --loglevel debug play "$good" -o null --frames 1 -q
loglevel_case "usage errors: one format" 2 \
    'grep -qx "uhdpipe: error: give one INPUT and --ref REF; see .uhdpipe check --help." "$work/stderr"' \
    -- check "$good"

# '-' reads a clip from stdin where the container allows it (one pass).
expect_stdin() { # expect_stdin FILE CODE PATTERN -- ARGS: expect with FILE on stdin
    local file=$1
    shift
    expect "$@" <"$file"
}
expect_stdin "$SAMPLES/sdr_1080p_h264.mp4" 3 "'-'.*cannot be read.*-movflags \+faststart" -- \
    info -
expect 2 "give a file, not '-'" -- bench -
expect 2 "cannot both be '-'" -- check - --ref -
checks=$((checks + 1))
if "$UHDPIPE" info - <"$good" >"$work/stdin-info" 2>"$work/stderr" &&
    grep -q "^frames: *unknown" "$work/stdin-info" && grep -q "^size: *640x360" "$work/stdin-info" &&
    "$UHDPIPE" play - -o "png:$work/from-stdin" -q <"$good" 2>>"$work/stderr" &&
    "$UHDPIPE" play "$good" -o "png:$work/from-file" -q 2>>"$work/stderr" &&
    cmp -s "$work/from-stdin/frame-000000.png" "$work/from-file/frame-000000.png"; then
    echo "ok: info - and play - read stdin; the frame equals the file's"
else
    echo "FAIL: reading a clip from stdin:"
    sed 's/^/    /' "$work/stdin-info" "$work/stderr" | head -20
    failures=$((failures + 1))
fi

# Suite files: stdin is no suite input; "defaults" is an object.
printf '{"entries": [{"input": "-", "ref": "%s"}]}' "$good" >"$work/stdin-suite.json"
expect 2 "entry 0: '-' \\(stdin\\) is no input in a suite" -- check --suite "$work/stdin-suite.json"
printf '{"defaults": 5, "entries": [{"input": "%s", "ref": "%s"}]}' "$good" "$good" \
    >"$work/defaults-suite.json"
expect 2 '"defaults" must be an object' -- check --suite "$work/defaults-suite.json"

# A failed run leaves no temporary or partial PNG behind.
leftovers=$(find "$work" -name '.frame-*' | wc -l)
checks=$((checks + 1))
if [[ $leftovers -ne 0 ]]; then
    echo "FAIL: temporary files left behind"
    failures=$((failures + 1))
fi

echo "$((checks - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
