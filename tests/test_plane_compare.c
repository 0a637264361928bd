/* SPDX-License-Identifier: MIT */
/*
 * The plane comparer (check's YUV domain) on pictures laid out as a decoder
 * leaves them: rows on padded strides in page-aligned blocks, chroma planes in
 * the same block as luma, and junk in the padding that differs between the two
 * pictures. Read in place (zero copy) or copied, the sums of squared
 * differences must be the exact ones of the samples alone, worked out here,
 * and SSIM and MS-SSIM must not depend on the path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "quality/plane_compare.h"
#include "uhdpipe/context.h"
#include "uhdpipe/quality.h"
#include "vk/vk.h"

#define BLOCK_ALIGN 65536 /* as the decoder's page pools (source/frame_pages.h) */

struct picture {
	struct uhd_planes planes;
	uint8_t *block;
};

static uint32_t next_random(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

/* Planes of w x h luma (4:2:0 chroma) in one block, rows `pad` bytes longer than
 * their samples, padding filled with junk of its own seed. */
static int make_picture(struct picture *pic, int w, int h, int bits, int pad, uint32_t seed,
                        uint32_t junk_seed)
{
	struct uhd_planes *s = &pic->planes;
	memset(pic, 0, sizeof(*pic));
	*s = (struct uhd_planes){.count = 3, .bits = bits, .bytes = bits > 8 ? 2 : 1};
	size_t offsets[3], size = 0;
	for (int p = 0; p < 3; p++) {
		s->width[p] = p ? (w + 1) / 2 : w;
		s->height[p] = p ? (h + 1) / 2 : h;
		s->step[p] = 1;
		size_t row = (size_t)s->width[p] * (size_t)s->bytes + (size_t)pad;
		s->stride[p] = (ptrdiff_t)((row + 63) / 64 * 64);
		offsets[p] = size;
		size += (size_t)s->stride[p] * (size_t)s->height[p];
		size = (size + 255) / 256 * 256; /* each plane on a texel-buffer offset */
	}
	size = (size + BLOCK_ALIGN - 1) / BLOCK_ALIGN * BLOCK_ALIGN;
	pic->block = aligned_alloc(BLOCK_ALIGN, size);
	if (!pic->block) {
		return -1;
	}
	for (size_t i = 0; i < size; i++) {
		pic->block[i] = (uint8_t)next_random(&junk_seed);
	}
	for (int p = 0; p < 3; p++) {
		uint8_t *plane = pic->block + offsets[p];
		for (int y = 0; y < s->height[p]; y++) {
			for (int x = 0; x < s->width[p]; x++) {
				uint32_t v = next_random(&seed) & ((1u << bits) - 1u);
				uint8_t *at = plane + (size_t)y * (size_t)s->stride[p] +
				              (size_t)x * (size_t)s->bytes;
				at[0] = (uint8_t)v;
				if (s->bytes == 2) {
					at[1] = (uint8_t)(v >> 8);
				}
			}
		}
		s->data[p] = plane;
		s->block[p] = pic->block;
		s->block_size[p] = size;
	}
	return 0;
}

static uint64_t sample(const struct uhd_planes *s, int p, int x, int y)
{
	const uint8_t *at = s->data[p] + (ptrdiff_t)y * s->stride[p] + x * s->bytes;
	return s->bytes == 2 ? (uint64_t)(at[0] | at[1] << 8) : at[0];
}

static uint64_t exact_sse(const struct uhd_planes *a, const struct uhd_planes *b, int p)
{
	uint64_t sum = 0;
	for (int y = 0; y < a->height[p]; y++) {
		for (int x = 0; x < a->width[p]; x++) {
			int64_t d = (int64_t)sample(a, p, x, y) - (int64_t)sample(b, p, x, y);
			sum += (uint64_t)(d * d);
		}
	}
	return sum;
}

static void without_blocks(struct uhd_planes *s)
{
	for (int p = 0; p < 3; p++) {
		s->block[p] = NULL;
	}
}

static void compare_both_ways(struct uhd_context *ctx, int w, int h, int bits, int pad)
{
	struct picture ref, test;
	if (make_picture(&ref, w, h, bits, pad, 1, 7) < 0 ||
	    make_picture(&test, w, h, bits, pad, 2, 99) < 0) {
		CHECK(0, "out of memory");
		return;
	}
	unsigned luma =
	        w >= 161 && h >= 161 ? UHD_METRIC_SSIM | UHD_METRIC_MSSSIM : UHD_METRIC_SSIM;
	struct uhd_plane_comparer *cmp = NULL;
	int ret = uhd_plane_comparer_create(ctx, &ref.planes, luma, &cmp);
	CHECK(ret == 0, "%dx%d %d-bit: comparer: %d", w, h, bits, ret);
	struct uhd_plane_metrics in_place = {0}, copied = {0};
	ret = ret ? ret : uhd_plane_comparer_run(cmp, &ref.planes, &test.planes, &in_place);
	CHECK(ret == 0, "%dx%d %d-bit: run in place: %d", w, h, bits, ret);
	CHECK(in_place.zero_copy == ctx->host_import,
	      "%dx%d %d-bit: decoder-shaped planes read in place %d, the device imports host "
	      "memory %d",
	      w, h, bits, in_place.zero_copy, ctx->host_import);
	without_blocks(&test.planes);
	ret = ret ? ret : uhd_plane_comparer_run(cmp, &ref.planes, &test.planes, &copied);
	CHECK(ret == 0 && !copied.zero_copy, "%dx%d %d-bit: run copied: %d, zero copy %d", w, h,
	      bits, ret, copied.zero_copy);
	for (int p = 0; ret == 0 && p < 3; p++) {
		uint64_t want = exact_sse(&ref.planes, &test.planes, p);
		CHECK(in_place.sse[p] == want,
		      "%dx%d %d-bit plane %d, read in place: sse %llu, exact %llu (padding junk "
		      "counted?)",
		      w, h, bits, p, (unsigned long long)in_place.sse[p], (unsigned long long)want);
		CHECK(copied.sse[p] == want, "%dx%d %d-bit plane %d, copied: sse %llu, exact %llu",
		      w, h, bits, p, (unsigned long long)copied.sse[p], (unsigned long long)want);
	}
	CHECK(ret != 0 || in_place.ssim == copied.ssim,
	      "%dx%d %d-bit: SSIM read in place %.10g, copied %.10g", w, h, bits, in_place.ssim,
	      copied.ssim);
	CHECK(ret != 0 || !(luma & UHD_METRIC_MSSSIM) || in_place.msssim == copied.msssim,
	      "%dx%d %d-bit: MS-SSIM read in place %.10g, copied %.10g", w, h, bits,
	      in_place.msssim, copied.msssim);
	uhd_plane_comparer_destroy(&cmp);
	free(ref.block);
	free(test.block);
}

int main(void)
{
	struct uhd_context_params cp = UHD_CONTEXT_DEFAULTS;
	cp.validation = true;
	struct uhd_context *ctx = NULL;
	if (uhd_context_create(&cp, &ctx) < 0) {
		printf("SKIP: no Vulkan device\n");
		return UHD_TEST_SKIP;
	}
	/* Rows ending inside a texel (37 samples: 37 or 74 bytes), whole texels (64),
	 * odd chroma, a plane large enough for MS-SSIM. */
	const int sizes[][2] = {{37, 23}, {64, 16}, {161, 163}, {200, 171}};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (int bits = 8; bits <= 12; bits += 2) {
			compare_both_ways(ctx, sizes[i][0], sizes[i][1], bits, 9);
		}
	}
	uhd_context_destroy(&ctx);
	unsigned messages = uhd_validation_messages_total();
	CHECK(messages == 0, "%u Vulkan validation messages", messages);
	return test_finish("test_plane_compare");
}
