/* SPDX-License-Identifier: MIT */
/*
 * uhdpipe: the whole play run (source -> GPU convert -> presenter -> report)
 * behind one call, as `uhdpipe play` uses it.
 */
#ifndef UHDPIPE_PLAY_H
#define UHDPIPE_PLAY_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "convert.h"
#include "present.h"

#ifdef __cplusplus
extern "C" {
#endif

struct uhd_play_params {
	const char *input; /* clip, PNG file or folder of PNGs (required) */
	const char
	        *output; /* presenter spec: "png:DIR", "kms[:CONNECTOR]", "null" (default "null") */
	struct uhd_display_params display; /* for kms (see present.h) */
	/* png:DIR: replace uhdpipe's frame-*.png in a folder that holds files
	 * (default false: such a folder is refused; see uhd_presenter_params). */
	bool overwrite;
	struct uhd_convert_params convert; /* default UHD_CONVERT_DEFAULTS */
	int64_t start;  /* decoded frames skipped before the first output (default 0) */
	int64_t frames; /* frames to output; -1 = to the end (default -1) */
	/* Turn the picture as the clip's display matrix says (convert.orientation
	 * is then set from uhd_stream_info.display, and convert.width/height are
	 * the turned size). false: as coded, with a warning when the clip has a
	 * turn (default false). */
	bool rotate;
	const char *device;      /* see uhd_context_params.device (default NULL) */
	bool validation;         /* Vulkan validation layer (default false) */
	const char *report_path; /* JSON report; NULL = none (default NULL) */
	bool progress;           /* frame/fps line on stderr (default false) */
	/* Write the report as the refs.json of a reference set (`uhdpipe refs`):
	 * tool "uhdpipe refs", the input file's checksum and each frame's file
	 * (default false). */
	bool reference_set;
	/* true: the first decoding error fails the run (input stage), as in
	 * `uhdpipe check`. false: errors are concealed and counted, every frame's
	 * damage goes into the report and the run goes on (default false).
	 * Reference sets are always decoded strictly: a concealed picture is no
	 * reference. */
	bool strict;
	/* Hardware decoding (see uhd_source_params.hwaccel; default none). */
	enum uhd_hwaccel hwaccel;
	/* Frames on the GPU at once, 1 to UHD_CONVERT_MAX_IN_FLIGHT: the next frame
	 * is uploaded and queued while the GPU converts the previous one, and a
	 * finished frame is checksummed and presented while the next converts.
	 * Each one more holds another set of upload buffers and another output
	 * image. 0 = auto: 2 on a GPU, 1 on a CPU implementation (lavapipe),
	 * whose conversion runs on the decoder's cores, so a second frame would
	 * only cost memory (default 0; convert.frames_in_flight is not used). */
	int frames_in_flight;
	/* Seconds each image of a PNG input (a file or a folder of PNGs, shown in
	 * name order) is shown on a display (default 1). */
	double image_duration;
	/* Checked between frames; when it becomes non-zero the run stops early
	 * and returns -EINTR (default NULL). */
	volatile sig_atomic_t *cancel;
};

#define UHD_PLAY_DEFAULTS                                                                          \
	((struct uhd_play_params){.output = "null",                                                \
	                          .display = {.format = "auto", .hdr = "auto"},                    \
	                          .convert = UHD_CONVERT_DEFAULTS,                                 \
	                          .start = 0,                                                      \
	                          .frames = -1,                                                    \
	                          .image_duration = 1.0})

struct uhd_play_result {
	int64_t frames_out;
	double seconds; /* wall time of the frame loop */
	double fps;
	enum uhd_stage failed_stage;
	unsigned validation_messages;
	char output_location[4096]; /* where frames went, "" for null */
	char device[256];           /* Vulkan device that converted the frames */
	int64_t frames_corrupt;     /* output frames that may be wrong (lenient decoding) */
	int64_t decode_errors;      /* decoding errors counted in the run (lenient decoding) */
};

UHD_API int uhd_play_run(const struct uhd_play_params *params, struct uhd_play_result *result);

#ifdef __cplusplus
}
#endif

#endif
