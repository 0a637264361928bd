/* SPDX-License-Identifier: MIT */
/*
 * Frames in flight and frames read in place: a converter that holds 2 or 3
 * frames on the GPU at once gives every frame byte for byte the image a
 * converter with one frame in flight gives it, in submission order, whatever
 * the order of submits and receives; and its queue says no when it is full or
 * empty. The reference images come from uhd_converter_process with one slot
 * on a device context with host-memory import turned off (UHD_HOST_IMPORT=0),
 * so they are the copying path's (itself checked against the CPU model and
 * zimg elsewhere). The converters under test run where the device imports the
 * decoder's page-aligned frames (VK_EXT_external_memory_host), and get those
 * frames alternating with copies in ordinary memory, which they must copy: the
 * timing says which path each frame took. A failure names the depth, the
 * frame and the first pixel that differs.
 *
 * usage: test_in_flight CLIP WxH [FRAMES]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/frame.h>

#include "harness.h"
#include "source/frame.h"
#include "uhdpipe/uhdpipe.h"
#include "vk/vk.h"

#define MAX_FRAMES 16

struct clip {
	struct uhd_source *source;
	const struct uhd_stream_info *info;
	struct uhd_frame frames[MAX_FRAMES]; /* the decoder's (page-aligned) buffers */
	struct uhd_frame copies[MAX_FRAMES]; /* the same pictures in av_frame_get_buffer memory */
	int count;
	bool imports;                  /* the device under test imports host memory */
	uint8_t *expected[MAX_FRAMES]; /* rows of width * 3 * bits / 8 bytes */
	size_t row_bytes;
};

static int decode(const char *path, int wanted, struct clip *clip)
{
	int ret = uhd_source_open(path, NULL, &clip->source);
	if (ret < 0) {
		return ret;
	}
	clip->info = uhd_source_info(clip->source);
	while (clip->count < wanted) {
		const struct uhd_frame *frame;
		if (uhd_source_next_frame(clip->source, &frame) != 0) {
			break;
		}
		AVFrame *copy = av_frame_alloc();
		clip->frames[clip->count].av = av_frame_clone(frame->av);
		clip->copies[clip->count].av = copy;
		if (!copy || !clip->frames[clip->count].av) {
			return -ENOMEM;
		}
		clip->count++;
		copy->format = frame->av->format;
		copy->width = frame->av->width;
		copy->height = frame->av->height;
		if (av_frame_get_buffer(copy, 0) < 0 || av_frame_copy(copy, frame->av) < 0 ||
		    av_frame_copy_props(copy, frame->av) < 0) {
			return -ENOMEM;
		}
	}
	return clip->count > 0 ? 0 : -ENODATA;
}

/* The one-frame-at-a-time images, copied out. */
static int make_expected(struct uhd_context *context, const struct uhd_convert_params *params,
                         struct clip *clip)
{
	struct uhd_converter *converter = NULL;
	int ret = uhd_converter_create(context, clip->info, params, &converter);
	for (int f = 0; ret == 0 && f < clip->count; f++) {
		struct uhd_image image;
		struct uhd_convert_timing timing = {0};
		ret = uhd_converter_process(converter, &clip->frames[f], &image, &timing);
		CHECK(!timing.zero_copy, "frame %d: imported with UHD_HOST_IMPORT=0", f);
		clip->row_bytes = (size_t)image.width * 3 * (size_t)image.bits / 8;
		clip->expected[f] = ret ? NULL : malloc(clip->row_bytes * (size_t)image.height);
		ret = ret ? ret : clip->expected[f] ? 0 : -ENOMEM;
		for (int y = 0; ret == 0 && y < image.height; y++) {
			memcpy(clip->expected[f] + clip->row_bytes * (size_t)y,
			       image.data + image.stride * (size_t)y, clip->row_bytes);
		}
	}
	uhd_converter_destroy(&converter);
	return ret;
}

static void compare(const struct clip *clip, const struct uhd_image *image, int depth, int f)
{
	size_t pixel = (size_t)image->bits / 8 * 3;
	for (int y = 0; y < image->height; y++) {
		const uint8_t *got = image->data + image->stride * (size_t)y;
		const uint8_t *want = clip->expected[f] + clip->row_bytes * (size_t)y;
		if (memcmp(got, want, clip->row_bytes) == 0) {
			continue;
		}
		size_t x = 0;
		while (memcmp(got + x * pixel, want + x * pixel, pixel) == 0) {
			x++;
		}
		CHECK(0,
		      "%d in flight, frame %d: pixel (%zu,%d) is %02x%02x%02x..., one at a time "
		      "gave %02x%02x%02x...",
		      depth, f, x, y, got[x * pixel], got[x * pixel + 1], got[x * pixel + 2],
		      want[x * pixel], want[x * pixel + 1], want[x * pixel + 2]);
		return;
	}
	test_checks++;
}

/* sent_copy: whether the frame went in as a copy in ordinary memory (which
 * must be copied) or as the decoder's (which must be read in place where the
 * device imports). */
static int receive_and_compare(struct uhd_converter *converter, const struct clip *clip, int depth,
                               int f, bool sent_copy)
{
	struct uhd_image image;
	struct uhd_convert_timing timing = {0};
	int ret = uhd_converter_receive(converter, &image, &timing);
	CHECK(ret == 0, "%d in flight, frame %d: receive returned %d", depth, f, ret);
	if (ret == 0) {
		compare(clip, &image, depth, f);
		CHECK(timing.gpu_ms > 0 && timing.upload_ms >= 0 && timing.wait_ms >= 0,
		      "%d in flight, frame %d: timing gpu %g upload %g wait %g ms", depth, f,
		      timing.gpu_ms, timing.upload_ms, timing.wait_ms);
		bool expected = clip->imports && !sent_copy;
		CHECK(timing.zero_copy == expected, "%d in flight, frame %d (%s): %s", depth, f,
		      sent_copy ? "a copy" : "decoder memory",
		      timing.zero_copy ? "read in place" : "copied");
	}
	return ret;
}

/* The queue's edges: empty, full, and process refusing to jump it. */
static void check_edges(struct uhd_converter *converter, const struct clip *clip, int depth)
{
	struct uhd_image image;
	CHECK(uhd_converter_receive(converter, &image, NULL) == -EAGAIN,
	      "%d in flight: receive with none in flight", depth);
	CHECK(uhd_converter_poll(converter) == -EAGAIN, "%d in flight: poll with none", depth);
	for (int i = 0; i < depth; i++) {
		CHECK(uhd_converter_submit(converter, &clip->frames[i % clip->count]) == 0,
		      "%d in flight: submit %d", depth, i);
	}
	CHECK(uhd_converter_in_flight(converter) == depth, "%d in flight: count %d", depth,
	      uhd_converter_in_flight(converter));
	CHECK(uhd_converter_submit(converter, &clip->frames[0]) == -EBUSY,
	      "%d in flight: a submit past the depth", depth);
	CHECK(uhd_converter_process(converter, &clip->frames[0], &image, NULL) == -EBUSY,
	      "%d in flight: process with frames in flight", depth);
	for (int i = 0; i < depth; i++) {
		receive_and_compare(converter, clip, depth, i % clip->count, false);
	}
	CHECK(uhd_converter_in_flight(converter) == 0, "%d in flight: drained", depth);
}

/* Keeps the queue full, receiving the oldest and submitting the next, then
 * drains; with `alternate`, every other frame goes in as its copy. */
static void roll(struct uhd_converter *converter, const struct clip *clip, int depth,
                 bool alternate)
{
	int submitted = 0, received = 0;
	while (received < clip->count) {
		if (submitted < clip->count && uhd_converter_in_flight(converter) < depth) {
			bool copy = alternate && submitted % 2;
			const struct uhd_frame *frame =
			        copy ? &clip->copies[submitted] : &clip->frames[submitted];
			CHECK(uhd_converter_submit(converter, frame) == 0,
			      "%d in flight: submit frame %d", depth, submitted);
			submitted++;
			continue;
		}
		int polled = uhd_converter_poll(converter);
		CHECK(polled == 0 || polled == 1, "%d in flight: poll returned %d", depth, polled);
		bool copy = alternate && received % 2;
		if (receive_and_compare(converter, clip, depth, received++, copy) < 0) {
			break;
		}
	}
}

/* Rolling (decoder frames, then alternating with copies), then receives
 * interleaved one for one. */
static void check_depth(struct uhd_context *context, const struct uhd_convert_params *base,
                        const struct clip *clip, int depth)
{
	struct uhd_convert_params params = *base;
	params.frames_in_flight = depth;
	struct uhd_converter *converter = NULL;
	CHECK(uhd_converter_create(context, clip->info, &params, &converter) == 0,
	      "%d in flight: converter", depth);
	if (!converter) {
		return;
	}
	check_edges(converter, clip, depth);
	roll(converter, clip, depth, false);
	roll(converter, clip, depth, true);
	for (int f = 0; f < clip->count; f++) {
		bool copy = f % 3 == 1;
		CHECK(uhd_converter_submit(converter, copy ? &clip->copies[f] : &clip->frames[f]) ==
		              0,
		      "%d in flight: submit frame %d again", depth, f);
		receive_and_compare(converter, clip, depth, f, copy);
	}
	printf("%d in flight: %d frames compared three times (%s)\n", depth, clip->count,
	       clip->imports ? "decoder frames read in place, copies copied" : "all copied");
	uhd_converter_destroy(&converter);
}

int main(int argc, char **argv)
{
	struct uhd_convert_params params = UHD_CONVERT_DEFAULTS;
	if (argc < 3 || sscanf(argv[2], "%dx%d", &params.width, &params.height) != 2) {
		fprintf(stderr, "usage: test_in_flight CLIP WxH [FRAMES]\n");
		return 2;
	}
	int frames = argc > 3 ? atoi(argv[3]) : 5;
	frames = frames < 1 ? 1 : frames > MAX_FRAMES ? MAX_FRAMES : frames;
	struct clip clip = {0};
	struct uhd_context *context = NULL, *copying = NULL;
	struct uhd_context_params cp = UHD_CONTEXT_DEFAULTS;
	cp.validation = true;
	CHECK(decode(argv[1], frames, &clip) == 0, "decoding %s", argv[1]);
	setenv("UHD_HOST_IMPORT", "0", 1);
	CHECK(uhd_context_create(&cp, &copying) == 0, "Vulkan context, copying");
	unsetenv("UHD_HOST_IMPORT");
	CHECK(uhd_context_create(&cp, &context) == 0, "Vulkan context");
	CHECK(!copying || make_expected(copying, &params, &clip) == 0, "one frame at a time");
	uhd_context_destroy(&copying);
	clip.imports = context && context->host_import;
	printf("the device %s host memory\n", clip.imports ? "imports" : "does not import");
	for (int depth = 2;
	     context && clip.count > 0 && clip.expected[clip.count - 1] && depth <= 3; depth++) {
		check_depth(context, &params, &clip, depth);
	}
	params.frames_in_flight = UHD_CONVERT_MAX_IN_FLIGHT + 1;
	struct uhd_converter *refused = NULL;
	CHECK(!context || uhd_converter_create(context, clip.info, &params, &refused) == -EINVAL,
	      "%d frames in flight accepted", params.frames_in_flight);
	uhd_context_destroy(&context);
	for (int f = 0; f < clip.count; f++) {
		av_frame_free(&clip.frames[f].av);
		av_frame_free(&clip.copies[f].av);
		free(clip.expected[f]);
	}
	uhd_source_destroy(&clip.source);
	CHECK(uhd_validation_messages_total() == 0, "validation messages: %u",
	      uhd_validation_messages_total());
	return test_finish("test_in_flight");
}
