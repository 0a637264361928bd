/* SPDX-License-Identifier: MIT */
/* Pattern rendering on the GPU (see uhdpipe/pattern.h): the primitive list is
 * uploaded and pattern.comp paints the primitives one dispatch each, over
 * their rectangles, in order, into a host-readable buffer, band by band (an
 * 8K 16-bit image is larger than one storage-buffer binding). The image points
 * straight into that buffer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "../vk/vk.h"
#include "pattern.comp.h"
#include "pattern.h"

#define ROW_ALIGN 256 /* >= every device's minStorageBufferOffsetAlignment */
#define MAX_BANDS 64
#define GROUP     64 /* invocations per workgroup, along a row (pattern.comp) */
#define KINDS     (UHD_PRIM_ZONEPLATE + 1)

struct pattern_push {
	uint32_t prim, width, height, first_row, rows, stride_words, first_group, code_bits;
};

struct uhd_pattern_renderer {
	struct uhd_context *ctx;
	struct uhd_pattern_format format;
	int sample_bits; /* 8 or 16 */
	size_t stride;   /* bytes per row */
	int band_rows, band_count;
	struct uhd_vk_compute pipes[KINDS]; /* one per primitive kind */
	struct uhd_vk_buffer prims, pixels;
	VkDescriptorPool pool;
	VkDescriptorSet sets[MAX_BANDS];
	VkDeviceSize band_offsets[MAX_BANDS], band_sizes[MAX_BANDS];
	VkCommandPool command_pool;
	VkCommandBuffer commands;
	VkFence fence;
};

static int plan(struct uhd_pattern_renderer *r)
{
	const struct uhd_pattern_format *f = &r->format;
	r->sample_bits = f->bits == 8 ? 8 : 16;
	/* Each invocation writes 12 bytes: two 16-bit or four 8-bit pixels. */
	size_t per = r->sample_bits == 16 ? 2 : 4;
	size_t groups = ((size_t)f->width + per - 1) / per;
	r->stride = (groups * 12 + ROW_ALIGN - 1) / ROW_ALIGN * ROW_ALIGN;
	uint64_t range = r->ctx->limits.max_storage_buffer_range;
	uint64_t rows = range / r->stride;
	r->band_rows = (int)(rows < (uint64_t)f->height ? rows : (uint64_t)f->height);
	r->band_count = r->band_rows ? (f->height + r->band_rows - 1) / r->band_rows : 0;
	if (r->band_rows == 0 || r->band_count > MAX_BANDS) {
		uhd_error("a %dx%d pattern is too large for the device's storage-buffer range of "
		          "%.1f MB (%s); choose a smaller --size",
		          f->width, f->height, range / 1e6, r->ctx->limits.name);
		return -ERANGE;
	}
	return 0;
}

static int write_sets(struct uhd_pattern_renderer *r)
{
	for (int band = 0; band < r->band_count; band++) {
		VkDescriptorBufferInfo infos[2] = {
		        uhd_vk_whole(&r->prims),
		        {r->pixels.buffer, r->band_offsets[band], r->band_sizes[band]},
		};
		uhd_vk_write_set(r->ctx, r->sets[band], infos, 2);
	}
	return 0;
}

static int create_sets(struct uhd_pattern_renderer *r)
{
	int ret = 0;
	VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2u * r->band_count};
	VkDescriptorPoolCreateInfo pool_info = {
	        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
	        .maxSets = (uint32_t)r->band_count,
	        .poolSizeCount = 1,
	        .pPoolSizes = &size,
	};
	VK_CHECK(vkCreateDescriptorPool(r->ctx->device, &pool_info, NULL, &r->pool));
	uhd_vk_count_object(1);
	for (int band = 0; band < r->band_count; band++) {
		VkDescriptorSetAllocateInfo alloc = {
		        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
		        .descriptorPool = r->pool,
		        .descriptorSetCount = 1,
		        .pSetLayouts = &r->pipes[0].set_layout, /* all kinds share its shape */
		};
		VK_CHECK(vkAllocateDescriptorSets(r->ctx->device, &alloc, &r->sets[band]));
		VkDeviceSize offset = (VkDeviceSize)band * r->band_rows * r->stride;
		int rows = r->format.height - band * r->band_rows;
		rows = rows < r->band_rows ? rows : r->band_rows;
		r->band_offsets[band] = offset;
		r->band_sizes[band] = (VkDeviceSize)rows * r->stride;
	}
	return write_sets(r);
fail:
	return ret;
}

/* A kind's pipeline is built when a pattern first uses it: on a CPU driver
 * each costs a shader compilation, and most patterns use two of the six. */
static int create_pipe(struct uhd_pattern_renderer *r, uint32_t kind)
{
	if (kind >= KINDS) {
		uhd_error("pattern primitive kind %u is unknown to the renderer", kind);
		return -EINVAL;
	}
	if (r->pipes[kind].pipeline) {
		return 0;
	}
	uint32_t spec[2] = {kind, (uint32_t)r->sample_bits};
	struct uhd_vk_spec s = {2, spec};
	return uhd_vk_compute_create(r->ctx, pattern_comp, sizeof(pattern_comp), 2,
	                             sizeof(struct pattern_push), &s, &r->pipes[kind]);
}

int uhd_pattern_renderer_create(struct uhd_context *context,
                                const struct uhd_pattern_format *format,
                                struct uhd_pattern_renderer **out)
{
	*out = NULL;
	char error[256];
	if (uhd_pattern_check_format(format, error, sizeof(error)) < 0) {
		uhd_error("cannot render patterns: %s", error);
		return -EINVAL;
	}
	struct uhd_pattern_renderer *r = calloc(1, sizeof(*r));
	if (!r) {
		return -ENOMEM;
	}
	r->ctx = context;
	r->format = *format;
	int ret = plan(r);
	ret = ret ? ret : create_pipe(r, UHD_PRIM_RECT);
	ret = ret ? ret
	          : uhd_vk_buffer_create(context, sizeof(struct uhd_prim) * UHD_PATTERN_MAX_PRIMS,
	                                 UHD_VK_BUFFER_UPLOAD, "pattern regions", &r->prims);
	ret = ret ? ret
	          : uhd_vk_buffer_create(context, r->stride * (size_t)format->height,
	                                 UHD_VK_BUFFER_READBACK, "pattern image", &r->pixels);
	ret = ret ? ret : create_sets(r);
	ret = ret ? ret
	          : uhd_vk_commands_create(context, VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
	                                   &r->command_pool, &r->commands, &r->fence);
	if (ret < 0) {
		uhd_pattern_renderer_destroy(&r);
		return ret;
	}
	*out = r;
	return 0;
}

void uhd_pattern_renderer_destroy(struct uhd_pattern_renderer **renderer)
{
	struct uhd_pattern_renderer *r = renderer ? *renderer : NULL;
	if (!r) {
		return;
	}
	VkDevice device = r->ctx->device;
	if (r->fence) {
		vkDestroyFence(device, r->fence, NULL);
		uhd_vk_count_object(-1);
	}
	if (r->command_pool) {
		vkDestroyCommandPool(device, r->command_pool, NULL);
		uhd_vk_count_object(-1);
	}
	if (r->pool) {
		vkDestroyDescriptorPool(device, r->pool, NULL);
		uhd_vk_count_object(-1);
	}
	uhd_vk_buffer_destroy(r->ctx, &r->pixels);
	uhd_vk_buffer_destroy(r->ctx, &r->prims);
	for (int kind = 0; kind < KINDS; kind++) {
		uhd_vk_compute_destroy(r->ctx, &r->pipes[kind]);
	}
	free(r);
	*renderer = NULL;
}

/* One dispatch over the part of a primitive's rectangle in a band. */
static void record_prim(struct uhd_pattern_renderer *r, VkCommandBuffer cmd,
                        const struct uhd_prim *prim, uint32_t index, int band)
{
	int first = band * r->band_rows, rows = r->format.height - first;
	rows = rows < r->band_rows ? rows : r->band_rows;
	int y0 = prim->y0 > first ? prim->y0 : first;
	int y1 = prim->y1 < first + rows ? prim->y1 : first + rows;
	if (prim->x1 <= prim->x0 || y1 <= y0) {
		return;
	}
	uint32_t per = r->sample_bits == 16 ? 2 : 4;
	uint32_t g0 = (uint32_t)prim->x0 / per, g1 = ((uint32_t)prim->x1 + per - 1) / per;
	struct pattern_push push = {index,
	                            (uint32_t)r->format.width,
	                            (uint32_t)r->format.height,
	                            (uint32_t)first,
	                            (uint32_t)rows,
	                            (uint32_t)(r->stride / 4),
	                            g0,
	                            (uint32_t)r->format.bits};
	const struct uhd_vk_compute *pipe = &r->pipes[prim->kind];
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipe->pipeline);
	vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipe->layout, 0, 1,
	                        &r->sets[band], 0, NULL);
	vkCmdPushConstants(cmd, pipe->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push), &push);
	vkCmdDispatch(cmd, (g1 - g0 + GROUP - 1) / GROUP, (uint32_t)(y1 - y0), 1);
	/* The next primitive may read and rewrite the words this one wrote. */
	uhd_vk_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
	               VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
	               VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
}

static int record(struct uhd_pattern_renderer *r, const struct uhd_pattern *pattern)
{
	int ret = 0;
	VkCommandBuffer cmd = r->commands;
	VK_CHECK(vkResetCommandBuffer(cmd, 0));
	VkCommandBufferBeginInfo begin = {
	        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
	        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
	};
	VK_CHECK(vkBeginCommandBuffer(cmd, &begin));
	uhd_vk_barrier(cmd, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_WRITE_BIT,
	               VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
	for (int band = 0; band < r->band_count; band++) {
		for (uint32_t i = 0; i < pattern->count; i++) {
			record_prim(r, cmd, &pattern->prims[i], i, band);
		}
	}
	uhd_vk_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
	               VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
	VK_CHECK(vkEndCommandBuffer(cmd));
	return 0;
fail:
	return ret;
}

int uhd_pattern_render(struct uhd_pattern_renderer *r, const struct uhd_pattern *pattern,
                       struct uhd_image *image)
{
	if (!uhd_pattern_same_format(&r->format, &pattern->format)) {
		uhd_error("pattern %s was made for another format than the renderer's; parse it "
		          "again for this output",
		          pattern->name);
		return -EINVAL;
	}
	int ret = 0;
	for (uint32_t i = 0; i < pattern->count && ret == 0; i++) {
		ret = create_pipe(r, pattern->prims[i].kind);
	}
	if (ret < 0) {
		return ret;
	}
	memcpy(r->prims.mapped, pattern->prims, sizeof(struct uhd_prim) * pattern->count);
	ret = uhd_vk_buffer_flush(r->ctx, &r->prims);
	ret = ret ? ret : record(r, pattern);
	ret = ret ? ret : uhd_vk_submit_wait(r->ctx, r->commands, r->fence);
	ret = ret ? ret : uhd_vk_buffer_invalidate(r->ctx, &r->pixels);
	if (ret < 0) {
		return ret;
	}
	const struct uhd_pattern_format *f = &r->format;
	*image = (struct uhd_image){
	        .width = f->width,
	        .height = f->height,
	        .bits = r->sample_bits,
	        .channels = 3,
	        .stride = r->stride,
	        .data = r->pixels.mapped,
	        .significant_bits = f->bits == r->sample_bits ? 0 : f->bits,
	};
	image->colour = (struct uhd_colour){
	        .primaries = uhd_pattern_primaries(f),
	        .transfer = f->transfer,
	        .matrix = UHD_MATRIX_RGB,
	        .range = f->range,
	};
	return 0;
}
