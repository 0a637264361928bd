/* SPDX-License-Identifier: MIT */
/*
 * Frame pacing on a fixed-rate display: on which vblank each source frame
 * should first appear (the cadence: 3:2 for 24 fps on 60 Hz), and statistics
 * of the page flips that did happen, for warnings and the play report.
 *
 * Pure arithmetic, no clocks and no DRM calls. Rates are exact rationals and
 * the cadence is computed from the frame number alone, so a run of millions of
 * frames does not drift. All functions are thread-safe.
 */
#ifndef UHD_KMS_PACING_H
#define UHD_KMS_PACING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Source frame rate and display refresh rate, both in Hz, as num / den. */
struct uhd_cadence {
	int64_t fps_num, fps_den;
	/* From the mode: clock_khz * 1000 / (htotal * vtotal). */
	int64_t refresh_num, refresh_den;
};

/*
 * Fills *c for frames at fps_num / fps_den shown in a mode with the given
 * clock (kHz) and totals, each fraction reduced. Returns 0, or -EINVAL when a
 * value is 0 or negative.
 */
int uhd_cadence_init(struct uhd_cadence *c, int64_t fps_num, int64_t fps_den, uint32_t clock_khz,
                     uint32_t htotal, uint32_t vtotal);

/*
 * The vblank on which frame `frame` should first be shown, counted from the
 * vblank of frame 0: floor(frame * refresh / fps + 1/2), exactly. 24 fps on
 * 60 Hz gives 0, 3, 5, 8, 10, ...; 25 on 60 gives 0, 2, 5, 7, 10, ...
 * Returns the vblank (>= 0); -EINVAL for a negative frame or a cadence with a
 * rate that is 0 or negative; -ERANGE when refresh / fps, reduced, needs a
 * numerator or denominator above 2^62, or the result is above INT64_MAX.
 */
int64_t uhd_cadence_vblank(const struct uhd_cadence *c, int64_t frame);

/* One page flip, or one frame that never reached the screen. */
struct uhd_flip {
	int64_t frame;     /* source frame number, as counted by uhd_cadence_vblank */
	bool dropped;      /* never shown; sequence and time_s are then ignored */
	uint64_t sequence; /* the kernel's vblank count at the flip, widened so it does not wrap */
	double time_s;     /* the flip event's timestamp, seconds (any fixed origin) */
};

/*
 * Statistics of a run of flips, in presentation order. The first presented
 * flip is the anchor: its sequence and time stand for the vblank of its frame,
 * and every other frame's ideal vblank is placed from there by the cadence.
 *   presented: flips not marked dropped.
 *   dropped:   flips marked dropped.
 *   late:      presented flips whose sequence is later than the ideal one,
 *              first.sequence + vblank(frame) - vblank(first.frame). A pipeline
 *              that loses one vblank and never catches up makes every later
 *              frame late.
 *   repeated:  refreshes on which an old frame was scanned out again while
 *              the cadence wanted a new one: over each pair of consecutive
 *              presented flips, max(0, actual sequence gap - ideal gap), the
 *              ideal gap being vblank(later frame) - vblank(earlier frame). A
 *              dropped frame's slot is in the ideal gap, so it is counted in
 *              dropped and not again here.
 *   off_grid:  presented flips whose time is not on the refresh grid:
 *              |(t - t0) - k * T| > grid_tolerance_ms for the nearest integer k,
 *              T = 1 / refresh (exact from the cadence), t0 the anchor's time.
 *   mean_interval_ms: mean time between consecutive presented flips (0 when
 *              fewer than two).
 *   worst:     the three longest flip-to-flip intervals, longest first, each
 *              with the frame of the later flip; within 1 us (the event
 *              timestamps' resolution) intervals tie and the earlier one stays;
 *              unused entries have frame -1 and interval 0.
 */
struct uhd_flip_stats {
	int64_t presented, late, dropped, repeated;
	int64_t off_grid;
	double mean_interval_ms;
	struct {
		int64_t frame;
		double interval_ms;
	} worst[3];
};

/*
 * Computes *out over flips[0..n). Returns 0; -EINVAL for a NULL out, NULL
 * flips with n > 0, a negative tolerance or frame number, or a cadence
 * uhd_cadence_vblank refuses (see there, also -ERANGE). *out is all zero
 * (worst frames -1) on error and for n == 0.
 */
int uhd_flip_stats_compute(const struct uhd_cadence *c, const struct uhd_flip *flips, size_t n,
                           double grid_tolerance_ms, struct uhd_flip_stats *out);

#endif
