/* SPDX-License-Identifier: MIT */
/*
 * One resampling stage of the converter: three planes on an input grid are
 * resampled along x (hscale.comp), then along y with a 3x3 matrix and a clamp
 * (vscale_rgb.comp), into either the packed output image or three float
 * R'G'B' planes for a following stage.
 */
#ifndef UHD_INTERNAL_STAGE_H
#define UHD_INTERNAL_STAGE_H

#include "../colour/tonemap.h"
#include "../vk/vk.h"
#include "filter.h"

#define UHD_STAGE_MAX_BANDS 64
/* Frames a stage can have in flight at once, each with its own inputs and output. */
#define UHD_STAGE_MAX_SLOTS 4

struct uhd_vscale_push {
	uint32_t width, band_first_row, band_rows, out_stride_words;
	uint32_t taps0, taps12, height, row_offset;
	float offset0, scale0, offset12, scale12;
	float m[3][4]; /* rows of the 3x3 matrix, padded to vec4 */
	/* vscale_periodic.comp only: where the repeating rows' first taps start. */
	uint32_t run0_first, run0_start, run12_first, run12_start;
	uint32_t last_texel0, last_texel12;
	/* Four-float texels per row of the horizontal pass's planes. */
	uint32_t plane_texels;
};

/* What differs between the frames in flight: the inputs a stage reads and the
 * packed output it writes, with the views and descriptor sets that name them.
 * The intermediate planes are shared: the frames run one after another on one
 * queue, and each frame's first barrier orders it after the previous one. */
struct uhd_stage_slot {
	struct uhd_vk_buffer *inputs[3]; /* borrowed; all slots' are the same size */
	struct uhd_vk_buffer *output;    /* borrowed; NULL when writing float planes */
	VkBufferView input_views[3];     /* of inputs, owned */
	/* What the horizontal pass reads now: input_views, or views of the
	 * decoder's own buffers (uhd_stage_bind_inputs), with their row strides
	 * and sizes in texels. */
	VkBufferView bound_views[3];
	size_t bound_stride[3];
	uint32_t bound_texels[3];
	VkDescriptorSet hsets[3], psets[3];
	VkDescriptorSet vsets[UHD_STAGE_MAX_BANDS], vpsets[UHD_STAGE_MAX_BANDS];
};

struct uhd_convert_stage {
	int out_width, out_height;
	/* Inputs and packed outputs, one set per frame in flight (set by the caller). */
	int slot_count;
	struct uhd_stage_slot slots[UHD_STAGE_MAX_SLOTS];
	/* Input plane sizes and row strides in samples. */
	int in_width[3], in_height[3];
	size_t in_stride[3];
	int in_sample_bytes; /* 1 or 2: integer code values; 4: float */
	/* Channels per texel of each input (2 where Cb and Cr are interleaved,
	 * else 1) and the one this plane reads. */
	int in_channels[3];
	uint32_t in_channel[3];
	/* Where each input plane's samples sit (see struct uhd_axis). */
	struct uhd_axis x_axes[2], y_axes[2]; /* [0] plane 0, [1] planes 1 and 2 */
	/* Output: packed rows in each slot's output (in bands), or three float planes. */
	int out_bits; /* 16 or 8: packed into output; 32: float_outputs */
	size_t out_stride;
	struct uhd_vk_buffer *float_outputs[3];
	const struct uhd_vk_compute *hpass, *vpass;
	struct uhd_vscale_push push; /* matrix, offsets and scales set by the caller */
	/* tonemap.glsl's constants for the last stage (NULL: none), given to its
	 * periodic vertical pass. */
	const uint32_t *tonemap_spec;

	/* Owned, made by uhd_stage_create. */
	/* inter_stride x in_height[i] floats: rows of out_width floats, padded to
	 * whole four-float texels (inter_views). */
	struct uhd_vk_buffer inter[3];
	int inter_stride;
	struct uhd_vk_buffer htables[2], vtables[2];
	uint32_t htaps[2];
	/* Texel views of the tables. */
	VkBufferView htable_views[2], vtable_views[2];
	/* Where a horizontal table repeats (see uhd_filter_find_run): its columns
	 * go through hscale_periodic.comp with the weights in a uniform buffer. */
	bool periodic[2];
	struct uhd_filter_run hruns[2];
	struct uhd_vk_buffer hweights[2];
	struct uhd_vk_compute hperiodic[2];
	/* The same for the vertical pass, when both of its tables repeat over a
	 * common run of rows and the width is a multiple of 4. */
	bool vperiodic;
	int vrun_first, vrun_end; /* the rows both runs cover */
	bool vrun_pairs;          /* a run has a period of 2 */
	struct uhd_vk_buffer vweights;
	struct uhd_vk_compute vperiodic_pass;
	VkBufferView inter_views[3]; /* R32G32B32A32_SFLOAT, read by both vertical passes */
	int band_rows, band_count;
};

/* Builds tables and buffers; checks each binding against the device's range. */
int uhd_stage_create(struct uhd_context *ctx, enum uhd_scaler scaler,
                     struct uhd_convert_stage *stage);
int uhd_stage_descriptor_count(const struct uhd_convert_stage *stage);
/* Allocates and writes every slot's descriptor sets from pool. */
int uhd_stage_write_sets(struct uhd_context *ctx, VkDescriptorPool pool,
                         struct uhd_convert_stage *stage);
/* The texel format plane i is read as. */
VkFormat uhd_stage_input_format(const struct uhd_convert_stage *stage, int i);
/* Points the slot's horizontal pass at other views of the input planes (NULL:
 * back to its own inputs), with row strides and sizes in texels; rewrites the
 * slot's descriptor sets, so the slot's commands must be recorded again. */
void uhd_stage_bind_inputs(struct uhd_context *ctx, struct uhd_convert_stage *stage, int slot,
                           const VkBufferView views[3], const size_t strides[3],
                           const uint32_t texels[3]);
/* Records the stage's passes for the frame in the given slot. */
void uhd_stage_record(const struct uhd_convert_stage *stage, int slot, VkCommandBuffer cmd);
void uhd_stage_destroy(struct uhd_context *ctx, struct uhd_convert_stage *stage);

#endif
