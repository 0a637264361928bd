/* SPDX-License-Identifier: MIT */
/*
 * Display orientation on the GPU (uhd_convert_params.orientation): for each of
 * the eight turns and mirrors, the converter's image is byte for byte the
 * unturned image of the same scaled size, turned on the CPU by the index map
 * in source_of(). That map is written from the definition (mirror, then turn
 * clockwise), apart from the converter's, which composes its steps one by
 * one. Checked at the source's size (size 0x0: the source's size, turned) and
 * at the size given, with two frames in flight on decoder frames (read in
 * place where the device imports host memory). A rotation other than 0, 90,
 * 180 or 270 must be refused with -EINVAL and a message that names it.
 * A failure names the orientation, the frame, the first pixel and channel that
 * differ, and how many pixels differ.
 *
 * usage: test_orient CLIP WxH SCALER [FRAMES]   (WxH: the size before turning)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/frame.h>

#include "harness.h"
#include "source/frame.h"
#include "uhdpipe/uhdpipe.h"

#define MAX_FRAMES 8

struct clip {
	struct uhd_source *source;
	const struct uhd_stream_info *info;
	struct uhd_frame frames[MAX_FRAMES];
	int count;
};

/* The unturned images of one size, rows without padding. */
struct reference {
	int width, height, bits;
	size_t row_bytes, pixel_bytes;
	uint8_t *frames[MAX_FRAMES];
};

static char last_error[1024];

static void log_message(void *opaque, enum uhd_log_level level, const char *message)
{
	(void)opaque;
	if (level == UHD_LOG_ERROR) {
		snprintf(last_error, sizeof(last_error), "%s", message);
	}
	fprintf(stderr, "uhdpipe: %s\n", message);
}

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

/*
 * Where display pixel (X, Y) of the turned picture D comes from in the unturned
 * Wu x Hu picture P: (*u, *v).
 *
 * Mirror first: M(u, v) = P(Wu - 1 - u, v), still Wu x Hu.
 * Turn S (P, or M when mirrored) clockwise:
 * - a quarter turn moves the pixel at (u, v) of a W x H picture to
 *   (H - 1 - v, u) of the H x W result (S's left column becomes the top row,
 *   its bottom-left pixel the top-left one). So X = Hu - 1 - v, Y = u, and
 *   D(X, Y) = S(Y, Hu - 1 - X);
 * - a half turn moves (u, v) to (Wu - 1 - u, Hu - 1 - v), its own inverse:
 *   D(X, Y) = S(Wu - 1 - X, Hu - 1 - Y);
 * - three quarters (a quarter anticlockwise) move (u, v) to (v, Wu - 1 - u):
 *   X = v, Y = Wu - 1 - u, so D(X, Y) = S(Wu - 1 - Y, X).
 * With S = M, the first coordinate c of S(c, r) becomes Wu - 1 - c in P:
 *   0:   P(Wu - 1 - X, Y)
 *   90:  P(Wu - 1 - Y, Hu - 1 - X)
 *   180: P(X, Hu - 1 - Y)   (a vertical flip, as common.h says)
 *   270: P(Y, X)            (a transpose: the top-left pixel stays)
 */
static void source_of(struct uhd_orientation orientation, int wu, int hu, int x, int y, int *u,
                      int *v)
{
	switch (orientation.rotation + (orientation.hflip ? 1 : 0)) {
	case 0: *u = x, *v = y; break;
	case 90: *u = y, *v = hu - 1 - x; break;
	case 180: *u = wu - 1 - x, *v = hu - 1 - y; break;
	case 270: *u = wu - 1 - y, *v = x; break;
	case 1: *u = wu - 1 - x, *v = y; break;
	case 91: *u = wu - 1 - y, *v = hu - 1 - x; break;
	case 181: *u = x, *v = hu - 1 - y; break;
	default: *u = y, *v = x; break; /* 271 */
	}
}

static int copy_image(const struct uhd_image *image, struct reference *ref, int f)
{
	ref->width = image->width;
	ref->height = image->height;
	ref->bits = image->bits;
	ref->pixel_bytes = (size_t)image->bits / 8 * 3;
	ref->row_bytes = (size_t)image->width * ref->pixel_bytes;
	ref->frames[f] = malloc(ref->row_bytes * (size_t)image->height);
	if (!ref->frames[f]) {
		return -ENOMEM;
	}
	for (int y = 0; y < image->height; y++) {
		memcpy(ref->frames[f] + ref->row_bytes * (size_t)y,
		       image->data + image->stride * (size_t)y, ref->row_bytes);
	}
	return 0;
}

/* The unturned images of size (width, height), 0 = the source's, one frame at a time. */
static int make_reference(struct uhd_context *context, const struct clip *clip,
                          struct uhd_convert_params params, struct reference *ref)
{
	struct uhd_converter *converter = NULL;
	params.orientation = (struct uhd_orientation){0, false};
	params.frames_in_flight = 1;
	int ret = uhd_converter_create(context, clip->info, &params, &converter);
	for (int f = 0; ret == 0 && f < clip->count; f++) {
		struct uhd_image image;
		ret = uhd_converter_process(converter, &clip->frames[f], &image, NULL);
		ret = ret ? ret : copy_image(&image, ref, f);
	}
	uhd_converter_destroy(&converter);
	return ret;
}

static const char *name_of(struct uhd_orientation orientation)
{
	static char name[32];
	snprintf(name, sizeof(name), "%d%s", orientation.rotation,
	         orientation.hflip ? " mirrored" : "");
	return name;
}

/* Returns 1 when the frame matched the turned reference byte for byte. */
static int compare(const struct uhd_image *image, const struct reference *ref,
                   struct uhd_orientation orientation, int f)
{
	bool quarter = orientation.rotation == 90 || orientation.rotation == 270;
	int width = quarter ? ref->height : ref->width, height = quarter ? ref->width : ref->height;
	CHECK(image->width == width && image->height == height && image->bits == ref->bits &&
	              image->stride >= (size_t)width * ref->pixel_bytes,
	      "%s: image %dx%d, %d bits, stride %zu; expected %dx%d, %d bits", name_of(orientation),
	      image->width, image->height, image->bits, image->stride, width, height, ref->bits);
	if (image->width != width || image->height != height || image->bits != ref->bits) {
		return 0;
	}
	long differing = 0;
	for (int y = 0; y < height; y++) {
		for (int x = 0; x < width; x++) {
			int u, v;
			source_of(orientation, ref->width, ref->height, x, y, &u, &v);
			const uint8_t *want =
			        ref->frames[f] + ref->row_bytes * (size_t)v + ref->pixel_bytes * u;
			const uint8_t *got =
			        image->data + image->stride * (size_t)y + ref->pixel_bytes * x;
			if (memcmp(got, want, ref->pixel_bytes) == 0) {
				continue;
			}
			size_t b = 0;
			while (got[b] == want[b]) {
				b++;
			}
			if (differing++ == 0) {
				fprintf(stderr,
				        "%s, frame %d: pixel (%d,%d) byte %zu (channel %zu) is "
				        "0x%02x, unturned pixel (%d,%d) gave 0x%02x\n",
				        name_of(orientation), f, x, y, b,
				        b / (ref->pixel_bytes / 3), got[b], u, v, want[b]);
			}
		}
	}
	CHECK(differing == 0, "%s, frame %d (%dx%d): %ld of %ld pixels differ",
	      name_of(orientation), f, width, height, differing, (long)width * height);
	return differing == 0;
}

/* Two frames in flight, the queue kept full; returns the frames that matched. */
static int check_orientation(struct uhd_context *context, const struct clip *clip,
                             struct uhd_convert_params params, const struct reference *ref,
                             struct uhd_orientation orientation, int *zero_copy)
{
	bool quarter = orientation.rotation == 90 || orientation.rotation == 270;
	if (quarter) {
		int swap = params.width;
		params.width = params.height;
		params.height = swap;
	}
	params.orientation = orientation;
	params.frames_in_flight = 2;
	struct uhd_converter *converter = NULL;
	int ret = uhd_converter_create(context, clip->info, &params, &converter);
	CHECK(ret == 0, "%s: converter %dx%d: %d", name_of(orientation), params.width,
	      params.height, ret);
	int matched = 0, submitted = 0;
	for (int received = 0; converter && received < clip->count;) {
		if (submitted < clip->count && uhd_converter_in_flight(converter) < 2) {
			ret = uhd_converter_submit(converter, &clip->frames[submitted]);
			CHECK(ret == 0, "%s: submit frame %d: %d", name_of(orientation), submitted,
			      ret);
			submitted += ret == 0;
			if (ret == 0) {
				continue;
			}
		}
		struct uhd_image image;
		struct uhd_convert_timing timing = {0};
		ret = uhd_converter_receive(converter, &image, &timing);
		CHECK(ret == 0, "%s: receive frame %d: %d", name_of(orientation), received, ret);
		if (ret < 0) {
			break;
		}
		matched += compare(&image, ref, orientation, received++);
		*zero_copy += timing.zero_copy;
	}
	uhd_converter_destroy(&converter);
	return matched;
}

/* All eight orientations at one size; returns the frames compared and matched. */
static int check_size(struct uhd_context *context, const struct clip *clip,
                      struct uhd_convert_params params)
{
	struct reference ref = {0};
	int ret = make_reference(context, clip, params, &ref);
	CHECK(ret == 0, "unturned reference at %dx%d: %d", params.width, params.height, ret);
	int matched = 0, zero_copy = 0;
	for (int i = 0; ret == 0 && i < 8; i++) {
		struct uhd_orientation orientation = {i / 2 * 90, i % 2 == 1};
		matched += check_orientation(context, clip, params, &ref, orientation, &zero_copy);
	}
	printf("%dx%d before turning, %d bits: %d of %d turned frames match (%d read in place)\n",
	       ref.width, ref.height, ref.bits, matched, 8 * clip->count, zero_copy);
	CHECK(matched == 8 * clip->count, "%dx%d: %d of %d frames matched", ref.width, ref.height,
	      matched, 8 * clip->count);
	for (int f = 0; f < MAX_FRAMES; f++) {
		free(ref.frames[f]);
	}
	return matched;
}

static void check_refused(struct uhd_context *context, const struct clip *clip)
{
	const int rotations[] = {45, -90, 360, 1};
	for (int i = 0; i < 4; i++) {
		struct uhd_convert_params params = UHD_CONVERT_DEFAULTS;
		params.orientation.rotation = rotations[i];
		struct uhd_converter *converter = NULL;
		last_error[0] = '\0';
		int ret = uhd_converter_create(context, clip->info, &params, &converter);
		CHECK(ret == -EINVAL && !converter, "rotation %d: %d", rotations[i], ret);
		CHECK(strstr(last_error, "rotation") != NULL, "rotation %d: message '%s'",
		      rotations[i], last_error);
		uhd_converter_destroy(&converter);
	}
}

int main(int argc, char **argv)
{
	struct uhd_convert_params scaled = UHD_CONVERT_DEFAULTS;
	if (argc < 4 || sscanf(argv[2], "%dx%d", &scaled.width, &scaled.height) != 2 ||
	    uhd_scaler_from_name(argv[3], &scaled.scaler) < 0) {
		fprintf(stderr, "usage: test_orient CLIP WxH SCALER [FRAMES]\n");
		return 2;
	}
	uhd_log_set_callback(log_message, NULL, UHD_LOG_WARN);
	int frames = argc > 4 ? atoi(argv[4]) : 2;
	frames = frames < 1 ? 1 : frames > MAX_FRAMES ? MAX_FRAMES : frames;
	struct clip clip = {0};
	struct uhd_context *context = NULL;
	struct uhd_context_params cp = UHD_CONTEXT_DEFAULTS;
	cp.validation = true;
	CHECK(decode(argv[1], frames, &clip) == 0, "decoding %s", argv[1]);
	CHECK(uhd_context_create(&cp, &context) == 0, "Vulkan context");
	int matched = 0;
	if (context && clip.count > 0) {
		struct uhd_convert_params source_size = scaled;
		source_size.width = source_size.height = 0;
		matched += check_size(context, &clip, source_size);
		matched += check_size(context, &clip, scaled);
		check_refused(context, &clip);
	}
	CHECK(matched == 2 * 8 * frames, "%d turned frames matched, %d expected", matched,
	      2 * 8 * frames);
	uhd_context_destroy(&context);
	for (int f = 0; f < clip.count; f++) {
		av_frame_free(&clip.frames[f].av);
	}
	uhd_source_destroy(&clip.source);
	CHECK(uhd_validation_messages_total() == 0, "validation messages: %u",
	      uhd_validation_messages_total());
	return test_finish("test_orient");
}
