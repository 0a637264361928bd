/* SPDX-License-Identifier: MIT */
/* Internal layout of the GPU comparer, shared by its set-up and its runs. */
#ifndef UHD_INTERNAL_COMPARER_H
#define UHD_INTERNAL_COMPARER_H

#include "../vk/vk.h"
#include "uhdpipe/quality.h"

#define UHD_COMPARE_MAX_BANDS 64
#define UHD_MSSSIM_SCALES     5
#define UHD_COMPARE_BINDINGS  10

/* Stats buffer layout in words (mirrors shaders/metrics_common.glsl). */
enum {
	STATS_COARSE = 0,
	STATS_FINE = 1024,
	STATS_SELECT = 1056,
	STATS_PIXEL = 1064,
	STATS_SSIM = 1080,
	STATS_WORDS = 1096,
	RECORD_WORDS = 12,
	REC_SSE = 0,
	REC_MAX = 6,
	REC_MAX_AT = 7,
	REC_COUNT = 8,
	REC_ITP_SUM = 9,
	REC_ITP_MAX = 10,
	REC_ITP_AT = 11,
};

struct uhd_metrics_push {
	uint32_t width, height, first_row, rows, row_base, stride, half_width, groups_x;
	uint32_t partial_base, mode;
	float code_offset, code_scale;
	float rgb_to_lms[3][4];
	float heat_scale;
	uint32_t heat_stride_words;
};

enum comparer_pipeline {
	PIPE_PIXEL,
	PIPE_SSIM_PACKED,
	PIPE_SSIM_FLOAT,
	PIPE_DOWN_PACKED,
	PIPE_DOWN_FLOAT,
	PIPE_REDUCE_PIXEL,
	PIPE_REDUCE_SSIM,
	PIPE_SELECT,
	PIPE_ITP_FINE,
	PIPE_HEAT_ITP,
	PIPE_HEAT_DIFF,
	PIPE_COUNT,
};

struct uhd_comparer {
	struct uhd_context *ctx;
	struct uhd_compare_params params;
	size_t stride; /* bytes between rows in the upload buffers */
	int band_rows, band_count;
	int scale_width[UHD_MSSSIM_SCALES], scale_height[UHD_MSSSIM_SCALES];
	int scale_count; /* SSIM scales computed: 0, 1 or 5 */
	uint32_t ssim_tiles_x[UHD_MSSSIM_SCALES], ssim_base[UHD_MSSSIM_SCALES];
	uint32_t ssim_tiles[UHD_MSSSIM_SCALES]; /* (ssim, cs) records of a scale */
	uint32_t ssim_records;                  /* all scales */
	uint32_t pixel_groups_x, pixel_groups;

	struct uhd_vk_buffer images[2]; /* ref, test */
	struct uhd_vk_buffer partials, ssim_partials, stats, itp_map;
	struct uhd_vk_buffer light_lut; /* light of every code value (deltaE ITP) */
	VkBufferView light_view;        /* its texel view (binding 8) */
	struct uhd_vk_buffer heat;      /* heat-map palette indices (diff images) */
	size_t heat_stride;             /* bytes per heat-map row */
	int lut_transfer, lut_range;    /* what light_lut holds; -1: nothing yet */
	struct uhd_vk_buffer planes[UHD_MSSSIM_SCALES][2]; /* luma at scales 1..4 */
	struct uhd_vk_compute pipes[PIPE_COUNT];
	VkDescriptorPool pool;
	VkDescriptorSet band_sets[UHD_COMPARE_MAX_BANDS];
	VkDescriptorSet scale_sets[UHD_MSSSIM_SCALES];
	/* Texel views of bindings 0 and 1: each band of the images, each
	 * MS-SSIM scale's luma planes. */
	VkBufferView band_views[UHD_COMPARE_MAX_BANDS][2];
	VkBufferView scale_views[UHD_MSSSIM_SCALES][2];
	VkCommandPool command_pool;
	VkCommandBuffer commands;
	VkFence fence;
	/* commands hold the metric passes for this colour (else re-recorded). */
	bool recorded;
	struct uhd_colour recorded_colour;
};

/* Records the metric passes for images of this colour (comparer_run.c). */
int uhd_comparer_record(struct uhd_comparer *cmp, const struct uhd_colour *colour);
/* ssim.comp's workgroup: a strip of window positions uhd_ssim_group_columns()
 * wide and UHD_SSIM_STRIP tall; each of its UHD_SSIM_GROUP_SIZE invocations
 * writes one (ssim, cs) record, workgroup by workgroup in row-major order.
 * Bands start on whole strips. */
#define UHD_SSIM_GROUP_SIZE 64u
#define UHD_SSIM_STRIP      128u
#define UHD_SSIM_SPEC_COUNT 10u
/* Window columns of a workgroup on this device: 8 per invocation on a CPU
 * driver, 2 on a GPU (see ssim.comp's COLS). */
uint32_t uhd_ssim_group_columns(const struct uhd_context *ctx);
/* ssim.comp's specialisation constants: sample bytes, the input (packed
 * R'G'B', float planes or a decoded plane's codes), the normalised 11-tap
 * Gaussian (sigma 1.5) of offsets 0..5 as float bits, the columns per
 * invocation. */
void uhd_ssim_spec(const struct uhd_context *ctx, uint32_t sample_bytes, bool float_input,
                   bool plane_input, uint32_t out[UHD_SSIM_SPEC_COUNT]);
/* A pipeline of ssim.comp (whose SPIR-V lives in comparer.c) with these bindings. */
int uhd_ssim_pipeline_create(struct uhd_context *ctx, const struct uhd_vk_spec *spec,
                             const VkDescriptorType *types, uint32_t binding_count,
                             struct uhd_vk_compute *out);
/* The same for downsample.comp (spec: SAMPLE_BYTES, FLOAT_INPUT, PLANE_INPUT). */
int uhd_downsample_pipeline_create(struct uhd_context *ctx, const struct uhd_vk_spec *spec,
                                   const VkDescriptorType *types, uint32_t binding_count,
                                   struct uhd_vk_compute *out);
/* MS-SSIM's exponents of scales 0..4 (Wang, Simoncelli, Bovik 2003). */
extern const double uhd_msssim_weights[UHD_MSSSIM_SCALES];

/* Shared by the metric run and the heat-map run (comparer_run.c). */
struct uhd_metrics_push uhd_comparer_colour_push(const struct uhd_comparer *cmp,
                                                 const struct uhd_colour *colour);
void uhd_comparer_dispatch(const struct uhd_comparer *cmp, VkCommandBuffer cmd,
                           enum comparer_pipeline pipe, VkDescriptorSet set,
                           const struct uhd_metrics_push *push, uint32_t gx, uint32_t gy);
int uhd_comparer_submit(struct uhd_comparer *cmp);

#endif
