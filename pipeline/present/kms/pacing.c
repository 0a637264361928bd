/* SPDX-License-Identifier: MIT */
/*
 * Cadence and flip statistics. The cadence is refresh / fps vblanks per frame,
 * kept as a reduced fraction num / den; frame i's vblank is
 * floor((2 * i * num + den) / (2 * den)). The reduced fractions can be large
 * (an 8K CVT mode refreshes at 26121875/435414 Hz; against 24000/1001 fps num
 * is 2.6e10 before the frame number multiplies it), so i * num is taken in 128
 * bits, with a small portable helper rather than __int128, which 32-bit
 * targets lack.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "common/log.h"
#include "pacing.h"

#define RATIO_LIMIT     (UINT64_C(1) << 62) /* 2 * den + num stays below 2^64 */
#define INTERVAL_TIE_MS 0.001               /* the resolution of flip event timestamps */

/* Vblanks per frame, reduced. */
struct ratio {
	uint64_t num, den;
};

struct u128 {
	uint64_t hi, lo;
};

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t r = a % b;
		a = b;
		b = r;
	}
	return a;
}

static void reduce(uint64_t *num, uint64_t *den)
{
	uint64_t g = gcd_u64(*num, *den);
	*num /= g;
	*den /= g;
}

int uhd_cadence_init(struct uhd_cadence *c, int64_t fps_num, int64_t fps_den, uint32_t clock_khz,
                     uint32_t htotal, uint32_t vtotal)
{
	if (!c || fps_num <= 0 || fps_den <= 0 || !clock_khz || !htotal || !vtotal) {
		uhd_error("cadence: frame rate %lld/%lld, clock %u kHz, totals %ux%u: every value "
		          "must be above 0",
		          (long long)fps_num, (long long)fps_den, clock_khz, htotal, vtotal);
		return -EINVAL;
	}
	uint64_t fn = (uint64_t)fps_num, fd = (uint64_t)fps_den;
	uint64_t rn = (uint64_t)clock_khz * 1000, rd = (uint64_t)htotal * vtotal;
	reduce(&fn, &fd);
	reduce(&rn, &rd);
	*c = (struct uhd_cadence){(int64_t)fn, (int64_t)fd, (int64_t)rn, (int64_t)rd};
	return 0;
}

/* a * b into *out unless it passes RATIO_LIMIT. */
static bool mul_within_limit(uint64_t a, uint64_t b, uint64_t *out)
{
	if (b && a > RATIO_LIMIT / b) {
		return false;
	}
	*out = a * b;
	return *out <= RATIO_LIMIT;
}

/* refresh / fps = (rn * fd) / (rd * fn), cross-reduced so the products stay small. */
static int cadence_ratio(const struct uhd_cadence *c, struct ratio *r)
{
	if (!c || c->fps_num <= 0 || c->fps_den <= 0 || c->refresh_num <= 0 ||
	    c->refresh_den <= 0) {
		uhd_error("cadence: a rate is missing, 0 or negative; fill it with "
		          "uhd_cadence_init");
		return -EINVAL;
	}
	uint64_t fn = (uint64_t)c->fps_num, fd = (uint64_t)c->fps_den;
	uint64_t rn = (uint64_t)c->refresh_num, rd = (uint64_t)c->refresh_den;
	reduce(&fn, &fd);
	reduce(&rn, &rd);
	reduce(&rn, &fn);
	reduce(&fd, &rd);
	if (!mul_within_limit(rn, fd, &r->num) || !mul_within_limit(rd, fn, &r->den)) {
		uhd_error("cadence: refresh %lld/%lld Hz over %lld/%lld fps is too fine a fraction "
		          "to compute exactly; round the frame rate (e.g. to 24000/1001)",
		          (long long)c->refresh_num, (long long)c->refresh_den,
		          (long long)c->fps_num, (long long)c->fps_den);
		return -ERANGE;
	}
	return 0;
}

static struct u128 mul_u64(uint64_t a, uint64_t b)
{
	uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32;
	uint64_t b_lo = b & 0xffffffffu, b_hi = b >> 32;
	uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi;
	uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffffffffu) + lo_hi; /* < 2^64 */
	return (struct u128){a_hi * b_hi + (hi_lo >> 32) + (cross >> 32),
	                     (cross << 32) | (lo_lo & 0xffffffffu)};
}

static struct u128 add_u64(struct u128 x, uint64_t y)
{
	x.lo += y;
	x.hi += x.lo < y;
	return x;
}

/* n / d by shift and subtract; the caller ensures n.hi < d so the quotient fits. */
static uint64_t div_u128(struct u128 n, uint64_t d)
{
	uint64_t rem = n.hi, quotient = 0;
	for (int bit = 63; bit >= 0; bit--) {
		uint64_t carry = rem >> 63;
		rem = (rem << 1) | ((n.lo >> bit) & 1);
		quotient <<= 1;
		if (carry || rem >= d) {
			rem -= d;
			quotient |= 1;
		}
	}
	return quotient;
}

/* floor(frame * num / den + 1/2) = floor((2 * frame * num + den) / (2 * den)). */
static int64_t ratio_vblank(const struct ratio *r, int64_t frame)
{
	struct u128 n = mul_u64((uint64_t)frame, 2 * r->num); /* 2 * num <= 2^63 */
	n = add_u64(n, r->den);
	uint64_t d = 2 * r->den;
	if (n.hi >= d) {
		return -ERANGE;
	}
	uint64_t q = div_u128(n, d);
	return q > INT64_MAX ? -ERANGE : (int64_t)q;
}

int64_t uhd_cadence_vblank(const struct uhd_cadence *c, int64_t frame)
{
	if (frame < 0) {
		uhd_error("cadence: frame %lld is negative; frames count from 0", (long long)frame);
		return -EINVAL;
	}
	struct ratio r;
	int ret = cadence_ratio(c, &r);
	if (ret < 0) {
		return ret;
	}
	int64_t vblank = ratio_vblank(&r, frame);
	if (vblank < 0) {
		uhd_error("cadence: the vblank of frame %lld does not fit 64 bits",
		          (long long)frame);
	}
	return vblank;
}

static void stats_reset(struct uhd_flip_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < 3; i++) {
		out->worst[i].frame = -1;
	}
}

/*
 * Keeps the three longest intervals, longest first. Flip events carry
 * microseconds, so intervals within 1 us are equal and the earlier one stays.
 */
static void note_interval(struct uhd_flip_stats *out, int64_t frame, double interval_ms)
{
	int slot = 3;
	while (slot > 0 && interval_ms > out->worst[slot - 1].interval_ms + INTERVAL_TIE_MS) {
		slot--;
	}
	if (slot == 3) {
		return;
	}
	for (int i = 2; i > slot; i--) {
		out->worst[i] = out->worst[i - 1];
	}
	out->worst[slot].frame = frame;
	out->worst[slot].interval_ms = interval_ms;
}

static bool off_grid(double since_anchor_s, double period_s, double tolerance_ms)
{
	double k = floor(since_anchor_s / period_s + 0.5);
	return fabs(since_anchor_s - k * period_s) * 1000.0 > tolerance_ms;
}

static int check_stats_args(const struct uhd_flip *flips, size_t n, double tolerance_ms,
                            const struct uhd_flip_stats *out)
{
	if (!out || (!flips && n) || !(tolerance_ms >= 0)) {
		uhd_error("flip statistics: need an output, the flips and a tolerance of 0 ms or "
		          "more (got %g ms)",
		          tolerance_ms);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (flips[i].frame < 0) {
			uhd_error("flip statistics: flip %zu has negative frame number %lld", i,
			          (long long)flips[i].frame);
			return -EINVAL;
		}
	}
	return 0;
}

/* State carried from one presented flip to the next. */
struct walk {
	const struct uhd_flip *anchor, *prev;
	int64_t anchor_vblank, prev_vblank;
	double period_s;
};

static int take_flip(struct walk *w, const struct ratio *r, const struct uhd_flip *flip,
                     double tolerance_ms, struct uhd_flip_stats *out)
{
	int64_t vblank = ratio_vblank(r, flip->frame);
	if (vblank < 0) {
		uhd_error("flip statistics: the vblank of frame %lld does not fit 64 bits",
		          (long long)flip->frame);
		return -ERANGE;
	}
	out->presented++;
	if (!w->anchor) {
		w->anchor = w->prev = flip;
		w->anchor_vblank = w->prev_vblank = vblank;
		return 0;
	}
	int64_t since_anchor = (int64_t)(flip->sequence - w->anchor->sequence);
	out->late += since_anchor > vblank - w->anchor_vblank;
	int64_t excess = (int64_t)(flip->sequence - w->prev->sequence) - (vblank - w->prev_vblank);
	out->repeated += excess > 0 ? excess : 0;
	out->off_grid += off_grid(flip->time_s - w->anchor->time_s, w->period_s, tolerance_ms);
	note_interval(out, flip->frame, (flip->time_s - w->prev->time_s) * 1000.0);
	w->prev = flip;
	w->prev_vblank = vblank;
	return 0;
}

int uhd_flip_stats_compute(const struct uhd_cadence *c, const struct uhd_flip *flips, size_t n,
                           double grid_tolerance_ms, struct uhd_flip_stats *out)
{
	int ret = check_stats_args(flips, n, grid_tolerance_ms, out);
	if (ret < 0) {
		if (out) {
			stats_reset(out);
		}
		return ret;
	}
	stats_reset(out);
	struct ratio r;
	ret = cadence_ratio(c, &r);
	if (ret < 0) {
		return ret;
	}
	struct walk w = {.period_s = (double)c->refresh_den / (double)c->refresh_num};
	for (size_t i = 0; i < n && ret == 0; i++) {
		if (flips[i].dropped) {
			out->dropped++;
		} else {
			ret = take_flip(&w, &r, &flips[i], grid_tolerance_ms, out);
		}
	}
	if (ret < 0) {
		stats_reset(out);
		return ret;
	}
	if (out->presented > 1) {
		out->mean_interval_ms =
		        (w.prev->time_s - w.anchor->time_s) * 1000.0 / (double)(out->presented - 1);
	}
	return 0;
}
