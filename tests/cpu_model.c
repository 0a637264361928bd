/* SPDX-License-Identifier: MIT */
/* The independent CPU model (see cpu_model.h). Clarity over speed, doubles throughout. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_model.h"

static double sinc_pi(double x)
{
	if (x == 0.0) {
		return 1.0;
	}
	return sin(M_PI * x) / (M_PI * x);
}

/* Kernel definitions: triangle; Keys cubic with a = -0.5 (Catmull-Rom); Lanczos, 3 lobes. */
static double kernel_value(enum model_kernel kernel, double x)
{
	double ax = fabs(x);
	switch (kernel) {
	case MODEL_BILINEAR: return ax < 1.0 ? 1.0 - ax : 0.0;
	case MODEL_BICUBIC:
		if (ax < 1.0) {
			return 1.5 * ax * ax * ax - 2.5 * ax * ax + 1.0;
		}
		if (ax < 2.0) {
			return -0.5 * ax * ax * ax + 2.5 * ax * ax - 4.0 * ax + 2.0;
		}
		return 0.0;
	case MODEL_LANCZOS3: return ax < 3.0 ? sinc_pi(x) * sinc_pi(x / 3.0) : 0.0;
	default: return 0.0;
	}
}

static double kernel_radius(enum model_kernel kernel)
{
	return kernel == MODEL_BILINEAR ? 1.0 : kernel == MODEL_BICUBIC ? 2.0 : 3.0;
}

/* Whole-sample symmetric extension: ... 1 0 | 0 1 2 ... n-1 | n-1 n-2 ... */
static int reflect(int k, int n)
{
	while (k < 0 || k >= n) {
		k = k < 0 ? -k - 1 : 2 * n - k - 1;
	}
	return k;
}

struct contribution {
	int count;
	int index[1024];
	double weight[1024];
};

/*
 * Which source samples make output sample i, and how much.
 * centre: position of output i in the source plane's sample index units.
 * step: source samples per output sample.
 */
static void contributions(enum model_kernel kernel, double centre, double step, int n,
                          struct contribution *c)
{
	memset(c, 0, sizeof(*c));
	if (kernel == MODEL_NEAREST) {
		c->count = 1;
		c->index[0] = reflect((int)floor(centre + 0.5), n);
		c->weight[0] = 1.0;
		return;
	}
	double stretch = step > 1.0 ? step : 1.0;
	double radius = kernel_radius(kernel) * stretch;
	double total = 0.0;
	for (int k = (int)ceil(centre - radius); k <= (int)floor(centre + radius); k++) {
		double w = kernel_value(kernel, (k - centre) / stretch);
		if (w == 0.0) {
			continue;
		}
		if (c->count == 1024) {
			abort(); /* a scale factor far beyond what the tests use */
		}
		c->index[c->count] = reflect(k, n);
		c->weight[c->count] = w;
		c->count++;
		total += w;
	}
	for (int t = 0; t < c->count; t++) {
		c->weight[t] /= total;
	}
}

static double read_sample(const struct model_plane *p, int bytes, int x, int y)
{
	const uint8_t *row = p->data + (ptrdiff_t)y * p->stride;
	if (bytes == 2) {
		return (double)(row[2 * x] | (row[2 * x + 1] << 8));
	}
	return (double)row[x];
}

struct grid {
	double *v;
	int w, h;
};

/* The taps of every output sample: output i's are first[i] .. first[i + 1] - 1. */
struct taps {
	int *first, *index;
	double *weight;
};

static struct taps make_taps(enum model_kernel kernel, int out_length, int in_length, double scale,
                             double offset, int sub)
{
	struct taps taps = {malloc(sizeof(int) * ((size_t)out_length + 1)), NULL, NULL};
	struct contribution *c = malloc(sizeof(*c)); /* 12 KiB */
	if (!taps.first || !c) {
		abort();
	}
	size_t used = 0, capacity = 0;
	for (int i = 0; i < out_length; i++) {
		double luma = (i + 0.5) * scale - 0.5;
		contributions(kernel, (luma - offset) / sub, scale / sub, in_length, c);
		if (used + (size_t)c->count > capacity) {
			capacity = 2 * (used + (size_t)c->count);
			taps.index = realloc(taps.index, sizeof(int) * capacity);
			taps.weight = realloc(taps.weight, sizeof(double) * capacity);
			if (!taps.index || !taps.weight) {
				abort();
			}
		}
		taps.first[i] = (int)used;
		memcpy(taps.index + used, c->index, sizeof(int) * (size_t)c->count);
		memcpy(taps.weight + used, c->weight, sizeof(double) * (size_t)c->count);
		used += (size_t)c->count;
	}
	taps.first[out_length] = (int)used;
	free(c);
	return taps;
}

/* Output sample i of a line whose samples are `stride` doubles apart. */
static double tap_sum(const struct taps *taps, int i, const double *line, size_t stride)
{
	double sum = 0.0;
	for (int t = taps->first[i]; t < taps->first[i + 1]; t++) {
		sum += taps->weight[t] * line[(size_t)taps->index[t] * stride];
	}
	return sum;
}

/*
 * One resampling along x (vertical = 0) or y (vertical = 1). Output sample i
 * sits at luma index (i + 0.5) * luma_length / out_length - 0.5; the source
 * grid's sample k sits at luma index offset + k * sub. Both loops run in
 * memory order (row by row); each sum is the same either way.
 */
static struct grid resample(struct grid in, int vertical, int out_length, int luma_length,
                            double offset, int sub, enum model_kernel kernel)
{
	struct grid out = {NULL, vertical ? in.w : out_length, vertical ? out_length : in.h};
	out.v = malloc(sizeof(double) * out.w * out.h);
	int in_length = vertical ? in.h : in.w;
	struct taps taps = make_taps(kernel, out_length, in_length,
	                             (double)luma_length / out_length, offset, sub);
	if (vertical) {
		for (int i = 0; i < out_length; i++) {
			for (int x = 0; x < in.w; x++) {
				out.v[(size_t)i * out.w + x] =
				        tap_sum(&taps, i, in.v + x, (size_t)in.w);
			}
		}
	} else {
		for (int y = 0; y < in.h; y++) {
			for (int i = 0; i < out_length; i++) {
				out.v[(size_t)y * out.w + i] =
				        tap_sum(&taps, i, in.v + (size_t)y * in.w, 1);
			}
		}
	}
	free(taps.first);
	free(taps.index);
	free(taps.weight);
	free(in.v);
	return out;
}

static double *resample_plane(const struct model_input *in, int plane, int out_w, int out_h,
                              enum model_kernel kernel)
{
	const struct model_plane *p = &in->planes[plane];
	int bytes = in->bit_depth > 8 ? 2 : 1;
	struct grid g = {malloc(sizeof(double) * p->width * p->height), p->width, p->height};
	for (int y = 0; y < p->height; y++) {
		for (int x = 0; x < p->width; x++) {
			g.v[(size_t)y * p->width + x] = read_sample(p, bytes, x, y);
		}
	}
	int sx = plane ? 1 << in->chroma_shift_x : 1;
	int sy = plane ? 1 << in->chroma_shift_y : 1;
	g = resample(g, 0, out_w, in->width, plane ? in->chroma_offset_x : 0.0, sx, kernel);
	g = resample(g, 1, out_h, in->height, plane ? in->chroma_offset_y : 0.0, sy, kernel);
	return g.v;
}

/* R'G'B' from the three planes on one grid (count samples), unclamped. */
static double *to_rgb(const struct model_input *in, double *planes[3], size_t count)
{
	/* BT.601/709/2020 and BT.2100: narrow range Y' = (D - 16*2^(n-8)) / (219*2^(n-8)),
	 * C = (D - 128*2^(n-8)) / (224*2^(n-8)); full range divides by 2^n - 1. */
	double m = ldexp(1.0, in->bit_depth - 8);
	double y_off = in->full_range ? 0.0 : 16.0 * m;
	double y_div = in->full_range ? ldexp(1.0, in->bit_depth) - 1.0 : 219.0 * m;
	double c_div = in->full_range ? ldexp(1.0, in->bit_depth) - 1.0 : 224.0 * m;
	double c_off = 128.0 * m;
	double kg = 1.0 - in->kr - in->kb;
	double *rgb = malloc(sizeof(double) * 3 * count);
	for (size_t i = 0; i < count; i++) {
		double y = (planes[0][i] - y_off) / y_div;
		double cb = (planes[1][i] - c_off) / c_div;
		double cr = (planes[2][i] - c_off) / c_div;
		/* Invert E'Y = Kr R + Kg G + Kb B, E'Cb = (B - Y)/(2(1-Kb)), E'Cr = (R -
		 * Y)/(2(1-Kr)). */
		double r = y + 2.0 * (1.0 - in->kr) * cr;
		double b = y + 2.0 * (1.0 - in->kb) * cb;
		rgb[3 * i] = r;
		rgb[3 * i + 1] = (y - in->kr * r - in->kb * b) / kg;
		rgb[3 * i + 2] = b;
	}
	return rgb;
}

/* Scales clamped R'G'B' (interleaved, w x h) up to out_w x out_h, channel by channel. */
static double *upscale_rgb(double *rgb, int w, int h, int out_w, int out_h,
                           enum model_kernel kernel)
{
	double *out = malloc(sizeof(double) * 3 * out_w * out_h);
	for (int c = 0; c < 3; c++) {
		struct grid g = {malloc(sizeof(double) * w * h), w, h};
		for (size_t i = 0; i < (size_t)w * h; i++) {
			g.v[i] = fmin(fmax(rgb[3 * i + c], 0.0), 1.0);
		}
		g = resample(g, 0, out_w, w, 0.0, 1, kernel);
		g = resample(g, 1, out_h, h, 0.0, 1, kernel);
		for (size_t i = 0; i < (size_t)out_w * out_h; i++) {
			out[3 * i + c] = g.v[i];
		}
		free(g.v);
	}
	free(rgb);
	return out;
}

/*
 * Y'CbCr is resampled (chroma straight from its own grid) onto the grid
 * min(source, output) of each axis and converted to R'G'B'; axes that grow are
 * then scaled up in R'G'B' clamped to [0, 1] (upsample to 4:4:4, then scale).
 */
double *model_convert(const struct model_input *in, int out_w, int out_h, enum model_kernel kernel)
{
	int mid_w = out_w < in->width ? out_w : in->width;
	int mid_h = out_h < in->height ? out_h : in->height;
	double *planes[3];
	for (int i = 0; i < 3; i++) {
		planes[i] = resample_plane(in, i, mid_w, mid_h, kernel);
	}
	double *rgb = to_rgb(in, planes, (size_t)mid_w * mid_h);
	for (int i = 0; i < 3; i++) {
		free(planes[i]);
	}
	if (mid_w != out_w || mid_h != out_h) {
		rgb = upscale_rgb(rgb, mid_w, mid_h, out_w, out_h, kernel);
	}
	return rgb;
}
