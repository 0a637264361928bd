/*
 * GPU conversion: uploads the decoded planes, resamples each plane along x
 * (hscale.comp), then along y while converting to R'G'B' (vscale_rgb.comp).
 * Chroma goes straight from its subsampled grid to the output grid in one
 * resampling, with its siting as the phase. Everything is created once per
 * geometry; a frame costs one memcpy per plane and one resubmission of a
 * command buffer recorded at creation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/log.h"
#include "../vk/vk.h"
#include "converter.h"
#include "hscale.comp.h"
#include "uhdpipe/convert.h"
#include "vscale_rgb.comp.h"

#define MAX_BANDS 64
#define GROUP_WIDTH 64

struct plane {
	int width, height;        /* source plane samples */
	size_t stride_samples;    /* packed row stride in the upload buffer */
	struct uhd_vk_buffer source;
	struct uhd_vk_buffer intermediate; /* output width x source rows, float */
	VkDescriptorSet set;
	int table;                /* 0 luma, 1 chroma */
};

struct vscale_push {
	uint32_t width, band_first_row, band_rows, out_stride_words;
	uint32_t luma_taps, chroma_taps, height, pad;
	float luma_offset, luma_scale, chroma_offset, chroma_scale;
	float r_from_cr, g_from_cb, g_from_cr, b_from_cb;
};

struct uhd_converter {
	struct uhd_context *ctx;
	struct uhd_stream_info info;
	int width, height, out_bits, sample_bytes;
	struct plane planes[3];
	struct uhd_vk_buffer htables[2], vtables[2];
	int htaps[2], vtaps[2];
	struct uhd_vk_buffer output;
	size_t out_stride;
	int band_rows, band_count;
	VkDescriptorSet band_sets[MAX_BANDS];
	struct uhd_vk_compute hpass, vpass;
	struct vscale_push push;
	VkDescriptorPool pool;
	VkCommandPool command_pool;
	VkCommandBuffer commands;
	VkFence fence;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static size_t align_up(size_t value, size_t alignment)
{
	return (value + alignment - 1) / alignment * alignment;
}

enum uhd_chroma_siting uhd_siting_or_default(enum uhd_chroma_siting siting)
{
	return siting == UHD_SITING_UNSPECIFIED ? UHD_SITING_LEFT : siting;
}

double uhd_siting_phase(enum uhd_chroma_siting siting, int subsampling, bool vertical)
{
	if (subsampling == 1) {
		return 0.5;
	}
	siting = uhd_siting_or_default(siting);
	if (!vertical) {
		bool cosited = siting == UHD_SITING_LEFT || siting == UHD_SITING_TOPLEFT ||
			       siting == UHD_SITING_BOTTOMLEFT;
		return cosited ? 0.5 : 1.0;
	}
	if (siting == UHD_SITING_TOPLEFT || siting == UHD_SITING_TOP) {
		return 0.5;
	}
	if (siting == UHD_SITING_BOTTOMLEFT || siting == UHD_SITING_BOTTOM) {
		return 1.5;
	}
	return 1.0;
}

int uhd_matrix_or_default(int matrix, int primaries, int height)
{
	if (matrix != UHD_MATRIX_UNSPECIFIED && matrix != 3) {
		return matrix;
	}
	if (primaries == UHD_PRIMARIES_BT2020) {
		return UHD_MATRIX_BT2020_NCL;
	}
	return height > 576 ? UHD_MATRIX_BT709 : UHD_MATRIX_SMPTE170M;
}

static int set_colour_constants(struct uhd_converter *conv)
{
	const struct uhd_colour *colour = &conv->info.colour;
	int matrix = uhd_matrix_or_default(colour->matrix, colour->primaries, conv->info.height);
	if (matrix != colour->matrix) {
		uhd_warn("the stream does not say its Y'CbCr matrix; assuming %s",
			 uhd_matrix_name(matrix));
	}
	double kr, kb;
	if (uhd_matrix_coefficients(matrix, &kr, &kb) < 0) {
		uhd_error("Y'CbCr matrix %s (%d) is not supported; uhdpipe converts BT.601, "
			  "BT.709, BT.2020 non-constant luminance, FCC and SMPTE 240M",
			  uhd_matrix_name(matrix), matrix);
		return -ENOTSUP;
	}
	double kg = 1.0 - kr - kb;
	double depth_scale = (double)(1 << (conv->info.bit_depth - 8));
	double peak = (double)((1 << conv->info.bit_depth) - 1);
	struct vscale_push *p = &conv->push;
	if (colour->range == UHD_RANGE_FULL) {
		p->luma_offset = 0.0f;
		p->luma_scale = (float)(1.0 / peak);
		p->chroma_offset = (float)(128.0 * depth_scale);
		p->chroma_scale = (float)(1.0 / peak);
	} else {
		p->luma_offset = (float)(16.0 * depth_scale);
		p->luma_scale = (float)(1.0 / (219.0 * depth_scale));
		p->chroma_offset = (float)(128.0 * depth_scale);
		p->chroma_scale = (float)(1.0 / (224.0 * depth_scale));
	}
	p->r_from_cr = (float)(2.0 * (1.0 - kr));
	p->g_from_cb = (float)(-2.0 * kb * (1.0 - kb) / kg);
	p->g_from_cr = (float)(-2.0 * kr * (1.0 - kr) / kg);
	p->b_from_cb = (float)(2.0 * (1.0 - kb));
	return 0;
}

static int check_size(struct uhd_converter *conv)
{
	const struct uhd_device_limits *limits = uhd_context_limits(conv->ctx);
	if (conv->width <= 0 || conv->height <= 0) {
		uhd_error("output size %dx%d is empty; give --size WxH with both above 0",
			  conv->width, conv->height);
		return -EINVAL;
	}
	if ((uint32_t)conv->width > limits->max_image_dimension_2d ||
	    (uint32_t)conv->height > limits->max_image_dimension_2d) {
		uhd_error("output size %dx%d is over the device's image limit of %u pixels a "
			  "side (%s); choose a smaller --size",
			  conv->width, conv->height, limits->max_image_dimension_2d, limits->name);
		return -ERANGE;
	}
	return 0;
}

static int check_range(struct uhd_converter *conv, VkDeviceSize bytes, const char *what)
{
	const struct uhd_device_limits *limits = uhd_context_limits(conv->ctx);
	if (bytes > limits->max_storage_buffer_range) {
		uhd_error("the %s needs %.1f MB, over the device's storage-buffer range of "
			  "%.1f MB (%s); choose a smaller --size",
			  what, bytes / 1e6, limits->max_storage_buffer_range / 1e6, limits->name);
		return -ERANGE;
	}
	return 0;
}

static int upload_table(struct uhd_converter *conv, const struct uhd_filter_table *table,
			struct uhd_vk_buffer *buffer)
{
	size_t count = (size_t)table->output_length * (1 + table->taps);
	int ret = uhd_vk_buffer_create(conv->ctx, count * 4, UHD_VK_BUFFER_UPLOAD,
				       "filter table", buffer);
	if (ret < 0) {
		return ret;
	}
	uint8_t *dst = buffer->mapped;
	memcpy(dst, table->start, table->output_length * 4);
	memcpy(dst + table->output_length * 4, table->weights,
	       (size_t)table->output_length * table->taps * 4);
	return uhd_vk_buffer_flush(conv->ctx, buffer);
}

static int build_tables(struct uhd_converter *conv, enum uhd_scaler scaler)
{
	const struct uhd_stream_info *info = &conv->info;
	int sub_x = 1 << info->log2_chroma_w, sub_y = 1 << info->log2_chroma_h;
	enum uhd_chroma_siting siting = info->colour.siting;
	struct uhd_axis axes[4] = {
		{info->width, info->width, 1, 0.5, conv->width},
		{info->width, conv->planes[1].width, sub_x, uhd_siting_phase(siting, sub_x, false),
		 conv->width},
		{info->height, info->height, 1, 0.5, conv->height},
		{info->height, conv->planes[1].height, sub_y, uhd_siting_phase(siting, sub_y, true),
		 conv->height},
	};
	struct uhd_vk_buffer *buffers[4] = {&conv->htables[0], &conv->htables[1],
					    &conv->vtables[0], &conv->vtables[1]};
	int *taps[4] = {&conv->htaps[0], &conv->htaps[1], &conv->vtaps[0], &conv->vtaps[1]};
	for (int i = 0; i < 4; i++) {
		struct uhd_filter_table table;
		int ret = uhd_filter_build(scaler, &axes[i], &table);
		if (ret == 0) {
			*taps[i] = table.taps;
			ret = upload_table(conv, &table, buffers[i]);
		}
		uhd_filter_free(&table);
		if (ret < 0) {
			return ret;
		}
	}
	return 0;
}

static int create_plane_buffers(struct uhd_converter *conv)
{
	const struct uhd_stream_info *info = &conv->info;
	for (int i = 0; i < 3; i++) {
		struct plane *plane = &conv->planes[i];
		int shift_w = i ? info->log2_chroma_w : 0, shift_h = i ? info->log2_chroma_h : 0;
		plane->width = (info->width + (1 << shift_w) - 1) >> shift_w;
		plane->height = (info->height + (1 << shift_h) - 1) >> shift_h;
		plane->table = i ? 1 : 0;
		/* Rows padded to whole 32-bit words: the shader reads words. */
		plane->stride_samples = align_up(plane->width, 4 / conv->sample_bytes);
		VkDeviceSize source_bytes =
			(VkDeviceSize)plane->stride_samples * plane->height * conv->sample_bytes;
		VkDeviceSize inter_bytes = (VkDeviceSize)conv->width * plane->height * 4;
		int ret = check_range(conv, source_bytes, "decoded plane");
		if (ret == 0) {
			ret = check_range(conv, inter_bytes, "horizontal-pass plane");
		}
		if (ret == 0) {
			ret = uhd_vk_buffer_create(conv->ctx, source_bytes, UHD_VK_BUFFER_UPLOAD,
						   "decoded plane", &plane->source);
		}
		if (ret == 0) {
			ret = uhd_vk_buffer_create(conv->ctx, inter_bytes, UHD_VK_BUFFER_DEVICE,
						   "horizontal-pass plane", &plane->intermediate);
		}
		if (ret < 0) {
			return ret;
		}
	}
	return 0;
}

static int create_output(struct uhd_converter *conv)
{
	const struct uhd_context *ctx = conv->ctx;
	int pixels_per_group = conv->out_bits == 16 ? 2 : 4;
	size_t row_bytes = (size_t)(conv->width + pixels_per_group - 1) / pixels_per_group * 12;
	size_t alignment = ctx->vk_limits.minStorageBufferOffsetAlignment;
	conv->out_stride = align_up(row_bytes, alignment > 4 ? alignment : 4);
	conv->push.out_stride_words = (uint32_t)(conv->out_stride / 4);
	uint64_t range = ctx->limits.max_storage_buffer_range;
	conv->band_rows = (int)(range / conv->out_stride);
	if (conv->band_rows <= 0) {
		return check_range(conv, conv->out_stride, "output row");
	}
	conv->band_rows = conv->band_rows < conv->height ? conv->band_rows : conv->height;
	conv->band_count = (conv->height + conv->band_rows - 1) / conv->band_rows;
	if (conv->band_count > MAX_BANDS) {
		return check_range(conv, conv->out_stride * conv->height, "output image");
	}
	return uhd_vk_buffer_create(conv->ctx, (VkDeviceSize)conv->out_stride * conv->height,
				    UHD_VK_BUFFER_READBACK, "output image", &conv->output);
}

static int create_pipelines(struct uhd_converter *conv)
{
	uint32_t sample_bytes = (uint32_t)conv->sample_bytes;
	struct uhd_vk_spec hspec = {1, &sample_bytes};
	int ret = uhd_vk_compute_create(conv->ctx, hscale_comp, sizeof(hscale_comp), 3,
					4 * sizeof(uint32_t), &hspec, &conv->hpass);
	if (ret < 0) {
		return ret;
	}
	uint32_t out_bits = (uint32_t)conv->out_bits;
	struct uhd_vk_spec vspec = {1, &out_bits};
	return uhd_vk_compute_create(conv->ctx, vscale_rgb_comp, sizeof(vscale_rgb_comp), 6,
				     sizeof(struct vscale_push), &vspec, &conv->vpass);
}

static VkDescriptorBufferInfo whole(const struct uhd_vk_buffer *buffer)
{
	return (VkDescriptorBufferInfo){buffer->buffer, 0, VK_WHOLE_SIZE};
}

static void write_set(struct uhd_converter *conv, VkDescriptorSet set,
		      const VkDescriptorBufferInfo *infos, uint32_t count)
{
	VkWriteDescriptorSet writes[8];
	for (uint32_t i = 0; i < count; i++) {
		writes[i] = (VkWriteDescriptorSet){
			.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
			.dstSet = set,
			.dstBinding = i,
			.descriptorCount = 1,
			.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
			.pBufferInfo = &infos[i],
		};
	}
	vkUpdateDescriptorSets(conv->ctx->device, count, writes, 0, NULL);
}

static int create_descriptor_sets(struct uhd_converter *conv)
{
	int ret = 0;
	uint32_t set_count = 3 + (uint32_t)conv->band_count;
	VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, set_count * 6};
	VkDescriptorPoolCreateInfo pool_info = {
		.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
		.maxSets = set_count,
		.poolSizeCount = 1,
		.pPoolSizes = &size,
	};
	VK_CHECK(vkCreateDescriptorPool(conv->ctx->device, &pool_info, NULL, &conv->pool));
	VkDescriptorSetLayout layouts[3 + MAX_BANDS];
	VkDescriptorSet sets[3 + MAX_BANDS];
	for (uint32_t i = 0; i < set_count; i++) {
		layouts[i] = i < 3 ? conv->hpass.set_layout : conv->vpass.set_layout;
	}
	VkDescriptorSetAllocateInfo alloc = {
		.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
		.descriptorPool = conv->pool,
		.descriptorSetCount = set_count,
		.pSetLayouts = layouts,
	};
	VK_CHECK(vkAllocateDescriptorSets(conv->ctx->device, &alloc, sets));
	for (int i = 0; i < 3; i++) {
		struct plane *plane = &conv->planes[i];
		plane->set = sets[i];
		VkDescriptorBufferInfo infos[3] = {whole(&plane->source),
						   whole(&conv->htables[plane->table]),
						   whole(&plane->intermediate)};
		write_set(conv, plane->set, infos, 3);
	}
	for (int b = 0; b < conv->band_count; b++) {
		conv->band_sets[b] = sets[3 + b];
		VkDeviceSize offset = (VkDeviceSize)b * conv->band_rows * conv->out_stride;
		VkDeviceSize bytes = conv->output.size - offset;
		VkDeviceSize band_bytes = (VkDeviceSize)conv->band_rows * conv->out_stride;
		VkDescriptorBufferInfo infos[6] = {
			whole(&conv->planes[0].intermediate),
			whole(&conv->planes[1].intermediate),
			whole(&conv->planes[2].intermediate),
			whole(&conv->vtables[0]),
			whole(&conv->vtables[1]),
			{conv->output.buffer, offset, bytes < band_bytes ? bytes : band_bytes},
		};
		write_set(conv, conv->band_sets[b], infos, 6);
	}
	return 0;
fail:
	return ret;
}

static void barrier(VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkAccessFlags src,
		    VkPipelineStageFlags dst_stage, VkAccessFlags dst)
{
	VkMemoryBarrier memory = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
		.srcAccessMask = src,
		.dstAccessMask = dst,
	};
	vkCmdPipelineBarrier(cmd, src_stage, dst_stage, 0, 1, &memory, 0, NULL, 0, NULL);
}

static uint32_t groups(uint32_t count, uint32_t size)
{
	return (count + size - 1) / size;
}

static void record_horizontal(struct uhd_converter *conv, VkCommandBuffer cmd)
{
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, conv->hpass.pipeline);
	for (int i = 0; i < 3; i++) {
		const struct plane *plane = &conv->planes[i];
		uint32_t push[4] = {(uint32_t)plane->stride_samples, (uint32_t)plane->height,
				    (uint32_t)conv->width, (uint32_t)conv->htaps[plane->table]};
		vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, conv->hpass.layout, 0,
					1, &plane->set, 0, NULL);
		vkCmdPushConstants(cmd, conv->hpass.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
				   sizeof(push), push);
		vkCmdDispatch(cmd, groups(conv->width, GROUP_WIDTH), (uint32_t)plane->height, 1);
	}
}

static void record_vertical(struct uhd_converter *conv, VkCommandBuffer cmd)
{
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, conv->vpass.pipeline);
	uint32_t pixels_per_group = conv->out_bits == 16 ? 2 : 4;
	for (int b = 0; b < conv->band_count; b++) {
		struct vscale_push push = conv->push;
		push.band_first_row = (uint32_t)(b * conv->band_rows);
		int rows = conv->height - b * conv->band_rows;
		push.band_rows = (uint32_t)(rows < conv->band_rows ? rows : conv->band_rows);
		vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, conv->vpass.layout, 0,
					1, &conv->band_sets[b], 0, NULL);
		vkCmdPushConstants(cmd, conv->vpass.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
				   sizeof(push), &push);
		uint32_t pixel_groups = groups((uint32_t)conv->width, pixels_per_group);
		vkCmdDispatch(cmd, groups(pixel_groups, GROUP_WIDTH), push.band_rows, 1);
	}
}

/* Recorded once; each frame resubmits it. */
static int record_commands(struct uhd_converter *conv)
{
	int ret = 0;
	VkDevice device = conv->ctx->device;
	VkCommandPoolCreateInfo pool_info = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
		.queueFamilyIndex = conv->ctx->queue_family,
	};
	VK_CHECK(vkCreateCommandPool(device, &pool_info, NULL, &conv->command_pool));
	VkCommandBufferAllocateInfo alloc = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
		.commandPool = conv->command_pool,
		.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
		.commandBufferCount = 1,
	};
	VK_CHECK(vkAllocateCommandBuffers(device, &alloc, &conv->commands));
	VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
	VK_CHECK(vkCreateFence(device, &fence_info, NULL, &conv->fence));

	VkCommandBuffer cmd = conv->commands;
	VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
	VK_CHECK(vkBeginCommandBuffer(cmd, &begin));
	/* The previous frame's passes must be done with the buffers this one rewrites. */
	barrier(cmd, VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
		VK_ACCESS_HOST_WRITE_BIT | VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT,
		VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
		VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
	record_horizontal(conv, cmd);
	barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
		VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
	record_vertical(conv, cmd);
	barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
		VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
	VK_CHECK(vkEndCommandBuffer(cmd));
	return 0;
fail:
	return ret;
}

int uhd_converter_create(struct uhd_context *context, const struct uhd_stream_info *info,
			 const struct uhd_convert_params *params, struct uhd_converter **out)
{
	struct uhd_convert_params defaults = UHD_CONVERT_DEFAULTS;
	params = params ? params : &defaults;
	*out = NULL;
	struct uhd_converter *conv = calloc(1, sizeof(*conv));
	if (!conv) {
		return -ENOMEM;
	}
	conv->ctx = context;
	conv->info = *info;
	conv->width = params->width ? params->width : info->width;
	conv->height = params->height ? params->height : info->height;
	conv->sample_bytes = info->bit_depth > 8 ? 2 : 1;
	conv->out_bits = info->bit_depth > 8 ? 16 : 8;
	conv->push.width = (uint32_t)conv->width;
	conv->push.height = (uint32_t)conv->height;
	int ret = check_size(conv);
	if (ret == 0 && info->colour.matrix == UHD_MATRIX_BT2020_CL) {
		uhd_error("BT.2020 constant-luminance Y'CbCr is not supported; re-encode as "
			  "BT.2020 non-constant luminance (bt2020nc)");
		ret = -ENOTSUP;
	}
	ret = ret ? ret : set_colour_constants(conv);
	ret = ret ? ret : create_plane_buffers(conv);
	ret = ret ? ret : build_tables(conv, params->scaler);
	if (ret == 0) {
		conv->push.luma_taps = (uint32_t)conv->vtaps[0];
		conv->push.chroma_taps = (uint32_t)conv->vtaps[1];
	}
	ret = ret ? ret : create_output(conv);
	ret = ret ? ret : create_pipelines(conv);
	ret = ret ? ret : create_descriptor_sets(conv);
	ret = ret ? ret : record_commands(conv);
	if (ret < 0) {
		uhd_converter_destroy(&conv);
		return ret;
	}
	*out = conv;
	return 0;
}

void uhd_converter_destroy(struct uhd_converter **converter)
{
	if (!converter || !*converter) {
		return;
	}
	struct uhd_converter *conv = *converter;
	struct uhd_context *ctx = conv->ctx;
	vkDeviceWaitIdle(ctx->device);
	if (conv->fence) {
		vkDestroyFence(ctx->device, conv->fence, NULL);
	}
	if (conv->command_pool) {
		vkDestroyCommandPool(ctx->device, conv->command_pool, NULL);
	}
	if (conv->pool) {
		vkDestroyDescriptorPool(ctx->device, conv->pool, NULL);
	}
	uhd_vk_compute_destroy(ctx, &conv->hpass);
	uhd_vk_compute_destroy(ctx, &conv->vpass);
	for (int i = 0; i < 3; i++) {
		uhd_vk_buffer_destroy(ctx, &conv->planes[i].source);
		uhd_vk_buffer_destroy(ctx, &conv->planes[i].intermediate);
	}
	for (int i = 0; i < 2; i++) {
		uhd_vk_buffer_destroy(ctx, &conv->htables[i]);
		uhd_vk_buffer_destroy(ctx, &conv->vtables[i]);
	}
	uhd_vk_buffer_destroy(ctx, &conv->output);
	free(conv);
	*converter = NULL;
}

static int upload_frame(struct uhd_converter *conv, const struct uhd_frame *frame)
{
	for (int i = 0; i < 3; i++) {
		struct plane *plane = &conv->planes[i];
		const uint8_t *data;
		ptrdiff_t stride;
		int width, height;
		int ret = uhd_frame_plane(frame, i, &data, &stride, &width, &height);
		if (ret < 0 || width != plane->width || height != plane->height) {
			uhd_error("frame plane %d is %dx%d, the converter was built for %dx%d", i,
				  width, height, plane->width, plane->height);
			return -EINVAL;
		}
		size_t row_bytes = (size_t)width * conv->sample_bytes;
		size_t dst_stride = plane->stride_samples * conv->sample_bytes;
		uint8_t *dst = plane->source.mapped;
		if ((size_t)stride == dst_stride) {
			memcpy(dst, data, dst_stride * height);
		} else {
			for (int y = 0; y < height; y++) {
				memcpy(dst + y * dst_stride, data + y * stride, row_bytes);
			}
		}
		ret = uhd_vk_buffer_flush(conv->ctx, &plane->source);
		if (ret < 0) {
			return ret;
		}
	}
	return 0;
}

int uhd_converter_process(struct uhd_converter *conv, const struct uhd_frame *frame,
			  struct uhd_image *image, struct uhd_convert_timing *timing)
{
	int ret = 0;
	double t0 = now_ms();
	ret = upload_frame(conv, frame);
	if (ret < 0) {
		return ret;
	}
	double t1 = now_ms();
	VkSubmitInfo submit = {
		.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
		.commandBufferCount = 1,
		.pCommandBuffers = &conv->commands,
	};
	VK_CHECK(vkResetFences(conv->ctx->device, 1, &conv->fence));
	VK_CHECK(uhd_vk_submit(conv->ctx, &submit, conv->fence));
	VK_CHECK(vkWaitForFences(conv->ctx->device, 1, &conv->fence, VK_TRUE, UINT64_MAX));
	ret = uhd_vk_buffer_invalidate(conv->ctx, &conv->output);
	if (ret < 0) {
		return ret;
	}
	double t2 = now_ms();
	if (timing) {
		timing->upload_ms = t1 - t0;
		timing->gpu_ms = t2 - t1;
	}
	*image = (struct uhd_image){
		.width = conv->width,
		.height = conv->height,
		.bits = conv->out_bits,
		.channels = 3,
		.stride = conv->out_stride,
		.data = conv->output.mapped,
		.colour = conv->info.colour,
	};
	image->colour.matrix = UHD_MATRIX_RGB;
	image->colour.range = UHD_RANGE_FULL;
	return 0;
fail:
	return ret;
}

const char *uhd_scaler_name(enum uhd_scaler scaler)
{
	static const char *names[] = {"nearest", "bilinear", "bicubic", "lanczos3"};
	return scaler <= UHD_SCALER_LANCZOS3 ? names[scaler] : "unknown";
}

int uhd_scaler_from_name(const char *name, enum uhd_scaler *scaler)
{
	for (int i = 0; i <= UHD_SCALER_LANCZOS3; i++) {
		if (strcmp(name, uhd_scaler_name(i)) == 0) {
			*scaler = i;
			return 0;
		}
	}
	if (strcmp(name, "lanczos") == 0) {
		*scaler = UHD_SCALER_LANCZOS3;
		return 0;
	}
	return -EINVAL;
}
