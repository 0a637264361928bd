/* SPDX-License-Identifier: MIT */
/* RGB -> XYZ from chromaticities (SMPTE RP 177), XYZ -> BT.2020 RGB, then the
 * BT.2100 LMS matrix: the ITP pass sees every input in BT.2020 terms. */
#include "../colour/primaries.h"
#include "itp_matrix.h"
#include "uhdpipe/colour.h"

bool uhd_itp_rgb_to_lms(int primaries, double lms[3][3], double luma[3])
{
	static const double bt2100_lms[3][3] = {
	        {1688 / 4096.0, 2146 / 4096.0, 262 / 4096.0},
	        {683 / 4096.0, 2951 / 4096.0, 462 / 4096.0},
	        {99 / 4096.0, 309 / 4096.0, 3688 / 4096.0},
	};
	double to_xyz[3][3], to_bt2020[3][3];
	bool known_primaries = uhd_primaries_to_xyz(primaries, to_xyz);
	uhd_primaries_conversion(known_primaries ? primaries : UHD_PRIMARIES_BT709,
	                         UHD_PRIMARIES_BT2020, to_bt2020);
	uhd_matrix3_multiply(bt2100_lms, to_bt2020, lms);
	for (int i = 0; i < 3; i++) {
		luma[i] = to_xyz[1][i];
	}
	return known_primaries;
}
