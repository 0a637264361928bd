/* SPDX-License-Identifier: MIT */
/*
 * uhdpipe: quality metrics between a reference image and a test image,
 * computed by Vulkan compute shaders with GPU-side reductions.
 *
 * Both images are full-range R'G'B' code values of the same size, bit depth
 * (8 or 16 bits per channel) and colour description, laid out as uhd_image
 * (16-bit samples big-endian, as PNG stores them). Definitions:
 *
 * - PSNR per channel: 10 log10(peak^2 / MSE), peak = 2^bits - 1; the overall
 *   PSNR uses the mean of the three channel MSEs (as ffmpeg's psnr filter
 *   does for planes of equal size). Sums of squared errors are exact 64-bit
 *   integers, so the value holds at any frame size.
 * - SSIM (Wang et al. 2004) on luma Y' = Kr R' + Kg G' + Kb B' with the
 *   luminance coefficients of the primaries (the Y row of their RGB -> XYZ
 *   matrix: 0.2627/0.6780/0.0593 for BT.2020, 0.2126/0.7152/0.0722 for
 *   BT.709; unknown primaries count as BT.709), normalised to 0..1:
 *   11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03, population
 *   covariances, mean over the pixels whose window lies inside the image.
 * - MS-SSIM (Wang, Simoncelli, Bovik 2003): 5 scales, exponents 0.0448,
 *   0.2856, 0.3001, 0.2363, 0.1333; between scales a 2x2 mean with the last
 *   row/column repeated for odd sizes (size ceil(n/2)); negative contrast-
 *   structure terms count as 0. Needs at least 161x161 pixels.
 * - deltaE ITP (ITU-R BT.2124): code values to display light (PQ: ST 2084;
 *   HLG: BT.2100 with a 1000 cd/m2 display, gamma 1.2; anything else:
 *   BT.1886 with a 100 cd/m2 white and zero black), primaries to BT.2020,
 *   LMS, PQ, ICtCp; 720 sqrt(dI^2 + (0.5 dCt)^2 + dCp^2). The 99th percentile
 *   is the nearest-rank value of the per-pixel values rounded to half floats
 *   (relative resolution 2^-11).
 * - Max difference: the largest absolute code-value difference over all
 *   channels; differing pixels: pixels with any channel different.
 */
#ifndef UHDPIPE_QUALITY_H
#define UHDPIPE_QUALITY_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "context.h"
#include "convert.h"

#ifdef __cplusplus
extern "C" {
#endif

enum uhd_metric {
	UHD_METRIC_PSNR = 1u << 0,
	UHD_METRIC_SSIM = 1u << 1,
	UHD_METRIC_MSSSIM = 1u << 2,
	UHD_METRIC_DELTAITP = 1u << 3,
	UHD_METRIC_DIFF = 1u << 4, /* max difference and count of differing pixels */
	UHD_METRIC_ALL = 0x1f,
};

struct uhd_compare_params {
	int width, height; /* image size (required) */
	int bits;          /* 8 or 16 (required) */
	unsigned metrics;  /* enum uhd_metric bits (default UHD_METRIC_ALL) */
	/* Keep what uhd_comparer_write_diff_images() needs: a heat-map buffer and
	 * host-readable per-tile errors (default false). */
	bool diff_images;
};

#define UHD_COMPARE_DEFAULTS ((struct uhd_compare_params){.bits = 16, .metrics = UHD_METRIC_ALL})

struct uhd_metrics {
	unsigned computed;        /* enum uhd_metric bits holding values */
	double mse[3];            /* R, G, B, in code values squared */
	double psnr[3], psnr_avg; /* dB; INFINITY when identical */
	double ssim, msssim;      /* 1 for identical images */
	double ditp_mean, ditp_p99, ditp_max;
	int ditp_max_x, ditp_max_y; /* where the largest deltaE ITP is */
	uint32_t max_diff;          /* code values */
	int max_diff_x, max_diff_y; /* first pixel (row-major) with that difference */
	uint64_t diff_pixels;
	double gpu_ms;
};

struct uhd_comparer;

/* Creates the pipelines and buffers for one image geometry. Errors: -EINVAL
 * (bad size or bits, or SSIM/MS-SSIM asked of an image too small for their
 * windows), -ERANGE over the device's limits, -ENOMEM. */
UHD_API int uhd_comparer_create(struct uhd_context *context,
                                const struct uhd_compare_params *params, struct uhd_comparer **out);
UHD_API void uhd_comparer_destroy(struct uhd_comparer **comparer);

/* Compares test against ref; blocks until the metrics are ready. Errors:
 * -EINVAL when an image's size, bits or colour description differs from the
 * other's or from the comparer's. */
UHD_API int uhd_comparer_run(struct uhd_comparer *comparer, const struct uhd_image *ref,
                             const struct uhd_image *test, struct uhd_metrics *metrics);

/* What uhd_comparer_write_diff_images() wrote. */
struct uhd_diff_images {
	char heat_path[4096];                            /* DIR/frame-NNNNNN-heat.png */
	char worst_path[4096];                           /* DIR/frame-NNNNNN-worst.png */
	int worst_x, worst_y, worst_width, worst_height; /* the region shown */
	const char *heat_metric;                         /* "deltaitp" or "diff" */
	double heat_scale;                               /* the value at the top of the legend */
};

/* For the images of the last uhd_comparer_run() (pass the same ref and
 * test): a heat map of per-pixel deltaE ITP (when computed, else of the
 * largest code-value difference) with a legend, as a palette PNG, and the
 * 256x256 region with the most error side by side (reference | test | heat
 * map), in the images' bit depth and colour. The comparer must have been
 * created with diff_images. Errors: -EINVAL (no diff_images), -errno writing. */
UHD_API int uhd_comparer_write_diff_images(struct uhd_comparer *comparer,
                                           const struct uhd_image *ref,
                                           const struct uhd_image *test,
                                           const struct uhd_metrics *metrics, const char *dir,
                                           int64_t frame_index, struct uhd_diff_images *out);

/* Parses a comma-separated list of "psnr", "ssim", "msssim", "deltaitp",
 * "diff", or "all". Returns 0 or -EINVAL (bad_name points at the bad item). */
UHD_API int uhd_metrics_from_names(const char *list, unsigned *metrics, const char **bad_name);

#ifdef __cplusplus
}
#endif

#endif
