/* SPDX-License-Identifier: MIT */
/* Internal pattern model: a pattern is parsed into a list of primitives with
 * exact code values, which the GPU paints in order (a later primitive covers
 * an earlier one). */
#ifndef UHD_INTERNAL_PATTERN_H
#define UHD_INTERNAL_PATTERN_H

#include <stdint.h>

#include "uhdpipe/pattern.h"

enum uhd_prim_kind {
	UHD_PRIM_RECT,      /* colour a */
	UHD_PRIM_RAMP,      /* per channel a..b, every code once per equal share */
	UHD_PRIM_STAIR,     /* n steps from a to b */
	UHD_PRIM_CHECKER,   /* n x m cells, a where (i + j) is even, else b */
	UHD_PRIM_PIXEL,     /* one-pixel structures: mode m, period n */
	UHD_PRIM_ZONEPLATE, /* circular zone plate between a and b; n = radius */
};

enum uhd_prim_flags {
	UHD_PRIM_VERTICAL = 1u, /* ramps and staircases run top to bottom */
	UHD_PRIM_REVERSE = 2u,  /* ... or right to left / bottom to top */
};

enum uhd_pixel_mode {
	UHD_PIXEL_COLUMNS,
	UHD_PIXEL_ROWS,
	UHD_PIXEL_DOTS,
	UHD_PIXEL_SUBPIXEL, /* columns light R, G, B in turn */
};

/* One primitive: 16 words, as the shader reads them (std430). The rectangle is
 * [x0, x1) x [y0, y1) in pixels. */
struct uhd_prim {
	uint32_t kind, flags;
	int32_t x0, y0, x1, y1;
	uint32_t n, m;
	uint32_t a[3]; /* code values R, G, B */
	/* RAMP only: when non-zero, the codes step on a grid of `grid` equal cells
	 * across the whole picture (boundaries by uhd_pattern_at), the first code
	 * in cell `grid_first`, instead of on cells of the rectangle. */
	uint32_t grid;
	uint32_t b[3];
	uint32_t grid_first;
};

#define UHD_PATTERN_MAX_PRIMS 1024

struct uhd_pattern {
	struct uhd_pattern_format format;
	const char *name;
	char spec[1024]; /* canonical spec */
	char notes[512]; /* derived facts worth telling (pixels per code...) */
	uint32_t count;
	struct uhd_prim *prims; /* room for UHD_PATTERN_MAX_PRIMS while building, then count */
};

/* Appends a primitive; false when the list is full. */
struct uhd_prim *uhd_pattern_add(struct uhd_pattern *pattern, enum uhd_prim_kind kind, int x0,
                                 int y0, int x1, int y1);
void uhd_prim_set_a(struct uhd_prim *prim, const int code[3]);
void uhd_prim_set_b(struct uhd_prim *prim, const int code[3]);

/* 0, or -EINVAL with the reason when a format is outside what patterns take
 * (1..16384 pixels each way; 8, 10 or 12 bits; SDR, PQ or HLG). */
int uhd_pattern_check_format(const struct uhd_pattern_format *format, char *error,
                             size_t error_size);

/* Whether two formats are the same signal (a pattern parsed for one renders
 * only on a renderer of the same). */
bool uhd_pattern_same_format(const struct uhd_pattern_format *a,
                             const struct uhd_pattern_format *b);

/* floor(size * p / q + 1/2): where a standard's proportion p/q of a picture
 * dimension falls, in exact integer arithmetic. */
int uhd_pattern_at(int size, int64_t p, int64_t q);

#endif
