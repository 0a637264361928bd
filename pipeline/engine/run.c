/* SPDX-License-Identifier: MIT */
/* The shared part of every command's run (see run.h). */
#include "run.h"

#include <stdio.h>
#include <string.h>

void uhd_run_begin(struct uhd_run *run, volatile sig_atomic_t *cancel)
{
	memset(run, 0, sizeof(*run));
	run->cancel = cancel;
	run->messages_before = uhd_validation_messages_total();
}

bool uhd_run_cancelled(const struct uhd_run *run)
{
	return run->cancel && *run->cancel;
}

static volatile sig_atomic_t cancel_requested;

static void on_signal(int sig)
{
	(void)sig;
	cancel_requested = 1;
}

volatile sig_atomic_t *uhd_run_catch_signals(void)
{
	struct sigaction action = {.sa_handler = on_signal};
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
	return &cancel_requested;
}

int uhd_run_open_context(struct uhd_run *run, const char *device, bool validation)
{
	struct uhd_context_params params = UHD_CONTEXT_DEFAULTS;
	params.device = device;
	params.validation = validation;
	int ret = uhd_context_create(&params, &run->context);
	return ret < 0 ? uhd_run_fail(run, UHD_STAGE_GPU, ret, "no usable Vulkan device") : 0;
}

int uhd_run_fail(struct uhd_run *run, enum uhd_stage stage, int ret, const char *what)
{
	if (!run->failed) {
		run->failed = true;
		run->failed_stage = stage;
		snprintf(run->error, sizeof(run->error), "%s (%s)", what, strerror(-ret));
	}
	return ret;
}

unsigned uhd_run_end(struct uhd_run *run)
{
	uhd_context_destroy(&run->context);
	return uhd_validation_messages_total() - run->messages_before;
}
