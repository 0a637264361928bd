/* SPDX-License-Identifier: MIT */
/* The pattern run (see run.h). Frames are numbered from 0; frame i shows the
 * pattern current at i, so a sequence gives the same frames on every output.
 * A pattern is rendered once when it becomes current and the same image is
 * presented until it changes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/checksum.h"
#include "../common/clock.h"
#include "../common/log.h"
#include "../pattern/control.h"
#include "run_state.h"
#include "../pattern/sequence.h"
#include "uhdpipe/context.h"
#include "uhdpipe/present.h"

/* The first failure is the run's (uhd_run_fail); the result says it. */
static int fail(struct pattern_run *run, enum uhd_stage stage, int ret, const char *what)
{
	uhd_run_fail(&run->base, stage, ret, what);
	run->result->failed_stage = run->base.failed_stage;
	return ret;
}

/* One pattern from the command line becomes a sequence of one entry. */
static int single_sequence(struct pattern_run *run)
{
	const struct uhd_pattern_run_params *p = run->params;
	char error[1024];
	struct uhd_sequence *seq = calloc(1, sizeof(*seq));
	struct uhd_seq_entry *entry = seq ? calloc(1, sizeof(*entry)) : NULL;
	struct uhd_pattern **patterns = entry ? calloc(1, sizeof(*patterns)) : NULL;
	if (!patterns) {
		free(seq);
		free(entry);
		return -ENOMEM;
	}
	*seq = (struct uhd_sequence){.rate = p->rate,
	                             .count = 1,
	                             .entries = entry,
	                             .pattern_count = 1,
	                             .patterns = patterns};
	run->sequence = seq;
	int ret = uhd_pattern_parse(p->spec, &p->format, &patterns[0], error, sizeof(error));
	if (ret < 0) {
		uhd_error("%s", error);
		return ret;
	}
	entry->pattern = patterns[0];
	snprintf(entry->spec, sizeof(entry->spec), "%s", uhd_pattern_spec(entry->pattern));
	entry->until_next = true; /* the run's frame count ends it */
	return 0;
}

static int load_patterns(struct pattern_run *run)
{
	const struct uhd_pattern_run_params *p = run->params;
	if (!p->sequence) {
		return single_sequence(run);
	}
	char error[1024];
	int ret = uhd_sequence_load(p->sequence, &p->format, p->rate, &run->sequence, error,
	                            sizeof(error));
	if (ret < 0) {
		uhd_error("%s", error);
		return ret;
	}
	for (int i = 0; i < run->sequence->count && !p->control; i++) {
		if (run->sequence->entries[i].until_next) {
			uhd_error("%s: entry %d is shown until 'next', which needs --control",
			          p->sequence, i + 1);
			return -EINVAL;
		}
	}
	return 0;
}

static enum uhd_stage output_stage(const struct pattern_run *run)
{
	const char *output = run->params->output ? run->params->output : "";
	return strncmp(output, "kms", 3) == 0 ? UHD_STAGE_DISPLAY : UHD_STAGE_OUTPUT;
}

static int open_stages(struct pattern_run *run)
{
	const struct uhd_pattern_run_params *p = run->params;
	int ret = load_patterns(run);
	if (ret < 0) {
		return fail(run, UHD_STAGE_INPUT, ret, "the pattern or sequence is not valid");
	}
	ret = uhd_run_open_context(&run->base, p->device, p->validation);
	if (ret < 0) {
		return fail(run, UHD_STAGE_GPU, ret, "no usable Vulkan device");
	}
	snprintf(run->result->device, sizeof(run->result->device), "%s",
	         uhd_context_limits(run->base.context)->name);
	/* The output opens before the renderer's pipelines are built: a missing
	 * display fails before any shader work (seconds on an emulated CPU). */
	struct uhd_presenter_params pp = UHD_PRESENTER_DEFAULTS;
	pp.spec = p->output ? p->output : "null";
	/* Durations count in the sequence's rate: displays pace at it too. */
	pp.fps_num = (int)lround(run->sequence->rate * 1000);
	pp.fps_den = 1000;
	pp.source_bits = p->format.bits;
	pp.cancel = p->cancel;
	pp.display = p->display;
	pp.overwrite = p->overwrite;
	pp.context = run->base.context;
	ret = uhd_presenter_open(&pp, &run->presenter);
	if (ret < 0) {
		return fail(run, output_stage(run), ret, "opening the output failed");
	}
	snprintf(run->result->output_location, sizeof(run->result->output_location), "%s",
	         uhd_presenter_location(run->presenter) ? uhd_presenter_location(run->presenter)
	                                                : "");
	ret = uhd_pattern_renderer_create(run->base.context, &p->format, &run->renderer);
	if (ret < 0) {
		return fail(run, UHD_STAGE_GPU, ret, "setting up the GPU pattern renderer failed");
	}
	if (p->control) {
		char error[512];
		ret = uhd_control_open(p->control, &run->control, error, sizeof(error));
		if (ret < 0) {
			uhd_error("%s", error);
			return fail(run, UHD_STAGE_OUTPUT, ret,
			            "the control socket cannot be opened");
		}
	}
	return 0;
}

const struct uhd_pattern *uhd_run_current(const struct pattern_run *run)
{
	return run->manual ? run->manual : run->sequence->entries[run->entry].pattern;
}

/* Renders the current pattern when it changed and logs the change. */
static int refresh(struct pattern_run *run)
{
	const struct uhd_pattern *current = uhd_run_current(run);
	if (run->shown_generation == run->generation) {
		return 0;
	}
	int ret = uhd_pattern_render(run->renderer, current, &run->image);
	if (ret < 0) {
		return fail(run, UHD_STAGE_GPU, ret, "rendering a pattern on the GPU failed");
	}
	run->shown_generation = run->generation;
	run->checksum = uhd_image_checksum(&run->image);
	run->result->patterns_shown++;
	if (run->params->progress) {
		fprintf(stderr, "frame %lld: %s\n", (long long)run->frame,
		        uhd_pattern_spec(current));
	}
	return uhd_run_log_change(run);
}

/* Moves the sequence on after a frame of the current entry. */
static void advance(struct pattern_run *run)
{
	const struct uhd_seq_entry *entry = &run->sequence->entries[run->entry];
	/* Held, shown over by `show`, or at the end: the entry's clock stands still. */
	if (run->manual || run->held || run->at_end || entry->until_next ||
	    ++run->entry_frames < entry->frames) {
		return;
	}
	if (run->entry + 1 < run->sequence->count || run->sequence->loop) {
		uhd_run_select(run, (run->entry + 1) % run->sequence->count);
	} else if (!run->control) {
		run->finished = true; /* the sequence is over */
		return;
	} else {
		run->at_end = true; /* the last pattern stays up until told */
	}
}

/* Paced by the clock here, unless the presenter waits for a display's refresh. */
static bool paced(const struct pattern_run *run)
{
	bool display = run->presenter && uhd_presenter_paces(run->presenter);
	return (run->params->realtime || run->control) && !display;
}

/* Until the next frame is due: serve the control socket, or sleep. */
static int wait_next_frame(struct pattern_run *run, double due_ms)
{
	for (;;) {
		if (uhd_run_cancelled(&run->base)) {
			return 0;
		}
		double left = paced(run) ? due_ms - uhd_now_ms() : 0;
		if (!run->control) {
			if (left > 0) {
				struct timespec ts = {
				        (time_t)(left / 1e3),
				        (long)((left - 1e3 * (time_t)(left / 1e3)) * 1e6)};
				nanosleep(&ts, NULL);
			}
			return 0;
		}
		/* Short waits so that signals and due frames are never late by much. */
		int timeout = left <= 0 ? 0 : left > 50 ? 50 : (int)left + 1;
		struct uhd_control_command command;
		int ret = uhd_control_wait(run->control, timeout, &command);
		if (ret < 0) {
			return fail(run, UHD_STAGE_OUTPUT, ret, "the control socket failed");
		}
		if (ret == 1) {
			uhd_run_command(run, &command);
			if (run->finished || run->changed) {
				return 0; /* show the change at once */
			}
		}
		if (left <= 0 || run->finished) {
			return 0;
		}
	}
}

static int frame_loop(struct pattern_run *run)
{
	const struct uhd_pattern_run_params *p = run->params;
	/* The rate the sequence counts its durations in (the file's, else --rate). */
	double period_ms = 1e3 / run->sequence->rate, start_ms = uhd_now_ms();
	int64_t limit = p->frames >= 0 ? p->frames : INT64_MAX;
	int ret = 0;
	while (!run->finished && run->frame < limit) {
		if (uhd_run_cancelled(&run->base)) {
			return fail(run, UHD_STAGE_NONE, -EINTR, "interrupted");
		}
		run->changed = false;
		uint64_t shown = run->shown_generation;
		ret = refresh(run);
		/* An unchanged pattern is shown again as it is (a display re-flips it). */
		bool same = run->frame > 0 && shown == run->shown_generation;
		ret = ret    ? ret
		      : same ? uhd_presenter_present_again(run->presenter, &run->image, run->frame)
		             : uhd_presenter_present(run->presenter, &run->image, run->frame);
		if (ret < 0) {
			return fail(run, output_stage(run), ret, "presenting a frame failed");
		}
		run->frame++;
		run->result->frames_out = run->frame;
		uhd_run_answer_pending(run); /* "frame": the one just presented */
		advance(run);
		if (run->finished || run->frame >= limit) {
			break;
		}
		ret = wait_next_frame(run, start_ms + run->frame * period_ms);
		if (ret < 0) {
			return ret;
		}
	}
	return 0;
}

static void close_stages(struct pattern_run *run)
{
	if (run->control) {
		uhd_run_refuse_pending(run);
	}
	uhd_control_close(&run->control);
	uhd_presenter_destroy(&run->presenter);
	uhd_pattern_renderer_destroy(&run->renderer);
	uhd_pattern_destroy(&run->manual);
	uhd_sequence_destroy(&run->sequence);
	free(run->log);
}

int uhd_pattern_run(const struct uhd_pattern_run_params *params,
                    struct uhd_pattern_run_result *result)
{
	memset(result, 0, sizeof(*result));
	struct pattern_run run = {.params = params, .result = result, .generation = 1};
	uhd_run_begin(&run.base, params->cancel);
	int ret = params->rate > 0 && params->rate <= 1000 ? 0 : -EINVAL;
	if (ret < 0) {
		uhd_error("a frame rate of %g is out of range 0..1000", params->rate);
		fail(&run, UHD_STAGE_INPUT, ret, "bad frame rate");
	}
	ret = ret ? ret : open_stages(&run);
	ret = ret ? ret : frame_loop(&run);
	/* The last frame on screen and the display restored before the report. */
	int finished = uhd_presenter_finish(run.presenter);
	if (finished < 0 && ret == 0) {
		ret = fail(&run, output_stage(&run), finished, "showing the last frame failed");
	}
	/* Failures were logged where they happened; run.error goes to the report. */
	/* Validation messages decide the exit code: the report must not call such
	 * a run complete. */
	run.validation_messages =
	        run.base.context ? uhd_context_validation_messages(run.base.context) : 0;
	int report = params->report_path ? uhd_run_write_report(&run, ret) : 0;
	close_stages(&run);
	result->validation_messages = uhd_run_end(&run.base);
	if (ret == 0 && report < 0) {
		result->failed_stage = UHD_STAGE_OUTPUT;
		ret = report;
	}
	return ret;
}
