/* SPDX-License-Identifier: MIT */
/*
 * Metrics on decoded planes (`check --domain yuv`): two pictures' Y, Cb and Cr
 * planes compared as the decoder gave them, with no conversion pass. The sums
 * of squared differences are exact (64-bit integers on the GPU), so PSNR is
 * what ffmpeg's psnr filter computes on the same planes, up to the last digit
 * of a double.
 */
#ifndef UHD_INTERNAL_PLANE_COMPARE_H
#define UHD_INTERNAL_PLANE_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uhdpipe/context.h"

/* One picture's planes where the decoder left them. */
struct uhd_planes {
	int count;               /* 1 (luma only) or 3 */
	int width[3], height[3]; /* samples */
	int bits;                /* significant bits a sample: 8..16 */
	int bytes;               /* 1, or 2 (little-endian words) */
	const uint8_t *data[3];
	ptrdiff_t stride[3]; /* bytes between rows (positive) */
	/* Samples of a plane are every `step` samples (2 for interleaved Cb/Cr), and sit
	 * `shift` bits up in their word (6 for P010). */
	int step[3];
	int shift;
	/* The block of memory (a decoder buffer) each plane lies in, or NULL: planes
	 * in page-aligned blocks are read by the GPU where they are (zero copy). */
	const uint8_t *block[3];
	size_t block_size[3];
};

struct uhd_plane_metrics {
	int count;
	uint64_t sse[3];     /* sums of squared differences, code values squared */
	uint64_t samples[3]; /* per plane */
	double mse[3];
	double psnr[3]; /* dB, 10 log10(peak^2 / mse); INFINITY when equal */
	/* ffmpeg's psnr filter: the MSE of all samples of all planes (the planes' MSE
	 * weighted by their sample counts), in dB. */
	double psnr_avg;
	/* (6 Y + Cb + Cr) / 8 of the planes' PSNR, as codec comparisons report it
	 * (INFINITY when a plane is equal); the luma PSNR for one plane. */
	double psnr_avg_611;
	/* SSIM of the luma plane's codes (peak as the dynamic range, 11x11 Gaussian
	 * window, sigma 1.5, the windows inside the plane), when asked; else NAN.
	 * MS-SSIM of the same over five scales, when asked; else NAN. */
	double ssim, msssim;
	double peak;    /* 2^bits - 1 */
	double gpu_ms;  /* upload, passes and read-back */
	bool zero_copy; /* both pictures were read where the decoder left them */
};

struct uhd_plane_comparer;

/* For pictures shaped like `like` (its data unused), computing PSNR and the
 * luma metrics asked for (UHD_METRIC_SSIM, UHD_METRIC_MSSSIM bits of `luma`).
 * -EINVAL for a bad shape (or a luma plane under 11x11 for SSIM, 161x161 for
 * MS-SSIM), -ERANGE when a plane is over the device's texel-buffer limit,
 * -ENOMEM. */
int uhd_plane_comparer_create(struct uhd_context *ctx, const struct uhd_planes *like, unsigned luma,
                              struct uhd_plane_comparer **out);
void uhd_plane_comparer_destroy(struct uhd_plane_comparer **comparer);
/* Whether comparer (may be NULL) takes pictures shaped like `like` and computes
 * the same luma metrics: a caller keeps it for the next run. */
bool uhd_plane_comparer_fits(const struct uhd_plane_comparer *comparer,
                             const struct uhd_planes *like, unsigned luma);

/* Compares test with ref (both of the comparer's shape; -EINVAL otherwise). */
int uhd_plane_comparer_run(struct uhd_plane_comparer *comparer, const struct uhd_planes *ref,
                           const struct uhd_planes *test, struct uhd_plane_metrics *out);

/* XXH3-64 of the planes' samples in order, row by row, as 1- or 2-byte little-endian
 * values without shift or interleaving: equal for equal decoded pictures. 0 or
 * -ENOMEM. */
int uhd_planes_checksum(const struct uhd_planes *planes, uint64_t *out);

#endif
