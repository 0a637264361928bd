/* SPDX-License-Identifier: MIT */
/* HDR static metadata: the checks and the repair policy (hdr_metadata.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "colour/hdr_metadata.h"

const double uhd_hdr_bt2020_primaries[3][2] = {{0.708, 0.292}, {0.170, 0.797}, {0.131, 0.046}};
const double uhd_hdr_d65_white[2] = {0.3127, 0.3290};

/* x + y may reach 1: spectral reds lie on that line (BT.2020 red 0.708 + 0.292). */
static bool chromaticity_ok(double x, double y)
{
	return isfinite(x) && isfinite(y) && x > 0 && x < 1 && y > 0 && y < 1 && x + y <= 1 + 1e-9;
}

bool uhd_hdr_primaries_ok(const struct uhd_mastering_display *md, char *why, size_t size)
{
	static const char *const names[3] = {"red", "green", "blue"};
	const double(*p)[2] = md->primaries;
	for (int i = 0; i < 3; i++) {
		if (!chromaticity_ok(p[i][0], p[i][1])) {
			snprintf(
			        why, size,
			        "have %s %.4f/%.4f, not a chromaticity (x, y in (0,1), x + y <= 1)",
			        names[i], p[i][0], p[i][1]);
			return false;
		}
	}
	/* Every RGB gamut has red rightmost and green topmost; G,B,R order puts green first. */
	if (!(p[0][0] > p[1][0] && p[0][0] > p[2][0])) {
		snprintf(why, size, "are not in R,G,B order (red x %.4f is not the largest x)",
		         p[0][0]);
		return false;
	}
	if (!(p[1][1] > p[0][1] && p[1][1] > p[2][1])) {
		snprintf(why, size, "are not in R,G,B order (green y %.4f is not the largest y)",
		         p[1][1]);
		return false;
	}
	return true;
}

bool uhd_hdr_white_ok(const double w[2], char *why, size_t size)
{
	if (!chromaticity_ok(w[0], w[1])) {
		snprintf(why, size, "%.4f/%.4f is not a chromaticity (x, y in (0,1), x + y <= 1)",
		         w[0], w[1]);
		return false;
	}
	return true;
}

bool uhd_hdr_luminance_ok(double max, double min, char *why, size_t size)
{
	if (!isfinite(max) || max < 1 || max > UHD_HDR_PQ_PEAK) {
		snprintf(why, size, "max %g cd/m2 is outside 1..10000", max);
		return false;
	}
	if (!isfinite(min) || min < 0 || min > UHD_HDR_MIN_LUMINANCE_LIMIT) {
		snprintf(why, size, "min %g cd/m2 is outside 0..6.5535", min);
		return false;
	}
	if (!(min < max)) {
		snprintf(why, size, "max %g cd/m2 is not above min %g", max, min);
		return false;
	}
	return true;
}

bool uhd_hdr_light_ok(const struct uhd_content_light *cll, char *why, size_t size)
{
	if (cll->max_cll > UHD_HDR_PQ_PEAK || cll->max_fall > UHD_HDR_PQ_PEAK) {
		snprintf(why, size, "MaxCLL %u / MaxFALL %u cd/m2 pass 10000", cll->max_cll,
		         cll->max_fall);
		return false;
	}
	/* 0 is "unknown" (CTA-861.3), so a MaxFALL beside an unknown MaxCLL is fine. */
	if (cll->max_cll && cll->max_fall > cll->max_cll) {
		snprintf(why, size, "MaxFALL %u is above MaxCLL %u", cll->max_fall, cll->max_cll);
		return false;
	}
	return true;
}

void uhd_hdr_default_mastering(struct uhd_mastering_display *md)
{
	memcpy(md->primaries, uhd_hdr_bt2020_primaries, sizeof(md->primaries));
	memcpy(md->white_point, uhd_hdr_d65_white, sizeof(md->white_point));
	md->max_luminance = UHD_HDR_DEFAULT_MAX_LUMINANCE;
	md->min_luminance = UHD_HDR_DEFAULT_MIN_LUMINANCE;
}

static void append(char *out, size_t size, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void append(char *out, size_t size, const char *fmt, ...)
{
	if (!out || !size) {
		return;
	}
	size_t used = strlen(out);
	if (used && used + 2 < size) {
		used += (size_t)snprintf(out + used, size - used, "; ");
	}
	if (used + 1 >= size) {
		return;
	}
	va_list args;
	va_start(args, fmt);
	vsnprintf(out + used, size - used, fmt, args);
	va_end(args);
}

unsigned uhd_hdr_metadata_repair(struct uhd_colour *colour, char *why, size_t size)
{
	unsigned repaired = 0;
	char reason[128];
	if (why && size) {
		why[0] = '\0';
	}
	struct uhd_mastering_display *md = &colour->mastering, defaults;
	uhd_hdr_default_mastering(&defaults);
	if (colour->has_mastering && !uhd_hdr_primaries_ok(md, reason, sizeof(reason))) {
		memcpy(md->primaries, defaults.primaries, sizeof(md->primaries));
		append(why, size, "mastering display primaries %s: replaced by BT.2020", reason);
		repaired |= UHD_HDR_REPAIRED_PRIMARIES;
	}
	if (colour->has_mastering && !uhd_hdr_white_ok(md->white_point, reason, sizeof(reason))) {
		memcpy(md->white_point, defaults.white_point, sizeof(md->white_point));
		append(why, size, "mastering white point %s: replaced by D65", reason);
		repaired |= UHD_HDR_REPAIRED_WHITE;
	}
	if (colour->has_mastering &&
	    !uhd_hdr_luminance_ok(md->max_luminance, md->min_luminance, reason, sizeof(reason))) {
		md->max_luminance = defaults.max_luminance;
		md->min_luminance = defaults.min_luminance;
		append(why, size, "mastering luminance %s: replaced by 1000/0.0001 cd/m2", reason);
		repaired |= UHD_HDR_REPAIRED_LUMINANCE;
	}
	if (colour->has_content_light &&
	    !uhd_hdr_light_ok(&colour->content_light, reason, sizeof(reason))) {
		colour->content_light = (struct uhd_content_light){0, 0};
		append(why, size, "content light level %s: replaced by 0/0 (unknown)", reason);
		repaired |= UHD_HDR_REPAIRED_CONTENT_LIGHT;
	}
	return repaired;
}
