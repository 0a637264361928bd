/* SPDX-License-Identifier: MIT */
/* Standard colour bars and PLUGE: ITU-R BT.2111-3 HDR bars, SMPTE RP 219 HD/UHD
 * SDR bars and ITU-R BT.814-4 (Annex 2) PLUGE. Proportions are the standards';
 * boundaries fall at floor(size p / q + 1/2) (uhd_pattern_at), which gives the
 * standards' own pixel counts at 1920, 3840 and 7680 pixels wide. */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "catalogue.h"
#include "levels.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* A level as the HDR standards give it: the 10-bit narrow-range code value
 * (12-bit: four times it, BT.2111-3 and BT.814-4 tabulate it so) and the signal
 * E' that full range and 8-bit quantise. */
struct std_level {
	int narrow10;
	double signal;
};

static struct std_level percent(double pct)
{
	double signal = pct / 100.0;
	return (struct std_level){(int)floor((219.0 * signal + 16.0) * 4.0 + 0.5), signal};
}

/* A tabulated narrow-range code; 8 bits and full range quantise its signal. */
static struct std_level narrow_code(int code10)
{
	return (struct std_level){code10, (code10 - 64) / 876.0};
}

static int std_code(const struct uhd_pattern_format *f, struct std_level level)
{
	if (f->range == UHD_RANGE_LIMITED && f->bits >= 10) {
		return level.narrow10 << (f->bits - 10);
	}
	/* Full range has no room below black or above white; narrow range keeps
	 * sub-black (the darker PLUGE level at 8 bits) and super-white. */
	double s = level.signal;
	if (f->range == UHD_RANGE_FULL) {
		s = s < 0 ? 0 : s > 1 ? 1 : s;
	}
	return uhd_level_code(f, s);
}

static int rect(struct uhd_pattern *p, int x0, int y0, int x1, int y1, const int code[3])
{
	struct uhd_prim *prim = uhd_pattern_add(p, UHD_PRIM_RECT, x0, y0, x1, y1);
	if (!prim) {
		return -EINVAL;
	}
	uhd_prim_set_a(prim, code);
	return 0;
}

static int grey_rect(struct uhd_pattern *p, int x0, int y0, int x1, int y1, struct std_level level)
{
	int v = std_code(&p->format, level), code[3] = {v, v, v};
	return rect(p, x0, y0, x1, y1, code);
}

/* Colour bars, in order white, yellow, cyan, green, magenta, red, blue. */
static const int bar_rgb[7][3] = {{1, 1, 1}, {1, 1, 0}, {0, 1, 1}, {0, 1, 0},
                                  {1, 0, 1}, {1, 0, 0}, {0, 0, 1}};

static void bar_code(const struct uhd_pattern_format *f, int bar, struct std_level on, int code[3])
{
	for (int c = 0; c < 3; c++) {
		code[c] = std_code(f, bar_rgb[bar][c] ? on : percent(0));
	}
}

/* ---- ITU-R BT.2111-3 ---- */

/* Column boundaries at 1920 pixels (Table 1: c = 240, d = 206, e = 204). */
static const int bt2111_bars_x[9] = {240, 446, 652, 858, 1062, 1268, 1474, 1680, 1920};

static int x1920(const struct uhd_pattern *p, int x)
{
	return uhd_pattern_at(p->format.width, x, 1920);
}

/* The 75% HLG / 58% PQ signal of the main bars. BT.2111-3 Tables 3 and 4
 * tabulate 58% of the signal range exactly (572 narrow, 593 full at 10 bits),
 * near but not equal to PQ(203 cd/m2) of BT.2408 (E' 0.58069, code 573). */
static double bt2111_bar_signal(const struct uhd_pattern_format *f)
{
	return f->transfer == UHD_TRANSFER_HLG ? 0.75 : 0.58;
}

static int bt2111_top_bands(struct uhd_pattern *p, int y0, int y1, struct std_level on)
{
	int ret = grey_rect(p, 0, y0, p->format.width, y1, percent(40));
	for (int bar = 0; ret == 0 && bar < 7; bar++) {
		int code[3];
		bar_code(&p->format, bar, on, code);
		ret = rect(p, x1920(p, bt2111_bars_x[bar]), y0, x1920(p, bt2111_bars_x[bar + 1]),
		           y1, code);
	}
	return ret;
}

static int bt2111_stair(struct uhd_pattern *p, int y0, int y1, struct std_level white)
{
	/* 75%/58% white | -7% under the white bar | 0%..100% by 10% and 109% on
	 * half-bar steps | 75%/58% white. */
	static const int x[15] = {0,    240,  446,  549,  652,  755,  858, 960,
	                          1062, 1165, 1268, 1371, 1474, 1577, 1680};
	int ret = grey_rect(p, 0, y0, p->format.width, y1, white);
	ret = ret ? ret : grey_rect(p, x1920(p, 240), y0, x1920(p, 446), y1, narrow_code(4));
	for (int step = 0; ret == 0 && step < 12; step++) {
		struct std_level level = step == 11 ? narrow_code(1019) : percent(10.0 * step);
		ret = grey_rect(p, x1920(p, x[step + 2]), y0, x1920(p, x[step + 3]), y1, level);
	}
	return ret;
}

/* Narrow range: black | -7% | ramp 5..1018, one code per 1920th | 109%.
 * Full range: black to the green bar's edge | ramp 1..1022 | 100%. */
static int bt2111_ramp(struct uhd_pattern *p, int y0, int y1)
{
	bool narrow = p->format.range == UHD_RANGE_LIMITED;
	int start = narrow ? 799 : 858, first = narrow ? 5 : 1, last = narrow ? 1018 : 1022;
	int ret = grey_rect(p, 0, y0, p->format.width, y1, percent(0));
	ret = ret || !narrow ? ret
	                     : grey_rect(p, x1920(p, 240), y0, x1920(p, 799), y1, narrow_code(4));
	int end = start + last - first + 1;
	ret = ret ? ret
	          : grey_rect(p, x1920(p, end), y0, p->format.width, y1,
	                      narrow ? narrow_code(1019) : percent(100));
	struct uhd_prim *ramp =
	        ret ? NULL
	            : uhd_pattern_add(p, UHD_PRIM_RAMP, x1920(p, start), y0, x1920(p, end), y1);
	if (!ramp) {
		return -EINVAL;
	}
	/* 10-bit code values; 12 bits keep them, times four (m is the code step).
	 * Code first + i sits in 1920th number start + i of the width. */
	int step = p->format.bits == 12 ? 4 : 1;
	int a[3] = {first * step, first * step, first * step};
	int b[3] = {last * step, last * step, last * step};
	uhd_prim_set_a(ramp, a);
	uhd_prim_set_b(ramp, b);
	ramp->m = (uint32_t)step;
	ramp->grid = 1920;
	ramp->grid_first = (uint32_t)start;
	return 0;
}

/* BT.709 100% colours in BT.2020 (BT.2087 matrix, as BT.2111-3 derives them),
 * at the main bars' level: HLG scales scene light, PQ display light (the
 * luminance of the 58% signal, 201.67 cd/m2, reproduces Tables 3 and 4). */
static void bt709_bar(const struct uhd_pattern_format *f, int bar, int code[3])
{
	static const double m[3][3] = {
	        {0.6274, 0.3293, 0.0433}, {0.0691, 0.9195, 0.0114}, {0.0164, 0.0880, 0.8956}};
	double white = f->transfer == UHD_TRANSFER_HLG ? uhd_hlg_inverse_oetf(0.75)
	                                               : uhd_pq_eotf(bt2111_bar_signal(f));
	for (int r = 0; r < 3; r++) {
		double lin = 0;
		for (int c = 0; c < 3; c++) {
			lin += m[r][c] * bar_rgb[bar][c];
		}
		double s = f->transfer == UHD_TRANSFER_HLG ? uhd_hlg_oetf(lin * white)
		                                           : uhd_pq_inverse_eotf(lin * white);
		code[r] = std_code(
		        f, (struct std_level){(int)floor((219.0 * s + 16.0) * 4.0 + 0.5), s});
	}
}

static int bt2111_bottom(struct uhd_pattern *p, int y0, int y1, struct std_level white)
{
	/* Y C G | black | PLUGE -2% 0 +2% 0 +4% | black | white | black | M R B */
	static const int x[16] = {0,   80,  160, 240,  376,  446,  514,  584,
	                          652, 722, 960, 1398, 1680, 1760, 1840, 1920};
	const struct std_level levels[11] = {percent(0),      narrow_code(48), percent(0),
	                                     narrow_code(80), percent(0),      narrow_code(99),
	                                     percent(0),      white,           percent(0)};
	int ret = 0;
	for (int i = 0; ret == 0 && i < 15; i++) {
		int x0 = x1920(p, x[i]), x1 = x1920(p, x[i + 1]);
		if (i < 3 || i > 11) {
			int code[3];
			bt709_bar(&p->format, i < 3 ? i + 1 : i - 8, code);
			ret = rect(p, x0, y0, x1, y1, code);
		} else {
			ret = grey_rect(p, x0, y0, x1, y1, levels[i - 3]);
		}
	}
	return ret;
}

static int build_bt2111(struct uhd_pattern *p, const struct uhd_param_set *s, char *error,
                        size_t error_size)
{
	(void)s;
	const struct uhd_pattern_format *f = &p->format;
	if (f->transfer == UHD_TRANSFER_BT709 || f->bits == 8) {
		snprintf(error, error_size,
		         "BT.2111 bars are HDR (--transfer pq or hlg) at 10 or 12 bits; use "
		         "smpte-bars for SDR");
		return -EINVAL;
	}
	double signal = bt2111_bar_signal(f);
	struct std_level bar = {(int)floor((219.0 * signal + 16.0) * 4.0 + 0.5), signal};
	int h = f->height, y[6] = {0,
	                           uhd_pattern_at(h, 1, 12),
	                           uhd_pattern_at(h, 7, 12),
	                           uhd_pattern_at(h, 8, 12),
	                           uhd_pattern_at(h, 9, 12),
	                           h};
	int ret = bt2111_top_bands(p, y[0], y[1], percent(100));
	ret = ret ? ret : bt2111_top_bands(p, y[1], y[2], bar);
	ret = ret ? ret : bt2111_stair(p, y[2], y[3], bar);
	ret = ret ? ret : bt2111_ramp(p, y[3], y[4]);
	ret = ret ? ret : bt2111_bottom(p, y[4], y[5], bar);
	snprintf(p->notes, sizeof(p->notes), "main bars at %s (code %d)",
	         f->transfer == UHD_TRANSFER_HLG ? "75% HLG" : "58% PQ", std_code(f, bar));
	return ret;
}

const struct uhd_pattern_type uhd_pattern_bt2111_bars = {
        "bt2111-bars",
        "HDR colour bars: 100% and 75% HLG / 58% PQ bars, stair, ramp, BT.709 bars, PLUGE",
        "ITU-R BT.2111-3: layout of Table 1, levels of Tables 2-4",
        NULL,
        0,
        build_bt2111};

/* ---- SMPTE RP 219 ---- */

/* Pattern columns: d = W/8, then seven bars of c = 3W/28: x_k = W (7 + 6k) / 56. */
static int x56(const struct uhd_pattern *p, int k56)
{
	return uhd_pattern_at(p->format.width, k56, 56);
}

static int grey_pct(struct uhd_pattern *p, int x0, int y0, int x1, int y1, double pct)
{
	int v = uhd_level_code(&p->format, fmax(pct, -100.0) / 100.0), code[3] = {v, v, v};
	if (p->format.range == UHD_RANGE_FULL && pct < 0) {
		code[0] = code[1] = code[2] = 0;
	}
	return rect(p, x0, y0, x1, y1, code);
}

static int colour_pct(struct uhd_pattern *p, int x0, int y0, int x1, int y1, int bar, double pct)
{
	int code[3];
	for (int c = 0; c < 3; c++) {
		code[c] = uhd_level_code(&p->format, bar_rgb[bar][c] ? pct / 100.0 : 0.0);
	}
	return rect(p, x0, y0, x1, y1, code);
}

static int rp219_pattern1_2(struct uhd_pattern *p, const int y[5], double chip2)
{
	int w = p->format.width;
	int ret = grey_pct(p, 0, y[0], w, y[1], 40);
	for (int bar = 0; ret == 0 && bar < 7; bar++) {
		ret = colour_pct(p, x56(p, 7 + 6 * bar), y[0], x56(p, 13 + 6 * bar), y[1], bar, 75);
	}
	ret = ret ? ret : colour_pct(p, 0, y[1], x56(p, 7), y[2], 2, 100);
	ret = ret ? ret : grey_pct(p, x56(p, 7), y[1], x56(p, 13), y[2], chip2);
	ret = ret ? ret : grey_pct(p, x56(p, 13), y[1], x56(p, 49), y[2], 75);
	return ret ? ret : colour_pct(p, x56(p, 49), y[1], w, y[2], 6, 100);
}

static int rp219_pattern3(struct uhd_pattern *p, const int y[5])
{
	int w = p->format.width;
	int ret = colour_pct(p, 0, y[2], x56(p, 7), y[3], 1, 100);
	ret = ret ? ret : grey_pct(p, x56(p, 7), y[2], x56(p, 13), y[3], 0);
	ret = ret ? ret : grey_pct(p, x56(p, 43), y[2], x56(p, 49), y[3], 100);
	ret = ret ? ret : colour_pct(p, x56(p, 49), y[2], w, y[3], 5, 100);
	struct uhd_prim *ramp =
	        ret ? NULL : uhd_pattern_add(p, UHD_PRIM_RAMP, x56(p, 13), y[2], x56(p, 43), y[3]);
	if (!ramp) {
		return -EINVAL;
	}
	int black = uhd_level_code(&p->format, 0), white = uhd_level_code(&p->format, 1);
	int a[3] = {black, black, black}, b[3] = {white, white, white};
	uhd_prim_set_a(ramp, a);
	uhd_prim_set_b(ramp, b);
	return 0;
}

static int rp219_pattern4(struct uhd_pattern *p, const int y[5])
{
	/* 15% | black 3c/2 | white 2c | black 5c/6 | -2% 0 +2% 0 +4% (c/3 each) | black c | 15% */
	static const int x[12] = {0, 7, 16, 28, 33, 35, 37, 39, 41, 43, 49, 56};
	static const double pct[11] = {15, 0, 100, 0, -2, 0, 2, 0, 4, 0, 15};
	int ret = 0;
	for (int i = 0; ret == 0 && i < 11; i++) {
		ret = grey_pct(p, x56(p, x[i]), y[3], x56(p, x[i + 1]), y[4], pct[i]);
	}
	return ret;
}

static const struct uhd_param_def smpte_params[] = {
        {"chip", UHD_PARAM_CHOICE, 0, 0, "75|100", "75",
         "pattern 2's second chip: 75% or 100% white (the -I/+I chips are not offered)"},
};

static int build_smpte(struct uhd_pattern *p, const struct uhd_param_set *s, char *error,
                       size_t error_size)
{
	if (p->format.transfer != UHD_TRANSFER_BT709) {
		snprintf(error, error_size,
		         "RP 219 bars are SDR BT.709 (--transfer sdr); use bt2111-bars for HDR");
		return -EINVAL;
	}
	int h = p->format.height;
	int y[5] = {0, uhd_pattern_at(h, 7, 12), uhd_pattern_at(h, 8, 12), uhd_pattern_at(h, 9, 12),
	            h};
	int ret = rp219_pattern1_2(p, y, uhd_param_choice(s, "chip") == 0 ? 75 : 100);
	ret = ret ? ret : rp219_pattern3(p, y);
	return ret ? ret : rp219_pattern4(p, y);
}

const struct uhd_pattern_type uhd_pattern_smpte_bars = {
        "smpte-bars",
        "SDR HD/UHD colour bars: 75% bars, 100% chips, Y ramp, PLUGE",
        "SMPTE RP 219-1 proportions; R'G'B' levels quantised as BT.709 does",
        smpte_params,
        COUNT(smpte_params),
        build_smpte};

/* ---- ITU-R BT.814-4 Annex 2 ---- */

static const struct uhd_param_def pluge_params[] = {
        {"higher", UHD_PARAM_LEVEL, 0, 0, NULL, NULL,
         "centre box level (default: 940 SDR, 399 HDR as 10-bit narrow codes)"},
};

/* Rows at 1080 lines (picture rows of the 1125-line numbering less 42). */
static int y1080(const struct uhd_pattern *p, int row)
{
	return uhd_pattern_at(p->format.height, row, 1080);
}

static int x80(const struct uhd_pattern *p, int k)
{
	return uhd_pattern_at(p->format.width, k, 80);
}

static int build_pluge(struct uhd_pattern *p, const struct uhd_param_set *s, char *error,
                       size_t error_size)
{
	(void)error;
	(void)error_size;
	bool hdr = p->format.transfer != UHD_TRANSFER_BT709;
	struct std_level lighter = narrow_code(80), darker = narrow_code(48);
	int ret = grey_rect(p, 0, 0, p->format.width, p->format.height, narrow_code(64));
	/* Left: 20 stripes on 39 equal slots of rows 345..734, lighter above darker. */
	for (int k = 0; ret == 0 && k < 39; k += 2) {
		ret = grey_rect(p, x80(p, 13), y1080(p, 345 + 10 * k), x80(p, 25),
		                y1080(p, 355 + 10 * k), k < 20 ? lighter : darker);
	}
	ret = ret ? ret
	          : grey_rect(p, x80(p, 55), y1080(p, 324), x80(p, 67), y1080(p, 468), lighter);
	ret = ret ? ret
	          : grey_rect(p, x80(p, 55), y1080(p, 612), x80(p, 67), y1080(p, 756), darker);
	if (ret == 0) {
		int higher[3];
		if (uhd_param_given(s, "higher")) {
			const int *c = uhd_param_code(s, "higher");
			higher[0] = higher[1] = higher[2] = c[0];
			ret = rect(p, x80(p, 37), y1080(p, 468), x80(p, 43), y1080(p, 612), higher);
		} else {
			ret = grey_rect(p, x80(p, 37), y1080(p, 468), x80(p, 43), y1080(p, 612),
			                narrow_code(hdr ? 399 : 940));
		}
	}
	return ret;
}

const struct uhd_pattern_type uhd_pattern_pluge = {
        "pluge",
        "picture line-up pattern: black-level stripes and boxes, a higher-level box",
        "ITU-R BT.814-4 Annex 2 (HD/UHD/8K layout; SDR and HDR levels)",
        pluge_params,
        COUNT(pluge_params),
        build_pluge};
