/* SPDX-License-Identifier: MIT */
/*
 * PNG colour chunk payloads against the PNG specification (third edition):
 * cICP = primaries, transfer, matrix 0, video full range flag; mDCV = R,G,B,W
 * chromaticities as 16-bit units of 0.00002 then max/min luminance as 32-bit
 * units of 0.0001 cd/m2; cLLI = MaxCLL, MaxFALL as 32-bit units of 0.0001.
 * The example is the HDR10 sample's x265 master-display string
 * G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1).
 */
#include <string.h>

#include "harness.h"
#include "image/png_file.h"

int main(void)
{
	struct uhd_colour colour = {
	        .primaries = 9, .transfer = 16, .matrix = 9, .range = UHD_RANGE_FULL};
	uint8_t cicp[4];
	uhd_png_cicp_payload(&colour, cicp);
	const uint8_t cicp_expected[4] = {9, 16, 0, 1};
	CHECK(memcmp(cicp, cicp_expected, 4) == 0, "cICP %u %u %u %u", cicp[0], cicp[1], cicp[2],
	      cicp[3]);
	/* Narrow-range code values (test patterns) clear the video full range flag. */
	colour.range = UHD_RANGE_LIMITED;
	uhd_png_cicp_payload(&colour, cicp);
	CHECK(cicp[3] == 0, "cICP full-range flag for narrow range: expected 0, got %u", cicp[3]);

	struct uhd_mastering_display md = {
	        .primaries = {{0.68, 0.32}, {0.265, 0.69}, {0.15, 0.06}},
	        .white_point = {0.3127, 0.329},
	        .max_luminance = 1000.0,
	        .min_luminance = 0.0001,
	};
	uint8_t mdcv[24];
	uhd_png_mdcv_payload(&md, mdcv);
	const uint8_t mdcv_expected[24] = {
	        0x84, 0xD0, 0x3E, 0x80, /* R 34000, 16000 */
	        0x33, 0xC2, 0x86, 0xC4, /* G 13250, 34500 */
	        0x1D, 0x4C, 0x0B, 0xB8, /* B 7500, 3000 */
	        0x3D, 0x13, 0x40, 0x42, /* W 15635, 16450 */
	        0x00, 0x98, 0x96, 0x80, /* 10000000 x 0.0001 cd/m2 */
	        0x00, 0x00, 0x00, 0x01, /* 1 x 0.0001 cd/m2 */
	};
	for (int i = 0; i < 24; i++) {
		CHECK(mdcv[i] == mdcv_expected[i], "mDCV byte %d: expected 0x%02x, got 0x%02x", i,
		      mdcv_expected[i], mdcv[i]);
	}

	struct uhd_content_light cll = {.max_cll = 1000, .max_fall = 400};
	uint8_t clli[8];
	uhd_png_clli_payload(&cll, clli);
	const uint8_t clli_expected[8] = {0x00, 0x98, 0x96, 0x80, 0x00, 0x3D, 0x09, 0x00};
	for (int i = 0; i < 8; i++) {
		CHECK(clli[i] == clli_expected[i], "cLLI byte %d: expected 0x%02x, got 0x%02x", i,
		      clli_expected[i], clli[i]);
	}
	return test_finish("test_png_chunks");
}
