/* SPDX-License-Identifier: MIT */
/*
 * `check --domain yuv`: what it takes (two clips of the same format and colour
 * description, metrics it computes on planes) and the decoded frames as planes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../source/frame.h"
#include "check_yuv.h"
#include "uhdpipe/colour.h"

static const char *kind_words(const char *path)
{
	const struct uhd_frames_impl *kind = uhd_frames_kind_of(path);
	return kind == &uhd_frames_image ? "a PNG" : "not a clip (a reference folder or a pattern)";
}

/* --exact counts as diff among the thresholds given; here it is a checksum. */
static unsigned metrics_asked(const struct uhd_check_params *p)
{
	unsigned asked = p->metrics | p->thresholds_given;
	if (p->thresholds.exact && p->thresholds.max_diff < 0 && !(p->metrics & UHD_METRIC_DIFF)) {
		asked &= ~(unsigned)UHD_METRIC_DIFF;
	}
	return asked;
}

int check_yuv_refusal(const struct uhd_check_params *p, bool asked, char *why, size_t size)
{
	const char *sides[2][2] = {{"INPUT", p->input}, {"REF", p->ref}};
	for (int i = 0; i < 2; i++) {
		if (uhd_frames_kind_of(sides[i][1]) == &uhd_frames_clip) {
			continue;
		}
		snprintf(why, size,
		         asked ? "--domain yuv compares the decoded planes of two clips, and %s "
		                 "'%s' is %s; use --domain rgb"
		               : "%s '%s' is %s: only two clips compare on their planes",
		         sides[i][0], sides[i][1], kind_words(sides[i][1]));
		return -ENOTSUP;
	}
	if (metrics_asked(p) & ~(unsigned)UHD_CHECK_YUV_METRICS) {
		snprintf(
		        why, size,
		        asked ? "--domain yuv computes psnr (per plane), ssim and msssim (of luma) "
		                "and --exact; ask for deltaitp and diff with --domain rgb"
		              : "deltaitp or diff was asked for (they are computed on R'G'B')");
		return -ENOTSUP;
	}
	if (p->convert.target.transfer != UHD_TARGET_SOURCE) {
		snprintf(why, size,
		         asked ? "--domain yuv compares the planes as decoded: --target converts "
		                 "rendered R'G'B' and needs --domain rgb"
		               : "--target was given (it converts rendered R'G'B')");
		return -ENOTSUP;
	}
	if (p->size_given || p->scaler_given || p->rotate || p->diff_dir) {
		snprintf(why, size,
		         asked ? "--domain yuv compares the planes as decoded: --size, --scaler, "
		                 "--rotate and --diff-dir need --domain rgb"
		               : "--size, --scaler, --rotate or --diff-dir was given (they work "
		                 "on rendered R'G'B')");
		return -ENOTSUP;
	}
	return 0;
}

static void describe(const struct uhd_stream_info *s, char *out, size_t size)
{
	snprintf(out, size, "%dx%d %d-bit 4:%s", s->width, s->height, s->bit_depth,
	         s->log2_chroma_w == 0   ? "4:4"
	         : s->log2_chroma_h == 0 ? "2:2"
	                                 : "2:0");
}

static void describe_colour(const struct uhd_colour *c, char *out, size_t size)
{
	snprintf(out, size, "%s/%s/%s/%s", uhd_primaries_name(c->primaries),
	         uhd_transfer_name(c->transfer), uhd_matrix_name(c->matrix),
	         uhd_range_name(c->range));
}

bool check_yuv_same_format(const struct uhd_frames *input, const struct uhd_frames *ref, bool asked,
                           char *why, size_t size)
{
	const char *advice = asked ? "; compare them with --domain rgb" : "";
	const struct uhd_stream_info *a = input->info, *b = ref->info;
	char x[96], y[96];
	describe(a, x, sizeof(x));
	describe(b, y, sizeof(y));
	if (strcmp(x, y) != 0) {
		snprintf(why, size,
		         "size or pixel format differs: INPUT is %s (%s), REF is %s (%s)%s", x,
		         a->pixel_format, y, b->pixel_format, advice);
		return false;
	}
	const struct uhd_colour *c = &a->colour, *d = &b->colour;
	if (c->primaries != d->primaries || c->transfer != d->transfer || c->matrix != d->matrix ||
	    c->range != d->range) {
		describe_colour(c, x, sizeof(x));
		describe_colour(d, y, sizeof(y));
		snprintf(why, size,
		         "colour description differs: INPUT %s vs REF %s "
		         "(primaries/transfer/matrix/range), so the same codes mean different "
		         "colours%s",
		         x, y, advice);
		return false;
	}
	return true;
}

int check_yuv_planes(const struct uhd_frames *frames, struct uhd_planes *out)
{
	const struct uhd_stream_info *info = frames->info;
	*out = (struct uhd_planes){
	        .count = 3,
	        .bits = info->bit_depth,
	        .bytes = info->bit_depth > 8 ? 2 : 1,
	        .shift = info->sample_shift,
	};
	for (int p = 0; p < 3; p++) {
		ptrdiff_t stride;
		int ret = uhd_frame_plane(frames->decoded_frame, p, &out->data[p], &stride,
		                          &out->width[p], &out->height[p]);
		if (ret < 0 || stride <= 0) {
			return ret < 0 ? ret : -ENOTSUP;
		}
		out->stride[p] = stride;
		out->step[p] = p > 0 && info->chroma_interleaved ? 2 : 1;
		if (uhd_frame_plane_block(frames->decoded_frame, p, &out->block[p],
		                          &out->block_size[p]) < 0) {
			out->block[p] = NULL; /* copied */
		}
	}
	return 0;
}
