/* SPDX-License-Identifier: MIT */
/* The --target model (tonemap_model.h). */
#include <math.h>

#include "tonemap_model.h"

/* ST 2084 table: m1 = 2610/4096 * 1/4, m2 = 2523/4096 * 128, c1 = c3 - c2 + 1,
 * c2 = 2413/4096 * 32, c3 = 2392/4096 * 32. */
static const double m1 = 2610.0 / 4096.0 / 4.0, m2 = 2523.0 / 4096.0 * 128.0;
static const double c2 = 2413.0 / 4096.0 * 32.0, c3 = 2392.0 / 4096.0 * 32.0;
#define C1 (c3 - c2 + 1.0)

double tm_model_pq_inverse_eotf(double luminance)
{
	double y = luminance / 10000.0;
	if (y <= 0.0) {
		return pow(C1, m2);
	}
	double p = pow(y, m1);
	return pow((C1 + c2 * p) / (1.0 + c3 * p), m2);
}

double tm_model_pq_eotf(double signal)
{
	double p = pow(signal, 1.0 / m2);
	double num = p - C1 > 0.0 ? p - C1 : 0.0;
	return 10000.0 * pow(num / (c2 - c3 * p), 1.0 / m1);
}

double tm_model_eetf(const struct tm_model *m, double e)
{
	double lw = tm_model_pq_inverse_eotf(m->source_peak);
	double lb = tm_model_pq_inverse_eotf(m->source_black);
	double min_lum = (tm_model_pq_inverse_eotf(0.0) - lb) / (lw - lb);
	double max_lum = (tm_model_pq_inverse_eotf(m->target_peak) - lb) / (lw - lb);
	double ks = 1.5 * max_lum - 0.5;
	double e1 = (e - lb) / (lw - lb);
	e1 = e1 < 0.0 ? 0.0 : e1 > 1.0 ? 1.0 : e1;
	double e2 = e1;
	if (ks < 1.0 && e1 >= ks) {
		double t = (e1 - ks) / (1.0 - ks);
		e2 = (2 * t * t * t - 3 * t * t + 1) * ks + (t * t * t - 2 * t * t + t) * (1 - ks) +
		     (-2 * t * t * t + 3 * t * t) * max_lum;
	}
	double e3 = e2 + min_lum * pow(1.0 - e2, 4.0);
	double e4 = e3 * (lw - lb) + lb;
	return e4 < 0.0 ? 0.0 : e4;
}

/* Linear BT.2020 RGB -> BT.709 RGB: M709^-1 * M2020, each from the
 * chromaticities and D65. */
static void solve3(double a[3][3], double b[3])
{
	for (int c = 0; c < 3; c++) { /* Gauss-Jordan with partial pivoting */
		int pivot = c;
		for (int r = c + 1; r < 3; r++) {
			pivot = fabs(a[r][c]) > fabs(a[pivot][c]) ? r : pivot;
		}
		for (int k = 0; k < 3; k++) {
			double t = a[c][k];
			a[c][k] = a[pivot][k];
			a[pivot][k] = t;
		}
		double t = b[c];
		b[c] = b[pivot];
		b[pivot] = t;
		for (int r = 0; r < 3; r++) {
			if (r != c) {
				double f = a[r][c] / a[c][c];
				for (int k = 0; k < 3; k++) {
					a[r][k] -= f * a[c][k];
				}
				b[r] -= f * b[c];
			}
		}
	}
	for (int c = 0; c < 3; c++) {
		b[c] /= a[c][c];
	}
}

/* Column j of RGB -> XYZ: primary j's XYZ (Y = 1) scaled so that R = G = B = 1 is white. */
static void to_xyz(const double xy[3][2], double m[3][3])
{
	double p[3][3], s[3] = {0.3127 / 0.3290, 1.0, (1.0 - 0.3127 - 0.3290) / 0.3290};
	for (int j = 0; j < 3; j++) {
		p[0][j] = xy[j][0] / xy[j][1];
		p[1][j] = 1.0;
		p[2][j] = (1.0 - xy[j][0] - xy[j][1]) / xy[j][1];
	}
	double a[3][3];
	for (int r = 0; r < 3; r++) {
		for (int c = 0; c < 3; c++) {
			a[r][c] = p[r][c];
		}
	}
	solve3(a, s);
	for (int r = 0; r < 3; r++) {
		for (int j = 0; j < 3; j++) {
			m[r][j] = p[r][j] * s[j];
		}
	}
}

static void bt2020_to_bt709(double out[3][3])
{
	static const double bt2020[3][2] = {{0.708, 0.292}, {0.170, 0.797}, {0.131, 0.046}};
	static const double bt709[3][2] = {{0.64, 0.33}, {0.30, 0.60}, {0.15, 0.06}};
	double from[3][3], to[3][3];
	to_xyz(bt2020, from);
	to_xyz(bt709, to);
	/* out = to^-1 * from, one column at a time */
	for (int j = 0; j < 3; j++) {
		double a[3][3], b[3] = {from[0][j], from[1][j], from[2][j]};
		for (int r = 0; r < 3; r++) {
			for (int c = 0; c < 3; c++) {
				a[r][c] = to[r][c];
			}
		}
		solve3(a, b);
		for (int r = 0; r < 3; r++) {
			out[r][j] = b[r];
		}
	}
}

/* BT.2100 table 5: a = 0.17883277, b = 1 - 4a, c = 0.5 - a ln(4a). */
static const double hlg_a = 0.17883277;
#define HLG_B (1.0 - 4.0 * hlg_a)
#define HLG_C (0.5 - hlg_a * log(4.0 * hlg_a))

static double hlg_oetf(double e)
{
	e = e < 0.0 ? 0.0 : e > 1.0 ? 1.0 : e;
	return e <= 1.0 / 12.0 ? sqrt(3.0 * e) : hlg_a * log(12.0 * e - HLG_B) + HLG_C;
}

static double hlg_inverse_oetf(double v)
{
	v = v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
	return v <= 0.5 ? v * v / 3.0 : (exp((v - HLG_C) / hlg_a) + HLG_B) / 12.0;
}

static double hlg_gamma(double lw)
{
	return 1.2 + 0.42 * log10(lw / 1000.0);
}

/* BT.2100's HLG luminance weights (BT.2020's). */
static double hlg_luma(const double c[3])
{
	return 0.2627 * c[0] + 0.6780 * c[1] + 0.0593 * c[2];
}

void tm_model_hlg_eotf(const double e[3], double lw, double light[3])
{
	double scene[3];
	for (int c = 0; c < 3; c++) {
		scene[c] = hlg_inverse_oetf(e[c]);
	}
	double ys = hlg_luma(scene);
	for (int c = 0; c < 3; c++) {
		light[c] = ys > 0.0 ? lw * pow(ys, hlg_gamma(lw) - 1.0) * scene[c] : 0.0;
	}
}

void tm_model_hlg_inverse_eotf(const double light[3], double lw, double e[3])
{
	double yd = hlg_luma(light) / lw, gamma = hlg_gamma(lw);
	double ys = yd > 0.0 ? pow(yd, 1.0 / gamma) : 0.0;
	for (int c = 0; c < 3; c++) {
		e[c] = ys > 0.0 ? hlg_oetf(light[c] / lw * pow(ys, 1.0 - gamma)) : 0.0;
	}
}

void tm_model_apply(const struct tm_model *m, double *rgb, size_t count)
{
	double gamut[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
	if (m->mode == TM_MODEL_SDR_BT709) {
		bt2020_to_bt709(gamut);
	}
	for (size_t i = 0; i < count; i++) {
		double *p = rgb + 3 * i, light[3];
		for (int c = 0; c < 3; c++) {
			p[c] = p[c] < 0.0 ? 0.0 : p[c] > 1.0 ? 1.0 : p[c];
		}
		if (m->source_hlg) {
			tm_model_hlg_eotf(p, 1000.0, light);
			for (int c = 0; c < 3; c++) {
				p[c] = tm_model_pq_inverse_eotf(light[c]);
			}
		}
		for (int c = 0; c < 3; c++) {
			p[c] = tm_model_eetf(m, p[c]);
			light[c] = tm_model_pq_eotf(p[c]);
		}
		if (m->mode == TM_MODEL_PQ) {
			continue;
		}
		if (m->mode == TM_MODEL_HLG) {
			tm_model_hlg_inverse_eotf(light, m->target_peak, p);
			continue;
		}
		for (int c = 0; c < 3; c++) {
			double v = (gamut[c][0] * light[0] + gamut[c][1] * light[1] +
			            gamut[c][2] * light[2]) /
			           m->target_peak;
			v = v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
			p[c] = pow(v, 1.0 / 2.4); /* BT.1886 with LB = 0: L = LW V^2.4 */
		}
	}
}
