/* SPDX-License-Identifier: MIT */
/*
 * --diff-dir images for a failing frame: a heat map (palette PNG, one index
 * per pixel computed on the GPU, with a legend strip drawn here) and the
 * 256x256 region with the most error, side by side with the reference.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/log.h"
#include "../image/png_file.h"
#include "../common/atomic_file.h"
#include "comparer.h"
#include "glyphs.h"

#define LEGEND_ROWS 40
#define REGION      256
#define TEXT_INDEX  255 /* palette: white, for the legend */
#define BACK_INDEX  254 /* palette: black, behind the legend */

/* 0: no difference (black); 1..250 a dark-blue, blue, green, yellow, red ramp. */
static void palette_colour(int index, uint8_t rgb[3])
{
	static const uint8_t stops[5][3] = {
	        {0, 0, 96}, {0, 128, 255}, {0, 200, 80}, {255, 220, 0}, {255, 0, 0}};
	if (index == 0 || index == BACK_INDEX || index > 250) {
		uint8_t v = index == TEXT_INDEX ? 255 : 0;
		rgb[0] = rgb[1] = rgb[2] = v;
		return;
	}
	double t = (index - 1) / 249.0 * 4;
	int i = t >= 4 ? 3 : (int)t;
	double f = t - i;
	for (int c = 0; c < 3; c++) {
		rgb[c] = (uint8_t)lround(stops[i][c] + f * (stops[i + 1][c] - stops[i][c]));
	}
}

/* The smallest 1, 2 or 5 times a power of ten at or above value. */
static double nice_ceiling(double value)
{
	if (!(value > 0)) {
		return 1;
	}
	double p = pow(10, floor(log10(value)));
	return value <= p ? p : value <= 2 * p ? 2 * p : value <= 5 * p ? 5 * p : 10 * p;
}

static int render_heat(struct uhd_comparer *cmp, bool itp, const struct uhd_colour *colour,
                       double scale)
{
	int ret = 0;
	VkCommandBuffer cmd = cmp->commands;
	cmp->recorded = false; /* the metric passes are recorded again next run */
	VK_CHECK(vkResetCommandBuffer(cmd, 0));
	VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
	VK_CHECK(vkBeginCommandBuffer(cmd, &begin));
	struct uhd_metrics_push p = uhd_comparer_colour_push(cmp, colour);
	p.heat_scale = (float)scale;
	p.stride = (uint32_t)cmp->stride / (cmp->params.bits / 8);
	uint32_t quads = (p.width + 3) / 4;
	for (int b = 0; b < (itp ? 1 : cmp->band_count); b++) {
		p.first_row = itp ? 0 : (uint32_t)(b * cmp->band_rows);
		p.row_base = p.first_row;
		p.rows = itp ? p.height : (uint32_t)cmp->band_rows;
		uhd_comparer_dispatch(cmp, cmd, itp ? PIPE_HEAT_ITP : PIPE_HEAT_DIFF,
		                      cmp->band_sets[b], &p, (quads + 63) / 64, p.rows);
	}
	uhd_vk_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
	               VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
	VK_CHECK(vkEndCommandBuffer(cmd));
	ret = uhd_comparer_submit(cmp);
	return ret ? ret : uhd_vk_buffer_invalidate(cmp->ctx, &cmp->heat);
fail:
	return ret;
}

/* A tile's summed squared error over R, G, B: 64-bit words, added as doubles. */
static double tile_sse(const uint32_t *record)
{
	double sum = 0;
	for (int c = 0; c < 3; c++) {
		sum += (double)(record[REC_SSE + 2 * c] | (uint64_t)record[REC_SSE + 2 * c + 1]
		                                                  << 32);
	}
	return sum;
}

/* The window of tiles (128x16 pixels each) with the largest summed error. */
static void worst_region(const struct uhd_comparer *cmp, bool itp, struct uhd_diff_images *out)
{
	const uint32_t *records = cmp->partials.mapped;
	int gx = (int)cmp->pixel_groups_x, gy = (int)(cmp->pixel_groups / cmp->pixel_groups_x);
	int w = cmp->params.width, h = cmp->params.height;
	int wx = REGION / 128 < gx ? REGION / 128 : gx, wy = REGION / 16 < gy ? REGION / 16 : gy;
	double best = -1;
	int best_x = 0, best_y = 0;
	for (int ty = 0; ty + wy <= gy; ty++) {
		for (int tx = 0; tx + wx <= gx; tx++) {
			double sum = 0;
			for (int j = 0; j < wy; j++) {
				for (int i = 0; i < wx; i++) {
					const uint32_t *r = records + ((size_t)(ty + j) * gx + tx +
					                               i) * RECORD_WORDS;
					float e;
					memcpy(&e, &r[REC_ITP_SUM], 4);
					sum += itp ? e : tile_sse(r);
				}
			}
			if (sum > best) {
				best = sum;
				best_x = tx * 128;
				best_y = ty * 16;
			}
		}
	}
	out->worst_width = w < REGION ? w : REGION;
	out->worst_height = h < REGION ? h : REGION;
	out->worst_x = best_x + out->worst_width > w ? w - out->worst_width : best_x;
	out->worst_y = best_y + out->worst_height > h ? h - out->worst_height : best_y;
}

static void draw_legend(uint8_t *rows, int width, double scale, const char *title)
{
	memset(rows, BACK_INDEX, (size_t)width * LEGEND_ROWS);
	int x0 = 8, bar = width - 16 < 500 ? width - 16 : 500;
	for (int y = 4; y < 16 && bar > 0; y++) {
		for (int x = 0; x < bar; x++) {
			rows[(size_t)y * width + x0 + x] =
			        (uint8_t)(1 + x * 249 / (bar > 1 ? bar - 1 : 1));
		}
	}
	for (int tick = 0; tick <= 4 && bar > 0; tick++) {
		char label[32];
		snprintf(label, sizeof(label), "%.3g", scale * tick / 4);
		int x = x0 + tick * (bar - 1) / 4;
		int text_x = x - uhd_glyph_text_width(label) / 2;
		uhd_glyph_draw(rows, width, LEGEND_ROWS, text_x < 0 ? 0 : text_x, 20, label,
		               TEXT_INDEX);
	}
	uhd_glyph_draw(rows, width, LEGEND_ROWS, x0 + bar + 8, 4, title, TEXT_INDEX);
}

static int write_heat_png(const struct uhd_comparer *cmp, const char *path, double scale,
                          const char *title)
{
	int w = cmp->params.width, h = cmp->params.height;
	uint8_t *legend = malloc((size_t)w * LEGEND_ROWS);
	struct uhd_atomic_file f;
	int ret = legend ? uhd_atomic_open(&f, path, "heat map") : -ENOMEM;
	if (ret < 0) {
		free(legend);
		return ret;
	}
	draw_legend(legend, w, scale, title);
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!info || setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(legend);
		fclose(f.file);
		unlink(f.temp);
		uhd_error("encoding the heat map '%s' failed", path);
		return -EIO;
	}
	png_init_io(png, f.file);
	png_set_compression_level(png, 1);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)(h + LEGEND_ROWS), 8,
	             PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	             PNG_FILTER_TYPE_DEFAULT);
	png_color palette[256];
	for (int i = 0; i < 256; i++) {
		uint8_t rgb[3];
		palette_colour(i, rgb);
		palette[i] = (png_color){rgb[0], rgb[1], rgb[2]};
	}
	png_set_PLTE(png, info, palette, 256);
	png_write_info(png, info);
	const uint8_t *heat = cmp->heat.mapped;
	for (int y = 0; y < h; y++) {
		png_write_row(png, heat + (size_t)y * cmp->heat_stride);
	}
	for (int y = 0; y < LEGEND_ROWS; y++) {
		png_write_row(png, legend + (size_t)y * w);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(legend);
	return uhd_atomic_commit(&f, "heat map");
}

/* Copies a crop of image (or of the heat map, through the palette) into the
 * composite at column offset `at`. */
static void copy_crop(uint8_t *dst, size_t dst_stride, int at, const struct uhd_image *image,
                      const struct uhd_comparer *heat_of, const struct uhd_diff_images *r)
{
	int bytes = image->bits / 8;
	for (int y = 0; y < r->worst_height; y++) {
		uint8_t *row = dst + (size_t)y * dst_stride + (size_t)at * 3 * bytes;
		if (!heat_of) {
			memcpy(row,
			       image->data + (size_t)(r->worst_y + y) * image->stride +
			               (size_t)r->worst_x * 3 * bytes,
			       (size_t)r->worst_width * 3 * bytes);
			continue;
		}
		const uint8_t *heat = (const uint8_t *)heat_of->heat.mapped +
		                      (size_t)(r->worst_y + y) * heat_of->heat_stride + r->worst_x;
		for (int x = 0; x < r->worst_width; x++) {
			uint8_t rgb[3];
			palette_colour(heat[x], rgb);
			for (int c = 0; c < 3; c++) {
				for (int b = 0; b < bytes; b++) {
					row[(x * 3 + c) * bytes + b] =
					        rgb[c]; /* 8 -> 16 bits: v * 257 */
				}
			}
		}
	}
}

static int write_worst_png(const struct uhd_comparer *cmp, const struct uhd_image *ref,
                           const struct uhd_image *test, const struct uhd_diff_images *r)
{
	struct uhd_image composite = *ref;
	composite.width = 3 * r->worst_width;
	composite.height = r->worst_height;
	composite.stride = (size_t)composite.width * 3 * (ref->bits / 8);
	uint8_t *pixels = malloc(composite.stride * composite.height);
	if (!pixels) {
		return -ENOMEM;
	}
	copy_crop(pixels, composite.stride, 0, ref, NULL, r);
	copy_crop(pixels, composite.stride, r->worst_width, test, NULL, r);
	copy_crop(pixels, composite.stride, 2 * r->worst_width, ref, cmp, r);
	composite.data = pixels;
	int ret = uhd_png_write(r->worst_path, &composite);
	free(pixels);
	return ret;
}

int uhd_comparer_write_diff_images(struct uhd_comparer *cmp, const struct uhd_image *ref,
                                   const struct uhd_image *test, const struct uhd_metrics *m,
                                   const char *dir, int64_t index, struct uhd_diff_images *out)
{
	memset(out, 0, sizeof(*out));
	if (!cmp->params.diff_images) {
		uhd_error("the comparer was created without diff_images; cannot write diff images");
		return -EINVAL;
	}
	bool itp = cmp->pipes[PIPE_HEAT_ITP].pipeline != VK_NULL_HANDLE;
	out->heat_metric = itp ? "deltaitp" : "diff";
	/* p99 shows the bulk of the errors; a quarter of the maximum keeps sparse
	 * ones (under 1% of the pixels, p99 0) from saturating the scale. */
	double top = itp ? fmax(m->ditp_p99, m->ditp_max / 4) : m->max_diff;
	out->heat_scale = nice_ceiling(top);
	snprintf(out->heat_path, sizeof(out->heat_path), "%s/frame-%06" PRId64 "-heat.png", dir,
	         index);
	snprintf(out->worst_path, sizeof(out->worst_path), "%s/frame-%06" PRId64 "-worst.png", dir,
	         index);
	int ret = render_heat(cmp, itp, &ref->colour, out->heat_scale);
	ret = ret ? ret : uhd_vk_buffer_invalidate(cmp->ctx, &cmp->partials);
	if (ret < 0) {
		return ret;
	}
	worst_region(cmp, itp, out);
	ret = write_heat_png(cmp, out->heat_path, out->heat_scale, itp ? "dE ITP" : "|diff|");
	return ret ? ret : write_worst_png(cmp, ref, test, out);
}
