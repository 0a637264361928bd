/* SPDX-License-Identifier: MIT */
/*
 * CVT 1.2 reduced blanking (v1) timings. The steps are those of the VESA CVT
 * formula for RB v1, progressive and without margins; the names of the
 * constants are the standard's (RB_H_BLANK, RB_MIN_V_BLANK, ...). The formula
 * is defined in floating point; the roundings (floor of the blank lines and of
 * the clock steps) are the standard's and are kept exactly.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "cvt.h"

#define CELL_GRAN         8
#define RB_H_BLANK        160
#define RB_H_SYNC         32
#define RB_H_FRONT_PORCH  (RB_H_BLANK / 2 - RB_H_SYNC) /* sync ends mid-blank */
#define RB_V_FPORCH       3
#define RB_MIN_V_BPORCH   6
#define RB_MIN_V_BLANK_US 460.0
#define CLOCK_STEP_KHZ    250
#define MODE_FIELD_MAX    65535 /* drmModeModeInfo keeps timings in uint16_t */

/* CVT names the aspect ratio by the active size; only exact ratios count. */
static int vsync_lines(int width, int height)
{
	int64_t w = width, h = height;
	if (w * 3 == h * 4) {
		return 4;
	}
	if (w * 9 == h * 16) {
		return 5;
	}
	if (w * 10 == h * 16) {
		return 6;
	}
	if (w * 4 == h * 5 || w * 9 == h * 15) {
		return 7;
	}
	return 10;
}

static int check_request(int width, int height, double refresh_hz, const drmModeModeInfo *mode)
{
	if (!mode) {
		uhd_error("CVT mode: no mode to fill (NULL); pass a drmModeModeInfo");
		return -EINVAL;
	}
	if (width <= 0 || height <= 0) {
		uhd_error("CVT mode %dx%d: the size must be positive", width, height);
		return -EINVAL;
	}
	if (width % CELL_GRAN != 0) {
		long long nearest = ((long long)width + CELL_GRAN / 2) / CELL_GRAN * CELL_GRAN;
		if (nearest < CELL_GRAN) {
			nearest = CELL_GRAN;
		}
		uhd_error("CVT mode %dx%d: the width is not a multiple of CVT's %d-pixel cell; "
		          "use a multiple of %d such as %lld",
		          width, height, CELL_GRAN, CELL_GRAN, nearest);
		return -EINVAL;
	}
	/* A frame must last longer than the minimum vertical blank. */
	if (!isfinite(refresh_hz) || refresh_hz <= 0 || 1e6 / refresh_hz <= RB_MIN_V_BLANK_US) {
		uhd_error("CVT mode %dx%d: refresh rate %g Hz is not usable; give a rate above 0 "
		          "and below %.0f Hz",
		          width, height, refresh_hz, 1e6 / RB_MIN_V_BLANK_US);
		return -EINVAL;
	}
	return 0;
}

/* Lines of vertical blank: at least 460 us, and at least the porches and sync. */
static double vblank_lines(int height, double refresh_hz, int vsync)
{
	double h_period_est_us = (1e6 / refresh_hz - RB_MIN_V_BLANK_US) / height;
	double vbi_lines = floor(RB_MIN_V_BLANK_US / h_period_est_us) + 1;
	double rb_min_vbi = RB_V_FPORCH + vsync + RB_MIN_V_BPORCH;
	return vbi_lines < rb_min_vbi ? rb_min_vbi : vbi_lines;
}

static int check_fits(int width, int height, double htotal, double vtotal, double clock_khz)
{
	if (htotal > MODE_FIELD_MAX || vtotal > MODE_FIELD_MAX) {
		uhd_error("CVT mode %dx%d: totals %.0fx%.0f do not fit a KMS mode (at most %d); "
		          "use a smaller size or a lower refresh rate",
		          width, height, htotal, vtotal, MODE_FIELD_MAX);
		return -ERANGE;
	}
	if (clock_khz > UINT32_MAX || clock_khz < CLOCK_STEP_KHZ) {
		uhd_error("CVT mode %dx%d: pixel clock %.0f kHz does not fit a KMS mode "
		          "(%d..%u kHz); change the size or refresh rate",
		          width, height, clock_khz, CLOCK_STEP_KHZ, (unsigned)UINT32_MAX);
		return -ERANGE;
	}
	return 0;
}

static void fill_mode(drmModeModeInfo *mode, int width, int height, int vsync, uint32_t vtotal,
                      uint32_t clock_khz)
{
	memset(mode, 0, sizeof(*mode));
	mode->clock = clock_khz;
	mode->hdisplay = (uint16_t)width;
	mode->hsync_start = (uint16_t)(width + RB_H_FRONT_PORCH);
	mode->hsync_end = (uint16_t)(width + RB_H_FRONT_PORCH + RB_H_SYNC);
	mode->htotal = (uint16_t)(width + RB_H_BLANK);
	mode->vdisplay = (uint16_t)height;
	mode->vsync_start = (uint16_t)(height + RB_V_FPORCH);
	mode->vsync_end = (uint16_t)(height + RB_V_FPORCH + vsync);
	mode->vtotal = (uint16_t)vtotal;
	uint64_t pixels = (uint64_t)mode->htotal * vtotal;
	mode->vrefresh = (uint32_t)(((uint64_t)clock_khz * 1000 + pixels / 2) / pixels);
	mode->flags = DRM_MODE_FLAG_PHSYNC | DRM_MODE_FLAG_NVSYNC;
	mode->type = DRM_MODE_TYPE_USERDEF;
	snprintf(mode->name, sizeof(mode->name), "%dx%dR", width, height);
}

int uhd_cvt_rb_mode(int width, int height, double refresh_hz, drmModeModeInfo *mode)
{
	int ret = check_request(width, height, refresh_hz, mode);
	if (ret < 0) {
		return ret;
	}
	int vsync = vsync_lines(width, height);
	double vtotal = (double)height + vblank_lines(height, refresh_hz, vsync);
	double htotal = (double)width + RB_H_BLANK;
	double clock_khz =
	        CLOCK_STEP_KHZ * floor(refresh_hz * vtotal * htotal / (CLOCK_STEP_KHZ * 1000.0));
	ret = check_fits(width, height, htotal, vtotal, clock_khz);
	if (ret < 0) {
		return ret;
	}
	fill_mode(mode, width, height, vsync, (uint32_t)vtotal, (uint32_t)clock_khz);
	return 0;
}
