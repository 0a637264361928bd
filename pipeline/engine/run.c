/* SPDX-License-Identifier: MIT */
/* The shared part of every command's run (see run.h). */
#include "run.h"

#include <stdio.h>
#include <string.h>

void uhd_run_begin(struct uhd_run *run)
{
	memset(run, 0, sizeof(*run));
	run->messages_before = uhd_validation_messages_total();
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
