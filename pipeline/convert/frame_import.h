/* SPDX-License-Identifier: MIT */
/*
 * A decoded frame's planes given to the GPU where they lie
 * (VK_EXT_external_memory_host): each plane's buffer is imported as a Vulkan
 * buffer and viewed as texels with the decoder's own row stride, and the frame
 * is held until the GPU is done with it. Only buffers that start on and span
 * whole import-aligned blocks qualify (the decoder's, see
 * source/frame_pages.h); anything else is copied, as before.
 */
#ifndef UHD_INTERNAL_FRAME_IMPORT_H
#define UHD_INTERNAL_FRAME_IMPORT_H

#include "../source/frame.h"
#include "../vk/vk.h"
#include "stage.h"

struct uhd_frame_import {
	AVFrame *held; /* a reference to the frame while the GPU reads it */
	struct uhd_vk_buffer buffers[3];
	VkBufferView views[3];
	size_t strides[3];  /* rows, in texels */
	uint32_t texels[3]; /* in each view */
};

/* 1 imported (bind out->views), 0 not importable here (copy the planes), or a
 * negative error. The first stage gives the planes' sizes and texel formats. */
int uhd_frame_import(struct uhd_context *ctx, const struct uhd_convert_stage *first, int planes,
                     const struct uhd_frame *frame, struct uhd_frame_import *out);
/* After the GPU is done: views, buffers and the frame reference go. */
void uhd_frame_import_release(struct uhd_context *ctx, struct uhd_frame_import *import);

#endif
