#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Unpacks Mesa 25 lavapipe from Debian's bookworm-backports into WORK/mesa25,
# without touching the system's apt configuration or installed Mesa: apt
# reads a sources list, lists and cache of its own under WORK, downloads the
# packages and dpkg -x unpacks them. Mesa 25's lavapipe imports and exports
# DMA-BUFs (VK_EXT_external_memory_dma_buf), which the zero-copy scanout
# path needs and Debian 12's Mesa 22.3 lacks. libdrm comes along because
# this Mesa needs 2.4.121 or later.
#
# Usage: tests/kms-vm/fetch-mesa25.sh WORK
# Prints the two settings that select it:
#   VK_ICD_FILENAMES=WORK/mesa25/lvp_icd.json LD_LIBRARY_PATH=WORK/mesa25/lib
# Exit 0 done (or already there), 1 when the packages cannot be had.
set -euo pipefail
work="$(mkdir -p "$1" && cd "$1" && pwd)"
dest="$work/mesa25"
packages=(mesa-vulkan-drivers libdrm2 libdrm-amdgpu1)
lib=x86_64-linux-gnu

if [[ ! -f "$dest/lvp_icd.json" ]]; then
    apt_dir="$work/mesa25-apt"
    rm -rf "$apt_dir" "$dest"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
    echo "deb http://deb.debian.org/debian bookworm-backports main" >"$apt_dir/sources.list"
    apt_options=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
        -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
        -o "Dir::State::status=/dev/null" -o "APT::Sandbox::User=root" -qq)
    if ! apt-get "${apt_options[@]}" update >"$apt_dir/log" 2>&1 ||
        ! (cd "$apt_dir/debs" && apt-get "${apt_options[@]}" download "${packages[@]}") \
            >>"$apt_dir/log" 2>&1; then
        echo "fetch-mesa25: cannot download ${packages[*]} from bookworm-backports:" >&2
        tail -n 5 "$apt_dir/log" >&2
        exit 1
    fi
    mkdir -p "$dest/root" "$dest/lib"
    for deb in "$apt_dir"/debs/*.deb; do
        dpkg -x "$deb" "$dest/root"
    done
    # The ICD names its library by absolute path: point it into the tree.
    ln -sf "$dest/root/usr/lib/$lib"/libdrm.so.2* "$dest/root/usr/lib/$lib"/libdrm_amdgpu.so.1* \
        "$dest/lib/"
    sed "s|\"library_path\": *\"[^\"]*\"|\"library_path\": \"$dest/root/usr/lib/$lib/libvulkan_lvp.so\"|" \
        "$dest/root/usr/share/vulkan/icd.d/lvp_icd.json" >"$dest/lvp_icd.json.tmp"
    mv "$dest/lvp_icd.json.tmp" "$dest/lvp_icd.json"
    rm -rf "$apt_dir"
fi
echo "VK_ICD_FILENAMES=$dest/lvp_icd.json LD_LIBRARY_PATH=$dest/lib"
