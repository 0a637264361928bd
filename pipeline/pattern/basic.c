/* SPDX-License-Identifier: MIT */
/* Fields, windows, ramps, staircases and geometry patterns. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "catalogue.h"
#include "levels.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int full_error(char *error, size_t error_size)
{
	snprintf(error, error_size, "too many regions (over %d); use fewer cells or lines",
	         UHD_PATTERN_MAX_PRIMS);
	return -EINVAL;
}

/* Adds a rectangle of one colour; -EINVAL when the list is full. */
static int add_rect(struct uhd_pattern *p, int x0, int y0, int x1, int y1, const int code[3])
{
	struct uhd_prim *prim = uhd_pattern_add(p, UHD_PRIM_RECT, x0, y0, x1, y1);
	if (!prim) {
		return -EINVAL;
	}
	uhd_prim_set_a(prim, code);
	return 0;
}

static int add_background(struct uhd_pattern *p, const int code[3])
{
	return add_rect(p, 0, 0, p->format.width, p->format.height, code);
}

/* ---- field ---- */

static const struct uhd_param_def field_params[] = {
        {"colour", UHD_PARAM_COLOUR, 0, 0, NULL, "white", "the colour of the whole screen"},
        {"primaries", UHD_PARAM_PRIMARIES, 0, 0, NULL, NULL,
         "primaries of colours in cd/m2 (default: the format's)"},
};

static int build_field(struct uhd_pattern *p, const struct uhd_param_set *s, char *error,
                       size_t error_size)
{
	(void)error;
	(void)error_size;
	const int *c = uhd_param_code(s, "colour");
	snprintf(p->notes, sizeof(p->notes), "code values %d,%d,%d", c[0], c[1], c[2]);
	return add_background(p, c);
}

const struct uhd_pattern_type uhd_pattern_field = {
        "field",      "a full screen of one colour", NULL,
        field_params, COUNT(field_params),           build_field};

/* ---- window ---- */

static const struct uhd_param_def window_params[] = {
        {"percent", UHD_PARAM_NUMBER, 0.01, 100, NULL, "10", "window area, % of the screen"},
        {"level", UHD_PARAM_COLOUR, 0, 0, NULL, "white", "window colour"},
        {"background", UHD_PARAM_COLOUR, 0, 0, NULL, "black", "colour around the window"},
        {"primaries", UHD_PARAM_PRIMARIES, 0, 0, NULL, NULL,
         "primaries of colours in cd/m2 (default: the format's)"},
};

static int build_window(struct uhd_pattern *p, const struct uhd_param_set *s, char *error,
                        size_t error_size)
{
	(void)error;
	(void)error_size;
	int width = p->format.width, height = p->format.height;
	double side = sqrt(uhd_param_number(s, "percent", 10) / 100.0);
	/* Same proportion of width and height; centred, any odd pixel to the right/bottom. */
	int w = (int)floor(width * side + 0.5), h = (int)floor(height * side + 0.5);
	w = w < 1 ? 1 : w;
	h = h < 1 ? 1 : h;
	int x0 = (width - w) / 2, y0 = (height - h) / 2;
	const int *c = uhd_param_code(s, "level");
	snprintf(p->notes, sizeof(p->notes),
	         "window %dx%d at %d,%d (%.3f%% of the screen), code values %d,%d,%d", w, h, x0, y0,
	         100.0 * w * h / ((double)width * height), c[0], c[1], c[2]);
	int ret = add_background(p, uhd_param_code(s, "background"));
	return ret ? ret : add_rect(p, x0, y0, x0 + w, y0 + h, c);
}

const struct uhd_pattern_type uhd_pattern_window = {
        "window",
        "a centred window of a given area and level on a background (APL and peak tests)",
        NULL,
        window_params,
        COUNT(window_params),
        build_window};

/* ---- ramp and staircase ---- */

/* Code values of a grey/red/green/blue ramp end: the level on the lit channels. */
static void channel_code(int channel, int level, int code[3])
{
	for (int c = 0; c < 3; c++) {
		code[c] = channel == 0 || channel == c + 1 ? level : 0;
	}
}

/* One ramp or staircase per band; channel 4 ("all") stacks grey, red, green, blue. */
static int add_graded(struct uhd_pattern *p, const struct uhd_param_set *s, enum uhd_prim_kind kind,
                      int from, int to, uint32_t steps)
{
	bool vertical = uhd_param_choice(s, "direction") == 1;
	int channel = uhd_param_choice(s, "channel");
	int bands = channel == 4 ? 4 : 1;
	int across = vertical ? p->format.width : p->format.height;
	for (int band = 0; band < bands; band++) {
		int b0 = uhd_pattern_at(across, band, bands),
		    b1 = uhd_pattern_at(across, band + 1, bands);
		struct uhd_prim *prim =
		        vertical ? uhd_pattern_add(p, kind, b0, 0, b1, p->format.height)
		                 : uhd_pattern_add(p, kind, 0, b0, p->format.width, b1);
		if (!prim) {
			return -EINVAL;
		}
		int a[3], b[3], ch = channel == 4 ? band : channel;
		channel_code(ch, from < to ? from : to, a);
		channel_code(ch, from < to ? to : from, b);
		uhd_prim_set_a(prim, a);
		uhd_prim_set_b(prim, b);
		prim->flags =
		        (vertical ? UHD_PRIM_VERTICAL : 0) | (from > to ? UHD_PRIM_REVERSE : 0);
		prim->n = steps;
	}
	return 0;
}

static const struct uhd_param_def ramp_params[] = {
        {"direction", UHD_PARAM_CHOICE, 0, 0, "h|v", "h", "left to right, or top to bottom"},
        {"channel", UHD_PARAM_CHOICE, 0, 0, "grey|red|green|blue|all", "grey",
         "lit channels; all stacks grey, red, green and blue bands"},
        {"from", UHD_PARAM_LEVEL, 0, 0, NULL, "0", "first code value"},
        {"to", UHD_PARAM_LEVEL, 0, 0, NULL, NULL, "last code value (default 2^bits - 1)"},
};

static int build_ramp(struct uhd_pattern *p, const struct uhd_param_set *s, char *error,
                      size_t error_size)
{
	(void)error;
	(void)error_size;
	int from = uhd_param_code(s, "from")[0];
	int to = uhd_param_given(s, "to") ? uhd_param_code(s, "to")[0]
	                                  : uhd_level_max_code(&p->format);
	int length = uhd_param_choice(s, "direction") == 1 ? p->format.height : p->format.width;
	int codes = abs(to - from) + 1;
	/* Code k covers [floor(k L / n), floor((k + 1) L / n)): every code the same share. */
	if (codes <= length) {
		int lo = length / codes, hi = lo + (length % codes ? 1 : 0);
		snprintf(p->notes, sizeof(p->notes),
		         "%d code values %d..%d over %d pixels: each code %d pixels%s", codes, from,
		         to, length, lo, hi > lo ? " or one more" : "");
	} else {
		snprintf(p->notes, sizeof(p->notes),
		         "%d code values %d..%d over only %d pixels: codes are skipped; use a size "
		         "of "
		         "at least %d or a narrower from..to",
		         codes, from, to, length, codes);
	}
	return add_graded(p, s, UHD_PRIM_RAMP, from, to, 0);
}

const struct uhd_pattern_type uhd_pattern_ramp = {
        "ramp",
        "grey or per-channel ramp through every code value from..to, no dithering",
        NULL,
        ramp_params,
        COUNT(ramp_params),
        build_ramp};

static const struct uhd_param_def staircase_params[] = {
        {"steps", UHD_PARAM_INT, 2, 4096, NULL, "11", "number of steps"},
        {"direction", UHD_PARAM_CHOICE, 0, 0, "h|v", "h", "left to right, or top to bottom"},
        {"channel", UHD_PARAM_CHOICE, 0, 0, "grey|red|green|blue|all", "grey",
         "lit channels; all stacks grey, red, green and blue bands"},
        {"from", UHD_PARAM_LEVEL, 0, 0, NULL, "0%", "first step"},
        {"to", UHD_PARAM_LEVEL, 0, 0, NULL, "100%", "last step"},
};

static int build_staircase(struct uhd_pattern *p, const struct uhd_param_set *s, char *error,
                           size_t error_size)
{
	int steps = (int)uhd_param_number(s, "steps", 11);
	int length = uhd_param_choice(s, "direction") == 1 ? p->format.height : p->format.width;
	if (steps > length) {
		snprintf(error, error_size, "steps=%d: at most one step per pixel (%d here)", steps,
		         length);
		return -EINVAL;
	}
	int from = uhd_param_code(s, "from")[0], to = uhd_param_code(s, "to")[0];
	snprintf(p->notes, sizeof(p->notes),
	         "%d steps of %d or %d pixels; step k has code %d + round(k (%d - %d) / %d)", steps,
	         length / steps, (length + steps - 1) / steps, from, to, from, steps - 1);
	return add_graded(p, s, UHD_PRIM_STAIR, from, to, (uint32_t)steps);
}

const struct uhd_pattern_type uhd_pattern_staircase = {"staircase",
                                                       "N equal steps from one level to another",
                                                       NULL,
                                                       staircase_params,
                                                       COUNT(staircase_params),
                                                       build_staircase};

/* ---- checkerboard ---- */

static const struct uhd_param_def checker_params[] = {
        {"columns", UHD_PARAM_INT, 1, 4096, NULL, "4", "cells across"},
        {"rows", UHD_PARAM_INT, 1, 4096, NULL, "4", "cells down"},
        {"a", UHD_PARAM_COLOUR, 0, 0, NULL, "white", "top-left cell and every other one"},
        {"b", UHD_PARAM_COLOUR, 0, 0, NULL, "black", "the other cells"},
        {"primaries", UHD_PARAM_PRIMARIES, 0, 0, NULL, NULL,
         "primaries of colours in cd/m2 (default: the format's)"},
};

static int build_checkerboard(struct uhd_pattern *p, const struct uhd_param_set *s, char *error,
                              size_t error_size)
{
	int columns = (int)uhd_param_number(s, "columns", 4),
	    rows = (int)uhd_param_number(s, "rows", 4);
	if (columns > p->format.width || rows > p->format.height) {
		snprintf(error, error_size, "%dx%d cells do not fit %dx%d pixels", columns, rows,
		         p->format.width, p->format.height);
		return -EINVAL;
	}
	struct uhd_prim *prim =
	        uhd_pattern_add(p, UHD_PRIM_CHECKER, 0, 0, p->format.width, p->format.height);
	prim->n = (uint32_t)columns;
	prim->m = (uint32_t)rows;
	uhd_prim_set_a(prim, uhd_param_code(s, "a"));
	uhd_prim_set_b(prim, uhd_param_code(s, "b"));
	return 0;
}

const struct uhd_pattern_type uhd_pattern_checkerboard = {
        "checkerboard",
        "N x M cells of two colours (4 x 4 for ANSI contrast)",
        "4 x 4 by default, the ANSI/INFOCOMM 3M-2011 contrast checkerboard",
        checker_params,
        COUNT(checker_params),
        build_checkerboard};

/* ---- grid / crosshatch ---- */

static const struct uhd_param_def grid_params[] = {
        {"columns", UHD_PARAM_INT, 1, 500, NULL, "16", "cells across"},
        {"rows", UHD_PARAM_INT, 1, 500, NULL, "9", "cells down"},
        {"line", UHD_PARAM_INT, 1, 256, NULL, "1", "line width, pixels"},
        {"colour", UHD_PARAM_COLOUR, 0, 0, NULL, "white", "line colour"},
        {"background", UHD_PARAM_COLOUR, 0, 0, NULL, "black", "background"},
        {"primaries", UHD_PARAM_PRIMARIES, 0, 0, NULL, NULL,
         "primaries of colours in cd/m2 (default: the format's)"},
};

/* Line i of `cells` across size: `line` pixels centred on the cell boundary,
 * kept inside the picture (the outer lines lie along the edges). */
static int line_start(int size, int i, int cells, int line)
{
	int at = uhd_pattern_at(size, i, cells) - line / 2;
	return at < 0 ? 0 : at > size - line ? size - line : at;
}

static int build_grid(struct uhd_pattern *p, const struct uhd_param_set *s, char *error,
                      size_t error_size)
{
	int width = p->format.width, height = p->format.height;
	int columns = (int)uhd_param_number(s, "columns", 16),
	    rows = (int)uhd_param_number(s, "rows", 9);
	int line = (int)uhd_param_number(s, "line", 1);
	if (line > width || line > height || (columns + 1) * line > width ||
	    (rows + 1) * line > height) {
		snprintf(error, error_size, "%d lines of %d pixels do not fit %dx%d", columns + 1,
		         line, width, height);
		return -EINVAL;
	}
	const int *colour = uhd_param_code(s, "colour");
	int ret = add_background(p, uhd_param_code(s, "background"));
	for (int i = 0; ret == 0 && i <= columns; i++) {
		int x = line_start(width, i, columns, line);
		ret = add_rect(p, x, 0, x + line, height, colour);
	}
	for (int j = 0; ret == 0 && j <= rows; j++) {
		int y = line_start(height, j, rows, line);
		ret = add_rect(p, 0, y, width, y + line, colour);
	}
	return ret ? full_error(error, error_size) : 0;
}

const struct uhd_pattern_type uhd_pattern_grid = {
        "grid",
        "lines on cell boundaries, edges included (geometry, convergence, overscan)",
        NULL,
        grid_params,
        COUNT(grid_params),
        build_grid};

const struct uhd_pattern_type uhd_pattern_crosshatch = {
        "crosshatch", "the same as grid", NULL, grid_params, COUNT(grid_params), build_grid};

/* ---- one-pixel structures ---- */

static const struct uhd_param_def pixel_params[] = {
        {"mode", UHD_PARAM_CHOICE, 0, 0, "columns|rows|dots|subpixel", "columns",
         "alternating columns, rows, dots (checker of pixels), or columns lighting R, G, B "
         "in turn"},
        {"period", UHD_PARAM_INT, 1, 64, NULL, "1", "pixels per stripe or dot"},
        {"a", UHD_PARAM_COLOUR, 0, 0, NULL, "white", "on colour (first column/row)"},
        {"b", UHD_PARAM_COLOUR, 0, 0, NULL, "black", "off colour"},
        {"primaries", UHD_PARAM_PRIMARIES, 0, 0, NULL, NULL,
         "primaries of colours in cd/m2 (default: the format's)"},
};

static int build_pixel(struct uhd_pattern *p, const struct uhd_param_set *s, char *error,
                       size_t error_size)
{
	(void)error;
	(void)error_size;
	struct uhd_prim *prim =
	        uhd_pattern_add(p, UHD_PRIM_PIXEL, 0, 0, p->format.width, p->format.height);
	prim->m = (uint32_t)uhd_param_choice(s, "mode");
	prim->n = (uint32_t)uhd_param_number(s, "period", 1);
	uhd_prim_set_a(prim, uhd_param_code(s, "a"));
	uhd_prim_set_b(prim, uhd_param_code(s, "b"));
	return 0;
}

const struct uhd_pattern_type uhd_pattern_pixel = {
        "pixel",
        "one-pixel on/off structures: columns, rows, dots, sub-pixel columns",
        NULL,
        pixel_params,
        COUNT(pixel_params),
        build_pixel};

/* ---- zone plate ---- */

static const struct uhd_param_def zoneplate_params[] = {
        {"radius", UHD_PARAM_INT, 1, 65536, NULL, NULL,
         "distance from the centre where the rings reach the Nyquist frequency, pixels "
         "(default: half the height)"},
        {"low", UHD_PARAM_LEVEL, 0, 0, NULL, "0%", "darkest level"},
        {"high", UHD_PARAM_LEVEL, 0, 0, NULL, "100%", "brightest level"},
};

static int build_zoneplate(struct uhd_pattern *p, const struct uhd_param_set *s, char *error,
                           size_t error_size)
{
	if (uhd_param_code(s, "low")[0] > uhd_param_code(s, "high")[0]) {
		snprintf(error, error_size, "low=%s is above high=%s; swap them",
		         s->text[uhd_param_index(s, "low")], s->text[uhd_param_index(s, "high")]);
		return -EINVAL;
	}
	int radius = (int)uhd_param_number(s, "radius",
	                                   p->format.height / 2 > 0 ? p->format.height / 2 : 1);
	struct uhd_prim *prim =
	        uhd_pattern_add(p, UHD_PRIM_ZONEPLATE, 0, 0, p->format.width, p->format.height);
	prim->n = (uint32_t)radius;
	uhd_prim_set_a(prim, uhd_param_code(s, "low"));
	uhd_prim_set_b(prim, uhd_param_code(s, "high"));
	snprintf(p->notes, sizeof(p->notes),
	         "level = low + round((high - low) (1 + cos(pi r^2 / (2 %d))) / 2), r from the "
	         "picture centre; local frequency r / (2 x %d) cycles per pixel",
	         radius, radius);
	return 0;
}

const struct uhd_pattern_type uhd_pattern_zoneplate = {
        "zoneplate",
        "circular zone plate, frequency growing with the radius (scaling, aliasing)",
        NULL,
        zoneplate_params,
        COUNT(zoneplate_params),
        build_zoneplate};

/* ---- uniformity ---- */

static const struct uhd_param_def uniformity_params[] = {
        {"points", UHD_PARAM_CHOICE, 0, 0, "9|25", "9",
         "measurement points: centres of a 3 x 3 or 5 x 5 grid of equal areas"},
        {"colour", UHD_PARAM_COLOUR, 0, 0, NULL, "white", "field colour"},
        {"marker", UHD_PARAM_COLOUR, 0, 0, NULL, NULL,
         "marker colour (default black on fields of 50% signal or more, else white)"},
        {"size", UHD_PARAM_INT, 1, 4096, NULL, NULL,
         "marker arm length, pixels (default height / 40)"},
        {"primaries", UHD_PARAM_PRIMARIES, 0, 0, NULL, NULL,
         "primaries of colours in cd/m2 (default: the format's)"},
};

static int add_marker(struct uhd_pattern *p, int cx, int cy, int arm, int line, const int code[3])
{
	int w = p->format.width, h = p->format.height;
	int x0 = cx - arm < 0 ? 0 : cx - arm, x1 = cx + arm + 1 > w ? w : cx + arm + 1;
	int y0 = cy - arm < 0 ? 0 : cy - arm, y1 = cy + arm + 1 > h ? h : cy + arm + 1;
	int t0 = line / 2;
	int ret = add_rect(p, x0, cy - t0 < 0 ? 0 : cy - t0, x1,
	                   cy - t0 + line > h ? h : cy - t0 + line, code);
	return ret ? ret
	           : add_rect(p, cx - t0 < 0 ? 0 : cx - t0, y0,
	                      cx - t0 + line > w ? w : cx - t0 + line, y1, code);
}

static int build_uniformity(struct uhd_pattern *p, const struct uhd_param_set *s, char *error,
                            size_t error_size)
{
	int n = uhd_param_choice(s, "points") == 0 ? 3 : 5;
	const int *field = uhd_param_code(s, "colour");
	int half = uhd_level_code(&p->format, 0.5), marker[3];
	bool bright = field[0] + field[1] + field[2] >= 3 * half;
	for (int c = 0; c < 3; c++) {
		marker[c] = uhd_param_given(s, "marker")
		                    ? uhd_param_code(s, "marker")[c]
		                    : uhd_level_code(&p->format, bright ? 0.0 : 1.0);
	}
	int arm = (int)uhd_param_number(s, "size",
	                                p->format.height / 40 > 1 ? p->format.height / 40 : 1);
	int line = p->format.height >= 2160 ? p->format.height / 1080 : 1;
	int ret = add_background(p, field);
	for (int j = 0; ret == 0 && j < n; j++) {
		for (int i = 0; ret == 0 && i < n; i++) {
			/* Point (i, j) is the centre of cell (i, j): (2i + 1) / 2n of the size. */
			int cx = uhd_pattern_at(p->format.width, 2 * i + 1, 2 * n);
			int cy = uhd_pattern_at(p->format.height, 2 * j + 1, 2 * n);
			ret = add_marker(p, cx, cy, arm, line, marker);
		}
	}
	snprintf(p->notes, sizeof(p->notes),
	         "%d points at the centres of a %d x %d grid (x = floor(W (2i+1) / %d + 1/2))",
	         n * n, n, n, 2 * n);
	return ret ? full_error(error, error_size) : 0;
}

const struct uhd_pattern_type uhd_pattern_uniformity = {
        "uniformity",
        "a field with markers on the 9 or 25 measurement points",
        "points at the centres of nine (3 x 3) or 25 (5 x 5) equal areas, as ANSI IT7.215 places "
        "its nine",
        uniformity_params,
        COUNT(uniformity_params),
        build_uniformity};
