/* SPDX-License-Identifier: MIT */
/* SSIM and MS-SSIM of decoded luma planes on the GPU (plane_ssim.h). */
#include "plane_ssim.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#define MSSSIM_MIN 161 /* 16 * (11 - 1) + 1: scale 4 still holds a window */

/* Every pass takes the same set layout: the two inputs as texel buffers, then
 * metrics_common.glsl's storage buffers up to the next scale's planes (6, 7). */
#define BINDINGS 8
static const VkDescriptorType binding_types[BINDINGS] = {
        VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
        VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,       VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
        VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,       VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
        VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,       VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
};

static uint32_t div_up(uint32_t a, uint32_t b)
{
	return (a + b - 1) / b;
}

/* Sizes of the scales and where each one's (ssim, cs) records start. */
static void plan_scales(struct plane_ssim *ps, const struct uhd_planes *shape)
{
	uint32_t group_columns = uhd_ssim_group_columns(ps->ctx);
	int w = shape->width[0], h = shape->height[0];
	ps->records = 0;
	for (int s = 0; s < ps->scales; s++) {
		ps->width[s] = w;
		ps->height[s] = h;
		ps->tiles_x[s] = div_up((uint32_t)w - 10, group_columns);
		ps->tiles_y[s] = div_up((uint32_t)h - 10, UHD_SSIM_STRIP);
		ps->base[s] = ps->records;
		ps->records += ps->tiles_x[s] * ps->tiles_y[s] * UHD_SSIM_GROUP_SIZE;
		w = (w + 1) / 2;
		h = (h + 1) / 2;
	}
}

static int create_buffers(struct plane_ssim *ps)
{
	int ret = 0;
	for (int s = 1; ret == 0 && s < ps->scales; s++) {
		VkDeviceSize size = (VkDeviceSize)ps->width[s] * (VkDeviceSize)ps->height[s] * 4;
		for (int side = 0; ret == 0 && side < 2; side++) {
			ret = uhd_vk_buffer_create(ps->ctx, size, UHD_VK_BUFFER_DEVICE,
			                           "MS-SSIM luma scale", &ps->down[s][side]);
			ret = ret ? ret
			          : uhd_vk_view_create_range(ps->ctx, &ps->down[s][side], 0, size,
			                                     VK_FORMAT_R32_UINT, 4,
			                                     &ps->down_views[s][side]);
		}
	}
	return ret ? ret
	           : uhd_vk_buffer_create(ps->ctx, (VkDeviceSize)ps->records * 2 * sizeof(float),
	                                  UHD_VK_BUFFER_READBACK, "luma SSIM sums", &ps->sums);
}

static int create_pipelines(struct plane_ssim *ps, int bytes)
{
	uint32_t codes[UHD_SSIM_SPEC_COUNT], floats[UHD_SSIM_SPEC_COUNT];
	uhd_ssim_spec(ps->ctx, (uint32_t)bytes, false, true, codes);
	uhd_ssim_spec(ps->ctx, 4, true, false, floats);
	struct uhd_vk_spec codes_spec = {UHD_SSIM_SPEC_COUNT, codes};
	struct uhd_vk_spec floats_spec = {UHD_SSIM_SPEC_COUNT, floats};
	int ret = uhd_ssim_pipeline_create(ps->ctx, &codes_spec, binding_types, BINDINGS,
	                                   &ps->ssim_codes);
	if (ret < 0 || ps->scales == 1) {
		return ret;
	}
	uint32_t down_codes[3] = {(uint32_t)bytes, 0, 1}, down_floats[3] = {4, 1, 0};
	struct uhd_vk_spec down_codes_spec = {3, down_codes}, down_floats_spec = {3, down_floats};
	ret = uhd_ssim_pipeline_create(ps->ctx, &floats_spec, binding_types, BINDINGS,
	                               &ps->ssim_floats);
	ret = ret ? ret
	          : uhd_downsample_pipeline_create(ps->ctx, &down_codes_spec, binding_types,
	                                           BINDINGS, &ps->down_codes);
	return ret ? ret
	           : uhd_downsample_pipeline_create(ps->ctx, &down_floats_spec, binding_types,
	                                            BINDINGS, &ps->down_floats);
}

/* Scale s's set: its planes in (scale 0: ref and test, given), the next scale's
 * planes out (the sums stand in for bindings the passes do not use). */
static void write_set(struct plane_ssim *ps, int s, VkBufferView ref, VkBufferView test)
{
	VkDescriptorBufferInfo sums = uhd_vk_whole(&ps->sums);
	struct uhd_vk_binding b[BINDINGS] = {
	        {.view = s ? ps->down_views[s][0] : ref},
	        {.view = s ? ps->down_views[s][1] : test},
	        {.buffer = sums},
	        {.buffer = sums},
	        {.buffer = sums},
	        {.buffer = sums},
	        {.buffer = s + 1 < ps->scales ? uhd_vk_whole(&ps->down[s + 1][0]) : sums},
	        {.buffer = s + 1 < ps->scales ? uhd_vk_whole(&ps->down[s + 1][1]) : sums},
	};
	uhd_vk_write_bindings(ps->ctx, &ps->ssim_codes, ps->sets[s], b);
}

static int create_sets(struct plane_ssim *ps)
{
	VkDescriptorPoolSize sizes[2] = {
	        {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 2 * UHD_MSSSIM_SCALES},
	        {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 6 * UHD_MSSSIM_SCALES},
	};
	VkDescriptorPoolCreateInfo pool_info = {
	        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
	        .maxSets = UHD_MSSSIM_SCALES,
	        .poolSizeCount = 2,
	        .pPoolSizes = sizes,
	};
	int ret = 0;
	VK_CHECK(vkCreateDescriptorPool(ps->ctx->device, &pool_info, NULL, &ps->pool));
	uhd_vk_count_object(1);
	VkDescriptorSetLayout layouts[UHD_MSSSIM_SCALES];
	for (int s = 0; s < ps->scales; s++) {
		layouts[s] = ps->ssim_codes.set_layout; /* all passes' layouts are alike */
	}
	VkDescriptorSetAllocateInfo alloc = {
	        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
	        .descriptorPool = ps->pool,
	        .descriptorSetCount = (uint32_t)ps->scales,
	        .pSetLayouts = layouts,
	};
	VK_CHECK(vkAllocateDescriptorSets(ps->ctx->device, &alloc, ps->sets));
	for (int s = 1; s < ps->scales; s++) { /* scale 0 when the pictures are bound */
		write_set(ps, s, VK_NULL_HANDLE, VK_NULL_HANDLE);
	}
	return 0;
fail:
	return ret;
}

int plane_ssim_create(struct plane_ssim *ps, struct uhd_context *ctx,
                      const struct uhd_planes *shape, int scales)
{
	memset(ps, 0, sizeof(*ps));
	int least = scales > 1 ? MSSSIM_MIN : 11;
	if ((scales != 1 && scales != UHD_MSSSIM_SCALES) || shape->width[0] < least ||
	    shape->height[0] < least) {
		return -EINVAL;
	}
	ps->ctx = ctx;
	ps->scales = scales;
	ps->code_scale = (float)(1.0 / ((1u << shape->bits) - 1u));
	plan_scales(ps, shape);
	ps->luma_stride = (uint32_t)ps->width[0];
	int ret = create_buffers(ps);
	ret = ret ? ret : create_pipelines(ps, shape->bytes);
	ret = ret ? ret : create_sets(ps);
	if (ret < 0) {
		plane_ssim_destroy(ps);
	}
	return ret;
}

void plane_ssim_bind_luma(struct plane_ssim *ps, VkBufferView ref, VkBufferView test,
                          uint32_t stride)
{
	write_set(ps, 0, ref, test);
	ps->luma_stride = stride;
}

static void dispatch(const struct uhd_vk_compute *pass, VkCommandBuffer cmd, VkDescriptorSet set,
                     const struct uhd_metrics_push *push, uint32_t gx, uint32_t gy)
{
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pass->pipeline);
	vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pass->layout, 0, 1, &set, 0,
	                        NULL);
	vkCmdPushConstants(cmd, pass->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(*push), push);
	vkCmdDispatch(cmd, gx, gy, 1);
}

void plane_ssim_record(const struct plane_ssim *ps, VkCommandBuffer cmd)
{
	const VkPipelineStageFlags compute = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
	for (int s = 0; s < ps->scales; s++) {
		struct uhd_metrics_push p = {
		        .width = (uint32_t)ps->width[s],
		        .height = (uint32_t)ps->height[s],
		        .rows = (uint32_t)ps->height[s] - 10,
		        .stride = s ? (uint32_t)ps->width[s] : ps->luma_stride,
		        .groups_x = ps->tiles_x[s],
		        .partial_base = ps->base[s],
		        .code_scale = ps->code_scale,
		};
		dispatch(s ? &ps->ssim_floats : &ps->ssim_codes, cmd, ps->sets[s], &p,
		         ps->tiles_x[s], ps->tiles_y[s]);
		if (s + 1 < ps->scales) {
			p.rows = (uint32_t)ps->height[s + 1];
			dispatch(s ? &ps->down_floats : &ps->down_codes, cmd, ps->sets[s], &p,
			         div_up((uint32_t)ps->width[s + 1], 16), div_up(p.rows, 16));
			uhd_vk_barrier(cmd, compute, VK_ACCESS_SHADER_WRITE_BIT, compute,
			               VK_ACCESS_SHADER_READ_BIT);
		}
	}
}

/* The mean of one term (0: SSIM, 1: contrast-structure) over scale s's windows. */
static double scale_mean(const struct plane_ssim *ps, const float *records, int s, int term)
{
	double sum = 0;
	uint32_t count = ps->tiles_x[s] * ps->tiles_y[s] * UHD_SSIM_GROUP_SIZE;
	for (uint32_t i = ps->base[s]; i < ps->base[s] + count; i++) {
		sum += records[2 * i + (uint32_t)term];
	}
	return sum / ((double)(ps->width[s] - 10) * (double)(ps->height[s] - 10));
}

int plane_ssim_read(struct plane_ssim *ps, double *ssim, double *msssim)
{
	int ret = uhd_vk_buffer_invalidate(ps->ctx, &ps->sums);
	if (ret < 0) {
		return ret;
	}
	const float *records = ps->sums.mapped;
	*ssim = scale_mean(ps, records, 0, 0);
	*msssim = NAN;
	if (ps->scales == UHD_MSSSIM_SCALES) {
		/* cs at scales 0..3, SSIM at the last, negative terms taken as 0 (as in
		 * the R'G'B' domain, comparer_run.c). */
		double product = 1;
		for (int s = 0; s < UHD_MSSSIM_SCALES; s++) {
			double term = scale_mean(ps, records, s, s + 1 < UHD_MSSSIM_SCALES ? 1 : 0);
			product *= pow(term > 0 ? term : 0, uhd_msssim_weights[s]);
		}
		*msssim = product;
	}
	return 0;
}

void plane_ssim_destroy(struct plane_ssim *ps)
{
	if (!ps->ctx) {
		return;
	}
	if (ps->pool) {
		vkDestroyDescriptorPool(ps->ctx->device, ps->pool, NULL);
		uhd_vk_count_object(-1);
	}
	uhd_vk_compute_destroy(ps->ctx, &ps->ssim_codes);
	uhd_vk_compute_destroy(ps->ctx, &ps->ssim_floats);
	uhd_vk_compute_destroy(ps->ctx, &ps->down_codes);
	uhd_vk_compute_destroy(ps->ctx, &ps->down_floats);
	for (int side = 0; side < 2; side++) {
		for (int s = 0; s < UHD_MSSSIM_SCALES; s++) {
			uhd_vk_view_destroy(ps->ctx, &ps->down_views[s][side]);
			uhd_vk_buffer_destroy(ps->ctx, &ps->down[s][side]);
		}
	}
	uhd_vk_buffer_destroy(ps->ctx, &ps->sums);
	memset(ps, 0, sizeof(*ps));
}
