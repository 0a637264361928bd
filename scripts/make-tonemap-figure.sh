#!/bin/sh
# SPDX-License-Identifier: MIT
# Makes docs/images/tonemap-before-after.png, the README's --target example:
# a PQ clip graded on a 4000 cd/m2 mastering display (FFmpeg's testsrc2 at up
# to 78% PQ over a grey ramp up to 90% PQ, about 4000 cd/m2), shown as its PQ
# codes (left: what a viewer without HDR support shows) and through
# `uhdpipe play --target sdr:100` (right).
# usage: scripts/make-tonemap-figure.sh [UHDPIPE]   (default build/uhdpipe)
set -eu
uhdpipe=${1:-build/uhdpipe}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ffmpeg -v error -y -f lavfi -i "testsrc2=size=480x180:rate=1,lutrgb=r=val*0.78:g=val*0.78:b=val*0.78[a];\
gradients=size=480x90:rate=1:c0=0x000000:c1=0xE6E6E6:x0=0:y0=45:x1=479:y1=45:nb_colors=2[b];\
[a][b]vstack,format=gbrp10le,zscale=matrix=2020_ncl:range=full,format=yuv444p10le" \
	-frames:v 1 -c:v libx265 -x265-params "log-level=error:lossless=1:colorprim=bt2020:\
transfer=smpte2084:colormatrix=bt2020nc:range=full:\
master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(40000000,50):\
max-cll=4000,400" "$work/demo.mkv"
"$uhdpipe" play "$work/demo.mkv" -o "png:$work/before" -q
"$uhdpipe" play "$work/demo.mkv" -o "png:$work/after" -q --target sdr:100
ffmpeg -v error -y -i "$work/before/frame-000000.png" -i "$work/after/frame-000000.png" \
	-filter_complex "[0][1]hstack,format=rgb24" docs/images/tonemap-before-after.png
echo "wrote docs/images/tonemap-before-after.png"
