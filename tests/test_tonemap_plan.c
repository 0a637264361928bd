/* SPDX-License-Identifier: MIT */
/*
 * --target without a GPU: the published levels the conversions are built
 * around (ITU-R BT.2408: HDR reference white 203 cd/m2 at PQ 58% and HLG
 * 75%, 18% grey 26 cd/m2 at PQ 38% and HLG 38%), BT.2390 EETF values worked
 * out by hand from the Report's formulas for 1000 -> 100 cd/m2 (against
 * tests/tonemap_model.c, the oracle of the GPU test), and the plan's
 * decisions: what it refuses, says and describes, and the KMS signalling
 * that follows the output's description.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "colour/tonemap.h"
#include "harness.h"
#include "present/kms/hdr.h"
#include "tonemap_model.h"

/* BT.2408 table 1's signal levels, given to the percent. */
static void check_bt2408_levels(void)
{
	CHECK_NEAR(round(uhd_pq_inverse_eotf(203.0) * 100.0), 58.0, 0.0, "PQ of 203 cd/m2 (58%)");
	CHECK_NEAR(round(uhd_pq_inverse_eotf(26.0) * 100.0), 38.0, 0.0, "PQ of 26 cd/m2 (38%)");
	/* HLG on the 1000 cd/m2 reference display: L = 1000 E^1.2 for a grey
	 * (BT.2100 OOTF, system gamma 1.2), E the inverse OETF of the signal. */
	double white = 1000.0 * pow(uhd_hlg_inverse_oetf(0.75), 1.2);
	double grey = 1000.0 * pow(uhd_hlg_inverse_oetf(0.38), 1.2);
	CHECK(round(white) == 203.0, "HLG 75%% gives %.3f cd/m2, BT.2408 says 203", white);
	CHECK(round(grey) == 26.0, "HLG 38%% gives %.3f cd/m2, BT.2408 says 26", grey);
	/* BT.2408's PQ <-> HLG conversion through the 1000 cd/m2 reference display:
	 * a 203 cd/m2 grey is HLG 75%, 26 cd/m2 is 38% (model, to the percent). */
	double white3[3] = {203.0, 203.0, 203.0}, e[3];
	tm_model_hlg_inverse_eotf(white3, 1000.0, e);
	CHECK(round(e[0] * 100.0) == 75.0 && e[0] == e[1] && e[1] == e[2],
	      "203 cd/m2 as HLG on the reference display: %.5f, BT.2408 says 75%%", e[0]);
	double dark[3] = {26.0, 26.0, 26.0};
	tm_model_hlg_inverse_eotf(dark, 1000.0, e);
	CHECK(round(e[0] * 100.0) == 38.0, "26 cd/m2 as HLG: %.5f, BT.2408 says 38%%", e[0]);
	double back[3];
	tm_model_hlg_eotf(e, 1000.0, back);
	CHECK_NEAR(back[0], 26.0, 1e-9, "HLG EOTF inverts the inverse EOTF");
	/* The model's PQ is the standard's too. */
	CHECK_NEAR(tm_model_pq_inverse_eotf(203.0), uhd_pq_inverse_eotf(203.0), 1e-12, "model PQ");
	CHECK_NEAR(tm_model_pq_eotf(tm_model_pq_inverse_eotf(100.0)), 100.0, 1e-9, "PQ round trip");
}

/* 1000 -> 100 cd/m2, both blacks 0: maxLum = 0.67579, KS = 0.51369, and
 * 26, 100, 203, 500, 1000 cd/m2 map to 26.0, 69.454, 88.244, 98.947,
 * 100.0 (worked out by hand from BT.2390's EETF, independently of both the
 * model and uhdpipe). */
static void check_eetf_points(void)
{
	struct tm_model m = {TM_MODEL_PQ, 0.0, 1000.0, 100.0};
	static const double in[5] = {26, 100, 203, 500, 1000},
	                    out[5] = {26.0, 69.454, 88.244, 98.947, 100.0};
	for (int i = 0; i < 5; i++) {
		double got = tm_model_pq_eotf(tm_model_eetf(&m, tm_model_pq_inverse_eotf(in[i])));
		CHECK(fabs(got - out[i]) < 2e-3, "EETF(%.0f cd/m2) = %.4f, worked out %.3f", in[i],
		      got, out[i]);
	}
	struct uhd_colour c = {.primaries = UHD_PRIMARIES_BT2020,
	                       .transfer = UHD_TRANSFER_PQ,
	                       .has_mastering = true};
	c.mastering.max_luminance = 1000.0;
	struct uhd_target t = {UHD_TARGET_PQ, 100.0, 0, UHD_TONEMAP_SOURCE_MASTERING};
	struct uhd_tonemap_plan plan;
	char why[512];
	CHECK(uhd_tonemap_plan(&c, &t, &plan, why, sizeof(why)) == 0, "plan 1000 -> 100");
	CHECK_NEAR(plan.max_lum, 0.67579, 1e-5, "maxLum 1000 -> 100");
	CHECK_NEAR(plan.knee_start, 0.51369, 1e-5, "KS 1000 -> 100");
	CHECK(plan.mode == UHD_TONEMAP_PQ_TO_PQ, "PQ -> PQ");
	CHECK(plan.output.has_mastering && plan.output.mastering.max_luminance == 100.0 &&
	              !plan.output.has_content_light,
	      "the output's mastering peak is the target's and its light levels are dropped");
}

static struct uhd_colour pq_stream(double peak, unsigned max_cll)
{
	struct uhd_colour c = {.primaries = UHD_PRIMARIES_BT2020,
	                       .transfer = UHD_TRANSFER_PQ,
	                       .matrix = UHD_MATRIX_BT2020_NCL,
	                       .has_mastering = peak > 0,
	                       .has_content_light = max_cll > 0};
	c.mastering.max_luminance = peak;
	c.mastering.min_luminance = 0.005;
	c.content_light.max_cll = max_cll;
	c.content_light.max_fall = max_cll / 4;
	return c;
}

static void check_decisions(void)
{
	struct uhd_tonemap_plan plan;
	char why[512] = "";
	struct uhd_target sdr = {UHD_TARGET_SDR, 0.0, 0, UHD_TONEMAP_SOURCE_MASTERING};
	struct uhd_colour hlg = {.primaries = UHD_PRIMARIES_BT2020, .transfer = UHD_TRANSFER_HLG};
	CHECK(uhd_tonemap_plan(&hlg, &sdr, &plan, why, sizeof(why)) == 0 && plan.source_hlg &&
	              plan.source_peak == 1000.0 &&
	              strcmp(plan.source_peak_from, "HLG reference display (BT.2408)") == 0 &&
	              plan.output.transfer == UHD_TRANSFER_BT709,
	      "an HLG source goes through BT.2408's 1000 cd/m2 reference display");
	struct uhd_target to_hlg = {UHD_TARGET_HLG, 0.0, 0, UHD_TONEMAP_SOURCE_MASTERING};
	CHECK(uhd_tonemap_plan(&hlg, &to_hlg, &plan, why, sizeof(why)) == 0 &&
	              plan.mode == UHD_TONEMAP_NONE && strstr(plan.note, "already HLG"),
	      "HLG to hlg is a no-op (HLG is scene-referred), said: '%s'", plan.note);
	struct uhd_colour pq600 = pq_stream(4000.0, 0);
	CHECK(uhd_tonemap_plan(&pq600, &to_hlg, &plan, why, sizeof(why)) == 0 &&
	              plan.mode == UHD_TONEMAP_PQ_TO_HLG && plan.target_peak == 1000.0 &&
	              fabs(plan.hlg_gamma - 1.2) < 1e-12 &&
	              plan.output.transfer == UHD_TRANSFER_HLG && !plan.output.has_mastering,
	      "PQ to hlg: 1000 cd/m2, gamma 1.2, tagged HLG without mastering values");
	to_hlg.peak = 2000.0;
	CHECK(uhd_tonemap_plan(&pq600, &to_hlg, &plan, why, sizeof(why)) == 0 &&
	              fabs(plan.hlg_gamma - (1.2 + 0.42 * log10(2.0))) < 1e-12,
	      "hlg:2000: BT.2100's gamma 1.326 (got %.4f)", plan.hlg_gamma);
	to_hlg.peak = 300.0;
	CHECK(uhd_tonemap_plan(&pq600, &to_hlg, &plan, why, sizeof(why)) == -ENOTSUP &&
	              strstr(why, "400 to 2000"),
	      "hlg:300 is outside BT.2100's gamma formula: %s", why);
	struct uhd_colour pq709 = pq_stream(1000.0, 0);
	pq709.primaries = UHD_PRIMARIES_BT709;
	to_hlg.peak = 1000.0;
	CHECK(uhd_tonemap_plan(&pq709, &to_hlg, &plan, why, sizeof(why)) == -ENOTSUP &&
	              strstr(why, "BT.2020"),
	      "a BT.709 PQ stream to hlg is refused: %s", why);
	struct uhd_target to_pq = {UHD_TARGET_PQ, 600.0, 0, UHD_TONEMAP_SOURCE_MASTERING};
	struct uhd_colour sdr_stream = {.primaries = UHD_PRIMARIES_BT709,
	                                .transfer = UHD_TRANSFER_BT709};
	CHECK(uhd_tonemap_plan(&sdr_stream, &to_pq, &plan, why, sizeof(why)) == -ENOTSUP &&
	              strstr(why, "not expanded") && strstr(why, "leave --target out"),
	      "SDR to pq is refused, saying what to do: %s", why);
	struct uhd_colour bt709 = {.primaries = UHD_PRIMARIES_BT709,
	                           .transfer = UHD_TRANSFER_BT709};
	CHECK(uhd_tonemap_plan(&bt709, &sdr, &plan, why, sizeof(why)) == 0 &&
	              plan.mode == UHD_TONEMAP_NONE && strstr(plan.note, "already SDR"),
	      "an SDR source with --target sdr is a no-op, said: '%s'", plan.note);
	struct uhd_colour bare = pq_stream(0, 0);
	CHECK(uhd_tonemap_plan(&bare, &sdr, &plan, why, sizeof(why)) == 0 &&
	              plan.source_peak == 1000.0 && strcmp(plan.source_peak_from, "default") == 0 &&
	              strstr(plan.note, "default range"),
	      "no mastering metadata: the default 1000 cd/m2, said: '%s'", plan.note);
	CHECK(plan.target_peak == 100.0 && plan.output.transfer == UHD_TRANSFER_BT709 &&
	              plan.output.primaries == UHD_PRIMARIES_BT709 && !plan.output.has_mastering,
	      "sdr: 100 cd/m2 by default, described as BT.709 SDR");
	struct uhd_colour graded = pq_stream(4000.0, 1500);
	struct uhd_target above = {UHD_TARGET_PQ, 5000.0, 0, UHD_TONEMAP_SOURCE_MASTERING};
	CHECK(uhd_tonemap_plan(&graded, &above, &plan, why, sizeof(why)) == 0 &&
	              plan.knee_start >= 1.0 && strstr(plan.note, "at or above"),
	      "a target above the source: no knee, said: '%s'", plan.note);
	struct uhd_target cll = {UHD_TARGET_PQ, 1000.0, 0, UHD_TONEMAP_SOURCE_MAXCLL};
	CHECK(uhd_tonemap_plan(&graded, &cll, &plan, why, sizeof(why)) == 0 &&
	              plan.source_peak == 1500.0 && strcmp(plan.source_peak_from, "MaxCLL") == 0,
	      "--tonemap-source maxcll takes MaxCLL (1500), got %.0f", plan.source_peak);
	struct uhd_colour mastered = pq_stream(1000.0, 0);
	struct uhd_target dim = {UHD_TARGET_PQ, 4.0, 0, UHD_TONEMAP_SOURCE_MASTERING};
	CHECK(uhd_tonemap_plan(&mastered, &dim, &plan, why, sizeof(why)) == -ENOTSUP &&
	              strstr(why, "at least 6.0 cd/m2"),
	      "a peak below BT.2390's range (KS < 0) is refused with the lowest one: %s", why);
	dim.peak = 6.0;
	CHECK(uhd_tonemap_plan(&mastered, &dim, &plan, why, sizeof(why)) == 0 &&
	              plan.knee_start >= 0.0 && plan.knee_start < 1e-3,
	      "the lowest peak it names is taken (KS %g)", plan.knee_start);
	struct uhd_colour dci = pq_stream(1000.0, 0);
	dci.primaries = 11; /* SMPTE RP 431-2, DCI-P3: no chromaticities in uhdpipe */
	CHECK(uhd_tonemap_plan(&dci, &sdr, &plan, why, sizeof(why)) == -ENOTSUP &&
	              strstr(why, "chromaticities"),
	      "SDR from primaries without chromaticities is refused: %s", why);
	struct uhd_target pq_dci = {UHD_TARGET_PQ, 600.0, 0, UHD_TONEMAP_SOURCE_MASTERING};
	CHECK(uhd_tonemap_plan(&dci, &pq_dci, &plan, why, sizeof(why)) == 0 &&
	              plan.output.primaries == 11,
	      "PQ -> PQ keeps any primaries");
	struct uhd_target bad = {UHD_TARGET_SDR, 0.0, UHD_PRIMARIES_P3_D65,
	                         UHD_TONEMAP_SOURCE_MASTERING};
	CHECK(uhd_tonemap_plan(&graded, &bad, &plan, why, sizeof(why)) == -EINVAL,
	      "SDR primaries other than bt709 and bt2020 are refused");
}

/* The display is told what the pictures now hold: SDR for sdr, PQ with the
 * target's peak as the mastering peak for pq. */
static void check_kms_signalling(void)
{
	struct uhd_tonemap_plan plan;
	char why[512];
	struct uhd_colour graded = pq_stream(4000.0, 1500);
	struct uhd_target sdr = {UHD_TARGET_SDR, 100.0, 0, UHD_TONEMAP_SOURCE_MASTERING};
	struct uhd_hdr_signal signal;
	CHECK(uhd_tonemap_plan(&graded, &sdr, &plan, why, sizeof(why)) == 0 &&
	              uhd_hdr_signal_for(&plan.output, UHD_HDR_AUTO, NULL, &signal) == 0 &&
	              !signal.send,
	      "sdr: no HDR metadata is sent");
	struct uhd_target pq = {UHD_TARGET_PQ, 600.0, 0, UHD_TONEMAP_SOURCE_MASTERING};
	CHECK(uhd_tonemap_plan(&graded, &pq, &plan, why, sizeof(why)) == 0 &&
	              uhd_hdr_signal_for(&plan.output, UHD_HDR_AUTO, NULL, &signal) == 0 &&
	              signal.send &&
	              signal.metadata.hdmi_metadata_type1.max_display_mastering_luminance == 600 &&
	              signal.metadata.hdmi_metadata_type1.max_cll == 0,
	      "pq:600: PQ with a 600 cd/m2 mastering peak and no MaxCLL (got %u, %u)",
	      signal.metadata.hdmi_metadata_type1.max_display_mastering_luminance,
	      signal.metadata.hdmi_metadata_type1.max_cll);
}

static void check_parse(void)
{
	struct uhd_target t = {UHD_TARGET_SOURCE, 0.0, 0, UHD_TONEMAP_SOURCE_MASTERING};
	CHECK(uhd_target_parse("sdr:203", &t) == 0 && t.transfer == UHD_TARGET_SDR &&
	              t.peak == 203.0,
	      "sdr:203");
	CHECK(uhd_target_parse("pq", &t) == 0 && t.transfer == UHD_TARGET_PQ && t.peak == 0.0,
	      "pq");
	const char *bad[] = {"sdr:0", "pq:10001", "sdr:", "hlg:", "source:100", "sdr:1e", "PQ"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(uhd_target_parse(bad[i], &t) == -EINVAL, "'%s' is refused", bad[i]);
	}
}

int main(void)
{
	check_bt2408_levels();
	check_eetf_points();
	check_decisions();
	check_kms_signalling();
	check_parse();
	return test_finish("test_tonemap_plan");
}
