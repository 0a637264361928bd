/* SPDX-License-Identifier: MIT */
/* Primaries' chromaticities and the matrices between them (primaries.h). */
#include <string.h>

#include "primaries.h"
#include "uhdpipe/colour.h"

struct chromaticities {
	int code;
	double xy[4][2]; /* red, green, blue, white */
};

static const struct chromaticities known[] = {
        {UHD_PRIMARIES_BT709, {{0.640, 0.330}, {0.300, 0.600}, {0.150, 0.060}, {0.3127, 0.3290}}},
        {UHD_PRIMARIES_BT601_625,
         {{0.640, 0.330}, {0.290, 0.600}, {0.150, 0.060}, {0.3127, 0.3290}}},
        {UHD_PRIMARIES_BT601_525,
         {{0.630, 0.340}, {0.310, 0.595}, {0.155, 0.070}, {0.3127, 0.3290}}},
        {UHD_PRIMARIES_BT2020, {{0.708, 0.292}, {0.170, 0.797}, {0.131, 0.046}, {0.3127, 0.3290}}},
        {UHD_PRIMARIES_P3_D65, {{0.680, 0.320}, {0.265, 0.690}, {0.150, 0.060}, {0.3127, 0.3290}}},
};

void uhd_matrix3_invert(const double m[3][3], double out[3][3])
{
	double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
	             m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
	             m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
	for (int r = 0; r < 3; r++) {
		for (int c = 0; c < 3; c++) {
			/* cofactor of (c, r), transposed into (r, c) */
			int r0 = (c + 1) % 3, r1 = (c + 2) % 3, c0 = (r + 1) % 3, c1 = (r + 2) % 3;
			out[r][c] = (m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0]) / det;
		}
	}
}

void uhd_matrix3_multiply(const double a[3][3], const double b[3][3], double out[3][3])
{
	double t[3][3];
	for (int r = 0; r < 3; r++) {
		for (int c = 0; c < 3; c++) {
			t[r][c] = a[r][0] * b[0][c] + a[r][1] * b[1][c] + a[r][2] * b[2][c];
		}
	}
	memcpy(out, t, sizeof(t));
}

static const struct chromaticities *find(int code)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (known[i].code == code) {
			return &known[i];
		}
	}
	return NULL;
}

bool uhd_primaries_to_xyz(int primaries, double m[3][3])
{
	const struct chromaticities *p = find(primaries);
	bool found = p != NULL;
	p = found ? p : find(UHD_PRIMARIES_BT709);
	double prim[3][3], inv[3][3];
	for (int i = 0; i < 3; i++) {
		double x = p->xy[i][0], y = p->xy[i][1];
		prim[0][i] = x / y;
		prim[1][i] = 1.0;
		prim[2][i] = (1.0 - x - y) / y;
	}
	double wx = p->xy[3][0], wy = p->xy[3][1];
	double white[3] = {wx / wy, 1.0, (1.0 - wx - wy) / wy};
	uhd_matrix3_invert(prim, inv);
	for (int i = 0; i < 3; i++) {
		double s = inv[i][0] * white[0] + inv[i][1] * white[1] + inv[i][2] * white[2];
		for (int r = 0; r < 3; r++) {
			m[r][i] = prim[r][i] * s;
		}
	}
	return found;
}

bool uhd_primaries_conversion(int from, int to, double m[3][3])
{
	double from_xyz[3][3], to_xyz[3][3], xyz_to[3][3];
	bool known_from = uhd_primaries_to_xyz(from, from_xyz);
	bool known_to = uhd_primaries_to_xyz(to, to_xyz);
	if (from == to) {
		memset(m, 0, 9 * sizeof(double)); /* exactly the identity, no rounding */
		m[0][0] = m[1][1] = m[2][2] = 1.0;
		return known_from;
	}
	uhd_matrix3_invert(to_xyz, xyz_to);
	uhd_matrix3_multiply(xyz_to, from_xyz, m);
	return known_from && known_to;
}
