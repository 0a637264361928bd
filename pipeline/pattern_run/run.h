/* SPDX-License-Identifier: MIT */
/* The `uhdpipe pattern` run: one pattern, or a sequence, rendered on the GPU and
 * presented frame after frame, optionally steered through a control socket. */
#ifndef UHD_INTERNAL_PATTERN_RUN_H
#define UHD_INTERNAL_PATTERN_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "uhdpipe/pattern.h"
#include "uhdpipe/present.h"
#include "uhdpipe/play.h"

struct uhd_pattern_run_params {
	struct uhd_pattern_format format; /* default UHD_PATTERN_FORMAT_DEFAULTS */
	const char *spec;     /* one pattern, "NAME [KEY=VALUE ...]"; or NULL with sequence */
	const char *sequence; /* sequence file (sequence.h), instead of spec */
	const char *control;  /* "unix:PATH": accept commands there (default NULL) */
	const char *output;   /* presenter spec (default "null") */
	bool overwrite;       /* png:DIR: see uhd_presenter_params (default false) */
	struct uhd_display_params display; /* for kms (see present.h) */
	double rate; /* frames per second of durations and pacing (default 60) */
	/* Frames to present; -1: a sequence to its end, one pattern until quit or
	 * interrupted (default: 1 for one pattern without control, else -1). */
	int64_t frames;
	bool realtime;                 /* present at `rate` by the clock (implied by control) */
	const char *device;            /* Vulkan device (default NULL: best) */
	bool validation;               /* Vulkan validation layer */
	const char *report_path;       /* JSON report (default NULL) */
	bool progress;                 /* pattern changes on stderr */
	volatile sig_atomic_t *cancel; /* stops the run between frames (-EINTR) */
};

struct uhd_pattern_run_result {
	int64_t frames_out;
	int64_t patterns_shown; /* pattern changes, the first one included */
	enum uhd_stage failed_stage;
	unsigned validation_messages;
	char output_location[4096];
	char device[256];
};

int uhd_pattern_run(const struct uhd_pattern_run_params *params,
                    struct uhd_pattern_run_result *result);

#endif
