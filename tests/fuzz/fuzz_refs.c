/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a reference folder's refs.json, as `uhdpipe check --ref DIR` reads it. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../../pipeline/engine/frames.h"
#include "fuzz_common.h"

static char dir[64], file[96];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init_logging();
	snprintf(dir, sizeof(dir), "/tmp/uhd-fuzz-refs-%d", (int)getpid());
	snprintf(file, sizeof(file), "%s/refs.json", dir);
	mkdir(dir, 0700);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_write_file(file, data, size) != 0) {
		abort();
	}
	struct uhd_render_options options = {.convert = UHD_CONVERT_DEFAULTS, .frames = -1};
	struct uhd_frames *frames = NULL;
	if (uhd_frames_open(dir, NULL, &options, &frames, NULL) == 0) {
		/* the listed PNGs do not exist: reading the first one must fail cleanly */
		const struct uhd_image *image;
		struct uhd_frame_meta meta;
		uhd_frames_next(frames, &image, &meta);
	}
	uhd_frames_close(&frames);
	return 0;
}
