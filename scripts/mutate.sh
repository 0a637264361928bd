#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mutate.sh: shows that the suite catches small deliberate bugs. Each mutation
# is one sed edit of one file; the script applies it in a scratch copy of the
# tree, builds there, runs the tests named for it, and expects at least one
# to fail. Not part of CI (minutes per mutation); run it after changing a test
# or a tolerance. The list and its last results are in docs/testing.md,
# "Mutation checks".
#
# usage: scripts/mutate.sh [NAME ...]   (default: every mutation)
# Needs a configured tree (./scripts/setup.sh has been run once).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"

# NAME@FILE@sed expression@tests that must fail (meson test names)
mutations=(
    "round8-down@shaders/vscale_periodic.comp@s/rgb\[p\] \* peak + 0.5/rgb[p] * peak + (OUT_BITS == 8u ? 0.0 : 0.5)/@model_sdr_1080p_h264_960x540 zimg_sdr_1080p_h264_960x540_bilinear"
    "period2-phase-swap@shaders/hscale_periodic.comp@s/(p == 0u ? OFFSET0 : OFFSET1)/(p == 0u ? OFFSET1 : OFFSET0)/@model_hlg_4k_hevc_7680x4320 model_hdr10_8k_hevc_7680x4320"
    "period2-vertical-weights@shaders/vscale_periodic.comp@s/uint w = (o % PERIOD12) \* TAPS12 + t;/uint w = ((o + 1u) % PERIOD12) * TAPS12 + t;/@model_hlg_4k_hevc_7680x4320 model_hdr10_8k_hevc_7680x4320"
    "lanczos-window@pipeline/convert/filter.c@s|sinc(x / 3.0)|sinc(x / 3.3)|@model_odd_422p10_1000x563 zimg_topleft_420p10_lanczos3 zimg_hlg_4k_hevc_lanczos3"
    "pq-m2-itp@shaders/itp.glsl@s|2523.0 / 4096.0|2524.0 / 4096.0|@metrics"
    "ssim-luma-bt709@pipeline/quality/comparer_run.c@s|(float)luma\[r\];|(float)(double[]){0.2126, 0.7152, 0.0722}[r];|@metrics_vs_peers"
    "siting-bottom-as-centre@pipeline/convert/converter.c@s/if (siting == UHD_SITING_BOTTOMLEFT [|][|] siting == UHD_SITING_BOTTOM) {/if (siting == UHD_SITING_BOTTOMLEFT) {/@colour_paths"
    "siting-top-as-centre@pipeline/convert/converter.c@s/if (siting == UHD_SITING_TOPLEFT [|][|] siting == UHD_SITING_TOP) {/if (siting == UHD_SITING_TOPLEFT) {/@colour_paths"
    "smpte240m-kr@pipeline/colour/colour.c@s/\*kr = 0.212;/*kr = 0.2122;/@colour_paths test_colour"
    "bt2020-kb@pipeline/colour/colour.c@s/\*kb = 0.0593;/*kb = 0.0590;/@colour_paths"
    "vp9-show-frame-bit@pipeline/source/frame_count.c@s|int bit = 4;|int bit = 3;|@real_world_clips"
    "edit-list-discard@pipeline/source/frame_count.c@s|if (packet->flags \& AV_PKT_FLAG_DISCARD)|if (0)|@real_world_clips"
    "hdr-default-red@pipeline/colour/hdr_metadata.c@s|{{0.708, 0.292}|{{0.700, 0.292}|@real_world_clips test_kms_hdr"
    "bt2111-pq-bar-203@pipeline/pattern/bars.c@s|? 0.75 : 0.58;|? 0.75 : uhd_pq_inverse_eotf(203.0);|@patterns"
    "bt2111-bt709-red-plus-one@pipeline/pattern/bars.c@s|4.0 + 0.5), s});|4.0 + 0.5) + (r == 0), s});|@patterns"
    "rotate-drops-mirror@pipeline/source/orientation.c@s|return rotate ? info->display : none;|return rotate ? (struct uhd_orientation){info->display.rotation, false} : none;|@real_world_clips"
)

scratch="$(mktemp -d /tmp/uhd-mutate.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
git -C "$root" worktree add --detach -q "$scratch/tree" HEAD
trap '[[ -n "${UHD_MUTATE_KEEP:-}" ]] || { git -C "$root" worktree remove --force "$scratch/tree"; rm -rf "$scratch"; }' EXIT
ln -s "$root/samples"/*.mkv "$root/samples"/*.mp4 "$scratch/tree/samples/" 2>/dev/null || true
meson setup "$scratch/build" "$scratch/tree" -Dwerror=true -Dbuildtype=debugoptimized >/dev/null

ninja -C "$scratch/build" >/dev/null
# The unchanged tree must pass every test named below, or a "caught" means nothing.
all_tests=$(for m in "${mutations[@]}"; do echo "${m##*@}"; done | tr ' ' '\n' | sort -u)
# meson test runs nothing, and passes, for a name it does not know.
known=$(meson test -C "$scratch/build" --list 2>/dev/null | sed 's|.* / ||')
for t in $all_tests; do
    if ! grep -qx "$t" <<<"$known"; then
        echo "mutate: no test is named $t; fix the list" >&2
        exit 2
    fi
done
# shellcheck disable=SC2086 # test names are words
if ! meson test -C "$scratch/build" $all_tests >/dev/null 2>&1; then
    echo "mutate: the unchanged tree fails $all_tests; see $scratch/build/meson-logs" >&2
    trap - EXIT
    exit 2
fi

caught=0 missed=0
for m in "${mutations[@]}"; do
    IFS='@' read -r name file expr tests <<<"$m"
    if [[ $# -gt 0 && " $* " != *" $name "* ]]; then
        continue
    fi
    git -C "$scratch/tree" checkout -q -- .
    sed -i "$expr" "$scratch/tree/$file"
    if git -C "$scratch/tree" diff --quiet; then
        echo "mutate: $name: the edit matched nothing in $file; fix the list" >&2
        exit 2
    fi
    ninja -C "$scratch/build" >/dev/null
    # shellcheck disable=SC2086 # test names are words
    if meson test -C "$scratch/build" $tests >/dev/null 2>&1; then
        echo "MISSED  $name ($file): $tests all passed"
        missed=$((missed + 1))
    else
        echo "caught  $name ($file): $tests"
        caught=$((caught + 1))
    fi
done
git -C "$scratch/tree" checkout -q -- .
echo "$caught caught, $missed missed"
[[ $missed -eq 0 ]]
