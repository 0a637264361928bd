/* SPDX-License-Identifier: MIT */
/*
 * SSIM and MS-SSIM of two decoded luma planes (check's YUV domain), on their
 * codes scaled by 1 / peak: ssim.comp on the planes themselves at scale 0 and,
 * for MS-SSIM, on four more scales of float planes that downsample.comp makes,
 * each from the one before, as the R'G'B' domain does with its luma.
 */
#ifndef UHD_INTERNAL_PLANE_SSIM_H
#define UHD_INTERNAL_PLANE_SSIM_H

#include "../vk/vk.h"
#include "comparer.h"
#include "plane_compare.h"

struct plane_ssim {
	struct uhd_context *ctx;
	int scales; /* 1 (SSIM) or UHD_MSSSIM_SCALES (MS-SSIM, and SSIM with it) */
	int width[UHD_MSSSIM_SCALES], height[UHD_MSSSIM_SCALES];
	uint32_t tiles_x[UHD_MSSSIM_SCALES], tiles_y[UHD_MSSSIM_SCALES];
	uint32_t base[UHD_MSSSIM_SCALES], records; /* (ssim, cs) records */
	float code_scale;
	uint32_t luma_stride; /* samples between the bound luma planes' rows */
	/* Scales 1..4: float luma planes, ref and test. */
	struct uhd_vk_buffer down[UHD_MSSSIM_SCALES][2];
	VkBufferView down_views[UHD_MSSSIM_SCALES][2];
	struct uhd_vk_buffer sums; /* one (ssim, cs) record per ssim.comp invocation */
	struct uhd_vk_compute ssim_codes, ssim_floats, down_codes, down_floats;
	VkDescriptorPool pool;
	VkDescriptorSet sets[UHD_MSSSIM_SCALES];
};

/* For luma planes shaped like `shape`'s plane 0. scales: 1 or UHD_MSSSIM_SCALES.
 * -EINVAL when the plane is under 11x11 (161x161 for MS-SSIM). */
int plane_ssim_create(struct plane_ssim *ps, struct uhd_context *ctx,
                      const struct uhd_planes *shape, int scales);
/* The luma planes to read, as sample views with rows `stride` samples apart;
 * before each recording. */
void plane_ssim_bind_luma(struct plane_ssim *ps, VkBufferView ref, VkBufferView test,
                          uint32_t stride);
/* Records every scale's passes (after the upload's barrier, before the read-back's). */
void plane_ssim_record(const struct plane_ssim *ps, VkCommandBuffer cmd);
/* After the commands ran: SSIM, and MS-SSIM (NAN with one scale). */
int plane_ssim_read(struct plane_ssim *ps, double *ssim, double *msssim);
void plane_ssim_destroy(struct plane_ssim *ps);

#endif
