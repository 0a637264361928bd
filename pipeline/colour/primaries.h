/* SPDX-License-Identifier: MIT */
/*
 * Chromaticities of the H.273 colour primaries uhdpipe knows, and the 3x3
 * matrices between them in linear light (SMPTE RP 177: RGB -> XYZ from the
 * primaries and the white point). Used by the deltaE ITP pass (any primaries
 * to BT.2020) and by gamut mapping (BT.2020 to BT.709). Double precision,
 * pure functions.
 */
#ifndef UHD_COLOUR_PRIMARIES_H
#define UHD_COLOUR_PRIMARIES_H

#include <stdbool.h>

/* Linear RGB of the primaries -> CIE XYZ (Y = 1 for white). false, and the
 * BT.709 matrix, for primaries without a known table. */
bool uhd_primaries_to_xyz(int primaries, double m[3][3]);

/* Linear RGB of `from` -> linear RGB of `to`; exactly the identity when they
 * are the same. false when either is unknown (BT.709 is used for it). */
bool uhd_primaries_conversion(int from, int to, double m[3][3]);

void uhd_matrix3_invert(const double m[3][3], double out[3][3]);
void uhd_matrix3_multiply(const double a[3][3], const double b[3][3], double out[3][3]);

#endif
