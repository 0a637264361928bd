/* SPDX-License-Identifier: MIT */
/* A resampling stage (see stage.h): tables, buffers, descriptor sets and commands. */
#include <errno.h>
#include <string.h>

#include "../common/log.h"
#include "stage.h"

#include "hscale_periodic.comp.h"
#include "vscale_periodic.comp.h"

#define GROUP_WIDTH 64
/* hscale_periodic.comp: columns per invocation, most taps, largest step, and
 * the shortest run worth its own dispatch. */
#define PERIODIC_OUTS     8
#define PERIODIC_MAX_TAPS 32
#define PERIODIC_MAX_STEP 4
#define PERIODIC_MIN_RUN  64
/* The largest offset between the phases of a period (MAX_OFFSET in both
 * periodic shaders, which size their windows by it). */
#define PERIODIC_MAX_OFFSET 16
/* Workgroups per dispatch row of the table-driven horizontal pass, and the
 * rows each of its invocations makes (ROWS in hscale.comp). */
#define TABLE_GROUPS_X 4096
#define TABLE_ROWS     4

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

/* Uploads weight arrays of PERIODIC_MAX_TAPS floats each (std140 vec4 arrays). */
static int upload_weights(struct uhd_context *ctx, const float *weights, int arrays,
                          struct uhd_vk_buffer *buffer)
{
	size_t bytes = (size_t)arrays * PERIODIC_MAX_TAPS * 4;
	int ret = uhd_vk_buffer_create(ctx, bytes, UHD_VK_BUFFER_UPLOAD, "filter weights", buffer);
	if (ret < 0) {
		return ret;
	}
	memcpy(buffer->mapped, weights, bytes);
	return uhd_vk_buffer_flush(ctx, buffer);
}

/* A filter table (kept until the passes are set up) and, where it repeats,
 * its run. */
struct table_info {
	struct uhd_filter_table table;
	bool periodic;
	struct uhd_filter_run run;
};

/* Builds one table, uploads it and looks for its repeating run: a period of
 * 2 needs both phases' weights in PERIODIC_MAX_TAPS. */
static int make_table(struct uhd_context *ctx, enum uhd_scaler scaler, const struct uhd_axis *axis,
                      struct uhd_vk_buffer *buffer, struct table_info *info)
{
	memset(info, 0, sizeof(*info));
	int ret = uhd_filter_build(scaler, axis, &info->table);
	ret = ret ? ret : upload_table(ctx, &info->table, buffer);
	int taps = info->table.taps;
	if (ret == 0 && taps <= PERIODIC_MAX_TAPS) {
		int max_period = PERIODIC_MAX_TAPS / taps;
		info->periodic = uhd_filter_find_run(&info->table, PERIODIC_MAX_STEP, max_period,
		                                     PERIODIC_MIN_RUN, &info->run);
	}
	return ret;
}

/* The run's weights, phase after phase, for a uniform buffer. */
static void run_weights(const struct table_info *info, const struct uhd_filter_run *run,
                        float out[PERIODIC_MAX_TAPS])
{
	int taps = info->table.taps;
	memset(out, 0, PERIODIC_MAX_TAPS * sizeof(float));
	memcpy(out, info->table.weights + (size_t)run->first * taps,
	       (size_t)(run->period * taps) * sizeof(float));
}

static bool offsets_fit(const struct uhd_filter_run *run)
{
	for (int p = 0; p < run->period; p++) {
		if (run->offsets[p] > PERIODIC_MAX_OFFSET) {
			return false;
		}
	}
	return true;
}

/* Specialisation constants of a run: period and offsets, packed. */
static uint32_t run_offsets(const struct uhd_filter_run *run)
{
	return (uint32_t)run->offsets[0] | (uint32_t)(run->period > 1 ? run->offsets[1] : 0) << 8;
}

static const VkDescriptorType periodic_bindings[3] = {
        VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
        VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER,
        VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
};

static const VkDescriptorType vperiodic_bindings[7] = {
        VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
        VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER,
        VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,       VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
        VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
};

/* The periodic horizontal pass of table t: its pipeline, specialised to the
 * taps, step, period and offsets, and its weights. */
static int setup_hperiodic(struct uhd_context *ctx, struct uhd_convert_stage *stage, int t,
                           const struct table_info *info)
{
	/* The periodic pass stores four columns at a time: trim the run to
	 * whole groups of four (the table-driven pass takes the rest). */
	struct uhd_filter_run run = info->run;
	int first = (run.first + 3) / 4 * 4, end = run.end / 4 * 4;
	stage->periodic[t] = info->periodic && stage->out_width % 4 == 0 && end - first >= 4;
	if (!stage->periodic[t]) {
		return 0;
	}
	uhd_filter_run_anchor(&info->table, &run, first);
	run.end = end;
	stage->periodic[t] = offsets_fit(&run);
	if (!stage->periodic[t]) {
		return 0;
	}
	stage->hruns[t] = run;
	uint32_t values[5] = {(uint32_t)stage->in_sample_bytes, (uint32_t)info->table.taps,
	                      (uint32_t)run.step, (uint32_t)run.period, run_offsets(&run)};
	struct uhd_vk_spec spec = {5, values};
	float weights[PERIODIC_MAX_TAPS];
	run_weights(info, &run, weights);
	int ret = upload_weights(ctx, weights, 1, &stage->hweights[t]);
	return ret ? ret
	           : uhd_vk_compute_create_typed(ctx, hscale_periodic_comp,
	                                         sizeof(hscale_periodic_comp), periodic_bindings, 3,
	                                         32, &spec, &stage->hperiodic[t]);
}

/* The periodic vertical pass, when both vertical tables repeat over common
 * rows; both runs are anchored at the first common row, so that phase 0 of
 * each falls on the first row of every pair the pass makes. */
static int setup_vperiodic(struct uhd_context *ctx, struct uhd_convert_stage *stage,
                           const struct table_info info[2])
{
	int first = info[0].run.first > info[1].run.first ? info[0].run.first : info[1].run.first;
	int end = info[0].run.end < info[1].run.end ? info[0].run.end : info[1].run.end;
	stage->vperiodic = info[0].periodic && info[1].periodic && end - first >= 2 &&
	                   stage->out_width % 4 == 0;
	if (!stage->vperiodic) {
		return 0;
	}
	struct uhd_filter_run runs[2] = {info[0].run, info[1].run};
	float weights[2 * PERIODIC_MAX_TAPS];
	for (int t = 0; t < 2; t++) {
		uhd_filter_run_anchor(&info[t].table, &runs[t], first);
		if (!offsets_fit(&runs[t])) {
			stage->vperiodic = false;
			return 0;
		}
		run_weights(&info[t], &runs[t], weights + t * PERIODIC_MAX_TAPS);
		uint32_t texels = (uint32_t)stage->out_width / 4 * (uint32_t)stage->in_height[t];
		*(t ? &stage->push.last_texel12 : &stage->push.last_texel0) = texels - 1;
	}
	stage->vrun_first = first;
	stage->vrun_end = end;
	stage->vrun_pairs = runs[0].period > 1 || runs[1].period > 1;
	stage->push.run0_first = (uint32_t)first;
	stage->push.run0_start = (uint32_t)runs[0].start;
	stage->push.run12_first = (uint32_t)first;
	stage->push.run12_start = (uint32_t)runs[1].start;
	uint32_t values[9] = {(uint32_t)stage->out_bits, (uint32_t)info[0].table.taps,
	                      (uint32_t)runs[0].step,    (uint32_t)info[1].table.taps,
	                      (uint32_t)runs[1].step,    (uint32_t)runs[0].period,
	                      run_offsets(&runs[0]),     (uint32_t)runs[1].period,
	                      run_offsets(&runs[1])};
	uint32_t all[UHD_TONEMAP_SPEC_FIRST + UHD_TONEMAP_SPEC_COUNT] = {0};
	memcpy(all, values, sizeof(values));
	if (stage->tonemap_spec) {
		memcpy(all + UHD_TONEMAP_SPEC_FIRST, stage->tonemap_spec,
		       UHD_TONEMAP_SPEC_COUNT * sizeof(uint32_t));
	}
	struct uhd_vk_spec spec = {
	        stage->tonemap_spec ? UHD_TONEMAP_SPEC_FIRST + UHD_TONEMAP_SPEC_COUNT : 9, all};
	int ret = upload_weights(ctx, weights, 2, &stage->vweights);
	return ret ? ret
	           : uhd_vk_compute_create_typed(ctx, vscale_periodic_comp,
	                                         sizeof(vscale_periodic_comp), vperiodic_bindings,
	                                         7, sizeof(struct uhd_vscale_push), &spec,
	                                         &stage->vperiodic_pass);
}

static int make_tables(struct uhd_context *ctx, enum uhd_scaler scaler,
                       struct uhd_convert_stage *stage)
{
	struct table_info h[2] = {0}, v[2] = {0};
	int ret = 0;
	for (int t = 0; t < 2 && ret == 0; t++) {
		ret = make_table(ctx, scaler, &stage->x_axes[t], &stage->htables[t], &h[t]);
		ret = ret ? ret
		          : make_table(ctx, scaler, &stage->y_axes[t], &stage->vtables[t], &v[t]);
		ret = ret ? ret : setup_hperiodic(ctx, stage, t, &h[t]);
		stage->htaps[t] = (uint32_t)h[t].table.taps;
	}
	if (ret == 0) {
		stage->push.taps0 = (uint32_t)v[0].table.taps;
		stage->push.taps12 = (uint32_t)v[1].table.taps;
		ret = setup_vperiodic(ctx, stage, v);
	}
	for (int t = 0; t < 2; t++) {
		uhd_filter_free(&h[t].table);
		uhd_filter_free(&v[t].table);
	}
	return ret;
}

static int create_intermediates(struct uhd_context *ctx, struct uhd_convert_stage *stage)
{
	stage->inter_stride = (stage->out_width + 3) / 4 * 4;
	stage->push.plane_texels = (uint32_t)stage->inter_stride / 4;
	for (int i = 0; i < 3; i++) {
		VkDeviceSize bytes = (VkDeviceSize)stage->inter_stride * stage->in_height[i] * 4;
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

static VkFormat sample_format(int bytes, int channels)
{
	if (channels == 2) {
		return bytes == 1 ? VK_FORMAT_R8G8_UINT : VK_FORMAT_R16G16_UINT;
	}
	return bytes == 1   ? VK_FORMAT_R8_UINT
	       : bytes == 2 ? VK_FORMAT_R16_UINT
	                    : VK_FORMAT_R32_UINT;
}

static int texel_bytes(const struct uhd_convert_stage *stage, int i)
{
	return stage->in_sample_bytes * (stage->in_channels[i] == 2 ? 2 : 1);
}

static int view_or_explain(struct uhd_context *ctx, const struct uhd_vk_buffer *buffer,
                           VkFormat format, uint32_t bytes, const char *what, VkBufferView *view)
{
	int ret = uhd_vk_view_create(ctx, buffer, format, bytes, view);
	if (ret == -ERANGE) {
		uhd_error("the %s holds %llu texels, over the device's limit of %u texels per "
		          "texel buffer (%s); choose a smaller --size",
		          what, (unsigned long long)(buffer->size / bytes),
		          ctx->vk_limits.maxTexelBufferElements, ctx->limits.name);
	}
	return ret;
}

static bool packs(const struct uhd_convert_stage *stage)
{
	return stage->slots[0].output != NULL;
}

static int create_views(struct uhd_context *ctx, struct uhd_convert_stage *stage)
{
	int ret = 0;
	for (int n = 0; n < stage->slot_count * 3 && ret == 0; n++) {
		struct uhd_stage_slot *slot = &stage->slots[n / 3];
		int i = n % 3;
		VkFormat format = sample_format(stage->in_sample_bytes, stage->in_channels[i]);
		ret = view_or_explain(ctx, slot->inputs[i], format, (uint32_t)texel_bytes(stage, i),
		                      "input plane", &slot->input_views[i]);
		slot->bound_views[i] = slot->input_views[i];
		slot->bound_stride[i] = stage->in_stride[i];
		slot->bound_texels[i] =
		        (uint32_t)(slot->inputs[i]->size / (uint32_t)texel_bytes(stage, i));
	}
	for (int t = 0; t < 2 && ret == 0; t++) {
		ret = view_or_explain(ctx, &stage->htables[t], VK_FORMAT_R32_UINT, 4,
		                      "filter table", &stage->htable_views[t]);
		ret = ret ? ret
		          : view_or_explain(ctx, &stage->vtables[t], VK_FORMAT_R32_UINT, 4,
		                            "filter table", &stage->vtable_views[t]);
	}
	for (int i = 0; i < 3 && ret == 0; i++) {
		ret = view_or_explain(ctx, &stage->inter[i], VK_FORMAT_R32G32B32A32_SFLOAT, 16,
		                      "horizontal-pass plane", &stage->inter_views[i]);
	}
	return ret;
}

static void plan_bands(struct uhd_context *ctx, struct uhd_convert_stage *stage)
{
	stage->band_rows = stage->out_height;
	stage->band_count = 1;
	if (!packs(stage)) {
		return;
	}
	uint64_t rows = ctx->limits.max_storage_buffer_range / stage->out_stride;
	stage->band_rows = rows < (uint64_t)stage->out_height ? (int)rows : stage->out_height;
	stage->band_count = (stage->out_height + stage->band_rows - 1) / stage->band_rows;
}

int uhd_stage_create(struct uhd_context *ctx, enum uhd_scaler scaler,
                     struct uhd_convert_stage *stage)
{
	if (stage->slot_count < 1 || stage->slot_count > UHD_STAGE_MAX_SLOTS) {
		return -EINVAL;
	}
	int ret = make_tables(ctx, scaler, stage);
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
	ret = create_intermediates(ctx, stage);
	return ret ? ret : create_views(ctx, stage);
}

int uhd_stage_descriptor_count(const struct uhd_convert_stage *stage)
{
	return stage->slot_count * (6 + 2 * stage->band_count);
}

/* Outputs of band b: the band's rows of the slot's packed image, or the float planes. */
static void band_outputs(const struct uhd_convert_stage *stage, const struct uhd_stage_slot *slot,
                         int b, VkDescriptorBufferInfo out[3])
{
	if (!slot->output) {
		for (int i = 0; i < 3; i++) {
			out[i] = uhd_vk_whole(stage->float_outputs[i]);
		}
		return;
	}
	VkDeviceSize band_bytes = (VkDeviceSize)stage->band_rows * stage->out_stride;
	VkDeviceSize offset = (VkDeviceSize)b * band_bytes;
	VkDeviceSize left = slot->output->size - offset;
	VkDescriptorBufferInfo info = {slot->output->buffer, offset,
	                               left < band_bytes ? left : band_bytes};
	out[0] = out[1] = out[2] = info; /* bindings 6 and 7 are unused when packing */
}

static int alloc_periodic_sets(struct uhd_context *ctx, VkDescriptorPool pool,
                               struct uhd_convert_stage *stage, struct uhd_stage_slot *slot)
{
	int ret = 0;
	for (int i = 0; i < 3; i++) {
		int t = i ? 1 : 0;
		if (!stage->periodic[t]) {
			continue;
		}
		VkDescriptorSetAllocateInfo alloc = {
		        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
		        .descriptorPool = pool,
		        .descriptorSetCount = 1,
		        .pSetLayouts = &stage->hperiodic[t].set_layout,
		};
		VK_CHECK(vkAllocateDescriptorSets(ctx->device, &alloc, &slot->psets[i]));
	}
	return 0;
fail:
	return ret;
}

/* The horizontal pass's sets (table-driven and periodic) for the bound views. */
static void write_horizontal_sets(struct uhd_context *ctx, const struct uhd_convert_stage *stage,
                                  const struct uhd_stage_slot *slot)
{
	for (int i = 0; i < 3; i++) {
		int t = i ? 1 : 0;
		struct uhd_vk_binding bindings[3] = {
		        {.view = slot->bound_views[i]},
		        {.view = stage->htable_views[t]},
		        {.buffer = uhd_vk_whole(&stage->inter[i])},
		};
		uhd_vk_write_bindings(ctx, stage->hpass, slot->hsets[i], bindings);
		if (stage->periodic[t]) {
			bindings[1] = (struct uhd_vk_binding){
			        .buffer = uhd_vk_whole(&stage->hweights[t])};
			uhd_vk_write_bindings(ctx, &stage->hperiodic[t], slot->psets[i], bindings);
		}
	}
}

VkFormat uhd_stage_input_format(const struct uhd_convert_stage *stage, int i)
{
	return sample_format(stage->in_sample_bytes, stage->in_channels[i]);
}

void uhd_stage_bind_inputs(struct uhd_context *ctx, struct uhd_convert_stage *stage, int s,
                           const VkBufferView views[3], const size_t strides[3],
                           const uint32_t texels[3])
{
	struct uhd_stage_slot *slot = &stage->slots[s];
	for (int i = 0; i < 3; i++) {
		slot->bound_views[i] = views ? views[i] : slot->input_views[i];
		slot->bound_stride[i] = views ? strides[i] : stage->in_stride[i];
		slot->bound_texels[i] =
		        views ? texels[i]
		              : (uint32_t)(slot->inputs[i]->size / (uint32_t)texel_bytes(stage, i));
	}
	write_horizontal_sets(ctx, stage, slot);
}

static int write_vperiodic_sets(struct uhd_context *ctx, VkDescriptorPool pool,
                                struct uhd_convert_stage *stage, struct uhd_stage_slot *slot)
{
	int ret = 0;
	for (int b = 0; b < stage->band_count && stage->vperiodic; b++) {
		VkDescriptorSetAllocateInfo alloc = {
		        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
		        .descriptorPool = pool,
		        .descriptorSetCount = 1,
		        .pSetLayouts = &stage->vperiodic_pass.set_layout,
		};
		VK_CHECK(vkAllocateDescriptorSets(ctx->device, &alloc, &slot->vpsets[b]));
		VkDescriptorBufferInfo outputs[3];
		band_outputs(stage, slot, b, outputs);
		struct uhd_vk_binding bindings[7] = {
		        {.view = stage->inter_views[0]}, {.view = stage->inter_views[1]},
		        {.view = stage->inter_views[2]}, {.buffer = uhd_vk_whole(&stage->vweights)},
		        {.buffer = outputs[0]},          {.buffer = outputs[1]},
		        {.buffer = outputs[2]},
		};
		uhd_vk_write_bindings(ctx, &stage->vperiodic_pass, slot->vpsets[b], bindings);
	}
	return 0;
fail:
	return ret;
}

static int write_slot_sets(struct uhd_context *ctx, VkDescriptorPool pool,
                           struct uhd_convert_stage *stage, struct uhd_stage_slot *slot)
{
	int ret = 0;
	int count = 3 + stage->band_count;
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
		slot->hsets[i] = sets[i];
	}
	ret = alloc_periodic_sets(ctx, pool, stage, slot);
	if (ret < 0) {
		return ret;
	}
	write_horizontal_sets(ctx, stage, slot);
	for (int b = 0; b < stage->band_count; b++) {
		slot->vsets[b] = sets[3 + b];
		VkDescriptorBufferInfo outputs[3];
		band_outputs(stage, slot, b, outputs);
		struct uhd_vk_binding bindings[8] = {
		        {.view = stage->inter_views[0]},  {.view = stage->inter_views[1]},
		        {.view = stage->inter_views[2]},  {.view = stage->vtable_views[0]},
		        {.view = stage->vtable_views[1]}, {.buffer = outputs[0]},
		        {.buffer = outputs[1]},           {.buffer = outputs[2]},
		};
		uhd_vk_write_bindings(ctx, stage->vpass, slot->vsets[b], bindings);
	}
	return write_vperiodic_sets(ctx, pool, stage, slot);
fail:
	return ret;
}

int uhd_stage_write_sets(struct uhd_context *ctx, VkDescriptorPool pool,
                         struct uhd_convert_stage *stage)
{
	int ret = 0;
	for (int s = 0; s < stage->slot_count && ret == 0; s++) {
		ret = write_slot_sets(ctx, pool, stage, &stage->slots[s]);
	}
	return ret;
}

static uint32_t groups(uint32_t count, uint32_t size)
{
	return (count + size - 1) / size;
}

/* Columns [first, end) of plane i through the table-driven pass. */
static void record_table_columns(const struct uhd_convert_stage *stage,
                                 const struct uhd_stage_slot *slot, VkCommandBuffer cmd, int i,
                                 uint32_t first, uint32_t end)
{
	if (first >= end) {
		return;
	}
	const struct uhd_vk_compute *pass = stage->hpass;
	uint32_t push[8] = {(uint32_t)slot->bound_stride[i],
	                    (uint32_t)stage->in_height[i],
	                    (uint32_t)stage->out_width,
	                    stage->htaps[i ? 1 : 0],
	                    first,
	                    end,
	                    stage->in_channel[i],
	                    (uint32_t)stage->inter_stride};
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pass->pipeline);
	vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pass->layout, 0, 1,
	                        &slot->hsets[i], 0, NULL);
	vkCmdPushConstants(cmd, pass->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push), push);
	/* Invocations (four columns of TABLE_ROWS rows each) are numbered row
	 * group by row group (see hscale.comp), in rows of TABLE_GROUPS_X
	 * workgroups, within every device's dispatch limits. */
	uint32_t row_groups = groups((uint32_t)stage->in_height[i], TABLE_ROWS);
	uint32_t total = groups(groups(end - first, 4) * row_groups, GROUP_WIDTH);
	uint32_t x_groups = total < TABLE_GROUPS_X ? total : TABLE_GROUPS_X;
	vkCmdDispatch(cmd, x_groups, groups(total, x_groups), 1);
}

/* The repeating columns of plane i through the periodic pass. */
static void record_periodic_columns(const struct uhd_convert_stage *stage,
                                    const struct uhd_stage_slot *slot, VkCommandBuffer cmd, int i)
{
	const struct uhd_filter_run *run = &stage->hruns[i ? 1 : 0];
	const struct uhd_vk_compute *pass = &stage->hperiodic[i ? 1 : 0];
	uint32_t texels = slot->bound_texels[i];
	uint32_t push[8] = {(uint32_t)slot->bound_stride[i],
	                    (uint32_t)stage->in_height[i],
	                    (uint32_t)stage->inter_stride, /* out_width: a multiple of 4 */
	                    (uint32_t)run->first,
	                    (uint32_t)run->end,
	                    (uint32_t)run->start,
	                    texels - 1,
	                    stage->in_channel[i]};
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pass->pipeline);
	vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pass->layout, 0, 1,
	                        &slot->psets[i], 0, NULL);
	vkCmdPushConstants(cmd, pass->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push), push);
	uint32_t invocations = groups((uint32_t)(run->end - run->first), PERIODIC_OUTS);
	vkCmdDispatch(cmd, groups(invocations, GROUP_WIDTH), (uint32_t)stage->in_height[i], 1);
}

static void record_horizontal(const struct uhd_convert_stage *stage,
                              const struct uhd_stage_slot *slot, VkCommandBuffer cmd)
{
	uint32_t width = (uint32_t)stage->out_width;
	for (int i = 0; i < 3; i++) {
		if (!stage->periodic[i ? 1 : 0]) {
			record_table_columns(stage, slot, cmd, i, 0, width);
			continue;
		}
		const struct uhd_filter_run *run = &stage->hruns[i ? 1 : 0];
		record_table_columns(stage, slot, cmd, i, 0, (uint32_t)run->first);
		record_periodic_columns(stage, slot, cmd, i);
		record_table_columns(stage, slot, cmd, i, (uint32_t)run->end, width);
	}
}

/* Band-relative rows [first, end) of band b through pass (generic or periodic). */
static void record_rows(const struct uhd_convert_stage *stage, const struct uhd_stage_slot *slot,
                        VkCommandBuffer cmd, int b, int first, int end, bool periodic)
{
	if (first >= end) {
		return;
	}
	const struct uhd_vk_compute *pass = periodic ? &stage->vperiodic_pass : stage->vpass;
	VkDescriptorSet set = periodic ? slot->vpsets[b] : slot->vsets[b];
	struct uhd_vscale_push push = stage->push;
	push.band_first_row = (uint32_t)(b * stage->band_rows);
	push.band_rows = (uint32_t)end;
	push.row_offset = (uint32_t)first;
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pass->pipeline);
	vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pass->layout, 0, 1, &set, 0,
	                        NULL);
	vkCmdPushConstants(cmd, pass->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push), &push);
	/* Four adjacent pixels per invocation in both passes. */
	uint32_t pixel_groups = groups((uint32_t)stage->out_width, 4);
	/* Output rows per invocation: 2 in the periodic pass (vscale_periodic.comp). */
	uint32_t rows = groups((uint32_t)(end - first), periodic ? 2 : 1);
	vkCmdDispatch(cmd, groups(pixel_groups, GROUP_WIDTH), rows, 1);
}

static int clamp_int(int value, int low, int high)
{
	return value < low ? low : value > high ? high : value;
}

static void record_vertical(const struct uhd_convert_stage *stage,
                            const struct uhd_stage_slot *slot, VkCommandBuffer cmd)
{
	for (int b = 0; b < stage->band_count; b++) {
		int band_first = b * stage->band_rows;
		int rows = stage->out_height - band_first;
		rows = rows < stage->band_rows ? rows : stage->band_rows;
		if (!stage->vperiodic) {
			record_rows(stage, slot, cmd, b, 0, rows, false);
			continue;
		}
		/* The band's rows before, inside and after the repeating run. A
		 * period of 2 needs each pair of rows to start on phase 0: an
		 * even number of rows after the run's first. */
		int first = clamp_int(stage->vrun_first - band_first, 0, rows);
		if (stage->vrun_pairs && (band_first + first - stage->vrun_first) % 2 != 0) {
			first = first + 1 < rows ? first + 1 : rows;
		}
		int end = clamp_int(stage->vrun_end - band_first, first, rows);
		record_rows(stage, slot, cmd, b, 0, first, false);
		record_rows(stage, slot, cmd, b, first, end, true);
		record_rows(stage, slot, cmd, b, end, rows, false);
	}
}

void uhd_stage_record(const struct uhd_convert_stage *stage, int slot, VkCommandBuffer cmd)
{
	record_horizontal(stage, &stage->slots[slot], cmd);
	uhd_vk_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
	               VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
	record_vertical(stage, &stage->slots[slot], cmd);
}

void uhd_stage_destroy(struct uhd_context *ctx, struct uhd_convert_stage *stage)
{
	uhd_vk_compute_destroy(ctx, &stage->vperiodic_pass);
	uhd_vk_buffer_destroy(ctx, &stage->vweights);
	for (int n = 0; n < UHD_STAGE_MAX_SLOTS * 3; n++) {
		uhd_vk_view_destroy(ctx, &stage->slots[n / 3].input_views[n % 3]);
	}
	for (int i = 0; i < 3; i++) {
		uhd_vk_view_destroy(ctx, &stage->inter_views[i]);
		uhd_vk_buffer_destroy(ctx, &stage->inter[i]);
	}
	for (int t = 0; t < 2; t++) {
		uhd_vk_compute_destroy(ctx, &stage->hperiodic[t]);
		uhd_vk_buffer_destroy(ctx, &stage->hweights[t]);
		uhd_vk_view_destroy(ctx, &stage->htable_views[t]);
		uhd_vk_view_destroy(ctx, &stage->vtable_views[t]);
		uhd_vk_buffer_destroy(ctx, &stage->htables[t]);
		uhd_vk_buffer_destroy(ctx, &stage->vtables[t]);
	}
}
