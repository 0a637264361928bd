/* SPDX-License-Identifier: MIT */
/* Code values of pattern levels (see levels.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "levels.h"

#define HLG_PEAK  1000.0 /* BT.2100 reference display, cd/m2 */
#define HLG_GAMMA 1.2    /* system gamma at 1000 cd/m2 */
#define SDR_PEAK  100.0  /* BT.1886 reference white, cd/m2 */
#define SDR_GAMMA 2.4
#define PQ_PEAK   10000.0

int uhd_level_max_code(const struct uhd_pattern_format *format)
{
	return (1 << format->bits) - 1;
}

int uhd_level_code(const struct uhd_pattern_format *format, double signal)
{
	double code = format->range == UHD_RANGE_FULL
	                      ? uhd_level_max_code(format) * signal
	                      : (219.0 * signal + 16.0) * (double)(1 << (format->bits - 8));
	code = floor(code + 0.5);
	return (int)fmin(fmax(code, 0.0), uhd_level_max_code(format));
}

double uhd_level_peak_light(const struct uhd_pattern_format *format)
{
	return format->transfer == UHD_TRANSFER_PQ    ? PQ_PEAK
	       : format->transfer == UHD_TRANSFER_HLG ? HLG_PEAK
	                                              : SDR_PEAK;
}

/* BT.2100 HLG inverse OOTF: display light (cd/m2) to normalised scene light. */
static void hlg_scene_from_display(const double light[3], double scene[3])
{
	const double kr = 0.2627, kb = 0.0593; /* BT.2020 luminance coefficients */
	double yd = kr * light[0] + (1 - kr - kb) * light[1] + kb * light[2];
	if (yd <= 0) {
		scene[0] = scene[1] = scene[2] = 0;
		return;
	}
	double ys = pow(yd / HLG_PEAK, 1.0 / HLG_GAMMA);
	for (int c = 0; c < 3; c++) {
		scene[c] = light[c] / (HLG_PEAK * pow(ys, HLG_GAMMA - 1.0));
	}
}

int uhd_level_signal_from_light(const struct uhd_pattern_format *format, const double light[3],
                                double signal[3])
{
	double peak = uhd_level_peak_light(format);
	for (int c = 0; c < 3; c++) {
		if (!(light[c] >= 0 && light[c] <= peak * (1 + 1e-12))) {
			return -ERANGE;
		}
	}
	if (format->transfer == UHD_TRANSFER_HLG) {
		double scene[3];
		hlg_scene_from_display(light, scene);
		for (int c = 0; c < 3; c++) {
			signal[c] = uhd_hlg_oetf(fmin(scene[c], 1.0));
		}
		return 0;
	}
	for (int c = 0; c < 3; c++) {
		signal[c] = format->transfer == UHD_TRANSFER_PQ
		                    ? uhd_pq_inverse_eotf(light[c])
		                    : pow(light[c] / SDR_PEAK, 1.0 / SDR_GAMMA);
	}
	return 0;
}

/* CIE 1931 xy of red, green, blue and the D65 white point. */
static int chromaticities(int primaries, double xy[4][2])
{
	static const double bt709[4][2] = {
	        {0.640, 0.330}, {0.300, 0.600}, {0.150, 0.060}, {0.3127, 0.3290}};
	static const double bt2020[4][2] = {
	        {0.708, 0.292}, {0.170, 0.797}, {0.131, 0.046}, {0.3127, 0.3290}};
	static const double p3[4][2] = {
	        {0.680, 0.320}, {0.265, 0.690}, {0.150, 0.060}, {0.3127, 0.3290}};
	const double(*table)[2] = primaries == UHD_PRIMARIES_BT709    ? bt709
	                          : primaries == UHD_PRIMARIES_BT2020 ? bt2020
	                          : primaries == UHD_PRIMARIES_P3_D65 ? p3
	                                                              : NULL;
	if (!table) {
		return -ENOTSUP;
	}
	memcpy(xy, table, sizeof(double[4][2]));
	return 0;
}

static double det3(const double m[3][3])
{
	return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
	       m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
	       m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

static void invert3(const double m[3][3], double out[3][3])
{
	double d = det3(m);
	for (int r = 0; r < 3; r++) {
		for (int c = 0; c < 3; c++) {
			int r1 = (c + 1) % 3, r2 = (c + 2) % 3, c1 = (r + 1) % 3, c2 = (r + 2) % 3;
			out[r][c] = (m[r1][c1] * m[r2][c2] - m[r1][c2] * m[r2][c1]) / d;
		}
	}
}

/* RGB -> XYZ of the primaries (SMPTE RP 177 normalised primary matrix). */
static int rgb_to_xyz(int primaries, double npm[3][3])
{
	double xy[4][2];
	int ret = chromaticities(primaries, xy);
	if (ret < 0) {
		return ret;
	}
	double p[3][3], inv[3][3];
	for (int c = 0; c < 3; c++) {
		p[0][c] = xy[c][0] / xy[c][1];
		p[1][c] = 1.0;
		p[2][c] = (1 - xy[c][0] - xy[c][1]) / xy[c][1];
	}
	double white[3] = {xy[3][0] / xy[3][1], 1.0, (1 - xy[3][0] - xy[3][1]) / xy[3][1]};
	invert3(p, inv);
	for (int c = 0; c < 3; c++) {
		double s = inv[c][0] * white[0] + inv[c][1] * white[1] + inv[c][2] * white[2];
		for (int r = 0; r < 3; r++) {
			npm[r][c] = p[r][c] * s;
		}
	}
	return 0;
}

int uhd_level_convert_primaries(int from, int to, const double in[3], double out[3])
{
	double a[3][3], b[3][3], b_inv[3][3];
	int ret = rgb_to_xyz(from, a);
	ret = ret ? ret : rgb_to_xyz(to, b);
	if (ret < 0) {
		return ret;
	}
	invert3(b, b_inv);
	double xyz[3];
	for (int r = 0; r < 3; r++) {
		xyz[r] = a[r][0] * in[0] + a[r][1] * in[1] + a[r][2] * in[2];
	}
	for (int r = 0; r < 3; r++) {
		out[r] = b_inv[r][0] * xyz[0] + b_inv[r][1] * xyz[1] + b_inv[r][2] * xyz[2];
	}
	return 0;
}

enum level_unit { UNIT_CODE, UNIT_PERCENT, UNIT_LIGHT };

/* Splits "940", "75%", "1000cd", "1000nits" into a number and its unit. */
static int parse_number_unit(const char *text, double *value, enum level_unit *unit)
{
	char *end = NULL;
	errno = 0;
	*value = strtod(text, &end);
	if (end == text || errno || !isfinite(*value)) {
		return -EINVAL;
	}
	if (*end == '\0') {
		*unit = UNIT_CODE;
		return *value == floor(*value) ? 0 : -EINVAL;
	}
	if (strcmp(end, "%") == 0) {
		*unit = UNIT_PERCENT;
		return 0;
	}
	if (strcmp(end, "cd") == 0 || strcmp(end, "nits") == 0 || strcmp(end, "cd/m2") == 0) {
		*unit = UNIT_LIGHT;
		return 0;
	}
	return -EINVAL;
}

/* Lowest and highest signal a percentage may give: narrow range keeps the
 * foot- and headroom codes (BT.2100: 2^(n-8) .. 254 * 2^(n-8) + ...). */
static void percent_limits(const struct uhd_pattern_format *format, double *lo, double *hi)
{
	if (format->range == UHD_RANGE_FULL) {
		*lo = 0;
		*hi = 100;
		return;
	}
	*lo = 100.0 * (0 - 16.0) / 219.0;
	*hi = 100.0 * ((uhd_level_max_code(format) / (double)(1 << (format->bits - 8))) - 16.0) /
	      219.0;
}

static int parse_component(const char *text, const struct uhd_pattern_format *format, double *value,
                           enum level_unit *unit, char *error, size_t error_size)
{
	if (parse_number_unit(text, value, unit) < 0) {
		snprintf(error, error_size,
		         "'%s' is not a level: give a code value (e.g. 940), a signal percentage "
		         "(75%%) or a luminance (1000cd)",
		         text);
		return -EINVAL;
	}
	int max = uhd_level_max_code(format);
	double lo, hi, peak = uhd_level_peak_light(format);
	percent_limits(format, &lo, &hi);
	if ((*unit == UNIT_CODE && (*value < 0 || *value > max)) ||
	    (*unit == UNIT_PERCENT && (*value < lo - 1e-9 || *value > hi + 1e-9)) ||
	    (*unit == UNIT_LIGHT && (*value < 0 || *value > peak))) {
		if (*unit == UNIT_CODE) {
			snprintf(error, error_size,
			         "code value %s is out of range 0..%d for %d bits", text, max,
			         format->bits);
		} else if (*unit == UNIT_PERCENT) {
			snprintf(error, error_size,
			         "signal %s is out of range %.2f%%..%.2f%% for %s range", text, lo,
			         hi, uhd_range_name(format->range));
		} else {
			snprintf(error, error_size,
			         "luminance %s is out of range 0..%.0f cd/m2 for %s", text, peak,
			         uhd_pattern_transfer_name(format->transfer));
		}
		return -ERANGE;
	}
	return 0;
}

int uhd_level_parse(const char *text, const struct uhd_pattern_format *format, int *code,
                    char *error, size_t error_size)
{
	int rgb[3];
	if (strchr(text, ',')) {
		snprintf(error, error_size, "'%s' is a colour; give one level here", text);
		return -EINVAL;
	}
	int ret = uhd_colour_parse(text, format, uhd_pattern_primaries(format), rgb, error,
	                           error_size);
	*code = rgb[0];
	return ret;
}

static bool named_colour(const char *text, double signal[3])
{
	static const struct {
		const char *name;
		double rgb[3];
	} names[] = {
	        {"black", {0, 0, 0}},   {"white", {1, 1, 1}},  {"red", {1, 0, 0}},
	        {"green", {0, 1, 0}},   {"blue", {0, 0, 1}},   {"cyan", {0, 1, 1}},
	        {"magenta", {1, 0, 1}}, {"yellow", {1, 1, 0}},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(text, names[i].name) == 0) {
			memcpy(signal, names[i].rgb, sizeof(names[i].rgb));
			return true;
		}
	}
	return false;
}

static int split_components(const char *text, char parts[3][64], int *count)
{
	*count = 0;
	const char *p = text;
	while (*count < 3) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 0 || len >= 64) {
			return -EINVAL;
		}
		memcpy(parts[*count], p, len);
		parts[(*count)++][len] = '\0';
		if (!comma) {
			return 0;
		}
		p = comma + 1;
	}
	return -EINVAL;
}

/* Three components in cd/m2: convert primaries, then encode. */
static int light_colour(const double light_in[3], const struct uhd_pattern_format *format,
                        int primaries, int code[3], char *error, size_t error_size)
{
	double light[3], signal[3];
	int target = uhd_pattern_primaries(format);
	if (uhd_level_convert_primaries(primaries, target, light_in, light) < 0) {
		snprintf(error, error_size,
		         "primaries %s cannot be converted; use bt709, bt2020 or p3",
		         uhd_primaries_name(primaries));
		return -EINVAL;
	}
	for (int c = 0; c < 3; c++) {
		light[c] = fabs(light[c]) < 1e-9 ? 0 : light[c];
	}
	if (uhd_level_signal_from_light(format, light, signal) < 0) {
		snprintf(error, error_size,
		         "colour %.4g,%.4g,%.4g cd/m2 (%s) is outside %s with BT.2020/BT.709 "
		         "primaries (each channel 0..%.0f cd/m2)",
		         light_in[0], light_in[1], light_in[2], uhd_primaries_name(primaries),
		         uhd_pattern_transfer_name(format->transfer), uhd_level_peak_light(format));
		return -ERANGE;
	}
	for (int c = 0; c < 3; c++) {
		code[c] = uhd_level_code(format, signal[c]);
	}
	return 0;
}

int uhd_colour_parse(const char *text, const struct uhd_pattern_format *format, int primaries,
                     int code[3], char *error, size_t error_size)
{
	double value[3];
	if (named_colour(text, value)) {
		for (int c = 0; c < 3; c++) {
			code[c] = uhd_level_code(format, value[c]);
		}
		return 0;
	}
	char parts[3][64];
	int count = 0;
	if (split_components(text, parts, &count) < 0 || count == 2) {
		snprintf(error, error_size,
		         "'%s' is not a colour: give a name (white, red, ...), one level for a "
		         "grey, "
		         "or R,G,B levels",
		         text);
		return -EINVAL;
	}
	enum level_unit unit[3];
	for (int c = 0; c < count; c++) {
		int ret = parse_component(parts[c], format, &value[c], &unit[c], error, error_size);
		if (ret < 0) {
			return ret;
		}
	}
	if (count == 1) {
		value[1] = value[2] = value[0];
		unit[1] = unit[2] = unit[0];
	}
	if (unit[0] != unit[1] || unit[0] != unit[2]) {
		snprintf(error, error_size, "'%s' mixes units; give R,G,B in one unit", text);
		return -EINVAL;
	}
	if (unit[0] == UNIT_LIGHT) {
		return light_colour(value, format, primaries, code, error, error_size);
	}
	if (primaries != uhd_pattern_primaries(format)) {
		snprintf(error, error_size,
		         "primaries apply to colours given in cd/m2; '%s' is in code values or %%",
		         text);
		return -EINVAL;
	}
	for (int c = 0; c < 3; c++) {
		code[c] = unit[c] == UNIT_CODE ? (int)value[c]
		                               : uhd_level_code(format, value[c] / 100);
	}
	return 0;
}
