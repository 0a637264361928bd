/* SPDX-License-Identifier: MIT */
/*
 * GPU packing into scanout formats (pipeline/present/kms/gpu_pack.h) against the CPU's
 * uhd_pack_image, byte for byte: every format, 8-bit pictures and 16-bit ones
 * with 10, 12 and 16 significant bits, odd sizes, a tight and a padded pitch.
 * Pictures are random (fixed seed) with zeros and full-scale samples mixed in,
 * plus one that holds every 16-bit code (every half float, every dither
 * threshold); one 7680x2920 xrgb16161616 picture passes lavapipe's 128 MiB
 * storage-buffer range, so its destination goes in bands. Both destinations
 * start filled with the same byte, so padding that either touches differs too.
 * A failure names the case and the first pixel that differs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "present/kms/gpu_pack.h"
#include "present/kms/pack.h"
#include "vk/vk.h"
#include "uhdpipe/uhdpipe.h"

#define FILL 0xa5

struct depth {
	int bits, significant_bits;
};

static const struct depth depths[] = {{8, 0}, {16, 10}, {16, 12}, {16, 16}};

static uint32_t next_random(uint32_t *state)
{
	/* xorshift32: the same pictures on every run and machine. */
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

static void put_sample(uint8_t *data, int bits, size_t index, uint32_t value)
{
	if (bits == 8) {
		data[index] = (uint8_t)value;
	} else {
		data[2 * index] = (uint8_t)(value >> 8);
		data[2 * index + 1] = (uint8_t)value;
	}
}

/* Random samples, every 7th zero and every 11th full scale; or with
 * all_codes, sample (x, y) of R is y * width + x and G, B other orders of it. */
static uint8_t *make_picture(int width, int height, int bits, bool all_codes, uint32_t *seed,
                             struct uhd_image *image)
{
	size_t stride = (size_t)width * 3 * (size_t)(bits / 8) + 5; /* rows with padding */
	uint8_t *data = malloc(stride * (size_t)height);
	if (!data) {
		return NULL;
	}
	uint32_t max = bits == 8 ? 0xff : 0xffff;
	for (int y = 0; y < height; y++) {
		uint8_t *row = data + (size_t)y * stride;
		for (size_t i = 0; i < (size_t)width * 3; i++) {
			uint32_t code = (uint32_t)y * (uint32_t)width + (uint32_t)(i / 3);
			uint32_t value = next_random(seed);
			if (all_codes) {
				value = i % 3 == 0 ? code : i % 3 == 1 ? ~code : code * 40503u;
			} else if (value % 7 == 0) {
				value = 0;
			} else if (value % 11 == 0) {
				value = max;
			}
			put_sample(row, bits, i, value & max);
		}
	}
	*image = (struct uhd_image){
	        .width = width,
	        .height = height,
	        .bits = bits,
	        .channels = 3,
	        .stride = stride,
	        .data = data,
	};
	return data;
}

static void print_difference(const struct uhd_scanout_format *format, const struct uhd_image *in,
                             size_t pitch, const uint8_t *expected, const uint8_t *got, size_t at)
{
	int bpp = format->bytes_per_pixel;
	size_t y = at / pitch, x = at % pitch / (size_t)bpp;
	if (x >= (size_t)in->width) {
		fprintf(stderr, "  padding byte %zu of row %zu: expected %02x, got %02x\n",
		        at % pitch, y, expected[at], got[at]);
		return;
	}
	const uint8_t *src = in->data + y * in->stride + x * 3 * (size_t)(in->bits / 8);
	uint32_t rgb[3];
	for (int c = 0; c < 3; c++) {
		rgb[c] = in->bits == 8 ? src[c] : (uint32_t)src[2 * c] << 8 | src[2 * c + 1];
	}
	fprintf(stderr, "  pixel (%zu, %zu), source R %u G %u B %u: expected", x, y, rgb[0], rgb[1],
	        rgb[2]);
	size_t first = y * pitch + x * (size_t)bpp;
	for (int b = 0; b < bpp; b++) {
		fprintf(stderr, " %02x", expected[first + (size_t)b]);
	}
	fprintf(stderr, ", got");
	for (int b = 0; b < bpp; b++) {
		fprintf(stderr, " %02x", got[first + (size_t)b]);
	}
	fputc('\n', stderr);
}

/* One picture in one format at one pitch; returns 1 when it was compared. */
static int check_case(struct uhd_context *context, const struct uhd_scanout_format *format,
                      const struct uhd_image *in, size_t pitch)
{
	size_t bytes = pitch * (size_t)in->height;
	uint8_t *expected = malloc(bytes), *got = malloc(bytes);
	struct uhd_gpu_packer *packer = NULL;
	int ret = expected && got ? 0 : -ENOMEM;
	ret = ret ? ret
	          : uhd_gpu_packer_create(context, in->width, in->height, in->bits,
	                                  in->significant_bits, format, pitch, &packer);
	if (ret == 0) {
		memset(expected, FILL, bytes);
		memset(got, FILL, bytes);
		uhd_pack_image(in, format, expected, pitch);
		ret = uhd_gpu_pack(packer, in, got);
	}
	CHECK(ret == 0, "%s, %dx%d, %d bits (%d significant), pitch %zu: error %d", format->name,
	      in->width, in->height, in->bits, in->significant_bits, pitch, ret);
	if (ret == 0) {
		size_t at = 0;
		while (at < bytes && expected[at] == got[at]) {
			at++;
		}
		CHECK(at == bytes, "%s, %dx%d, %d bits (%d significant), pitch %zu: bytes differ",
		      format->name, in->width, in->height, in->bits, in->significant_bits, pitch);
		if (at < bytes) {
			print_difference(format, in, pitch, expected, got, at);
		}
	}
	uhd_gpu_packer_destroy(&packer);
	free(expected);
	free(got);
	return ret == 0;
}

/* Every format and depth, at a tight and a padded pitch (not a multiple of 16:
 * bands then start off the descriptor alignment). */
static int check_size(struct uhd_context *context, int width, int height, bool all_codes,
                      uint32_t *seed)
{
	size_t format_count;
	const struct uhd_scanout_format *formats = uhd_scanout_formats(&format_count);
	int compared = 0;
	for (size_t d = 0; d < sizeof(depths) / sizeof(depths[0]); d++) {
		struct uhd_image in;
		uint8_t *data = make_picture(width, height, depths[d].bits, all_codes, seed, &in);
		CHECK(data != NULL, "out of memory for a %dx%d picture", width, height);
		in.significant_bits = depths[d].significant_bits;
		for (size_t f = 0; data && f < format_count; f++) {
			size_t tight = (size_t)width * (size_t)formats[f].bytes_per_pixel;
			compared += check_case(context, &formats[f], &in, tight);
			compared += check_case(context, &formats[f], &in, tight + 36);
		}
		free(data);
	}
	return compared;
}

/* An 8K-wide 16-bit picture over 128 MiB (134.6 MB) and its 179.5 MB destination, in
 * bands; two thirds of an 8K frame, to keep the test's time. At lavapipe's range this
 * pitch gives bands of 2183 rows, so the second band's first row starts 3 words past
 * its binding's 16-byte-aligned offset. */
static int check_large(struct uhd_context *context, uint32_t *seed)
{
	struct uhd_image in;
	uint8_t *data = make_picture(7680, 2920, 16, false, seed, &in);
	CHECK(data != NULL, "out of memory for a 7680x2920 picture");
	if (!data) {
		return 0;
	}
	const struct uhd_scanout_format *format = uhd_scanout_format_by_name("xrgb16161616");
	int compared = check_case(context, format, &in, 7680 * 8 + 20);
	free(data);
	return compared;
}

/* What the packer cannot do is refused before anything is allocated. */
static void check_refused(struct uhd_context *context)
{
	const struct uhd_scanout_format *format = uhd_scanout_format_by_name("xrgb8888");
	struct uhd_gpu_packer *packer = NULL;
	CHECK(uhd_gpu_packer_create(context, 17, 9, 16, 0, format, 17 * 4 + 2, &packer) == -EINVAL,
	      "pitch not a multiple of 4 accepted");
	CHECK(uhd_gpu_packer_create(context, 17, 9, 16, 0, format, 16 * 4, &packer) == -EINVAL,
	      "pitch under a row accepted");
	CHECK(uhd_gpu_packer_create(context, 17, 9, 12, 0, format, 17 * 4, &packer) == -EINVAL,
	      "12-bit samples accepted");
	CHECK(uhd_gpu_packer_create(context, 65536, 65536, 16, 0, format, 65536 * 4, &packer) ==
	              -ERANGE,
	      "a 25 GB picture accepted");
	CHECK(packer == NULL, "a refused packer was given out");
}

/* Targets: a DMA-BUF a device cannot import, or too small, is refused with the
 * code the presenter falls back on; a pass whose fence "does not signal in
 * time" (UHD_FAULT_GPU_FENCE=2: the second wait) returns -ETIMEDOUT, and after
 * uhd_gpu_packer_wait_all the packer's output is complete and exact. */
static void check_targets(struct uhd_context *context, uint32_t *seed)
{
	const struct uhd_scanout_format *format = uhd_scanout_format_by_name("xrgb16161616");
	struct uhd_gpu_packer *packer = NULL;
	int w = 33, h = 7, target = 0;
	size_t pitch = (size_t)w * 8;
	struct uhd_image in;
	uint8_t *data = make_picture(w, h, 16, false, seed, &in);
	uint8_t *expected = malloc(pitch * h), *got = malloc(pitch * h);
	CHECK(data && expected && got, "allocation");
	CHECK(uhd_gpu_packer_create(context, w, h, 16, 0, format, pitch, &packer) == 0,
	      "packer for the target checks");
	if (!packer || !data || !expected || !got) {
		goto done;
	}
	int fd = open("/dev/null", O_RDONLY);
	CHECK(uhd_gpu_packer_add_dmabuf(packer, fd, pitch * h - 1, &target) == -EINVAL &&
	              target == -1,
	      "a DMA-BUF smaller than pitch x height is refused with -EINVAL");
	int ret = uhd_gpu_packer_add_dmabuf(packer, fd, pitch * h, &target);
	CHECK(ret == -ENOTSUP || ret < 0, "/dev/null is no DMA-BUF: refused (%d)", ret);
	close(fd);
	CHECK(uhd_gpu_pack_to(packer, &in, 0, UINT64_MAX) == 0, "first pass: done in time");
	CHECK(uhd_gpu_pack_to(packer, &in, 0, UINT64_MAX) == -ETIMEDOUT,
	      "second pass: the fence time-out is reported");
	CHECK(uhd_gpu_packer_wait_all(packer, UINT64_MAX) == 0, "waiting for every pass");
	CHECK(uhd_gpu_pack_to(packer, &in, 1, UINT64_MAX) == -EINVAL,
	      "a target that does not exist is refused");
	memset(expected, FILL, pitch * h);
	memset(got, FILL, pitch * h);
	uhd_pack_image(&in, format, expected, pitch);
	CHECK(uhd_gpu_pack(packer, &in, got) == 0 && memcmp(expected, got, pitch * h) == 0,
	      "after a time-out, packing goes on byte for byte");
done:
	uhd_gpu_packer_destroy(&packer);
	free(data);
	free(expected);
	free(got);
}

/* A page-aligned picture with a word-aligned stride is read in place (host
 * import, no copy) where the device imports host memory; the bytes are the
 * same as the CPU's either way, and alternating with copied pictures in one
 * target changes nothing. */
static void check_import(struct uhd_context *context, uint32_t *seed)
{
	const struct uhd_scanout_format *format = uhd_scanout_format_by_name("xrgb2101010");
	int w = 1001, h = 37;
	size_t pitch = (size_t)w * 4 + 12, stride = (size_t)w * 6 + 10;
	struct uhd_image copied;
	uint8_t *unaligned = make_picture(w, h, 16, false, seed, &copied);
	uint8_t *aligned = aligned_alloc(4096, (stride * h + 4095) / 4096 * 4096);
	uint8_t *expected = malloc(pitch * h), *got = malloc(pitch * h);
	struct uhd_gpu_packer *packer = NULL;
	CHECK(unaligned && aligned && expected && got, "allocation");
	CHECK(uhd_gpu_packer_create(context, w, h, 16, 10, format, pitch, &packer) == 0,
	      "packer for the import checks");
	if (!packer || !unaligned || !aligned || !expected || !got) {
		goto done;
	}
	copied.significant_bits = 10;
	struct uhd_image in = copied;
	in.stride = stride;
	in.data = aligned;
	for (int y = 0; y < h; y++) {
		memcpy(aligned + (size_t)y * stride, unaligned + (size_t)y * copied.stride,
		       (size_t)w * 6);
	}
	memset(expected, FILL, pitch * h);
	uhd_pack_image(&in, format, expected, pitch);
	const struct uhd_image *order[3] = {&in, &copied, &in};
	for (int i = 0; i < 3; i++) {
		memset(got, FILL, pitch * h);
		CHECK(uhd_gpu_pack(packer, order[i], got) == 0 &&
		              memcmp(expected, got, pitch * h) == 0,
		      "pass %d (%s): bytes equal the CPU's", i, i == 1 ? "copied" : "in place");
	}
	int64_t imported = 0, copies = 0;
	uhd_gpu_packer_counts(packer, &imported, &copies);
	bool can_import = context->host_import;
	CHECK(imported == (can_import ? 2 : 0) && copies == 3 - imported,
	      "%lld passes read in place, %lld copied (host import %s)", (long long)imported,
	      (long long)copies, can_import ? "offered" : "not offered");
done:
	uhd_gpu_packer_destroy(&packer);
	free(unaligned);
	free(aligned);
	free(expected);
	free(got);
}

int main(void)
{
	/* Read once, at the first wait: check_targets runs first. */
	setenv("UHD_FAULT_GPU_FENCE", "2", 1);
	struct uhd_context *context = NULL;
	struct uhd_context_params cp = UHD_CONTEXT_DEFAULTS;
	cp.validation = true;
	CHECK(uhd_context_create(&cp, &context) == 0, "Vulkan context");
	if (!context) {
		return test_finish("test_gpu_pack");
	}
	long live = uhd_vulkan_objects_live();
	uint32_t seed = 0x2545f491;
	check_targets(context, &seed);
	check_import(context, &seed);
	int compared = 0;
	compared += check_size(context, 1, 1, false, &seed);
	compared += check_size(context, 17, 9, false, &seed);
	compared += check_size(context, 641, 359, false, &seed);
	/* Widths of every remainder by 4 (1, 17, 641 and 256 above). */
	compared += check_size(context, 18, 5, false, &seed);
	compared += check_size(context, 643, 3, false, &seed);
	compared += check_size(context, 256, 256, true, &seed);
	compared += check_large(context, &seed);
	check_refused(context);
	CHECK(compared > 0, "no case was compared");
	/* 6 sizes x 4 depths x 5 formats x 2 pitches, and the large one. */
	CHECK(compared == 6 * 4 * 5 * 2 + 1, "%d cases compared, %d expected", compared,
	      6 * 4 * 5 * 2 + 1);
	printf("test_gpu_pack: %d cases compared\n", compared);
	CHECK(uhd_vulkan_objects_live() == live,
	      "%ld Vulkan objects live after the packers, %ld "
	      "before",
	      uhd_vulkan_objects_live(), live);
	uhd_context_destroy(&context);
	CHECK(uhd_validation_messages_total() == 0, "validation messages: %u",
	      uhd_validation_messages_total());
	return test_finish("test_gpu_pack");
}
