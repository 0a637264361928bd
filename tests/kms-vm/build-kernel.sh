#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fetches Debian's 6.1 kernel image (unpacked into WORK, never installed into
# /boot) and builds vkms.ko for it out of tree, with uhdpipe's patch applied
# (vkms-uhdpipe.patch: the standard HDR connector properties and XRGB2101010,
# which stock vkms lacks). Debian's kernels are built without vkms.
# udmabuf.ko is built the same way (udmabuf-uhdpipe.patch): Mesa's lavapipe
# exports Vulkan memory as DMA-BUFs through /dev/udmabuf, which the
# vulkan-to-kms scanout test needs, and Debian builds it out too.
#
# Usage: tests/kms-vm/build-kernel.sh WORK
# Produces WORK/vmlinuz, WORK/modules/*.ko and WORK/modules/load-order
# (dependencies first): drm + vkms, udmabuf, and virtio 9p for sharing the
# host's files.
# Reuses a finished build whose inputs (kernel ABI, patch) are unchanged.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mkdir -p "$1" && cd "$1" && pwd)"
cd "$work"

# The ABI changes with Debian security updates: resolve it from apt each time,
# so that image, headers and source come from the same apt state.
abi=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: linux-image-\(.*\)-amd64$/\1/p' | head -n1)
kv="$abi-amd64"
patch_sum=$({ cat "$here/vkms-uhdpipe.patch" "$here/udmabuf-uhdpipe.patch" 2>/dev/null || true; } |
    sha256sum | cut -c1-16)
stamp="$kv $patch_sum"
if [[ -f stamp && "$(cat stamp)" == "$stamp" && -f vmlinuz && -f modules/load-order ]]; then
    exit 0
fi
rm -f stamp
echo "kms-vm: building vkms for kernel $kv"
if ! dpkg -s "linux-headers-$kv" >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "linux-headers-$kv" >apt-headers.log
fi
rm -f ./*.deb
apt-get download "linux-image-$kv" linux-source-6.1 2>&1 | grep -v 'unsandboxed' || true
rm -rf kroot src vkms udmabuf modules
dpkg -x linux-image-"$kv"_*.deb kroot
dpkg -x linux-source-6.1_*.deb src
tar -xJf src/usr/src/linux-source-6.1.tar.xz -C src --wildcards '*/drivers/gpu/drm/vkms/*' \
    '*/drivers/dma-buf/udmabuf.c'
cp -r src/linux-source-6.1/drivers/gpu/drm/vkms vkms
mkdir udmabuf
cp src/linux-source-6.1/drivers/dma-buf/udmabuf.c udmabuf/
echo 'obj-m += udmabuf.o' >udmabuf/Makefile
rm -rf src ./*.deb
if [[ -f "$here/vkms-uhdpipe.patch" ]]; then
    (cd vkms && patch -s -p1 <"$here/vkms-uhdpipe.patch")
fi
(cd udmabuf && patch -s -p1 <"$here/udmabuf-uhdpipe.patch")
make -s -C "/usr/src/linux-headers-$kv" M="$work/vkms" CONFIG_DRM_VKMS=m modules \
    >vkms-build.log 2>&1 || { cat vkms-build.log; exit 1; }
make -s -C "/usr/src/linux-headers-$kv" M="$work/udmabuf" modules \
    >udmabuf-build.log 2>&1 || { cat udmabuf-build.log; exit 1; }

moddir="kroot/lib/modules/$kv"
mkdir -p "$moddir/extra" modules
strip --strip-debug vkms/vkms.ko udmabuf/udmabuf.ko
cp vkms/vkms.ko udmabuf/udmabuf.ko "$moddir/extra/"
depmod -b kroot "$kv"
: >modules/load-order
for module in vkms udmabuf virtio_pci 9pnet_virtio 9p; do
    modprobe -d kroot -S "$kv" --show-depends "$module" | awk '$1=="insmod"{print $2}'
done | awk '!seen[$0]++' | while read -r file; do
    name=$(basename "$file")
    case $name in
    *.ko.xz) xz -dc "$file" >"modules/${name%.xz}"; name=${name%.xz} ;;
    *.ko.zst) zstd -qdc "$file" >"modules/${name%.zst}"; name=${name%.zst} ;;
    *) cp "$file" "modules/$name" ;;
    esac
    echo "$name" >>modules/load-order
done
cp "kroot/boot/vmlinuz-$kv" vmlinuz
rm -rf kroot
echo "$stamp" >stamp
