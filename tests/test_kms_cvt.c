/* SPDX-License-Identifier: MIT */
/*
 * CVT reduced blanking (v1) timings against published modes.
 *
 * Sources of the expected values:
 * - VESA DMT 1.0 r13, the modes it defines by CVT-RB, as transcribed in the
 *   Linux kernel's drivers/gpu/drm/drm_edid.c (drm_dmt_modes[], DMT IDs in
 *   the comments below): clock, h/v display, sync start, sync end, total.
 * - 2560x1440@60 RB: drivers/gpu/drm/vmwgfx/vmwgfx_kms.c's built-in mode list
 *   (241.5 MHz, 2608/2640/2720, 1443/1448/1481).
 * - 1920x1080, 3840x2160 and 7680x4320 at 60 RB: the values quoted in the
 *   task (138.5 MHz 2080x1111, 533.25 MHz 4000x2222, 2089.75 MHz 7840x4443;
 *   the 8K mode was measured accepted by vkms), rederived by hand below.
 * - 1920x1080@24 RB, where the minimum back porch decides vtotal: derived by
 *   hand below from the CVT 1.2 RB v1 parameters (no published table found).
 */
#include <errno.h>
#include <string.h>

#include "harness.h"
#include "present/kms/cvt.h"

struct expected_mode {
	int width, height;
	double refresh;
	uint32_t clock_khz;
	uint16_t hsync_start, hsync_end, htotal;
	uint16_t vsync_start, vsync_end, vtotal;
	uint32_t vrefresh;
	const char *source;
};

/*
 * By hand, for the task's modes (CVT-RB v1; H_PERIOD_EST in us):
 *  1920x1080@60: (16666.667 - 460) / 1080 = 15.00617; 460 / 15.00617 = 30.65 -> 30 + 1 = 31
 *    blank lines; vtotal 1111; htotal 2080; 60 * 1111 * 2080 = 138.6528 MHz -> 138.5.
 *  3840x2160@60: 16206.667 / 2160 = 7.50309; 460 / 7.50309 = 61.31 -> 62; vtotal 2222;
 *    htotal 4000; 60 * 2222 * 4000 = 533.28 MHz -> 533.25.
 *  7680x4320@60: 16206.667 / 4320 = 3.75154; 460 / 3.75154 = 122.6 -> 123; vtotal 4443;
 *    htotal 7840; 60 * 4443 * 7840 = 2089.987 MHz -> 2089.75;
 *    refresh 2089.75e6 / (7840 * 4443) = 59.9932 Hz.
 *  1920x1080@24: (41666.667 - 460) / 1080 = 38.15432; 460 / 38.15432 = 12.06 -> 13 lines,
 *    below the minimum 3 + 5 (16:9 sync) + 6 = 14, so 14; vtotal 1094;
 *    24 * 1094 * 2080 = 54.61248 MHz -> 54.5; refresh 54.5e6 / (2080 * 1094) = 23.950 Hz.
 * Sync positions: hsync_start = width + 48, hsync_end = width + 80;
 * vsync_start = height + 3, vsync_end = vsync_start + sync lines.
 */
static const struct expected_mode modes[] = {
        {1280, 768, 60, 68250, 1328, 1360, 1440, 771, 778, 790, 60, "DMT 0x16"},
        {1280, 800, 60, 71000, 1328, 1360, 1440, 803, 809, 823, 60, "DMT 0x1b"},
        {1400, 1050, 60, 101000, 1448, 1480, 1560, 1053, 1057, 1080, 60, "DMT 0x29"},
        {1440, 900, 60, 88750, 1488, 1520, 1600, 903, 909, 926, 60, "DMT 0x2e"},
        {1680, 1050, 60, 119000, 1728, 1760, 1840, 1053, 1059, 1080, 60, "DMT 0x39"},
        {1920, 1200, 60, 154000, 1968, 2000, 2080, 1203, 1209, 1235, 60, "DMT 0x44"},
        {2560, 1600, 60, 268500, 2608, 2640, 2720, 1603, 1609, 1646, 60, "DMT 0x4c"},
        {1280, 768, 120, 140250, 1328, 1360, 1440, 771, 778, 813, 120, "DMT 0x1a"},
        {1280, 960, 120, 175500, 1328, 1360, 1440, 963, 967, 1017, 120, "DMT 0x22"},
        {1280, 1024, 120, 187250, 1328, 1360, 1440, 1027, 1034, 1084, 120, "DMT 0x26"},
        {1600, 1200, 120, 268250, 1648, 1680, 1760, 1203, 1207, 1271, 120, "DMT 0x38"},
        {1920, 1200, 120, 317000, 1968, 2000, 2080, 1203, 1209, 1271, 120, "DMT 0x48"},
        {2560, 1600, 120, 552750, 2608, 2640, 2720, 1603, 1609, 1694, 120, "DMT 0x50"},
        {2560, 1440, 60, 241500, 2608, 2640, 2720, 1443, 1448, 1481, 60, "vmwgfx built-in"},
        {1920, 1080, 60, 138500, 1968, 2000, 2080, 1083, 1088, 1111, 60, "task, by hand"},
        {3840, 2160, 60, 533250, 3888, 3920, 4000, 2163, 2168, 2222, 60, "task, by hand"},
        {7680, 4320, 60, 2089750, 7728, 7760, 7840, 4323, 4328, 4443, 60, "task, vkms, by hand"},
        {1920, 1080, 24, 54500, 1968, 2000, 2080, 1083, 1088, 1094, 24, "by hand, min porch"},
};

static void check_mode(const struct expected_mode *e)
{
	drmModeModeInfo mode;
	memset(&mode, 0xa5, sizeof(mode));
	int ret = uhd_cvt_rb_mode(e->width, e->height, e->refresh, &mode);
	CHECK(ret == 0, "%dx%d@%g (%s): returned %d", e->width, e->height, e->refresh, e->source,
	      ret);
	CHECK(mode.clock == e->clock_khz, "%dx%d@%g (%s): clock expected %u kHz, got %u", e->width,
	      e->height, e->refresh, e->source, e->clock_khz, mode.clock);
	CHECK(mode.hdisplay == e->width && mode.hsync_start == e->hsync_start &&
	              mode.hsync_end == e->hsync_end && mode.htotal == e->htotal,
	      "%dx%d@%g (%s): horizontal expected %d %u %u %u, got %u %u %u %u", e->width,
	      e->height, e->refresh, e->source, e->width, e->hsync_start, e->hsync_end, e->htotal,
	      mode.hdisplay, mode.hsync_start, mode.hsync_end, mode.htotal);
	CHECK(mode.vdisplay == e->height && mode.vsync_start == e->vsync_start &&
	              mode.vsync_end == e->vsync_end && mode.vtotal == e->vtotal,
	      "%dx%d@%g (%s): vertical expected %d %u %u %u, got %u %u %u %u", e->width, e->height,
	      e->refresh, e->source, e->height, e->vsync_start, e->vsync_end, e->vtotal,
	      mode.vdisplay, mode.vsync_start, mode.vsync_end, mode.vtotal);
	CHECK(mode.vrefresh == e->vrefresh, "%dx%d@%g: vrefresh expected %u, got %u", e->width,
	      e->height, e->refresh, e->vrefresh, mode.vrefresh);
	CHECK(mode.hskew == 0 && mode.vscan == 0, "%dx%d: hskew %u vscan %u", e->width, e->height,
	      mode.hskew, mode.vscan);
	CHECK(mode.flags == (DRM_MODE_FLAG_PHSYNC | DRM_MODE_FLAG_NVSYNC),
	      "%dx%d: flags 0x%x, expected +hsync -vsync", e->width, e->height, mode.flags);
	CHECK(mode.type == DRM_MODE_TYPE_USERDEF, "%dx%d: type 0x%x", e->width, e->height,
	      mode.type);
	char name[DRM_DISPLAY_MODE_LEN];
	snprintf(name, sizeof(name), "%dx%dR", e->width, e->height);
	CHECK(memchr(mode.name, '\0', sizeof(mode.name)) && strcmp(mode.name, name) == 0,
	      "name expected %s, got %.32s", name, mode.name);
}

/* The 8K mode's actual rate is 59.993 Hz (task; 2089.75e6 / 34833120 = 59.9932). */
static void check_actual_rate(void)
{
	drmModeModeInfo mode;
	CHECK(uhd_cvt_rb_mode(7680, 4320, 60, &mode) == 0, "8K mode");
	double rate = mode.clock * 1000.0 / ((double)mode.htotal * mode.vtotal);
	CHECK_NEAR(rate, 59.9932, 1e-4, "7680x4320R actual refresh (Hz)");
}

static void check_refusals(void)
{
	drmModeModeInfo mode;
	CHECK(uhd_cvt_rb_mode(1920, 1080, 60, NULL) == -EINVAL, "NULL mode");
	CHECK(uhd_cvt_rb_mode(0, 1080, 60, &mode) == -EINVAL, "zero width");
	CHECK(uhd_cvt_rb_mode(1920, -1080, 60, &mode) == -EINVAL, "negative height");
	CHECK(uhd_cvt_rb_mode(1366, 768, 60, &mode) == -EINVAL, "width not a multiple of 8");
	CHECK(uhd_cvt_rb_mode(1921, 1080, 60, &mode) == -EINVAL, "odd width");
	CHECK(uhd_cvt_rb_mode(1920, 1080, 0, &mode) == -EINVAL, "zero refresh");
	CHECK(uhd_cvt_rb_mode(1920, 1080, -60, &mode) == -EINVAL, "negative refresh");
	CHECK(uhd_cvt_rb_mode(1920, 1080, NAN, &mode) == -EINVAL, "NaN refresh");
	CHECK(uhd_cvt_rb_mode(1920, 1080, INFINITY, &mode) == -EINVAL, "infinite refresh");
	/* 1e6 / 460 us = 2173.9 Hz: a frame no longer than the minimum blank. */
	CHECK(uhd_cvt_rb_mode(1920, 1080, 2174, &mode) == -EINVAL, "refresh above 2173.9 Hz");
	/* 65528 + 160 > 65535: htotal does not fit the uint16_t field. */
	CHECK(uhd_cvt_rb_mode(65528, 1080, 60, &mode) == -ERANGE, "htotal above 65535");
	CHECK(uhd_cvt_rb_mode(1920, 65500, 60, &mode) == -ERANGE, "vtotal above 65535");
	/* 2000 Hz leaves 40 us per frame for 5001 lines: 460 / (40 / 5001) = 57511.5 -> 57512
	 * blank lines, vtotal 62513, htotal 65528: 2000 * 62513 * 65528 = 8.2e12 Hz, above the
	 * 4294967295 kHz a KMS mode can hold. */
	CHECK(uhd_cvt_rb_mode(65368, 5001, 2000, &mode) == -ERANGE, "clock above 2^32 kHz");
	/* 8x8 at 0.001 Hz: 168 * 27 (19 lines of minimum blank) * 0.001 px/s rounds to 0 kHz. */
	CHECK(uhd_cvt_rb_mode(8, 8, 0.001, &mode) == -ERANGE, "clock rounds to 0");
}

int main(void)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		check_mode(&modes[i]);
	}
	check_actual_rate();
	check_refusals();
	return test_finish("test_kms_cvt");
}
