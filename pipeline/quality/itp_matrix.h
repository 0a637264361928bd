/* SPDX-License-Identifier: MIT */
/* Colour constants of the deltaE ITP pass, derived in double precision. */
#ifndef UHD_INTERNAL_ITP_MATRIX_H
#define UHD_INTERNAL_ITP_MATRIX_H

#include <stdbool.h>

/* RGB (linear, of the given H.273 primaries) -> BT.2100 LMS, and the
 * primaries' luminance coefficients (the Y row of RGB -> XYZ). Primaries
 * without a known table are treated as BT.709; returns false for them. */
bool uhd_itp_rgb_to_lms(int primaries, double lms[3][3], double luma[3]);

#endif
