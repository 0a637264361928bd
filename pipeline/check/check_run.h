/* SPDX-License-Identifier: MIT */
/* The state of a check run shared by the run loop and its report writers. */
#ifndef UHD_INTERNAL_CHECK_RUN_H
#define UHD_INTERNAL_CHECK_RUN_H

#include "../engine/frames.h"
#include "uhdpipe/check.h"

enum check_failure {
	FAIL_PSNR = 1u << 0,
	FAIL_SSIM = 1u << 1,
	FAIL_MSSSIM = 1u << 2,
	FAIL_DELTAITP = 1u << 3,
	FAIL_DELTAITP_P99 = 1u << 4,
	FAIL_DIFF = 1u << 5,
	FAIL_EXACT = 1u << 6,
};

struct check_frame {
	int64_t index;                  /* of the pair, from 0 */
	int64_t input_frame, ref_frame; /* each input's own number (after --start) */
	int64_t input_pts, ref_pts;
	struct uhd_metrics metrics; /* --domain yuv: psnr and mse of Y, Cb, Cr */
	double psnr_611;            /* --domain yuv: (6 Y + Cb + Cr) / 8 of the PSNRs */
	bool checksum_match;
	uint64_t input_checksum, ref_checksum;
	unsigned failures;    /* enum check_failure bits */
	bool has_diff_images; /* written to params->diff_dir */
	int worst[4];         /* x, y, width, height of the worst region */
	const char *heat_metric;
	double heat_scale;
	double render_ms, compare_ms;
};

struct check_report {
	const struct uhd_check_params *params; /* points at resolved */
	struct uhd_check_params resolved;      /* the params as run (metrics completed) */
	struct uhd_render_options options;     /* as resolved */
	const char *input_kind, *ref_kind;
	/* INPUT's stream colour, for --target's report (has_input_colour: known). */
	bool has_input_colour;
	struct uhd_colour input_colour;
	double psnr_peak; /* --domain yuv: the codes' peak, 2^bits - 1 (0 until known) */
	const char *device;
	struct check_frame *frames;
	int64_t frame_count, frame_capacity;
	double seconds;
	bool complete; /* ran to the end (passed or not) */
	bool passed;
	/* A failure of the whole comparison (count or size mismatch), or NULL. */
	const char *mismatch;
	const char *error; /* the run failed, or NULL */
	/* Why the metrics were computed in resolved.domain (AUTO until chosen). */
	char domain_reason[512];
	/* Storage of the strings above: a report outlives its run. */
	char mismatch_text[512], error_text[512], device_name[256];
};

/* The GPU side of check runs: a Vulkan context and the comparers (with their
 * pipelines, which CPU drivers compile on first use) of the last frames
 * compared. A suite keeps one for all its entries, so that an entry of the
 * same geometry as the one before pays for neither. */
struct check_gpu {
	struct uhd_context *context;
	struct uhd_comparer *comparer;
	int width, height, bits; /* what comparer was made for */
	unsigned metrics;
	bool diff_images;
	struct uhd_plane_comparer *plane_comparer;
};

/* Destroys what gpu holds (it may be reused afterwards, empty). */
void check_gpu_finish(struct check_gpu *gpu);

/* Runs one comparison into report (the caller frees it with
 * uhd_check_report_finish) without writing any file. Same returns as
 * uhd_check_run. gpu: what earlier runs left to reuse, and where this one
 * leaves its own (NULL: a context of its own, destroyed at the end). */
int uhd_check_execute(const struct uhd_check_params *params, struct uhd_check_result *result,
                      struct check_report *report, struct check_gpu *gpu);
void uhd_check_report_finish(struct check_report *report);
/* The metric list as run in params->domain: the YUV domain's default list, the
 * metrics of thresholds given added, and only what the domain computes. */
void check_resolve_metrics(struct uhd_check_params *params);

/* The report as one JSON object (the body of --report-json). */
struct uhd_json;
void uhd_check_report_json_object(struct uhd_json *json, const char *key,
                                  const struct check_report *report);

/* "psnr 38.21 dB < 45 (min-psnr)"-style lines for the failures of a frame;
 * returns how many were written. */
int uhd_check_failure_lines(const struct check_report *report, const struct check_frame *frame,
                            char lines[7][160]);

/* Written atomically (temporary file, then rename). */
int uhd_check_report_write_json(const struct check_report *report, const char *path);
int uhd_check_report_write_junit(const struct check_report *report, const char *path);

#endif
