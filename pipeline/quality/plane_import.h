/* SPDX-License-Identifier: MIT */
/*
 * A decoded picture's planes given to the GPU where the decoder left them
 * (VK_EXT_external_memory_host), for the plane comparer: the page-aligned
 * blocks that hold them imported as buffers, viewed from each plane's first
 * row, rows at the decoder's stride. Pictures that do not qualify are copied
 * by the caller, as on a device without the extension.
 */
#ifndef UHD_INTERNAL_PLANE_IMPORT_H
#define UHD_INTERNAL_PLANE_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "../vk/vk.h"
#include "plane_compare.h"

struct plane_import {
	struct uhd_vk_buffer buffers[3]; /* one per distinct block */
	VkBufferView views[3];           /* each plane as 16-byte texels (R32G32B32A32_UINT) */
	VkBufferView luma;               /* the luma plane sample by sample (R8/R16_UINT) */
	uint32_t stride_texels[3];       /* 16-byte texels from one row to the next */
	uint32_t luma_stride;            /* samples from one luma row to the next */
};

/* Whether the GPU can read these planes in place: planar samples (no
 * interleaving, no shift) in blocks aligned as the device imports them, rows
 * on 16-byte strides, each plane starting on a texel-buffer offset. */
bool plane_importable(const struct uhd_context *ctx, const struct uhd_planes *planes);
/* 0 with the planes imported (luma: also the sample view), or a negative error
 * (the caller copies instead). */
int plane_import(struct uhd_context *ctx, const struct uhd_planes *planes, bool luma,
                 struct plane_import *out);
/* After the GPU is done: the views and buffers go (the planes stay the caller's). */
void plane_import_release(struct uhd_context *ctx, struct plane_import *import);

#endif
