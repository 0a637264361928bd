/* SPDX-License-Identifier: MIT */
/* One comparison: upload both images, record the passes for their colour,
 * submit, and turn the reduced GPU results into metrics. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "comparer.h"
#include "itp_matrix.h"

const double uhd_msssim_weights[UHD_MSSSIM_SCALES] = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};

static uint32_t div_up(uint32_t value, uint32_t divisor)
{
	return (value + divisor - 1) / divisor;
}

static void compute_barrier(VkCommandBuffer cmd)
{
	const VkAccessFlags rw = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
	uhd_vk_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, rw,
	               VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, rw);
}

/* Push constants common to every pass of a run: the colour of the images. */
struct uhd_metrics_push uhd_comparer_colour_push(const struct uhd_comparer *cmp,
                                                 const struct uhd_colour *colour)
{
	struct uhd_metrics_push p = {0};
	double lms[3][3], luma[3];
	if (!uhd_itp_rgb_to_lms(colour->primaries, lms, luma)) {
		uhd_debug("primaries %d have no table; deltaE ITP and SSIM luma assume BT.709",
		          colour->primaries);
	}
	for (int r = 0; r < 3; r++) {
		for (int c = 0; c < 3; c++) {
			p.rgb_to_lms[r][c] = (float)lms[r][c];
		}
		p.rgb_to_lms[r][3] = (float)luma[r];
	}
	p.mode = colour->transfer == UHD_TRANSFER_PQ    ? 1
	         : colour->transfer == UHD_TRANSFER_HLG ? 2
	                                                : 0;
	double max = cmp->params.bits == 16 ? 65535.0 : 255.0;
	double black = 0, white = max;
	if (colour->range == UHD_RANGE_LIMITED) {
		black = cmp->params.bits == 16 ? 16 * 256 : 16;
		white = cmp->params.bits == 16 ? 235 * 256 : 235;
	}
	p.code_offset = (float)black;
	p.code_scale = (float)(1.0 / (white - black));
	p.width = (uint32_t)cmp->params.width;
	p.height = (uint32_t)cmp->params.height;
	p.half_width = div_up(p.width, 2);
	p.heat_stride_words = (uint32_t)(cmp->heat_stride / 4);
	return p;
}

void uhd_comparer_dispatch(const struct uhd_comparer *cmp, VkCommandBuffer cmd,
                           enum comparer_pipeline pipe, VkDescriptorSet set,
                           const struct uhd_metrics_push *push, uint32_t gx, uint32_t gy)
{
	const struct uhd_vk_compute *c = &cmp->pipes[pipe];
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, c->pipeline);
	vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, c->layout, 0, 1, &set, 0,
	                        NULL);
	vkCmdPushConstants(cmd, c->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(*push), push);
	vkCmdDispatch(cmd, gx, gy, 1);
}

/* Scale 0 reads the packed images band by band. */
static void record_bands(const struct uhd_comparer *cmp, VkCommandBuffer cmd,
                         struct uhd_metrics_push p)
{
	uint32_t h = p.height, valid_h = h - 10, down_h = div_up(h, 2);
	for (int b = 0; b < cmp->band_count; b++) {
		uint32_t first = (uint32_t)(b * cmp->band_rows), rows = (uint32_t)cmp->band_rows;
		p.row_base = first;
		p.stride = (uint32_t)cmp->stride / (cmp->params.bits / 8);
		p.first_row = first;
		if (cmp->pipes[PIPE_PIXEL].pipeline && first < h) {
			p.rows = first + rows > h ? h - first : rows;
			p.groups_x = cmp->pixel_groups_x;
			uhd_comparer_dispatch(cmp, cmd, PIPE_PIXEL, cmp->band_sets[b], &p,
			                      cmp->pixel_groups_x, div_up(p.rows, 16));
		}
		if (cmp->scale_count > 0 && first < valid_h) {
			p.rows = first + rows > valid_h ? valid_h - first : rows;
			p.groups_x = cmp->ssim_tiles_x[0];
			p.partial_base = cmp->ssim_base[0];
			uhd_comparer_dispatch(cmp, cmd, PIPE_SSIM_PACKED, cmp->band_sets[b], &p,
			                      cmp->ssim_tiles_x[0], div_up(p.rows, UHD_SSIM_STRIP));
		}
		if (cmp->scale_count > 1 && first / 2 < down_h) {
			p.first_row = first / 2;
			p.rows = first / 2 + rows / 2 > down_h ? down_h - first / 2 : rows / 2;
			uhd_comparer_dispatch(cmp, cmd, PIPE_DOWN_PACKED, cmp->band_sets[b], &p,
			                      div_up(div_up(p.width, 2), 16), div_up(p.rows, 16));
		}
	}
}

/* MS-SSIM scales 1..4 read float luma planes, each made from the one before. */
static void record_scales(const struct uhd_comparer *cmp, VkCommandBuffer cmd,
                          struct uhd_metrics_push p)
{
	for (int s = 1; s < cmp->scale_count; s++) {
		compute_barrier(cmd);
		p.width = (uint32_t)cmp->scale_width[s];
		p.height = (uint32_t)cmp->scale_height[s];
		p.row_base = 0;
		p.stride = p.width;
		p.first_row = 0;
		p.rows = p.height - 10;
		p.groups_x = cmp->ssim_tiles_x[s];
		p.partial_base = cmp->ssim_base[s];
		uhd_comparer_dispatch(cmp, cmd, PIPE_SSIM_FLOAT, cmp->scale_sets[s], &p,
		                      cmp->ssim_tiles_x[s], div_up(p.rows, UHD_SSIM_STRIP));
		if (s + 1 < cmp->scale_count) {
			p.rows = div_up(p.height, 2);
			uhd_comparer_dispatch(cmp, cmd, PIPE_DOWN_FLOAT, cmp->scale_sets[s], &p,
			                      div_up(div_up(p.width, 2), 16), div_up(p.rows, 16));
		}
	}
}

static void record_reductions(const struct uhd_comparer *cmp, VkCommandBuffer cmd,
                              struct uhd_metrics_push p)
{
	VkDescriptorSet set = cmp->band_sets[0];
	if (cmp->pipes[PIPE_PIXEL].pipeline) {
		p.rows = cmp->pixel_groups;
		uhd_comparer_dispatch(cmp, cmd, PIPE_REDUCE_PIXEL, set, &p, 1, 1);
	}
	for (int s = 0; s < cmp->scale_count; s++) {
		p.rows = cmp->ssim_tiles[s];
		p.partial_base = cmp->ssim_base[s];
		p.mode = (uint32_t)s;
		uhd_comparer_dispatch(cmp, cmd, PIPE_REDUCE_SSIM, set, &p, 1, 1);
	}
	if (cmp->pipes[PIPE_SELECT].pipeline) {
		p.rows = (uint32_t)cmp->params.width * (uint32_t)cmp->params.height;
		uhd_comparer_dispatch(cmp, cmd, PIPE_SELECT, set, &p, 1, 1);
		compute_barrier(cmd);
		p.rows = p.height;
		uhd_comparer_dispatch(cmp, cmd, PIPE_ITP_FINE, set, &p, div_up(p.half_width, 16),
		                      div_up(p.height, 16));
	}
}

/* The light table for deltaE ITP, in double precision: display light in
 * cd/m2 for PQ (ST 2084) and SDR (BT.1886, 100 cd/m2, zero black), scene
 * light for HLG (BT.2100 inverse OETF; the OOTF mixes channels, so it stays
 * in the shader). */
static int fill_light_lut(struct uhd_comparer *cmp, const struct uhd_colour *colour,
                          const struct uhd_metrics_push *p)
{
	if (!(cmp->params.metrics & UHD_METRIC_DELTAITP) ||
	    (cmp->lut_transfer == colour->transfer && cmp->lut_range == (int)colour->range)) {
		return 0;
	}
	float *lut = cmp->light_lut.mapped;
	int codes = 1 << cmp->params.bits;
	for (int code = 0; code < codes; code++) {
		double e = (code - (double)p->code_offset) * p->code_scale;
		e = e < 0 ? 0 : e > 1 ? 1 : e;
		double light = p->mode == 1   ? uhd_pq_eotf(e)
		               : p->mode == 2 ? uhd_hlg_inverse_oetf(e)
		                              : 100 * pow(e, 2.4);
		lut[code] = (float)light;
	}
	cmp->lut_transfer = colour->transfer;
	cmp->lut_range = (int)colour->range;
	return uhd_vk_buffer_flush(cmp->ctx, &cmp->light_lut);
}

int uhd_comparer_record(struct uhd_comparer *cmp, const struct uhd_colour *colour)
{
	int ret = 0;
	VkCommandBuffer cmd = cmp->commands;
	VK_CHECK(vkResetCommandBuffer(cmd, 0));
	VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
	VK_CHECK(vkBeginCommandBuffer(cmd, &begin));
	vkCmdFillBuffer(cmd, cmp->stats.buffer, 0, VK_WHOLE_SIZE, 0);
	uhd_vk_barrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_HOST_BIT,
	               VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_HOST_WRITE_BIT,
	               VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
	               VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
	struct uhd_metrics_push p = uhd_comparer_colour_push(cmp, colour);
	ret = fill_light_lut(cmp, colour, &p);
	if (ret < 0) {
		return ret;
	}
	record_bands(cmp, cmd, p);
	record_scales(cmp, cmd, p);
	compute_barrier(cmd);
	record_reductions(cmp, cmd, p);
	uhd_vk_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
	               VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
	VK_CHECK(vkEndCommandBuffer(cmd));
	return 0;
fail:
	return ret;
}

static bool same_colour(const struct uhd_colour *a, const struct uhd_colour *b)
{
	return a->primaries == b->primaries && a->transfer == b->transfer && a->range == b->range;
}

static int check_images(const struct uhd_comparer *cmp, const struct uhd_image *ref,
                        const struct uhd_image *test)
{
	const struct uhd_compare_params *p = &cmp->params;
	const struct uhd_image *images[2] = {ref, test};
	for (int i = 0; i < 2; i++) {
		const struct uhd_image *im = images[i];
		if (im->width != p->width || im->height != p->height || im->bits != p->bits ||
		    im->channels != 3) {
			uhd_error("the %s image is %dx%d with %d bits per channel, the comparison "
			          "was set up for %dx%d with %d bits",
			          i ? "test" : "reference", im->width, im->height, im->bits,
			          p->width, p->height, p->bits);
			return -EINVAL;
		}
	}
	if (!same_colour(&ref->colour, &test->colour)) {
		uhd_error(
		        "the images have different colour descriptions (reference %s/%s/%s, "
		        "test %s/%s/%s); compare images of the same primaries, transfer and range",
		        uhd_primaries_name(ref->colour.primaries),
		        uhd_transfer_name(ref->colour.transfer), uhd_range_name(ref->colour.range),
		        uhd_primaries_name(test->colour.primaries),
		        uhd_transfer_name(test->colour.transfer),
		        uhd_range_name(test->colour.range));
		return -EINVAL;
	}
	return 0;
}

static void upload(struct uhd_comparer *cmp, int which, const struct uhd_image *image)
{
	size_t row = (size_t)image->width * 3 * (image->bits / 8);
	uint8_t *dst = cmp->images[which].mapped;
	for (int y = 0; y < image->height; y++) {
		memcpy(dst + (size_t)y * cmp->stride, image->data + (size_t)y * image->stride, row);
	}
}

static float word_float(uint32_t word)
{
	float f;
	memcpy(&f, &word, 4);
	return f;
}

static double half_to_double(uint32_t bits)
{
	int exponent = (bits >> 10) & 0x1f;
	double mantissa = bits & 0x3ff;
	if (exponent == 0x1f) {
		return mantissa ? NAN : INFINITY;
	}
	return exponent ? ldexp(1024 + mantissa, exponent - 25) : ldexp(mantissa, -24);
}

static void read_pixel_metrics(const struct uhd_comparer *cmp, const uint32_t *stats,
                               struct uhd_metrics *m)
{
	const uint32_t *rec = stats + STATS_PIXEL;
	double pixels = (double)cmp->params.width * cmp->params.height;
	double peak = cmp->params.bits == 16 ? 65535.0 : 255.0, mse_sum = 0;
	for (int c = 0; c < 3; c++) {
		uint64_t sse = rec[REC_SSE + 2 * c] | (uint64_t)rec[REC_SSE + 2 * c + 1] << 32;
		m->mse[c] = (double)sse / pixels;
		m->psnr[c] = sse ? 10 * log10(peak * peak / m->mse[c]) : INFINITY;
		mse_sum += m->mse[c];
	}
	m->psnr_avg = mse_sum > 0 ? 10 * log10(peak * peak / (mse_sum / 3)) : INFINITY;
	m->max_diff = rec[REC_MAX];
	uint32_t at = rec[REC_MAX] ? rec[REC_MAX_AT] : 0;
	m->max_diff_x = (int)(at % (uint32_t)cmp->params.width);
	m->max_diff_y = (int)(at / (uint32_t)cmp->params.width);
	m->diff_pixels = rec[REC_COUNT];
	m->computed |= cmp->params.metrics & (UHD_METRIC_PSNR | UHD_METRIC_DIFF);
}

/* The p99 from the coarse bin the GPU selected and the fine histogram in it. */
static void read_itp_metrics(const struct uhd_comparer *cmp, const uint32_t *stats,
                             struct uhd_metrics *m)
{
	const uint32_t *rec = stats + STATS_PIXEL;
	uint64_t pixels = (uint64_t)cmp->params.width * cmp->params.height;
	m->ditp_mean = word_float(rec[REC_ITP_SUM]) / (double)pixels;
	m->ditp_max = word_float(rec[REC_ITP_MAX]);
	uint32_t at = rec[REC_ITP_MAX] ? rec[REC_ITP_AT] : 0;
	m->ditp_max_x = (int)(at % (uint32_t)cmp->params.width);
	m->ditp_max_y = (int)(at / (uint32_t)cmp->params.width);
	uint64_t rank = pixels - pixels / 100, below = stats[STATS_SELECT + 1];
	uint32_t fine = 31;
	for (uint32_t f = 0; f < 32; f++) {
		below += stats[STATS_FINE + f];
		if (below >= rank) {
			fine = f;
			break;
		}
	}
	m->ditp_p99 = half_to_double(stats[STATS_SELECT] << 5 | fine);
	m->computed |= UHD_METRIC_DELTAITP;
}

static double scale_mean(const struct uhd_comparer *cmp, const uint32_t *stats, int s, int term)
{
	double count = (double)(cmp->scale_width[s] - 10) * (cmp->scale_height[s] - 10);
	return word_float(stats[STATS_SSIM + 2 * s + term]) / count;
}

static void read_ssim_metrics(const struct uhd_comparer *cmp, const uint32_t *stats,
                              struct uhd_metrics *m)
{
	m->ssim = scale_mean(cmp, stats, 0, 0);
	m->computed |= cmp->params.metrics & UHD_METRIC_SSIM;
	if (cmp->scale_count < UHD_MSSSIM_SCALES) {
		return;
	}
	double product = 1;
	for (int s = 0; s < UHD_MSSSIM_SCALES; s++) {
		double term = scale_mean(cmp, stats, s, s + 1 < UHD_MSSSIM_SCALES ? 1 : 0);
		product *= pow(term > 0 ? term : 0, uhd_msssim_weights[s]);
	}
	m->msssim = product;
	m->computed |= UHD_METRIC_MSSSIM;
}

int uhd_comparer_submit(struct uhd_comparer *cmp)
{
	return uhd_vk_submit_wait(cmp->ctx, cmp->commands, cmp->fence);
}

int uhd_comparer_run(struct uhd_comparer *cmp, const struct uhd_image *ref,
                     const struct uhd_image *test, struct uhd_metrics *metrics)
{
	memset(metrics, 0, sizeof(*metrics));
	int ret = check_images(cmp, ref, test);
	if (ret < 0) {
		return ret;
	}
	upload(cmp, 0, ref);
	upload(cmp, 1, test);
	ret = uhd_vk_buffer_flush(cmp->ctx, &cmp->images[0]);
	ret = ret ? ret : uhd_vk_buffer_flush(cmp->ctx, &cmp->images[1]);
	if (ret == 0 && !(cmp->recorded && same_colour(&cmp->recorded_colour, &ref->colour))) {
		ret = uhd_comparer_record(cmp, &ref->colour);
		cmp->recorded = ret == 0;
		cmp->recorded_colour = ref->colour;
	}
	if (ret < 0) {
		return ret;
	}
	double t0 = uhd_now_ms();
	ret = uhd_comparer_submit(cmp);
	ret = ret ? ret : uhd_vk_buffer_invalidate(cmp->ctx, &cmp->stats);
	if (ret < 0) {
		return ret;
	}
	metrics->gpu_ms = uhd_now_ms() - t0;
	const uint32_t *stats = cmp->stats.mapped;
	if (cmp->pipes[PIPE_PIXEL].pipeline) {
		read_pixel_metrics(cmp, stats, metrics);
	}
	if (cmp->pipes[PIPE_ITP_FINE].pipeline) {
		read_itp_metrics(cmp, stats, metrics);
	}
	if (cmp->scale_count > 0) {
		read_ssim_metrics(cmp, stats, metrics);
	}
	return 0;
}
