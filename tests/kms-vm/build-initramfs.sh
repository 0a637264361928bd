#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the guest's initramfs: static busybox, the modules build-kernel.sh
# collected, and an /init that loads them, mounts the host's root filesystem
# read-only over virtio-9p and runs the job the host left in the shared
# folder inside a chroot of it. So the guest runs the very uhdpipe binary,
# libraries and Vulkan driver of the host, against a real kernel with vkms.
#
# Usage: tests/kms-vm/build-initramfs.sh WORK   (after build-kernel.sh)
# Produces WORK/initramfs.cpio.gz
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(cd "$1" && pwd)"
root="$work/initramfs-root"
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,host,lib/modules}
cp /bin/busybox "$root/bin/busybox"
cp "$work"/modules/*.ko "$work/modules/load-order" "$root/lib/modules/"
cp "$here/guest-init.sh" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$work/initramfs.cpio.gz.tmp"
mv "$work/initramfs.cpio.gz.tmp" "$work/initramfs.cpio.gz"
rm -rf "$root"
