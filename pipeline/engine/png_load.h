/* SPDX-License-Identifier: MIT */
/*
 * Reading reference PNGs into memory laid out like uhdpipe's converted images,
 * with the colour description their cICP, mDCv and cLLi chunks carry.
 */
#ifndef UHD_INTERNAL_PNG_LOAD_H
#define UHD_INTERNAL_PNG_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "uhdpipe/convert.h"

/* Largest reference image accepted, each way. */
#define UHD_PNG_LOAD_MAX_SIDE 16384

/* A PNG read into memory as uhdpipe's converted images are laid out. */
struct uhd_png_picture {
	/* R'G'B', 3 channels, 8 or 16 bits; 16-bit samples big-endian as PNG stores
	 * them; rows packed: stride = width * 3 * bytes per sample. */
	struct uhd_image image;
	uint8_t *pixels; /* owned; image.data points here */
	bool has_cicp, has_mdcv, has_clli;
};

/*
 * Loads path into out (which need not be initialised; it is zeroed first).
 *
 * Pixels: grey and palette images are expanded to RGB and bit depths 1, 2 and 4
 * to 8 (full-scale: 1-bit 1 becomes 255); 16-bit stays 16-bit. Interlaced files
 * are de-interlaced. Transparency (an alpha channel or a tRNS chunk) is accepted
 * only when every pixel is fully opaque, and is then dropped.
 *
 * Colour: cICP gives primaries and transfer (matrix coefficients must be 0, RGB)
 * and its full-range flag sets image.colour.range; mDCv (or the final third
 * edition spelling mDCV) fills colour.mastering; cLLi (or cLLI) fills
 * colour.content_light. A colour chunk of the wrong size is ignored with a
 * warning. Without cICP the image is taken as SDR: BT.709 primaries, BT.709
 * transfer, RGB matrix, full range (gAMA, cHRM, sRGB and iCCP are not read).
 * colour.siting is always UHD_SITING_UNSPECIFIED.
 *
 * Returns 0, or with out zeroed and a message logged:
 *   -ENOENT, -EACCES, ...  the file cannot be opened (errno of fopen) or read (-EIO, ...);
 *   -EINVAL  not a PNG, or damaged: truncated (IEND missing too), bad data, a CRC error
 *            in any chunk;
 *   -ENOTSUP transparent pixels, or cICP with matrix coefficients other than 0;
 *   -E2BIG   wider or taller than UHD_PNG_LOAD_MAX_SIDE, or over 2 GiB of decoded samples;
 *   -ENOMEM  out of memory.
 * Thread-safe: calls share no state.
 */
int uhd_png_load(const char *path, struct uhd_png_picture *out);

/* Frees the pixels and zeroes picture; accepts a zeroed struct. */
void uhd_png_picture_finish(struct uhd_png_picture *picture);

#endif
