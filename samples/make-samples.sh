#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make-samples.sh - generate synthetic test clips for uhdpipe.
#
# Usage: samples/make-samples.sh [OUTDIR]
#   OUTDIR defaults to the directory this script lives in.
#
# Every clip is built from ffmpeg's own lavfi sources (testsrc2 mosaic or
# mandelbrot, a moving Sierpinski carpet, temporal noise, a rotating
# multi-colour gradient), so the content is detailed, moves from frame to
# frame, and is deterministic (reruns are byte-identical).
# Clips that already exist are skipped; each clip is written to a hidden
# temporary name and renamed only when ffmpeg succeeded, so an interrupted run
# never leaves a half-written clip under the final name.
# Needs: ffmpeg/ffprobe with libx265 (10- and 12-bit), libx264, libsvtav1,
# ffv1.  See samples/README.md for what each clip exercises.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

for tool in ffmpeg ffprobe; do
    command -v "$tool" >/dev/null 2>&1 || { echo "make-samples: $tool not found" >&2; exit 1; }
done

FPS=24
FF=(ffmpeg -hide_banner -loglevel error -nostdin -y)

tmp=""
cleanup() { if [[ -n "$tmp" ]]; then rm -f -- "$tmp"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

made=0
skipped=0

# src W H PIXFMT RANGE(tv|pc) BASE(testsrc2|mandelbrot) SEED C0 C1 C2 C3
# Prints a lavfi filtergraph producing WxH PIXFMT frames at $FPS:
#  - testsrc2: colour bars, moving objects, timecode text; at 4K/8K it is a
#    2x2 / 4x4 mosaic of 1080p testsrc2 frames taken at successive instants,
#    so the picture is not just a few huge bars.  A moving Sierpinski carpet
#    is overlay-blended on top for fine, high-frequency detail at every size.
#  - mandelbrot: fractal detail with a slow zoom.
#  - temporal uniform noise adds per-frame grain;
#  - a 4-colour rotating gradient (rendered small and upscaled) is soft-light
#    blended at the output bit depth, so the low bits are populated and the
#    code-value range is swept;
#  - limited range: clamped to the nominal video range (luma 16..235 scaled
#    to the bit depth, same bound on chroma); full range: expanded to 0..max.
src() {
    local w=$1 h=$2 pf=$3 range=$4 base=$5 seed=$6 c0=$7 c1=$8 c2=$9 c3=${10}
    local gw=$(( (w / 8) | 1 )) gh=$(( (h / 8) | 1 ))
    # testsrc2/sierpinski round odd sizes down to the 4:2:0 grid, so odd
    # sizes are rendered in 4:4:4.
    local bf=yuv420p
    if (( (w | h) & 1 )); then bf=yuv444p; fi
    local b
    case "$base" in
        testsrc2)
            local n=1
            if (( w >= 7680 )); then n=4; elif (( w >= 3840 )); then n=2; fi
            if (( n > 1 )); then
                b="testsrc2=s=$((w / n))x$((h / n)):r=$((FPS * n * n)),tile=${n}x${n},setpts=N/${FPS}/TB,fps=${FPS}"
            else
                b="testsrc2=s=${w}x${h}:r=${FPS},format=${bf}"
            fi
            b+="[t];sierpinski=s=${w}x${h}:r=${FPS}:type=carpet:seed=${seed},format=${bf}[s];"
            b+="[t][s]blend=all_mode=overlay:all_opacity=0.6"
            ;;
        mandelbrot)
            b="mandelbrot=s=${w}x${h}:r=${FPS}:start_scale=0.5:end_scale=0.001:maxiter=96:outer=normalized_iteration_count,format=${bf}"
            ;;
        *) echo "make-samples: bad base $base" >&2; return 1 ;;
    esac
    local depth
    case "$pf" in
        *p10le) depth=10 ;; *p12le) depth=12 ;; *) depth=8 ;;
    esac
    local fix=""
    if [[ "$range" == tv ]]; then
        fix=",limiter=min=$(( 16 << (depth - 8) )):max=$(( 235 << (depth - 8) ))"
    fi
    printf '%s' \
        "${b},noise=alls=22:allf=t+u,scale=in_range=tv:out_range=${range}:flags=bilinear,format=${pf}[a];" \
        "gradients=s=${gw}x${gh}:r=${FPS}:speed=0.06:seed=${seed}:n=4:c0=${c0}:c1=${c1}:c2=${c2}:c3=${c3}," \
        "scale=${w}:${h}:flags=bilinear:out_range=${range},format=${pf}[b];" \
        "[a][b]blend=all_mode=softlight${fix}"
}

# clip NAME MUXER FRAMES W H PIXFMT RANGE BASE SEED C0 C1 C2 C3 -- ENCODER-ARGS...
clip() {
    local name=$1 fmt=$2 frames=$3 w=$4 h=$5 pf=$6 range=$7 base=$8 seed=$9
    local c0=${10} c1=${11} c2=${12} c3=${13}
    shift 13
    [[ "${1:-}" == -- ]] && shift
    if [[ -s "$out/$name" ]]; then skipped=$((skipped + 1)); return 0; fi
    local graph t0
    graph="$(src "$w" "$h" "$pf" "$range" "$base" "$seed" "$c0" "$c1" "$c2" "$c3")"
    tmp="$out/.${name}.partial.$$"
    t0=$SECONDS
    SVT_LOG=1 "${FF[@]}" -f lavfi -i "$graph" -frames:v "$frames" -an -map_metadata -1 \
        "$@" -pix_fmt "$pf" -fflags +bitexact -f "$fmt" "$tmp"
    mv -f -- "$tmp" "$out/$name"
    tmp=""
    made=$((made + 1))
    printf 'made %-22s %5sx%-5s %-12s %d frame(s) %3ds\n' "$name" "$w" "$h" "$pf" "$frames" $((SECONDS - t0))
}

# HDR10 static metadata: Display P3 primaries, D65, 1000 / 0.0001 cd/m^2,
# MaxCLL 1000, MaxFALL 400.  x265 uses 0.00002 / 0.0001 units, SVT-AV1 floats.
MD='G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1)'
MD_SVT='G(0.265,0.690)B(0.150,0.060)R(0.680,0.320)WP(0.3127,0.3290)L(1000.0,0.0001)'

# 1. 8K HDR10: HEVC Main10, BT.2020/PQ, mastering display + MaxCLL SEI.
clip hdr10_8k_hevc.mkv matroska 8 7680 4320 yuv420p10le tv testsrc2 11 black white 0x2040ff 0xff6010 -- \
    -c:v libx265 -preset ultrafast -profile:v main10 \
    -x265-params "log-level=error:hdr10=1:repeat-headers=1:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:range=limited:chromaloc=0:master-display=${MD}:max-cll=1000,400" \
    -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc -color_range tv -chroma_sample_location left

# 2. 4K HLG: HEVC Main10, BT.2020/ARIB STD-B67.
clip hlg_4k_hevc.mkv matroska 8 3840 2160 yuv420p10le tv testsrc2 23 black 0xf0f0f0 0x10c040 0xc02090 -- \
    -c:v libx265 -preset ultrafast -profile:v main10 \
    -x265-params "log-level=error:repeat-headers=1:colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc:range=limited:chromaloc=0" \
    -color_primaries bt2020 -color_trc arib-std-b67 -colorspace bt2020nc -color_range tv -chroma_sample_location left

# 3. 4K PQ AV1 10-bit (SVT-AV1), with HDR10 static metadata as well.
clip pq_4k_av1.mkv matroska 8 3840 2160 yuv420p10le tv testsrc2 37 black white 0xffd000 0x0040ff -- \
    -c:v libsvtav1 -preset 12 -g 8 \
    -svtav1-params "enable-hdr=1:mastering-display=${MD_SVT}:content-light=1000,400" \
    -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc -color_range tv -chroma_sample_location left

# 4. 1080p SDR H.264 8-bit BT.709 in MP4.
clip sdr_1080p_h264.mp4 mp4 8 1920 1080 yuv420p tv testsrc2 41 black white 0xff2020 0x20ff20 -- \
    -c:v libx264 -preset veryfast -profile:v high -crf 18 \
    -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv -chroma_sample_location left

# FFV1 (lossless, version 3) is used for the odd-size clips: x265 refuses odd
# widths with subsampled chroma ("Picture width must be an integer multiple of
# the specified chroma subsampling"); 4:4:4 uses FFV1 too for symmetry.  FFV1
# has no colour/VUI fields, so colour tags and chroma siting live only in the
# Matroska Colour element.
FFV1=(-c:v ffv1 -level 3 -g 1 -slices 4 -slicecrc 1)

# 5. Odd size 4:2:2 10-bit, BT.709.
clip odd_422p10.mkv matroska 6 1921 1081 yuv422p10le tv testsrc2 53 black white 0x8000ff 0x00ffc0 -- \
    "${FFV1[@]}" \
    -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv -chroma_sample_location left

# 6. Odd size 4:4:4 10-bit, BT.2020/PQ tags.
clip odd_444p10.mkv matroska 6 1921 1081 yuv444p10le tv testsrc2 67 black white 0xff0080 0x80ff00 -- \
    "${FFV1[@]}" \
    -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc -color_range tv

# 7. 12-bit 4:2:0, FULL range, BT.601 (smpte170m), centre chroma: HEVC Main12.
clip full_601_12bit.mkv matroska 4 1280 720 yuv420p12le pc mandelbrot 71 black white 0xff8000 0x0080ff -- \
    -c:v libx265 -preset ultrafast -profile:v main12 \
    -x265-params "log-level=error:repeat-headers=1:colorprim=smpte170m:transfer=smpte170m:colormatrix=smpte170m:range=full:chromaloc=1" \
    -color_primaries smpte170m -color_trc smpte170m -colorspace smpte170m -color_range pc -chroma_sample_location center

# 8. 10-bit 4:2:0, top-left chroma siting, BT.709 (FFV1: siting in container only).
clip topleft_420p10.mkv matroska 4 1280 720 yuv420p10le tv mandelbrot 83 black white 0x40ff40 0xff40ff -- \
    "${FFV1[@]}" \
    -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv -chroma_sample_location topleft

# 9a. Single frame.
clip short_1frame.mkv matroska 1 640 360 yuv420p10le tv testsrc2 97 black white 0x2040ff 0xff6010 -- \
    -c:v libx265 -preset ultrafast -profile:v main10 \
    -x265-params "log-level=error:repeat-headers=1:colorprim=bt709:transfer=bt709:colormatrix=bt709:range=limited:chromaloc=0" \
    -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv -chroma_sample_location left

# 9b. Zero frames: a Matroska file with one HEVC video track (codec private,
# colour tags copied from short_1frame.mkv) but no blocks.  ffmpeg 5.1 can
# write such a file, but its own Matroska demuxer then fails to open a segment
# that has no Cluster at all ("End of file").  So the file is written with
# -live 1 (unknown segment size) and one empty Cluster (Timestamp 0, no
# blocks) is appended, which is still valid Matroska and which ffprobe opens:
# one video stream, zero frames.
if [[ -s "$out/zero_frames.mkv" ]]; then
    skipped=$((skipped + 1))
else
    tmp="$out/.zero_frames.mkv.partial.$$"
    "${FF[@]}" -i "$out/short_1frame.mkv" -map 0:v:0 -c copy -frames:v 0 -map_metadata -1 \
        -fflags +bitexact -live 1 -f matroska "$tmp"
    # Cluster ID 1F43B675, size 3; Timestamp (E7) size 1 value 0.
    printf '\x1f\x43\xb6\x75\x83\xe7\x81\x00' >>"$tmp"
    ffprobe -v error -select_streams v:0 -show_entries stream=codec_type -of csv=p=0 "$tmp" \
        | grep -qx video || { echo "make-samples: zero_frames.mkv not readable by ffprobe" >&2; exit 1; }
    mv -f -- "$tmp" "$out/zero_frames.mkv"
    tmp=""
    made=$((made + 1))
    printf 'made %-22s %5sx%-5s %-12s %d frame(s)\n' zero_frames.mkv 640 360 yuv420p10le 0
fi

# derive NAME SOURCE -- ENCODER-ARGS...: a clip re-encoded from another sample,
# for the reference-comparison tests.
derive() {
    local name=$1 source=$2
    shift 2
    [[ "${1:-}" == -- ]] && shift
    if [[ -s "$out/$name" ]]; then skipped=$((skipped + 1)); return 0; fi
    local t0=$SECONDS
    tmp="$out/.${name}.partial.$$"
    "${FF[@]}" -i "$out/$source" -an -map_metadata -1 "$@" -fflags +bitexact -f matroska "$tmp"
    mv -f -- "$tmp" "$out/$name"
    tmp=""
    made=$((made + 1))
    printf 'made %-22s from %s %3ds\n' "$name" "$source" $((SECONDS - t0))
}

# 10. topleft_420p10.mkv with frame 2 (only) blurred, losslessly: every other
# frame decodes bit-identical to the source clip's.
derive topleft_420p10_blur2.mkv topleft_420p10.mkv -- \
    -vf "gblur=sigma=1.5:enable='eq(n,2)'" "${FFV1[@]}" -pix_fmt yuv420p10le \
    -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv -chroma_sample_location topleft

# 11. A second, lower-quality encode of the 8K HDR10 clip (x265 CRF 30), with
# the same HDR10 signalling: the peer pair for quality checks at 8K.
derive hdr10_8k_hevc_crf30.mkv hdr10_8k_hevc.mkv -- \
    -c:v libx265 -preset ultrafast -profile:v main10 -pix_fmt yuv420p10le \
    -x265-params "log-level=error:crf=30:hdr10=1:repeat-headers=1:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:range=limited:chromaloc=0:master-display=${MD}:max-cll=1000,400" \
    -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc -color_range tv -chroma_sample_location left

echo "make-samples: $made made, $skipped already present in $out"
