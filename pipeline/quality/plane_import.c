/* SPDX-License-Identifier: MIT */
/* Decoded planes read by the GPU in place (plane_import.h). */
#include "plane_import.h"

#include <string.h>

#define TEXEL_BYTES 16u

static bool plane_fits_block(const struct uhd_context *ctx, const struct uhd_planes *s, int p)
{
	VkDeviceSize align = ctx->host_import_align;
	VkDeviceSize view_align = ctx->vk_limits.minTexelBufferOffsetAlignment;
	view_align = view_align < TEXEL_BYTES ? TEXEL_BYTES : view_align;
	const uint8_t *block = s->block[p];
	if (!block || s->data[p] < block || (s->step[p] != 0 && s->step[p] != 1) ||
	    s->stride[p] <= 0 || s->stride[p] % TEXEL_BYTES != 0 || (uintptr_t)block % align != 0 ||
	    s->block_size[p] % align != 0) {
		return false;
	}
	size_t offset = (size_t)(s->data[p] - block);
	size_t end = offset + (size_t)s->stride[p] * (size_t)(s->height[p] - 1) +
	             (size_t)s->width[p] * (size_t)s->bytes;
	return offset % view_align == 0 && end <= s->block_size[p];
}

bool plane_importable(const struct uhd_context *ctx, const struct uhd_planes *planes)
{
	if (!ctx->host_import || planes->shift != 0) {
		return false;
	}
	for (int p = 0; p < planes->count; p++) {
		if (!plane_fits_block(ctx, planes, p)) {
			return false;
		}
	}
	return true;
}

/* The first plane that lies in the same block as plane p (p itself if none). */
static int owner_of(const struct uhd_planes *s, int p)
{
	for (int q = 0; q < p; q++) {
		if (s->block[q] == s->block[p]) {
			return q;
		}
	}
	return p;
}

int plane_import(struct uhd_context *ctx, const struct uhd_planes *planes, bool luma,
                 struct plane_import *out)
{
	memset(out, 0, sizeof(*out));
	int ret = 0;
	for (int p = 0; ret == 0 && p < planes->count; p++) {
		int owner = owner_of(planes, p);
		if (owner == p) {
			ret = uhd_vk_buffer_import(ctx, (void *)planes->block[p],
			                           planes->block_size[p], &out->buffers[p]);
		}
		/* The views end with the plane's last texel, not the block. */
		VkDeviceSize offset = (VkDeviceSize)(planes->data[p] - planes->block[p]);
		VkDeviceSize row_bytes =
		        (VkDeviceSize)planes->width[p] * (VkDeviceSize)planes->bytes;
		VkDeviceSize rows =
		        (VkDeviceSize)planes->stride[p] * (VkDeviceSize)(planes->height[p] - 1);
		VkDeviceSize range =
		        rows + (row_bytes + TEXEL_BYTES - 1) / TEXEL_BYTES * TEXEL_BYTES;
		ret = ret ? ret
		          : uhd_vk_view_create_range(ctx, &out->buffers[owner], offset, range,
		                                     VK_FORMAT_R32G32B32A32_UINT, TEXEL_BYTES,
		                                     &out->views[p]);
		out->stride_texels[p] = (uint32_t)(planes->stride[p] / TEXEL_BYTES);
		if (ret == 0 && luma && p == 0) {
			VkFormat format =
			        planes->bytes == 2 ? VK_FORMAT_R16_UINT : VK_FORMAT_R8_UINT;
			range = rows + row_bytes;
			ret = uhd_vk_view_create_range(ctx, &out->buffers[0], offset, range, format,
			                               (uint32_t)planes->bytes, &out->luma);
			out->luma_stride = (uint32_t)(planes->stride[0] / planes->bytes);
		}
	}
	if (ret < 0) {
		plane_import_release(ctx, out);
	}
	return ret;
}

void plane_import_release(struct uhd_context *ctx, struct plane_import *import)
{
	for (int p = 0; p < 3; p++) {
		uhd_vk_view_destroy(ctx, &import->views[p]);
	}
	uhd_vk_view_destroy(ctx, &import->luma);
	for (int p = 0; p < 3; p++) {
		uhd_vk_buffer_destroy(ctx, &import->buffers[p]);
	}
	memset(import, 0, sizeof(*import));
}
