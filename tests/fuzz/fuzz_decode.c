/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the decode -> GPU convert path on mutated small clips.
 * A clip is opened leniently (the superset of the strict path: damaged frames
 * are delivered with their damage), up to a few frames are decoded and each
 * is converted on the GPU (lavapipe) to a small output. The Vulkan context
 * lives for the whole run; a converter is reused while the stream's geometry
 * stays the same, since building one compiles pipelines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "uhdpipe/context.h"
#include "uhdpipe/convert.h"
#include "uhdpipe/source.h"

#define MAX_FRAMES 4

static char path[64];
static struct uhd_context *context;
static struct uhd_converter *converter;
static struct uhd_stream_info converter_info;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init_logging();
	snprintf(path, sizeof(path), "/tmp/uhd-fuzz-decode-%d", (int)getpid());
	struct uhd_context_params params = UHD_CONTEXT_DEFAULTS;
	if (uhd_context_create(&params, &context) < 0) {
		abort(); /* no Vulkan device: the harness cannot run */
	}
	return 0;
}

static bool same_geometry(const struct uhd_stream_info *a, const struct uhd_stream_info *b)
{
	return a->width == b->width && a->height == b->height && a->bit_depth == b->bit_depth &&
	       a->log2_chroma_w == b->log2_chroma_w && a->log2_chroma_h == b->log2_chroma_h &&
	       a->colour.matrix == b->colour.matrix && a->colour.range == b->colour.range &&
	       a->colour.siting == b->colour.siting && a->colour.primaries == b->colour.primaries &&
	       a->colour.transfer == b->colour.transfer;
}

static int prepare_converter(const struct uhd_stream_info *info)
{
	if (converter && same_geometry(info, &converter_info)) {
		return 0;
	}
	uhd_converter_destroy(&converter);
	struct uhd_convert_params params = UHD_CONVERT_DEFAULTS;
	params.width = 32;
	params.height = 18;
	int ret = uhd_converter_create(context, info, &params, &converter);
	if (ret == 0) {
		converter_info = *info;
	}
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_write_file(path, data, size) != 0) {
		abort();
	}
	struct uhd_source_params params = UHD_SOURCE_DEFAULTS;
	params.lenient = true;
	params.threads = 1;
	struct uhd_source *source = NULL;
	if (uhd_source_open(path, &params, &source) < 0) {
		return 0;
	}
	const struct uhd_stream_info *info = uhd_source_info(source);
	/* Large pictures are valid input but make each run slow; the geometry
	 * code paths are the same at any size. */
	if ((int64_t)info->width * info->height <= 256 * 256 && prepare_converter(info) == 0) {
		const struct uhd_frame *frame = NULL;
		for (int i = 0; i < MAX_FRAMES && uhd_source_next_frame(source, &frame) == 0; i++) {
			struct uhd_image image;
			struct uhd_convert_timing timing;
			if (uhd_converter_process(converter, frame, &image, &timing) < 0) {
				break;
			}
		}
	}
	uhd_source_destroy(&source);
	return 0;
}
