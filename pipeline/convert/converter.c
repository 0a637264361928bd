/* SPDX-License-Identifier: MIT */
/*
 * GPU conversion: uploads the decoded planes and runs one or two resampling
 * stages (stage.h). Stage 1 resamples Y'CbCr (chroma from its own grid, with
 * its siting as the phase) onto the grid min(source, output) of each axis and
 * converts to R'G'B', clamped. Where an axis grows, stage 2 scales that
 * R'G'B' up to the output size: the upsample-to-4:4:4-then-scale order that
 * zimg also uses, so that out-of-range R'G'B' is clamped before interpolation. Everything is
 * created once per geometry; a frame costs one memcpy per plane and one resubmission of a command
 * buffer recorded at creation.
 *
 * Several frames can be in flight: each slot has its own upload buffers, output, command
 * buffer and fence, so the next frame is uploaded and queued while the GPU still works on
 * the previous one, and a frame's output is read back while the next one converts.
 *
 * A display orientation other than {0, false} adds one pass (orient.comp): the last stage
 * packs the scaled picture as usual, into one unturned buffer that the slots share like the
 * intermediates, and the pass copies it into the slot's output at turned coordinates. The
 * turn is not folded into the vertical passes' stores: a quarter turn scatters each
 * invocation's 2 or 4 pixels (6 or 3 bytes each) over as many rows, off word boundaries, so
 * neighbouring invocations would write the same words; and both vertical shaders and their
 * row bands would have to learn it. Without a turn nothing of this exists.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "../vk/vk.h"
#include "converter.h"
#include "frame_import.h"
#include "stage.h"
#include "hscale.comp.h"
#include "orient.comp.h"
#include "uhdpipe/convert.h"
#include "vscale_rgb.comp.h"

/* One frame in flight: what it uploads into, what it reads back from, and its commands. */
struct convert_slot {
	struct uhd_vk_buffer sources[3]; /* decoded planes, rows padded to 32-bit words */
	struct uhd_vk_buffer output;     /* packed rows as PNG stores them */
	VkCommandPool command_pool;
	VkCommandBuffer commands;
	VkFence fence;
	double upload_ms, submitted_at_ms;
	/* The frame's own planes when the GPU reads them in place; the commands
	 * are then recorded for those buffers (reads_import). */
	struct uhd_frame_import import;
	bool reads_import;
	VkDescriptorSet orient_sets[UHD_STAGE_MAX_BANDS]; /* a band of output rows each */
};

/* orient.comp's push constants: its output band and the map from a turned
 * pixel (X, Y) to the unturned one, x = origin_x + X * x_per_column + Y * x_per_row
 * (and the same for y). */
struct orient_push {
	uint32_t width, band_first_row, band_rows, stride_words;
	uint32_t unturned_stride, last_word;
	int32_t origin_x, origin_y;
	int32_t x_per_column, y_per_column, x_per_row, y_per_row;
};

/* The turn for display, when there is one (see the file's comment). */
struct convert_orient {
	struct uhd_vk_buffer unturned; /* the last stage's packed picture, shared by the slots */
	VkBufferView unturned_view;    /* RGBA32UI texels, read by orient.comp */
	struct uhd_vk_compute pass;
	struct orient_push push;
	int band_rows, band_count; /* of the turned output rows */
};

/* The converter: one stage when no axis grows, two when one does. */
struct uhd_converter {
	struct uhd_context *ctx;
	struct uhd_stream_info info;
	int width, height, out_bits, sample_bytes; /* width, height: what the scaler makes */
	struct uhd_orientation orientation;
	bool turns; /* orientation is not {0, false} */
	/* The image given out: width and height turned for display, and its row stride. */
	int turned_width, turned_height;
	size_t stride;
	struct convert_orient orient; /* when it turns */
	int stage_count;
	struct uhd_vk_buffer rgb[3]; /* first stage's R'G'B' when two stages */
	struct uhd_convert_stage stages[2];
	struct uhd_vk_compute hpass_codes, hpass_float, vpass_packed, vpass_float;
	/* --target: applied by the last vertical pass, after any scaling. */
	struct uhd_tonemap_plan tonemap;
	uint32_t tonemap_spec[UHD_TONEMAP_SPEC_COUNT];
	VkDescriptorPool pool;
	int slot_count;
	struct convert_slot slots[UHD_STAGE_MAX_SLOTS];
	int next_slot; /* the slot the next submit uses */
	int in_flight; /* submitted and not yet received */
	/* Two timestamps per slot, around its passes; none when the queue has no timer. */
	VkQueryPool timestamps;
	double timestamp_ns;
};

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

static int set_colour_constants(struct uhd_converter *conv, struct uhd_vscale_push *p)
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
	/* Samples stored shifted up (P010) are code values times 2^shift; so are
	 * the filter's sums, exactly, so scaling offsets and divisors by that
	 * power of two gives the very same R'G'B' as the unshifted layout. */
	double shift = (double)(1 << conv->info.sample_shift);
	double depth_scale = (double)(1 << (conv->info.bit_depth - 8)) * shift;
	double peak = (double)((1 << conv->info.bit_depth) - 1) * shift;
	bool full = colour->range == UHD_RANGE_FULL;
	p->offset0 = full ? 0.0f : (float)(16.0 * depth_scale);
	p->scale0 = (float)(1.0 / (full ? peak : 219.0 * depth_scale));
	p->offset12 = (float)(128.0 * depth_scale);
	p->scale12 = (float)(1.0 / (full ? peak : 224.0 * depth_scale));
	float m[3][3] = {
	        {1.0f, 0.0f, (float)(2.0 * (1.0 - kr))},
	        {1.0f, (float)(-2.0 * kb * (1.0 - kb) / kg), (float)(-2.0 * kr * (1.0 - kr) / kg)},
	        {1.0f, (float)(2.0 * (1.0 - kb)), 0.0f},
	};
	for (int r = 0; r < 3; r++) {
		memcpy(p->m[r], m[r], sizeof(m[r]));
	}
	return 0;
}

static void set_identity(struct uhd_vscale_push *p)
{
	p->offset0 = p->offset12 = 0.0f;
	p->scale0 = p->scale12 = 1.0f;
	memset(p->m, 0, sizeof(p->m));
	for (int r = 0; r < 3; r++) {
		p->m[r][r] = 1.0f;
	}
}

static int check_size(struct uhd_converter *conv)
{
	const struct uhd_device_limits *limits = uhd_context_limits(conv->ctx);
	/* The turned size is the one asked for; the limits are the same for both sides. */
	int width = conv->turned_width, height = conv->turned_height;
	if (width <= 0 || height <= 0) {
		uhd_error("output size %dx%d is empty; give --size WxH with both above 0", width,
		          height);
		return -EINVAL;
	}
	uint32_t storage_buffers = conv->ctx->vk_limits.maxPerStageDescriptorStorageBuffers;
	if (storage_buffers < 8) {
		uhd_error(
		        "the Vulkan device %s allows %u storage buffers per shader stage; uhdpipe "
		        "needs 8; choose another device with --device",
		        limits->name, storage_buffers);
		return -ENODEV;
	}
	if ((uint32_t)width > limits->max_image_dimension_2d ||
	    (uint32_t)height > limits->max_image_dimension_2d) {
		uhd_error("output size %dx%d is over the device's image limit of %u pixels a "
		          "side (%s); choose a smaller --size",
		          width, height, limits->max_image_dimension_2d, limits->name);
		return -ERANGE;
	}
	return 0;
}

static int create_buffer(struct uhd_converter *conv, VkDeviceSize bytes, enum uhd_vk_buffer_use use,
                         const char *what, struct uhd_vk_buffer *out)
{
	const struct uhd_device_limits *limits = uhd_context_limits(conv->ctx);
	if (use != UHD_VK_BUFFER_READBACK && bytes > limits->max_storage_buffer_range) {
		uhd_error("the %s needs %.1f MB, over the device's storage-buffer range of "
		          "%.1f MB (%s); choose a smaller --size",
		          what, bytes / 1e6, limits->max_storage_buffer_range / 1e6, limits->name);
		return -ERANGE;
	}
	return uhd_vk_buffer_create(conv->ctx, bytes, use, what, out);
}

/* Decoded planes: rows padded to whole 32-bit words, one set per slot.
 * Interleaved Cb/Cr (NV12, P010) stays one buffer, read by planes 1 and 2
 * through two-channel texels. */
static int create_sources(struct uhd_converter *conv, struct uhd_convert_stage *first)
{
	const struct uhd_stream_info *info = &conv->info;
	first->slot_count = conv->slot_count;
	first->in_sample_bytes = conv->sample_bytes;
	for (int i = 0; i < 3; i++) {
		int shift_w = i ? info->log2_chroma_w : 0, shift_h = i ? info->log2_chroma_h : 0;
		int channels = i && info->chroma_interleaved ? 2 : 1;
		int texel_bytes = conv->sample_bytes * channels;
		first->in_width[i] = (info->width + (1 << shift_w) - 1) >> shift_w;
		first->in_height[i] = (info->height + (1 << shift_h) - 1) >> shift_h;
		first->in_stride[i] =
		        align_up(first->in_width[i], (4 + texel_bytes - 1) / texel_bytes);
		first->in_channels[i] = channels;
		first->in_channel[i] = i == 2 && channels == 2 ? 1 : 0;
		VkDeviceSize bytes =
		        (VkDeviceSize)first->in_stride[i] * first->in_height[i] * texel_bytes;
		for (int s = 0; s < conv->slot_count; s++) {
			struct convert_slot *slot = &conv->slots[s];
			if (i == 2 && channels == 2) {
				first->slots[s].inputs[2] = &slot->sources[1];
				continue;
			}
			int ret = create_buffer(conv, bytes, UHD_VK_BUFFER_UPLOAD, "decoded plane",
			                        &slot->sources[i]);
			if (ret < 0) {
				return ret;
			}
			first->slots[s].inputs[i] = &slot->sources[i];
		}
	}
	return 0;
}

/* Bytes per packed row of width pixels: whole 12-byte groups (2 pixels of
 * 16-bit RGB, 4 of 8-bit), as the passes store whole words, aligned so that a
 * band of rows can start at any row. */
static size_t packed_stride(const struct uhd_converter *conv, int width)
{
	int pixels_per_group = conv->out_bits == 16 ? 2 : 4;
	size_t row_bytes = (size_t)(width + pixels_per_group - 1) / pixels_per_group * 12;
	size_t alignment = conv->ctx->vk_limits.minStorageBufferOffsetAlignment;
	return align_up(row_bytes, alignment > 4 ? alignment : 4);
}

/* The last stage's picture before the turn: one buffer for all slots, like the
 * intermediates (each frame's first barrier orders it after the previous
 * frame's reads). Whole 16-byte texels, so that the view reaches its last row;
 * it may pass the storage-buffer range: the stage writes it in bands. */
static int create_unturned(struct uhd_converter *conv, struct uhd_convert_stage *last)
{
	struct convert_orient *orient = &conv->orient;
	VkDeviceSize bytes = align_up(last->out_stride * (size_t)conv->height, 16);
	int ret = uhd_vk_buffer_create(conv->ctx, bytes, UHD_VK_BUFFER_DEVICE, "unturned image",
	                               &orient->unturned);
	ret = ret ? ret
	          : uhd_vk_view_create(conv->ctx, &orient->unturned, VK_FORMAT_R32G32B32A32_UINT,
	                               16, &orient->unturned_view);
	if (ret == -ERANGE) {
		uhd_error("the image before its turn for display needs %.1f MB, over the %.1f MB "
		          "that the device's texel buffers reach (%s); choose a smaller --size",
		          bytes / 1e6, conv->ctx->vk_limits.maxTexelBufferElements * 16.0 / 1e6,
		          conv->ctx->limits.name);
	}
	for (int s = 0; ret == 0 && s < conv->slot_count; s++) {
		last->slots[s].output = &orient->unturned;
	}
	return ret;
}

/* Each slot's image, as given out: the last stage's packed rows, or with a
 * turn, orient.comp's (the stage then packs into the unturned buffer). */
static int create_output(struct uhd_converter *conv, struct uhd_convert_stage *last)
{
	last->out_stride = packed_stride(conv, conv->width);
	last->out_bits = conv->out_bits;
	conv->stride = conv->turns ? packed_stride(conv, conv->turned_width) : last->out_stride;
	int ret = conv->turns ? create_unturned(conv, last) : 0;
	for (int s = 0; ret == 0 && s < conv->slot_count; s++) {
		ret = create_buffer(conv, (VkDeviceSize)conv->stride * conv->turned_height,
		                    UHD_VK_BUFFER_READBACK, "output image", &conv->slots[s].output);
		if (!conv->turns) {
			last->slots[s].output = &conv->slots[s].output;
		}
	}
	return ret;
}

/* Stage 1: Y'CbCr -> R'G'B' on the grid (mid_w, mid_h), with chroma siting. */
static void plan_first_stage(struct uhd_converter *conv, int mid_w, int mid_h,
                             struct uhd_convert_stage *stage)
{
	const struct uhd_stream_info *info = &conv->info;
	int sub_x = 1 << info->log2_chroma_w, sub_y = 1 << info->log2_chroma_h;
	enum uhd_chroma_siting siting = info->colour.siting;
	stage->out_width = mid_w;
	stage->out_height = mid_h;
	stage->x_axes[0] = (struct uhd_axis){info->width, info->width, 1, 0.5, mid_w};
	stage->x_axes[1] = (struct uhd_axis){info->width, stage->in_width[1], sub_x,
	                                     uhd_siting_phase(siting, sub_x, false), mid_w};
	stage->y_axes[0] = (struct uhd_axis){info->height, info->height, 1, 0.5, mid_h};
	stage->y_axes[1] = (struct uhd_axis){info->height, stage->in_height[1], sub_y,
	                                     uhd_siting_phase(siting, sub_y, true), mid_h};
	stage->hpass = &conv->hpass_codes;
}

/* Stage 2: R'G'B' planes (mid_w, mid_h) scaled up to the output size. */
static int plan_second_stage(struct uhd_converter *conv, int mid_w, int mid_h,
                             struct uhd_convert_stage *first, struct uhd_convert_stage *second)
{
	for (int i = 0; i < 3; i++) {
		int ret = create_buffer(conv, (VkDeviceSize)mid_w * mid_h * 4, UHD_VK_BUFFER_DEVICE,
		                        "R'G'B' plane", &conv->rgb[i]);
		if (ret < 0) {
			return ret;
		}
		first->float_outputs[i] = &conv->rgb[i];
		second->slot_count = conv->slot_count;
		for (int s = 0; s < conv->slot_count; s++) {
			second->slots[s].inputs[i] = &conv->rgb[i];
		}
		second->in_sample_bytes = 4;
		second->in_channels[i] = 1;
		second->in_width[i] = mid_w;
		second->in_height[i] = mid_h;
		second->in_stride[i] = (size_t)mid_w;
	}
	first->out_bits = 32;
	first->vpass = &conv->vpass_float;
	second->out_width = conv->width;
	second->out_height = conv->height;
	for (int t = 0; t < 2; t++) {
		second->x_axes[t] = (struct uhd_axis){mid_w, mid_w, 1, 0.5, conv->width};
		second->y_axes[t] = (struct uhd_axis){mid_h, mid_h, 1, 0.5, conv->height};
	}
	second->hpass = &conv->hpass_float;
	set_identity(&second->push);
	return 0;
}

static const VkDescriptorType hscale_bindings[3] = {
        VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
        VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
        VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
};

static const VkDescriptorType vscale_bindings[8] = {
        VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
        VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
        VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
        VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,       VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
};

/* vscale_rgb.comp's constants: the output depth (id 0) and, for the pass that
 * packs the output, tonemap.glsl's. */
static struct uhd_vk_spec vscale_spec(const struct uhd_converter *conv, uint32_t out_bits,
                                      bool tonemaps, uint32_t values[])
{
	memset(values, 0, (UHD_TONEMAP_SPEC_FIRST + UHD_TONEMAP_SPEC_COUNT) * sizeof(uint32_t));
	values[0] = out_bits;
	if (!tonemaps) {
		return (struct uhd_vk_spec){1, values};
	}
	memcpy(values + UHD_TONEMAP_SPEC_FIRST, conv->tonemap_spec, sizeof(conv->tonemap_spec));
	return (struct uhd_vk_spec){UHD_TONEMAP_SPEC_FIRST + UHD_TONEMAP_SPEC_COUNT, values};
}

static int create_pipelines(struct uhd_converter *conv)
{
	uint32_t sample_bytes = (uint32_t)conv->sample_bytes, float_bytes = 4;
	uint32_t packed_values[UHD_TONEMAP_SPEC_FIRST + UHD_TONEMAP_SPEC_COUNT];
	uint32_t float_values[UHD_TONEMAP_SPEC_FIRST + UHD_TONEMAP_SPEC_COUNT];
	struct uhd_vk_spec codes = {1, &sample_bytes}, floats = {1, &float_bytes};
	/* The last pass tone-maps, on the output grid: after any scaling. */
	struct uhd_vk_spec packed =
	        vscale_spec(conv, (uint32_t)conv->out_bits, true, packed_values);
	struct uhd_vk_spec planes = vscale_spec(conv, 32, false, float_values);
	const VkDescriptorType *htypes = hscale_bindings;
	int ret = uhd_vk_compute_create_typed(conv->ctx, hscale_comp, sizeof(hscale_comp), htypes,
	                                      3, 32, &codes, &conv->hpass_codes);
	if (ret == 0) {
		ret = uhd_vk_compute_create_typed(
		        conv->ctx, vscale_rgb_comp, sizeof(vscale_rgb_comp), vscale_bindings, 8,
		        sizeof(struct uhd_vscale_push), &packed, &conv->vpass_packed);
	}
	if (ret == 0 && conv->stage_count == 2) {
		ret = uhd_vk_compute_create_typed(conv->ctx, hscale_comp, sizeof(hscale_comp),
		                                  htypes, 3, 32, &floats, &conv->hpass_float);
	}
	if (ret == 0 && conv->stage_count == 2) {
		ret = uhd_vk_compute_create_typed(
		        conv->ctx, vscale_rgb_comp, sizeof(vscale_rgb_comp), vscale_bindings, 8,
		        sizeof(struct uhd_vscale_push), &planes, &conv->vpass_float);
	}
	return ret;
}

/* The unturned pixel of each turned one, built the way the turn is defined:
 * from the unturned picture, mirror it, then turn it a quarter clockwise
 * rotation / 90 times, each step rewriting the map for the picture it makes. */
static void plan_turn(const struct uhd_converter *conv, struct orient_push *p)
{
	int w = conv->width, h = conv->height; /* of the picture so far */
	p->origin_x = p->origin_y = 0;
	p->x_per_column = p->y_per_row = 1;
	p->y_per_column = p->x_per_row = 0;
	if (conv->orientation.hflip) {
		/* Its (X, Y) is the previous picture's (w - 1 - X, Y). */
		p->origin_x += (w - 1) * p->x_per_column;
		p->origin_y += (w - 1) * p->y_per_column;
		p->x_per_column = -p->x_per_column;
		p->y_per_column = -p->y_per_column;
	}
	for (int turn = 0; turn < conv->orientation.rotation / 90; turn++) {
		/* h x w now; its (X, Y) is the previous picture's (Y, h - 1 - X). */
		p->origin_x += (h - 1) * p->x_per_row;
		p->origin_y += (h - 1) * p->y_per_row;
		int32_t x_per_column = p->x_per_column, y_per_column = p->y_per_column;
		p->x_per_column = -p->x_per_row;
		p->y_per_column = -p->y_per_row;
		p->x_per_row = x_per_column;
		p->y_per_row = y_per_column;
		int swap = w;
		w = h;
		h = swap;
	}
}

static const VkDescriptorType orient_bindings[2] = {
        VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
        VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
};

/* orient.comp's pipeline, its bands of output rows (each within the
 * storage-buffer range) and its map. */
static int create_orient(struct uhd_converter *conv, const struct uhd_convert_stage *last)
{
	struct convert_orient *orient = &conv->orient;
	uint32_t bits = (uint32_t)conv->out_bits;
	struct uhd_vk_spec spec = {1, &bits};
	int ret = uhd_vk_compute_create_typed(conv->ctx, orient_comp, sizeof(orient_comp),
	                                      orient_bindings, 2, sizeof(struct orient_push), &spec,
	                                      &orient->pass);
	if (ret < 0) {
		return ret;
	}
	uint64_t range = conv->ctx->limits.max_storage_buffer_range;
	uint64_t rows = range / conv->stride;
	int height = conv->turned_height;
	orient->band_rows = rows < (uint64_t)height ? (int)rows : height;
	if (orient->band_rows <= 0 ||
	    (height + orient->band_rows - 1) / orient->band_rows > UHD_STAGE_MAX_BANDS) {
		uhd_error("the turned output image needs %.1f MB, over %d bands of the device's "
		          "storage-buffer range of %.1f MB (%s); choose a smaller --size",
		          (double)conv->stride * height / 1e6, UHD_STAGE_MAX_BANDS, range / 1e6,
		          conv->ctx->limits.name);
		return -ERANGE;
	}
	orient->band_count = (height + orient->band_rows - 1) / orient->band_rows;
	plan_turn(conv, &orient->push);
	orient->push.width = (uint32_t)conv->turned_width;
	orient->push.stride_words = (uint32_t)(conv->stride / 4);
	orient->push.unturned_stride = (uint32_t)last->out_stride;
	orient->push.last_word = (uint32_t)(orient->unturned.size / 4 - 1);
	return 0;
}

static int plan_stages(struct uhd_converter *conv, enum uhd_scaler scaler)
{
	int mid_w = conv->width < conv->info.width ? conv->width : conv->info.width;
	int mid_h = conv->height < conv->info.height ? conv->height : conv->info.height;
	conv->stage_count = mid_w == conv->width && mid_h == conv->height ? 1 : 2;
	struct uhd_convert_stage *first = &conv->stages[0];
	struct uhd_convert_stage *last = &conv->stages[conv->stage_count - 1];
	int ret = create_pipelines(conv);
	ret = ret ? ret : create_sources(conv, first);
	ret = ret ? ret : set_colour_constants(conv, &first->push);
	if (ret < 0) {
		return ret;
	}
	plan_first_stage(conv, mid_w, mid_h, first);
	first->vpass = &conv->vpass_packed;
	if (conv->stage_count == 2) {
		ret = plan_second_stage(conv, mid_w, mid_h, first, last);
	}
	last->vpass = &conv->vpass_packed;
	last->tonemap_spec = conv->tonemap.mode != UHD_TONEMAP_NONE ? conv->tonemap_spec : NULL;
	ret = ret ? ret : create_output(conv, last);
	for (int s = 0; ret == 0 && s < conv->stage_count; s++) {
		ret = uhd_stage_create(conv->ctx, scaler, &conv->stages[s]);
	}
	return ret || !conv->turns ? ret : create_orient(conv, last);
}

/* A set per band of the slot's turned rows, each reading the whole unturned picture. */
static int write_orient_sets(struct uhd_converter *conv, struct convert_slot *slot)
{
	int ret = 0;
	const struct convert_orient *orient = &conv->orient;
	VkDescriptorSetLayout layouts[UHD_STAGE_MAX_BANDS];
	for (int b = 0; b < orient->band_count; b++) {
		layouts[b] = orient->pass.set_layout;
	}
	VkDescriptorSetAllocateInfo alloc = {
	        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
	        .descriptorPool = conv->pool,
	        .descriptorSetCount = (uint32_t)orient->band_count,
	        .pSetLayouts = layouts,
	};
	VK_CHECK(vkAllocateDescriptorSets(conv->ctx->device, &alloc, slot->orient_sets));
	VkDeviceSize band_bytes = (VkDeviceSize)orient->band_rows * conv->stride;
	for (int b = 0; b < orient->band_count; b++) {
		VkDeviceSize offset = (VkDeviceSize)b * band_bytes;
		VkDeviceSize left = slot->output.size - offset;
		struct uhd_vk_binding bindings[2] = {
		        {.view = orient->unturned_view},
		        {.buffer = {slot->output.buffer, offset,
		                    left < band_bytes ? left : band_bytes}},
		};
		uhd_vk_write_bindings(conv->ctx, &orient->pass, slot->orient_sets[b], bindings);
	}
	return 0;
fail:
	return ret;
}

static int create_descriptor_sets(struct uhd_converter *conv)
{
	int ret = 0;
	uint32_t set_count = 0;
	for (int s = 0; s < conv->stage_count; s++) {
		set_count += (uint32_t)uhd_stage_descriptor_count(&conv->stages[s]);
	}
	if (conv->turns) {
		set_count += (uint32_t)(conv->slot_count * conv->orient.band_count);
	}
	VkDescriptorPoolSize sizes[3] = {
	        {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, set_count * 8},
	        {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, set_count * 8},
	        {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, set_count},
	};
	VkDescriptorPoolCreateInfo pool_info = {
	        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
	        .maxSets = set_count,
	        .poolSizeCount = 3,
	        .pPoolSizes = sizes,
	};
	VK_CHECK(vkCreateDescriptorPool(conv->ctx->device, &pool_info, NULL, &conv->pool));
	uhd_vk_count_object(1);
	for (int s = 0; ret == 0 && s < conv->stage_count; s++) {
		ret = uhd_stage_write_sets(conv->ctx, conv->pool, &conv->stages[s]);
	}
	for (int s = 0; ret == 0 && conv->turns && s < conv->slot_count; s++) {
		ret = write_orient_sets(conv, &conv->slots[s]);
	}
	return ret;
fail:
	return ret;
}

/* A timestamp pair per slot where the queue can time its work: the GPU time
 * of a frame then excludes the wait behind the frame before it. */
static int create_timestamps(struct uhd_converter *conv)
{
	int ret = 0;
	uint32_t count = 0;
	vkGetPhysicalDeviceQueueFamilyProperties(conv->ctx->physical, &count, NULL);
	VkQueueFamilyProperties families[16];
	count = count < 16 ? count : 16;
	vkGetPhysicalDeviceQueueFamilyProperties(conv->ctx->physical, &count, families);
	if (conv->ctx->queue_family >= count ||
	    families[conv->ctx->queue_family].timestampValidBits == 0) {
		return 0;
	}
	VkQueryPoolCreateInfo info = {
	        .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
	        .queryType = VK_QUERY_TYPE_TIMESTAMP,
	        .queryCount = (uint32_t)conv->slot_count * 2,
	};
	VK_CHECK(vkCreateQueryPool(conv->ctx->device, &info, NULL, &conv->timestamps));
	uhd_vk_count_object(1);
	conv->timestamp_ns = conv->ctx->vk_limits.timestampPeriod;
	return 0;
fail:
	return ret;
}

/* orient.comp over each band of the slot's turned rows: 8 x 8 invocations
 * a workgroup, one 12-byte group of a row each. */
static void record_orient(const struct uhd_converter *conv, const struct convert_slot *slot,
                          VkCommandBuffer cmd)
{
	const struct convert_orient *orient = &conv->orient;
	uint32_t pixels = conv->out_bits == 16 ? 2 : 4;
	uint32_t row_groups = ((uint32_t)conv->turned_width + pixels - 1) / pixels;
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, orient->pass.pipeline);
	for (int b = 0; b < orient->band_count; b++) {
		struct orient_push push = orient->push;
		int first = b * orient->band_rows, rows = conv->turned_height - first;
		push.band_first_row = (uint32_t)first;
		push.band_rows = (uint32_t)(rows < orient->band_rows ? rows : orient->band_rows);
		vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, orient->pass.layout, 0,
		                        1, &slot->orient_sets[b], 0, NULL);
		vkCmdPushConstants(cmd, orient->pass.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
		                   sizeof(push), &push);
		vkCmdDispatch(cmd, (row_groups + 7) / 8, (push.band_rows + 7) / 8, 1);
	}
}

/* Recorded once per slot; each frame resubmits its slot's. */
static int record_slot(struct uhd_converter *conv, int s)
{
	int ret = 0;
	struct convert_slot *slot = &conv->slots[s];
	VK_CHECK(vkResetCommandPool(conv->ctx->device, slot->command_pool, 0));
	VkCommandBuffer cmd = slot->commands;
	VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
	VK_CHECK(vkBeginCommandBuffer(cmd, &begin));
	uint32_t query = (uint32_t)s * 2;
	if (conv->timestamps) {
		vkCmdResetQueryPool(cmd, conv->timestamps, query, 2);
		vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, conv->timestamps,
		                    query);
	}
	const VkPipelineStageFlags compute = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
	const VkAccessFlags read_write = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
	/* The previous frame's passes (any slot's: the intermediates are shared)
	 * must be done with the buffers this one rewrites. */
	uhd_vk_barrier(cmd, VK_PIPELINE_STAGE_HOST_BIT | compute,
	               VK_ACCESS_HOST_WRITE_BIT | read_write, compute, read_write);
	for (int i = 0; i < conv->stage_count; i++) {
		if (i > 0) {
			uhd_vk_barrier(cmd, compute, VK_ACCESS_SHADER_WRITE_BIT, compute,
			               VK_ACCESS_SHADER_READ_BIT);
		}
		uhd_stage_record(&conv->stages[i], s, cmd);
	}
	if (conv->turns) {
		uhd_vk_barrier(cmd, compute, VK_ACCESS_SHADER_WRITE_BIT, compute,
		               VK_ACCESS_SHADER_READ_BIT);
		record_orient(conv, slot, cmd);
	}
	uhd_vk_barrier(cmd, compute, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
	               VK_ACCESS_HOST_READ_BIT);
	if (conv->timestamps) {
		vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, conv->timestamps,
		                    query + 1);
	}
	VK_CHECK(vkEndCommandBuffer(cmd));
	return 0;
fail:
	return ret;
}

static int record_commands(struct uhd_converter *conv)
{
	int ret = create_timestamps(conv);
	for (int s = 0; ret == 0 && s < conv->slot_count; s++) {
		struct convert_slot *slot = &conv->slots[s];
		ret = uhd_vk_commands_create(conv->ctx, 0, &slot->command_pool, &slot->commands,
		                             &slot->fence);
		ret = ret ? ret : record_slot(conv, s);
	}
	return ret;
}

/* The size given out (turned for display) and the size the scaler makes. */
static int plan_size(struct uhd_converter *conv, const struct uhd_convert_params *params)
{
	const struct uhd_stream_info *info = &conv->info;
	struct uhd_orientation orientation = params->orientation;
	int rotation = orientation.rotation;
	if (rotation != 0 && rotation != 90 && rotation != 180 && rotation != 270) {
		uhd_error("display rotation %d is not supported; the converter turns by 0, 90, 180 "
		          "or 270 degrees clockwise: give one of those",
		          rotation);
		return -EINVAL;
	}
	bool quarter = rotation == 90 || rotation == 270;
	conv->orientation = orientation;
	conv->turns = rotation != 0 || orientation.hflip;
	/* 0 means the source's own size, turned. */
	int source_width = quarter ? info->height : info->width;
	int source_height = quarter ? info->width : info->height;
	conv->turned_width = params->width ? params->width : source_width;
	conv->turned_height = params->height ? params->height : source_height;
	conv->width = quarter ? conv->turned_height : conv->turned_width;
	conv->height = quarter ? conv->turned_width : conv->turned_height;
	return check_size(conv);
}

/* --target: the plan, its constants, and what the pictures then hold. */
static int plan_tonemap(struct uhd_converter *conv, const struct uhd_target *target)
{
	char why[512];
	int ret = uhd_tonemap_plan(&conv->info.colour, target, &conv->tonemap, why, sizeof(why));
	if (ret < 0) {
		uhd_error("%s", why);
		return ret;
	}
	uhd_tonemap_spec(&conv->tonemap, conv->tonemap_spec);
	if (conv->tonemap.note[0]) {
		uhd_warn("%s", conv->tonemap.note);
	}
	return 0;
}

const struct uhd_tonemap_plan *uhd_converter_tonemap(const struct uhd_converter *conv)
{
	return &conv->tonemap;
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
	conv->slot_count = params->frames_in_flight ? params->frames_in_flight : 1;
	if (conv->slot_count < 1 || conv->slot_count > UHD_CONVERT_MAX_IN_FLIGHT) {
		uhd_error("%d frames in flight asked for; the converter holds 1 to %d",
		          conv->slot_count, UHD_CONVERT_MAX_IN_FLIGHT);
		free(conv);
		return -EINVAL;
	}
	conv->sample_bytes = info->bit_depth > 8 ? 2 : 1;
	conv->out_bits = info->bit_depth > 8 ? 16 : 8;
	int ret = plan_size(conv, params);
	if (ret == 0 && info->colour.matrix == UHD_MATRIX_BT2020_CL) {
		uhd_error("BT.2020 constant-luminance Y'CbCr is not supported; re-encode as "
		          "BT.2020 non-constant luminance (bt2020nc)");
		ret = -ENOTSUP;
	}
	ret = ret ? ret : plan_tonemap(conv, &params->target);
	ret = ret ? ret : plan_stages(conv, params->scaler);
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
	for (int s = 0; s < UHD_STAGE_MAX_SLOTS; s++) {
		struct convert_slot *slot = &conv->slots[s];
		uhd_frame_import_release(ctx, &slot->import);
		if (slot->fence) {
			vkDestroyFence(ctx->device, slot->fence, NULL);
			uhd_vk_count_object(-1);
		}
		if (slot->command_pool) {
			vkDestroyCommandPool(ctx->device, slot->command_pool, NULL);
			uhd_vk_count_object(-1);
		}
		for (int i = 0; i < 3; i++) {
			uhd_vk_buffer_destroy(ctx, &slot->sources[i]);
		}
		uhd_vk_buffer_destroy(ctx, &slot->output);
	}
	if (conv->timestamps) {
		vkDestroyQueryPool(ctx->device, conv->timestamps, NULL);
		uhd_vk_count_object(-1);
	}
	if (conv->pool) {
		vkDestroyDescriptorPool(ctx->device, conv->pool, NULL);
		uhd_vk_count_object(-1);
	}
	uhd_vk_compute_destroy(ctx, &conv->hpass_codes);
	uhd_vk_compute_destroy(ctx, &conv->hpass_float);
	uhd_vk_compute_destroy(ctx, &conv->vpass_packed);
	uhd_vk_compute_destroy(ctx, &conv->vpass_float);
	uhd_vk_compute_destroy(ctx, &conv->orient.pass);
	uhd_vk_view_destroy(ctx, &conv->orient.unturned_view);
	uhd_vk_buffer_destroy(ctx, &conv->orient.unturned);
	for (int s = 0; s < 2; s++) {
		uhd_stage_destroy(ctx, &conv->stages[s]);
	}
	for (int i = 0; i < 3; i++) {
		uhd_vk_buffer_destroy(ctx, &conv->rgb[i]);
	}
	free(conv);
	*converter = NULL;
}

static int upload_frame(struct uhd_converter *conv, struct convert_slot *slot,
                        const struct uhd_frame *frame)
{
	const struct uhd_convert_stage *first = &conv->stages[0];
	/* Interleaved chroma: plane 1's rows carry plane 2's samples too. */
	int planes = conv->info.chroma_interleaved ? 2 : 3;
	for (int i = 0; i < planes; i++) {
		const uint8_t *data;
		ptrdiff_t stride;
		int width, height;
		int ret = uhd_frame_plane(frame, i, &data, &stride, &width, &height);
		if (ret < 0 || width != first->in_width[i] || height != first->in_height[i]) {
			uhd_error("frame plane %d is %dx%d, the converter was built for %dx%d", i,
			          width, height, first->in_width[i], first->in_height[i]);
			return -EINVAL;
		}
		size_t texel_bytes = (size_t)conv->sample_bytes * first->in_channels[i];
		size_t row_bytes = (size_t)width * texel_bytes;
		size_t dst_stride = first->in_stride[i] * texel_bytes;
		uint8_t *dst = slot->sources[i].mapped;
		if ((size_t)stride == dst_stride) {
			memcpy(dst, data, dst_stride * height);
		} else {
			for (int y = 0; y < height; y++) {
				memcpy(dst + y * dst_stride, data + y * stride, row_bytes);
			}
		}
		ret = uhd_vk_buffer_flush(conv->ctx, &slot->sources[i]);
		if (ret < 0) {
			return ret;
		}
	}
	return 0;
}

/* The frame's planes into the slot: read in place where the device can
 * import them, else copied into the slot's upload buffers. The commands are
 * recorded again whenever what they read changes. */
static int take_planes(struct uhd_converter *conv, int s, const struct uhd_frame *frame)
{
	struct convert_slot *slot = &conv->slots[s];
	struct uhd_convert_stage *first = &conv->stages[0];
	int planes = conv->info.chroma_interleaved ? 2 : 3;
	int imported = uhd_frame_import(conv->ctx, first, planes, frame, &slot->import);
	if (imported < 0) {
		return imported;
	}
	if (imported || slot->reads_import) {
		struct uhd_frame_import *import = &slot->import;
		uhd_stage_bind_inputs(conv->ctx, first, s, imported ? import->views : NULL,
		                      import->strides, import->texels);
		slot->reads_import = imported;
		int ret = record_slot(conv, s);
		if (ret < 0) {
			return ret;
		}
	}
	return imported ? 0 : upload_frame(conv, slot, frame);
}

int uhd_converter_submit(struct uhd_converter *conv, const struct uhd_frame *frame)
{
	int ret = 0;
	if (conv->in_flight == conv->slot_count) {
		uhd_error("uhd_converter_submit: %d frames are in flight already; receive one "
		          "first",
		          conv->in_flight);
		return -EBUSY;
	}
	/* Its previous frame was received, so its fence has signalled. */
	struct convert_slot *slot = &conv->slots[conv->next_slot];
	double t0 = uhd_now_ms();
	ret = take_planes(conv, conv->next_slot, frame);
	if (ret < 0) {
		return ret;
	}
	slot->upload_ms = uhd_now_ms() - t0;
	VkSubmitInfo submit = {
	        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
	        .commandBufferCount = 1,
	        .pCommandBuffers = &slot->commands,
	};
	VK_CHECK(vkResetFences(conv->ctx->device, 1, &slot->fence));
	slot->submitted_at_ms = uhd_now_ms();
	VK_CHECK(uhd_vk_submit(conv->ctx, &submit, slot->fence));
	conv->next_slot = (conv->next_slot + 1) % conv->slot_count;
	conv->in_flight++;
	return 0;
fail:
	return ret;
}

int uhd_converter_in_flight(const struct uhd_converter *conv)
{
	return conv->in_flight;
}

int uhd_converter_poll(struct uhd_converter *conv)
{
	if (conv->in_flight == 0) {
		return -EAGAIN;
	}
	int s = (conv->next_slot - conv->in_flight + conv->slot_count) % conv->slot_count;
	VkResult status = vkGetFenceStatus(conv->ctx->device, conv->slots[s].fence);
	if (status == VK_SUCCESS || status == VK_NOT_READY) {
		return status == VK_SUCCESS ? 1 : 0;
	}
	return uhd_vk_report(status, "vkGetFenceStatus", __FILE__, __LINE__);
}

/* The GPU time of the slot's passes, from its timestamps; -1 without them. */
static double slot_gpu_ms(struct uhd_converter *conv, int s)
{
	uint64_t ticks[2];
	if (!conv->timestamps ||
	    vkGetQueryPoolResults(conv->ctx->device, conv->timestamps, (uint32_t)s * 2, 2,
	                          sizeof(ticks), ticks, sizeof(ticks[0]),
	                          VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT) !=
	            VK_SUCCESS) {
		return -1.0;
	}
	return (double)(ticks[1] - ticks[0]) * conv->timestamp_ns / 1e6;
}

int uhd_converter_receive(struct uhd_converter *conv, struct uhd_image *image,
                          struct uhd_convert_timing *timing)
{
	int ret = 0;
	if (conv->in_flight == 0) {
		return -EAGAIN;
	}
	int s = (conv->next_slot - conv->in_flight + conv->slot_count) % conv->slot_count;
	struct convert_slot *slot = &conv->slots[s];
	double t0 = uhd_now_ms();
	conv->in_flight--;
	VK_CHECK(vkWaitForFences(conv->ctx->device, 1, &slot->fence, VK_TRUE, UINT64_MAX));
	bool zero_copy = slot->import.held != NULL;
	uhd_frame_import_release(conv->ctx, &slot->import);
	ret = uhd_vk_buffer_invalidate(conv->ctx, &slot->output);
	if (ret < 0) {
		return ret;
	}
	double t1 = uhd_now_ms();
	if (timing) {
		double gpu_ms = slot_gpu_ms(conv, s);
		timing->upload_ms = slot->upload_ms;
		timing->gpu_ms = gpu_ms >= 0 ? gpu_ms : t1 - slot->submitted_at_ms;
		timing->wait_ms = t1 - t0;
		timing->zero_copy = zero_copy;
	}
	*image = (struct uhd_image){
	        .width = conv->turned_width,
	        .height = conv->turned_height,
	        .bits = conv->out_bits,
	        .channels = 3,
	        .stride = conv->stride,
	        .data = slot->output.mapped,
	        .colour = conv->tonemap.output,
	};
	image->colour.matrix = UHD_MATRIX_RGB;
	image->colour.range = UHD_RANGE_FULL;
	return 0;
fail:
	return ret;
}

int uhd_converter_process(struct uhd_converter *conv, const struct uhd_frame *frame,
                          struct uhd_image *image, struct uhd_convert_timing *timing)
{
	if (conv->in_flight > 0) {
		uhd_error("uhd_converter_process: %d frames are still in flight; receive them "
		          "first",
		          conv->in_flight);
		return -EBUSY;
	}
	int ret = uhd_converter_submit(conv, frame);
	return ret ? ret : uhd_converter_receive(conv, image, timing);
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
