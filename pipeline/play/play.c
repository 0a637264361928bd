/* SPDX-License-Identifier: MIT */
/*
 * The play run: every decoded frame goes through the GPU converter, gets a
 * checksum of its output pixels and goes to the presenter, in the order
 * libavcodec emits it. Up to frames_in_flight frames are on the GPU at once;
 * a frame is presented as soon as its conversion is done, and the loop waits
 * on the GPU only when that many are queued or the decoder has nothing ready.
 * A report is written even when the run fails midway.
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
#include "../engine/run.h"
#include "../image/png_load.h"
#include "play_report.h"
#include "../source/orientation.h"
#include "../source/prefetch.h"
#include "play_images.h"
#include "uhdpipe/context.h"
#include "uhdpipe/play.h"
#include "uhdpipe/present.h"
#include "uhdpipe/source.h"

/* A frame on the GPU: what its report line and image need once it is back. */
struct gpu_frame {
	struct uhd_frame_record record;
	struct uhd_colour colour;
};

struct play_run {
	const struct uhd_play_params *params;
	struct uhd_play_result *result;
	struct uhd_run base; /* the context, the first failure, the validation count */
	struct uhd_source *source;
	struct uhd_converter *converter;
	struct uhd_presenter *presenter;
	bool display;                      /* the presenter drives a display (kms) */
	struct uhd_convert_params convert; /* the options', sized by the display when free */
	struct uhd_play_report report;
	/* Still-image input (a PNG or a folder of them) instead of a clip. */
	bool images_input;
	struct uhd_image_list images;
	struct uhd_png_picture first_picture;
	struct uhd_stream_info images_info;
	int64_t decoded;
	/* Frames submitted to the converter, oldest first (a ring). */
	struct gpu_frame on_gpu[UHD_CONVERT_MAX_IN_FLIGHT];
	int on_gpu_first;
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
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		slash[slash == dir ? 1 : 0] = '\0';
	}
	if (access(slash ? dir : ".", W_OK | X_OK) != 0) {
		int err = errno;
		uhd_error("cannot write the report '%s': %s; choose a writable path", path,
		          strerror(err));
		return -err;
	}
	return 0;
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

/* Still images need no decoder and no GPU: they are R'G'B' already. */
static int open_images(struct play_run *run)
{
	const struct uhd_play_params *p = run->params;
	if (p->convert.width || p->convert.height) {
		uhd_error("--size does not apply to PNG inputs, which are shown at their own size");
		return fail(run, UHD_STAGE_INPUT, -EINVAL, "--size with a PNG input");
	}
	int ret = uhd_image_list_open(p->input, &run->images);
	ret = ret ? ret : uhd_png_load(run->images.paths[0], &run->first_picture);
	if (ret < 0) {
		return fail(run, UHD_STAGE_INPUT, ret, "reading the PNG input failed");
	}
	uhd_image_list_info(&run->images, &run->first_picture.image, p->image_duration,
	                    &run->images_info);
	run->report.info = &run->images_info;
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
	struct uhd_source_params sp = UHD_SOURCE_DEFAULTS;
	sp.lenient = !run->report.strict;
	sp.hwaccel = p->hwaccel;
	ret = uhd_source_open(p->input, &sp, &run->source);
	if (ret < 0) {
		return fail(run, UHD_STAGE_INPUT, ret, "opening the input failed");
	}
	uhd_source_count_frames(run->source);
	run->report.info = uhd_source_info(run->source);
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
	run->convert.frames_in_flight = p->frames_in_flight;
	if (p->frames_in_flight == 0) {
		run->convert.frames_in_flight = uhd_context_limits(run->base.context)->cpu ? 1 : 2;
	}
	run->report.frames_in_flight = run->convert.frames_in_flight;
	run->convert.orientation = uhd_source_turn(run->report.info, p->input, p->rotate);
	ret = uhd_converter_create(run->base.context, run->report.info, &run->convert,
	                           &run->converter);
	if (ret < 0) {
		return fail(run, UHD_STAGE_GPU, ret, "setting up the GPU conversion failed");
	}
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

/* Uploads one decoded frame and queues its conversion. */
static int submit_frame(struct play_run *run, const struct uhd_frame *frame,
                        const struct uhd_frame_record *record)
{
	int in_flight = uhd_converter_in_flight(run->converter);
	struct gpu_frame *queued =
	        &run->on_gpu[(run->on_gpu_first + in_flight) % UHD_CONVERT_MAX_IN_FLIGHT];
	queued->record = *record;
	uhd_frame_colour(frame, run->source, &queued->colour);
	int ret = uhd_converter_submit(run->converter, frame);
	if (ret < 0) {
		return fail(run, UHD_STAGE_GPU, ret, "converting a frame on the GPU failed");
	}
	return 0;
}

/* Waits for the oldest frame on the GPU, then checksums and presents it. */
static int present_oldest(struct play_run *run)
{
	struct gpu_frame *done = &run->on_gpu[run->on_gpu_first];
	struct uhd_frame_record *record = &done->record;
	struct uhd_image image;
	struct uhd_convert_timing timing;
	int ret = uhd_converter_receive(run->converter, &image, &timing);
	if (ret < 0) {
		return fail(run, UHD_STAGE_GPU, ret, "converting a frame on the GPU failed");
	}
	run->on_gpu_first = (run->on_gpu_first + 1) % UHD_CONVERT_MAX_IN_FLIGHT;
	image.colour = done->colour;
	image.colour.matrix = UHD_MATRIX_RGB;
	image.colour.range = UHD_RANGE_FULL;
	if (record->index == 0) {
		run->report.colour = image.colour;
	}
	record->upload_ms = timing.upload_ms;
	record->gpu_ms = timing.gpu_ms;
	record->zero_copy = timing.zero_copy;
	double t0 = uhd_now_ms();
	record->checksum = uhd_image_checksum(&image);
	double t1 = uhd_now_ms();
	ret = uhd_presenter_present(run->presenter, &image, record->index);
	record->checksum_ms = t1 - t0;
	record->present_ms = uhd_now_ms() - t1;
	if (ret < 0) {
		return fail(run, output_stage(run), ret,
		            run->display ? "showing a frame failed" : "writing a frame failed");
	}
	run->presented++;
	return uhd_play_report_add(&run->report, record);
}

/* Presents the frames whose conversion is done. With every slot taken (or
 * no decoder: draining), it waits for the oldest one; while the decoder has
 * no frame ready, it watches both in steps of a millisecond. */
static int present_finished(struct play_run *run, struct uhd_prefetch *ahead, double start_ms)
{
	int ret = 0;
	int64_t before = run->presented;
	while (ret == 0 && uhd_converter_in_flight(run->converter) > 0) {
		bool must_wait = !ahead || uhd_converter_in_flight(run->converter) ==
		                                   run->convert.frames_in_flight;
		int done = must_wait ? 1 : uhd_converter_poll(run->converter);
		if (done < 0) {
			ret = fail(run, UHD_STAGE_GPU, done, "waiting for the GPU failed");
		} else if (done) {
			ret = present_oldest(run);
		} else if (ahead && uhd_prefetch_wait(ahead, 1)) {
			break;
		}
	}
	if (ret == 0 && run->params->progress && run->presented > before) {
		show_progress(run, run->presented, start_ms, false);
	}
	return ret;
}

/* Frames decoded ahead: one waits while the GPU converts the current one (a
 * second is in the decoder), so decoding overlaps conversion and output. */
#define DECODE_AHEAD 1

static int frame_loop(struct play_run *run)
{
	const struct uhd_play_params *p = run->params;
	double start_ms = uhd_now_ms();
	int64_t out_index = 0;
	struct uhd_prefetch *ahead = NULL;
	int64_t needed = p->frames < 0 ? -1 : p->start + p->frames;
	int ret = uhd_prefetch_start(run->source, DECODE_AHEAD, needed, &ahead);
	if (ret < 0) {
		return fail(run, UHD_STAGE_INPUT, ret, "starting the decoder thread failed");
	}
	while (p->frames < 0 || out_index < p->frames) {
		if (p->cancel && *p->cancel) {
			ret = fail(run, UHD_STAGE_NONE, -EINTR, "interrupted");
			break;
		}
		ret = present_finished(run, ahead, start_ms);
		if (ret < 0) {
			break;
		}
		const struct uhd_frame *frame;
		struct uhd_prefetched decoded_info;
		ret = uhd_prefetch_next(ahead, &frame, &decoded_info);
		if (ret < 0) {
			fail(run, UHD_STAGE_INPUT, ret, "decoding failed");
			break;
		}
		if (ret == 1) {
			ret = 0;
			break;
		}
		int64_t decoded = run->decoded++;
		if (decoded < p->start) {
			continue;
		}
		struct uhd_frame_damage damage = uhd_frame_get_damage(frame);
		struct uhd_frame_record record = {
		        .index = out_index,
		        .decoded_index = decoded,
		        .pts = uhd_frame_pts(frame),
		        .time_s = decoded_info.time_s,
		        .decode_ms = decoded_info.decode_ms,
		        .decode_errors = damage.decode_errors,
		        .corrupt = damage.corrupt,
		};
		ret = submit_frame(run, frame, &record);
		if (ret < 0) {
			break;
		}
		out_index++;
	}
	uhd_prefetch_stop(&ahead);
	/* Frames already on the GPU still go out after a decoding error or an
	 * interrupt (as they would have, converted one at a time), not after a
	 * GPU or output failure. */
	bool drain = run->result->failed_stage == UHD_STAGE_NONE ||
	             run->result->failed_stage == UHD_STAGE_INPUT;
	while (drain && uhd_converter_in_flight(run->converter) > 0) {
		int presented = present_finished(run, NULL, start_ms);
		ret = ret < 0 ? ret : presented;
		drain = presented == 0;
	}
	if (p->progress && run->presented > 0) {
		show_progress(run, run->presented, start_ms, true);
	}
	run->report.seconds = (uhd_now_ms() - start_ms) / 1e3;
	if (ret == 0 && run->presented == 0) {
		uhd_error("--start %lld is past the last frame of '%s' (%lld frames decoded)",
		          (long long)p->start, p->input, (long long)run->decoded);
		ret = fail(run, UHD_STAGE_INPUT, -ENODATA, "no frame to output");
	}
	return ret;
}

/* One still image to the presenter: loaded (the first one already is), checksummed. */
static int present_image(struct play_run *run, size_t i, int64_t out_index)
{
	struct uhd_png_picture picture = {0};
	double t0 = uhd_now_ms();
	int ret = i == 0 ? 0 : uhd_png_load(run->images.paths[i], &picture);
	if (ret < 0) {
		return fail(run, UHD_STAGE_INPUT, ret, "reading a PNG failed");
	}
	const struct uhd_image *image = i == 0 ? &run->first_picture.image : &picture.image;
	double duration = run->params->image_duration;
	struct uhd_frame_record record = {.index = out_index,
	                                  .decoded_index = (int64_t)i,
	                                  .pts = (int64_t)i,
	                                  .time_s = (double)i * duration,
	                                  .decode_ms = uhd_now_ms() - t0};
	if (out_index == 0) {
		run->report.colour = image->colour;
		run->report.width = image->width;
		run->report.height = image->height;
		run->report.bits = image->bits;
	}
	double t1 = uhd_now_ms();
	record.checksum = uhd_image_checksum(image);
	double t2 = uhd_now_ms();
	ret = uhd_presenter_present(run->presenter, image, out_index);
	record.checksum_ms = t2 - t1;
	record.present_ms = uhd_now_ms() - t2;
	uhd_png_picture_finish(&picture);
	if (ret < 0) {
		return fail(run, output_stage(run), ret,
		            run->display ? "showing an image failed" : "writing an image failed");
	}
	return uhd_play_report_add(&run->report, &record);
}

static int image_loop(struct play_run *run)
{
	const struct uhd_play_params *p = run->params;
	double start_ms = uhd_now_ms();
	int64_t out_index = 0;
	int ret = 0;
	for (size_t i = (size_t)p->start; i < run->images.count; i++) {
		if (p->frames >= 0 && out_index >= p->frames) {
			break;
		}
		if (p->cancel && *p->cancel) {
			ret = fail(run, UHD_STAGE_NONE, -EINTR, "interrupted");
			break;
		}
		ret = present_image(run, i, out_index);
		if (ret < 0) {
			break;
		}
		out_index++;
	}
	run->report.seconds = (uhd_now_ms() - start_ms) / 1e3;
	if (ret == 0 && out_index == 0) {
		uhd_error("--start %lld is past the last image of '%s' (%zu images)",
		          (long long)p->start, p->input, run->images.count);
		ret = fail(run, UHD_STAGE_INPUT, -ENODATA, "no image to output");
	}
	return ret;
}

/* Damage is counted, not fatal, in lenient runs: say so once, on stderr, so that
 * someone who does not read the report still learns it. */
static void sum_damage(struct play_run *run)
{
	if (!run->source) {
		return;
	}
	struct uhd_decode_stats stats;
	uhd_source_decode_stats(run->source, &stats);
	run->report.decode_errors = stats.decode_errors;
	struct uhd_play_result *result = run->result;
	result->decode_errors = stats.decode_errors;
	for (int64_t i = 0; i < run->report.frame_count; i++) {
		result->frames_corrupt += run->report.frames[i].corrupt;
	}
	if (result->decode_errors > 0 || result->frames_corrupt > 0) {
		uhd_warn(
		        "'%s' is damaged: %lld decoding error(s), %lld of %lld output frame(s) may "
		        "be wrong (\"corrupt\" in the report); --strict makes the first error "
		        "fatal",
		        run->params->input, (long long)result->decode_errors,
		        (long long)result->frames_corrupt, (long long)run->report.frame_count);
	}
}

static void close_run(struct play_run *run)
{
	uhd_presenter_destroy(&run->presenter);
	uhd_converter_destroy(&run->converter);
	run->result->validation_messages = uhd_run_end(&run->base);
	uhd_source_destroy(&run->source);
	uhd_png_picture_finish(&run->first_picture);
	uhd_image_list_close(&run->images);
	free(run->report.frames);
}

int uhd_play_run(const struct uhd_play_params *params, struct uhd_play_result *result)
{
	struct play_run run = {.params = params, .result = result};
	uhd_run_begin(&run.base);
	memset(result, 0, sizeof(*result));
	run.report.params = params;
	run.report.device = "";
	run.report.presenter = "";
	run.report.location = "";
	run.report.strict = params->strict || params->reference_set;
	run.images_input = uhd_play_input_is_images(params->input);
	int ret = open_stages(&run);
	if (ret == 0 && run.images_input) {
		snprintf(result->output_location, sizeof(result->output_location), "%s",
		         run.report.location);
		ret = image_loop(&run);
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
