/* SPDX-License-Identifier: MIT */
/*
 * uhdpipe: comparing rendered frames with references, as `uhdpipe check` does.
 * INPUT and REF may each be a clip, a PNG, or a folder from `uhdpipe refs`.
 */
#ifndef UHDPIPE_CHECK_H
#define UHDPIPE_CHECK_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "convert.h"
#include "quality.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A frame fails when any computed metric is past its threshold. NAN (or -1
 * for max_diff) turns a threshold off. */
struct uhd_thresholds {
	double min_psnr;         /* dB, average of R, G, B (default 45) */
	double min_ssim;         /* default 0.99 */
	double min_msssim;       /* default 0.99 */
	double max_deltaitp;     /* mean deltaE ITP (default 0.5) */
	double max_deltaitp_p99; /* 99th percentile (default 2) */
	int64_t max_diff;        /* code values (default -1: off) */
	bool exact;              /* pixel checksums must match (default false) */
};

#define UHD_THRESHOLDS_DEFAULTS                                                                    \
	((struct uhd_thresholds){.min_psnr = 45,                                                   \
	                         .min_ssim = 0.99,                                                 \
	                         .min_msssim = 0.99,                                               \
	                         .max_deltaitp = 0.5,                                              \
	                         .max_deltaitp_p99 = 2,                                            \
	                         .max_diff = -1})

#define UHD_CHECK_DEFAULT_METRICS                                                                  \
	(UHD_METRIC_PSNR | UHD_METRIC_SSIM | UHD_METRIC_DELTAITP | UHD_METRIC_DIFF)
/* What UHD_CHECK_DOMAIN_YUV computes, and what the default list means there. */
#define UHD_CHECK_YUV_METRICS (UHD_METRIC_PSNR | UHD_METRIC_SSIM | UHD_METRIC_MSSSIM)
/* What the default metric list means in the YUV domain. */
#define UHD_CHECK_YUV_DEFAULT_METRICS (UHD_METRIC_PSNR | UHD_METRIC_SSIM)

/* Where the metrics are computed. */
enum uhd_check_domain {
	/* Both sides rendered to full-range R'G'B' as `play` renders them (any inputs,
	 * every metric). */
	UHD_CHECK_DOMAIN_RGB = 0,
	/* The decoded Y'CbCr planes of two clips of the same format and colour
	 * description, as decoded, with no conversion: PSNR per plane, SSIM and
	 * MS-SSIM of luma, --exact. */
	UHD_CHECK_DOMAIN_YUV,
	/* YUV when both inputs are clips of the same size, pixel format and colour
	 * description and nothing asked needs R'G'B' (a metric other than psnr and
	 * ssim, --size, --scaler, --rotate, --diff-dir); else RGB. The report says
	 * which ran and why. */
	UHD_CHECK_DOMAIN_AUTO,
};

/* "rgb", "yuv" or "auto": 0, or -EINVAL for another name. */
UHD_API int uhd_check_domain_from_name(const char *name, enum uhd_check_domain *domain);

struct uhd_check_params {
	const char *input; /* clip, PNG or reference folder (required) */
	const char *ref;   /* clip, PNG or reference folder (required) */
	unsigned metrics;  /* default UHD_CHECK_DEFAULT_METRICS */
	struct uhd_thresholds thresholds;
	/* enum uhd_metric bits of thresholds set explicitly (--exact counts as
	 * diff): their metrics are computed whatever `metrics` says (default 0). */
	unsigned thresholds_given;
	/* How clips are rendered. A reference folder's recorded options are used
	 * for any of these not marked as given. */
	struct uhd_convert_params convert;
	bool size_given, scaler_given;
	int64_t start, frames; /* as in uhd_play_params (defaults 0, -1) */
	bool start_given, frames_given;
	/* As uhd_play_params.rotate, for clips on either side (default false). */
	bool rotate, rotate_given;
	const char *device;
	bool validation;
	const char *report_path; /* JSON report (default NULL) */
	const char *junit_path;  /* JUnit XML (default NULL) */
	/* For each failing frame, a heat map and the worst region side by side
	 * (uhd_comparer_write_diff_images) in this folder (default NULL). */
	const char *diff_dir;
	const char *suite_name; /* JUnit testsuite name (default: INPUT vs REF) */
	bool progress;
	volatile sig_atomic_t *cancel;
	/* Where metrics are computed (default UHD_CHECK_DOMAIN_AUTO; a zeroed
	 * struct means RGB). Where YUV runs, the default `metrics` list means
	 * UHD_CHECK_YUV_DEFAULT_METRICS. */
	enum uhd_check_domain domain;
	/* `metrics` was chosen, not left at its default (default false): a list
	 * that names deltaitp or diff then keeps them (and AUTO takes RGB), even
	 * when it equals UHD_CHECK_DEFAULT_METRICS. */
	bool metrics_given;
};

#define UHD_CHECK_DEFAULTS                                                                         \
	((struct uhd_check_params){.metrics = UHD_CHECK_DEFAULT_METRICS,                           \
	                           .thresholds = UHD_THRESHOLDS_DEFAULTS,                          \
	                           .convert = UHD_CONVERT_DEFAULTS,                                \
	                           .frames = -1,                                                   \
	                           .domain = UHD_CHECK_DOMAIN_AUTO})

struct uhd_check_result {
	bool passed; /* every frame within the thresholds, counts and sizes equal */
	int64_t frames_compared;
	int64_t frames_failed;
	double seconds, fps;
	enum uhd_stage failed_stage; /* when the run itself failed */
	unsigned validation_messages;
	char device[256];
	char message[512]; /* the first failure, for people */
	/* Where the metrics were computed: RGB or YUV (AUTO resolved), and why. */
	enum uhd_check_domain domain;
	char domain_reason[512];
};

/* Returns 0 when the comparison ran to its end (passed or not: see
 * result->passed), -EINTR when cancelled, or a negative error. */
UHD_API int uhd_check_run(const struct uhd_check_params *params, struct uhd_check_result *result);

/* A suite file (schema in docs/reports.md, "Suites") run as `uhdpipe check --suite`. */
#define UHD_SUITE_DEFAULTS                                                                         \
	((struct uhd_suite_params){.shard_index = 0, .shard_count = 1, .base = UHD_CHECK_DEFAULTS})

struct uhd_suite_params {
	const char *path; /* the suite file (required) */
	/* Entry i runs when i % shard_count == shard_index (default 0 of 1). */
	int shard_index, shard_count;
	/* Options and thresholds every entry starts from; the suite's "defaults"
	 * and then the entry's own fields override them. input/ref are unused. */
	struct uhd_check_params base;
	const char *report_path; /* one JSON report for the shard (default NULL) */
	const char *junit_path;  /* one JUnit file, a testsuite per entry (default NULL) */
};

struct uhd_suite_result {
	int entries, run, passed, failed, errored; /* failed: thresholds or mismatches */
	int first_error; /* negative errno of the first entry that errored */
	enum uhd_stage first_error_stage;
	unsigned validation_messages;
	bool interrupted;
	bool bad_suite;    /* the suite file is missing or malformed (nothing ran) */
	char message[512]; /* what went wrong first, for people */
};

/* Returns 0 when the shard ran (see result for pass/fail/error counts),
 * -EINVAL for a malformed or missing suite file (result->bad_suite) or a bad
 * shard, -EINTR when cancelled (reports are written and marked incomplete), or
 * -errno when a report cannot be written. */
UHD_API int uhd_suite_run(const struct uhd_suite_params *params, struct uhd_suite_result *result);

#ifdef __cplusplus
}
#endif

#endif
