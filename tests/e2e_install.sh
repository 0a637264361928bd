#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `meson install` puts the library, headers and a pkg-config file in place, and a
# program built only from `pkg-config --cflags --libs uhdpipe` links and runs.
# Needs $BUILD_DIR (set by meson).
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
meson install -C "$BUILD_DIR" --no-rebuild --destdir "$work/root" >/dev/null
pc=$(find "$work/root" -name uhdpipe.pc | head -1)
[[ -n "$pc" ]] || { echo "FAIL: no uhdpipe.pc installed"; echo "0 passed, 1 failed"; exit 1; }
prefix=$(sed -n 's/^prefix=//p' "$pc")
# Point the installed .pc at the staged tree.
sed "s|^prefix=.*|prefix=$work/root$prefix|" "$pc" >"$work/uhdpipe.pc"
cat >"$work/consumer.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <uhdpipe/uhdpipe.h>

int main(void)
{
	struct uhd_play_params params = UHD_PLAY_DEFAULTS;
	enum uhd_scaler scaler;
	if (uhd_scaler_from_name("bicubic", &scaler) != 0 || strcmp(params.output, "null") != 0) {
		return 1;
	}
	printf("uhdpipe %s, %s\n", uhd_version(), uhd_scaler_name(scaler));
	return 0;
}
C
# Only uhdpipe.pc on the search path: the public headers include no libav*,
# libdrm, libpng, Vulkan or xxHash header, so --cflags and --libs must not ask
# for their .pc files (their -dev packages); static linking gets their -l flags.
flags=$(PKG_CONFIG_LIBDIR="$work" pkg-config --cflags --libs uhdpipe) || {
    echo "FAIL: pkg-config --cflags --libs uhdpipe needs other packages' .pc files"
    echo "0 passed, 1 failed"; exit 1; }
static=$(PKG_CONFIG_LIBDIR="$work" pkg-config --static --libs uhdpipe)
for lib in -lavformat -lavcodec -lavutil -lvulkan -lpng16 -ldrm -lxxhash; do
    [[ " $static " == *" $lib "* ]] || {
        echo "FAIL: pkg-config --static --libs uhdpipe lacks $lib: $static"
        echo "0 passed, 1 failed"; exit 1; }
done
cc -std=c11 -Wall -Werror "$work/consumer.c" $flags -o "$work/consumer"
libdir=$(dirname "$(find "$work/root" -name 'libuhdpipe.so*' | head -1)")
out=$(LD_LIBRARY_PATH="$libdir" "$work/consumer")
echo "$out"
[[ "$out" == "uhdpipe $(meson introspect --projectinfo "$BUILD_DIR" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])'), bicubic" ]] || {
    echo "FAIL: consumer printed '$out'"; echo "0 passed, 1 failed"; exit 1; }
echo "1 passed, 0 failed"
