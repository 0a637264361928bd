/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the reference PNG loader (libpng, cICP/mDCV/cLLI chunks). */
#include <stdio.h>
#include <stdlib.h>

#include "../../pipeline/engine/png_load.h"
#include "fuzz_common.h"

static char path[64];
static volatile uint8_t sink; /* keeps the row reads below from being optimised out */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init_logging();
	snprintf(path, sizeof(path), "/tmp/uhd-fuzz-png-%d.png", (int)getpid());
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_write_file(path, data, size) != 0) {
		abort(); /* the harness itself failed: not an input's fault */
	}
	struct uhd_png_picture picture;
	if (uhd_png_load(path, &picture) == 0) {
		/* touch every row the loader claims to have filled */
		const struct uhd_image *im = &picture.image;
		for (int y = 0; y < im->height; y++) {
			sink ^= im->data[(size_t)y * im->stride + im->stride - 1];
		}
	}
	uhd_png_picture_finish(&picture);
	return 0;
}
