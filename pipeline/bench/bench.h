/* SPDX-License-Identifier: MIT */
/*
 * `uhdpipe bench`: times each uhdpipe stage alone on the first N decoded frames
 * of a clip, the whole pipeline to null, and (optionally) the ffmpeg commands a
 * user would run instead, on the same frames, in the same run. Private to the
 * command: the library's public API is unchanged.
 */
#ifndef UHD_INTERNAL_BENCH_H
#define UHD_INTERNAL_BENCH_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "uhdpipe/play.h"
#include "uhdpipe/quality.h"
#include "uhdpipe/source.h"

struct uhd_scanout_format;

/* Enough runs for a median; more would only make a benchmark slower to wait for. */
#define UHD_BENCH_MAX_RUNS 100

struct uhd_bench_params {
	const char *input;
	struct uhd_convert_params convert;
	unsigned metrics; /* enum uhd_metric bits */
	int frames;       /* first N decoded frames */
	int runs;         /* measured runs after one warm-up run */
	bool vs_ffmpeg;
	enum uhd_hwaccel hwaccel; /* for the decode stage and the pipeline */
	int frames_in_flight;     /* for convert+scale and the pipeline: 1..4, 0 auto */
	const char *device;       /* Vulkan device by index or name part; NULL: the default */
	bool validation;          /* the Vulkan validation layer on (every stage and run) */
	const char *ffmpeg;       /* path of the ffmpeg program (with vs_ffmpeg) */
	const char *work_dir;     /* raw frames for the peers (with vs_ffmpeg) */
	volatile sig_atomic_t *cancel;
	/* Scanout format of the pack stages (as -o kms would pack into); NULL skips them. */
	const struct uhd_scanout_format *scanout_format;
	/* --target of the convert+scale+tonemap stage; UHD_TARGET_SOURCE skips it. */
	struct uhd_target tonemap_target;
};

enum uhd_bench_stage {
	UHD_BENCH_DECODE,
	UHD_BENCH_UPLOAD,
	UHD_BENCH_CONVERT,
	UHD_BENCH_UPLOAD_CONVERT,
	UHD_BENCH_CHECKSUM,
	UHD_BENCH_METRICS,
	/* convert+scale with --target's tone mapping, on the GPU (beside convert). */
	UHD_BENCH_CONVERT_TONEMAP,
	/* Packing converted frames into the scanout format, per -o kms path: on the
	 * CPU, on the GPU with the rows copied out, and on the GPU into memory it
	 * owns (the zero-copy paths' work, without a display). */
	UHD_BENCH_PACK_CPU,
	UHD_BENCH_PACK_GPU_COPY,
	UHD_BENCH_PACK_GPU,
	UHD_BENCH_PIPELINE,
	UHD_BENCH_STAGES,
};

enum uhd_bench_peer {
	UHD_PEER_DECODE,
	UHD_PEER_ZSCALE,
	UHD_PEER_SWSCALE,
	UHD_PEER_SCALE_VULKAN,
	UHD_PEER_LIBPLACEBO,
	UHD_PEER_PSNR_SSIM,
	UHD_BENCH_PEERS,
};

/* Seconds each measured run took for all of the frames. */
struct uhd_bench_series {
	int count;
	double seconds[UHD_BENCH_MAX_RUNS];
};

/* A series as rates: median and spread. */
struct uhd_bench_summary {
	bool valid;
	double fps, fps_min, fps_max;
	double ms_per_frame, ms_min, ms_max;
};

struct uhd_bench_peer_result {
	bool available;
	char reason[512];   /* why not available */
	char command[4096]; /* the command as a shell would take it */
	struct uhd_bench_series series;
};

/* The conversion's memory-bandwidth floor (floor.c). */
struct uhd_bench_floor {
	bool valid;
	double copy_bytes;  /* bytes of each timed vkCmdCopyBuffer */
	double copy_gbps;   /* bytes copied per second / 1e9, median (reads + writes: twice) */
	double frame_bytes; /* a frame's decoded planes plus its output image */
	double floor_ms;    /* frame_bytes moved once each way at the copy's traffic */
};

struct uhd_bench_result {
	struct uhd_stream_info info;
	int width, height, bits; /* output */
	int frames;              /* frames timed: min(--frames, frames in the clip) */
	char device[256];
	int frames_in_flight; /* as the converter ran (--frames-in-flight or auto) */
	struct uhd_bench_series stages[UHD_BENCH_STAGES];
	struct uhd_bench_series pipeline_loop; /* play's frame loop alone */
	/* Whole pipeline: start of uhd_play_run to the first frame presented,
	 * including set-up and (as an upper bound) the teardown. */
	struct uhd_bench_series first_frame;
	double first_frame_after_decode_ms; /* upload + GPU + checksum + present, median */
	double pipeline_peak_rss_mib;       /* VmHWM after the pipeline runs */
	double process_peak_rss_mib;        /* ru_maxrss at the end */
	struct uhd_bench_floor floor;
	char ffmpeg_version[128];
	struct uhd_bench_peer_result peers[UHD_BENCH_PEERS];
	enum uhd_stage failed_stage;
	unsigned validation_messages; /* sent while the stages ran (their run's count) */
};

const char *uhd_bench_stage_name(enum uhd_bench_stage stage);
const char *uhd_bench_peer_name(enum uhd_bench_peer peer);
/* The uhdpipe stage a peer does the work of (the ratio's numerator). */
enum uhd_bench_stage uhd_bench_peer_stage(enum uhd_bench_peer peer);
struct uhd_bench_summary uhd_bench_summarise(const struct uhd_bench_series *series, int frames);
double uhd_bench_median(const struct uhd_bench_series *series);
/* Peak resident memory in MiB: VmHWM of /proc/self/status, else ru_maxrss. */
double uhd_bench_peak_rss_mib(void);

/* Bytes a frame's conversion must move at the least: the decoded planes as
 * the converter reads them, and the output image (floor.c). */
double uhd_bench_frame_bytes(const struct uhd_stream_info *info, int width, int height, int bits);
/* Times device-local buffer copies on ctx into floor (copy_bytes, copy_gbps,
 * valid); a failure leaves valid false and is only warned about. */
int uhd_bench_measure_floor(struct uhd_context *ctx, int runs, struct uhd_bench_floor *floor);

/* Times decode, upload, convert+scale, checksum, metrics and the whole
 * pipeline (stages.c). With vs_ffmpeg also writes the peers' raw inputs into
 * work_dir. Errors as uhd_play_run, with result->failed_stage set. */
int uhd_bench_run_stages(const struct uhd_bench_params *params, struct uhd_bench_result *result);

/* Raw files the peers read back (peers.c): the decoded frames as the
 * decoder's planar pixel format, and converted images as planar G, B, R. */
#define UHD_BENCH_RAW_YUV  "decoded.raw"
#define UHD_BENCH_RAW_RGB0 "converted-a.raw"
#define UHD_BENCH_RAW_RGB1 "converted-b.raw"
int uhd_bench_write_frame(FILE *file, const struct uhd_frame *frame);
int uhd_bench_write_image(FILE *file, const struct uhd_image *image);
/* Runs every peer, --runs times after a warm-up, on the files the stages
 * wrote; an unavailable or failing peer is recorded with its reason, never an
 * error. */
void uhd_bench_run_peers(const struct uhd_bench_params *params, struct uhd_bench_result *result);

/* The table on stdout and the JSON file (report.c; schema in docs/commands.md). */
void uhd_bench_print_table(FILE *out, const struct uhd_bench_params *params,
                           const struct uhd_bench_result *result);
int uhd_bench_write_json(const char *path, const struct uhd_bench_params *params,
                         const struct uhd_bench_result *result);

#endif
