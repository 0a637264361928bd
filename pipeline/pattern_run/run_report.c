/* SPDX-License-Identifier: MIT */
/* The JSON report of a pattern run: the format, what was shown from which
 * frame (with the image checksum), and whether the run completed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../common/atomic_file.h"
#include "../common/json.h"
#include "../present/presenter.h"
#include "run_state.h"
#include "uhdpipe/common.h"
#include "uhdpipe/present.h"

static void write_format(struct uhd_json *json, const struct uhd_pattern_format *f)
{
	uhd_json_object_begin(json, "format");
	uhd_json_int(json, "width", f->width);
	uhd_json_int(json, "height", f->height);
	uhd_json_int(json, "bits", f->bits);
	uhd_json_string(json, "transfer", uhd_pattern_transfer_name(f->transfer));
	uhd_json_string(json, "range", f->range == UHD_RANGE_FULL ? "full" : "narrow");
	uhd_json_string(json, "primaries", uhd_primaries_name(uhd_pattern_primaries(f)));
	uhd_json_object_end(json);
}

static void write_changes(struct uhd_json *json, const struct pattern_run *run)
{
	uhd_json_array_begin(json, "shown");
	for (int64_t i = 0; i < run->log_count; i++) {
		const struct pattern_change *c = &run->log[i];
		int64_t next = i + 1 < run->log_count ? run->log[i + 1].frame : run->frame;
		char checksum[17];
		snprintf(checksum, sizeof(checksum), "%016llx", (unsigned long long)c->checksum);
		uhd_json_object_begin(json, NULL);
		uhd_json_int(json, "first_frame", c->frame);
		uhd_json_int(json, "frames", next - c->frame);
		if (c->entry >= 0) {
			uhd_json_int(json, "entry", c->entry + 1);
		} else {
			uhd_json_null(json, "entry");
		}
		uhd_json_string(json, "pattern", c->spec);
		uhd_json_string(json, "notes", c->notes);
		uhd_json_string(json, "checksum_xxh3", checksum);
		uhd_json_object_end(json);
	}
	uhd_json_array_end(json);
	uhd_json_int(json, "shown_not_listed", run->log_dropped);
}

static void write_report(FILE *file, const struct pattern_run *run, int ret)
{
	const struct uhd_pattern_run_params *p = run->params;
	struct uhd_json json;
	uhd_json_init(&json, file, true);
	uhd_json_object_begin(&json, NULL);
	uhd_json_header(&json, "uhdpipe pattern");
	uhd_json_bool(&json, "complete", ret == 0 && run->validation_messages == 0);
	uhd_json_int(&json, "validation_messages", run->validation_messages);
	uhd_json_bool(&json, "interrupted", ret == -EINTR);
	if (run->base.failed) {
		uhd_json_string(&json, "error", run->base.error);
	} else {
		uhd_json_null(&json, "error");
	}
	write_format(&json, &p->format);
	uhd_json_object_begin(&json, "source");
	p->sequence ? uhd_json_string(&json, "sequence", p->sequence)
	            : uhd_json_string(&json, "pattern", p->spec);
	uhd_json_double(&json, "rate", run->sequence ? run->sequence->rate : p->rate);
	uhd_json_bool(&json, "realtime", p->realtime || p->control);
	p->control ? uhd_json_string(&json, "control", p->control)
	           : uhd_json_null(&json, "control");
	uhd_json_object_end(&json);
	uhd_json_object_begin(&json, "output");
	uhd_json_string(&json, "presenter",
	                run->presenter ? uhd_presenter_name(run->presenter)
	                               : (p->output ? p->output : "null"));
	uhd_json_string(&json, "location", run->result->output_location);
	uhd_json_string(&json, "device", run->result->device);
	uhd_presenter_report(run->presenter, &json);
	uhd_json_object_end(&json);
	uhd_json_int(&json, "frames", run->frame);
	write_changes(&json, run);
	uhd_json_object_end(&json);
}

int uhd_run_write_report(struct pattern_run *run, int ret)
{
	struct uhd_atomic_file f;
	int err = uhd_atomic_open(&f, run->params->report_path, "report");
	if (err < 0) {
		return err;
	}
	write_report(f.file, run, ret);
	return uhd_atomic_commit(&f, "report");
}
