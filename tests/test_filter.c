/*
 * Properties the resampling tables must hold (libplacebo-style): rows sum to 1,
 * identity at scale 1, kernels widen when downscaling, ties and edges follow
 * the documented rules, and chroma siting moves the sampling phase. Expected
 * weights are worked out by hand from the kernel definitions in the comments.
 */
#include <string.h>

#include "convert/converter.h"
#include "convert/filter.h"
#include "harness.h"

static const enum uhd_scaler scalers[] = {UHD_SCALER_NEAREST, UHD_SCALER_BILINEAR,
                                          UHD_SCALER_BICUBIC, UHD_SCALER_LANCZOS3};

static double weight_of(const struct uhd_filter_table *t, int output, int source)
{
	int k = source - t->start[output];
	return k >= 0 && k < t->taps ? t->weights[(size_t)output * t->taps + k] : 0.0;
}

static void test_rows_sum_to_one(void)
{
	const int lengths[][2] = {{7680, 3840}, {1921, 1000}, {720, 1920}, {5, 3}, {1, 7}, {3, 1}};
	for (size_t s = 0; s < 4; s++) {
		for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
			struct uhd_axis axis = {lengths[l][0], lengths[l][0], 1, 0.5,
			                        lengths[l][1]};
			struct uhd_filter_table t;
			CHECK(uhd_filter_build(scalers[s], &axis, &t) == 0, "build");
			for (int i = 0; i < t.output_length; i++) {
				double sum = 0;
				for (int k = 0; k < t.taps; k++) {
					sum += t.weights[(size_t)i * t.taps + k];
				}
				CHECK(fabs(sum - 1.0) < 1e-6, "%s %d->%d row %d sums to %.9f",
				      uhd_scaler_name(scalers[s]), lengths[l][0], lengths[l][1], i,
				      sum);
				CHECK(t.start[i] >= 0 && t.start[i] + t.taps <= lengths[l][0],
				      "window of row %d [%d,+%d) inside %d samples", i, t.start[i],
				      t.taps, lengths[l][0]);
			}
			uhd_filter_free(&t);
		}
	}
}

static void test_identity(void)
{
	for (size_t s = 0; s < 4; s++) {
		struct uhd_axis axis = {100, 100, 1, 0.5, 100};
		struct uhd_filter_table t;
		uhd_filter_build(scalers[s], &axis, &t);
		for (int i = 0; i < 100; i++) {
			for (int j = 0; j < 100; j++) {
				CHECK_NEAR(weight_of(&t, i, j), i == j ? 1.0 : 0.0, 1e-7,
				           uhd_scaler_name(scalers[s]));
			}
		}
		uhd_filter_free(&t);
	}
}

static void test_nearest_ties_and_widening(void)
{
	struct uhd_axis axis = {8, 8, 1, 0.5, 4};
	struct uhd_filter_table t;
	uhd_filter_build(UHD_SCALER_NEAREST, &axis, &t);
	/* Output i centres at source 2i + 0.5: a tie, which goes to 2i + 1. */
	for (int i = 0; i < 4; i++) {
		CHECK(t.taps == 1 && t.start[i] == 2 * i + 1, "nearest %d picks %d", i, t.start[i]);
	}
	uhd_filter_free(&t);
	struct uhd_axis down = {7680, 7680, 1, 0.5, 3840};
	uhd_filter_build(UHD_SCALER_LANCZOS3, &down, &t);
	CHECK(t.taps >= 12, "lanczos3 at 2x downscale spans 12 source samples, has %d taps",
	      t.taps);
	uhd_filter_free(&t);
}

static void test_mirror_edge(void)
{
	/* Bilinear 2x down, output 0 centres at source 0.5; the kernel stretched to
	 * radius 2 gives raw weights 0.25, 0.75, 0.75, 0.25 at j = -1, 0, 1, 2.
	 * j = -1 mirrors onto 0: 1.0, 0.75, 0.25 over a sum of 2. */
	struct uhd_axis axis = {8, 8, 1, 0.5, 4};
	struct uhd_filter_table t;
	uhd_filter_build(UHD_SCALER_BILINEAR, &axis, &t);
	CHECK_NEAR(weight_of(&t, 0, 0), 0.5, 1e-7, "edge weight 0");
	CHECK_NEAR(weight_of(&t, 0, 1), 0.375, 1e-7, "edge weight 1");
	CHECK_NEAR(weight_of(&t, 0, 2), 0.125, 1e-7, "edge weight 2");
	CHECK_NEAR(weight_of(&t, 3, 7), 0.5, 1e-7, "right edge weight 7");
	uhd_filter_free(&t);
}

static void test_chroma_siting(void)
{
	/* 4:2:0 co-sited (left): chroma 0 sits on luma 0's centre (phase 0.5). */
	struct uhd_axis left = {8, 4, 2, uhd_siting_phase(UHD_SITING_LEFT, 2, false), 8};
	struct uhd_filter_table t;
	uhd_filter_build(UHD_SCALER_BILINEAR, &left, &t);
	CHECK_NEAR(weight_of(&t, 0, 0), 1.0, 1e-7, "left siting: luma 0 reads chroma 0");
	CHECK_NEAR(weight_of(&t, 1, 0), 0.5, 1e-7, "left siting: luma 1 halfway");
	CHECK_NEAR(weight_of(&t, 2, 1), 1.0, 1e-7, "left siting: luma 2 reads chroma 1");
	uhd_filter_free(&t);
	/* Centred: chroma 0 sits between luma 0 and 1 (phase 1.0). Luma 0 is at
	 * chroma -0.25: 0.25 of chroma -1 (mirrored to 0) + 0.75 of chroma 0. */
	struct uhd_axis centre = {8, 4, 2, uhd_siting_phase(UHD_SITING_CENTER, 2, false), 8};
	uhd_filter_build(UHD_SCALER_BILINEAR, &centre, &t);
	CHECK_NEAR(weight_of(&t, 0, 0), 1.0, 1e-7, "centre siting: luma 0");
	CHECK_NEAR(weight_of(&t, 1, 0), 0.75, 1e-7, "centre siting: luma 1 from chroma 0");
	CHECK_NEAR(weight_of(&t, 1, 1), 0.25, 1e-7, "centre siting: luma 1 from chroma 1");
	uhd_filter_free(&t);
	CHECK_NEAR(uhd_siting_phase(UHD_SITING_LEFT, 2, true), 1.0, 0, "left: centred vertically");
	CHECK_NEAR(uhd_siting_phase(UHD_SITING_TOPLEFT, 2, true), 0.5, 0, "topleft: co-sited");
	CHECK_NEAR(uhd_siting_phase(UHD_SITING_BOTTOM, 2, true), 1.5, 0, "bottom");
	CHECK_NEAR(uhd_siting_phase(UHD_SITING_TOP, 2, false), 1.0, 0, "top: centred in x");
	CHECK_NEAR(uhd_siting_phase(UHD_SITING_CENTER, 1, false), 0.5, 0, "4:4:4 has no phase");
}

int main(void)
{
	test_rows_sum_to_one();
	test_identity();
	test_nearest_ties_and_widening();
	test_mirror_edge();
	test_chroma_siting();
	return test_finish("test_filter");
}
