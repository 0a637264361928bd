/* SPDX-License-Identifier: MIT */
/* Pixel checksums (see checksum.h). */
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack: no per-frame malloc */
#include <xxhash.h>

#include "checksum.h"

uint64_t uhd_image_checksum(const struct uhd_image *image)
{
	XXH3_state_t state;
	XXH3_INITSTATE(&state);
	XXH3_64bits_reset(&state);
	size_t row_bytes = (size_t)image->width * image->channels * (image->bits / 8);
	for (int y = 0; y < image->height; y++) {
		XXH3_64bits_update(&state, image->data + (size_t)y * image->stride, row_bytes);
	}
	return XXH3_64bits_digest(&state);
}
