/* SPDX-License-Identifier: MIT */
/* Test-side PNG reader (libpng): pixels as stored (16-bit big-endian) plus chunk bytes. */
#ifndef UHD_TEST_PNG_READ_H
#define UHD_TEST_PNG_READ_H

#include <stddef.h>
#include <stdint.h>

struct test_png {
	int width, height, bits, channels;
	size_t row_bytes;
	uint8_t *pixels; /* height * row_bytes */
	uint8_t cicp[4];
	int has_cicp;
	uint8_t mdcv[24];
	int has_mdcv;
	uint8_t clli[8];
	int has_clli;
	int has_srgb;
};

/* Returns 0, or -1 with a message on stderr. */
int test_png_read(const char *path, struct test_png *png);
void test_png_free(struct test_png *png);

#endif
