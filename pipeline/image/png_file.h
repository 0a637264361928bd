/* SPDX-License-Identifier: MIT */
/* Writing converted images as PNG with their colour chunks (cICP, mDCV, cLLI). */
#ifndef UHD_INTERNAL_PNG_FILE_H
#define UHD_INTERNAL_PNG_FILE_H

#include "uhdpipe/convert.h"

/* Writes image to path atomically: a temporary file in the same folder,
 * renamed over path only when complete. */
int uhd_png_write(const char *path, const struct uhd_image *image);

/* Chunk payloads, big-endian as the PNG specification (third edition) lays them out. */
void uhd_png_cicp_payload(const struct uhd_colour *colour, uint8_t payload[4]);
void uhd_png_mdcv_payload(const struct uhd_mastering_display *md, uint8_t payload[24]);
void uhd_png_clli_payload(const struct uhd_content_light *cll, uint8_t payload[8]);

#endif
