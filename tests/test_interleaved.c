/* SPDX-License-Identifier: MIT */
/*
 * Interleaved chroma (what hardware decoders hand out: NV12, NV16, P010,
 * P210) converts exactly as the planar frame it was made from. The test
 * builds each interleaved frame itself from a decoded planar one (Cb and Cr
 * alternating in one plane; 16-bit samples shifted to the top of their words
 * for the P0xx formats) and requires byte-identical output from the two
 * converters, for every scaler; the planar path is checked against the CPU
 * model and zimg elsewhere. A failure names frame, scaler, pixel and bytes.
 *
 * usage: test_interleaved CLIP WxH [FRAMES]
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>

#include "harness.h"
#include "source/frame.h"
#include "uhdpipe/uhdpipe.h"

/* The interleaved format with the planar one's subsampling and depth. */
static enum AVPixelFormat interleaved_format(const struct uhd_stream_info *info)
{
	bool deep = info->bit_depth > 8;
	if (info->bit_depth != 8 && info->bit_depth != 10) {
		return AV_PIX_FMT_NONE;
	}
	if (info->log2_chroma_w == 1 && info->log2_chroma_h == 1) {
		return deep ? AV_PIX_FMT_P010LE : AV_PIX_FMT_NV12;
	}
	if (info->log2_chroma_w == 1 && info->log2_chroma_h == 0) {
		return deep ? AV_PIX_FMT_P210LE : AV_PIX_FMT_NV16;
	}
	return deep ? AV_PIX_FMT_P410LE : AV_PIX_FMT_NV24;
}

static unsigned get(const uint8_t *row, int x, int bytes)
{
	return bytes == 2 ? (unsigned)(row[2 * x] | row[2 * x + 1] << 8) : row[x];
}

static void put(uint8_t *row, int x, int bytes, unsigned value)
{
	if (bytes == 2) {
		row[2 * x] = (uint8_t)value;
		row[2 * x + 1] = (uint8_t)(value >> 8);
	} else {
		row[x] = (uint8_t)value;
	}
}

/* Copies a planar frame into the interleaved layout, written out here
 * sample by sample (independent of the code under test). */
static AVFrame *interleave(const AVFrame *planar, enum AVPixelFormat format, int shift_w,
                           int shift_h)
{
	AVFrame *out = av_frame_alloc();
	if (!out) {
		return NULL;
	}
	out->format = format;
	out->width = planar->width;
	out->height = planar->height;
	if (av_frame_get_buffer(out, 0) < 0) {
		av_frame_free(&out);
		return NULL;
	}
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(format);
	int bytes = desc->comp[0].depth > 8 ? 2 : 1, shift = desc->comp[0].shift;
	for (int y = 0; y < planar->height; y++) {
		for (int x = 0; x < planar->width; x++) {
			unsigned v = get(planar->data[0] + y * planar->linesize[0], x, bytes);
			put(out->data[0] + y * out->linesize[0], x, bytes, v << shift);
		}
	}
	int cw = AV_CEIL_RSHIFT(planar->width, shift_w);
	int ch = AV_CEIL_RSHIFT(planar->height, shift_h);
	for (int y = 0; y < ch; y++) {
		uint8_t *row = out->data[1] + y * out->linesize[1];
		for (int x = 0; x < cw; x++) {
			for (int c = 0; c < 2; c++) {
				const uint8_t *in =
				        planar->data[1 + c] + y * planar->linesize[1 + c];
				put(row, 2 * x + c, bytes, get(in, x, bytes) << shift);
			}
		}
	}
	return out;
}

static void compare(const struct uhd_image *a, const struct uhd_image *b, const char *what, int f)
{
	CHECK(a->width == b->width && a->height == b->height && a->bits == b->bits,
	      "%s frame %d: images differ in shape", what, f);
	size_t pixel_bytes = (size_t)a->bits / 8 * 3;
	for (int y = 0; y < a->height; y++) {
		const uint8_t *ra = a->data + (size_t)y * a->stride;
		const uint8_t *rb = b->data + (size_t)y * b->stride;
		if (memcmp(ra, rb, (size_t)a->width * pixel_bytes) == 0) {
			continue;
		}
		int x = 0;
		while (memcmp(ra + x * pixel_bytes, rb + x * pixel_bytes, pixel_bytes) == 0) {
			x++;
		}
		CHECK(0,
		      "%s frame %d: pixel (%d,%d) differs: planar %02x%02x%02x..., "
		      "interleaved %02x%02x%02x...",
		      what, f, x, y, ra[x * pixel_bytes], ra[x * pixel_bytes + 1],
		      ra[x * pixel_bytes + 2], rb[x * pixel_bytes], rb[x * pixel_bytes + 1],
		      rb[x * pixel_bytes + 2]);
		return;
	}
	test_checks++;
}

struct pair {
	struct uhd_converter *planar, *interleaved;
	struct uhd_stream_info info;
};

static int make_pair(struct uhd_context *context, const struct uhd_stream_info *info,
                     enum AVPixelFormat format, const struct uhd_convert_params *params,
                     struct pair *pair)
{
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(format);
	pair->info = *info;
	pair->info.chroma_interleaved = true;
	pair->info.sample_shift = desc->comp[0].shift;
	snprintf(pair->info.pixel_format, sizeof(pair->info.pixel_format), "%s", desc->name);
	int ret = uhd_converter_create(context, info, params, &pair->planar);
	return ret ? ret : uhd_converter_create(context, &pair->info, params, &pair->interleaved);
}

static void check_scaler(struct uhd_context *context, const char *clip, int width, int height,
                         enum uhd_scaler scaler, int frames)
{
	struct uhd_source *source = NULL;
	struct pair pair = {0};
	CHECK(uhd_source_open(clip, NULL, &source) == 0, "open %s", clip);
	if (!source) {
		return;
	}
	const struct uhd_stream_info *info = uhd_source_info(source);
	enum AVPixelFormat format = interleaved_format(info);
	char what[160];
	snprintf(what, sizeof(what), "%s %dx%d %s as %s", clip, width, height,
	         uhd_scaler_name(scaler), av_get_pix_fmt_name(format));
	struct uhd_convert_params params = {width, height, scaler};
	CHECK(format != AV_PIX_FMT_NONE, "%s: no interleaved layout for %d bits", clip,
	      info->bit_depth);
	CHECK(format == AV_PIX_FMT_NONE || make_pair(context, info, format, &params, &pair) == 0,
	      "%s: converters", what);
	/* Every frame asked for that the clip has is compared: a decode that
	 * fails must not end the loop as if the clip had ended. */
	CHECK(uhd_source_count_frames(source) == 0 && info->frame_count_exact, "count %s", clip);
	int64_t wanted = info->frame_count < frames ? info->frame_count : frames;
	int compared = 0;
	for (int f = 0; pair.interleaved && f < frames; f++) {
		const struct uhd_frame *frame;
		int ret = uhd_source_next_frame(source, &frame);
		CHECK(ret >= 0, "%s: decoding frame %d failed (%d)", what, f, ret);
		if (ret != 0) {
			break;
		}
		struct uhd_frame copy = {
		        interleave(frame->av, format, info->log2_chroma_w, info->log2_chroma_h)};
		struct uhd_image a, b;
		CHECK(copy.av && uhd_converter_process(pair.planar, frame, &a, NULL) == 0 &&
		              uhd_converter_process(pair.interleaved, &copy, &b, NULL) == 0,
		      "%s frame %d: conversion", what, f);
		if (copy.av) {
			compare(&a, &b, what, f);
			printf("%s frame %d: compared\n", what, f);
			compared++;
		}
		av_frame_free(&copy.av);
	}
	CHECK(compared == wanted && compared > 0, "%s: compared %d frame(s), wanted %lld", what,
	      compared, (long long)wanted);
	uhd_converter_destroy(&pair.planar);
	uhd_converter_destroy(&pair.interleaved);
	uhd_source_destroy(&source);
}

int main(int argc, char **argv)
{
	int width, height;
	if (argc < 3 || sscanf(argv[2], "%dx%d", &width, &height) != 2) {
		fprintf(stderr, "usage: test_interleaved CLIP WxH [FRAMES]\n");
		return 2;
	}
	int frames = argc > 3 ? atoi(argv[3]) : 1;
	struct uhd_context *context = NULL;
	struct uhd_context_params cp = UHD_CONTEXT_DEFAULTS;
	cp.validation = true;
	CHECK(uhd_context_create(&cp, &context) == 0, "Vulkan context");
	for (int s = UHD_SCALER_NEAREST; context && s <= UHD_SCALER_LANCZOS3; s++) {
		check_scaler(context, argv[1], width, height, (enum uhd_scaler)s, frames);
	}
	uhd_context_destroy(&context);
	CHECK(uhd_validation_messages_total() == 0, "validation messages: %u",
	      uhd_validation_messages_total());
	return test_finish("test_interleaved");
}
