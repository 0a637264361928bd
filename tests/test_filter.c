/* SPDX-License-Identifier: MIT */
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

/* The repeating run the periodic shaders use: every output in it has the
 * weights of the output `period` before it, and its first tap is the run's
 * start, plus the step per whole period, plus its phase's offset. */
static void check_run_repeats(const struct uhd_filter_table *t, const struct uhd_filter_run *run)
{
	CHECK(run->period >= 1 && run->period <= UHD_FILTER_MAX_PERIOD, "run period %d",
	      run->period);
	for (int i = run->first; i < run->end; i++) {
		int q = (i - run->first) / run->period, p = (i - run->first) % run->period;
		int start = run->start + q * run->step + run->offsets[p];
		CHECK(t->start[i] == start, "run: output %d starts at %d, not %d", i, t->start[i],
		      start);
		int phase = run->first + p;
		for (int k = 0; k < t->taps; k++) {
			CHECK(t->weights[(size_t)i * t->taps + k] ==
			              t->weights[(size_t)phase * t->taps + k],
			      "run: output %d weight %d differs from output %d's", i, k, phase);
		}
	}
}

static void test_repeating_run(void)
{
	/* Lanczos3 7680 -> 3840: output i centres at source 2i + 0.5 and reads
	 * j = 2i - 5 .. 2i + 6 (radius 6). Output 2 would read j = -1 (mirrored)
	 * and output 3837 j = 7680, so the run is [3, 3837), starting at 1. */
	struct uhd_axis half = {7680, 7680, 1, 0.5, 3840};
	struct uhd_filter_table t;
	struct uhd_filter_run run;
	uhd_filter_build(UHD_SCALER_LANCZOS3, &half, &t);
	CHECK(uhd_filter_find_run(&t, 4, 2, 64, &run), "2:1 has a run");
	CHECK(run.first == 3 && run.end == 3837 && run.start == 1 && run.step == 2,
	      "2:1 run [%d, %d) from %d step %d, want [3, 3837) from 1 step 2", run.first, run.end,
	      run.start, run.step);
	check_run_repeats(&t, &run);
	uhd_filter_free(&t);
	/* 1:1 (4:2:0 chroma to the luma width of a 2:1 downscale): output i sits
	 * on source i, where every kernel is 1 and is exactly 0 at the other whole
	 * offsets (lanczos3's sin(PI k) included). The zero taps are dropped: one
	 * tap per output, on its own sample, and the run is every output, edges
	 * included (the mirrored taps had zero weight). */
	const enum uhd_scaler smooth[] = {UHD_SCALER_BILINEAR, UHD_SCALER_BICUBIC,
	                                  UHD_SCALER_LANCZOS3};
	for (size_t s = 0; s < sizeof(smooth) / sizeof(smooth[0]); s++) {
		struct uhd_axis same = {3840, 3840, 1, 0.5, 3840};
		uhd_filter_build(smooth[s], &same, &t);
		CHECK(t.taps == 1, "1:1 scaler %d: %d taps, want 1", (int)smooth[s], t.taps);
		CHECK(uhd_filter_find_run(&t, 4, 2, 64, &run), "1:1 has a run");
		CHECK(run.first == 0 && run.end == 3840 && run.start == 0 && run.step == 1,
		      "1:1 run [%d, %d) from %d step %d, want [0, 3840) from 0 step 1", run.first,
		      run.end, run.start, run.step);
		check_run_repeats(&t, &run);
		uhd_filter_free(&t);
	}
	/* Co-sited 2x chroma upsampling (phase 0.5 in luma units): even outputs
	 * sit on a sample (one non-zero weight), odd ones between two (lanczos3:
	 * six). The table keeps the wider span, six taps, not seven. */
	struct uhd_axis cosited = {3840, 1920, 2, 0.5, 3840};
	uhd_filter_build(UHD_SCALER_LANCZOS3, &cosited, &t);
	CHECK(t.taps == 6, "co-sited 2x lanczos3: %d taps, want 6", t.taps);
	CHECK(t.start[100] == 50 && t.weights[100 * 6] == 1.0f,
	      "co-sited output 100 reads sample 50 alone (start %d, weight %g)", t.start[100],
	      t.weights[100 * 6]);
	uhd_filter_free(&t);
	/* 2x upscaling (1920 -> 3840, centred: outputs at source offsets 0.25
	 * and 0.75 alternate): a period of 2, one source sample per period. Co-sited
	 * 4:2:0 chroma to the luma width (phase 0.5 in luma units): even outputs read
	 * their own sample alone, odd ones six from two samples back, so phase 1's
	 * offset is below phase 0's and start is the lower of the two. */
	struct uhd_axis twice = {1920, 1920, 1, 0.5, 3840};
	uhd_filter_build(UHD_SCALER_LANCZOS3, &twice, &t);
	CHECK(uhd_filter_find_run(&t, 4, 2, 64, &run), "2x has a run");
	CHECK(run.period == 2 && run.step == 1 && run.end - run.first > 3800,
	      "2x run: period %d, step %d, [%d, %d)", run.period, run.step, run.first, run.end);
	CHECK(!uhd_filter_find_run(&t, 4, 1, 64, &run), "2x has no run of period 1");
	uhd_filter_find_run(&t, 4, 2, 64, &run);
	check_run_repeats(&t, &run);
	uhd_filter_run_anchor(&t, &run, run.first + 1);
	check_run_repeats(&t, &run);
	uhd_filter_free(&t);
	struct uhd_axis chroma = {3840, 1920, 2, 0.5, 3840};
	uhd_filter_build(UHD_SCALER_LANCZOS3, &chroma, &t);
	CHECK(uhd_filter_find_run(&t, 4, 2, 64, &run), "co-sited 2x has a run");
	uhd_filter_run_anchor(&t, &run, (run.first + 1) / 2 * 2);
	CHECK(run.period == 2 && run.offsets[0] == 2 && run.offsets[1] == 0,
	      "co-sited 2x from an even output: offsets %d and %d, want 2 and 0", run.offsets[0],
	      run.offsets[1]);
	check_run_repeats(&t, &run);
	uhd_filter_free(&t);
	/* Non-integer ratios repeat with a longer period: no run. */
	const int no_run[][2] = {{1921, 1000}, {3840, 2160}, {1920, 2880}};
	for (size_t l = 0; l < sizeof(no_run) / sizeof(no_run[0]); l++) {
		struct uhd_axis axis = {no_run[l][0], no_run[l][0], 1, 0.5, no_run[l][1]};
		uhd_filter_build(UHD_SCALER_LANCZOS3, &axis, &t);
		CHECK(!uhd_filter_find_run(&t, 4, 2, 64, &run), "%d -> %d has no run", no_run[l][0],
		      no_run[l][1]);
		uhd_filter_free(&t);
	}
}

int main(void)
{
	test_rows_sum_to_one();
	test_identity();
	test_nearest_ties_and_widening();
	test_mirror_edge();
	test_chroma_siting();
	test_repeating_run();
	return test_finish("test_filter");
}
