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

/* The outputs [first, end) whose weights are all equal (bitwise) and whose
 * first tap advances by `step` samples per output, starting at `start`: the
 * repeating interior of an integer-ratio or 1:1 resampling, away from the
 * mirrored edges. */
struct uhd_filter_run {
	int first, end;
	int start, step;
};

/* Finds the run around the middle output with 1 <= step <= max_step; false
 * when it is shorter than min_length outputs (other ratios, tiny planes). */
bool uhd_filter_find_run(const struct uhd_filter_table *table, int max_step, int min_length,
                         struct uhd_filter_run *run);

/* Kernel value and support radius (in source samples at scale 1). */
double uhd_kernel(enum uhd_scaler scaler, double x);
double uhd_kernel_support(enum uhd_scaler scaler);

#endif
