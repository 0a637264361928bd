/* SPDX-License-Identifier: MIT */
/* Test-side PNG reader: libpng for pixels, unknown-chunk callbacks for cICP/mDCV/cLLI (PNG third
 * edition names). */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "png_read.h"

static int on_chunk(png_structp png, png_unknown_chunkp chunk)
{
	struct test_png *out = png_get_user_chunk_ptr(png);
	if (memcmp(chunk->name, "cICP", 4) == 0 && chunk->size == 4) {
		memcpy(out->cicp, chunk->data, 4);
		out->has_cicp = 1;
	} else if (memcmp(chunk->name, "mDCV", 4) == 0 && chunk->size == 24) {
		memcpy(out->mdcv, chunk->data, 24);
		out->has_mdcv = 1;
	} else if (memcmp(chunk->name, "cLLI", 4) == 0 && chunk->size == 8) {
		memcpy(out->clli, chunk->data, 8);
		out->has_clli = 1;
	}
	return 1;
}

int test_png_read(const char *path, struct test_png *out)
{
	memset(out, 0, sizeof(*out));
	FILE *file = fopen(path, "rb");
	if (!file) {
		fprintf(stderr, "cannot open %s\n", path);
		return -1;
	}
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	png_bytep *rows = NULL;
	if (setjmp(png_jmpbuf(png))) {
		fprintf(stderr, "%s is not a valid PNG\n", path);
		png_destroy_read_struct(&png, &info, NULL);
		free(rows);
		free(out->pixels);
		out->pixels = NULL;
		fclose(file);
		return -1;
	}
	png_set_read_user_chunk_fn(png, out, on_chunk);
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_ALWAYS, NULL, 0);
	png_init_io(png, file);
	png_read_info(png, info);
	out->width = (int)png_get_image_width(png, info);
	out->height = (int)png_get_image_height(png, info);
	out->bits = png_get_bit_depth(png, info);
	out->channels = png_get_channels(png, info);
	out->has_srgb = png_get_valid(png, info, PNG_INFO_sRGB) != 0;
	out->row_bytes = png_get_rowbytes(png, info);
	out->pixels = malloc(out->row_bytes * out->height);
	rows = malloc(sizeof(*rows) * out->height);
	for (int y = 0; y < out->height; y++) {
		rows[y] = out->pixels + (size_t)y * out->row_bytes;
	}
	png_read_image(png, rows);
	png_read_end(png, NULL);
	png_destroy_read_struct(&png, &info, NULL);
	free(rows);
	fclose(file);
	return 0;
}

void test_png_free(struct test_png *png)
{
	free(png->pixels);
	png->pixels = NULL;
}
