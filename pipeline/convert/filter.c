/* SPDX-License-Identifier: MIT */
/*
 * Separable resampling kernels and their per-position weight tables.
 *
 * Geometry: output sample i has its centre at (i + 0.5) * L / D in luma units
 * (L source length, D output length), the sample-centre convention. A plane
 * sample j has its centre at phase + j * subsampling. When downscaling, the
 * kernel is stretched by the scale factor so that it low-pass filters
 * (anti-aliasing); nearest never widens (it picks one sample).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "filter.h"

#define PI 3.14159265358979323846

/* Exactly zero at the non-zero integers, where sin(PI * x) in floating point
 * is not: a resampling at a whole-sample offset (1:1, co-sited chroma) then
 * has exact zero weights, which uhd_filter_build drops. */
static double sinc(double x)
{
	if (x == 0.0) {
		return 1.0;
	}
	return x == floor(x) ? 0.0 : sin(PI * x) / (PI * x);
}

/* Mitchell-Netravali family; B=0, C=0.5 is Catmull-Rom. */
static double cubic(double x, double b, double c)
{
	x = fabs(x);
	if (x < 1.0) {
		return ((12 - 9 * b - 6 * c) * x * x * x + (-18 + 12 * b + 6 * c) * x * x +
		        (6 - 2 * b)) /
		       6.0;
	}
	if (x < 2.0) {
		return ((-b - 6 * c) * x * x * x + (6 * b + 30 * c) * x * x +
		        (-12 * b - 48 * c) * x + (8 * b + 24 * c)) /
		       6.0;
	}
	return 0.0;
}

double uhd_kernel(enum uhd_scaler scaler, double x)
{
	switch (scaler) {
	case UHD_SCALER_NEAREST: return 1.0;
	case UHD_SCALER_BILINEAR: return fmax(0.0, 1.0 - fabs(x));
	case UHD_SCALER_BICUBIC: return cubic(x, 0.0, 0.5);
	case UHD_SCALER_LANCZOS3:
	default: return fabs(x) < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0;
	}
}

double uhd_kernel_support(enum uhd_scaler scaler)
{
	switch (scaler) {
	case UHD_SCALER_NEAREST: return 0.5;
	case UHD_SCALER_BILINEAR: return 1.0;
	case UHD_SCALER_BICUBIC: return 2.0;
	default: return 3.0;
	}
}

static int mirror_index(int index, int length)
{
	for (;;) {
		if (index < 0) {
			index = -1 - index;
		} else if (index >= length) {
			index = 2 * length - 1 - index;
		} else {
			return index;
		}
	}
}

/* Source-sample coordinate (plane sample j sits at integer j) of output i. */
static double source_position(const struct uhd_axis *axis, int i)
{
	double luma = (i + 0.5) * axis->luma_length / axis->output_length;
	return (luma - axis->phase) / axis->subsampling;
}

/* Adds the weights of output i into row (indexed from `start`). */
static void accumulate_row(enum uhd_scaler scaler, const struct uhd_axis *axis, int i, double widen,
                           double *row, int taps, int *start_out)
{
	double pos = source_position(axis, i);
	int n = axis->plane_length;
	memset(row, 0, sizeof(*row) * taps);
	if (scaler == UHD_SCALER_NEAREST) {
		int j = mirror_index((int)floor(pos + 0.5), n); /* ties go up, as zimg */
		*start_out = j < n - taps ? j : n - taps;
		row[j - *start_out] = 1.0;
		return;
	}
	double support = uhd_kernel_support(scaler) * widen;
	int first = (int)floor(pos - support) + 1;
	int last = (int)ceil(pos + support) - 1;
	int lowest = n;
	for (int j = first; j <= last; j++) {
		int m = mirror_index(j, n);
		lowest = m < lowest ? m : lowest;
	}
	int start = lowest < n - taps ? lowest : n - taps;
	double sum = 0.0;
	for (int j = first; j <= last; j++) {
		double w = uhd_kernel(scaler, (j - pos) / widen);
		row[mirror_index(j, n) - start] += w;
		sum += w;
	}
	for (int t = 0; t < taps; t++) {
		row[t] /= sum;
	}
	*start_out = start;
}

/* Drops the taps that are zero for every output: each row's non-zero
 * weights move to the front (its start moves with them) and the table keeps
 * the widest row's span. A 1:1 lanczos3 pass then reads one sample instead
 * of seven. The sums in the shaders lose only terms that are exactly zero,
 * so no computed value changes. */
static void compact_table(struct uhd_filter_table *table, int plane_length)
{
	int taps = table->taps, span = 1;
	for (int i = 0; i < table->output_length; i++) {
		const float *row = table->weights + (size_t)i * taps;
		int first = 0, last = taps - 1;
		while (first < last && row[first] == 0.0f) {
			first++;
		}
		while (last > first && row[last] == 0.0f) {
			last--;
		}
		span = last - first + 1 > span ? last - first + 1 : span;
	}
	if (span == taps) {
		return;
	}
	for (int i = 0; i < table->output_length; i++) {
		const float *row = table->weights + (size_t)i * taps;
		int first = 0;
		while (first < taps - 1 && row[first] == 0.0f) {
			first++;
		}
		/* Near the far edge the span may have to start before the first
		 * non-zero weight, to stay inside the plane. */
		int start = table->start[i] + first;
		start = start + span <= plane_length ? start : plane_length - span;
		/* In place, forwards: out[t] never lies after row[from]
		 * (span < taps and from >= t). */
		float *out = table->weights + (size_t)i * span;
		for (int t = 0; t < span; t++) {
			int from = start - table->start[i] + t;
			out[t] = from < taps ? row[from] : 0.0f;
		}
		table->start[i] = start;
	}
	table->taps = span;
}

int uhd_filter_build(enum uhd_scaler scaler, const struct uhd_axis *axis,
                     struct uhd_filter_table *table)
{
	memset(table, 0, sizeof(*table));
	if (axis->plane_length <= 0 || axis->output_length <= 0) {
		return -EINVAL;
	}
	double step = (double)axis->luma_length / axis->output_length / axis->subsampling;
	double widen = scaler == UHD_SCALER_NEAREST ? 1.0 : fmax(1.0, step);
	int taps = scaler == UHD_SCALER_NEAREST
	                   ? 1
	                   : (int)ceil(2.0 * uhd_kernel_support(scaler) * widen) + 1;
	taps = taps < axis->plane_length ? taps : axis->plane_length;
	table->output_length = axis->output_length;
	table->taps = taps;
	table->start = calloc(axis->output_length, sizeof(*table->start));
	table->weights = calloc((size_t)axis->output_length * taps, sizeof(*table->weights));
	double *row = calloc(taps, sizeof(*row));
	if (!table->start || !table->weights || !row) {
		free(row);
		uhd_filter_free(table);
		return -ENOMEM;
	}
	for (int i = 0; i < axis->output_length; i++) {
		int start = 0;
		accumulate_row(scaler, axis, i, widen, row, taps, &start);
		table->start[i] = start;
		for (int t = 0; t < taps; t++) {
			table->weights[(size_t)i * taps + t] = (float)row[t];
		}
	}
	free(row);
	compact_table(table, axis->plane_length);
	return 0;
}

static bool same_weights(const struct uhd_filter_table *table, int a, int b)
{
	size_t bytes = (size_t)table->taps * sizeof(*table->weights);
	return memcmp(table->weights + (size_t)a * table->taps,
	              table->weights + (size_t)b * table->taps, bytes) == 0;
}

/* Whether output y repeats output x, `advance` source samples further on. */
static bool repeats(const struct uhd_filter_table *table, int x, int y, int advance)
{
	return table->start[y] - table->start[x] == advance && same_weights(table, x, y);
}

/* The run of `period` around the middle output, or false. */
static bool find_periodic(const struct uhd_filter_table *table, int period, int max_step,
                          int min_length, struct uhd_filter_run *run)
{
	int n = table->output_length;
	int mid = n / 2;
	if (mid + period >= n) {
		return false;
	}
	int step = table->start[mid + period] - table->start[mid];
	if (step < 1 || step > max_step) {
		return false;
	}
	int first = mid, end = mid + period;
	while (first > 0 && repeats(table, first - 1, first - 1 + period, step)) {
		first--;
	}
	while (end < n && repeats(table, end - period, end, step)) {
		end++;
	}
	if (end - first < min_length || end - first < 2 * period) {
		return false;
	}
	*run = (struct uhd_filter_run){.first = first, .end = end, .period = period, .step = step};
	uhd_filter_run_anchor(table, run, first);
	return true;
}

bool uhd_filter_find_run(const struct uhd_filter_table *table, int max_step, int max_period,
                         int min_length, struct uhd_filter_run *run)
{
	for (int period = 1; period <= max_period && period <= UHD_FILTER_MAX_PERIOD; period++) {
		if (find_periodic(table, period, max_step, min_length, run)) {
			return true;
		}
	}
	return false;
}

void uhd_filter_run_anchor(const struct uhd_filter_table *table, struct uhd_filter_run *run,
                           int first)
{
	run->first = first;
	run->start = table->start[first];
	for (int p = 1; p < run->period; p++) {
		int start = table->start[first + p];
		run->start = start < run->start ? start : run->start;
	}
	for (int p = 0; p < run->period; p++) {
		run->offsets[p] = table->start[first + p] - run->start;
	}
}

void uhd_filter_free(struct uhd_filter_table *table)
{
	free(table->start);
	free(table->weights);
	memset(table, 0, sizeof(*table));
}
