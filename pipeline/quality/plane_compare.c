/* SPDX-License-Identifier: MIT */
/* Exact sums of squared differences of decoded planes on the GPU (plane_compare.h). */
#include "plane_compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "../common/clock.h"
#include "../vk/vk.h"
#include "comparer.h"
#include "plane_import.h"
#include "plane_sse.comp.h"
#include "plane_ssim.h"

#define TEXEL_BYTES  16u   /* R32G32B32A32_UINT */
#define GROUP_TEXELS 1024u /* texels per workgroup: 64 invocations x 16 */

/* plane_sse.comp's push constants: a plane as rows of texels. */
struct plane_push {
	uint32_t row_texels, ref_stride, test_stride, tail_bytes, partial_base;
};

struct uhd_plane_comparer {
	struct uhd_context *ctx;
	struct uhd_planes shape;
	VkDeviceSize offsets[3]; /* of each plane in the upload buffers */
	/* Made for the first pair that is copied: ref, test, all planes, rows tightly
	 * packed; plane views and luma sample views. */
	struct uhd_vk_buffer upload[2];
	VkDeviceSize upload_size;
	VkBufferView views[2][3], luma_views[2];
	struct uhd_vk_buffer sums;
	uint32_t texels[3], groups[3], partial_base[3], partials;
	/* This run: both pictures read in place (imported) or copied, each plane's
	 * rows and workgroups per row. */
	struct plane_import imported[2];
	bool zero_copy;
	struct plane_push push[3];
	uint32_t groups_x[3], rows[3];
	struct uhd_vk_compute pass;
	VkDescriptorPool pool;
	VkDescriptorSet sets[3];
	/* Luma SSIM (1 scale) and MS-SSIM (UHD_MSSSIM_SCALES), or 0 for neither. */
	int ssim_scales;
	struct plane_ssim luma;
	VkCommandPool command_pool;
	VkCommandBuffer commands;
	VkFence fence;
};

/* plane_sse.comp's bindings: the two pictures' planes, the sums. */
static const VkDescriptorType bindings[3] = {
        VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
        VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
        VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
};

static bool same_shape(const struct uhd_planes *a, const struct uhd_planes *b)
{
	if (a->count != b->count || a->bits != b->bits || a->bytes != b->bytes) {
		return false;
	}
	for (int p = 0; p < a->count; p++) {
		if (a->width[p] != b->width[p] || a->height[p] != b->height[p]) {
			return false;
		}
	}
	return true;
}

/* Luma SSIM scales the metrics need: MS-SSIM's five (SSIM is their first), one, none. */
static int luma_scales(unsigned luma)
{
	return (luma & UHD_METRIC_MSSSIM) ? UHD_MSSSIM_SCALES : (luma & UHD_METRIC_SSIM) ? 1 : 0;
}

bool uhd_plane_comparer_fits(const struct uhd_plane_comparer *comparer,
                             const struct uhd_planes *like, unsigned luma)
{
	return comparer && comparer->ssim_scales == luma_scales(luma) &&
	       same_shape(&comparer->shape, like);
}

static bool valid_shape(const struct uhd_planes *s)
{
	if ((s->count != 1 && s->count != 3) || s->bits < 8 || s->bits > 16 ||
	    s->bytes != (s->bits > 8 ? 2 : 1) || s->shift < 0 ||
	    s->bits + s->shift > 8 * s->bytes) {
		return false;
	}
	for (int p = 0; p < s->count; p++) {
		if (s->width[p] < 1 || s->height[p] < 1 || s->width[p] > 65536 ||
		    s->height[p] > 65535 ||
		    (s->step[p] != 0 && s->step[p] != 1 && s->step[p] != 2)) {
			return false;
		}
	}
	return true;
}

/* Row y of plane p as plain samples (no interleaving, no shift) into out. */
static void plain_row(const struct uhd_planes *s, int p, int y, uint8_t *out)
{
	const uint8_t *row = s->data[p] + (ptrdiff_t)y * s->stride[p];
	int step = s->step[p] > 1 ? s->step[p] : 1;
	if (step == 1 && s->shift == 0) {
		memcpy(out, row, (size_t)s->width[p] * (size_t)s->bytes);
		return;
	}
	if (s->bytes == 1) {
		for (int x = 0; x < s->width[p]; x++) {
			out[x] = (uint8_t)(row[x * step] >> s->shift);
		}
		return;
	}
	for (int x = 0; x < s->width[p]; x++) {
		const uint8_t *at = row + 2 * x * step;
		uint16_t v = (uint16_t)((at[0] | at[1] << 8) >> s->shift);
		out[2 * x] = (uint8_t)(v & 0xff);
		out[2 * x + 1] = (uint8_t)(v >> 8);
	}
}

int uhd_planes_checksum(const struct uhd_planes *planes, uint64_t *out)
{
	XXH3_state_t state;
	XXH3_INITSTATE(&state);
	XXH3_64bits_reset(&state);
	uint8_t *scratch = malloc((size_t)planes->width[0] * (size_t)planes->bytes);
	if (!scratch) {
		return -ENOMEM;
	}
	for (int p = 0; p < planes->count; p++) {
		size_t row_bytes = (size_t)planes->width[p] * (size_t)planes->bytes;
		for (int y = 0; y < planes->height[p]; y++) {
			plain_row(planes, p, y, scratch);
			XXH3_64bits_update(&state, scratch, row_bytes);
		}
	}
	free(scratch);
	*out = XXH3_64bits_digest(&state);
	return 0;
}

/* Plane offsets in the upload buffers (each plane zero-padded to whole texels,
 * the same in both pictures so the padding adds nothing) and the sums. */
static int create_buffers(struct uhd_plane_comparer *c)
{
	const struct uhd_planes *s = &c->shape;
	VkDeviceSize align = c->ctx->vk_limits.minTexelBufferOffsetAlignment;
	align = align < TEXEL_BYTES ? TEXEL_BYTES : align;
	VkDeviceSize size = 0;
	c->partials = 0;
	for (int p = 0; p < s->count; p++) {
		VkDeviceSize bytes = (VkDeviceSize)s->width[p] * s->height[p] * s->bytes;
		c->offsets[p] = size;
		c->texels[p] = (uint32_t)((bytes + TEXEL_BYTES - 1) / TEXEL_BYTES);
		c->groups[p] = (c->texels[p] + GROUP_TEXELS - 1) / GROUP_TEXELS;
		/* A view of the plane's texels, and of the luma's samples for SSIM. */
		uint64_t elements = p == 0 && c->ssim_scales ? (uint64_t)s->width[0] * s->height[0]
		                                             : c->texels[p];
		if (c->groups[p] > c->ctx->vk_limits.maxComputeWorkGroupCount[0] ||
		    elements > c->ctx->vk_limits.maxTexelBufferElements) {
			return -ERANGE;
		}
		/* Records for the copied plane (one long row) or the imported one (each
		 * row on its own workgroups), whichever needs more. */
		uint32_t row_texels =
		        ((uint32_t)(s->width[p] * s->bytes) + TEXEL_BYTES - 1) / TEXEL_BYTES;
		uint32_t per_row = (row_texels + GROUP_TEXELS - 1) / GROUP_TEXELS;
		uint32_t rows_records = per_row * (uint32_t)s->height[p];
		c->partial_base[p] = c->partials;
		c->partials += c->groups[p] > rows_records ? c->groups[p] : rows_records;
		size += (VkDeviceSize)c->texels[p] * TEXEL_BYTES;
		size = (size + align - 1) / align * align;
	}
	c->upload_size = size;
	int ret = uhd_vk_buffer_create(c->ctx, (VkDeviceSize)c->partials * 8,
	                               UHD_VK_BUFFER_READBACK, "plane sums", &c->sums);
	return ret;
}

static int create_sets(struct uhd_plane_comparer *c)
{
	uint32_t values[1] = {(uint32_t)c->shape.bytes};
	struct uhd_vk_spec spec = {1, values};
	int ret = uhd_vk_compute_create_typed(c->ctx, plane_sse_comp, sizeof(plane_sse_comp),
	                                      bindings, 3, sizeof(struct plane_push), &spec,
	                                      &c->pass);
	if (ret < 0) {
		return ret;
	}
	VkDescriptorPoolSize sizes[2] = {
	        {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 8},
	        {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 5},
	};
	VkDescriptorPoolCreateInfo pool_info = {
	        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
	        .maxSets = 4,
	        .poolSizeCount = 2,
	        .pPoolSizes = sizes,
	};
	VK_CHECK(vkCreateDescriptorPool(c->ctx->device, &pool_info, NULL, &c->pool));
	uhd_vk_count_object(1);
	VkDescriptorSetLayout layouts[3] = {c->pass.set_layout, c->pass.set_layout,
	                                    c->pass.set_layout};
	VkDescriptorSetAllocateInfo alloc = {
	        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
	        .descriptorPool = c->pool,
	        .descriptorSetCount = (uint32_t)c->shape.count,
	        .pSetLayouts = layouts,
	};
	VK_CHECK(vkAllocateDescriptorSets(c->ctx->device, &alloc, c->sets)); /* written per run */
	return c->ssim_scales ? plane_ssim_create(&c->luma, c->ctx, &c->shape, c->ssim_scales) : 0;
fail:
	return ret;
}

/* Host writes -> one pass per plane -> host reads, for this run's pictures. */
static int record(struct uhd_plane_comparer *c)
{
	int ret = 0;
	VkCommandBuffer cmd = c->commands;
	VK_CHECK(vkResetCommandPool(c->ctx->device, c->command_pool, 0));
	VkCommandBufferBeginInfo begin = {
	        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
	        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
	};
	VK_CHECK(vkBeginCommandBuffer(cmd, &begin));
	const VkPipelineStageFlags compute = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
	uhd_vk_barrier(cmd, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_WRITE_BIT, compute,
	               VK_ACCESS_SHADER_READ_BIT);
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, c->pass.pipeline);
	for (int p = 0; p < c->shape.count; p++) {
		vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, c->pass.layout, 0, 1,
		                        &c->sets[p], 0, NULL);
		vkCmdPushConstants(cmd, c->pass.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
		                   sizeof(c->push[p]), &c->push[p]);
		vkCmdDispatch(cmd, c->groups_x[p], c->rows[p], 1);
	}
	if (c->ssim_scales) {
		plane_ssim_record(&c->luma, cmd);
	}
	uhd_vk_barrier(cmd, compute, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
	               VK_ACCESS_HOST_READ_BIT);
	VK_CHECK(vkEndCommandBuffer(cmd));
	return 0;
fail:
	return ret;
}

int uhd_plane_comparer_create(struct uhd_context *ctx, const struct uhd_planes *like, unsigned luma,
                              struct uhd_plane_comparer **out)
{
	*out = NULL;
	int ssim_scales = luma_scales(luma);
	int least = ssim_scales > 1 ? 161 : ssim_scales ? 11 : 1;
	if (!valid_shape(like) || like->width[0] < least || like->height[0] < least) {
		return -EINVAL;
	}
	struct uhd_plane_comparer *c = calloc(1, sizeof(*c));
	if (!c) {
		return -ENOMEM;
	}
	c->ctx = ctx;
	c->shape = *like;
	c->ssim_scales = ssim_scales;
	int ret = create_buffers(c);
	ret = ret ? ret : create_sets(c);
	ret = ret ? ret : uhd_vk_commands_create(ctx, 0, &c->command_pool, &c->commands, &c->fence);
	if (ret < 0) {
		uhd_plane_comparer_destroy(&c);
		return ret;
	}
	*out = c;
	return 0;
}

void uhd_plane_comparer_destroy(struct uhd_plane_comparer **comparer)
{
	struct uhd_plane_comparer *c = *comparer;
	if (!c) {
		return;
	}
	VkDevice device = c->ctx->device;
	if (c->fence) {
		vkDestroyFence(device, c->fence, NULL);
		uhd_vk_count_object(-1);
	}
	if (c->command_pool) {
		vkDestroyCommandPool(device, c->command_pool, NULL);
		uhd_vk_count_object(-1);
	}
	if (c->pool) {
		vkDestroyDescriptorPool(device, c->pool, NULL);
		uhd_vk_count_object(-1);
	}
	uhd_vk_compute_destroy(c->ctx, &c->pass);
	plane_ssim_destroy(&c->luma);
	plane_import_release(c->ctx, &c->imported[0]);
	plane_import_release(c->ctx, &c->imported[1]);
	for (int side = 0; side < 2; side++) {
		for (int p = 0; p < 3; p++) {
			uhd_vk_view_destroy(c->ctx, &c->views[side][p]);
		}
		uhd_vk_view_destroy(c->ctx, &c->luma_views[side]);
		uhd_vk_buffer_destroy(c->ctx, &c->upload[side]);
	}
	uhd_vk_buffer_destroy(c->ctx, &c->sums);
	free(c);
	*comparer = NULL;
}

/* The upload buffers and their views, for the first pair that must be copied. */
static int ensure_upload(struct uhd_plane_comparer *c)
{
	const struct uhd_planes *s = &c->shape;
	VkFormat luma = s->bytes == 2 ? VK_FORMAT_R16_UINT : VK_FORMAT_R8_UINT;
	VkDeviceSize luma_range = (VkDeviceSize)s->width[0] * (VkDeviceSize)s->height[0] * s->bytes;
	int ret = 0;
	for (int side = 0; ret == 0 && side < 2; side++) {
		if (c->upload[side].buffer) {
			continue; /* made for an earlier pair */
		}
		ret = uhd_vk_buffer_create(c->ctx, c->upload_size, UHD_VK_BUFFER_UPLOAD,
		                           "decoded planes", &c->upload[side]);
		if (ret == 0) {
			memset(c->upload[side].mapped, 0,
			       c->upload_size); /* the padding stays zero */
		}
		for (int p = 0; ret == 0 && p < s->count; p++) {
			ret = uhd_vk_view_create_range(c->ctx, &c->upload[side], c->offsets[p],
			                               (VkDeviceSize)c->texels[p] * TEXEL_BYTES,
			                               VK_FORMAT_R32G32B32A32_UINT, TEXEL_BYTES,
			                               &c->views[side][p]);
		}
		ret = ret || !c->ssim_scales
		              ? ret
		              : uhd_vk_view_create_range(c->ctx, &c->upload[side], c->offsets[0],
		                                         luma_range, luma, (uint32_t)s->bytes,
		                                         &c->luma_views[side]);
	}
	return ret;
}

static int upload(struct uhd_plane_comparer *c, int side, const struct uhd_planes *planes)
{
	uint8_t *base = c->upload[side].mapped;
	for (int p = 0; p < planes->count; p++) {
		size_t row_bytes = (size_t)planes->width[p] * (size_t)planes->bytes;
		for (int y = 0; y < planes->height[p]; y++) {
			plain_row(planes, p, y, base + c->offsets[p] + (size_t)y * row_bytes);
		}
	}
	return uhd_vk_buffer_flush(c->ctx, &c->upload[side]);
}

/* Plane p's set and push: the imported pictures row by row, or the copied ones
 * as one long row of texels. */
static void bind_plane(struct uhd_plane_comparer *c, int p, const struct uhd_planes *ref)
{
	const struct plane_import *in = c->imported;
	struct uhd_vk_binding b[3] = {
	        {.view = c->zero_copy ? in[0].views[p] : c->views[0][p]},
	        {.view = c->zero_copy ? in[1].views[p] : c->views[1][p]},
	        {.buffer = uhd_vk_whole(&c->sums)},
	};
	uhd_vk_write_bindings(c->ctx, &c->pass, c->sets[p], b);
	uint32_t row_bytes = (uint32_t)(ref->width[p] * ref->bytes);
	uint32_t row_texels = (row_bytes + TEXEL_BYTES - 1) / TEXEL_BYTES;
	if (c->zero_copy) {
		c->push[p] = (struct plane_push){
		        row_texels, in[0].stride_texels[p], in[1].stride_texels[p],
		        row_bytes - TEXEL_BYTES * (row_texels - 1), c->partial_base[p]};
		c->groups_x[p] = (row_texels + GROUP_TEXELS - 1) / GROUP_TEXELS;
		c->rows[p] = (uint32_t)ref->height[p];
	} else {
		c->push[p] =
		        (struct plane_push){c->texels[p], 0, 0, TEXEL_BYTES, c->partial_base[p]};
		c->groups_x[p] = c->groups[p];
		c->rows[p] = 1;
	}
}

static double psnr_of(double mse, double peak)
{
	return mse > 0 ? 10.0 * log10(peak * peak / mse) : INFINITY;
}

/* Adds up the workgroups' sums into the metrics. */
static void finish(const struct uhd_plane_comparer *c, struct uhd_plane_metrics *m)
{
	const uint32_t *words = c->sums.mapped;
	const struct uhd_planes *s = &c->shape;
	m->count = s->count;
	m->peak = (double)((1u << s->bits) - 1u);
	uint64_t total_sse = 0, total_samples = 0;
	for (int p = 0; p < s->count; p++) {
		uint64_t sse = 0;
		uint32_t end = c->partial_base[p] + c->groups_x[p] * c->rows[p];
		for (uint32_t i = c->partial_base[p]; i < end; i++) {
			sse += (uint64_t)words[2 * i] | (uint64_t)words[2 * i + 1] << 32;
		}
		m->sse[p] = sse;
		m->samples[p] = (uint64_t)s->width[p] * (uint64_t)s->height[p];
		m->mse[p] = (double)sse / (double)m->samples[p];
		m->psnr[p] = psnr_of(m->mse[p], m->peak);
		total_sse += sse;
		total_samples += m->samples[p];
	}
	m->psnr_avg = psnr_of((double)total_sse / (double)total_samples, m->peak);
	m->psnr_avg_611 =
	        s->count == 3 ? (6 * m->psnr[0] + m->psnr[1] + m->psnr[2]) / 8 : m->psnr[0];
}

/* Reads both pictures in place when both can be imported (and, for SSIM, their
 * luma rows are as far apart), so that no copy is made; else copies them into
 * the upload buffers. Either way the sets, pushes and commands follow. */
static int take_pictures(struct uhd_plane_comparer *c, const struct uhd_planes *ref,
                         const struct uhd_planes *test)
{
	const struct uhd_planes *sides[2] = {ref, test};
	c->zero_copy = plane_importable(c->ctx, ref) && plane_importable(c->ctx, test) &&
	               (!c->ssim_scales || ref->stride[0] == test->stride[0]);
	/* A refused import (pinning memory can hit a limit) is no error: the copy
	 * works wherever the import does not. */
	for (int side = 0; c->zero_copy && side < 2; side++) {
		c->zero_copy = plane_import(c->ctx, sides[side], c->ssim_scales > 0,
		                            &c->imported[side]) == 0;
	}
	if (!c->zero_copy) {
		plane_import_release(c->ctx, &c->imported[0]);
		int ret = ensure_upload(c);
		ret = ret ? ret : upload(c, 0, ref);
		ret = ret ? ret : upload(c, 1, test);
		if (ret < 0) {
			return ret;
		}
	}
	for (int p = 0; p < c->shape.count; p++) {
		bind_plane(c, p, ref);
	}
	if (c->ssim_scales) {
		const struct plane_import *in = c->imported;
		plane_ssim_bind_luma(&c->luma, c->zero_copy ? in[0].luma : c->luma_views[0],
		                     c->zero_copy ? in[1].luma : c->luma_views[1],
		                     c->zero_copy ? in[0].luma_stride
		                                  : (uint32_t)c->shape.width[0]);
	}
	return record(c);
}

int uhd_plane_comparer_run(struct uhd_plane_comparer *c, const struct uhd_planes *ref,
                           const struct uhd_planes *test, struct uhd_plane_metrics *out)
{
	memset(out, 0, sizeof(*out));
	if (!same_shape(ref, &c->shape) || !same_shape(test, &c->shape)) {
		return -EINVAL;
	}
	double t0 = uhd_now_ms();
	int ret = take_pictures(c, ref, test);
	ret = ret ? ret : uhd_vk_submit_wait(c->ctx, c->commands, c->fence);
	ret = ret ? ret : uhd_vk_buffer_invalidate(c->ctx, &c->sums);
	for (int side = 0; side < 2; side++) {
		plane_import_release(c->ctx, &c->imported[side]); /* the GPU is done with them */
	}
	if (ret < 0) {
		return ret;
	}
	finish(c, out);
	out->zero_copy = c->zero_copy;
	out->ssim = out->msssim = NAN;
	if (c->ssim_scales && (ret = plane_ssim_read(&c->luma, &out->ssim, &out->msssim)) < 0) {
		return ret;
	}
	out->gpu_ms = uhd_now_ms() - t0;
	return 0;
}
