/* SPDX-License-Identifier: MIT */
/*
 * Test helper: prints what a PNG holds, as one JSON object: size, bit depth,
 * channels, colour chunks (hex) and the XXH3-64 of its pixel rows, for the
 * end-to-end tests to check against the report and the stream's metadata.
 *
 * usage: png_info FILE.png
 */
#include <stdio.h>
#include <xxhash.h>

#include "png_read.h"

static void print_hex(const char *key, const uint8_t *bytes, int size, int present)
{
	printf(", \"%s\": ", key);
	if (!present) {
		printf("null");
		return;
	}
	putchar('"');
	for (int i = 0; i < size; i++) {
		printf("%02x", bytes[i]);
	}
	putchar('"');
}

int main(int argc, char **argv)
{
	struct test_png png;
	if (argc != 2 || test_png_read(argv[1], &png) != 0) {
		fprintf(stderr, "usage: png_info FILE.png\n");
		return 1;
	}
	unsigned long long hash = XXH3_64bits(png.pixels, png.row_bytes * png.height);
	printf("{\"width\": %d, \"height\": %d, \"bits\": %d, \"channels\": %d, \"srgb\": %s",
	       png.width, png.height, png.bits, png.channels, png.has_srgb ? "true" : "false");
	print_hex("cICP", png.cicp, 4, png.has_cicp);
	print_hex("mDCV", png.mdcv, 24, png.has_mdcv);
	print_hex("cLLI", png.clli, 8, png.has_clli);
	printf(", \"xxh3\": \"%016llx\"}\n", hash);
	test_png_free(&png);
	return 0;
}
