#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Debian packages (libuhdpipe0, libuhdpipe-dev, uhdpipe) with
# dpkg-buildpackage and checks them: their file lists, lintian (when installed),
# the extracted CLI's --version and a program compiled against the extracted
# headers and uhdpipe.pc. Usage: scripts/build-deb.sh [OUTDIR] (default
# $PWD/debs). UHD_DEB_KEEP=1 keeps the temporary build folder (build.log, the
# unpacked packages) after a success too. Separate from scripts/test.sh: the
# package build compiles the whole project again (docs/packaging.md).
#
# Sources: the committed HEAD (`git archive`), plus the working tree's debian/
# so that packaging changes can be tried before they are committed. Uncommitted
# changes elsewhere are not packaged. The build happens in a temporary folder:
# nothing is written into the checkout (its build/ folder included).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
outdir=$(realpath -m "${1:-$PWD/debs}")

die() {
    echo "build-deb: FAIL: $*" >&2
    exit 1
}

as_root=()
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "need root (or sudo) to install packages"
    as_root=(sudo)
fi

apt_updated=0
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if [[ $apt_updated == 0 ]]; then
        "${as_root[@]}" apt-get update -qq >/dev/null
        apt_updated=1
    fi
    "${as_root[@]}" apt-get "$@" >/dev/null
}

[[ -d "$root/.git" || -f "$root/.git" ]] || die "$root is not a git checkout"
[[ -f "$root/debian/control" ]] || die "no debian/control in $root"

# dpkg-dev: dpkg-buildpackage and dpkg-checkbuilddeps; git for the archive;
# build-essential (the compiler, binutils' objdump), which Build-Depends leaves
# implicit and dpkg-checkbuilddeps does not check.
for pkg in dpkg-dev git build-essential; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != installed ]]; then
        echo "build-deb: installing $pkg"
        apt_install install -y -qq --no-install-recommends "$pkg"
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/uhdpipe-deb.XXXXXX")
# Kept on failure, to read the build's output; removed after success.
trap 'echo "build-deb: work folder kept: $work" >&2' EXIT
src="$work/uhdpipe"
mkdir -p "$src"
git -C "$root" archive --format=tar HEAD | tar -x -C "$src"
# The working tree's debian/ replaces the committed one (if any) entirely, so
# that files deleted there do not come back from HEAD.
rm -rf "$src/debian"
cp -a "$root/debian" "$src/debian"
# Only packaging inputs: a debian/ folder left over from an earlier in-tree
# dpkg-buildpackage run would otherwise confuse this one.
rm -rf "$src/debian/.debhelper" "$src/debian/tmp" "$src/debian/files" \
    "$src"/debian/*.substvars "$src"/debian/*.debhelper.log
for pkg in libuhdpipe0 libuhdpipe-dev uhdpipe; do
    rm -rf "${src:?}/debian/$pkg"
done

# Build-Depends straight from debian/control: dpkg-checkbuilddeps says whether
# they are installed; apt-get build-dep on the unpacked
# tree installs exactly what is missing. Quiet when nothing is.
if ! (cd "$src" && dpkg-checkbuilddeps >/dev/null 2>&1); then
    echo "build-deb: installing Build-Depends: $(cd "$src" && dpkg-checkbuilddeps 2>&1 |
        sed -n 's/.*Unmet build dependencies: //p')"
    apt_install build-dep -y -qq "$src"
    (cd "$src" && dpkg-checkbuilddeps) || die "Build-Depends still unmet after apt-get build-dep"
fi

version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
# The program reports meson.build's project version: debian/changelog's version
# without epoch and Debian revision (none for the native 0.1.0) must equal it.
upstream=${version#*:}
upstream=${upstream%-*}
arch=$(dpkg-architecture -q DEB_HOST_ARCH)
multiarch=$(dpkg-architecture -q DEB_HOST_MULTIARCH)
echo "build-deb: building uhdpipe $version ($arch) in $src"
start=$SECONDS
# -b: binary packages only (no source package to sign or upload); -us -uc: no
# signatures; -Jauto: parallel=<cores> in DEB_BUILD_OPTIONS, which debhelper
# passes to ninja (without it debhelper builds with one job).
(cd "$src" && dpkg-buildpackage -us -uc -b -Jauto) >"$work/build.log" 2>&1 || {
    tail -n 40 "$work/build.log" >&2
    die "dpkg-buildpackage failed (whole log: $work/build.log)"
}
echo "build-deb: dpkg-buildpackage took $((SECONDS - start)) s"

lib_deb="$work/libuhdpipe0_${version}_${arch}.deb"
dev_deb="$work/libuhdpipe-dev_${version}_${arch}.deb"
cli_deb="$work/uhdpipe_${version}_${arch}.deb"
for deb in "$lib_deb" "$dev_deb" "$cli_deb"; do
    [[ -f "$deb" ]] || die "dpkg-buildpackage made no $(basename "$deb")"
done

# Each package holds its files (dpkg-deb -c lists ./path; the fields after
# the date are the path and, for a symlink, "-> target").
expect_files() {
    local deb=$1 listing path
    shift
    listing=$(dpkg-deb -c "$deb" | awk '{print $6}')
    for path in "$@"; do
        grep -Eqx "$path" <<<"$listing" ||
            die "$(basename "$deb") lacks $path; it holds:
$listing"
    done
}
expect_files "$lib_deb" "\./usr/lib/$multiarch/libuhdpipe\.so\.0" \
    "\./usr/lib/$multiarch/libuhdpipe\.so\.0\.[0-9.]+"
headers=()
for h in "$src"/include/uhdpipe/*.h; do
    headers+=("\./usr/include/uhdpipe/$(basename "$h" | sed 's/\./\\./g')")
done
expect_files "$dev_deb" "${headers[@]}" "\./usr/lib/$multiarch/libuhdpipe\.so" \
    "\./usr/lib/$multiarch/pkgconfig/uhdpipe\.pc"
expect_files "$cli_deb" "\./usr/bin/uhdpipe"
# The -dev package pins the library to its own version (a mismatched pair would
# compile against one ABI and run against another).
dpkg-deb -f "$dev_deb" Depends | grep -Fq "libuhdpipe0 (= $version)" ||
    die "libuhdpipe-dev does not depend on libuhdpipe0 (= $version)"

# lintian is optional (a large install): its findings are printed, not fatal.
if command -v lintian >/dev/null; then
    echo "build-deb: lintian:"
    lintian --display-info "$work/uhdpipe_${version}_${arch}.changes" 2>&1 | sed 's/^/  /' || true
else
    echo "build-deb: lintian not installed (apt-get install lintian), skipped"
fi

# The three packages unpacked into a throwaway root, used from there as a user
# of the installed packages would use them.
sysroot="$work/root"
for deb in "$lib_deb" "$dev_deb" "$cli_deb"; do
    dpkg -x "$deb" "$sysroot"
done
libdir="$sysroot/usr/lib/$multiarch"
soname=$(objdump -p "$libdir/libuhdpipe.so.0" | awk '$1 == "SONAME" {print $2}')
[[ "$soname" == libuhdpipe.so.0 ]] || die "library SONAME is '$soname', not libuhdpipe.so.0"
[[ "$(readlink "$libdir/libuhdpipe.so")" == libuhdpipe.so.0* ]] ||
    die "libuhdpipe.so does not link to the shared library (readlink: $(readlink "$libdir/libuhdpipe.so"))"

out=$(LD_LIBRARY_PATH="$libdir" "$sysroot/usr/bin/uhdpipe" --version) ||
    die "extracted uhdpipe --version failed"
[[ "$out" == "uhdpipe $upstream" ]] ||
    die "uhdpipe --version printed '$out', want 'uhdpipe $upstream' (debian/changelog and meson.build's version differ?)"

# The -dev package alone is enough to build a program: only the extracted
# uhdpipe.pc on pkg-config's path (PKG_CONFIG_LIBDIR hides the system's), its
# paths moved into the throwaway root by PKG_CONFIG_SYSROOT_DIR.
cat >"$work/consumer.c" <<'C'
#include <stdio.h>
#include <uhdpipe/uhdpipe.h>

int main(void)
{
	printf("uhdpipe %s\n", uhd_version());
	return 0;
}
C
flags=$(PKG_CONFIG_LIBDIR="$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$sysroot" \
    pkg-config --cflags --libs uhdpipe) || die "pkg-config --cflags --libs uhdpipe failed"
# shellcheck disable=SC2086 # pkg-config's flags are words
cc -std=c11 -Wall -Werror "$work/consumer.c" $flags -o "$work/consumer" ||
    die "a program using uhd_version() does not build against libuhdpipe-dev ($flags)"
out=$(LD_LIBRARY_PATH="$libdir" "$work/consumer") || die "the program built against libuhdpipe-dev failed"
[[ "$out" == "uhdpipe $upstream" ]] || die "the program printed '$out', want 'uhdpipe $upstream'"
echo "build-deb: extracted packages work: uhdpipe --version and a pkg-config build print '$out'"

mkdir -p "$outdir"
# The three packages, their -dbgsym companions, and the .buildinfo/.changes.
cp "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes "$outdir"/
echo "build-deb: packages in $outdir:"
(cd "$outdir" && for f in *"_${version}_${arch}".deb; do
    printf '  %-45s %8d bytes\n' "$f" "$(stat -c %s "$f")"
done)
if [[ "${UHD_DEB_KEEP:-0}" == 1 ]]; then
    echo "build-deb: work folder kept (UHD_DEB_KEEP=1): $work"
    trap - EXIT
else
    trap - EXIT
    rm -rf "$work"
fi
