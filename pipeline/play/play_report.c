/* SPDX-License-Identifier: MIT */
/* Writing the play report as JSON (schema in docs/reports.md, "Play report"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "../colour/tonemap.h"
#include "../common/log.h"
#include "../common/atomic_file.h"
#include "../common/json.h"
#include "../present/presenter.h"
#include "play_report.h"

int uhd_play_report_add(struct uhd_play_report *report, const struct uhd_frame_record *record,
                        const struct uhd_hdr10plus *hdr10plus)
{
	struct uhd_hdr10plus *copy = NULL;
	if (hdr10plus && !(copy = malloc(sizeof(*copy)))) {
		return -ENOMEM;
	}
	if (copy) {
		*copy = *hdr10plus;
	}
	if (report->frame_count == report->frame_capacity) {
		int64_t capacity = report->frame_capacity ? report->frame_capacity * 2 : 64;
		void *frames = realloc(report->frames, (size_t)capacity * sizeof(*record));
		if (!frames) {
			free(copy);
			return -ENOMEM;
		}
		report->frames = frames;
		report->frame_capacity = capacity;
	}
	report->frames[report->frame_count] = *record;
	report->frames[report->frame_count++].hdr10plus = copy;
	return 0;
}

void uhd_play_report_free(struct uhd_play_report *report)
{
	for (int64_t i = 0; i < report->frame_count; i++) {
		free(report->frames[i].hdr10plus);
	}
	free(report->frames);
	report->frames = NULL;
	report->frame_count = report->frame_capacity = 0;
}

static void write_options(struct uhd_json *json, const struct uhd_play_report *report)
{
	const struct uhd_play_params *p = report->params;
	uhd_json_object_begin(json, "options");
	uhd_json_string(json, "output", p->output);
	uhd_json_int(json, "width", report->width);
	uhd_json_int(json, "height", report->height);
	uhd_json_string(json, "scaler", uhd_scaler_name(p->convert.scaler));
	uhd_json_int(json, "start", p->start);
	uhd_json_int(json, "frames", p->frames);
	uhd_json_string(json, "rotate", p->rotate ? "auto" : "none");
	uhd_json_string(json, "device", p->device ? p->device : "");
	uhd_json_string(json, "decoding", report->strict ? "strict" : "lenient");
	if (report->frames_in_flight > 0) {
		uhd_json_int(json, "frames_in_flight", report->frames_in_flight);
	}
	if (p->convert.target.transfer != UHD_TARGET_SOURCE) {
		uhd_tonemap_json(json, "target", report->info ? &report->info->colour : NULL,
		                 &p->convert.target);
	}
	uhd_json_object_end(json);
}

static void write_frame(struct uhd_json *json, const struct uhd_frame_record *f, bool refs)
{
	char checksum[17];
	snprintf(checksum, sizeof(checksum), "%016llx", (unsigned long long)f->checksum);
	uhd_json_object_begin(json, NULL);
	uhd_json_int(json, "index", f->index);
	uhd_json_int(json, "decoded_index", f->decoded_index);
	/* Unknown times are null, as check's reports write them. */
	if (f->pts == INT64_MIN) {
		uhd_json_null(json, "pts");
		uhd_json_null(json, "time_s");
	} else {
		uhd_json_int(json, "pts", f->pts);
		uhd_json_double(json, "time_s", f->time_s);
	}
	uhd_json_string(json, "checksum_xxh3", checksum);
	uhd_json_int(json, "decode_errors", f->decode_errors);
	uhd_json_bool(json, "corrupt", f->corrupt);
	uhd_json_hdr10plus(json, "hdr10plus", f->hdr10plus);
	if (refs) {
		char file[32];
		snprintf(file, sizeof(file), "frame-%06lld.png", (long long)f->index);
		uhd_json_string(json, "file", file);
	}
	uhd_json_object_begin(json, "ms");
	uhd_json_double(json, "decode", f->decode_ms);
	uhd_json_double(json, "upload", f->upload_ms);
	uhd_json_double(json, "gpu", f->gpu_ms);
	uhd_json_double(json, "checksum", f->checksum_ms);
	uhd_json_double(json, "present", f->present_ms);
	uhd_json_object_end(json);
	uhd_json_object_end(json);
}

static void write_totals(struct uhd_json *json, const struct uhd_play_report *report)
{
	double sums[5] = {0};
	int64_t corrupt = 0, zero_copy = 0;
	for (int64_t i = 0; i < report->frame_count; i++) {
		const struct uhd_frame_record *f = &report->frames[i];
		corrupt += f->corrupt;
		zero_copy += f->zero_copy;
		sums[0] += f->decode_ms;
		sums[1] += f->upload_ms;
		sums[2] += f->gpu_ms;
		sums[3] += f->checksum_ms;
		sums[4] += f->present_ms;
	}
	uhd_json_object_begin(json, "totals");
	uhd_json_int(json, "frames", report->frame_count);
	uhd_json_int(json, "frames_corrupt", corrupt);
	/* Frames whose planes the GPU read where the decoder wrote them. */
	uhd_json_int(json, "frames_zero_copy", zero_copy);
	uhd_json_int(json, "decode_errors", report->decode_errors);
	uhd_json_double(json, "seconds", report->seconds);
	uhd_json_double(json, "fps",
	                report->seconds > 0 ? report->frame_count / report->seconds : 0.0);
	uhd_json_object_begin(json, "stage_ms");
	static const char *names[5] = {"decode", "upload", "gpu", "checksum", "present"};
	for (int i = 0; i < 5; i++) {
		uhd_json_double(json, names[i], sums[i]);
	}
	uhd_json_object_end(json);
	uhd_json_object_end(json);
}

/* What a reference set was recorded from: the clip's name, size and checksum. */
static void write_input_file(struct uhd_json *json, const char *path)
{
	XXH3_state_t state;
	XXH3_INITSTATE(&state);
	XXH3_64bits_reset(&state);
	FILE *file = fopen(path, "rb");
	uint8_t buffer[1 << 16];
	size_t got, total = 0;
	while (file && (got = fread(buffer, 1, sizeof(buffer), file)) > 0) {
		XXH3_64bits_update(&state, buffer, got);
		total += got;
	}
	bool ok = file && !ferror(file);
	if (file) {
		fclose(file);
	}
	const char *slash = strrchr(path, '/');
	char hex[17];
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)XXH3_64bits_digest(&state));
	uhd_json_object_begin(json, "input_file");
	uhd_json_string(json, "name", slash ? slash + 1 : path);
	uhd_json_int(json, "bytes", (int64_t)total);
	ok ? uhd_json_string(json, "checksum_xxh3", hex) : uhd_json_null(json, "checksum_xxh3");
	uhd_json_object_end(json);
}

static void write_report(FILE *file, const struct uhd_play_report *report)
{
	struct uhd_json json;
	uhd_json_init(&json, file, true);
	uhd_json_object_begin(&json, NULL);
	bool refs = report->params->reference_set;
	uhd_json_header(&json, refs ? "uhdpipe refs" : "uhdpipe play");
	uhd_json_bool(&json, "complete", report->complete);
	if (report->error) {
		uhd_json_string(&json, "error", report->error);
	} else {
		uhd_json_null(&json, "error");
	}
	if (report->info) {
		uhd_json_stream_info(&json, "input", report->params->input, report->info);
		if (refs) {
			write_input_file(&json, report->params->input);
		}
	} else {
		uhd_json_object_begin(&json, "input"); /* the input could not be opened */
		uhd_json_string(&json, "path", report->params->input);
		uhd_json_object_end(&json);
	}
	write_options(&json, report);
	uhd_json_object_begin(&json, "output");
	uhd_json_string(&json, "presenter", report->presenter);
	uhd_json_string(&json, "location", report->location);
	uhd_json_int(&json, "width", report->width);
	uhd_json_int(&json, "height", report->height);
	uhd_json_int(&json, "bits", report->bits);
	uhd_json_string(&json, "device", report->device);
	if (report->frame_count > 0) {
		uhd_json_colour(&json, "colour", &report->colour);
	}
	uhd_presenter_report(report->presenter_handle, &json);
	uhd_json_object_end(&json);
	uhd_json_array_begin(&json, "frames");
	for (int64_t i = 0; i < report->frame_count; i++) {
		write_frame(&json, &report->frames[i], report->params->reference_set);
	}
	uhd_json_array_end(&json);
	write_totals(&json, report);
	uhd_json_object_end(&json);
}

int uhd_play_report_write(const struct uhd_play_report *report, const char *path)
{
	struct uhd_atomic_file f;
	int ret = uhd_atomic_open(&f, path, "report");
	if (ret < 0) {
		return ret;
	}
	write_report(f.file, report);
	return uhd_atomic_commit(&f, "report");
}
