/* SPDX-License-Identifier: MIT */
/*
 * The uhdpipe side of `uhdpipe bench`: each stage timed alone on the first N
 * decoded frames, held in memory so that later stages never wait for the
 * decoder, then the whole play pipeline to null. Every stage gets one warm-up
 * run (page cache, driver shader compilation, first-touch of buffers) that is
 * not counted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/frame.h>

#include "../colour/tonemap.h"
#include "../common/checksum.h"
#include "../common/clock.h"
#include "../common/json_read.h"
#include "../common/log.h"
#include "../engine/run.h"
#include "../present/kms/gpu_pack.h"
#include "../source/frame.h"
#include "bench.h"

#define PAGE_BYTES 4096

struct stages {
	const struct uhd_bench_params *params;
	struct uhd_bench_result *result;
	struct uhd_frame *frames; /* decoded frames (references to libav buffers) */
	int frame_count;
	struct uhd_run base; /* the context, the first failure, the validation count */
	struct uhd_converter *converter;
	struct uhd_image *images; /* converted frames, copied out of the converter */
	uint8_t **pixels;
};

static int fail(struct stages *st, enum uhd_stage stage, int ret)
{
	uhd_run_fail(&st->base, stage, ret, "a bench stage failed");
	st->result->failed_stage = st->base.failed_stage;
	return ret;
}

static bool cancelled(const struct stages *st)
{
	return uhd_run_cancelled(&st->base);
}

static void add(struct uhd_bench_series *series, double seconds)
{
	if (series->count < UHD_BENCH_MAX_RUNS) {
		series->seconds[series->count++] = seconds;
	}
}

/* Frame 0 of a play report: the time the first frame took once decoded, and
 * in all. */
static int read_first_frame(const char *report_path, double *after_decode_ms, double *total_ms)
{
	json_t *doc = NULL;
	char error[256];
	int ret = uhd_json_load_file(report_path, &doc, error, sizeof(error));
	if (ret < 0) {
		uhd_error("bench: cannot read the play report '%s': %s; is the temporary folder "
		          "writable?",
		          report_path, error);
		return ret;
	}
	const json_t *ms = json_object_get(json_array_get(json_object_get(doc, "frames"), 0), "ms");
	static const char *const after_decode[] = {"upload", "gpu", "checksum", "present"};
	double decode = 0;
	bool ok = ms && uhd_json_get_number(ms, "decode", &decode);
	*after_decode_ms = 0;
	for (size_t i = 0; ok && i < sizeof(after_decode) / sizeof(after_decode[0]); i++) {
		double value = 0;
		ok = uhd_json_get_number(ms, after_decode[i], &value);
		*after_decode_ms += value;
	}
	*total_ms = decode + *after_decode_ms;
	json_decref(doc);
	if (!ok) {
		uhd_error("bench: the play report '%s' has no stage times for frame 0; this is a "
		          "bug, please report it",
		          report_path);
		return -EINVAL;
	}
	return 0;
}

/* The whole play pipeline to null, N frames; the first frame's times come
 * from the play report. */
static int time_pipeline(struct stages *st)
{
	const struct uhd_bench_params *p = st->params;
	struct uhd_bench_result *r = st->result;
	char report[4096];
	snprintf(report, sizeof(report), "%s/pipeline.json", p->work_dir);
	struct uhd_play_params play = UHD_PLAY_DEFAULTS;
	play.input = p->input;
	play.convert = p->convert;
	play.frames = p->frames;
	play.hwaccel = p->hwaccel;
	play.frames_in_flight = p->frames_in_flight;
	play.device = p->device;
	play.validation = p->validation;
	play.report_path = report;
	play.cancel = p->cancel;
	struct uhd_bench_series after_decode = {0};
	for (int run = -1; run < p->runs; run++) {
		struct uhd_play_result played;
		double t0 = uhd_now_ms();
		int ret = uhd_play_run(&play, &played);
		double wall_ms = uhd_now_ms() - t0;
		if (ret < 0) {
			return fail(st, played.failed_stage, ret);
		}
		snprintf(r->device, sizeof(r->device), "%s", played.device);
		r->frames = (int)played.frames_out;
		double first_after_decode_ms, first_ms;
		ret = read_first_frame(report, &first_after_decode_ms, &first_ms);
		if (ret < 0) {
			return fail(st, UHD_STAGE_OUTPUT, ret);
		}
		if (run >= 0) {
			/* The whole call, as a user waits for it: opening the clip
			 * (which decodes the first frame), Vulkan set-up, the frames,
			 * teardown. */
			add(&r->stages[UHD_BENCH_PIPELINE], wall_ms / 1e3);
			add(&r->pipeline_loop, played.seconds);
			/* Set-up and teardown are what the run took outside its frame loop. */
			add(&r->first_frame, (wall_ms - played.seconds * 1e3 + first_ms) / 1e3);
			add(&after_decode, first_after_decode_ms / 1e3);
		}
	}
	r->first_frame_after_decode_ms = uhd_bench_median(&after_decode) * 1e3;
	return 0;
}

static int keep_frame(struct stages *st, const struct uhd_frame *frame)
{
	struct uhd_frame *kept = &st->frames[st->frame_count];
	kept->av = av_frame_clone(frame->av);
	if (!kept->av) {
		uhd_error("bench: out of memory holding %d decoded frames; try fewer --frames",
		          st->params->frames);
		return -ENOMEM;
	}
	kept->damage = frame->damage;
	st->frame_count++;
	return 0;
}

/* One decode run: a fresh source, then N frames. Opening is timed too: it
 * decodes the first frame (to describe it), so leaving it out would leave out
 * that frame and the decoder's start-up. The warm-up run keeps the frames for
 * the other stages. */
static int decode_run(struct stages *st, bool warm_up, double *seconds)
{
	const struct uhd_bench_params *p = st->params;
	struct uhd_source *source = NULL;
	struct uhd_source_params sp = UHD_SOURCE_DEFAULTS;
	sp.hwaccel = p->hwaccel;
	double t0 = uhd_now_ms();
	int ret = uhd_source_open(p->input, &sp, &source);
	if (ret < 0) {
		return fail(st, UHD_STAGE_INPUT, ret);
	}
	if (warm_up) {
		st->result->info = *uhd_source_info(source);
	}
	for (int i = 0; i < p->frames && ret == 0; i++) {
		const struct uhd_frame *frame;
		ret = uhd_source_next_frame(source, &frame);
		if (ret == 0 && warm_up) {
			ret = keep_frame(st, frame);
		}
	}
	*seconds = (uhd_now_ms() - t0) / 1e3;
	uhd_source_destroy(&source);
	if (ret < 0) {
		return fail(st, UHD_STAGE_INPUT, ret);
	}
	return 0;
}

static int write_decoded(struct stages *st)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", st->params->work_dir, UHD_BENCH_RAW_YUV);
	FILE *file = fopen(path, "wb");
	int ret = file ? 0 : -errno;
	for (int i = 0; ret == 0 && i < st->frame_count; i++) {
		ret = uhd_bench_write_frame(file, &st->frames[i]);
	}
	if (file && fclose(file) != 0 && ret == 0) {
		ret = -errno;
	}
	if (ret < 0) {
		uhd_error("bench: cannot write the peers' input '%s': %s; free space in $TMPDIR "
		          "or give fewer --frames",
		          path, strerror(-ret));
		return fail(st, UHD_STAGE_OUTPUT, ret);
	}
	return 0;
}

static int time_decode(struct stages *st)
{
	const struct uhd_bench_params *p = st->params;
	st->frames = calloc((size_t)p->frames, sizeof(*st->frames));
	if (!st->frames) {
		return fail(st, UHD_STAGE_INPUT, -ENOMEM);
	}
	for (int run = -1; run < p->runs && !cancelled(st); run++) {
		double seconds;
		int ret = decode_run(st, run < 0, &seconds);
		if (ret < 0) {
			return ret;
		}
		if (run >= 0) {
			add(&st->result->stages[UHD_BENCH_DECODE], seconds);
		}
	}
	/* The clip may hold fewer frames than asked for: every stage times these. */
	st->result->frames = st->frame_count;
	return p->vs_ffmpeg ? write_decoded(st) : 0;
}

static int open_gpu(struct stages *st)
{
	struct uhd_convert_params convert = st->params->convert;
	int ret = uhd_run_open_context(&st->base, st->params->device, st->params->validation);
	if (ret == 0) {
		/* Auto as play chooses it (see uhd_play_params.frames_in_flight). */
		bool cpu = uhd_context_limits(st->base.context)->cpu;
		convert.frames_in_flight = st->params->frames_in_flight
		                                   ? st->params->frames_in_flight
		                           : cpu ? 1
		                                 : 2;
		st->result->frames_in_flight = convert.frames_in_flight;
		ret = uhd_converter_create(st->base.context, &st->result->info, &convert,
		                           &st->converter);
	}
	if (ret < 0) {
		return fail(st, UHD_STAGE_GPU, ret);
	}
	st->images = calloc((size_t)st->frame_count, sizeof(*st->images));
	st->pixels = calloc((size_t)st->frame_count, sizeof(*st->pixels));
	return st->images && st->pixels ? 0 : fail(st, UHD_STAGE_GPU, -ENOMEM);
}

/* The converter's image lives until its next frame: the metrics need them all. */
static int keep_image(struct stages *st, int index, const struct uhd_image *image)
{
	size_t row = (size_t)image->width * (size_t)image->channels * (size_t)(image->bits / 8);
	/* Page-aligned, whole pages and rows of whole words, as the converter's
	 * images are: the GPU packer then reads them in place, as in a run. */
	size_t stride = (row + 3) / 4 * 4;
	size_t bytes = (stride * (size_t)image->height + PAGE_BYTES - 1) / PAGE_BYTES * PAGE_BYTES;
	void *memory = NULL;
	uint8_t *pixels = posix_memalign(&memory, PAGE_BYTES, bytes) == 0 ? memory : NULL;
	if (!pixels) {
		uhd_error("bench: out of memory holding %d converted frames; try fewer --frames",
		          st->frame_count);
		return fail(st, UHD_STAGE_GPU, -ENOMEM);
	}
	for (int y = 0; y < image->height; y++) {
		memcpy(pixels + stride * (size_t)y, image->data + image->stride * (size_t)y, row);
	}
	st->pixels[index] = pixels;
	st->images[index] = *image;
	st->images[index].data = pixels;
	st->images[index].stride = stride;
	return 0;
}

/* One image back from the GPU: its checksum reads it, as play's does. */
static int receive_one(struct stages *st, int run, int index, double *checksum_ms,
                       struct uhd_convert_timing *timing)
{
	struct uhd_image image;
	int ret = uhd_converter_receive(st->converter, &image, timing);
	if (ret < 0) {
		return fail(st, UHD_STAGE_GPU, ret);
	}
	double t0 = uhd_now_ms();
	volatile uint64_t sum = uhd_image_checksum(&image);
	(void)sum;
	*checksum_ms += uhd_now_ms() - t0;
	return run < 0 ? keep_image(st, index, &image) : 0;
}

/* Upload + convert + scale and the checksum that reads each image back, as
 * play runs them when the decoder keeps up: frames_in_flight frames queued,
 * the oldest received and checksummed while the next ones convert. Upload
 * and GPU times are the converter's own; the wall time of the loop is the
 * stage compared with the peers. */
static int time_convert(struct stages *st)
{
	struct uhd_bench_result *r = st->result;
	int depth = r->frames_in_flight;
	for (int run = -1; run < st->params->runs && !cancelled(st); run++) {
		double upload = 0, gpu = 0, checksum = 0;
		double t0 = uhd_now_ms();
		int submitted = 0, received = 0, ret = 0;
		while (ret == 0 && received < st->frame_count) {
			if (submitted < st->frame_count &&
			    uhd_converter_in_flight(st->converter) < depth) {
				ret = uhd_converter_submit(st->converter, &st->frames[submitted++]);
				ret = ret < 0 ? fail(st, UHD_STAGE_GPU, ret) : 0;
				continue;
			}
			struct uhd_convert_timing timing = {0};
			ret = receive_one(st, run, received++, &checksum, &timing);
			upload += timing.upload_ms;
			gpu += timing.gpu_ms;
		}
		double wall = uhd_now_ms() - t0;
		if (ret < 0) {
			return ret;
		}
		if (run >= 0) {
			add(&r->stages[UHD_BENCH_UPLOAD], upload / 1e3);
			add(&r->stages[UHD_BENCH_CONVERT], gpu / 1e3);
			add(&r->stages[UHD_BENCH_UPLOAD_CONVERT], wall / 1e3);
			add(&r->stages[UHD_BENCH_CHECKSUM], checksum / 1e3);
		}
	}
	r->width = st->images[0].width;
	r->height = st->images[0].height;
	r->bits = st->images[0].bits;
	return 0;
}

/* convert+scale again with --target's tone mapping: a second converter, run
 * as time_convert runs the first, its GPU time beside theirs. */
static int time_convert_tonemap(struct stages *st)
{
	struct uhd_convert_params convert = st->params->convert;
	convert.target = st->params->tonemap_target;
	convert.frames_in_flight = st->result->frames_in_flight;
	struct uhd_tonemap_plan plan;
	char why[512] = "";
	if (convert.target.transfer == UHD_TARGET_SOURCE) {
		return 0;
	}
	/* A clip --target cannot convert leaves the stage n/a, as the pack stages. */
	if (uhd_tonemap_plan(&st->result->info.colour, &convert.target, &plan, why, sizeof(why)) <
	            0 ||
	    plan.mode == UHD_TONEMAP_NONE) {
		uhd_warn("bench: %s; the convert+tonemap stage is n/a", why[0] ? why : plan.note);
		return 0;
	}
	struct uhd_converter *conv = NULL;
	int ret = uhd_converter_create(st->base.context, &st->result->info, &convert, &conv);
	for (int run = -1; ret == 0 && run < st->params->runs && !cancelled(st); run++) {
		double gpu = 0;
		int submitted = 0, received = 0;
		while (ret == 0 && received < st->frame_count) {
			if (submitted < st->frame_count &&
			    uhd_converter_in_flight(conv) < convert.frames_in_flight) {
				ret = uhd_converter_submit(conv, &st->frames[submitted++]);
				continue;
			}
			struct uhd_image image;
			struct uhd_convert_timing timing = {0};
			ret = uhd_converter_receive(conv, &image, &timing);
			gpu += timing.gpu_ms;
			received++;
		}
		if (ret == 0 && run >= 0) {
			add(&st->result->stages[UHD_BENCH_CONVERT_TONEMAP], gpu / 1e3);
		}
	}
	uhd_converter_destroy(&conv);
	return ret < 0 ? fail(st, UHD_STAGE_GPU, ret) : 0;
}

/* Each converted frame against the next one (the last against the first; a
 * single frame against itself), as `check` compares a render with a reference. */
static int time_metrics(struct stages *st)
{
	const struct uhd_image *first = &st->images[0];
	struct uhd_compare_params cp = UHD_COMPARE_DEFAULTS;
	cp.width = first->width;
	cp.height = first->height;
	cp.bits = first->bits;
	cp.metrics = st->params->metrics;
	struct uhd_comparer *comparer = NULL;
	int ret = uhd_comparer_create(st->base.context, &cp, &comparer);
	if (ret < 0) {
		return fail(st, UHD_STAGE_GPU, ret);
	}
	for (int run = -1; run < st->params->runs && ret == 0 && !cancelled(st); run++) {
		double t0 = uhd_now_ms();
		for (int i = 0; i < st->frame_count && ret == 0; i++) {
			struct uhd_metrics metrics;
			ret = uhd_comparer_run(comparer, &st->images[i],
			                       &st->images[(i + 1) % st->frame_count], &metrics);
		}
		if (run >= 0) {
			add(&st->result->stages[UHD_BENCH_METRICS], (uhd_now_ms() - t0) / 1e3);
		}
	}
	uhd_comparer_destroy(&comparer);
	return ret < 0 ? fail(st, UHD_STAGE_GPU, ret) : 0;
}

/* Rows of the scanout format as a KMS dumb buffer would hold them. */
static size_t pack_pitch(const struct stages *st)
{
	size_t row =
	        (size_t)st->images[0].width * (size_t)st->params->scanout_format->bytes_per_pixel;
	return (row + 63) / 64 * 64;
}

static int time_pack_cpu(struct stages *st, uint8_t *dst, size_t pitch)
{
	for (int run = -1; run < st->params->runs && !cancelled(st); run++) {
		double t0 = uhd_now_ms();
		for (int i = 0; i < st->frame_count; i++) {
			uhd_pack_image(&st->images[i], st->params->scanout_format, dst, pitch);
		}
		if (run >= 0) {
			add(&st->result->stages[UHD_BENCH_PACK_CPU], (uhd_now_ms() - t0) / 1e3);
		}
	}
	return 0;
}

/* in_place: into the packer's own buffer, as into a shared framebuffer; else
 * the rows are copied out into dst too, as gpu-pack-to-dumb does. */
static int time_pack_gpu(struct stages *st, struct uhd_gpu_packer *packer, uint8_t *dst,
                         bool in_place)
{
	enum uhd_bench_stage stage = in_place ? UHD_BENCH_PACK_GPU : UHD_BENCH_PACK_GPU_COPY;
	int ret = 0;
	for (int run = -1; run < st->params->runs && ret == 0 && !cancelled(st); run++) {
		double t0 = uhd_now_ms();
		for (int i = 0; i < st->frame_count && ret == 0; i++) {
			ret = in_place ? uhd_gpu_pack_to(packer, &st->images[i], 0, UINT64_MAX)
			               : uhd_gpu_pack(packer, &st->images[i], dst);
		}
		if (run >= 0 && ret == 0) {
			add(&st->result->stages[stage], (uhd_now_ms() - t0) / 1e3);
		}
	}
	return ret;
}

/* The three ways -o kms fills a framebuffer, on the converted frames. */
static int time_pack(struct stages *st)
{
	const struct uhd_scanout_format *format = st->params->scanout_format;
	if (!format) {
		return 0;
	}
	const struct uhd_image *first = &st->images[0];
	size_t pitch = pack_pitch(st);
	uint8_t *dst = malloc(pitch * (size_t)first->height);
	if (!dst) {
		return fail(st, UHD_STAGE_GPU, -ENOMEM);
	}
	struct uhd_gpu_packer *packer = NULL;
	int ret = time_pack_cpu(st, dst, pitch);
	/* Where the device cannot pack these frames, -o kms packs on the CPU: the
	 * GPU stages are then n/a (no runs), not a failed bench. */
	if (ret == 0 &&
	    uhd_gpu_packer_create(st->base.context, first->width, first->height, first->bits,
	                          first->significant_bits, format, pitch, &packer) < 0) {
		uhd_warn("bench: the GPU packer cannot take %dx%d frames in %s on this device; the "
		         "GPU pack stages are n/a",
		         first->width, first->height, format->name);
	}
	ret = ret || !packer ? ret : time_pack_gpu(st, packer, dst, false);
	ret = ret || !packer ? ret : time_pack_gpu(st, packer, dst, true);
	uhd_gpu_packer_destroy(&packer);
	free(dst);
	return ret < 0 ? fail(st, UHD_STAGE_GPU, ret) : 0;
}

/* The metric peers read the same pairs: file A holds frames 0..N-1, file B
 * frames 1..N-1 then 0. */
static int write_converted(struct stages *st)
{
	static const char *const names[2] = {UHD_BENCH_RAW_RGB0, UHD_BENCH_RAW_RGB1};
	for (int shift = 0; shift < 2; shift++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", st->params->work_dir, names[shift]);
		FILE *file = fopen(path, "wb");
		int ret = file ? 0 : -errno;
		for (int i = 0; ret == 0 && i < st->frame_count; i++) {
			ret = uhd_bench_write_image(file,
			                            &st->images[(i + shift) % st->frame_count]);
		}
		if (file && fclose(file) != 0 && ret == 0) {
			ret = -errno;
		}
		if (ret < 0) {
			uhd_error("bench: cannot write the peers' input '%s': %s; free space in "
			          "$TMPDIR or give fewer --frames",
			          path, strerror(-ret));
			return fail(st, UHD_STAGE_OUTPUT, ret);
		}
	}
	return 0;
}

static void release_frames(struct stages *st)
{
	for (int i = 0; st->frames && i < st->frame_count; i++) {
		av_frame_free(&st->frames[i].av);
	}
	free(st->frames);
	st->frames = NULL;
}

static void close_stages(struct stages *st)
{
	release_frames(st);
	for (int i = 0; st->pixels && i < st->frame_count; i++) {
		free(st->pixels[i]);
	}
	free(st->pixels);
	free(st->images);
	uhd_converter_destroy(&st->converter);
	st->result->validation_messages = uhd_run_end(&st->base);
}

static int record_pipeline_memory(struct stages *st)
{
	st->result->pipeline_peak_rss_mib = uhd_bench_peak_rss_mib();
	return 0;
}

static int check_frames(struct stages *st)
{
	if (st->frame_count > 0) {
		return 0;
	}
	uhd_error("bench: '%s' gave no frame to time; give a clip with video frames",
	          st->params->input);
	return fail(st, UHD_STAGE_INPUT, -ENODATA);
}

/* The decoded frames are no longer needed once converted: their memory goes
 * back before the metrics allocate their own buffers. */
static int release_then_time_metrics(struct stages *st)
{
	release_frames(st);
	return time_metrics(st);
}

/* The device's copy rate and what a frame must move at the least. */
static int measure_floor(struct stages *st)
{
	struct uhd_bench_result *r = st->result;
	uhd_bench_measure_floor(st->base.context, st->params->runs, &r->floor);
	r->floor.frame_bytes = uhd_bench_frame_bytes(&r->info, r->width, r->height, r->bits);
	r->floor.floor_ms = r->floor.valid
	                            ? r->floor.frame_bytes / (2.0 * r->floor.copy_gbps * 1e9) * 1e3
	                            : 0.0;
	return 0;
}

static int write_converted_for_peers(struct stages *st)
{
	return st->params->vs_ffmpeg ? write_converted(st) : 0;
}

int uhd_bench_run_stages(const struct uhd_bench_params *params, struct uhd_bench_result *result)
{
	/* The pipeline goes first, while the bench holds no frames, so that the
	 * peak memory read after it is the pipeline's own. */
	static int (*const steps[])(struct stages *) = {
	        time_pipeline,
	        record_pipeline_memory,
	        time_decode,
	        check_frames,
	        open_gpu,
	        time_convert,
	        time_convert_tonemap,
	        release_then_time_metrics,
	        time_pack,
	        measure_floor,
	        write_converted_for_peers,
	};
	struct stages st = {.params = params, .result = result};
	uhd_run_begin(&st.base, params->cancel);
	int ret = 0;
	for (size_t i = 0; ret == 0 && i < sizeof(steps) / sizeof(steps[0]); i++) {
		ret = cancelled(&st) ? -EINTR : steps[i](&st);
	}
	close_stages(&st);
	result->process_peak_rss_mib = uhd_bench_peak_rss_mib();
	return ret;
}
