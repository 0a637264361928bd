/* SPDX-License-Identifier: MIT */
/* Importing a decoded frame's planes for the GPU (see frame_import.h). */
#include <errno.h>
#include <string.h>

#include "../common/log.h"
#include "frame_import.h"

struct plane_place {
	AVBufferRef *buffer;
	size_t offset, stride; /* bytes */
	int owner;             /* the first plane that lies in the same buffer */
};

/* Where plane i lies in its buffer, if the GPU can take that buffer as it is. */
static bool place_plane(const struct uhd_context *ctx, const struct uhd_convert_stage *first,
                        AVFrame *av, int i, struct plane_place *place)
{
	size_t texel = (size_t)first->in_sample_bytes * (size_t)first->in_channels[i];
	AVBufferRef *buffer = av_frame_get_plane_buffer(av, i);
	VkDeviceSize align = ctx->host_import_align;
	if (!buffer || av->linesize[i] <= 0 || (size_t)av->linesize[i] % texel != 0 ||
	    (uintptr_t)buffer->data % align != 0 || buffer->size % align != 0 ||
	    av->data[i] < buffer->data) {
		return false;
	}
	place->buffer = buffer;
	place->stride = (size_t)av->linesize[i];
	place->offset = (size_t)(av->data[i] - buffer->data);
	size_t rows_end = place->offset + place->stride * (size_t)(first->in_height[i] - 1) +
	                  (size_t)first->in_width[i] * texel;
	return place->offset % ctx->vk_limits.minTexelBufferOffsetAlignment == 0 &&
	       rows_end <= buffer->size;
}

static bool place_planes(const struct uhd_context *ctx, const struct uhd_convert_stage *first,
                         int planes, AVFrame *av, struct plane_place places[3])
{
	for (int i = 0; i < planes; i++) {
		if (!place_plane(ctx, first, av, i, &places[i])) {
			return false;
		}
		places[i].owner = i;
		for (int j = i - 1; j >= 0; j--) {
			places[i].owner = places[j].buffer->buffer == places[i].buffer->buffer
			                          ? places[j].owner
			                          : places[i].owner;
		}
	}
	return true;
}

static int import_planes(struct uhd_context *ctx, const struct uhd_convert_stage *first, int planes,
                         const struct plane_place places[3], struct uhd_frame_import *out)
{
	int ret = 0;
	for (int i = 0; ret == 0 && i < planes; i++) {
		const struct plane_place *place = &places[i];
		if (place->owner == i) {
			ret = uhd_vk_buffer_import(ctx, place->buffer->data, place->buffer->size,
			                           &out->buffers[i]);
		}
		size_t texel = (size_t)first->in_sample_bytes * (size_t)first->in_channels[i];
		const struct uhd_vk_buffer *buffer = &out->buffers[place->owner];
		VkDeviceSize range = buffer->size - place->offset;
		ret = ret ? ret
		          : uhd_vk_view_create_range(ctx, buffer, place->offset, range,
		                                     uhd_stage_input_format(first, i),
		                                     (uint32_t)texel, &out->views[i]);
		out->strides[i] = place->stride / texel;
		out->texels[i] = (uint32_t)(range / texel);
	}
	return ret;
}

int uhd_frame_import(struct uhd_context *ctx, const struct uhd_convert_stage *first, int planes,
                     const struct uhd_frame *frame, struct uhd_frame_import *out)
{
	memset(out, 0, sizeof(*out));
	struct plane_place places[3];
	if (!ctx->host_import || !frame->av ||
	    !place_planes(ctx, first, planes, frame->av, places)) {
		return 0;
	}
	int ret = import_planes(ctx, first, planes, places, out);
	out->held = ret == 0 ? av_frame_clone(frame->av) : NULL;
	if (ret == 0 && !out->held) {
		ret = -ENOMEM;
	}
	if (ret < 0) {
		uhd_frame_import_release(ctx, out);
		/* The copy still works: a driver that refuses one buffer is not an error. */
		uhd_debug("importing a frame's planes failed (%s); copying them instead",
		          strerror(-ret));
		return ret == -ENOMEM ? ret : 0;
	}
	if (planes == 2) { /* interleaved Cb/Cr: plane 2 reads plane 1's texels */
		out->views[2] = out->views[1];
		out->strides[2] = out->strides[1];
		out->texels[2] = out->texels[1];
	}
	return 1;
}

void uhd_frame_import_release(struct uhd_context *ctx, struct uhd_frame_import *import)
{
	if (import->views[2] == import->views[1]) {
		import->views[2] = VK_NULL_HANDLE;
	}
	for (int i = 0; i < 3; i++) {
		uhd_vk_view_destroy(ctx, &import->views[i]);
		uhd_vk_buffer_destroy(ctx, &import->buffers[i]);
	}
	av_frame_free(&import->held);
	memset(import, 0, sizeof(*import));
}
