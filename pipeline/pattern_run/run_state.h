/* SPDX-License-Identifier: MIT */
/* State of a pattern run shared by its parts: the frame loop (run.c), the
 * control commands (run_control.c) and the report (run_report.c). */
#ifndef UHD_INTERNAL_RUN_STATE_H
#define UHD_INTERNAL_RUN_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "../engine/run.h"
#include "../pattern/control.h"
#include "run.h"
#include "../pattern/sequence.h"

/* One pattern change: from `frame` on, `spec` was shown. */
struct pattern_change {
	int64_t frame;
	int entry; /* sequence entry (from 0), -1 for a pattern shown by `show` */
	char spec[1024];
	char notes[256]; /* derived facts (pixels per code of a ramp...) */
	uint64_t checksum;
};

#define RUN_LOG_MAX     10000 /* changes kept for the report; later ones are counted */
#define RUN_PENDING_MAX 16

struct pattern_run {
	const struct uhd_pattern_run_params *params;
	struct uhd_pattern_run_result *result;
	struct uhd_run base; /* the context, the first failure, the validation count */
	struct uhd_pattern_renderer *renderer;
	struct uhd_presenter *presenter;
	struct uhd_control *control;
	struct uhd_sequence *sequence;
	struct uhd_pattern *manual; /* shown by a `show` command, over the sequence */
	int entry;                  /* current sequence entry */
	int64_t entry_frames;       /* frames the entry has been shown */
	bool held;                  /* by `hold`, until `resume` */
	bool at_end; /* the last entry of a sequence that does not loop, under control */
	bool finished, changed;
	uint64_t generation, shown_generation; /* the current pattern's, the image's */
	struct uhd_image image;
	uint64_t checksum;
	int64_t frame; /* the next frame's index */
	struct pattern_change *log;
	int64_t log_count, log_dropped;
	int pending[RUN_PENDING_MAX]; /* clients waiting for the frame of a change */
	int pending_count;
	unsigned validation_messages; /* of the run's context, before it is destroyed */
};

const struct uhd_pattern *uhd_run_current(const struct pattern_run *run);
/* Makes sequence entry `entry` current (dropping a shown pattern). */
void uhd_run_select(struct pattern_run *run, int entry);
/* Carries out one control command and answers it (some answers wait for the
 * frame that shows the change: uhd_run_answer_pending). */
void uhd_run_command(struct pattern_run *run, const struct uhd_control_command *command);
void uhd_run_answer_pending(struct pattern_run *run);
/* Every command gets an answer: those still waiting when the run ends get an error. */
void uhd_run_refuse_pending(struct pattern_run *run);
int uhd_run_log_change(struct pattern_run *run);
/* Writes the JSON report of the run, complete or not (ret: the run's result). */
int uhd_run_write_report(struct pattern_run *run, int ret);

#endif
