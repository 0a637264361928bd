/* SPDX-License-Identifier: MIT */
/*
 * The check run: frames of INPUT and REF side by side, compared on the GPU,
 * judged against the thresholds, reported as JSON and JUnit even when the run
 * fails or is interrupted.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "../common/paths.h"
#include "../engine/run.h"
#include "check_run.h"
#include "check_yuv.h"
#include "uhdpipe/context.h"

struct check_state {
	const struct uhd_check_params *params;
	struct uhd_check_result *result;
	struct uhd_run base; /* the context, the first failure, the validation count */
	struct uhd_frames *input, *ref;
	/* The context and comparers: the caller's to keep, or own_gpu. */
	struct check_gpu *gpu, own_gpu;
	struct check_report *report;
};

/* The first failure is the run's (uhd_run_fail); the result and the report
 * (which outlives the run's state) say it. */
static int fail(struct check_state *st, enum uhd_stage stage, int ret, const char *what)
{
	uhd_run_fail(&st->base, stage, ret, what);
	st->result->failed_stage = st->base.failed_stage;
	snprintf(st->report->error_text, sizeof(st->report->error_text), "%s", st->base.error);
	st->report->error = st->report->error_text;
	return ret;
}

/* A failure of the comparison as a whole: reported, exit code 1. */
static void mismatch(struct check_state *st, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void mismatch(struct check_state *st, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	vsnprintf(st->report->mismatch_text, sizeof(st->report->mismatch_text), fmt, args);
	va_end(args);
	st->report->mismatch = st->report->mismatch_text;
	uhd_error("%s", st->report->mismatch);
}

/* Options a reference folder recorded, unless given on the command line. */
static struct uhd_render_options resolve_options(const struct uhd_check_params *p,
                                                 const struct uhd_frames *ref)
{
	/* Each clip decodes a frame ahead on a thread of its own: the two decodes overlap each
	 * other and the comparison of the frame before. */
	struct uhd_render_options o = {.convert = p->convert,
	                               .start = p->start,
	                               .frames = p->frames,
	                               .rotate = p->rotate,
	                               .decode_ahead = 1,
	                               /* AUTO: until choose_domain says otherwise */
	                               .decoded_planes = p->domain != UHD_CHECK_DOMAIN_RGB};
	if (ref && ref->has_recorded_options) {
		const struct uhd_render_options *r = &ref->recorded;
		if (!p->size_given) {
			o.convert.width = r->convert.width;
			o.convert.height = r->convert.height;
		}
		if (!p->scaler_given) {
			o.convert.scaler = r->convert.scaler;
		}
		if (!p->start_given) {
			o.start = r->start;
		}
		if (!p->frames_given) {
			o.frames = r->frames;
		}
		if (!p->rotate_given) {
			o.rotate = r->rotate;
		}
	}
	return o;
}

/* --start/--frames with a reference folder pick among its recorded frames.
 * Asking for more than it holds leaves a count mismatch for check_counts;
 * starting before its first frame would misalign every pair, so is refused. */
static int select_recorded_frames(struct check_state *st)
{
	const struct uhd_check_params *p = st->params;
	const struct uhd_frames *ref = st->ref;
	if (!ref->has_recorded_options || (!p->start_given && !p->frames_given)) {
		return 0;
	}
	int64_t recorded_start = ref->recorded.start, count = ref->count;
	int64_t skip = p->start_given ? p->start - recorded_start : 0;
	if (skip < 0) {
		uhd_error("the reference folder '%s' starts at decoded frame %lld; --start %lld is "
		          "before it: record references from there",
		          p->ref, (long long)recorded_start, (long long)p->start);
		return -EINVAL;
	}
	skip = skip < count ? skip : count;
	int64_t limit = p->frames_given && p->frames < count - skip ? p->frames : count - skip;
	return uhd_frames_refs_window(st->ref, skip, limit);
}

/* A Dolby Vision base layer without a compatible picture is no colour to compare. */
static int refuse_undisplayable(const struct uhd_frames *frames)
{
	const struct uhd_stream_info *info = frames->info;
	if (!info || info->displayable) {
		return 0;
	}
	uhd_error("'%s' is Dolby Vision profile %d with base layer compatibility %d: its base "
	          "layer is not a picture without a Dolby Vision decoder (its colours are "
	          "coded for the RPU's reshaping), so it cannot be compared; uhdpipe play -o "
	          "null still decodes and times it",
	          frames->path, info->dolby_vision.profile, info->dolby_vision.bl_compatibility_id);
	return -ENOTSUP;
}

/* One side: a clip whose domain is still to be chosen is only probed (started
 * by choose_domain once its planes are known). */
static int open_side(struct check_state *st, const char *path,
                     const struct uhd_render_options *options, struct uhd_frames **out,
                     bool *gpu_failed)
{
	if (st->params->domain != UHD_CHECK_DOMAIN_AUTO) {
		return uhd_frames_open(path, st->base.context, options, out, gpu_failed);
	}
	*gpu_failed = false;
	return uhd_frames_probe(&uhd_frames_clip, path, options, out);
}

static void set_domain(struct check_state *st, enum uhd_check_domain domain, const char *why)
{
	st->report->resolved.domain = domain;
	st->report->options.decoded_planes = domain == UHD_CHECK_DOMAIN_YUV;
	snprintf(st->report->domain_reason, sizeof(st->report->domain_reason), "%s", why);
}

/* --domain auto with two clips: their planes when they mean the same colours,
 * else R'G'B'; then both start rendering (or not) accordingly. */
static int choose_domain(struct check_state *st)
{
	char why[256];
	bool same = check_yuv_same_format(st->input, st->ref, false, why, sizeof(why));
	set_domain(st, same ? UHD_CHECK_DOMAIN_YUV : UHD_CHECK_DOMAIN_RGB,
	           same ? "both inputs are clips of the same size, pixel format and colour "
	                  "description"
	                : why);
	check_resolve_metrics(&st->report->resolved);
	struct uhd_frames *sides[2] = {st->ref, st->input};
	for (int i = 0; i < 2; i++) {
		uhd_frames_keep_planes(sides[i], same);
		int ret =
		        uhd_frames_start(sides[i], st->base.context, &st->report->options.convert);
		if (ret < 0) {
			return fail(st, sides[i]->gpu_failed ? UHD_STAGE_GPU : UHD_STAGE_INPUT, ret,
			            i ? "opening the input failed"
			              : "opening the reference failed");
		}
	}
	return 0;
}

static int open_inputs(struct check_state *st)
{
	const struct uhd_check_params *p = st->params;
	int ret = 0;
	if (st->gpu->context) {
		st->base.context = st->gpu->context;
	} else if ((ret = uhd_run_open_context(&st->base, p->device, p->validation)) < 0) {
		return fail(st, UHD_STAGE_GPU, ret, "no usable Vulkan device");
	}
	st->gpu->context = st->base.context;
	snprintf(st->report->device_name, sizeof(st->report->device_name), "%s",
	         uhd_context_limits(st->base.context)->name);
	st->report->device = st->report->device_name;
	snprintf(st->result->device, sizeof(st->result->device), "%s", st->report->device);
	struct uhd_render_options first = resolve_options(p, NULL);
	/* --target converts INPUT for the reference's display: REF is taken as it is. */
	first.convert.target = (struct uhd_target){.transfer = UHD_TARGET_SOURCE};
	bool gpu_failed = false;
	ret = open_side(st, p->ref, &first, &st->ref, &gpu_failed);
	ret = ret ? ret : refuse_undisplayable(st->ref);
	if (ret < 0) {
		return fail(st, gpu_failed ? UHD_STAGE_GPU : UHD_STAGE_INPUT, ret,
		            "opening the reference failed");
	}
	st->report->ref_kind = st->ref->impl->kind;
	st->report->options = resolve_options(p, st->ref);
	ret = select_recorded_frames(st);
	if (ret < 0) {
		return fail(st, UHD_STAGE_INPUT, ret,
		            "the reference folder lacks the frames asked for");
	}
	ret = open_side(st, p->input, &st->report->options, &st->input, &gpu_failed);
	ret = ret ? ret : refuse_undisplayable(st->input);
	if (ret < 0) {
		return fail(st, gpu_failed ? UHD_STAGE_GPU : UHD_STAGE_INPUT, ret,
		            "opening the input failed");
	}
	st->report->input_kind = st->input->impl->kind;
	if (st->input->info) {
		st->report->has_input_colour = true;
		st->report->input_colour = st->input->info->colour;
	}
	if (p->domain == UHD_CHECK_DOMAIN_AUTO) {
		return choose_domain(st);
	}
	char why[512];
	if (p->domain == UHD_CHECK_DOMAIN_YUV &&
	    !check_yuv_same_format(st->input, st->ref, true, why, sizeof(why))) {
		mismatch(st, "%s", why);
	}
	return 0;
}

static bool check_counts(struct check_state *st)
{
	int64_t a = st->input->count, b = st->ref->count;
	if (a >= 0 && b >= 0 && a != b) {
		mismatch(
		        st,
		        "frame count differs: %lld vs %lld (INPUT '%s' gives %lld %s, REF '%s' has "
		        "%lld); nothing was compared (choose frames with --start/--frames)",
		        (long long)a, (long long)b, st->params->input, (long long)a,
		        uhd_plural(a, "frame", "frames"), st->params->ref, (long long)b);
		return false;
	}
	return true;
}

/* "frame 7", or "frame 7 (REF frame 0)" when the two inputs number it differently. */
static void name_frame(int64_t input_frame, int64_t ref_frame, char *out, size_t size)
{
	int n = snprintf(out, size, "frame %lld", (long long)input_frame);
	if (ref_frame != input_frame && n > 0 && (size_t)n < size) {
		snprintf(out + n, size - (size_t)n, " (REF frame %lld)", (long long)ref_frame);
	}
}

static bool same_geometry(struct check_state *st, const struct uhd_frame_meta *in_meta,
                          const struct uhd_image *in, const struct uhd_frame_meta *ref_meta,
                          const struct uhd_image *ref)
{
	bool size = in->width == ref->width && in->height == ref->height;
	bool depth = in->bits == ref->bits;
	if (size && depth) {
		return true;
	}
	char name[64];
	name_frame(in_meta->decoded_index, ref_meta->decoded_index, name, sizeof(name));
	mismatch(st,
	         "%s: %s: INPUT is %dx%d with %d bits per channel, REF is %dx%d with %d "
	         "bits; render INPUT with --size %dx%d from a source of the same bit depth",
	         name,
	         !size && !depth ? "size and bit depth differ"
	         : !size         ? "size differs"
	                         : "bit depth differs",
	         in->width, in->height, in->bits, ref->width, ref->height, ref->bits, ref->width,
	         ref->height);
	return false;
}

/* Whether the comparer there (the first frame's, or an earlier run's) takes these
 * frames with the metrics this run computes. */
static bool comparer_fits(const struct check_state *st, const struct uhd_image *image)
{
	const struct check_gpu *g = st->gpu;
	return g->comparer && g->width == image->width && g->height == image->height &&
	       g->bits == image->bits && g->metrics == st->params->metrics &&
	       g->diff_images == (st->params->diff_dir != NULL);
}

static int make_comparer(struct check_state *st, const struct uhd_image *image)
{
	struct check_gpu *g = st->gpu;
	uhd_comparer_destroy(&g->comparer);
	g->width = image->width;
	g->height = image->height;
	g->bits = image->bits;
	g->metrics = st->params->metrics;
	g->diff_images = st->params->diff_dir != NULL;
	struct uhd_compare_params cp = UHD_COMPARE_DEFAULTS;
	cp.width = image->width;
	cp.height = image->height;
	cp.bits = image->bits;
	cp.metrics = g->metrics;
	cp.diff_images = g->diff_images;
	int ret = uhd_comparer_create(st->base.context, &cp, &g->comparer);
	if (ret < 0) {
		return fail(st, ret == -EINVAL ? UHD_STAGE_INPUT : UHD_STAGE_GPU, ret,
		            "setting up the GPU comparison failed");
	}
	return 0;
}

static unsigned judge(const struct uhd_thresholds *t, const struct check_frame *f)
{
	const struct uhd_metrics *m = &f->metrics;
	unsigned failures = 0, c = m->computed;
	if ((c & UHD_METRIC_PSNR) && !isnan(t->min_psnr) && m->psnr_avg < t->min_psnr) {
		failures |= FAIL_PSNR;
	}
	if ((c & UHD_METRIC_SSIM) && !isnan(t->min_ssim) && m->ssim < t->min_ssim) {
		failures |= FAIL_SSIM;
	}
	if ((c & UHD_METRIC_MSSSIM) && !isnan(t->min_msssim) && m->msssim < t->min_msssim) {
		failures |= FAIL_MSSSIM;
	}
	if ((c & UHD_METRIC_DELTAITP) && !isnan(t->max_deltaitp) &&
	    m->ditp_mean > t->max_deltaitp) {
		failures |= FAIL_DELTAITP;
	}
	if ((c & UHD_METRIC_DELTAITP) && !isnan(t->max_deltaitp_p99) &&
	    m->ditp_p99 > t->max_deltaitp_p99) {
		failures |= FAIL_DELTAITP_P99;
	}
	if ((c & UHD_METRIC_DIFF) && t->max_diff >= 0 && m->max_diff > t->max_diff) {
		failures |= FAIL_DIFF;
	}
	if (t->exact && !f->checksum_match) {
		failures |= FAIL_EXACT;
	}
	return failures;
}

static int add_frame(struct check_report *report, const struct check_frame *frame)
{
	if (report->frame_count == report->frame_capacity) {
		int64_t capacity = report->frame_capacity ? report->frame_capacity * 2 : 64;
		void *frames = realloc(report->frames, (size_t)capacity * sizeof(*frame));
		if (!frames) {
			return -ENOMEM;
		}
		report->frames = frames;
		report->frame_capacity = capacity;
	}
	report->frames[report->frame_count++] = *frame;
	return 0;
}

static void note_failure(struct check_state *st, const struct check_frame *f)
{
	st->result->frames_failed++;
	if (st->result->message[0]) {
		return;
	}
	char lines[7][160];
	int n = uhd_check_failure_lines(st->report, f, lines);
	char name[64];
	name_frame(f->input_frame, f->ref_frame, name, sizeof(name));
	snprintf(st->result->message, sizeof(st->result->message), "%s: %s", name,
	         n ? lines[0] : "failed");
}

static int write_diff_images(struct check_state *st, struct check_frame *f,
                             const struct uhd_image *ref, const struct uhd_image *in)
{
	struct uhd_diff_images out;
	int ret = uhd_make_dirs(st->params->diff_dir);
	if (ret < 0) {
		uhd_error("cannot create the --diff-dir folder '%s': %s", st->params->diff_dir,
		          strerror(-ret));
	}
	ret = ret ? ret
	          : uhd_comparer_write_diff_images(st->gpu->comparer, ref, in, &f->metrics,
	                                           st->params->diff_dir, f->input_frame, &out);
	if (ret < 0) {
		return fail(st, UHD_STAGE_OUTPUT, ret, "writing the diff images failed");
	}
	f->has_diff_images = true;
	f->worst[0] = out.worst_x;
	f->worst[1] = out.worst_y;
	f->worst[2] = out.worst_width;
	f->worst[3] = out.worst_height;
	f->heat_metric = out.heat_metric;
	f->heat_scale = out.heat_scale;
	return 0;
}

/* Metrics between pictures of different primaries, transfer or range would
 * measure the description, not the picture: the comparer refuses them. */
static bool same_colour(struct check_state *st, const struct uhd_image *in,
                        const struct uhd_image *ref, const struct check_frame *f)
{
	const struct uhd_colour *a = &in->colour, *b = &ref->colour;
	if (a->primaries == b->primaries && a->transfer == b->transfer && a->range == b->range) {
		return true;
	}
	char name[64];
	name_frame(f->input_frame, f->ref_frame, name, sizeof(name));
	/* An HDR render against an SDR reference: --target makes them comparable. */
	bool hdr = a->transfer == UHD_TRANSFER_PQ || a->transfer == UHD_TRANSFER_HLG;
	bool hint = hdr && b->transfer != UHD_TRANSFER_PQ && b->transfer != UHD_TRANSFER_HLG;
	mismatch(st,
	         "%s: colour description differs: INPUT %s/%s/%s vs REF %s/%s/%s "
	         "(primaries/transfer/range); compare renders of the same colour description%s",
	         name, uhd_primaries_name(a->primaries), uhd_transfer_name(a->transfer),
	         uhd_range_name(a->range), uhd_primaries_name(b->primaries),
	         uhd_transfer_name(b->transfer), uhd_range_name(b->range),
	         hint ? ", or convert INPUT for an SDR reference with --target sdr[:PEAK]" : "");
	return false;
}

/* A pair's record before its metrics: each input's own numbers and times. */
static struct check_frame pair_frame(const struct uhd_frame_meta *in_meta,
                                     const struct uhd_frame_meta *ref_meta, double render_ms)
{
	return (struct check_frame){.index = in_meta->index,
	                            .input_frame = in_meta->decoded_index,
	                            .ref_frame = ref_meta->decoded_index,
	                            .input_pts = in_meta->pts,
	                            .ref_pts = ref_meta->pts,
	                            .render_ms = render_ms};
}

static int compare_pair(struct check_state *st, const struct uhd_image *in,
                        const struct uhd_frame_meta *in_meta, const struct uhd_image *ref,
                        const struct uhd_frame_meta *ref_meta, double render_ms)
{
	struct check_frame f = pair_frame(in_meta, ref_meta, render_ms);
	if (!same_colour(st, in, ref, &f)) {
		return 1;
	}
	double t0 = uhd_now_ms();
	int ret = uhd_comparer_run(st->gpu->comparer, ref, in, &f.metrics);
	if (ret < 0) {
		return fail(st, UHD_STAGE_GPU, ret, "comparing a frame on the GPU failed");
	}
	f.input_checksum = uhd_image_checksum(in);
	f.ref_checksum = ref_meta->has_checksum ? ref_meta->checksum : uhd_image_checksum(ref);
	f.checksum_match = f.input_checksum == f.ref_checksum;
	f.compare_ms = uhd_now_ms() - t0;
	f.failures = judge(&st->params->thresholds, &f);
	if (f.failures) {
		note_failure(st, &f);
	}
	/* A frame whose diff images failed is still reported, with the error. */
	int written = f.failures && st->params->diff_dir ? write_diff_images(st, &f, ref, in) : 0;
	st->result->frames_compared++;
	ret = add_frame(st->report, &f);
	return written < 0 ? written : ret;
}

/* --domain yuv: the comparer, made for the first pair's planes. */
static int make_plane_comparer(struct check_state *st, const struct uhd_planes *like)
{
	unsigned luma = st->params->metrics & (UHD_METRIC_SSIM | UHD_METRIC_MSSSIM);
	bool msssim = luma & UHD_METRIC_MSSSIM;
	int least = msssim ? 161 : 11; /* MS-SSIM's scale 4 still holds a window */
	if (luma && (like->width[0] < least || like->height[0] < least)) {
		uhd_error("the luma plane is %dx%d: %s needs at least %dx%d samples (leave it out "
		          "of --metrics)",
		          like->width[0], like->height[0], msssim ? "MS-SSIM" : "SSIM", least,
		          least);
		return fail(st, UHD_STAGE_INPUT, -EINVAL, "setting up the GPU comparison failed");
	}
	uhd_plane_comparer_destroy(&st->gpu->plane_comparer);
	int ret = uhd_plane_comparer_create(st->base.context, like, luma, &st->gpu->plane_comparer);
	if (ret == -ERANGE) {
		uhd_error("a %dx%d plane is over the Vulkan device's limits for one pass "
		          "(maxTexelBufferElements, maxComputeWorkGroupCount); compare with "
		          "--domain rgb",
		          like->width[0], like->height[0]);
	}
	return ret < 0 ? fail(st, UHD_STAGE_GPU, ret, "setting up the GPU comparison failed") : 0;
}

/* --domain yuv: the frames' own colour descriptions, which a stream may change. */
static bool same_frame_colour(struct check_state *st, const struct check_frame *f)
{
	const struct uhd_colour *a = &st->input->decoded_colour, *b = &st->ref->decoded_colour;
	if (a->primaries == b->primaries && a->transfer == b->transfer && a->matrix == b->matrix &&
	    a->range == b->range) {
		return true;
	}
	char name[64];
	name_frame(f->input_frame, f->ref_frame, name, sizeof(name));
	mismatch(st,
	         "%s: colour description differs: INPUT %s/%s/%s/%s vs REF %s/%s/%s/%s "
	         "(primaries/transfer/matrix/range); the same codes mean different colours, "
	         "compare them with --domain rgb",
	         name, uhd_primaries_name(a->primaries), uhd_transfer_name(a->transfer),
	         uhd_matrix_name(a->matrix), uhd_range_name(a->range),
	         uhd_primaries_name(b->primaries), uhd_transfer_name(b->transfer),
	         uhd_matrix_name(b->matrix), uhd_range_name(b->range));
	return false;
}

static void take_plane_metrics(struct check_frame *f, const struct uhd_plane_metrics *m,
                               unsigned metrics)
{
	f->metrics.computed = metrics & UHD_CHECK_YUV_METRICS;
	f->metrics.ssim = m->ssim;
	f->metrics.msssim = m->msssim;
	for (int c = 0; c < 3; c++) {
		f->metrics.mse[c] = m->mse[c];
		f->metrics.psnr[c] = m->psnr[c];
	}
	f->metrics.psnr_avg = m->psnr_avg;
	f->metrics.gpu_ms = m->gpu_ms;
	f->psnr_611 = m->psnr_avg_611;
}

/* --domain yuv: the pair's planes, compared as decoded. */
static int compare_planes(struct check_state *st, const struct uhd_frame_meta *in_meta,
                          const struct uhd_frame_meta *ref_meta, double render_ms)
{
	struct check_frame f = pair_frame(in_meta, ref_meta, render_ms);
	if (!same_frame_colour(st, &f)) {
		return 1;
	}
	struct uhd_planes in, ref;
	int ret = check_yuv_planes(st->input, &in);
	ret = ret ? ret : check_yuv_planes(st->ref, &ref);
	if (ret < 0) {
		return fail(st, UHD_STAGE_INPUT, ret, "a decoded frame's planes cannot be read");
	}
	if (!uhd_plane_comparer_fits(st->gpu->plane_comparer, &ref,
	                             st->params->metrics & (UHD_METRIC_SSIM | UHD_METRIC_MSSSIM)) &&
	    (ret = make_plane_comparer(st, &ref)) < 0) {
		return ret;
	}
	double t0 = uhd_now_ms();
	struct uhd_plane_metrics m;
	ret = uhd_plane_comparer_run(st->gpu->plane_comparer, &ref, &in, &m);
	if (ret < 0) {
		return fail(st, ret == -EINVAL ? UHD_STAGE_INPUT : UHD_STAGE_GPU, ret,
		            "comparing a frame's planes on the GPU failed");
	}
	st->report->psnr_peak = m.peak;
	take_plane_metrics(&f, &m, st->params->metrics);
	if (st->result->frames_compared == 0) {
		uhd_debug("the first pair's planes were %s",
		          m.zero_copy ? "read where the decoder left them" : "copied for the GPU");
	}
	ret = uhd_planes_checksum(&in, &f.input_checksum);
	ret = ret ? ret : uhd_planes_checksum(&ref, &f.ref_checksum);
	if (ret < 0) {
		return fail(st, UHD_STAGE_INPUT, ret, "checksumming a frame's planes failed");
	}
	f.checksum_match = f.input_checksum == f.ref_checksum;
	f.compare_ms = uhd_now_ms() - t0;
	f.failures = judge(&st->params->thresholds, &f);
	if (f.failures) {
		note_failure(st, &f);
	}
	st->result->frames_compared++;
	return add_frame(st->report, &f);
}

static void show_progress(const struct check_state *st, double start_ms, bool last)
{
	double seconds = (uhd_now_ms() - start_ms) / 1e3;
	int64_t done = st->result->frames_compared;
	/* A pattern reference has no count of its own: take the input's, if known. */
	int64_t total = st->ref->count >= 0 ? st->ref->count : st->input->count;
	char of[32] = "";
	if (total >= 0) {
		snprintf(of, sizeof(of), "/%lld", (long long)total);
	}
	fprintf(stderr, "\rframe %lld%s  %.2f fps  %lld failed%s", (long long)done, of,
	        seconds > 0 ? done / seconds : 0.0, (long long)st->result->frames_failed,
	        last ? "\n" : "");
	fflush(stderr);
}

/* Next frame of each side; 1 when both end together, a mismatch otherwise. */
static int next_pair(struct check_state *st, const struct uhd_image **in,
                     struct uhd_frame_meta *in_meta, const struct uhd_image **ref,
                     struct uhd_frame_meta *ref_meta)
{
	/* The input first: a pattern reference is rendered in its format. */
	int i = uhd_frames_next(st->input, in, in_meta);
	if (i < 0) {
		return fail(st, st->input->gpu_failed ? UHD_STAGE_GPU : UHD_STAGE_INPUT, i,
		            "rendering an input frame failed");
	}
	st->ref->like = i == 0 ? *in : NULL;
	int r = uhd_frames_next(st->ref, ref, ref_meta);
	if (r < 0) {
		return fail(st, st->ref->gpu_failed ? UHD_STAGE_GPU : UHD_STAGE_INPUT, r,
		            "reading a reference frame failed");
	}
	if (r != i) {
		int64_t done = st->result->frames_compared;
		mismatch(st, "frame count differs: %s ended after %lld %s, %s goes on",
		         r ? "REF" : "INPUT", (long long)done, uhd_plural(done, "frame", "frames"),
		         r ? "INPUT" : "REF");
		return 2;
	}
	return r;
}

static int frame_loop(struct check_state *st)
{
	const struct uhd_check_params *p = st->params;
	double start_ms = uhd_now_ms();
	int ret = 0;
	while (ret == 0) {
		if (uhd_run_cancelled(&st->base)) {
			ret = fail(st, UHD_STAGE_NONE, -EINTR, "interrupted");
			break;
		}
		const struct uhd_image *in, *ref;
		struct uhd_frame_meta in_meta, ref_meta;
		double t0 = uhd_now_ms();
		ret = next_pair(st, &in, &in_meta, &ref, &ref_meta);
		if (ret != 0) {
			break;
		}
		if (p->domain == UHD_CHECK_DOMAIN_YUV) {
			ret = compare_planes(st, &in_meta, &ref_meta, uhd_now_ms() - t0);
			if (p->progress) {
				show_progress(st, start_ms, false);
			}
			continue;
		}
		if (!same_geometry(st, &in_meta, in, &ref_meta, ref)) {
			ret = 2;
			break;
		}
		if (!comparer_fits(st, ref)) { /* the first frame, or the size changed */
			ret = make_comparer(st, ref);
		}
		ret = ret ? ret : compare_pair(st, in, &in_meta, ref, &ref_meta, uhd_now_ms() - t0);
		if (p->progress) {
			show_progress(st, start_ms, false);
		}
	}
	if (p->progress && st->result->frames_compared) {
		show_progress(st, start_ms, true);
	}
	st->report->seconds = (uhd_now_ms() - start_ms) / 1e3;
	return ret < 0 ? ret : 0;
}

void check_gpu_finish(struct check_gpu *gpu)
{
	uhd_comparer_destroy(&gpu->comparer);
	uhd_plane_comparer_destroy(&gpu->plane_comparer);
	uhd_context_destroy(&gpu->context);
	*gpu = (struct check_gpu){0};
}

/* The caller's gpu keeps the context and comparers for its next run, unless
 * the GPU failed in this one (a lost device is not one to go on with). */
static void close_state(struct check_state *st)
{
	uhd_frames_close(&st->input);
	uhd_frames_close(&st->ref);
	if (st->gpu == &st->own_gpu || st->base.failed_stage == UHD_STAGE_GPU) {
		check_gpu_finish(st->gpu);
	}
	st->base.context = NULL; /* destroyed above, or kept */
	st->result->validation_messages = uhd_run_end(&st->base);
}

void uhd_check_report_finish(struct check_report *report)
{
	free(report->frames);
	memset(report, 0, sizeof(*report));
}

int uhd_check_domain_from_name(const char *name, enum uhd_check_domain *domain)
{
	static const char *const names[] = {
	        [UHD_CHECK_DOMAIN_RGB] = "rgb",
	        [UHD_CHECK_DOMAIN_YUV] = "yuv",
	        [UHD_CHECK_DOMAIN_AUTO] = "auto",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0) {
			*domain = (enum uhd_check_domain)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* The metric list was left at its default, which each domain reads as its own. */
static bool default_list(const struct uhd_check_params *p)
{
	return !p->metrics_given && p->metrics == UHD_CHECK_DEFAULT_METRICS;
}

void check_resolve_metrics(struct uhd_check_params *p)
{
	/* The YUV domain computes PSNR and SSIM: the default list means those there. */
	bool yuv = p->domain == UHD_CHECK_DOMAIN_YUV;
	if (yuv && default_list(p)) {
		p->metrics = UHD_CHECK_YUV_DEFAULT_METRICS;
	}
	/* A threshold set explicitly always has its metric computed (--exact is a
	 * checksum of the planes in the YUV domain, not diff). */
	p->metrics |= p->thresholds_given;
	p->metrics &= yuv ? UHD_CHECK_YUV_METRICS : UHD_METRIC_ALL;
}

/* The domain as far as the params tell, before anything is opened: an explicit
 * one (a refusal when YUV cannot take them), or AUTO's choice of R'G'B' when
 * they rule the planes out. AUTO that stays is chosen by open_inputs. */
static int settle_domain(struct check_report *report, char *why, size_t size)
{
	struct uhd_check_params *p = &report->resolved;
	/* Only clips go through the converter that --target configures. */
	if (p->convert.target.transfer != UHD_TARGET_SOURCE &&
	    uhd_frames_kind_of(p->input) != &uhd_frames_clip) {
		snprintf(why, size,
		         "--target converts clips, and INPUT '%s' is not one (PNGs and reference "
		         "folders are compared as they are): leave --target out",
		         p->input);
		return -EINVAL;
	}
	if (p->domain == UHD_CHECK_DOMAIN_RGB) {
		snprintf(report->domain_reason, sizeof(report->domain_reason), "asked for");
		return 0;
	}
	struct uhd_check_params as_yuv = *p;
	if (default_list(p)) {
		as_yuv.metrics = UHD_CHECK_YUV_DEFAULT_METRICS;
	}
	bool asked = p->domain == UHD_CHECK_DOMAIN_YUV;
	int refused = check_yuv_refusal(&as_yuv, asked, why, size);
	if (asked || refused) {
		snprintf(report->domain_reason, sizeof(report->domain_reason), "%s",
		         asked ? "asked for" : why);
	}
	if (refused && !asked) {
		p->domain = UHD_CHECK_DOMAIN_RGB;
		return 0;
	}
	return refused;
}

int uhd_check_execute(const struct uhd_check_params *given, struct uhd_check_result *result,
                      struct check_report *report, struct check_gpu *gpu)
{
	struct uhd_check_params *params = &report->resolved;
	memset(report, 0, sizeof(*report));
	memset(result, 0, sizeof(*result));
	*params = *given;
	char why[512];
	int refused = settle_domain(report, why, sizeof(why));
	if (params->domain != UHD_CHECK_DOMAIN_AUTO) {
		check_resolve_metrics(params);
	}
	struct check_state st = {.params = params, .result = result, .report = report};
	st.gpu = gpu ? gpu : &st.own_gpu;
	uhd_run_begin(&st.base, params->cancel);
	report->params = params;
	report->device = "";
	report->input_kind = uhd_frames_kind_of(params->input)->kind;
	report->ref_kind = uhd_frames_kind_of(params->ref)->kind;
	if (refused) {
		uhd_error("%s", why);
	}
	int ret = refused ? fail(&st, UHD_STAGE_INPUT, refused, why) : open_inputs(&st);
	if (params->domain == UHD_CHECK_DOMAIN_AUTO) { /* the inputs failed to open */
		snprintf(report->domain_reason, sizeof(report->domain_reason),
		         "not chosen: the run failed before both inputs were open");
		check_resolve_metrics(params);
	}
	if (ret == 0 && !report->mismatch && check_counts(&st)) {
		ret = frame_loop(&st);
	}
	if (ret == 0 && !report->mismatch && result->frames_compared == 0) {
		mismatch(&st,
		         "no frames: nothing was compared, INPUT '%s' and REF '%s' gave none "
		         "(check --start/--frames)",
		         params->input, params->ref);
	}
	report->complete = ret == 0;
	result->passed = ret == 0 && !report->mismatch && result->frames_failed == 0;
	report->passed = result->passed;
	if (report->mismatch && !result->message[0]) {
		snprintf(result->message, sizeof(result->message), "%s", report->mismatch);
	}
	result->seconds = report->seconds;
	result->fps = result->seconds > 0 ? result->frames_compared / result->seconds : 0;
	result->domain = params->domain;
	snprintf(result->domain_reason, sizeof(result->domain_reason), "%s", report->domain_reason);
	close_state(&st);
	return ret;
}

int uhd_check_run(const struct uhd_check_params *params, struct uhd_check_result *result)
{
	struct check_report report;
	int ret = uhd_check_execute(params, result, &report, NULL);
	int written = 0;
	if (params->report_path) {
		written = uhd_check_report_write_json(&report, params->report_path);
	}
	if (params->junit_path && written == 0) {
		written = uhd_check_report_write_junit(&report, params->junit_path);
	}
	if (written < 0 && ret == 0) {
		result->failed_stage = UHD_STAGE_OUTPUT;
		ret = written;
	}
	uhd_check_report_finish(&report);
	return ret;
}
