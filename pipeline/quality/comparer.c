/* SPDX-License-Identifier: MIT */
/* The GPU comparer (see uhdpipe/quality.h): buffers, pipelines and descriptor
 * sets for one image geometry, and the metrics read back after each run. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../common/log.h"
#include "comparer.h"
#include "downsample.comp.h"
#include "heatmap.comp.h"
#include "itp_fine.comp.h"
#include "metrics_pixel.comp.h"
#include "reduce.comp.h"
#include "ssim.comp.h"

#define ROW_ALIGN   256 /* >= every device's minStorageBufferOffsetAlignment */
#define SSIM_HALO   10  /* rows below a band that its 11x11 windows reach */
#define SSIM_WINDOW 11
#define BAND_ALIGN  128 /* band rows: whole pixel-pass and SSIM tiles, even for MS-SSIM */
#define MSSSIM_MIN  (16 * (SSIM_WINDOW - 1) + 1) /* 161: scale 4 still holds a window */

_Static_assert(BAND_ALIGN % UHD_SSIM_STRIP == 0, "a band must start on an SSIM strip");

static size_t align_up(size_t value, size_t alignment)
{
	return (value + alignment - 1) / alignment * alignment;
}

static uint32_t div_up(uint32_t value, uint32_t divisor)
{
	return (value + divisor - 1) / divisor;
}

static bool wants(const struct uhd_comparer *cmp, unsigned metrics)
{
	return (cmp->params.metrics & metrics) != 0;
}

static int check_params(const struct uhd_compare_params *p)
{
	if (p->width <= 0 || p->height <= 0 || (p->bits != 8 && p->bits != 16) ||
	    (p->metrics & ~(unsigned)UHD_METRIC_ALL) || !p->metrics) {
		uhd_error("cannot compare %dx%d images of %d bits: sizes must be positive, bits 8 "
		          "or 16, and at least one metric chosen",
		          p->width, p->height, p->bits);
		return -EINVAL;
	}
	int least = (p->metrics & UHD_METRIC_MSSSIM) ? MSSSIM_MIN : SSIM_WINDOW;
	if ((p->metrics & (UHD_METRIC_SSIM | UHD_METRIC_MSSSIM)) &&
	    (p->width < least || p->height < least)) {
		uhd_error("%s needs images of at least %dx%d pixels, these are %dx%d; leave it "
		          "out of --metrics for smaller images",
		          (p->metrics & UHD_METRIC_MSSSIM) ? "MS-SSIM" : "SSIM", least, least,
		          p->width, p->height);
		return -EINVAL;
	}
	return 0;
}

/* Bands of rows (a multiple of BAND_ALIGN) whose slice of an upload buffer, with the
 * SSIM halo, fits one storage-buffer binding. */
static int plan_bands(struct uhd_comparer *cmp)
{
	/* Read as texels: a band with its halo must also fit one texel view. */
	uint64_t range = cmp->ctx->limits.max_storage_buffer_range;
	uint64_t texel_bytes = (uint64_t)cmp->ctx->vk_limits.maxTexelBufferElements *
	                       (uint64_t)(cmp->params.bits / 8);
	range = texel_bytes < range ? texel_bytes : range;
	uint64_t rows = range / cmp->stride;
	rows = rows > SSIM_HALO ? (rows - SSIM_HALO) / BAND_ALIGN * BAND_ALIGN : 0;
	uint64_t height = align_up((size_t)cmp->params.height, BAND_ALIGN);
	cmp->band_rows = (int)(rows < height ? rows : height);
	cmp->band_count =
	        cmp->band_rows ? (int)div_up((uint32_t)cmp->params.height, (uint32_t)cmp->band_rows)
	                       : 0;
	if (cmp->band_rows == 0 || cmp->band_count > UHD_COMPARE_MAX_BANDS) {
		uhd_error(
		        "%dx%d images are too wide for the device's storage-buffer or texel-buffer "
		        "range of %.1f MB (%s); compare smaller images",
		        cmp->params.width, cmp->params.height, range / 1e6, cmp->ctx->limits.name);
		return -ERANGE;
	}
	return 0;
}

static void plan_scales(struct uhd_comparer *cmp)
{
	cmp->scale_count = wants(cmp, UHD_METRIC_MSSSIM) ? UHD_MSSSIM_SCALES
	                   : wants(cmp, UHD_METRIC_SSIM) ? 1
	                                                 : 0;
	uint32_t base = 0, group_columns = uhd_ssim_group_columns(cmp->ctx);
	int w = cmp->params.width, h = cmp->params.height;
	for (int s = 0; s < UHD_MSSSIM_SCALES; s++) {
		cmp->scale_width[s] = w;
		cmp->scale_height[s] = h;
		cmp->ssim_tiles_x[s] = w > 10 ? div_up((uint32_t)w - 10, group_columns) : 0;
		cmp->ssim_tiles[s] = cmp->ssim_tiles_x[s] * UHD_SSIM_GROUP_SIZE *
		                     (h > 10 ? div_up((uint32_t)h - 10, UHD_SSIM_STRIP) : 0);
		cmp->ssim_base[s] = base;
		if (s < cmp->scale_count) {
			base += cmp->ssim_tiles[s];
		}
		cmp->ssim_records = base;
		w = (w + 1) / 2;
		h = (h + 1) / 2;
	}
	cmp->pixel_groups_x = div_up((uint32_t)cmp->params.width, 128);
	cmp->pixel_groups = cmp->pixel_groups_x * div_up((uint32_t)cmp->params.height, 16);
}

static int make_buffer(struct uhd_comparer *cmp, size_t bytes, enum uhd_vk_buffer_use use,
                       const char *what, struct uhd_vk_buffer *out)
{
	bytes = bytes < 256 ? 256 : bytes;
	if (use != UHD_VK_BUFFER_UPLOAD && bytes > cmp->ctx->limits.max_storage_buffer_range) {
		uhd_error("the %s needs %.1f MB, over the device's storage-buffer range (%s); "
		          "compare smaller images",
		          what, bytes / 1e6, cmp->ctx->limits.name);
		return -ERANGE;
	}
	return uhd_vk_buffer_create(cmp->ctx, bytes, use, what, out);
}

static int create_buffers(struct uhd_comparer *cmp)
{
	const struct uhd_compare_params *p = &cmp->params;
	size_t image_bytes = cmp->stride * (size_t)p->height;
	int ret = make_buffer(cmp, image_bytes, UHD_VK_BUFFER_UPLOAD, "reference image",
	                      &cmp->images[0]);
	ret = ret ? ret
	          : make_buffer(cmp, image_bytes, UHD_VK_BUFFER_UPLOAD, "test image",
	                        &cmp->images[1]);
	ret = ret ? ret
	          : make_buffer(cmp, (size_t)cmp->pixel_groups * RECORD_WORDS * 4,
	                        p->diff_images ? UHD_VK_BUFFER_READBACK : UHD_VK_BUFFER_DEVICE,
	                        "metric records", &cmp->partials);
	cmp->heat_stride = align_up((size_t)p->width, 4);
	ret = ret ? ret
	          : make_buffer(cmp, p->diff_images ? cmp->heat_stride * p->height : 0,
	                        UHD_VK_BUFFER_READBACK, "heat map", &cmp->heat);
	ret = ret ? ret
	          : make_buffer(cmp, (size_t)cmp->ssim_records * 8, UHD_VK_BUFFER_DEVICE,
	                        "SSIM records", &cmp->ssim_partials);
	ret = ret ? ret
	          : make_buffer(cmp, STATS_WORDS * 4, UHD_VK_BUFFER_READBACK, "metric results",
	                        &cmp->stats);
	size_t map_bytes = wants(cmp, UHD_METRIC_DELTAITP)
	                           ? (size_t)div_up((uint32_t)p->width, 2) * p->height * 4
	                           : 0;
	ret = ret ? ret
	          : make_buffer(cmp, map_bytes, UHD_VK_BUFFER_DEVICE, "deltaE ITP map",
	                        &cmp->itp_map);
	size_t lut_bytes = wants(cmp, UHD_METRIC_DELTAITP) ? ((size_t)1 << p->bits) * 4 : 0;
	ret = ret ? ret
	          : make_buffer(cmp, lut_bytes, UHD_VK_BUFFER_UPLOAD, "light table",
	                        &cmp->light_lut);
	cmp->lut_transfer = -1;
	for (int s = 1; ret == 0 && s < cmp->scale_count; s++) {
		size_t bytes = (size_t)cmp->scale_width[s] * cmp->scale_height[s] * 4;
		for (int i = 0; ret == 0 && i < 2; i++) {
			ret = make_buffer(cmp, bytes, UHD_VK_BUFFER_DEVICE, "MS-SSIM luma plane",
			                  &cmp->planes[s][i]);
		}
	}
	return ret;
}

/* Test hook: UHD_SSIM_COLUMNS=1..8 picks the layout of another kind of device
 * (a GPU's 2 on lavapipe), so that the suite runs it. */
static uint32_t ssim_invocation_columns(const struct uhd_context *ctx)
{
	const char *forced = getenv("UHD_SSIM_COLUMNS");
	if (forced && forced[0] >= '1' && forced[0] <= '8' && !forced[1]) {
		return (uint32_t)(forced[0] - '0');
	}
	return uhd_context_limits(ctx)->cpu ? 8 : 2;
}

uint32_t uhd_ssim_group_columns(const struct uhd_context *ctx)
{
	return UHD_SSIM_GROUP_SIZE * ssim_invocation_columns(ctx);
}

/* The normalised 11-tap Gaussian (sigma 1.5) of offsets 0..5, as float bits. */
static void gaussian_weights(uint32_t out[6])
{
	double w[6], sum = 0;
	for (int d = 0; d < 6; d++) {
		w[d] = exp(-(d * d) / (2 * 1.5 * 1.5));
		sum += d ? 2 * w[d] : w[d];
	}
	for (int d = 0; d < 6; d++) {
		float f = (float)(w[d] / sum);
		memcpy(&out[d], &f, 4);
	}
}

/* Bindings 0 and 1 (the images, or luma planes) and 8 (the light table) are
 * texel buffers, the rest storage buffers (metrics_common.glsl). */
#define STORAGE VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
#define TEXELS  VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER
static const VkDescriptorType binding_types[UHD_COMPARE_BINDINGS] = {
        TEXELS, TEXELS, STORAGE, STORAGE, STORAGE, STORAGE, STORAGE, STORAGE, TEXELS, STORAGE,
};
#undef STORAGE
#undef TEXELS

void uhd_ssim_spec(const struct uhd_context *ctx, uint32_t sample_bytes, bool float_input,
                   bool plane_input, uint32_t out[UHD_SSIM_SPEC_COUNT])
{
	out[0] = sample_bytes;
	out[1] = float_input;
	gaussian_weights(out + 2);
	out[8] = plane_input;
	out[9] = ssim_invocation_columns(ctx);
}

int uhd_ssim_pipeline_create(struct uhd_context *ctx, const struct uhd_vk_spec *spec,
                             const VkDescriptorType *types, uint32_t binding_count,
                             struct uhd_vk_compute *out)
{
	return uhd_vk_compute_create_typed(ctx, ssim_comp, sizeof(ssim_comp), types, binding_count,
	                                   sizeof(struct uhd_metrics_push), spec, out);
}

int uhd_downsample_pipeline_create(struct uhd_context *ctx, const struct uhd_vk_spec *spec,
                                   const VkDescriptorType *types, uint32_t binding_count,
                                   struct uhd_vk_compute *out)
{
	return uhd_vk_compute_create_typed(ctx, downsample_comp, sizeof(downsample_comp), types,
	                                   binding_count, sizeof(struct uhd_metrics_push), spec,
	                                   out);
}

static int make_pipe(struct uhd_comparer *cmp, enum comparer_pipeline pipe, const uint32_t *code,
                     size_t size, const uint32_t *spec, uint32_t spec_count)
{
	struct uhd_vk_spec s = {spec_count, spec};
	return uhd_vk_compute_create_typed(cmp->ctx, code, size, binding_types,
	                                   UHD_COMPARE_BINDINGS, sizeof(struct uhd_metrics_push),
	                                   &s, &cmp->pipes[pipe]);
}

static int create_pipelines(struct uhd_comparer *cmp)
{
	uint32_t bytes = cmp->params.bits / 8;
	uint32_t itp = wants(cmp, UHD_METRIC_DELTAITP);
	uint32_t ssim_spec[UHD_SSIM_SPEC_COUNT];
	uhd_ssim_spec(cmp->ctx, bytes, false, false, ssim_spec);
	int ret = 0;
	/* The pixel pass also gives the per-tile errors that locate the worst region. */
	if (wants(cmp, UHD_METRIC_PSNR | UHD_METRIC_DIFF | UHD_METRIC_DELTAITP) ||
	    cmp->params.diff_images) {
		uint32_t spec[2] = {bytes, itp};
		ret = make_pipe(cmp, PIPE_PIXEL, metrics_pixel_comp, sizeof(metrics_pixel_comp),
		                spec, 2);
		uint32_t reduce[1] = {0}, select[1] = {2};
		ret = ret ? ret
		          : make_pipe(cmp, PIPE_REDUCE_PIXEL, reduce_comp, sizeof(reduce_comp),
		                      reduce, 1);
		ret = ret || !itp ? ret
		                  : make_pipe(cmp, PIPE_SELECT, reduce_comp, sizeof(reduce_comp),
		                              select, 1);
		ret = ret || !itp ? ret
		                  : make_pipe(cmp, PIPE_ITP_FINE, itp_fine_comp,
		                              sizeof(itp_fine_comp), NULL, 0);
	}
	if (ret == 0 && cmp->params.diff_images) {
		uint32_t heat_itp[2] = {bytes, 0}, heat_diff[2] = {bytes, 1};
		ret = make_pipe(cmp, PIPE_HEAT_DIFF, heatmap_comp, sizeof(heatmap_comp), heat_diff,
		                2);
		ret = ret || !itp ? ret
		                  : make_pipe(cmp, PIPE_HEAT_ITP, heatmap_comp,
		                              sizeof(heatmap_comp), heat_itp, 2);
	}
	if (ret == 0 && cmp->scale_count > 0) {
		uint32_t reduce[1] = {1};
		ret = make_pipe(cmp, PIPE_SSIM_PACKED, ssim_comp, sizeof(ssim_comp), ssim_spec,
		                UHD_SSIM_SPEC_COUNT);
		ret = ret ? ret
		          : make_pipe(cmp, PIPE_REDUCE_SSIM, reduce_comp, sizeof(reduce_comp),
		                      reduce, 1);
	}
	if (ret == 0 && cmp->scale_count > 1) {
		uint32_t down_packed[2] = {bytes, 0}, down_float[2] = {2, 1};
		ssim_spec[1] = 1; /* FLOAT_INPUT */
		ret = make_pipe(cmp, PIPE_SSIM_FLOAT, ssim_comp, sizeof(ssim_comp), ssim_spec,
		                UHD_SSIM_SPEC_COUNT);
		ret = ret ? ret
		          : make_pipe(cmp, PIPE_DOWN_PACKED, downsample_comp,
		                      sizeof(downsample_comp), down_packed, 2);
		ret = ret ? ret
		          : make_pipe(cmp, PIPE_DOWN_FLOAT, downsample_comp,
		                      sizeof(downsample_comp), down_float, 2);
	}
	return ret;
}

/* The texel views of bindings 0/1 for a band (scale 0) or a scale's planes. */
static int create_views(struct uhd_comparer *cmp, int band, int scale, VkBufferView views[2])
{
	VkFormat format = cmp->params.bits == 16 ? VK_FORMAT_R16_UINT : VK_FORMAT_R8_UINT;
	uint32_t bytes = (uint32_t)cmp->params.bits / 8;
	int ret = 0;
	for (int i = 0; i < 2 && ret == 0; i++) {
		if (scale > 0) {
			ret = uhd_vk_view_create(cmp->ctx, &cmp->planes[scale][i],
			                         VK_FORMAT_R32_UINT, 4, &views[i]);
			continue;
		}
		/* Offsets are whole rows of ROW_ALIGN bytes: aligned for any device. */
		VkDeviceSize offset = (VkDeviceSize)band * cmp->band_rows * cmp->stride;
		VkDeviceSize left = cmp->images[i].size - offset;
		VkDeviceSize span = (VkDeviceSize)(cmp->band_rows + SSIM_HALO) * cmp->stride;
		ret = uhd_vk_view_create_range(cmp->ctx, &cmp->images[i], offset,
		                               left < span ? left : span, format, bytes, &views[i]);
	}
	if (ret == -ERANGE) {
		uhd_error("an MS-SSIM luma plane is over the device's limit of %u texels per texel "
		          "buffer (%s); compare smaller images",
		          cmp->ctx->vk_limits.maxTexelBufferElements, cmp->ctx->limits.name);
	}
	return ret;
}

/* The bindings of a set: the inputs (0/1) and the next scale's planes (6/7). */
static void fill_set_bindings(const struct uhd_comparer *cmp, int scale,
                              const VkBufferView views[2],
                              struct uhd_vk_binding b[UHD_COMPARE_BINDINGS])
{
	b[8].view = cmp->light_view;
	b[9].buffer = uhd_vk_whole(&cmp->heat);
	b[2].buffer = uhd_vk_whole(&cmp->partials);
	b[3].buffer = uhd_vk_whole(&cmp->ssim_partials);
	b[4].buffer = uhd_vk_whole(&cmp->stats);
	b[5].buffer = uhd_vk_whole(&cmp->itp_map);
	for (int i = 0; i < 2; i++) {
		b[i].view = views[i];
		bool next = scale + 1 < cmp->scale_count && cmp->scale_count > 1;
		b[6 + i].buffer =
		        next ? uhd_vk_whole(&cmp->planes[scale + 1][i]) : uhd_vk_whole(&cmp->stats);
	}
}

static int create_sets(struct uhd_comparer *cmp)
{
	int ret = 0;
	uint32_t count = (uint32_t)cmp->band_count + UHD_MSSSIM_SCALES;
	VkDescriptorPoolSize sizes[2] = {
	        {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, count * (UHD_COMPARE_BINDINGS - 3)},
	        {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, count * 3},
	};
	VkDescriptorPoolCreateInfo pool_info = {
	        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
	        .maxSets = count,
	        .poolSizeCount = 2,
	        .pPoolSizes = sizes,
	};
	VK_CHECK(vkCreateDescriptorPool(cmp->ctx->device, &pool_info, NULL, &cmp->pool));
	uhd_vk_count_object(1);
	ret = uhd_vk_view_create(cmp->ctx, &cmp->light_lut, VK_FORMAT_R32_SFLOAT, 4,
	                         &cmp->light_view);
	if (ret < 0) {
		return ret;
	}
	/* Every pipeline shares one layout shape; any pipeline's layout will do. */
	VkDescriptorSetLayout layout = VK_NULL_HANDLE;
	const struct uhd_vk_compute *shape = NULL;
	for (int i = 0; i < PIPE_COUNT && !layout; i++) {
		layout = cmp->pipes[i].set_layout;
		shape = &cmp->pipes[i];
	}
	for (int set = 0; set < cmp->band_count + cmp->scale_count; set++) {
		bool band = set < cmp->band_count;
		if (!band && set - cmp->band_count == 0) {
			continue; /* scale 0 reads the bands */
		}
		VkDescriptorSet *out =
		        band ? &cmp->band_sets[set] : &cmp->scale_sets[set - cmp->band_count];
		VkDescriptorSetAllocateInfo alloc = {
		        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
		        .descriptorPool = cmp->pool,
		        .descriptorSetCount = 1,
		        .pSetLayouts = &layout,
		};
		VK_CHECK(vkAllocateDescriptorSets(cmp->ctx->device, &alloc, out));
		int scale = band ? 0 : set - cmp->band_count;
		VkBufferView *views = band ? cmp->band_views[set] : cmp->scale_views[scale];
		ret = create_views(cmp, band ? set : 0, scale, views);
		if (ret < 0) {
			return ret;
		}
		struct uhd_vk_binding bindings[UHD_COMPARE_BINDINGS] = {0};
		fill_set_bindings(cmp, scale, views, bindings);
		uhd_vk_write_bindings(cmp->ctx, shape, *out, bindings);
	}
	return 0;
fail:
	return ret;
}

static int create_commands(struct uhd_comparer *cmp)
{
	/* Re-recorded when the images' colour changes or a diff image used it. */
	return uhd_vk_commands_create(cmp->ctx, VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
	                              &cmp->command_pool, &cmp->commands, &cmp->fence);
}

int uhd_comparer_create(struct uhd_context *context, const struct uhd_compare_params *params,
                        struct uhd_comparer **out)
{
	*out = NULL;
	int ret = check_params(params);
	if (ret < 0) {
		return ret;
	}
	uint32_t buffers = context->vk_limits.maxPerStageDescriptorStorageBuffers;
	if (buffers < UHD_COMPARE_BINDINGS - 3) {
		uhd_error("the Vulkan device %s allows %u storage buffers per shader stage; the "
		          "quality metrics need %d; use another device (--device)",
		          context->limits.name, buffers, UHD_COMPARE_BINDINGS - 3);
		return -ENODEV;
	}
	struct uhd_comparer *cmp = calloc(1, sizeof(*cmp));
	if (!cmp) {
		return -ENOMEM;
	}
	cmp->ctx = context;
	cmp->params = *params;
	cmp->stride = align_up((size_t)params->width * 3 * (params->bits / 8), ROW_ALIGN);
	plan_scales(cmp);
	ret = plan_bands(cmp);
	ret = ret ? ret : create_buffers(cmp);
	ret = ret ? ret : create_pipelines(cmp);
	ret = ret ? ret : create_sets(cmp);
	ret = ret ? ret : create_commands(cmp);
	if (ret < 0) {
		uhd_comparer_destroy(&cmp);
		return ret;
	}
	*out = cmp;
	return 0;
}

void uhd_comparer_destroy(struct uhd_comparer **comparer)
{
	struct uhd_comparer *cmp = *comparer;
	if (!cmp) {
		return;
	}
	struct uhd_context *ctx = cmp->ctx;
	if (cmp->fence) {
		vkDestroyFence(ctx->device, cmp->fence, NULL);
		uhd_vk_count_object(-1);
	}
	if (cmp->command_pool) {
		vkDestroyCommandPool(ctx->device, cmp->command_pool, NULL);
		uhd_vk_count_object(-1);
	}
	if (cmp->pool) {
		vkDestroyDescriptorPool(ctx->device, cmp->pool, NULL);
		uhd_vk_count_object(-1);
	}
	for (int i = 0; i < PIPE_COUNT; i++) {
		uhd_vk_compute_destroy(ctx, &cmp->pipes[i]);
	}
	struct uhd_vk_buffer *buffers[] = {&cmp->images[0],     &cmp->images[1], &cmp->partials,
	                                   &cmp->ssim_partials, &cmp->stats,     &cmp->itp_map,
	                                   &cmp->light_lut,     &cmp->heat};
	for (size_t i = 0; i < sizeof(buffers) / sizeof(buffers[0]); i++) {
		uhd_vk_buffer_destroy(ctx, buffers[i]);
	}
	for (int s = 0; s < UHD_MSSSIM_SCALES; s++) {
		for (int i = 0; i < 2; i++) {
			uhd_vk_view_destroy(ctx, &cmp->scale_views[s][i]);
			uhd_vk_buffer_destroy(ctx, &cmp->planes[s][i]);
		}
	}
	uhd_vk_view_destroy(ctx, &cmp->light_view);
	for (int b = 0; b < UHD_COMPARE_MAX_BANDS; b++) {
		uhd_vk_view_destroy(ctx, &cmp->band_views[b][0]);
		uhd_vk_view_destroy(ctx, &cmp->band_views[b][1]);
	}
	free(cmp);
	*comparer = NULL;
}

int uhd_metrics_from_names(const char *list, unsigned *metrics, const char **bad_name)
{
	static const struct {
		const char *name;
		unsigned bits;
	} names[] = {{"psnr", UHD_METRIC_PSNR},
	             {"ssim", UHD_METRIC_SSIM},
	             {"msssim", UHD_METRIC_MSSSIM},
	             {"ms-ssim", UHD_METRIC_MSSSIM},
	             {"deltaitp", UHD_METRIC_DELTAITP},
	             {"diff", UHD_METRIC_DIFF},
	             {"all", UHD_METRIC_ALL}};
	*metrics = 0;
	const char *item = list;
	while (*item) {
		size_t length = strcspn(item, ",");
		unsigned bits = 0;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !bits; i++) {
			if (strlen(names[i].name) == length &&
			    strncasecmp(item, names[i].name, length) == 0) {
				bits = names[i].bits;
			}
		}
		if (!bits) {
			*bad_name = item;
			return -EINVAL;
		}
		*metrics |= bits;
		item += length + (item[length] == ',');
	}
	if (!*metrics) {
		*bad_name = list;
		return -EINVAL;
	}
	return 0;
}
