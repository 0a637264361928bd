/* SPDX-License-Identifier: MIT */
/*
 * compare_frame: the library in one page. Opens a clip and a reference clip,
 * converts frame N of each to 16-bit full-range R'G'B' at one size on the
 * GPU, and compares the two pictures there.
 *
 *     compare_frame CLIP REFERENCE [FRAME [WIDTHxHEIGHT]]
 *
 * FRAME counts from 0 (default 0); the size defaults to 1280x720. Prints
 * PSNR, SSIM and the largest code-value difference. Exit status: 0 when every
 * sample is equal, 1 when the pictures differ, 2 on an error (the library
 * has logged what failed).
 *
 * Build against an installed uhdpipe:
 *     cc compare_frame.c $(pkg-config --cflags --libs uhdpipe) -o compare_frame
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uhdpipe/uhdpipe.h>

/* One input: its decoder, its converter and the picture last converted. */
struct input {
	struct uhd_source *source;
	struct uhd_converter *converter;
	struct uhd_image image; /* owned by the converter */
};

static int open_input(struct uhd_context *context, const char *path,
                      const struct uhd_convert_params *convert, struct input *in)
{
	int ret = uhd_source_open(path, NULL, &in->source);
	if (ret < 0) {
		return ret;
	}
	return uhd_converter_create(context, uhd_source_info(in->source), convert, &in->converter);
}

/* Decodes frames up to `index` and converts that one. */
static int convert_frame(struct input *in, long index)
{
	const struct uhd_frame *frame = NULL;
	for (long i = 0; i <= index; i++) {
		int ret = uhd_source_next_frame(in->source, &frame);
		if (ret == 1) {
			fprintf(stderr, "compare_frame: the clip ends before frame %ld\n", index);
			return -ENODATA;
		}
		if (ret < 0) {
			return ret;
		}
	}
	return uhd_converter_process(in->converter, frame, &in->image, NULL);
}

static void close_input(struct input *in)
{
	uhd_converter_destroy(&in->converter);
	uhd_source_destroy(&in->source);
}

static int compare(struct uhd_context *context, const struct input *test, const struct input *ref,
                   struct uhd_metrics *metrics)
{
	struct uhd_compare_params params = UHD_COMPARE_DEFAULTS;
	params.width = test->image.width;
	params.height = test->image.height;
	params.bits = test->image.bits;
	params.metrics = UHD_METRIC_PSNR | UHD_METRIC_SSIM | UHD_METRIC_DIFF;
	struct uhd_comparer *comparer = NULL;
	int ret = uhd_comparer_create(context, &params, &comparer);
	if (ret == 0) {
		ret = uhd_comparer_run(comparer, &ref->image, &test->image, metrics);
	}
	uhd_comparer_destroy(&comparer);
	return ret;
}

int main(int argc, char **argv)
{
	struct uhd_convert_params convert = UHD_CONVERT_DEFAULTS;
	convert.width = 1280;
	convert.height = 720;
	long index = argc > 3 ? strtol(argv[3], NULL, 10) : 0;
	if (argc < 3 || argc > 5 || index < 0 ||
	    (argc > 4 && sscanf(argv[4], "%dx%d", &convert.width, &convert.height) != 2)) {
		fprintf(stderr, "usage: compare_frame CLIP REFERENCE [FRAME [WIDTHxHEIGHT]]\n");
		return 2;
	}
	struct uhd_context *context = NULL;
	struct input test = {0}, ref = {0};
	struct uhd_metrics metrics;
	int ret = uhd_context_create(NULL, &context);
	ret = ret ? ret : open_input(context, argv[1], &convert, &test);
	ret = ret ? ret : open_input(context, argv[2], &convert, &ref);
	ret = ret ? ret : convert_frame(&test, index);
	ret = ret ? ret : convert_frame(&ref, index);
	ret = ret ? ret : compare(context, &test, &ref, &metrics);
	close_input(&test);
	close_input(&ref);
	/* With UHD_VK_VALIDATION=1 the validation layer checks every Vulkan call. */
	unsigned messages = context ? uhd_context_validation_messages(context) : 0;
	uhd_context_destroy(&context);
	if (ret < 0) {
		fprintf(stderr, "compare_frame: failed: %s\n", strerror(-ret));
		return 2;
	}
	printf("frame %ld at %dx%d: PSNR %.4f dB, SSIM %.6f, max difference %u (%llu pixels "
	       "differ)\n",
	       index, convert.width, convert.height, metrics.psnr_avg, metrics.ssim,
	       metrics.max_diff, (unsigned long long)metrics.diff_pixels);
	if (messages) {
		fprintf(stderr, "compare_frame: the Vulkan validation layer reported %u messages\n",
		        messages);
		return 2;
	}
	return metrics.max_diff == 0 ? 0 : 1;
}
