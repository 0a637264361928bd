/* SPDX-License-Identifier: MIT */
/*
 * GPU packing into scanout formats (gpu_pack.h): the picture is copied into a
 * host-visible buffer that pack.comp reads through an R32UI texel view, and
 * the pass writes a destination laid out with the scanout pitch, in bands of
 * rows that each fit the device's storage-buffer range (lavapipe: 128 MiB, less
 * than an 8K xrgb16161616 frame's 265 MB). Destinations are targets: target 0
 * is a buffer of the packer's own, read back by uhd_gpu_pack; the others are
 * framebuffers shared as DMA-BUFs (imported, or allocated here and exported)
 * that the pass fills in place. Each target's
 * command buffer is recorded once; each picture resubmits one.
 */
#include "gpu_pack.h"

#include <drm_fourcc.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/fault.h"
#include "../../common/log.h"
#include "../../vk/vk.h"
#include "pack.comp.h"

/* 16 bands reach 2 GiB of destination at lavapipe's range: past any 8K frame. */
#define MAX_BANDS 16

/* pack.comp's push constants, one copy per band. */
struct pack_push {
	uint32_t width, band_first_row, band_rows, pitch_words, band_first_word;
	uint32_t in_stride, last_word;
};

/* One destination with its band bindings and recorded pass. */
struct pack_target {
	struct uhd_vk_buffer buffer;
	VkDescriptorSet sets[MAX_BANDS];
	VkCommandPool command_pool;
	VkCommandBuffer commands;
	VkFence fence;
	bool submitted; /* the fence belongs to a submitted pass */
};

struct uhd_gpu_packer {
	struct uhd_context *ctx;
	int width, height, bits, depth; /* depth: significant bits (uhd_image_depth) */
	const struct uhd_scanout_format *format;
	size_t pitch, in_row_bytes, in_stride; /* in_stride: rows padded to words */
	struct uhd_vk_buffer picture;          /* the image's rows, CPU-written */
	VkBufferView picture_view;             /* R32UI texels, read by pack.comp */
	/* The caller's picture itself, where the device imports host memory: then no
	 * copy is made (VK_EXT_external_memory_host; released after each pass). */
	struct uhd_vk_buffer imported;
	VkBufferView imported_view;
	VkDeviceSize imported_view_bytes;
	int64_t imported_passes, copied_passes;
	struct uhd_vk_compute pass;
	VkDescriptorPool pool;
	int band_count;
	struct pack_push bands[MAX_BANDS];
	VkDeviceSize band_offsets[MAX_BANDS], band_ranges[MAX_BANDS]; /* bytes of a target */
	struct pack_target targets[UHD_GPU_PACK_MAX_TARGETS];
	int target_count;
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

/* The picture's buffer (whole words, so that the view reaches its last row)
 * and its view. */
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
	          : uhd_vk_view_create(p->ctx, &p->picture, VK_FORMAT_R32_UINT, 4,
	                               &p->picture_view);
	if (ret == -ERANGE) {
		uhd_error("GPU packing: the %dx%d picture needs %.1f MB, over the %.1f MB that the "
		          "device's texel buffers reach (%s); pack it on the CPU",
		          p->width, p->height, in_bytes / 1e6,
		          p->ctx->vk_limits.maxTexelBufferElements * 4.0 / 1e6,
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
	uint32_t count = (uint32_t)(p->band_count * UHD_GPU_PACK_MAX_TARGETS);
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
	return 0;
fail:
	return ret;
}

/* Points the target's band bindings at a picture view and its buffer's bands. */
static void write_target(struct uhd_gpu_packer *p, struct pack_target *t, VkBufferView view)
{
	for (int b = 0; b < p->band_count; b++) {
		struct uhd_vk_binding bindings[2] = {
		        {.view = view},
		        {.buffer = {t->buffer.buffer, p->band_offsets[b], p->band_ranges[b]}},
		};
		uhd_vk_write_bindings(p->ctx, &p->pass, t->sets[b], bindings);
	}
}

/* The target's band sets, bound to the packer's own picture. */
static int bind_target(struct uhd_gpu_packer *p, struct pack_target *t)
{
	int ret = 0;
	VkDescriptorSetLayout layouts[MAX_BANDS];
	for (int b = 0; b < p->band_count; b++) {
		layouts[b] = p->pass.set_layout;
	}
	VkDescriptorSetAllocateInfo alloc = {
	        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
	        .descriptorPool = p->pool,
	        .descriptorSetCount = (uint32_t)p->band_count,
	        .pSetLayouts = layouts,
	};
	VK_CHECK(vkAllocateDescriptorSets(p->ctx->device, &alloc, t->sets));
	write_target(p, t, p->picture_view);
	return 0;
fail:
	return ret;
}

/* Host writes -> the bands, 8 x 8 pixels a workgroup -> host reads (target 0)
 * or whoever reads the DMA-BUF next (the fence wait orders that). Recorded
 * before each pass, since the picture's buffer and stride may change. */
static int record(struct uhd_gpu_packer *p, struct pack_target *t, uint32_t in_stride,
                  uint32_t last_word)
{
	int ret = 0;
	VkCommandBuffer cmd = t->commands;
	VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
	VK_CHECK(vkBeginCommandBuffer(cmd, &begin));
	const VkPipelineStageFlags compute = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
	uhd_vk_barrier(cmd, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_WRITE_BIT, compute,
	               VK_ACCESS_SHADER_READ_BIT);
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->pass.pipeline);
	for (int b = 0; b < p->band_count; b++) {
		struct pack_push push = p->bands[b];
		push.in_stride = in_stride;
		push.last_word = last_word;
		vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->pass.layout, 0, 1,
		                        &t->sets[b], 0, NULL);
		vkCmdPushConstants(cmd, p->pass.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
		                   sizeof(push), &push);
		vkCmdDispatch(cmd, (push.width + 7) / 8, (push.band_rows + 7) / 8, 1);
	}
	uhd_vk_barrier(cmd, compute, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
	               VK_ACCESS_HOST_READ_BIT);
	VK_CHECK(vkEndCommandBuffer(cmd));
	return 0;
fail:
	return ret;
}

/* Bindings and commands for a target whose buffer is in place. */
static int finish_target(struct uhd_gpu_packer *p, struct pack_target *t)
{
	int ret = bind_target(p, t);
	return ret ? ret
	           : uhd_vk_commands_create(p->ctx, VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
	                                    &t->command_pool, &t->commands, &t->fence);
}

static void destroy_target(struct uhd_context *ctx, struct pack_target *t)
{
	if (t->fence) {
		vkDestroyFence(ctx->device, t->fence, NULL);
		uhd_vk_count_object(-1);
	}
	if (t->command_pool) {
		vkDestroyCommandPool(ctx->device, t->command_pool, NULL);
		uhd_vk_count_object(-1);
	}
	uhd_vk_buffer_destroy(ctx, &t->buffer);
	memset(t, 0, sizeof(*t));
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
	                                 UHD_VK_BUFFER_READBACK, "packed scanout",
	                                 &p->targets[0].buffer);
	ret = ret ? ret : create_pass(p);
	ret = ret ? ret : finish_target(p, &p->targets[0]);
	p->target_count = 1;
	if (ret < 0) {
		uhd_gpu_packer_destroy(&p);
		return ret;
	}
	*out = p;
	return 0;
}

int uhd_gpu_packer_add_dmabuf(struct uhd_gpu_packer *p, int fd, size_t size, int *target)
{
	*target = -1;
	size_t needed = p->pitch * (size_t)p->height;
	if (p->target_count == UHD_GPU_PACK_MAX_TARGETS || size < needed) {
		uhd_error("GPU packing: cannot add a %zu-byte DMA-BUF as target %d (at most %d, "
		          "each at least %zu bytes)",
		          size, p->target_count, UHD_GPU_PACK_MAX_TARGETS, needed);
		return -EINVAL;
	}
	struct pack_target *t = &p->targets[p->target_count];
	int ret = uhd_vk_buffer_import_dmabuf(p->ctx, fd, needed, &t->buffer);
	ret = ret ? ret : finish_target(p, t);
	if (ret < 0) {
		destroy_target(p->ctx, t);
		return ret;
	}
	*target = p->target_count++;
	return 0;
}

int uhd_gpu_packer_add_exported(struct uhd_gpu_packer *p, int *target, int *fd, uint8_t **map)
{
	*target = -1;
	*fd = -1;
	*map = NULL;
	if (p->target_count == UHD_GPU_PACK_MAX_TARGETS) {
		uhd_error("GPU packing: cannot add an exported target (at most %d)",
		          UHD_GPU_PACK_MAX_TARGETS);
		return -EINVAL;
	}
	struct pack_target *t = &p->targets[p->target_count];
	int ret = uhd_vk_buffer_export_dmabuf(p->ctx, p->pitch * (size_t)p->height, &t->buffer, fd);
	ret = ret ? ret : finish_target(p, t);
	if (ret < 0) {
		if (*fd >= 0) {
			close(*fd);
			*fd = -1;
		}
		destroy_target(p->ctx, t);
		return ret;
	}
	*map = t->buffer.mapped;
	*target = p->target_count++;
	return 0;
}

/* Waits for the target's pass up to timeout_ns; after a time-out the pass may
 * still be writing: wait_all then waits without limit, so that nobody reads or
 * reuses a half-written target. */
static int wait_target(struct uhd_gpu_packer *p, struct pack_target *t, uint64_t timeout_ns)
{
	VkResult result = vkWaitForFences(p->ctx->device, 1, &t->fence, VK_TRUE, timeout_ns);
	if (result == VK_SUCCESS) {
		t->submitted = false; /* finished: nothing left for wait_all to wait for */
	}
	if (result == VK_SUCCESS && uhd_fault_hit(UHD_FAULT_GPU_FENCE)) {
		result = VK_TIMEOUT;
	}
	if (result == VK_TIMEOUT) {
		return -ETIMEDOUT;
	}
	return result == VK_SUCCESS ? 0
	                            : uhd_vk_report(result, "vkWaitForFences", __FILE__, __LINE__);
}

/* The caller's rows as a buffer of their own, where the device imports host
 * memory and the picture is aligned for it; false: copy them. */
static bool import_picture(struct uhd_gpu_packer *p, const struct uhd_image *in)
{
	VkDeviceSize align = p->ctx->host_import_align;
	if (!p->ctx->host_import || align == 0 || in->stride % 4 || (uintptr_t)in->data % align) {
		return false;
	}
	VkDeviceSize bytes =
	        (VkDeviceSize)in->stride * (VkDeviceSize)(p->height - 1) + p->in_row_bytes;
	VkDeviceSize size = (bytes + align - 1) / align * align;
	VkDeviceSize view_bytes = (bytes + 3) / 4 * 4;
	if (size > UINT32_MAX || view_bytes / 4 > p->ctx->vk_limits.maxTexelBufferElements ||
	    /* The pass only reads it: the const goes for the import's sake. */
	    uhd_vk_buffer_import(p->ctx, (void *)(uintptr_t)in->data, size, &p->imported) < 0) {
		return false;
	}
	if (uhd_vk_view_create_range(p->ctx, &p->imported, 0, view_bytes, VK_FORMAT_R32_UINT, 4,
	                             &p->imported_view) < 0) {
		uhd_vk_buffer_destroy(p->ctx, &p->imported);
		return false;
	}
	p->imported_view_bytes = view_bytes;
	return true;
}

static void release_import(struct uhd_gpu_packer *p)
{
	uhd_vk_view_destroy(p->ctx, &p->imported_view);
	uhd_vk_buffer_destroy(p->ctx, &p->imported);
}

/* Binds the target to the picture, imported in place or copied into the
 * packer's own buffer, and records its pass. */
static int prepare_pass(struct uhd_gpu_packer *p, struct pack_target *t, const struct uhd_image *in)
{
	if (import_picture(p, in)) {
		p->imported_passes++;
		write_target(p, t, p->imported_view);
		return record(p, t, (uint32_t)in->stride,
		              (uint32_t)(p->imported_view_bytes / 4 - 1));
	}
	p->copied_passes++;
	uint8_t *picture = p->picture.mapped;
	for (int y = 0; y < p->height; y++) {
		memcpy(picture + (size_t)y * p->in_stride, in->data + (size_t)y * in->stride,
		       p->in_row_bytes);
	}
	write_target(p, t, p->picture_view);
	int ret = uhd_vk_buffer_flush(p->ctx, &p->picture);
	return ret ? ret
	           : record(p, t, (uint32_t)p->in_stride, (uint32_t)(p->picture.size / 4 - 1));
}

int uhd_gpu_pack_to(struct uhd_gpu_packer *p, const struct uhd_image *in, int target,
                    uint64_t timeout_ns)
{
	if (!uhd_gpu_packer_fits(p, in) || target < 0 || target >= p->target_count) {
		uhd_error("GPU packing: a %dx%d picture of %d bits (%d significant) for target %d "
		          "given to a packer made for %dx%d, %d bits (%d significant), %d targets; "
		          "make a packer for it",
		          in->width, in->height, in->bits, uhd_image_depth(in), target, p->width,
		          p->height, p->bits, p->depth, p->target_count);
		return -EINVAL;
	}
	int ret = 0;
	struct pack_target *t = &p->targets[target];
	VkSubmitInfo submit = {
	        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
	        .commandBufferCount = 1,
	        .pCommandBuffers = &t->commands,
	};
	ret = prepare_pass(p, t, in);
	if (ret < 0) {
		release_import(p);
		return ret;
	}
	t->submitted = false;
	VK_CHECK(vkResetFences(p->ctx->device, 1, &t->fence));
	VK_CHECK(uhd_vk_submit(p->ctx, &submit, t->fence));
	t->submitted = true;
	ret = wait_target(p, t, timeout_ns);
	if (ret != -ETIMEDOUT) {
		release_import(p); /* else still read: uhd_gpu_packer_wait_all releases it */
	}
	return ret;
fail:
	release_import(p);
	return ret;
}

bool uhd_gpu_packer_fits(const struct uhd_gpu_packer *p, const struct uhd_image *in)
{
	return in->width == p->width && in->height == p->height && in->bits == p->bits &&
	       uhd_image_depth(in) == p->depth && in->stride >= p->in_row_bytes;
}

void uhd_gpu_packer_counts(const struct uhd_gpu_packer *p, int64_t *imported, int64_t *copied)
{
	*imported = p->imported_passes;
	*copied = p->copied_passes;
}

int uhd_gpu_packer_wait_all(struct uhd_gpu_packer *p, uint64_t timeout_ns)
{
	for (int i = 0; i < p->target_count; i++) {
		struct pack_target *t = &p->targets[i];
		if (!t->submitted) {
			continue;
		}
		VkResult result =
		        vkWaitForFences(p->ctx->device, 1, &t->fence, VK_TRUE, timeout_ns);
		if (result == VK_TIMEOUT) {
			uhd_error("the GPU has not finished a packing pass after %llu s more; the "
			          "device looks hung: stopping (check the driver's log, or use "
			          "--scanout cpu)",
			          (unsigned long long)(timeout_ns / 1000000000ull));
			return -ETIMEDOUT;
		}
		if (result != VK_SUCCESS) {
			return uhd_vk_report(result, "vkWaitForFences", __FILE__, __LINE__);
		}
		t->submitted = false;
	}
	release_import(p);
	return 0;
}

int uhd_gpu_pack(struct uhd_gpu_packer *p, const struct uhd_image *in, uint8_t *dst)
{
	int ret = uhd_gpu_pack_to(p, in, 0, UINT64_MAX);
	ret = ret ? ret : uhd_vk_buffer_invalidate(p->ctx, &p->targets[0].buffer);
	if (ret < 0) {
		return ret;
	}
	const uint8_t *packed = p->targets[0].buffer.mapped;
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
	/* A pass that timed out may still be writing: wait for every one. */
	uhd_gpu_packer_wait_all(p, UINT64_MAX);
	for (int i = 0; i < UHD_GPU_PACK_MAX_TARGETS; i++) {
		destroy_target(ctx, &p->targets[i]);
	}
	if (p->pool) {
		vkDestroyDescriptorPool(ctx->device, p->pool, NULL);
		uhd_vk_count_object(-1);
	}
	uhd_vk_compute_destroy(ctx, &p->pass);
	release_import(p);
	uhd_vk_view_destroy(ctx, &p->picture_view);
	uhd_vk_buffer_destroy(ctx, &p->picture);
	free(p);
	*packer = NULL;
}
