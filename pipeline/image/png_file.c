/* SPDX-License-Identifier: MIT */
/*
 * PNG encoding with libpng. libpng 1.6.39 predates cICP/mDCV/cLLI support, so
 * those chunks are written as ancillary "unknown" chunks placed after IHDR,
 * with payloads laid out as the PNG third edition specifies.
 */
#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../colour/hdr_metadata.h"
#include "../common/fault.h"
#include "../common/log.h"
#include "png_file.h"

static void put_be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static unsigned clamp_units(double value, double unit, double max)
{
	double units = round(value / unit);
	return (unsigned)fmin(fmax(units, 0.0), max);
}

void uhd_png_cicp_payload(const struct uhd_colour *colour, uint8_t payload[4])
{
	payload[0] = (uint8_t)colour->primaries;
	payload[1] = (uint8_t)colour->transfer;
	payload[2] = 0; /* RGB: PNG requires matrix coefficients 0 */
	payload[3] = colour->range == UHD_RANGE_LIMITED ? 0 : 1; /* video full range flag */
}

/* Primaries red, green, blue then white point, x and y in units of 0.00002;
 * luminance max then min in units of 0.0001 cd/m2. */
void uhd_png_mdcv_payload(const struct uhd_mastering_display *md, uint8_t payload[24])
{
	for (int i = 0; i < 3; i++) {
		put_be16(payload + i * 4, clamp_units(md->primaries[i][0], 0.00002, 65535));
		put_be16(payload + i * 4 + 2, clamp_units(md->primaries[i][1], 0.00002, 65535));
	}
	put_be16(payload + 12, clamp_units(md->white_point[0], 0.00002, 65535));
	put_be16(payload + 14, clamp_units(md->white_point[1], 0.00002, 65535));
	put_be32(payload + 16, clamp_units(md->max_luminance, 0.0001, 4294967295.0));
	put_be32(payload + 20, clamp_units(md->min_luminance, 0.0001, 4294967295.0));
}

/* MaxCLL then MaxFALL, in units of 0.0001 cd/m2. */
void uhd_png_clli_payload(const struct uhd_content_light *cll, uint8_t payload[8])
{
	put_be32(payload, clamp_units(cll->max_cll, 0.0001, 4294967295.0));
	put_be32(payload + 4, clamp_units(cll->max_fall, 0.0001, 4294967295.0));
}

static void add_chunk(png_unknown_chunk *chunks, int *count, const char *name, uint8_t *data,
                      size_t size)
{
	png_unknown_chunk *chunk = &chunks[(*count)++];
	memset(chunk, 0, sizeof(*chunk));
	memcpy(chunk->name, name, 4);
	chunk->data = data;
	chunk->size = size;
	chunk->location = PNG_HAVE_IHDR;
}

static void set_colour_chunks(png_structp png, png_infop info, const struct uhd_image *image,
                              uint8_t buffers[3][24])
{
	/* The policy every output shares: a malformed group is written as its
	 * default (a clip's were repaired, and said, when it was opened; this
	 * covers every other source of images). */
	struct uhd_colour repaired = image->colour;
	uhd_hdr_metadata_repair(&repaired, NULL, 0);
	const struct uhd_colour *colour = &repaired;
	png_unknown_chunk chunks[3];
	int count = 0;
	uhd_png_cicp_payload(colour, buffers[0]);
	add_chunk(chunks, &count, "cICP", buffers[0], 4);
	if (colour->has_mastering) {
		uhd_png_mdcv_payload(&colour->mastering, buffers[1]);
		add_chunk(chunks, &count, "mDCV", buffers[1], 24);
	}
	if (colour->has_content_light) {
		uhd_png_clli_payload(&colour->content_light, buffers[2]);
		add_chunk(chunks, &count, "cLLI", buffers[2], 8);
	}
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_ALWAYS, NULL, 0);
	png_set_unknown_chunks(png, info, chunks, count);
	for (int i = 0; i < count; i++) {
		png_set_unknown_chunk_location(png, info, i, PNG_HAVE_IHDR);
	}
	/* For viewers without cICP: 8-bit BT.709 SDR is close to sRGB. */
	bool sdr709 =
	        image->bits == 8 && colour->primaries == UHD_PRIMARIES_BT709 &&
	        (colour->transfer == UHD_TRANSFER_BT709 || colour->transfer == UHD_TRANSFER_SRGB ||
	         colour->transfer == UHD_TRANSFER_BT601);
	if (sdr709) {
		png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
	}
}

static void on_png_error(png_structp png, png_const_charp message)
{
	uhd_error("PNG encoder: %s", message);
	png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp message)
{
	(void)png;
	uhd_debug("PNG encoder warning: %s", message);
}

static int encode(FILE *file, const struct uhd_image *image)
{
	png_structp png =
	        png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, on_png_error, on_png_warning);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return -ENOMEM;
	}
	uint8_t chunk_buffers[3][24];
	png_bytep *rows = calloc((size_t)image->height, sizeof(*rows));
	if (!rows || setjmp(png_jmpbuf(png))) {
		free(rows);
		png_destroy_write_struct(&png, &info);
		return -EIO;
	}
	png_init_io(png, file);
	png_set_IHDR(png, info, (png_uint_32)image->width, (png_uint_32)image->height, image->bits,
	             PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	             PNG_FILTER_TYPE_DEFAULT);
	/* Speed over size: these are intermediate artefacts of a measurement run. */
	png_set_compression_level(png, 1);
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
	set_colour_chunks(png, info, image, chunk_buffers);
	if (image->significant_bits > 0 && image->significant_bits < image->bits) {
		/* Tells readers the code values' depth (they are the top bits). */
		png_color_8 sig = {.red = (png_byte)image->significant_bits,
		                   .green = (png_byte)image->significant_bits,
		                   .blue = (png_byte)image->significant_bits};
		png_set_sBIT(png, info, &sig);
	}
	png_write_info(png, info);
	for (int y = 0; y < image->height; y++) {
		rows[y] = (png_bytep)(image->data + (size_t)y * image->stride);
	}
	png_write_image(png, rows);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(rows);
	return 0;
}

int uhd_png_write(const char *path, const struct uhd_image *image)
{
	char temp[4096];
	const char *slash = strrchr(path, '/');
	int dir_len = slash ? (int)(slash - path + 1) : 0;
	snprintf(temp, sizeof(temp), "%.*s.%s.XXXXXX", dir_len, path, slash ? slash + 1 : path);
	int fd = mkstemp(temp);
	if (fd < 0) {
		int err = errno;
		uhd_error("cannot create a file next to '%s': %s; check that the output folder "
		          "is writable",
		          path, strerror(err));
		return -err;
	}
	fchmod(fd, 0644); /* mkstemp makes 0600; frames are for everyone to read */
	FILE *file = fdopen(fd, "wb");
	int ret = file ? encode(file, image) : -errno;
	if (file && fclose(file) != 0 && ret == 0) {
		ret = -errno;
	} else if (!file) {
		close(fd);
	}
	if (ret == 0 && uhd_fault_hit(UHD_FAULT_WRITE)) {
		ret = -ENOSPC;
	}
	if (ret == 0 && rename(temp, path) != 0) {
		ret = -errno;
	}
	if (ret < 0) {
		uhd_error("writing '%s' failed: %s; check free space and permissions", path,
		          strerror(-ret));
		unlink(temp);
		return ret;
	}
	return 0;
}
