/* SPDX-License-Identifier: MIT */
/*
 * Colour constants and transfer functions against the standards' own numbers:
 * ITU-R BT.2020-2 table 4 and ITU-T H.273 table 4 (Kr, Kb), SMPTE ST 2084 (PQ), ITU-R BT.2100-2
 * table 5 (HLG). Expected values are the ones quoted in the standards and issue #2, not values
 * computed by the code under test.
 */
#include "harness.h"
#include "uhdpipe/colour.h"

static void test_matrices(void)
{
	double kr, kb;
	CHECK(uhd_matrix_coefficients(UHD_MATRIX_BT2020_NCL, &kr, &kb) == 0, "bt2020nc known");
	CHECK_NEAR(kr, 0.2627, 0, "BT.2020 Kr");
	CHECK_NEAR(kb, 0.0593, 0, "BT.2020 Kb");
	CHECK(uhd_matrix_coefficients(UHD_MATRIX_BT709, &kr, &kb) == 0, "bt709 known");
	CHECK_NEAR(kr, 0.2126, 0, "BT.709 Kr");
	CHECK_NEAR(kb, 0.0722, 0, "BT.709 Kb");
	CHECK(uhd_matrix_coefficients(UHD_MATRIX_SMPTE170M, &kr, &kb) == 0, "bt601 known");
	CHECK_NEAR(kr, 0.299, 0, "BT.601 Kr");
	CHECK_NEAR(kb, 0.114, 0, "BT.601 Kb");
	/* ITU-T H.273 table 4: code 4 (FCC, 47 CFR 73.682(a)(20)) and code 7 (SMPTE ST 240),
	 * code 5 (BT.470 System B/G, the BT.601 values). */
	CHECK(uhd_matrix_coefficients(UHD_MATRIX_FCC, &kr, &kb) == 0, "fcc known");
	CHECK_NEAR(kr, 0.30, 0, "FCC Kr");
	CHECK_NEAR(kb, 0.11, 0, "FCC Kb");
	CHECK(uhd_matrix_coefficients(UHD_MATRIX_SMPTE240M, &kr, &kb) == 0, "smpte240m known");
	CHECK_NEAR(kr, 0.212, 0, "SMPTE 240M Kr");
	CHECK_NEAR(kb, 0.087, 0, "SMPTE 240M Kb");
	CHECK(uhd_matrix_coefficients(UHD_MATRIX_BT470BG, &kr, &kb) == 0, "bt470bg known");
	CHECK_NEAR(kr, 0.299, 0, "BT.470 B/G Kr");
	CHECK_NEAR(kb, 0.114, 0, "BT.470 B/G Kb");
	CHECK(uhd_matrix_coefficients(UHD_MATRIX_BT2020_CL, &kr, &kb) < 0,
	      "constant luminance must be refused, not treated as NCL");
	CHECK(uhd_matrix_coefficients(UHD_MATRIX_RGB, &kr, &kb) < 0, "RGB has no Kr/Kb");
}

static void test_pq(void)
{
	/* SMPTE ST 2084 inverse EOTF reference values. */
	CHECK_NEAR(uhd_pq_inverse_eotf(100.0), 0.508078421517399, 1e-12, "PQ(100 cd/m2)");
	CHECK_NEAR(uhd_pq_inverse_eotf(400.0), 0.652578597563067, 1e-12, "PQ(400 cd/m2)");
	CHECK_NEAR(uhd_pq_inverse_eotf(1000.0), 0.751827096247041, 1e-12, "PQ(1000 cd/m2)");
	CHECK_NEAR(uhd_pq_inverse_eotf(10000.0), 1.0, 1e-12, "PQ(10000 cd/m2)");
	CHECK_NEAR(uhd_pq_inverse_eotf(0.0), pow(0.8359375, 78.84375), 1e-15, "PQ(0) = c1^m2");
	for (double l = 0.001; l <= 10000.0; l *= 1.7) {
		double back = uhd_pq_eotf(uhd_pq_inverse_eotf(l));
		CHECK(fabs(back - l) <= 1e-9 * l + 1e-12, "PQ round trip at %g gives %.15g", l,
		      back);
	}
}

static void test_hlg(void)
{
	CHECK_NEAR(uhd_hlg_oetf(0.015), 0.212132034355964, 1e-12, "HLG OETF(0.015)");
	CHECK_NEAR(uhd_hlg_oetf(1.0 / 12.0), 0.5, 1e-12, "HLG OETF(1/12) = 0.5");
	CHECK_NEAR(uhd_hlg_oetf(1.0), 1.0, 1e-7, "HLG OETF(1) ~ 1 (a,b,c rounded in BT.2100)");
	for (double e = 0.0; e <= 1.0; e += 1.0 / 64.0) {
		double back = uhd_hlg_inverse_oetf(uhd_hlg_oetf(e));
		CHECK(fabs(back - e) <= 1e-12, "HLG round trip at %g gives %.15g", e, back);
	}
}

int main(void)
{
	test_matrices();
	test_pq();
	test_hlg();
	return test_finish("test_colour");
}
