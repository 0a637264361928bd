/* SPDX-License-Identifier: MIT */
/* A tiny 5x7 bitmap font (drawn at twice its size) for the heat-map legend:
 * digits, '.', '+', '-', 'e' and the letters of the legend titles. */
#ifndef UHD_INTERNAL_GLYPHS_H
#define UHD_INTERNAL_GLYPHS_H

#include <stdint.h>

int uhd_glyph_text_width(const char *text);
/* Draws text into an 8-bit image (pixels outside it are skipped); characters
 * without a glyph are left blank. */
void uhd_glyph_draw(uint8_t *image, int width, int height, int x, int y, const char *text,
                    uint8_t value);

#endif
