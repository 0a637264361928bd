/* SPDX-License-Identifier: MIT */
/*
 * Resampling filter tables: for every output position along one axis, the
 * first source sample and a fixed number of normalised weights. Built once
 * per geometry on the CPU, read by the scaling shaders.
 */
#ifndef UHD_INTERNAL_FILTER_H
#define UHD_INTERNAL_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "uhdpipe/convert.h"

struct uhd_axis {
	int luma_length;  /* source length of the picture along this axis, luma samples */
	int plane_length; /* samples of the plane being resampled along this axis */
	int subsampling;  /* 1 or 2: plane samples per luma sample */
	double phase;     /* centre of plane sample 0, in luma units from the picture edge
	                     (0.5 for luma and co-sited chroma, 1.0 for centred 2x chroma) */
	int output_length;
};

struct uhd_filter_table {
	int output_length;
	int taps;       /* weights per output position */
	int32_t *start; /* first source sample, output_length entries */
	float *weights; /* output_length * taps, each row sums to 1 */
};

/* Edge rule: taps beyond the picture mirror with half-sample symmetry
 * (index -1 reads 0, index N reads N-1), as zimg does. */
int uhd_filter_build(enum uhd_scaler scaler, const struct uhd_axis *axis,
                     struct uhd_filter_table *table);
void uhd_filter_free(struct uhd_filter_table *table);

/* The outputs [first, end) that repeat with a period of 1 or 2 outputs: the
 * repeating interior of an integer-ratio, 1:1 or 2x resampling, away from
 * the mirrored edges. Output first + q * period + p has the weights of output
 * first + p, and its first tap at start + q * step + offsets[p]: `start` is the
 * lowest of the period's first taps, so every offset is >= 0 (co-sited 2x
 * chroma reads one sample on even outputs and from two samples back on odd
 * ones). */
#define UHD_FILTER_MAX_PERIOD 2
struct uhd_filter_run {
	int first, end;
	int period;
	int start, step;
	int offsets[UHD_FILTER_MAX_PERIOD];
};

/* Finds the run around the middle output with 1 <= step <= max_step (source
 * samples per period), the shortest period first; false when it is shorter
 * than min_length outputs (other ratios, tiny planes). */
bool uhd_filter_find_run(const struct uhd_filter_table *table, int max_step, int max_period,
                         int min_length, struct uhd_filter_run *run);

/* Moves the run's first output to `first` (inside the run): phase 0 is then
 * output `first`, and start and offsets follow. */
void uhd_filter_run_anchor(const struct uhd_filter_table *table, struct uhd_filter_run *run,
                           int first);

/* Kernel value and support radius (in source samples at scale 1). */
double uhd_kernel(enum uhd_scaler scaler, double x);
double uhd_kernel_support(enum uhd_scaler scaler);

#endif
