/* SPDX-License-Identifier: MIT */
/*
 * Live Vulkan object count (uhd_vulkan_objects_live): every object uhdpipe
 * creates is destroyed again, on success and on a failed creation, so the count
 * returns to where it was after each object and to 0 after the context. The
 * soak run (tests/soak.c) relies on this count being exact.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "uhdpipe/uhdpipe.h"

/* The 5th Vulkan memory allocation of the process fails (test hook, read once):
 * it falls inside the first converter, whose partial set-up must be undone. */
#define FAILING_ALLOCATION "5"

static struct uhd_stream_info hdr10_1080p(void)
{
	struct uhd_stream_info info;
	memset(&info, 0, sizeof(info));
	info.width = 1920;
	info.height = 1080;
	info.bit_depth = 10;
	info.log2_chroma_w = 1;
	info.log2_chroma_h = 1;
	info.colour.primaries = 9; /* BT.2020 */
	info.colour.transfer = 16; /* PQ */
	info.colour.matrix = 9;    /* BT.2020 non-constant luminance */
	info.colour.range = UHD_RANGE_LIMITED;
	return info;
}

/* Creates a converter (or fails to) and destroys it: the count must come back. */
static void check_converter(struct uhd_context *ctx, int width, int height, bool should_work)
{
	long before = uhd_vulkan_objects_live();
	struct uhd_stream_info info = hdr10_1080p();
	struct uhd_convert_params params = UHD_CONVERT_DEFAULTS;
	params.width = width;
	params.height = height;
	struct uhd_converter *conv = NULL;
	int ret = uhd_converter_create(ctx, &info, &params, &conv);
	CHECK((ret == 0) == should_work, "converter %dx%d: ret %d", width, height, ret);
	if (ret == 0) {
		CHECK(uhd_vulkan_objects_live() > before, "converter %dx%d counted nothing", width,
		      height);
	}
	uhd_converter_destroy(&conv);
	CHECK(uhd_vulkan_objects_live() == before, "converter %dx%d: %ld live, expected %ld", width,
	      height, uhd_vulkan_objects_live(), before);
}

static void check_comparer(struct uhd_context *ctx)
{
	long before = uhd_vulkan_objects_live();
	struct uhd_compare_params params = UHD_COMPARE_DEFAULTS;
	params.width = 256;
	params.height = 256;
	params.diff_images = true;
	struct uhd_comparer *cmp = NULL;
	CHECK(uhd_comparer_create(ctx, &params, &cmp) == 0, "comparer 256x256");
	CHECK(uhd_vulkan_objects_live() > before, "comparer counted nothing");
	uhd_comparer_destroy(&cmp);
	CHECK(uhd_vulkan_objects_live() == before, "comparer: %ld live, expected %ld",
	      uhd_vulkan_objects_live(), before);
}

static void check_probe(void)
{
	struct uhd_device_description *devices = NULL;
	int count = 0;
	CHECK(uhd_probe_devices(&devices, &count) == 0, "probe");
	free(devices);
	CHECK(uhd_vulkan_objects_live() == 0, "after probe: %ld live", uhd_vulkan_objects_live());
}

/* A whole play run (its own context) leaves nothing behind. */
static void check_play(void)
{
	const char *samples = getenv("SAMPLES");
	if (!samples) {
		printf("play run not checked: SAMPLES is not set\n");
		return;
	}
	char clip[4096];
	snprintf(clip, sizeof(clip), "%s/short_1frame.mkv", samples);
	struct uhd_play_params params = UHD_PLAY_DEFAULTS;
	params.input = clip;
	struct uhd_play_result result;
	CHECK(uhd_play_run(&params, &result) == 0, "play %s", clip);
	CHECK(uhd_vulkan_objects_live() == 0, "after play: %ld live", uhd_vulkan_objects_live());
}

int main(void)
{
	setenv("UHD_FAULT_VK_ALLOC", FAILING_ALLOCATION, 1);
	CHECK(uhd_vulkan_objects_live() == 0, "at start: %ld live", uhd_vulkan_objects_live());
	struct uhd_context *ctx = NULL;
	if (uhd_context_create(NULL, &ctx) < 0) {
		printf("SKIP: no Vulkan device\n");
		return UHD_TEST_SKIP;
	}
	long context_objects = uhd_vulkan_objects_live();
	/* instance and device at least (the messenger too with validation) */
	CHECK(context_objects >= 2, "context: %ld live", context_objects);
	check_converter(ctx, 1280, 720, false); /* hits the failing allocation */
	check_converter(ctx, 1280, 720, true);  /* one stage */
	check_converter(ctx, 2560, 1440, true); /* two stages (upscale) */
	check_converter(ctx, -1, -1, false);    /* refused before any object */
	check_comparer(ctx);
	uhd_context_destroy(&ctx);
	CHECK(uhd_vulkan_objects_live() == 0, "after the context: %ld live",
	      uhd_vulkan_objects_live());
	check_probe();
	check_play();
	unsigned messages = uhd_validation_messages_total();
	CHECK(messages == 0, "%u Vulkan validation messages", messages);
	return test_finish("test_vk_objects");
}
