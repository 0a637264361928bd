/* A resampling stage (see stage.h): tables, buffers, descriptor sets and commands. */
#include <errno.h>
#include <string.h>

#include "../common/log.h"
#include "stage.h"

#define GROUP_WIDTH 64

static int check_range(struct uhd_context *ctx, VkDeviceSize bytes, const char *what)
{
	if (bytes > ctx->limits.max_storage_buffer_range) {
		uhd_error("the %s needs %.1f MB, over the device's storage-buffer range of "
		          "%.1f MB (%s); choose a smaller --size",
		          what, bytes / 1e6, ctx->limits.max_storage_buffer_range / 1e6,
		          ctx->limits.name);
		return -ERANGE;
	}
	return 0;
}

static int upload_table(struct uhd_context *ctx, const struct uhd_filter_table *table,
                        struct uhd_vk_buffer *buffer)
{
	size_t count = (size_t)table->output_length * (1 + table->taps);
	int ret = check_range(ctx, count * 4, "filter table");
	if (ret == 0) {
		ret = uhd_vk_buffer_create(ctx, count * 4, UHD_VK_BUFFER_UPLOAD, "filter table",
		                           buffer);
	}
	if (ret < 0) {
		return ret;
	}
	uint8_t *dst = buffer->mapped;
	memcpy(dst, table->start, table->output_length * 4);
	memcpy(dst + table->output_length * 4, table->weights,
	       (size_t)table->output_length * table->taps * 4);
	return uhd_vk_buffer_flush(ctx, buffer);
}

/* Builds one table and uploads it; returns its tap count through taps. */
static int make_table(struct uhd_context *ctx, enum uhd_scaler scaler, const struct uhd_axis *axis,
                      struct uhd_vk_buffer *buffer, uint32_t *taps)
{
	struct uhd_filter_table table;
	int ret = uhd_filter_build(scaler, axis, &table);
	if (ret == 0) {
		*taps = (uint32_t)table.taps;
		ret = upload_table(ctx, &table, buffer);
	}
	uhd_filter_free(&table);
	return ret;
}

static int create_intermediates(struct uhd_context *ctx, struct uhd_stage *stage)
{
	for (int i = 0; i < 3; i++) {
		VkDeviceSize bytes = (VkDeviceSize)stage->out_width * stage->in_height[i] * 4;
		int ret = check_range(ctx, bytes, "horizontal-pass plane");
		if (ret == 0) {
			ret = uhd_vk_buffer_create(ctx, bytes, UHD_VK_BUFFER_DEVICE,
			                           "horizontal-pass plane", &stage->inter[i]);
		}
		if (ret < 0) {
			return ret;
		}
	}
	return 0;
}

static void plan_bands(struct uhd_context *ctx, struct uhd_stage *stage)
{
	stage->band_rows = stage->out_height;
	stage->band_count = 1;
	if (!stage->output) {
		return;
	}
	uint64_t rows = ctx->limits.max_storage_buffer_range / stage->out_stride;
	stage->band_rows = rows < (uint64_t)stage->out_height ? (int)rows : stage->out_height;
	stage->band_count = (stage->out_height + stage->band_rows - 1) / stage->band_rows;
}

int uhd_stage_create(struct uhd_context *ctx, enum uhd_scaler scaler, struct uhd_stage *stage)
{
	int ret = 0;
	for (int t = 0; t < 2 && ret == 0; t++) {
		ret = make_table(ctx, scaler, &stage->x_axes[t], &stage->htables[t],
		                 &stage->htaps[t]);
		uint32_t *vtaps = t ? &stage->push.taps12 : &stage->push.taps0;
		if (ret == 0) {
			ret = make_table(ctx, scaler, &stage->y_axes[t], &stage->vtables[t], vtaps);
		}
	}
	if (ret < 0) {
		return ret;
	}
	stage->push.width = (uint32_t)stage->out_width;
	stage->push.height = (uint32_t)stage->out_height;
	stage->push.out_stride_words = (uint32_t)(stage->out_stride / 4);
	for (int i = 0; stage->float_outputs[0] && i < 3; i++) {
		ret = check_range(ctx, stage->float_outputs[i]->size, "R'G'B' plane");
		if (ret < 0) {
			return ret;
		}
	}
	plan_bands(ctx, stage);
	if (stage->band_rows <= 0 || stage->band_count > UHD_STAGE_MAX_BANDS) {
		return check_range(ctx, (VkDeviceSize)stage->out_stride * stage->out_height,
		                   "output image");
	}
	return create_intermediates(ctx, stage);
}

int uhd_stage_descriptor_count(const struct uhd_stage *stage)
{
	return 3 + stage->band_count;
}

/* Outputs of band b: the band's rows of the packed image, or the float planes. */
static void band_outputs(const struct uhd_stage *stage, int b, VkDescriptorBufferInfo out[3])
{
	if (!stage->output) {
		for (int i = 0; i < 3; i++) {
			out[i] = uhd_vk_whole(stage->float_outputs[i]);
		}
		return;
	}
	VkDeviceSize band_bytes = (VkDeviceSize)stage->band_rows * stage->out_stride;
	VkDeviceSize offset = (VkDeviceSize)b * band_bytes;
	VkDeviceSize left = stage->output->size - offset;
	VkDescriptorBufferInfo info = {stage->output->buffer, offset,
	                               left < band_bytes ? left : band_bytes};
	out[0] = out[1] = out[2] = info; /* bindings 6 and 7 are unused when packing */
}

int uhd_stage_write_sets(struct uhd_context *ctx, VkDescriptorPool pool, struct uhd_stage *stage)
{
	int ret = 0;
	int count = uhd_stage_descriptor_count(stage);
	VkDescriptorSetLayout layouts[3 + UHD_STAGE_MAX_BANDS];
	VkDescriptorSet sets[3 + UHD_STAGE_MAX_BANDS];
	for (int i = 0; i < count; i++) {
		layouts[i] = i < 3 ? stage->hpass->set_layout : stage->vpass->set_layout;
	}
	VkDescriptorSetAllocateInfo alloc = {
	        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
	        .descriptorPool = pool,
	        .descriptorSetCount = (uint32_t)count,
	        .pSetLayouts = layouts,
	};
	VK_CHECK(vkAllocateDescriptorSets(ctx->device, &alloc, sets));
	for (int i = 0; i < 3; i++) {
		stage->hsets[i] = sets[i];
		VkDescriptorBufferInfo infos[3] = {uhd_vk_whole(stage->inputs[i]),
		                                   uhd_vk_whole(&stage->htables[i ? 1 : 0]),
		                                   uhd_vk_whole(&stage->inter[i])};
		uhd_vk_write_set(ctx, stage->hsets[i], infos, 3);
	}
	for (int b = 0; b < stage->band_count; b++) {
		stage->vsets[b] = sets[3 + b];
		VkDescriptorBufferInfo infos[8] = {
		        uhd_vk_whole(&stage->inter[0]),   uhd_vk_whole(&stage->inter[1]),
		        uhd_vk_whole(&stage->inter[2]),   uhd_vk_whole(&stage->vtables[0]),
		        uhd_vk_whole(&stage->vtables[1]),
		};
		band_outputs(stage, b, infos + 5);
		uhd_vk_write_set(ctx, stage->vsets[b], infos, 8);
	}
	return 0;
fail:
	return ret;
}

static uint32_t groups(uint32_t count, uint32_t size)
{
	return (count + size - 1) / size;
}

static void record_horizontal(const struct uhd_stage *stage, VkCommandBuffer cmd)
{
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, stage->hpass->pipeline);
	for (int i = 0; i < 3; i++) {
		uint32_t push[4] = {(uint32_t)stage->in_stride[i], (uint32_t)stage->in_height[i],
		                    (uint32_t)stage->out_width, stage->htaps[i ? 1 : 0]};
		vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, stage->hpass->layout,
		                        0, 1, &stage->hsets[i], 0, NULL);
		vkCmdPushConstants(cmd, stage->hpass->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
		                   sizeof(push), push);
		vkCmdDispatch(cmd, groups((uint32_t)stage->out_width, GROUP_WIDTH),
		              (uint32_t)stage->in_height[i], 1);
	}
}

static void record_vertical(const struct uhd_stage *stage, VkCommandBuffer cmd)
{
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, stage->vpass->pipeline);
	/* Pixels per invocation: 2 (16-bit packed), 4 (8-bit packed), 1 (float planes). */
	uint32_t pixels = stage->out_bits == 8 ? 4 : stage->out_bits == 16 ? 2 : 1;
	for (int b = 0; b < stage->band_count; b++) {
		struct uhd_vscale_push push = stage->push;
		push.band_first_row = (uint32_t)(b * stage->band_rows);
		int rows = stage->out_height - b * stage->band_rows;
		push.band_rows = (uint32_t)(rows < stage->band_rows ? rows : stage->band_rows);
		vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, stage->vpass->layout,
		                        0, 1, &stage->vsets[b], 0, NULL);
		vkCmdPushConstants(cmd, stage->vpass->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
		                   sizeof(push), &push);
		uint32_t pixel_groups = groups((uint32_t)stage->out_width, pixels);
		vkCmdDispatch(cmd, groups(pixel_groups, GROUP_WIDTH), push.band_rows, 1);
	}
}

void uhd_stage_record(const struct uhd_stage *stage, VkCommandBuffer cmd)
{
	record_horizontal(stage, cmd);
	uhd_vk_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
	               VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
	record_vertical(stage, cmd);
}

void uhd_stage_destroy(struct uhd_context *ctx, struct uhd_stage *stage)
{
	for (int i = 0; i < 3; i++) {
		uhd_vk_buffer_destroy(ctx, &stage->inter[i]);
	}
	for (int t = 0; t < 2; t++) {
		uhd_vk_buffer_destroy(ctx, &stage->htables[t]);
		uhd_vk_buffer_destroy(ctx, &stage->vtables[t]);
	}
}
