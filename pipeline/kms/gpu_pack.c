/*
 * GPU packing into scanout formats (gpu_pack.h): the picture is copied into a
 * host-visible buffer that pack.comp reads through an RGBA32UI texel view, and
 * the pass writes the destination, a buffer of its own laid out with the
 * scanout pitch, in bands of rows that each fit the device's storage-buffer
 * range (lavapipe: 128 MiB, less than an 8K xrgb16161616 frame's 265 MB). The
 * command buffer is recorded once; each picture resubmits it.
 */
#include "gpu_pack.h"

#include <drm_fourcc.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "../vk/vk.h"
#include "pack.comp.h"

/* 16 bands reach 2 GiB of destination at lavapipe's range: past any 8K frame. */
#define MAX_BANDS 16

/* pack.comp's push constants, one copy per band. */
struct pack_push {
	uint32_t width, band_first_row, band_rows, pitch_words, band_first_word;
	uint32_t in_stride, last_word;
};

struct uhd_gpu_packer {
	struct uhd_context *ctx;
	int width, height, bits, depth; /* depth: significant bits (uhd_image_depth) */
	const struct uhd_scanout_format *format;
	size_t pitch, in_row_bytes, in_stride; /* in_stride: rows padded to words */
	struct uhd_vk_buffer picture;          /* the image's rows, CPU-written */
	VkBufferView picture_view;             /* RGBA32UI texels, read by pack.comp */
	/* The packed rows at the scanout pitch: the buffer a DMA-BUF is to replace. */
	struct uhd_vk_buffer packed;
	struct uhd_vk_compute pass;
	VkDescriptorPool pool;
	int band_count;
	VkDescriptorSet sets[MAX_BANDS];
	struct pack_push bands[MAX_BANDS];
	VkDeviceSize band_offsets[MAX_BANDS], band_ranges[MAX_BANDS]; /* bytes of packed */
	VkCommandPool command_pool;
	VkCommandBuffer commands;
	VkFence fence;
};

static size_t align_up(size_t value, size_t alignment)
{
	return (value + alignment - 1) / alignment * alignment;
}

/* pack.comp's FORMAT constant; -1 for a format it does not know. */
static int shader_format(const struct uhd_scanout_format *format)
{
	switch (format->fourcc) {
	case DRM_FORMAT_XRGB8888: return 0;
	case DRM_FORMAT_XRGB2101010: return 1;
	case DRM_FORMAT_XBGR2101010: return 2;
	case DRM_FORMAT_XRGB16161616: return 3;
	case DRM_FORMAT_XBGR16161616F: return 4;
	default: return -1;
	}
}

static int check_geometry(int width, int height, int bits, int significant_bits,
                          const struct uhd_scanout_format *format, size_t pitch)
{
	if (width <= 0 || height <= 0 || (bits != 8 && bits != 16) || significant_bits < 0 ||
	    significant_bits > bits) {
		uhd_error("GPU packing: cannot pack a %dx%d picture of %d bits (%d significant); "
		          "pictures are at least 1x1 with 8 or 16 bits a sample",
		          width, height, bits, significant_bits);
		return -EINVAL;
	}
	if (!format || shader_format(format) < 0) {
		uhd_error("GPU packing: scanout format %s is not one pack.comp knows; use one of "
		          "uhd_scanout_formats()",
		          format ? format->name : "(none)");
		return -EINVAL;
	}
	size_t row_bytes = (size_t)width * (size_t)format->bytes_per_pixel;
	if (pitch < row_bytes || pitch % 4 != 0) {
		uhd_error("GPU packing: pitch %zu for %d %s pixels must be a multiple of 4 of at "
		          "least %zu bytes; take the pitch the framebuffer was allocated with",
		          pitch, width, format->name, row_bytes);
		return -EINVAL;
	}
	return 0;
}

/* The bands of destination rows: each binding starts on the device's offset
 * alignment (a band's first row may then sit a few words in) and spans no
 * more than the storage-buffer range. */
static int plan_bands(struct uhd_gpu_packer *p)
{
	const VkPhysicalDeviceLimits *limits = &p->ctx->vk_limits;
	VkDeviceSize align = limits->minStorageBufferOffsetAlignment;
	align = align > 4 ? align : 4;
	VkDeviceSize range = limits->maxStorageBufferRange;
	VkDeviceSize rows = range > align ? (range - align) / p->pitch : 0;
	int band_rows = rows < (VkDeviceSize)p->height ? (int)rows : p->height;
	uint32_t row_groups = ((uint32_t)p->width + 7) / 8;
	if (band_rows <= 0 || (p->height + band_rows - 1) / band_rows > MAX_BANDS ||
	    row_groups > limits->maxComputeWorkGroupCount[0] ||
	    ((uint32_t)band_rows + 7) / 8 > limits->maxComputeWorkGroupCount[1]) {
		uhd_error("GPU packing: a %dx%d %s destination (%.1f MB at pitch %zu) is more than "
		          "%d bands of the device's %.1f MB storage-buffer range or its workgroup "
		          "counts (%s); pack it on the CPU",
		          p->width, p->height, p->format->name, (double)p->pitch * p->height / 1e6,
		          p->pitch, MAX_BANDS, range / 1e6, p->ctx->limits.name);
		return -ERANGE;
	}
	p->band_count = (p->height + band_rows - 1) / band_rows;
	for (int b = 0; b < p->band_count; b++) {
		int first = b * band_rows, left = p->height - first;
		VkDeviceSize start = (VkDeviceSize)first * p->pitch;
		VkDeviceSize offset = start / align * align;
		p->bands[b] = (struct pack_push){
		        .width = (uint32_t)p->width,
		        .band_first_row = (uint32_t)first,
		        .band_rows = (uint32_t)(left < band_rows ? left : band_rows),
		        .pitch_words = (uint32_t)(p->pitch / 4),
		        .band_first_word = (uint32_t)((start - offset) / 4),
		        .in_stride = (uint32_t)p->in_stride,
		        .last_word = (uint32_t)(p->picture.size / 4 - 1),
		};
		p->band_offsets[b] = offset;
		p->band_ranges[b] = start - offset + p->bands[b].band_rows * p->pitch;
	}
	return 0;
}

/* The picture's buffer (whole 16-byte texels, so that the view reaches its
 * last row) and its view. */
static int create_picture(struct uhd_gpu_packer *p)
{
	p->in_row_bytes = (size_t)p->width * 3 * (size_t)(p->bits / 8);
	p->in_stride = align_up(p->in_row_bytes, 4);
	VkDeviceSize in_bytes = align_up(p->in_stride * (size_t)p->height, 16);
	if (in_bytes > UINT32_MAX) {
		uhd_error("GPU packing: a %dx%d picture of %d bits (%.1f MB) is past the 4 GiB "
		          "that pack.comp addresses; pack it on the CPU",
		          p->width, p->height, p->bits, in_bytes / 1e6);
		return -ERANGE;
	}
	int ret = uhd_vk_buffer_create(p->ctx, in_bytes, UHD_VK_BUFFER_UPLOAD, "picture to pack",
	                               &p->picture);
	ret = ret ? ret
	          : uhd_vk_view_create(p->ctx, &p->picture, VK_FORMAT_R32G32B32A32_UINT, 16,
	                               &p->picture_view);
	if (ret == -ERANGE) {
		uhd_error("GPU packing: the %dx%d picture needs %.1f MB, over the %.1f MB that the "
		          "device's texel buffers reach (%s); pack it on the CPU",
		          p->width, p->height, in_bytes / 1e6,
		          p->ctx->vk_limits.maxTexelBufferElements * 16.0 / 1e6,
		          p->ctx->limits.name);
	}
	return ret;
}

static const VkDescriptorType pack_bindings[2] = {
        VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
        VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
};

/* The pipeline, specialised for the format, the picture's sample size and
 * whether the format dithers it, and a descriptor set per band. */
static int create_pass(struct uhd_gpu_packer *p)
{
	int ret = 0;
	struct uhd_image depth = {.bits = p->bits, .significant_bits = p->depth};
	uint32_t values[3] = {(uint32_t)shader_format(p->format), (uint32_t)p->bits,
	                      uhd_pack_dithers(&depth, p->format) ? 1u : 0u};
	struct uhd_vk_spec spec = {3, values};
	ret = uhd_vk_compute_create_typed(p->ctx, pack_comp, sizeof(pack_comp), pack_bindings, 2,
	                                  sizeof(struct pack_push), &spec, &p->pass);
	if (ret < 0) {
		return ret;
	}
	uint32_t count = (uint32_t)p->band_count;
	VkDescriptorPoolSize sizes[2] = {
	        {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, count},
	        {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, count},
	};
	VkDescriptorPoolCreateInfo pool_info = {
	        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
	        .maxSets = count,
	        .poolSizeCount = 2,
	        .pPoolSizes = sizes,
	};
	VK_CHECK(vkCreateDescriptorPool(p->ctx->device, &pool_info, NULL, &p->pool));
	uhd_vk_count_object(1);
	VkDescriptorSetLayout layouts[MAX_BANDS];
	for (int b = 0; b < p->band_count; b++) {
		layouts[b] = p->pass.set_layout;
	}
	VkDescriptorSetAllocateInfo alloc = {
	        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
	        .descriptorPool = p->pool,
	        .descriptorSetCount = count,
	        .pSetLayouts = layouts,
	};
	VK_CHECK(vkAllocateDescriptorSets(p->ctx->device, &alloc, p->sets));
	for (int b = 0; b < p->band_count; b++) {
		struct uhd_vk_binding bindings[2] = {
		        {.view = p->picture_view},
		        {.buffer = {p->packed.buffer, p->band_offsets[b], p->band_ranges[b]}},
		};
		uhd_vk_write_bindings(p->ctx, &p->pass, p->sets[b], bindings);
	}
	return 0;
fail:
	return ret;
}

/* Host writes -> the bands, 8 x 8 pixels a workgroup -> host reads. */
static int record(struct uhd_gpu_packer *p)
{
	int ret = uhd_vk_commands_create(p->ctx, 0, &p->command_pool, &p->commands, &p->fence);
	if (ret < 0) {
		return ret;
	}
	VkCommandBuffer cmd = p->commands;
	VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
	VK_CHECK(vkBeginCommandBuffer(cmd, &begin));
	const VkPipelineStageFlags compute = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
	uhd_vk_barrier(cmd, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_WRITE_BIT, compute,
	               VK_ACCESS_SHADER_READ_BIT);
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->pass.pipeline);
	for (int b = 0; b < p->band_count; b++) {
		const struct pack_push *push = &p->bands[b];
		vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->pass.layout, 0, 1,
		                        &p->sets[b], 0, NULL);
		vkCmdPushConstants(cmd, p->pass.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
		                   sizeof(*push), push);
		vkCmdDispatch(cmd, (push->width + 7) / 8, (push->band_rows + 7) / 8, 1);
	}
	uhd_vk_barrier(cmd, compute, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
	               VK_ACCESS_HOST_READ_BIT);
	VK_CHECK(vkEndCommandBuffer(cmd));
	return 0;
fail:
	return ret;
}

int uhd_gpu_packer_create(struct uhd_context *context, int width, int height, int bits,
                          int significant_bits, const struct uhd_scanout_format *format,
                          size_t pitch, struct uhd_gpu_packer **out)
{
	*out = NULL;
	int ret = check_geometry(width, height, bits, significant_bits, format, pitch);
	if (ret < 0) {
		return ret;
	}
	struct uhd_gpu_packer *p = calloc(1, sizeof(*p));
	if (!p) {
		return -ENOMEM;
	}
	*p = (struct uhd_gpu_packer){
	        .ctx = context,
	        .width = width,
	        .height = height,
	        .bits = bits,
	        .depth = significant_bits > 0 ? significant_bits : bits,
	        .format = format,
	        .pitch = pitch,
	};
	ret = create_picture(p);
	/* Bands first: a destination they refuse is never allocated. */
	ret = ret ? ret : plan_bands(p);
	ret = ret ? ret
	          : uhd_vk_buffer_create(p->ctx, (VkDeviceSize)p->pitch * p->height,
	                                 UHD_VK_BUFFER_READBACK, "packed scanout", &p->packed);
	ret = ret ? ret : create_pass(p);
	ret = ret ? ret : record(p);
	if (ret < 0) {
		uhd_gpu_packer_destroy(&p);
		return ret;
	}
	*out = p;
	return 0;
}

int uhd_gpu_pack(struct uhd_gpu_packer *p, const struct uhd_image *in, uint8_t *dst)
{
	if (in->width != p->width || in->height != p->height || in->bits != p->bits ||
	    uhd_image_depth(in) != p->depth || in->stride < p->in_row_bytes) {
		uhd_error("GPU packing: a %dx%d picture of %d bits (%d significant) given to a "
		          "packer made for %dx%d, %d bits (%d significant); make a packer for it",
		          in->width, in->height, in->bits, uhd_image_depth(in), p->width, p->height,
		          p->bits, p->depth);
		return -EINVAL;
	}
	uint8_t *picture = p->picture.mapped;
	for (int y = 0; y < p->height; y++) {
		memcpy(picture + (size_t)y * p->in_stride, in->data + (size_t)y * in->stride,
		       p->in_row_bytes);
	}
	int ret = uhd_vk_buffer_flush(p->ctx, &p->picture);
	ret = ret ? ret : uhd_vk_submit_wait(p->ctx, p->commands, p->fence);
	ret = ret ? ret : uhd_vk_buffer_invalidate(p->ctx, &p->packed);
	if (ret < 0) {
		return ret;
	}
	const uint8_t *packed = p->packed.mapped;
	size_t row_bytes = (size_t)p->width * (size_t)p->format->bytes_per_pixel;
	for (int y = 0; y < p->height; y++) {
		memcpy(dst + (size_t)y * p->pitch, packed + (size_t)y * p->pitch, row_bytes);
	}
	return 0;
}

void uhd_gpu_packer_destroy(struct uhd_gpu_packer **packer)
{
	if (!packer || !*packer) {
		return;
	}
	struct uhd_gpu_packer *p = *packer;
	struct uhd_context *ctx = p->ctx;
	/* Nothing is in flight: uhd_gpu_pack waits for its pass before returning. */
	if (p->fence) {
		vkDestroyFence(ctx->device, p->fence, NULL);
		uhd_vk_count_object(-1);
	}
	if (p->command_pool) {
		vkDestroyCommandPool(ctx->device, p->command_pool, NULL);
		uhd_vk_count_object(-1);
	}
	if (p->pool) {
		vkDestroyDescriptorPool(ctx->device, p->pool, NULL);
		uhd_vk_count_object(-1);
	}
	uhd_vk_compute_destroy(ctx, &p->pass);
	uhd_vk_view_destroy(ctx, &p->picture_view);
	uhd_vk_buffer_destroy(ctx, &p->picture);
	uhd_vk_buffer_destroy(ctx, &p->packed);
	free(p);
	*packer = NULL;
}
