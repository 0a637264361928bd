/* SPDX-License-Identifier: MIT */
/* Control commands of a pattern run and their JSON answers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/json.h"
#include "run_state.h"

void uhd_run_select(struct pattern_run *run, int entry)
{
	uhd_pattern_destroy(&run->manual);
	run->entry = entry;
	run->entry_frames = 0;
	run->at_end = false;
	run->generation++;
	run->changed = true;
}

/* The run's state as a JSON object, shared by every success answer. */
static void write_state(const struct pattern_run *run, struct uhd_json *json)
{
	char checksum[17];
	snprintf(checksum, sizeof(checksum), "%016llx", (unsigned long long)run->checksum);
	uhd_json_bool(json, "ok", true);
	uhd_json_string(json, "pattern", uhd_pattern_spec(uhd_run_current(run)));
	uhd_json_string(json, "shown_by", run->manual ? "control" : "sequence");
	uhd_json_int(json, "entry", run->entry + 1);
	uhd_json_int(json, "entries", run->sequence->count);
	uhd_json_bool(json, "held", run->held);
	uhd_json_int(json, "frame", run->frame - 1);
	uhd_json_string(json, "checksum", run->shown_generation == run->generation ? checksum : "");
}

static void answer(struct pattern_run *run, int client, const char *error)
{
	char *text = NULL;
	size_t size = 0;
	FILE *memory = open_memstream(&text, &size);
	if (!memory) {
		uhd_control_reply_error(run->control, client, "out of memory");
		return;
	}
	struct uhd_json json;
	uhd_json_init(&json, memory, false);
	uhd_json_object_begin(&json, NULL);
	if (error) {
		uhd_json_bool(&json, "ok", false);
		uhd_json_string(&json, "error", error);
	} else {
		write_state(run, &json);
	}
	uhd_json_object_end(&json);
	if (fclose(memory) == 0) {
		uhd_control_reply(run->control, client, text);
	}
	free(text);
}

/* Answers after the frame that shows the change has been presented. */
static void answer_later(struct pattern_run *run, int client)
{
	if (run->pending_count == RUN_PENDING_MAX) {
		answer(run, client, NULL);
		return;
	}
	run->pending[run->pending_count++] = client;
}

void uhd_run_refuse_pending(struct pattern_run *run)
{
	for (int i = 0; i < run->pending_count; i++) {
		answer(run, run->pending[i], "the run ended before the change was shown");
	}
	run->pending_count = 0;
}

void uhd_run_answer_pending(struct pattern_run *run)
{
	for (int i = 0; i < run->pending_count; i++) {
		answer(run, run->pending[i], NULL);
	}
	run->pending_count = 0;
}

static void show(struct pattern_run *run, const struct uhd_control_command *command)
{
	char error[1024];
	struct uhd_pattern *pattern = NULL;
	if (uhd_pattern_parse(command->argument, &run->params->format, &pattern, error,
	                      sizeof(error)) < 0) {
		answer(run, command->client, error); /* the last good pattern stays up */
		return;
	}
	uhd_pattern_destroy(&run->manual);
	run->manual = pattern;
	run->generation++;
	run->changed = true;
	answer_later(run, command->client);
}

static void step(struct pattern_run *run, const struct uhd_control_command *command, int delta)
{
	/* After `show`, previous returns to the entry the sequence was at. */
	int count = run->sequence->count;
	int target = run->manual && delta < 0 ? run->entry : run->entry + delta;
	if (target < 0 || target >= count) {
		if (!run->sequence->loop) {
			answer(run, command->client,
			       delta > 0 ? "already at the last entry of the sequence"
			                 : "already at the first entry of the sequence");
			return;
		}
		target = (target + count) % count;
	}
	uhd_run_select(run, target);
	answer_later(run, command->client);
}

void uhd_run_command(struct pattern_run *run, const struct uhd_control_command *command)
{
	switch (command->verb) {
	case UHD_CONTROL_SHOW: show(run, command); return;
	case UHD_CONTROL_NEXT: step(run, command, 1); return;
	case UHD_CONTROL_PREVIOUS: step(run, command, -1); return;
	case UHD_CONTROL_HOLD:
	case UHD_CONTROL_RESUME:
		run->held = command->verb == UHD_CONTROL_HOLD;
		answer(run, command->client, NULL);
		return;
	case UHD_CONTROL_STATUS: answer(run, command->client, NULL); return;
	case UHD_CONTROL_QUIT:
		answer(run, command->client, NULL);
		run->finished = true;
		return;
	}
}

int uhd_run_log_change(struct pattern_run *run)
{
	if (run->log_count == RUN_LOG_MAX) {
		run->log_dropped++;
		return 0;
	}
	if (run->log_count % 64 == 0) {
		void *grown = realloc(run->log, (size_t)(run->log_count + 64) * sizeof(*run->log));
		if (!grown) {
			return -ENOMEM;
		}
		run->log = grown;
	}
	struct pattern_change *change = &run->log[run->log_count++];
	change->frame = run->frame;
	change->entry = run->manual ? -1 : run->entry;
	snprintf(change->spec, sizeof(change->spec), "%s", uhd_pattern_spec(uhd_run_current(run)));
	snprintf(change->notes, sizeof(change->notes), "%s",
	         uhd_pattern_notes(uhd_run_current(run)));
	change->checksum = run->checksum;
	return 0;
}
