/* SPDX-License-Identifier: MIT */
/*
 * What every command's run shares (play, check, pattern, bench): its Vulkan
 * context, the validation messages sent while it runs, its cancellation (a
 * flag a signal sets, read between frames), and its first failure, with the stage that gives the
 * caller its exit code and the sentence its report carries. The first failure is the one kept: what
 * follows it (draining the GPU, closing the outputs) must not hide it.
 */
#ifndef UHD_ENGINE_RUN_H
#define UHD_ENGINE_RUN_H

#include <signal.h>
#include <stdbool.h>

#include "uhdpipe/common.h"
#include "uhdpipe/context.h"

struct uhd_run {
	struct uhd_context *context;   /* NULL until uhd_run_open_context */
	volatile sig_atomic_t *cancel; /* set: stop between frames (NULL: never) */
	bool failed;
	enum uhd_stage failed_stage; /* of the first failure (may be UHD_STAGE_NONE: interrupted) */
	char error[512];             /* "what (strerror)" of the first failure, "" before */
	unsigned messages_before;    /* process-wide validation messages at the start */
};

/* Starts a run: no context, nothing failed, validation messages counted from
 * now; cancel (may be NULL) stops it. */
void uhd_run_begin(struct uhd_run *run, volatile sig_atomic_t *cancel);

/* Whether the run was asked to stop (the caller records the interrupt as its
 * failure, stage NONE, -EINTR, and winds down). */
bool uhd_run_cancelled(const struct uhd_run *run);

/* For a command line: SIGINT and SIGTERM set the flag this returns instead of
 * ending the process, so that a run stops between frames, restores the
 * display and writes its report. */
volatile sig_atomic_t *uhd_run_catch_signals(void);

/* Makes the run's context on the device asked for (an index or part of a
 * name; NULL: the default choice), with the validation layer when asked. A
 * failure is the run's: stage GPU, "no usable Vulkan device". */
int uhd_run_open_context(struct uhd_run *run, const char *device, bool validation);

/* Records a failure unless the run has one already; returns ret. */
int uhd_run_fail(struct uhd_run *run, enum uhd_stage stage, int ret, const char *what);

/* Destroys the context (after everything made on it), then returns the
 * validation messages sent since uhd_run_begin: counted after the device is
 * gone, so that objects left alive are reported too. */
unsigned uhd_run_end(struct uhd_run *run);

#endif
