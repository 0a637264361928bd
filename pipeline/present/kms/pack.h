/* SPDX-License-Identifier: MIT */
/*
 * Packing converted pictures (R'G'B', 16-bit big-endian or 8-bit) into the
 * pixel formats a KMS plane scans out, and expanding scanned-out pixels back
 * to 16 bits the way display controllers compose them, for capture checks.
 */
#ifndef UHD_INTERNAL_KMS_PACK_H
#define UHD_INTERNAL_KMS_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uhdpipe/convert.h"

struct uhd_scanout_format {
	const char *name; /* as --format spells it */
	uint32_t fourcc;
	int bits; /* bits per colour channel */
	int bytes_per_pixel;
	bool is_float;
};

/* The formats uhdpipe can scan out, deepest last within each family; by name
 * (xrgb2101010) or by fourcc as probe prints it (XR30). */
const struct uhd_scanout_format *uhd_scanout_format_by_name(const char *name);
const struct uhd_scanout_format *uhd_scanout_format_by_fourcc(uint32_t fourcc);
/* All of them, in the order auto prefers them (deepest first); count in *n. */
const struct uhd_scanout_format *uhd_scanout_formats(size_t *n);

/* Significant bits of the picture's samples (a 10-bit code in 16 bits: 10). */
int uhd_image_depth(const struct uhd_image *image);

/* true when packing image into format loses bits, so it is dithered. */
bool uhd_pack_dithers(const struct uhd_image *image, const struct uhd_scanout_format *format);

/* Packs image (same size as the buffer) into dst rows of pitch bytes. Fewer
 * bits than the picture has are reached by ordered dithering, more by bit
 * replication; float formats get sample / max as half floats. */
void uhd_pack_image(const struct uhd_image *image, const struct uhd_scanout_format *format,
                    uint8_t *dst, size_t pitch);

/* The 16-bit R, G, B a controller composes from one packed pixel: channels
 * expanded by bit replication (8 and 10 bits), 16-bit ones as they are. Float
 * formats are not expanded (returns false). */
bool uhd_unpack_pixel16(const struct uhd_scanout_format *format, const uint8_t *pixel,
                        uint16_t rgb[3]);

/* uhd_unpack_pixel16 for WIDTH pixels from SRC into RGB (3 * WIDTH values); a
 * format that is not expanded gives zeros and false. */
bool uhd_unpack_row16(const struct uhd_scanout_format *format, const uint8_t *src, int width,
                      uint16_t *rgb);

#endif
