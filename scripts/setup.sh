#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Shared set-up of the two README commands: installs what is missing (apt-get,
# idempotent, silent when everything is present; --test adds the test tools),
# configures and builds with meson, and makes the sample clips when they are
# missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${UHD_BUILD_DIR:-$root/build}"

# What building uhdpipe and playing a clip need (the demo), by Debian package
# name: the compilers and meson, the libraries it links, lavapipe (Vulkan on the
# CPU when there is no GPU), and ffmpeg to make the sample clips.
packages=(
    build-essential pkg-config meson ninja-build glslang-tools python3
    libavformat-dev libavcodec-dev libavutil-dev libvulkan-dev libpng-dev
    libxxhash-dev libjansson-dev libdrm-dev
    mesa-vulkan-drivers ffmpeg
)
# What the test suite adds (--test): the Vulkan validation layer, the Python
# peers and schema validator, clang (sanitizers, libFuzzer) and clang-format,
# git (the style tests list tracked files), the KMS tests' guest (qemu, a
# static busybox, initramfs tools), and the Debian package build's tools.
test_packages=(
    vulkan-validationlayers vulkan-tools
    python3-numpy python3-skimage python3-jsonschema
    clang libclang-rt-14-dev clang-format git
    qemu-system-x86 busybox-static cpio kmod
    debhelper dpkg-dev
)
if [[ "${1:-}" == --test ]]; then
    packages+=("${test_packages[@]}")
fi

missing_packages() {
    local pkg status
    for pkg in "${packages[@]}"; do
        status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
        [[ "$status" == installed ]] || echo "$pkg"
    done
}

install_packages() {
    local missing
    mapfile -t missing < <(missing_packages)
    [[ ${#missing[@]} -eq 0 ]] && return 0
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || {
            echo "setup: need root to install: ${missing[*]}" >&2
            exit 1
        }
        sudo=(sudo)
    fi
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq >/dev/null
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

configure_and_build() {
    if [[ ! -f "$build/build.ninja" ]]; then
        meson setup "$build" "$root" -Dwerror=true -Dbuildtype=debugoptimized >/dev/null
    fi
    ninja -C "$build" >/dev/null
}

install_packages
# Headless Vulkan (lavapipe) wants a runtime dir; CI shells may not have one.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
configure_and_build
"$root/samples/make-samples.sh" "$root/samples"
