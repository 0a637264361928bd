/* SPDX-License-Identifier: MIT */
/* The JSON report of a play run: input, options, per-frame records, totals. */
#ifndef UHD_INTERNAL_PLAY_REPORT_H
#define UHD_INTERNAL_PLAY_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "../source/hdr10plus.h"
#include "uhdpipe/play.h"
#include "uhdpipe/present.h"
#include "uhdpipe/source.h"

struct uhd_frame_record {
	int64_t index;         /* output frame index */
	int64_t decoded_index; /* index among all decoded frames */
	int64_t pts;
	double time_s;
	uint64_t checksum; /* XXH3-64 of the output pixel rows (no padding) */
	int decode_errors; /* counted since the previous decoded frame */
	bool corrupt;      /* the picture may be wrong (uhd_frame_damage) */
	bool zero_copy;    /* the GPU read the decoded planes in place */
	double decode_ms, upload_ms, gpu_ms, checksum_ms, present_ms;
	struct uhd_hdr10plus *hdr10plus; /* the frame's HDR10+ metadata (owned), or NULL */
};

struct uhd_play_report {
	const struct uhd_play_params *params;
	const struct uhd_stream_info *info;
	const char *device;
	const char *presenter;
	const char *location;
	const struct uhd_presenter *presenter_handle; /* for the display's part, or NULL */
	int width, height, bits;
	struct uhd_colour colour; /* of the first output frame */
	struct uhd_frame_record *frames;
	int64_t frame_count;
	int64_t frame_capacity;
	double seconds;
	bool strict;           /* decoding mode of the run */
	int frames_in_flight;  /* on the GPU at once, as the run chose it (0: not yet known) */
	int64_t decode_errors; /* all the run counted, also on skipped frames and after the last */
	bool complete;
	const char *error; /* NULL when the run succeeded */
};

/* Adds record, with a copy of hdr10plus when not NULL. */
int uhd_play_report_add(struct uhd_play_report *report, const struct uhd_frame_record *record,
                        const struct uhd_hdr10plus *hdr10plus);
/* Frees the frame records. */
void uhd_play_report_free(struct uhd_play_report *report);
/* Writes atomically: temporary file, then rename. */
int uhd_play_report_write(const struct uhd_play_report *report, const char *path);

#endif
