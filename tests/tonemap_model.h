/* SPDX-License-Identifier: MIT */
/*
 * An independent double-precision model of --target, written from the texts
 * (it shares no code with pipeline/colour/tonemap.c or shaders/tonemap.glsl):
 * SMPTE ST 2084 (PQ), the ITU-R BT.2390 EETF (Hermite knee at
 * KS = 1.5 maxLum - 0.5, black level term minLum (1 - E2)^4), BT.1886's
 * inverse EOTF with black 0, and the BT.2020 -> BT.709 matrix from the
 * primaries' chromaticities (SMPTE RP 177).
 */
#ifndef UHD_TEST_TONEMAP_MODEL_H
#define UHD_TEST_TONEMAP_MODEL_H

#include <stddef.h>

enum tm_model_mode { TM_MODEL_PQ = 1, TM_MODEL_SDR_BT709 = 2, TM_MODEL_SDR_BT2020 = 3 };

struct tm_model {
	enum tm_model_mode mode;
	double source_black, source_peak; /* cd/m2 */
	double target_peak;               /* cd/m2; target black 0 */
};

double tm_model_pq_inverse_eotf(double luminance); /* cd/m2 -> E' */
double tm_model_pq_eotf(double signal);            /* E' -> cd/m2 */
/* The EETF of one PQ value, as a PQ value. */
double tm_model_eetf(const struct tm_model *m, double e);
/* Converts count R'G'B' PQ pixels (clamped to [0, 1] first) in place. */
void tm_model_apply(const struct tm_model *m, double *rgb, size_t count);

#endif
