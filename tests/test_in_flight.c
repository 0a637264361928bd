/*
 * Frames in flight: a converter that holds 2 or 3 frames on the GPU at once
 * gives every frame byte for byte the image a converter with one frame in
 * flight gives it, in submission order, whatever the order of submits and
 * receives; and its queue says no when it is full or empty. The reference
 * images come from uhd_converter_process with one slot (itself checked
 * against the CPU model and zimg elsewhere). A failure names the depth, the
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

#define MAX_FRAMES 16

struct clip {
	struct uhd_source *source;
	const struct uhd_stream_info *info;
	struct uhd_frame frames[MAX_FRAMES];
	int count;
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
		clip->frames[clip->count].av = av_frame_clone(frame->av);
		if (!clip->frames[clip->count].av) {
			return -ENOMEM;
		}
		clip->count++;
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
		ret = uhd_converter_process(converter, &clip->frames[f], &image, NULL);
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

static int receive_and_compare(struct uhd_converter *converter, const struct clip *clip, int depth,
                               int f)
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
		receive_and_compare(converter, clip, depth, i % clip->count);
	}
	CHECK(uhd_converter_in_flight(converter) == 0, "%d in flight: drained", depth);
}

/* Rolling: keep the queue full, receive the oldest, submit the next, then
 * drain; then receives interleaved one for one. */
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
	int submitted = 0, received = 0;
	while (received < clip->count) {
		if (submitted < clip->count && uhd_converter_in_flight(converter) < depth) {
			CHECK(uhd_converter_submit(converter, &clip->frames[submitted]) == 0,
			      "%d in flight: submit frame %d", depth, submitted);
			submitted++;
			continue;
		}
		int polled = uhd_converter_poll(converter);
		CHECK(polled == 0 || polled == 1, "%d in flight: poll returned %d", depth, polled);
		if (receive_and_compare(converter, clip, depth, received++) < 0) {
			break;
		}
	}
	for (int f = 0; f < clip->count; f++) {
		CHECK(uhd_converter_submit(converter, &clip->frames[f]) == 0,
		      "%d in flight: submit frame %d again", depth, f);
		receive_and_compare(converter, clip, depth, f);
	}
	printf("%d in flight: %d frames compared twice\n", depth, clip->count);
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
	struct uhd_context *context = NULL;
	struct uhd_context_params cp = UHD_CONTEXT_DEFAULTS;
	cp.validation = true;
	CHECK(decode(argv[1], frames, &clip) == 0, "decoding %s", argv[1]);
	CHECK(uhd_context_create(&cp, &context) == 0, "Vulkan context");
	CHECK(!context || make_expected(context, &params, &clip) == 0, "one frame at a time");
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
		free(clip.expected[f]);
	}
	uhd_source_destroy(&clip.source);
	CHECK(uhd_validation_messages_total() == 0, "validation messages: %u",
	      uhd_validation_messages_total());
	return test_finish("test_in_flight");
}
