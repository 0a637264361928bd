/* SPDX-License-Identifier: MIT */
/*
 * Cadence and flip statistics with synthetic flip lists.
 *
 * Expected cadences are floor(i * refresh / fps + 1/2) worked out by hand
 * (24 on 60: i * 2.5 + 0.5 -> 0, 3, 5, 8, 10, ...). The long run is checked
 * against an incremental integer computation written here, and its last
 * value against Python's fractions.Fraction:
 *   floor(10**6 * Fraction(2089750000, 7840 * 4443) / Fraction(24000, 1001) + 1/2)
 *   = 2502216.
 */
#include <errno.h>
#include <string.h>

#include "harness.h"
#include "present/kms/pacing.h"

#define RUN_FRAMES 48

static void check_cadence(int64_t fps_num, int64_t fps_den, int64_t refresh_num,
                          int64_t refresh_den, const int64_t *expected, int count)
{
	struct uhd_cadence c = {fps_num, fps_den, refresh_num, refresh_den};
	for (int i = 0; i < count; i++) {
		int64_t got = uhd_cadence_vblank(&c, i);
		CHECK(got == expected[i],
		      "%lld/%lld fps on %lld/%lld Hz: frame %d expected vblank "
		      "%lld, got %lld",
		      (long long)fps_num, (long long)fps_den, (long long)refresh_num,
		      (long long)refresh_den, i, (long long)expected[i], (long long)got);
	}
}

static void test_cadences(void)
{
	static const int64_t film_60[] = {0, 3, 5, 8, 10, 13, 15, 18, 20, 23}; /* 3:2 */
	static const int64_t half_60[] = {0, 2, 4, 6, 8};
	static const int64_t same_60[] = {0, 1, 2, 3, 4, 5};
	/* i * 2.4 + 0.5: 0.5 2.9 5.3 7.7 10.1 12.5 14.9 17.3 19.7 22.1 */
	static const int64_t pal_60[] = {0, 2, 5, 7, 10, 12, 14, 17, 19, 22};
	/* i * 5/6 + 0.5: 0.5 1.33 2.17 3.0 3.83 4.67 5.5 -- a faster source: frames 3 and 4
	 * share vblank 3 (one of them is never seen). */
	static const int64_t fast_50[] = {0, 1, 2, 3, 3, 4, 5};
	check_cadence(24, 1, 60, 1, film_60, 10);
	check_cadence(24000, 1001, 60000, 1001, film_60, 10); /* same ratio, other fractions */
	check_cadence(30, 1, 60, 1, half_60, 5);
	check_cadence(60, 1, 60, 1, same_60, 6);
	check_cadence(25, 1, 60, 1, pal_60, 10);
	check_cadence(60, 1, 50, 1, fast_50, 7);

	struct uhd_cadence c;
	CHECK(uhd_cadence_init(&c, 24, 1, 148500, 2200, 1125) == 0, "CEA 1080p60 mode");
	CHECK(c.refresh_num == 60 && c.refresh_den == 1, "148.5 MHz / (2200 * 1125) = %lld/%lld",
	      (long long)c.refresh_num, (long long)c.refresh_den);
	CHECK(uhd_cadence_vblank(&c, 3) == 8, "24 on CEA 60 Hz, frame 3");
	/* 2089750000 / 34833120 reduced by their gcd 80 (2^4 * 5). */
	CHECK(uhd_cadence_init(&c, 48000, 2002, 2089750, 7840, 4443) == 0, "8K CVT mode");
	CHECK(c.refresh_num == 26121875 && c.refresh_den == 435414 && c.fps_num == 24000 &&
	              c.fps_den == 1001,
	      "8K cadence %lld/%lld fps on %lld/%lld Hz", (long long)c.fps_num,
	      (long long)c.fps_den, (long long)c.refresh_num, (long long)c.refresh_den);
}

static void test_cadence_errors(void)
{
	struct uhd_cadence c;
	CHECK(uhd_cadence_init(&c, 0, 1, 148500, 2200, 1125) == -EINVAL, "fps 0");
	CHECK(uhd_cadence_init(&c, 24, -1, 148500, 2200, 1125) == -EINVAL, "negative fps den");
	CHECK(uhd_cadence_init(&c, 24, 1, 0, 2200, 1125) == -EINVAL, "clock 0");
	CHECK(uhd_cadence_init(&c, 24, 1, 148500, 0, 1125) == -EINVAL, "htotal 0");
	CHECK(uhd_cadence_init(NULL, 24, 1, 148500, 2200, 1125) == -EINVAL, "NULL cadence");
	struct uhd_cadence film = {24, 1, 60, 1};
	CHECK(uhd_cadence_vblank(&film, -1) == -EINVAL, "negative frame");
	struct uhd_cadence zero = {24, 1, 0, 1};
	CHECK(uhd_cadence_vblank(&zero, 1) == -EINVAL, "refresh 0");
	CHECK(uhd_cadence_vblank(NULL, 1) == -EINVAL, "NULL cadence");
	/* (2^40 + 1) * (2^30 + 1) vblanks per frame: the reduced numerator passes 2^62. */
	struct uhd_cadence fine = {1, 1073741825, 1099511627777, 1};
	CHECK(uhd_cadence_vblank(&fine, 1) == -ERANGE, "too fine a fraction");
	/* INT64_MAX * 2.5 does not fit. */
	CHECK(uhd_cadence_vblank(&film, INT64_MAX) == -ERANGE, "vblank past INT64_MAX");
	/* (2^63 - 1) / 3 = 3074457345618258602, even, so * 2.5 is whole: 7686143364045646505. */
	CHECK(uhd_cadence_vblank(&film, INT64_MAX / 3) == INT64_C(7686143364045646505),
	      "large frame");
}

/* 24 fps on 60 Hz, by the 3:2 rule: even frames at 5i/2, odd ones at (5i + 1)/2. */
static uint64_t film_vblank(int64_t i)
{
	return (uint64_t)((5 * i + (i % 2)) / 2);
}

static void film_run(struct uhd_flip *flips, uint64_t first_sequence)
{
	for (int i = 0; i < RUN_FRAMES; i++) {
		flips[i].frame = i;
		flips[i].dropped = false;
		flips[i].sequence = first_sequence + film_vblank(i);
		flips[i].time_s = 12.345 + (double)flips[i].sequence / 60.0;
	}
}

static void test_perfect_run(void)
{
	struct uhd_cadence c = {24, 1, 60, 1};
	struct uhd_flip flips[RUN_FRAMES];
	film_run(flips, 1000);
	struct uhd_flip_stats s;
	CHECK(uhd_flip_stats_compute(&c, flips, RUN_FRAMES, 0.5, &s) == 0, "perfect run");
	CHECK(s.presented == RUN_FRAMES && s.late == 0 && s.dropped == 0 && s.repeated == 0 &&
	              s.off_grid == 0,
	      "perfect 3:2: presented %lld late %lld dropped %lld repeated %lld off-grid %lld",
	      (long long)s.presented, (long long)s.late, (long long)s.dropped,
	      (long long)s.repeated, (long long)s.off_grid);
	/* Frame 47 is at vblank (235 + 1) / 2 = 118: 118 refreshes over 47 intervals. */
	CHECK_NEAR(s.mean_interval_ms, 118 * 1000.0 / 60.0 / 47.0, 1e-9, "mean interval");
	/* The 3-vblank intervals end at odd frames; the earliest win the tie. */
	for (int i = 0; i < 3; i++) {
		CHECK(s.worst[i].frame == 2 * i + 1, "worst[%d] frame %lld, expected %d", i,
		      (long long)s.worst[i].frame, 2 * i + 1);
		CHECK_NEAR(s.worst[i].interval_ms, 50.0, 1e-9, "worst interval (3 refreshes)");
	}
}

static void test_late_and_dropped(void)
{
	struct uhd_cadence c = {24, 1, 60, 1};
	struct uhd_flip flips[RUN_FRAMES];
	struct uhd_flip_stats s;

	/* Frame 3 one vblank late (9 instead of 8): frame 2 shows once more. */
	film_run(flips, 1000);
	flips[3].sequence += 1;
	flips[3].time_s += 1.0 / 60.0;
	CHECK(uhd_flip_stats_compute(&c, flips, RUN_FRAMES, 0.5, &s) == 0, "one late");
	CHECK(s.late == 1 && s.repeated == 1 && s.dropped == 0 && s.off_grid == 0,
	      "one late frame: late %lld repeated %lld dropped %lld off-grid %lld",
	      (long long)s.late, (long long)s.repeated, (long long)s.dropped,
	      (long long)s.off_grid);
	CHECK(s.worst[0].frame == 3, "worst is frame 3, got %lld", (long long)s.worst[0].frame);
	CHECK_NEAR(s.worst[0].interval_ms, 4000.0 / 60.0, 1e-9, "late interval (4 refreshes)");

	/* A vblank lost for good at frame 10: every later frame is late, one repeat. */
	film_run(flips, 1000);
	for (int i = 10; i < RUN_FRAMES; i++) {
		flips[i].sequence += 1;
		flips[i].time_s += 1.0 / 60.0;
	}
	CHECK(uhd_flip_stats_compute(&c, flips, RUN_FRAMES, 0.5, &s) == 0, "slip");
	CHECK(s.late == RUN_FRAMES - 10 && s.repeated == 1, "slip: late %lld repeated %lld",
	      (long long)s.late, (long long)s.repeated);

	/* Frame 3 dropped, frame 4 on time: a drop, not a repeat. */
	film_run(flips, 1000);
	flips[3].dropped = true;
	flips[3].sequence = 0; /* ignored */
	flips[3].time_s = -1;
	CHECK(uhd_flip_stats_compute(&c, flips, RUN_FRAMES, 0.5, &s) == 0, "dropped");
	CHECK(s.presented == RUN_FRAMES - 1 && s.dropped == 1 && s.late == 0 && s.repeated == 0 &&
	              s.off_grid == 0,
	      "dropped: presented %lld dropped %lld late %lld repeated %lld off-grid %lld",
	      (long long)s.presented, (long long)s.dropped, (long long)s.late,
	      (long long)s.repeated, (long long)s.off_grid);
	/* Frame 2 at vblank 5, frame 4 at 10: 5 refreshes. */
	CHECK(s.worst[0].frame == 4, "worst is frame 4, got %lld", (long long)s.worst[0].frame);
	CHECK_NEAR(s.worst[0].interval_ms, 5000.0 / 60.0, 1e-9, "interval over the drop");

	/* A dropped first frame: the anchor is the first presented flip (frame 1). */
	film_run(flips, 1000);
	flips[0].dropped = true;
	CHECK(uhd_flip_stats_compute(&c, flips, RUN_FRAMES, 0.5, &s) == 0 && s.late == 0 &&
	              s.repeated == 0 && s.dropped == 1,
	      "dropped first: late %lld repeated %lld", (long long)s.late, (long long)s.repeated);
}

static void test_off_grid(void)
{
	struct uhd_cadence c = {24, 1, 60, 1};
	struct uhd_flip flips[RUN_FRAMES];
	struct uhd_flip_stats s;
	film_run(flips, 1000);
	flips[5].time_s += 0.002;   /* 2 ms late on the grid: counted */
	flips[9].time_s -= 0.001;   /* 1 ms early: counted */
	flips[12].time_s += 0.0003; /* 0.3 ms: within 0.5 ms */
	CHECK(uhd_flip_stats_compute(&c, flips, RUN_FRAMES, 0.5, &s) == 0, "off grid");
	CHECK(s.off_grid == 2 && s.late == 0, "off grid %lld late %lld", (long long)s.off_grid,
	      (long long)s.late);
	CHECK(uhd_flip_stats_compute(&c, flips, RUN_FRAMES, 3.0, &s) == 0 && s.off_grid == 0,
	      "within 3 ms: off grid %lld", (long long)s.off_grid);
}

/* 59.94 Hz: the grid period must be 1001/60000 s exactly, not 1/60. */
static void test_ntsc_rates(void)
{
	enum { FLIPS = 1000 };
	static struct uhd_flip flips[FLIPS];
	for (int k = 0; k < FLIPS; k++) {
		flips[k] = (struct uhd_flip){k, false, (uint64_t)k, k * 1001.0 / 60000.0};
	}
	struct uhd_cadence c = {60000, 1001, 60000, 1001};
	struct uhd_flip_stats s;
	CHECK(uhd_flip_stats_compute(&c, flips, FLIPS, 0.01, &s) == 0, "59.94");
	CHECK(s.off_grid == 0 && s.late == 0 && s.repeated == 0,
	      "59.94 on 59.94: off-grid %lld late %lld repeated %lld", (long long)s.off_grid,
	      (long long)s.late, (long long)s.repeated);
	CHECK_NEAR(s.mean_interval_ms, 1001.0 / 60.0, 1e-9, "59.94 Hz interval");
	/* Against a 60 Hz grid flip k is k/60 ms off, wrapping at 1000 flips: the smallest
	 * distance to the grid, 1/60 ms (k = 1 and 999), is above 0.01 ms. */
	struct uhd_cadence wrong = {60000, 1001, 60, 1};
	CHECK(uhd_flip_stats_compute(&wrong, flips, FLIPS, 0.01, &s) == 0 &&
	              s.off_grid == FLIPS - 1,
	      "59.94 flips on a 60 Hz grid: off-grid %lld, expected %d", (long long)s.off_grid,
	      FLIPS - 1);

	/* 23.976 fps on exactly 60 Hz: 2.5025 vblanks per frame. Frame 199: 497.9975 + 0.5
	 * -> 498; frame 200: 500.5 + 0.5 -> 501 (the cadence slips one vblank there). */
	struct uhd_cadence film = {24000, 1001, 60, 1};
	CHECK(uhd_cadence_vblank(&film, 199) == 498 && uhd_cadence_vblank(&film, 200) == 501,
	      "23.976 on 60: frames 199, 200 at %lld, %lld",
	      (long long)uhd_cadence_vblank(&film, 199), (long long)uhd_cadence_vblank(&film, 200));
	CHECK(uhd_cadence_vblank(&film, 1000000) == 2502500, "23.976 on 60: 10^6 * 2.5025");
}

/* 23.976 fps on the 8K CVT mode, 10^6 frames: every vblank exact, statistics clean. */
static void test_long_run(void)
{
	enum { FRAMES = 1000000 };
	struct uhd_cadence c;
	CHECK(uhd_cadence_init(&c, 24000, 1001, 2089750, 7840, 4443) == 0, "8K cadence");
	/* refresh / fps = (26121875 / 435414) * (1001 / 24000), reduced by hand:
	 * (5^2 * 11 * 13^2 * 643) / (2^7 * 3^2 * 7 * 1481) = 29883425 / 11942784. */
	const int64_t num = 29883425, den = 11942784;
	struct uhd_flip *flips = calloc(FRAMES, sizeof(*flips));
	CHECK(flips != NULL, "allocation");
	if (!flips) {
		return;
	}
	/* (2 i num + den) / (2 den) kept as quotient and remainder, stepping by 2 num. */
	int64_t quotient = 0, remainder = den;
	int mismatches = 0;
	for (int64_t i = 0; i < FRAMES; i++) {
		int64_t got = uhd_cadence_vblank(&c, i);
		if (got != quotient && mismatches++ < 5) {
			CHECK(got == quotient, "frame %lld: expected vblank %lld, got %lld",
			      (long long)i, (long long)quotient, (long long)got);
		}
		flips[i] = (struct uhd_flip){i, false, 5000 + (uint64_t)quotient,
		                             (double)quotient * 435414.0 / 26121875.0};
		remainder += 2 * num;
		quotient += remainder / (2 * den);
		remainder %= 2 * den;
	}
	CHECK(mismatches == 0, "%d of 10^6 frames off the exact cadence", mismatches);
	CHECK(uhd_cadence_vblank(&c, FRAMES) == 2502216, "frame 10^6 (Python Fraction: 2502216)");
	CHECK(quotient == 2502216, "incremental frame 10^6: %lld", (long long)quotient);
	struct uhd_flip_stats s;
	CHECK(uhd_flip_stats_compute(&c, flips, FRAMES, 0.001, &s) == 0, "long run stats");
	CHECK(s.presented == FRAMES && s.late == 0 && s.repeated == 0 && s.off_grid == 0,
	      "long run: presented %lld late %lld repeated %lld off-grid %lld",
	      (long long)s.presented, (long long)s.late, (long long)s.repeated,
	      (long long)s.off_grid);
	free(flips);
}

static void test_stats_errors(void)
{
	struct uhd_cadence c = {24, 1, 60, 1};
	struct uhd_flip flip = {0, false, 10, 1.0};
	struct uhd_flip_stats s;
	CHECK(uhd_flip_stats_compute(&c, NULL, 0, 0.5, &s) == 0 && s.presented == 0 &&
	              s.worst[0].frame == -1 && s.mean_interval_ms == 0,
	      "no flips");
	CHECK(uhd_flip_stats_compute(&c, &flip, 1, 0.5, &s) == 0 && s.presented == 1 &&
	              s.mean_interval_ms == 0 && s.worst[0].frame == -1,
	      "one flip");
	CHECK(uhd_flip_stats_compute(&c, NULL, 3, 0.5, &s) == -EINVAL, "NULL flips");
	CHECK(uhd_flip_stats_compute(&c, &flip, 1, -1, &s) == -EINVAL, "negative tolerance");
	CHECK(uhd_flip_stats_compute(&c, &flip, 1, NAN, &s) == -EINVAL, "NaN tolerance");
	CHECK(uhd_flip_stats_compute(&c, &flip, 1, 0.5, NULL) == -EINVAL, "NULL output");
	struct uhd_cadence bad = {0, 1, 60, 1};
	CHECK(uhd_flip_stats_compute(&bad, &flip, 1, 0.5, &s) == -EINVAL && s.presented == 0,
	      "bad cadence");
	flip.frame = -2;
	CHECK(uhd_flip_stats_compute(&c, &flip, 1, 0.5, &s) == -EINVAL, "negative frame");
}

int main(void)
{
	test_cadences();
	test_cadence_errors();
	test_perfect_run();
	test_late_and_dropped();
	test_off_grid();
	test_ntsc_rates();
	test_long_run();
	test_stats_errors();
	return test_finish("test_kms_pacing");
}
