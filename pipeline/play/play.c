/* SPDX-License-Identifier: MIT */
/*
 * The play run: every frame of the input (engine/frames.h: a clip decoded and
 * converted on the GPU, several frames in flight, or still images) gets a
 * checksum of its output pixels and goes to the presenter, in the order
 * libavcodec emits it. A report is written even when the run fails midway.
 * Decoding is lenient unless asked otherwise: damaged frames are still played
 * and the report says which ones, and how many errors the decoder saw.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/checksum.h"
#include "../common/clock.h"
#include "../common/log.h"
#include "../common/paths.h"
#include "../engine/frames.h"
#include "../engine/run.h"
#include "play_report.h"
#include "uhdpipe/context.h"
#include "uhdpipe/play.h"
#include "uhdpipe/present.h"
#include "uhdpipe/source.h"

struct play_run {
	const struct uhd_play_params *params;
	struct uhd_play_result *result;
	struct uhd_run base;      /* the context, the first failure, the validation count */
	struct uhd_frames *input; /* a clip, or still images */
	struct uhd_presenter *presenter;
	bool display;                      /* the presenter drives a display (kms) */
	struct uhd_convert_params convert; /* the options', sized by the display when free */
	struct uhd_play_report report;
	/* Still-image input (a PNG or a folder of them) instead of a clip. */
	bool images_input;
	int64_t presented;
	bool report_unwritable;
};

/* The first failure is the run's (uhd_run_fail); the report and the result say it. */
static int fail(struct play_run *run, enum uhd_stage stage, int ret, const char *what)
{
	uhd_run_fail(&run->base, stage, ret, what);
	run->result->failed_stage = run->base.failed_stage;
	run->report.error = run->base.error;
	return ret;
}

/* A report that cannot be written is found out before the frames, not after. */
static int check_report_path(const char *path)
{
	int ret = uhd_check_parent_writable(path);
	if (ret < 0) {
		uhd_error("cannot write the report '%s': %s; choose a writable path", path,
		          strerror(-ret));
	}
	return ret;
}

static enum uhd_stage output_stage(const struct play_run *run)
{
	return run->display ? UHD_STAGE_DISPLAY : UHD_STAGE_OUTPUT;
}

/* Opened before the converter: a display's --mode sets the picture size when
 * --size does not, and a missing display fails before any GPU work. */
static int open_presenter(struct play_run *run)
{
	const struct uhd_play_params *p = run->params;
	const struct uhd_stream_info *info = run->report.info;
	struct uhd_presenter_params pp = UHD_PRESENTER_DEFAULTS;
	pp.spec = p->output ? p->output : "null";
	pp.fps_num = info->fps_num;
	pp.fps_den = info->fps_den;
	pp.source_bits = info->bit_depth;
	pp.cancel = p->cancel;
	pp.display = p->display;
	pp.overwrite = p->overwrite;
	pp.context = run->base.context; /* NULL for PNG inputs: a display makes its own */
	run->display = strncmp(pp.spec, "kms", 3) == 0;
	int ret = uhd_presenter_open(&pp, &run->presenter);
	if (ret < 0) {
		return fail(run, output_stage(run), ret, "opening the output failed");
	}
	run->report.presenter = uhd_presenter_name(run->presenter);
	run->report.location = uhd_presenter_location(run->presenter);
	run->report.presenter_handle = run->presenter;
	run->convert = p->convert;
	if (run->convert.width == 0 && run->convert.height == 0) {
		uhd_presenter_size_hint(run->presenter, &run->convert.width, &run->convert.height);
	}
	return 0;
}

/* A Dolby Vision base layer that is no picture on its own (profile 5, 10.0)
 * is refused for colour outputs; -o null still decodes and times it. */
static int check_displayable(struct play_run *run)
{
	const struct uhd_stream_info *info = run->report.info;
	const char *output = run->params->output ? run->params->output : "null";
	if (info->displayable) {
		return 0;
	}
	const struct uhd_dolby_vision *dv = &info->dolby_vision;
	if (strcmp(output, "null") == 0 && !run->params->reference_set) {
		uhd_warn("'%s' is Dolby Vision profile %d with base layer compatibility %d: its "
		         "colours are not a picture without a Dolby Vision decoder; decoding and "
		         "timing only (checksums are of the uninterpreted base layer)",
		         run->params->input, dv->profile, dv->bl_compatibility_id);
		return 0;
	}
	uhd_error("'%s' is Dolby Vision profile %d with base layer compatibility %d: the base "
	          "layer is not a picture without a Dolby Vision decoder (its colours are "
	          "coded for the RPU's reshaping), so uhdpipe does not show or record it; "
	          "-o null decodes and times it",
	          run->params->input, dv->profile, dv->bl_compatibility_id);
	return fail(run, UHD_STAGE_INPUT, -ENOTSUP, "a Dolby Vision base layer without colour");
}

static struct uhd_render_options input_options(const struct play_run *run)
{
	const struct uhd_play_params *p = run->params;
	struct uhd_render_options o = {.start = p->start,
	                               .frames = p->frames,
	                               .rotate = p->rotate,
	                               /* one frame waits while the GPU converts the
	                                * current one (a second is in the decoder) */
	                               .decode_ahead = 1,
	                               .image_duration = p->image_duration};
	o.source = UHD_SOURCE_DEFAULTS;
	o.source.lenient = !run->report.strict;
	o.source.hwaccel = p->hwaccel;
	return o;
}

/* Still images need no decoder and no GPU: they are R'G'B' already. */
static int open_images(struct play_run *run)
{
	const struct uhd_play_params *p = run->params;
	if (p->convert.width || p->convert.height) {
		uhd_error("--size does not apply to PNG inputs, which are shown at their own size");
		return fail(run, UHD_STAGE_INPUT, -EINVAL, "--size with a PNG input");
	}
	if (p->convert.target.transfer != UHD_TARGET_SOURCE) {
		uhd_error("--target converts clips; PNG inputs are shown as they are (leave "
		          "--target out)");
		return fail(run, UHD_STAGE_INPUT, -EINVAL, "--target with a PNG input");
	}
	struct uhd_render_options o = input_options(run);
	int ret = uhd_frames_probe(&uhd_frames_images, p->input, &o, &run->input);
	if (ret < 0) {
		return fail(run, UHD_STAGE_INPUT, ret, "reading the PNG input failed");
	}
	run->report.info = run->input->info;
	snprintf(run->result->device, sizeof(run->result->device), "none (PNG input)");
	return open_presenter(run);
}

static int open_stages(struct play_run *run)
{
	const struct uhd_play_params *p = run->params;
	int ret = p->report_path ? check_report_path(p->report_path) : 0;
	if (ret < 0) {
		run->report_unwritable = true;
		return fail(run, UHD_STAGE_OUTPUT, ret, "the report cannot be written");
	}
	if (run->images_input) {
		return open_images(run);
	}
	struct uhd_render_options o = input_options(run);
	ret = uhd_frames_probe(&uhd_frames_clip, p->input, &o, &run->input);
	if (ret < 0) {
		return fail(run, UHD_STAGE_INPUT, ret, "opening the input failed");
	}
	run->report.info = run->input->info;
	ret = check_displayable(run);
	if (ret < 0) {
		return ret;
	}
	ret = uhd_run_open_context(&run->base, p->device, p->validation);
	if (ret < 0) {
		return fail(run, UHD_STAGE_GPU, ret, "no usable Vulkan device");
	}
	run->report.device = uhd_context_limits(run->base.context)->name;
	snprintf(run->result->device, sizeof(run->result->device), "%s", run->report.device);
	ret = open_presenter(run);
	if (ret < 0) {
		return ret;
	}
	run->convert.frames_in_flight = p->frames_in_flight; /* 0: the engine's choice */
	run->convert.orientation = run->input->orientation;
	ret = uhd_frames_start(run->input, run->base.context, &run->convert);
	if (ret < 0) {
		return fail(run, UHD_STAGE_GPU, ret, "setting up the GPU conversion failed");
	}
	run->report.frames_in_flight = run->input->frames_in_flight;
	return 0;
}

static void show_progress(const struct play_run *run, int64_t done, double start_ms, bool last)
{
	double seconds = (uhd_now_ms() - start_ms) / 1e3;
	const struct uhd_stream_info *info = run->report.info;
	int64_t total = info->frame_count - run->params->start;
	if (run->params->frames >= 0 && (run->params->frames < total || info->frame_count < 0)) {
		total = run->params->frames;
	}
	/* An estimate is shown as one ("~"); an unknown count not at all. */
	char of[32] = "";
	if (info->frame_count >= 0 || run->params->frames >= 0) {
		snprintf(of, sizeof(of), "/%s%lld", info->frame_count_exact ? "" : "~",
		         (long long)(total > 0 ? total : 0));
	}
	fprintf(stderr, "\rframe %lld%s  %.2f fps%s", (long long)done, of,
	        seconds > 0 ? done / seconds : 0.0, last ? "\n" : "");
	fflush(stderr);
}

/* Checksums one frame and hands it to the presenter; its line goes to the report. */
static int present_frame(struct play_run *run, const struct uhd_image *image,
                         const struct uhd_frame_meta *meta)
{
	struct uhd_frame_record record = {
	        .index = meta->index,
	        .decoded_index = meta->decoded_index,
	        .pts = meta->pts,
	        .time_s = meta->time_s,
	        .decode_errors = meta->decode_errors,
	        .corrupt = meta->corrupt,
	        .zero_copy = meta->zero_copy,
	        .decode_ms = meta->decode_ms,
	        .upload_ms = meta->upload_ms,
	        .gpu_ms = meta->gpu_ms,
	};
	if (record.index == 0) {
		run->report.colour = image->colour;
	}
	if (record.index == 0 && run->images_input) {
		run->report.width = image->width;
		run->report.height = image->height;
		run->report.bits = image->bits;
	}
	double t0 = uhd_now_ms();
	record.checksum = uhd_image_checksum(image);
	double t1 = uhd_now_ms();
	int ret = uhd_presenter_present(run->presenter, image, record.index);
	record.checksum_ms = t1 - t0;
	record.present_ms = uhd_now_ms() - t1;
	if (ret < 0) {
		const char *what = run->images_input ? "an image" : "a frame";
		char text[64];
		snprintf(text, sizeof(text), "%s %s failed", run->display ? "showing" : "writing",
		         what);
		return fail(run, output_stage(run), ret, text);
	}
	run->presented++;
	/* HDR10+ values (1.2 KB a frame) are kept only for a report that lists them. */
	bool listed = run->params->report_path || run->params->reference_set;
	return uhd_play_report_add(&run->report, &record,
	                           listed && meta->has_hdr10plus ? &meta->hdr10plus : NULL);
}

static int input_failed(struct play_run *run, int ret)
{
	if (run->input->gpu_failed) {
		return fail(run, UHD_STAGE_GPU, ret, "converting a frame on the GPU failed");
	}
	return fail(run, UHD_STAGE_INPUT, ret,
	            run->images_input ? "reading a PNG failed" : "decoding failed");
}

/* The input's frames to the presenter. An interrupt or a decoding error still
 * lets the frames already on the GPU go out (as they would have, converted one
 * at a time); a GPU or output failure ends the run at once. */
static int frame_loop(struct play_run *run)
{
	const struct uhd_play_params *p = run->params;
	double start_ms = uhd_now_ms();
	int ret = 0;
	for (;;) {
		if (ret == 0 && uhd_run_cancelled(&run->base)) {
			ret = fail(run, UHD_STAGE_NONE, -EINTR, "interrupted");
			uhd_frames_stop(run->input);
		}
		const struct uhd_image *image;
		struct uhd_frame_meta meta;
		int got = uhd_frames_next(run->input, &image, &meta);
		if (got != 0) {
			ret = got < 0 ? input_failed(run, got) : ret;
			break;
		}
		int shown = present_frame(run, image, &meta);
		if (shown < 0) {
			ret = shown;
			break;
		}
		if (p->progress) {
			show_progress(run, run->presented, start_ms, false);
		}
	}
	if (p->progress && run->presented > 0) {
		show_progress(run, run->presented, start_ms, true);
	}
	run->report.seconds = (uhd_now_ms() - start_ms) / 1e3;
	if (ret == 0 && run->presented == 0) {
		if (run->images_input) {
			uhd_error("--start %lld is past the last image of '%s' (%lld images)",
			          (long long)p->start, p->input,
			          (long long)run->input->info->frame_count);
		} else {
			uhd_error("--start %lld is past the last frame of '%s' (%lld %s decoded)",
			          (long long)p->start, p->input, (long long)run->input->decoded,
			          uhd_plural(run->input->decoded, "frame", "frames"));
		}
		ret = fail(run, UHD_STAGE_INPUT, -ENODATA,
		           run->images_input ? "no image to output" : "no frame to output");
	}
	return ret;
}

/* Damage is counted, not fatal, in lenient runs: say so once, on stderr, so that
 * someone who does not read the report still learns it. */
static void sum_damage(struct play_run *run)
{
	if (!run->input || run->images_input) {
		return;
	}
	struct uhd_decode_stats stats;
	uhd_frames_decode_stats(run->input, &stats);
	run->report.decode_errors = stats.decode_errors;
	struct uhd_play_result *result = run->result;
	result->decode_errors = stats.decode_errors;
	for (int64_t i = 0; i < run->report.frame_count; i++) {
		result->frames_corrupt += run->report.frames[i].corrupt;
	}
	if (result->decode_errors > 0 || result->frames_corrupt > 0) {
		uhd_warn("'%s' is damaged: %lld decoding %s, %lld of %lld output %s may "
		         "be wrong (\"corrupt\" in the report); --strict makes the first error "
		         "fatal",
		         run->params->input, (long long)result->decode_errors,
		         uhd_plural(result->decode_errors, "error", "errors"),
		         (long long)result->frames_corrupt, (long long)run->report.frame_count,
		         uhd_plural(run->report.frame_count, "frame", "frames"));
	}
}

static void close_run(struct play_run *run)
{
	uhd_presenter_destroy(&run->presenter);
	uhd_frames_close(&run->input); /* the converter, before the context goes */
	run->result->validation_messages = uhd_run_end(&run->base);
	uhd_play_report_free(&run->report);
}

int uhd_play_run(const struct uhd_play_params *params, struct uhd_play_result *result)
{
	struct play_run run = {.params = params, .result = result};
	uhd_run_begin(&run.base, params->cancel);
	memset(result, 0, sizeof(*result));
	run.report.params = params;
	run.report.device = "";
	run.report.presenter = "";
	run.report.location = "";
	run.report.strict = params->strict || params->reference_set;
	run.images_input = uhd_frames_is_images(params->input);
	int ret = open_stages(&run);
	if (ret == 0 && run.images_input) {
		snprintf(result->output_location, sizeof(result->output_location), "%s",
		         run.report.location);
		ret = frame_loop(&run);
	} else if (ret == 0) {
		const struct uhd_stream_info *info = run.report.info;
		/* The source's size, turned as the frames will be. */
		bool across = run.convert.orientation.rotation % 180 != 0;
		int width = across ? info->height : info->width;
		int height = across ? info->width : info->height;
		run.report.width = run.convert.width ? run.convert.width : width;
		run.report.height = run.convert.height ? run.convert.height : height;
		run.report.bits = info->bit_depth > 8 ? 16 : 8;
		snprintf(result->output_location, sizeof(result->output_location), "%s",
		         run.report.location);
		ret = frame_loop(&run);
	}
	/* The last frame on screen and the display restored before the report. */
	int finished = uhd_presenter_finish(run.presenter);
	if (finished < 0 && ret == 0) {
		ret = fail(&run, output_stage(&run), finished,
		           run.display ? "showing the last frame failed"
		                       : "writing the last frames failed");
	}
	run.report.complete = ret == 0;
	sum_damage(&run);
	result->frames_out = run.report.frame_count;
	result->seconds = run.report.seconds;
	result->fps = result->seconds > 0 ? result->frames_out / result->seconds : 0.0;
	if (params->report_path && !run.report_unwritable) {
		int report_ret = uhd_play_report_write(&run.report, params->report_path);
		if (report_ret < 0 && ret == 0) {
			result->failed_stage = UHD_STAGE_OUTPUT;
			ret = report_ret;
		}
	}
	close_run(&run);
	return ret;
}
