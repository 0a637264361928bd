/* SPDX-License-Identifier: MIT */
/*
 * GPU output against the independent double-precision CPU model (cpu_model.c)
 * for one clip, one output size and every scaler, on the first frames of the
 * clip, everywhere including the picture edges. Tolerance: one code value of
 * the source bit depth (65535/(2^n - 1) in the 16-bit output, 1 in 8-bit
 * output). A failure names frame, pixel, channel, expected and got.
 *
 * usage: test_gpu_model CLIP WxH [FRAMES [SCALER|all [matrix=N] [range=tv|pc]
 *                                            [siting=N|unspecified] [target=T:PEAK]]]
 * The tags, where given, are how the clip was made (H.273 matrix_coefficients
 * and chroma_sample_loc_type, tests/e2e_colour_paths.py): the model takes them
 * instead of uhdpipe's parsing, and uhdpipe's parsing must agree.
 * target=pq:PEAK, sdr:PEAK or sdr2020:PEAK converts a PQ clip (--target) and
 * the model's R'G'B' goes through tonemap_model.c; the tolerance is then
 * TARGET_TOLERANCE 16-bit codes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_model.h"
#include "harness.h"
#include "tonemap_model.h"
#include "uhdpipe/uhdpipe.h"

struct comparison {
	double max_diff;
	int worst_x, worst_y, worst_c;
	double worst_expected, worst_got;
	long over_tolerance;
	double max_excess; /* the largest difference beyond the sample's slack (--target) */
};

/* Tags the clip was generated with; -1: none given, the model takes uhdpipe's. */
static struct {
	int matrix, range, siting;
} expect = {-1, -1, -1};

/* target=: the conversion asked for (UHD_TARGET_SOURCE: none). */
static struct uhd_target target = {UHD_TARGET_SOURCE, 0.0, 0, UHD_TONEMAP_SOURCE_MASTERING};

/* 16-bit codes between the GPU's converted pictures and the model's, beyond
 * what the base conversion's own error moves the model's output: the base
 * conversion is within INPUT_ERROR codes of the model before --target (its
 * float32 sums against doubles; the cases without target measure it), and
 * where the conversion is steep (SDR: saturated darks, where the gamut
 * matrix cancels and BT.1886's 1/2.4 power is steepest, one input code moves
 * the output by hundreds) that error is propagated through the model. */
#define TARGET_TOLERANCE 1.0
#define INPUT_ERROR      1.0

/* The model of target for this clip's mastering display (BT.2390's input
 * range), the same default as uhdpipe's where the clip has none: 0 to 1000. */
static void apply_target(const struct uhd_stream_info *info, double *rgb, size_t count)
{
	const struct uhd_colour *c = &info->colour;
	/* An HLG source's range is BT.2408's reference display's, 0 to 1000. */
	bool hlg = c->transfer == UHD_TRANSFER_HLG;
	struct tm_model m = {
	        .mode = target.transfer == UHD_TARGET_PQ           ? TM_MODEL_PQ
	                : target.transfer == UHD_TARGET_HLG        ? TM_MODEL_HLG
	                : target.primaries == UHD_PRIMARIES_BT2020 ? TM_MODEL_SDR_BT2020
	                                                           : TM_MODEL_SDR_BT709,
	        .source_black = c->has_mastering && !hlg ? c->mastering.min_luminance : 0.0,
	        .source_peak = c->has_mastering && !hlg ? c->mastering.max_luminance : 1000.0,
	        .target_peak = target.peak,
	        .source_hlg = hlg,
	};
	tm_model_apply(&m, rgb, count);
}

/* Per output sample, how far INPUT_ERROR 16-bit codes on any one input
 * channel (either way) move the model's output, in 16-bit codes. */
static double *target_slack(const struct uhd_stream_info *info, const double *input, size_t count,
                            double peak)
{
	double *slack = calloc(count * 3, sizeof(double));
	double *base = malloc(count * 3 * sizeof(double));
	double *moved = malloc(count * 3 * sizeof(double));
	if (!slack || !base || !moved) {
		free(base);
		free(moved);
		free(slack);
		return NULL;
	}
	memcpy(base, input, count * 3 * sizeof(double));
	apply_target(info, base, count);
	for (int c = 0; c < 6; c++) {
		memcpy(moved, input, count * 3 * sizeof(double));
		for (size_t i = 0; i < count; i++) {
			moved[i * 3 + c / 2] += (c % 2 ? -INPUT_ERROR : INPUT_ERROR) / peak;
		}
		apply_target(info, moved, count);
		for (size_t i = 0; i < count * 3; i++) {
			double d = fabs(moved[i] - base[i]) * peak;
			slack[i] = d > slack[i] ? d : slack[i];
		}
	}
	free(base);
	free(moved);
	return slack;
}

/* Kr/Kb from the standards' text, independent of pipeline/colour/colour.c. */
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
	case 4:
		*kr = 0.30;
		*kb = 0.11;
		return 0; /* FCC, 47 CFR 73.682 (20)(iv) as H.273 Table 4 gives it */
	case 7:
		*kr = 0.212;
		*kb = 0.087;
		return 0; /* SMPTE 240M */
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
	int range = expect.range >= 0 ? expect.range : (int)info->colour.range;
	int siting = expect.siting >= 0 ? expect.siting : (int)info->colour.siting;
	int matrix = expect.matrix >= 0 ? expect.matrix : info->colour.matrix;
	in->full_range = range == UHD_RANGE_FULL;
	model_siting((enum uhd_chroma_siting)siting, info, in);
	return model_matrix(matrix, info->colour.primaries, info->height, &in->kr, &in->kb);
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
                    const double *slack, struct comparison *cmp)
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
				size_t at = ((size_t)y * img->width + x) * 3 + c;
				double excess = diff - (slack ? slack[at] : 0.0);
				cmp->max_excess =
				        excess > cmp->max_excess ? excess : cmp->max_excess;
				cmp->over_tolerance += excess > tolerance;
				if (diff > cmp->max_diff) {
					*cmp = (struct comparison){diff,
					                           x,
					                           y,
					                           c,
					                           expected,
					                           got,
					                           cmp->over_tolerance,
					                           cmp->max_excess};
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
	CHECK((expect.matrix < 0 || info->colour.matrix == expect.matrix) &&
	              (expect.range < 0 || (int)info->colour.range == expect.range) &&
	              (expect.siting < 0 || (int)info->colour.siting == expect.siting),
	      "%s: uhdpipe reads matrix %d, range %d, siting %d; the clip was made with %d, %d, "
	      "%d",
	      clip, info->colour.matrix, (int)info->colour.range, (int)info->colour.siting,
	      expect.matrix, expect.range, expect.siting);
	struct uhd_convert_params params = {width, height, scaler};
	params.target = target;
	CHECK(uhd_converter_create(context, info, &params, &converter) == 0, "converter");
	/* 16-bit output: one code of the source depth. 8-bit output: half a code
	 * from the model's exact value, plus float32's error near a tie. */
	double tolerance =
	        info->bit_depth > 8 ? 65535.0 / ((1 << info->bit_depth) - 1) : 0.5 + 1e-3;
	if (target.transfer != UHD_TARGET_SOURCE) {
		tolerance = TARGET_TOLERANCE;
	}
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
		double *slack = NULL;
		if (target.transfer != UHD_TARGET_SOURCE) {
			/* In codes of the output: 16-bit, or 8-bit for 8-bit sources. */
			double peak = info->bit_depth > 8 ? 65535.0 : 255.0;
			slack = target_slack(info, model, (size_t)width * height, peak);
			CHECK(slack != NULL, "memory for the model");
			apply_target(info, model, (size_t)width * height);
		}
		struct comparison cmp;
		compare(&img, model, tolerance, slack, &cmp);
		free(model);
		free(slack);
		printf("%s %dx%d %-8s frame %d: max |gpu - model| = %.4f (tolerance %.4f) at "
		       "x=%d y=%d channel %c\n",
		       clip, width, height, uhd_scaler_name(scaler), f, cmp.max_diff, tolerance,
		       cmp.worst_x, cmp.worst_y, "RGB"[cmp.worst_c]);
		/* Float32 on the GPU against doubles: a few 16-bit codes at most. */
		if (target.transfer != UHD_TARGET_SOURCE) {
			printf("  --target: largest difference beyond the propagated input error "
			       "%.4f (tolerance %.1f)\n",
			       cmp.max_excess, tolerance);
		}
		CHECK(img.bits == 8 || target.transfer != UHD_TARGET_SOURCE || cmp.max_diff <= 4,
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

/* matrix=N (H.273), range=tv|pc, siting=N (H.273 chroma_sample_loc_type 0..5,
 * which is uhd_chroma_siting - 1) or siting=unspecified */
static int parse_tag(const char *arg)
{
	int n;
	if (sscanf(arg, "matrix=%d", &n) == 1) {
		expect.matrix = n;
	} else if (strcmp(arg, "range=tv") == 0 || strcmp(arg, "range=pc") == 0) {
		expect.range = arg[6] == 'p' ? UHD_RANGE_FULL : UHD_RANGE_LIMITED;
	} else if (strcmp(arg, "siting=unspecified") == 0) {
		expect.siting = UHD_SITING_UNSPECIFIED;
	} else if (strncmp(arg, "target=sdr2020:", 15) == 0) {
		char sdr[32];
		snprintf(sdr, sizeof(sdr), "sdr%s", arg + 14); /* "sdr:PEAK" */
		target.primaries = UHD_PRIMARIES_BT2020;
		return uhd_target_parse(sdr, &target) == 0 && target.peak > 0 ? 0 : -1;
	} else if (strncmp(arg, "target=", 7) == 0) {
		return uhd_target_parse(arg + 7, &target) == 0 && target.peak > 0 ? 0 : -1;
	} else if (sscanf(arg, "siting=%d", &n) == 1 && n >= 0 && n <= 5) {
		expect.siting = n + 1;
	} else {
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int width, height;
	if (argc < 3 || sscanf(argv[2], "%dx%d", &width, &height) != 2) {
		fprintf(stderr, "usage: test_gpu_model CLIP WxH [FRAMES]\n");
		return 2;
	}
	int frames = argc > 3 ? atoi(argv[3]) : 2;
	int first = UHD_SCALER_NEAREST, last = UHD_SCALER_LANCZOS3;
	if (argc > 4 && strcmp(argv[4], "all") != 0) {
		enum uhd_scaler one;
		if (uhd_scaler_from_name(argv[4], &one) != 0) {
			fprintf(stderr, "test_gpu_model: unknown scaler %s\n", argv[4]);
			return 2;
		}
		first = last = (int)one;
	}
	for (int i = 5; i < argc; i++) {
		if (parse_tag(argv[i]) != 0) {
			fprintf(stderr,
			        "test_gpu_model: bad tag %s (matrix=N, range=tv|pc, siting=N)\n",
			        argv[i]);
			return 2;
		}
	}
	FILE *probe = fopen(argv[1], "rb");
	if (!probe) {
		fprintf(stderr, "FAIL: sample %s is missing; run samples/make-samples.sh\n",
		        argv[1]);
		return 1;
	}
	fclose(probe);
	for (int s = first; s <= last; s++) {
		check_scaler(argv[1], width, height, (enum uhd_scaler)s, frames);
	}
	return test_finish("test_gpu_model");
}
