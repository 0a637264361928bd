/* SPDX-License-Identifier: MIT */
/*
 * An independent double-precision model of --target, written from the texts
 * (it shares no code with pipeline/colour/tonemap.c or shaders/tonemap.glsl):
 * SMPTE ST 2084 (PQ), the ITU-R BT.2390 EETF (Hermite knee at
 * KS = 1.5 maxLum - 0.5, black level term minLum (1 - E2)^4), BT.1886's
 * inverse EOTF with black 0, the BT.2020 -> BT.709 matrix from the
 * primaries' chromaticities (SMPTE RP 177), and BT.2100's HLG (OETF and its
 * inverse, the OOTF Lw Ys^(gamma - 1) E) with BT.2408's conversions through
 * a 1000 cd/m2 reference display.
 */
#ifndef UHD_TEST_TONEMAP_MODEL_H
#define UHD_TEST_TONEMAP_MODEL_H

#include <stddef.h>

enum tm_model_mode {
	TM_MODEL_PQ = 1,
	TM_MODEL_SDR_BT709 = 2,
	TM_MODEL_SDR_BT2020 = 3,
	TM_MODEL_HLG = 4,
};

struct tm_model {
	enum tm_model_mode mode;
	double source_black, source_peak; /* cd/m2 */
	double target_peak;               /* cd/m2; target black 0 */
	int source_hlg; /* the input is HLG: to PQ through a 1000 cd/m2 display first */
};

/* HLG of a display of peak lw (system gamma 1.2 + 0.42 log10(lw / 1000)):
 * E' (three components) -> display light in cd/m2, and back. */
void tm_model_hlg_eotf(const double e[3], double lw, double light[3]);
void tm_model_hlg_inverse_eotf(const double light[3], double lw, double e[3]);

double tm_model_pq_inverse_eotf(double luminance); /* cd/m2 -> E' */
double tm_model_pq_eotf(double signal);            /* E' -> cd/m2 */
/* The EETF of one PQ value, as a PQ value. */
double tm_model_eetf(const struct tm_model *m, double e);
/* Converts count R'G'B' PQ pixels (clamped to [0, 1] first) in place. */
void tm_model_apply(const struct tm_model *m, double *rgb, size_t count);

#endif
