/*
 * GPU output against the independent double-precision CPU model (cpu_model.c)
 * for one clip, one output size and every scaler, on the first frames of the
 * clip, everywhere including the picture edges. Tolerance: one code value of
 * the source bit depth (65535/(2^n - 1) in the 16-bit output, 1 in 8-bit
 * output). A failure names frame, pixel, channel, expected and got.
 *
 * usage: test_gpu_model CLIP WxH [FRAMES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_model.h"
#include "harness.h"
#include "uhdpipe/uhdpipe.h"

struct comparison {
	double max_diff;
	int worst_x, worst_y, worst_c;
	double worst_expected, worst_got;
	long over_tolerance;
};

/* Kr/Kb from the standards' text, independent of pipeline/convert/colour.c. */
static int model_matrix(int matrix, int primaries, int height, double *kr, double *kb)
{
	if (matrix == 2) { /* unspecified: the documented guess */
		matrix = primaries == 9 ? 9 : height > 576 ? 1 : 6;
	}
	switch (matrix) {
	case 1:
		*kr = 0.2126;
		*kb = 0.0722;
		return 0; /* BT.709 */
	case 5:
	case 6:
		*kr = 0.299;
		*kb = 0.114;
		return 0; /* BT.601 */
	case 9:
		*kr = 0.2627;
		*kb = 0.0593;
		return 0; /* BT.2020 NCL */
	default: return -1;
	}
}

static void model_siting(enum uhd_chroma_siting siting, const struct uhd_stream_info *info,
                         struct model_input *in)
{
	bool centred_x = siting == UHD_SITING_CENTER || siting == UHD_SITING_TOP ||
	                 siting == UHD_SITING_BOTTOM;
	double y = 0.5; /* LEFT, CENTER and unspecified: vertically between rows */
	if (siting == UHD_SITING_TOPLEFT || siting == UHD_SITING_TOP) {
		y = 0.0;
	} else if (siting == UHD_SITING_BOTTOMLEFT || siting == UHD_SITING_BOTTOM) {
		y = 1.0;
	}
	in->chroma_offset_x = info->log2_chroma_w ? (centred_x ? 0.5 : 0.0) : 0.0;
	in->chroma_offset_y = info->log2_chroma_h ? y : 0.0;
}

static int fill_model_input(const struct uhd_frame *frame, const struct uhd_stream_info *info,
                            struct model_input *in)
{
	memset(in, 0, sizeof(*in));
	for (int i = 0; i < 3; i++) {
		struct model_plane *p = &in->planes[i];
		uhd_frame_plane(frame, i, &p->data, &p->stride, &p->width, &p->height);
	}
	in->width = info->width;
	in->height = info->height;
	in->bit_depth = info->bit_depth;
	in->chroma_shift_x = info->log2_chroma_w;
	in->chroma_shift_y = info->log2_chroma_h;
	in->full_range = info->colour.range == UHD_RANGE_FULL;
	model_siting(info->colour.siting, info, in);
	return model_matrix(info->colour.matrix, info->colour.primaries, info->height, &in->kr,
	                    &in->kb);
}

static unsigned gpu_sample(const struct uhd_image *img, int x, int y, int c)
{
	const uint8_t *row = img->data + (size_t)y * img->stride;
	if (img->bits == 16) {
		const uint8_t *p = row + (size_t)x * 6 + c * 2;
		return (unsigned)(p[0] << 8 | p[1]);
	}
	return row[(size_t)x * 3 + c];
}

static void compare(const struct uhd_image *img, const double *model, double tolerance,
                    struct comparison *cmp)
{
	double peak = img->bits == 16 ? 65535.0 : 255.0;
	memset(cmp, 0, sizeof(*cmp));
	for (int y = 0; y < img->height; y++) {
		for (int x = 0; x < img->width; x++) {
			for (int c = 0; c < 3; c++) {
				double v = model[((size_t)y * img->width + x) * 3 + c];
				double exact = fmin(fmax(v, 0.0), 1.0) * peak;
				/* 8-bit output is rounded from the exact value: it may differ
				 * from the model's rounding only next to a tie. */
				double expected = img->bits == 8 ? exact : floor(exact + 0.5);
				double got = gpu_sample(img, x, y, c);
				double diff = fabs(got - expected);
				cmp->over_tolerance += diff > tolerance;
				if (diff > cmp->max_diff) {
					*cmp = (struct comparison){
					        diff, x, y, c, expected, got, cmp->over_tolerance};
				}
			}
		}
	}
}

static void check_scaler(const char *clip, int width, int height, enum uhd_scaler scaler,
                         int frames)
{
	struct uhd_source *source = NULL;
	struct uhd_context *context = NULL;
	struct uhd_converter *converter = NULL;
	struct uhd_context_params cp = UHD_CONTEXT_DEFAULTS;
	cp.validation = true;
	CHECK(uhd_source_open(clip, NULL, &source) == 0, "open %s", clip);
	CHECK(source && uhd_context_create(&cp, &context) == 0, "Vulkan context");
	if (!source || !context) {
		goto done;
	}
	const struct uhd_stream_info *info = uhd_source_info(source);
	struct uhd_convert_params params = {width, height, scaler};
	CHECK(uhd_converter_create(context, info, &params, &converter) == 0, "converter");
	/* 16-bit output: one code of the source depth. 8-bit output: half a code
	 * from the model's exact value, plus float32's error near a tie. */
	double tolerance =
	        info->bit_depth > 8 ? 65535.0 / ((1 << info->bit_depth) - 1) : 0.5 + 1e-3;
	/* Every frame asked for that the clip has is compared: a decode that
	 * fails must not end the loop as if the clip had ended. */
	CHECK(uhd_source_count_frames(source) == 0 && info->frame_count_exact, "count %s", clip);
	int64_t wanted = info->frame_count < frames ? info->frame_count : frames;
	int compared = 0;
	for (int f = 0; converter && f < frames; f++) {
		const struct uhd_frame *frame;
		int ret = uhd_source_next_frame(source, &frame);
		CHECK(ret >= 0, "%s: decoding frame %d failed (%d)", clip, f, ret);
		if (ret != 0) {
			break;
		}
		compared++;
		struct model_input in;
		CHECK(fill_model_input(frame, info, &in) == 0, "matrix %d known to the model",
		      info->colour.matrix);
		struct uhd_image img;
		CHECK(uhd_converter_process(converter, frame, &img, NULL) == 0, "process");
		double *model = model_convert(&in, width, height, (enum model_kernel)scaler);
		struct comparison cmp;
		compare(&img, model, tolerance, &cmp);
		free(model);
		printf("%s %dx%d %-8s frame %d: max |gpu - model| = %.4f (tolerance %.4f) at "
		       "x=%d y=%d channel %c\n",
		       clip, width, height, uhd_scaler_name(scaler), f, cmp.max_diff, tolerance,
		       cmp.worst_x, cmp.worst_y, "RGB"[cmp.worst_c]);
		/* Float32 on the GPU against doubles: a few 16-bit codes at most. */
		CHECK(img.bits == 8 || cmp.max_diff <= 4,
		      "%s %s frame %d: max difference %.0f exceeds the float32 budget of 4 "
		      "16-bit codes at (%d,%d) channel %c",
		      clip, uhd_scaler_name(scaler), f, cmp.max_diff, cmp.worst_x, cmp.worst_y,
		      "RGB"[cmp.worst_c]);
		CHECK(cmp.over_tolerance == 0,
		      "%s %s frame %d: %ld samples over tolerance; worst pixel (%d,%d) channel %c "
		      "expected %.4f got %.0f",
		      clip, uhd_scaler_name(scaler), f, cmp.over_tolerance, cmp.worst_x,
		      cmp.worst_y, "RGB"[cmp.worst_c], cmp.worst_expected, cmp.worst_got);
	}
	CHECK(compared == wanted && compared > 0, "%s %s: compared %d frame(s), wanted %lld", clip,
	      uhd_scaler_name(scaler), compared, (long long)wanted);
done:
	uhd_converter_destroy(&converter);
	uhd_context_destroy(&context);
	uhd_source_destroy(&source);
	/* after the device is gone, so objects left alive count too */
	CHECK(uhd_validation_messages_total() == 0, "validation messages: %u",
	      uhd_validation_messages_total());
}

int main(int argc, char **argv)
{
	int width, height;
	if (argc < 3 || sscanf(argv[2], "%dx%d", &width, &height) != 2) {
		fprintf(stderr, "usage: test_gpu_model CLIP WxH [FRAMES]\n");
		return 2;
	}
	int frames = argc > 3 ? atoi(argv[3]) : 2;
	FILE *probe = fopen(argv[1], "rb");
	if (!probe) {
		fprintf(stderr, "FAIL: sample %s is missing; run samples/make-samples.sh\n",
		        argv[1]);
		return 1;
	}
	fclose(probe);
	for (int s = UHD_SCALER_NEAREST; s <= UHD_SCALER_LANCZOS3; s++) {
		check_scaler(argv[1], width, height, (enum uhd_scaler)s, frames);
	}
	return test_finish("test_gpu_model");
}
