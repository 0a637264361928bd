/* SPDX-License-Identifier: MIT */
/*
 * Reference PNG loader: images written by uhdpipe's own PNG writer come back
 * byte for byte with their colour description; PNGs built here with libpng
 * cover the other layouts (grey, palette, low bit depths, alpha, interlacing,
 * colour keys), colour chunks that are missing or malformed, and damaged,
 * truncated, oversized and missing files. Expected pixels are always derived
 * from what the test wrote, with PNG's own expansion rules.
 */
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "image/png_file.h"
#include "engine/png_load.h"

/* ---- log capture: every error must name its file, warnings are counted ---- */

static int error_count, warning_count;
static char last_error[2048], last_warning[2048];

static void on_log(void *opaque, enum uhd_log_level level, const char *message)
{
	(void)opaque;
	if (level == UHD_LOG_ERROR) {
		error_count++;
		snprintf(last_error, sizeof(last_error), "%s", message);
	} else if (level == UHD_LOG_WARN) {
		warning_count++;
		snprintf(last_warning, sizeof(last_warning), "%s", message);
	}
}

/* ---- files in a private temporary folder ---- */

#define MAX_FILES 128

static char folder[64];
static char files[MAX_FILES][128];
static int file_count;

static const char *file_path(const char *name)
{
	if (file_count == MAX_FILES) {
		fprintf(stderr, "test_png_load: more than %d files\n", MAX_FILES);
		exit(1);
	}
	char *path = files[file_count++];
	snprintf(path, sizeof(files[0]), "%s/%s", folder, name);
	return path;
}

static uint8_t *read_whole_file(const char *path, size_t *size)
{
	FILE *file = fopen(path, "rb");
	if (!file) {
		return NULL;
	}
	fseek(file, 0, SEEK_END);
	long length = ftell(file);
	fseek(file, 0, SEEK_SET);
	uint8_t *data = malloc(length > 0 ? (size_t)length : 1);
	if (data && fread(data, 1, (size_t)length, file) != (size_t)length) {
		free(data);
		data = NULL;
	}
	fclose(file);
	*size = (size_t)length;
	return data;
}

static bool write_whole_file(const char *path, const void *data, size_t size)
{
	FILE *file = fopen(path, "wb");
	if (!file) {
		return false;
	}
	bool ok = fwrite(data, 1, size, file) == size;
	return fclose(file) == 0 && ok;
}

/* ---- deterministic sample values ---- */

static uint32_t random_state = 0x9E3779B9u;

static uint32_t next_random(void)
{
	random_state ^= random_state << 13;
	random_state ^= random_state >> 17;
	random_state ^= random_state << 5;
	return random_state;
}

/* ---- PNGs written directly with libpng ---- */

struct test_chunk {
	const char *name;
	const uint8_t *data;
	size_t size;
};

struct raw_png {
	uint32_t width, height;
	int bit_depth, colour_type, interlace;
	uint8_t *rows; /* samples packed as PNG stores them, row_bytes apart */
	size_t row_bytes;
	const png_color *palette;
	int palette_count;
	const png_byte *trans_alpha; /* palette tRNS */
	int trans_count;
	const png_color_16 *trans_colour; /* grey or RGB colour key */
	struct test_chunk chunks[3];
	int chunk_count;
};

static int samples_per_pixel(int colour_type)
{
	switch (colour_type) {
	case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
	case PNG_COLOR_TYPE_RGB: return 3;
	case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
	default: return 1;
	}
}

static unsigned get_sample(const uint8_t *row, size_t index, int bit_depth)
{
	if (bit_depth == 16) {
		return (unsigned)row[2 * index] << 8 | row[2 * index + 1];
	}
	if (bit_depth == 8) {
		return row[index];
	}
	size_t bit = index * (size_t)bit_depth;
	int shift = 8 - bit_depth - (int)(bit % 8);
	return (row[bit / 8] >> shift) & ((1u << bit_depth) - 1);
}

static void set_sample(uint8_t *row, size_t index, int bit_depth, unsigned value)
{
	if (bit_depth == 16) {
		row[2 * index] = (uint8_t)(value >> 8);
		row[2 * index + 1] = (uint8_t)value;
		return;
	}
	if (bit_depth == 8) {
		row[index] = (uint8_t)value;
		return;
	}
	size_t bit = index * (size_t)bit_depth;
	int shift = 8 - bit_depth - (int)(bit % 8);
	unsigned mask = ((1u << bit_depth) - 1) << shift;
	row[bit / 8] = (uint8_t)((row[bit / 8] & ~mask) | ((value << shift) & mask));
}

/* Random samples; palette indices stay inside the palette and alpha is opaque. */
static void raw_fill(struct raw_png *spec)
{
	int samples = samples_per_pixel(spec->colour_type);
	spec->row_bytes = ((size_t)spec->width * samples * spec->bit_depth + 7) / 8;
	spec->rows = calloc(spec->height, spec->row_bytes);
	unsigned max = (1u << spec->bit_depth) - 1;
	bool has_alpha = spec->colour_type & PNG_COLOR_MASK_ALPHA;
	for (uint32_t y = 0; y < spec->height; y++) {
		uint8_t *row = spec->rows + y * spec->row_bytes;
		for (uint32_t x = 0; x < spec->width; x++) {
			for (int c = 0; c < samples; c++) {
				unsigned value = next_random() & max;
				if (spec->colour_type == PNG_COLOR_TYPE_PALETTE) {
					value = next_random() % (unsigned)spec->palette_count;
				} else if (has_alpha && c == samples - 1) {
					value = max;
				}
				set_sample(row, (size_t)x * samples + c, spec->bit_depth, value);
			}
		}
	}
}

static bool raw_write(const char *path, const struct raw_png *spec)
{
	FILE *file = fopen(path, "wb");
	if (!file) {
		return false;
	}
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	png_bytep *rows = calloc(spec->height, sizeof(*rows));
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(rows);
		fclose(file);
		return false;
	}
	png_init_io(png, file);
	png_set_IHDR(png, info, spec->width, spec->height, spec->bit_depth, spec->colour_type,
	             spec->interlace, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (spec->palette) {
		png_set_PLTE(png, info, spec->palette, spec->palette_count);
	}
	if (spec->trans_alpha || spec->trans_colour) {
		png_set_tRNS(png, info, spec->trans_alpha, spec->trans_count, spec->trans_colour);
	}
	if (spec->chunk_count > 0) {
		png_unknown_chunk chunks[3];
		memset(chunks, 0, sizeof(chunks));
		for (int i = 0; i < spec->chunk_count; i++) {
			memcpy(chunks[i].name, spec->chunks[i].name, 4);
			chunks[i].data = (png_bytep)spec->chunks[i].data;
			chunks[i].size = spec->chunks[i].size;
			chunks[i].location = PNG_HAVE_IHDR;
		}
		png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_ALWAYS, NULL, 0);
		png_set_unknown_chunks(png, info, chunks, spec->chunk_count);
	}
	png_write_info(png, info);
	for (uint32_t y = 0; y < spec->height; y++) {
		rows[y] = spec->rows + y * spec->row_bytes;
	}
	png_write_image(png, rows);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(rows);
	return fclose(file) == 0;
}

/* What a loader must produce, by PNG's rules: palette entries looked up, grey
 * replicated to R, G and B, 1/2/4-bit grey scaled to 0..255, alpha dropped. */
static uint8_t *raw_expected_rgb(const struct raw_png *spec, int *bits)
{
	*bits = spec->bit_depth == 16 ? 16 : 8;
	int bytes = *bits / 8;
	int samples = samples_per_pixel(spec->colour_type);
	uint8_t *rgb = malloc((size_t)spec->width * spec->height * 3 * bytes);
	uint8_t *out = rgb;
	for (uint32_t y = 0; y < spec->height; y++) {
		const uint8_t *row = spec->rows + y * spec->row_bytes;
		for (uint32_t x = 0; x < spec->width; x++) {
			unsigned value[3];
			size_t first = (size_t)x * samples;
			if (spec->colour_type == PNG_COLOR_TYPE_PALETTE) {
				png_color entry =
				        spec->palette[get_sample(row, first, spec->bit_depth)];
				value[0] = entry.red;
				value[1] = entry.green;
				value[2] = entry.blue;
			} else if ((spec->colour_type & PNG_COLOR_MASK_COLOR) == 0) {
				unsigned grey = get_sample(row, first, spec->bit_depth);
				if (spec->bit_depth < 8) {
					grey = grey * 255 / ((1u << spec->bit_depth) - 1);
				}
				value[0] = value[1] = value[2] = grey;
			} else {
				for (int c = 0; c < 3; c++) {
					value[c] = get_sample(row, first + c, spec->bit_depth);
				}
			}
			for (int c = 0; c < 3; c++) {
				set_sample(out, (size_t)c, *bits, value[c]);
			}
			out += 3 * bytes;
		}
	}
	return rgb;
}

/* ---- checks ---- */

static void check_pixels(const char *name, const struct uhd_png_picture *picture, int width,
                         int height, int bits, const uint8_t *expected, size_t expected_stride)
{
	const struct uhd_image *image = &picture->image;
	int bytes = bits / 8;
	size_t row_size = (size_t)width * 3 * bytes;
	CHECK(image->width == width && image->height == height, "%s: size %dx%d, expected %dx%d",
	      name, image->width, image->height, width, height);
	CHECK(image->bits == bits && image->channels == 3, "%s: %d bits %d channels, expected %d/3",
	      name, image->bits, image->channels, bits);
	CHECK(image->stride == row_size, "%s: stride %zu, expected %zu", name, image->stride,
	      row_size);
	CHECK(image->data == picture->pixels && picture->pixels, "%s: data is not pixels", name);
	if (image->width != width || image->height != height || image->bits != bits ||
	    image->stride != row_size || !image->data) {
		return;
	}
	for (int y = 0; y < height; y++) {
		const uint8_t *want = expected + (size_t)y * expected_stride;
		const uint8_t *got = image->data + (size_t)y * image->stride;
		if (memcmp(want, got, row_size) == 0) {
			continue;
		}
		for (size_t i = 0; i < row_size; i += (size_t)bytes) {
			unsigned want_value =
			        bytes == 2 ? (unsigned)want[i] << 8 | want[i + 1] : want[i];
			unsigned got_value =
			        bytes == 2 ? (unsigned)got[i] << 8 | got[i + 1] : got[i];
			if (want_value != got_value) {
				CHECK(false, "%s: pixel (%zu, %d) channel %zu: expected %u, got %u",
				      name, i / (3 * (size_t)bytes), y, i / (size_t)bytes % 3,
				      want_value, got_value);
				return;
			}
		}
	}
	test_checks++;
}

static void check_colour(const char *name, const struct uhd_colour *got,
                         const struct uhd_colour *want)
{
	CHECK(got->primaries == want->primaries && got->transfer == want->transfer &&
	              got->matrix == want->matrix,
	      "%s: primaries/transfer/matrix %d/%d/%d, expected %d/%d/%d", name, got->primaries,
	      got->transfer, got->matrix, want->primaries, want->transfer, want->matrix);
	CHECK(got->range == want->range, "%s: range %d, expected %d", name, got->range,
	      want->range);
	CHECK(got->siting == UHD_SITING_UNSPECIFIED, "%s: siting %d", name, got->siting);
	CHECK(got->has_mastering == want->has_mastering, "%s: has_mastering %d, expected %d", name,
	      got->has_mastering, want->has_mastering);
	if (got->has_mastering && want->has_mastering) {
		const struct uhd_mastering_display *g = &got->mastering, *w = &want->mastering;
		for (int i = 0; i < 3; i++) {
			for (int j = 0; j < 2; j++) {
				CHECK(g->primaries[i][j] == w->primaries[i][j],
				      "%s: mastering primary %d/%d: expected %.17g, got %.17g",
				      name, i, j, w->primaries[i][j], g->primaries[i][j]);
			}
		}
		for (int j = 0; j < 2; j++) {
			CHECK(g->white_point[j] == w->white_point[j],
			      "%s: white point %d: expected %.17g, got %.17g", name, j,
			      w->white_point[j], g->white_point[j]);
		}
		CHECK(g->max_luminance == w->max_luminance && g->min_luminance == w->min_luminance,
		      "%s: luminance max %.17g min %.17g, expected %.17g %.17g", name,
		      g->max_luminance, g->min_luminance, w->max_luminance, w->min_luminance);
	}
	CHECK(got->has_content_light == want->has_content_light,
	      "%s: has_content_light %d, expected %d", name, got->has_content_light,
	      want->has_content_light);
	if (got->has_content_light && want->has_content_light) {
		CHECK(got->content_light.max_cll == want->content_light.max_cll &&
		              got->content_light.max_fall == want->content_light.max_fall,
		      "%s: MaxCLL/MaxFALL %u/%u, expected %u/%u", name, got->content_light.max_cll,
		      got->content_light.max_fall, want->content_light.max_cll,
		      want->content_light.max_fall);
	}
}

static const struct uhd_colour sdr_defaults = {
        .primaries = UHD_PRIMARIES_BT709,
        .transfer = UHD_TRANSFER_BT709,
        .matrix = UHD_MATRIX_RGB,
        .range = UHD_RANGE_FULL,
};

/* Loads path expecting failure with code; the error must be logged naming the file. */
static void expect_failure(const char *name, const char *path, int code)
{
	int errors_before = error_count;
	struct uhd_png_picture picture;
	memset(&picture, 0xA5, sizeof(picture));
	int ret = uhd_png_load(path, &picture);
	CHECK(ret == code, "%s: returned %d (%s), expected %d (%s)", name, ret, strerror(-ret),
	      code, strerror(-code));
	CHECK(picture.pixels == NULL && picture.image.data == NULL && !picture.has_cicp,
	      "%s: output not cleared on failure", name);
	CHECK(error_count > errors_before && strstr(last_error, path),
	      "%s: no error naming '%s' was logged (last: '%s')", name, path, last_error);
	if (ret == 0) {
		uhd_png_picture_finish(&picture);
	}
}

/* ---- cases ---- */

/* Writes an image with colour, loads it back and expects written (colour
 * after the writer's metadata policy: malformed groups become defaults). */
static void case_writer_as(const char *name, int width, int height, int bits,
                           const struct uhd_colour *colour, const struct uhd_colour *written)
{
	int bytes = bits / 8;
	size_t stride = (size_t)width * 3 * bytes + 5; /* padded: the loader must pack rows */
	uint8_t *data = malloc(stride * height);
	for (size_t i = 0; i < stride * height; i++) {
		data[i] = (uint8_t)next_random();
	}
	struct uhd_image image = {
	        .width = width,
	        .height = height,
	        .bits = bits,
	        .channels = 3,
	        .stride = stride,
	        .data = data,
	        .colour = *colour,
	};
	const char *path = file_path(name);
	CHECK(uhd_png_write(path, &image) == 0, "%s: uhd_png_write failed: %s", name, last_error);
	int warnings_before = warning_count;
	struct uhd_png_picture picture;
	int ret = uhd_png_load(path, &picture);
	CHECK(ret == 0, "%s: load returned %d: %s", name, ret, last_error);
	CHECK(warning_count == warnings_before, "%s: unexpected warning '%s'", name, last_warning);
	if (ret == 0) {
		check_pixels(name, &picture, width, height, bits, data, stride);
		struct uhd_colour want = *written;
		want.matrix = UHD_MATRIX_RGB;
		want.range = UHD_RANGE_FULL; /* the writer always sets the full-range flag */
		check_colour(name, &picture.image.colour, &want);
		CHECK(picture.has_cicp && picture.has_mdcv == colour->has_mastering &&
		              picture.has_clli == colour->has_content_light,
		      "%s: chunk flags cICP %d mDCv %d cLLi %d", name, picture.has_cicp,
		      picture.has_mdcv, picture.has_clli);
	}
	uhd_png_picture_finish(&picture);
	free(data);
}

static void case_writer(const char *name, int width, int height, int bits,
                        const struct uhd_colour *colour)
{
	case_writer_as(name, width, height, bits, colour, colour);
}

/* Set while writing files whose colour chunks are meant to draw warnings. */
static bool malformed_chunks;

/* Writes spec, loads it and compares with PNG's expansion of what was written. */
static void case_raw_ok(const char *name, struct raw_png *spec, const struct uhd_colour *colour)
{
	bool well_formed = !malformed_chunks;
	if (!spec->rows) {
		raw_fill(spec);
	}
	const char *path = file_path(name);
	CHECK(raw_write(path, spec), "%s: writing with libpng failed", name);
	int warnings_before = warning_count;
	struct uhd_png_picture picture;
	int ret = uhd_png_load(path, &picture);
	CHECK(ret == 0, "%s: load returned %d: %s", name, ret, last_error);
	CHECK(!well_formed || warning_count == warnings_before, "%s: unexpected warning '%s'", name,
	      last_warning);
	if (ret == 0) {
		int bits;
		uint8_t *expected = raw_expected_rgb(spec, &bits);
		check_pixels(name, &picture, (int)spec->width, (int)spec->height, bits, expected,
		             (size_t)spec->width * 3 * (bits / 8));
		check_colour(name, &picture.image.colour, colour ? colour : &sdr_defaults);
		free(expected);
	}
	uhd_png_picture_finish(&picture);
	free(spec->rows);
	spec->rows = NULL;
}

static void case_raw_fails(const char *name, struct raw_png *spec, int code)
{
	if (!spec->rows) {
		raw_fill(spec);
	}
	const char *path = file_path(name);
	CHECK(raw_write(path, spec), "%s: writing with libpng failed", name);
	expect_failure(name, path, code);
	free(spec->rows);
	spec->rows = NULL;
}

static void cases_writer(void)
{
	struct uhd_colour sdr = sdr_defaults;
	case_writer("writer-sdr8.png", 31, 19, 8, &sdr);
	struct uhd_colour srgb = sdr_defaults;
	srgb.transfer = UHD_TRANSFER_SRGB;
	case_writer("writer-srgb8.png", 8, 8, 8, &srgb);
	struct uhd_colour hdr10 = {
	        .primaries = UHD_PRIMARIES_BT2020,
	        .transfer = UHD_TRANSFER_PQ,
	        .matrix = UHD_MATRIX_RGB,
	        .range = UHD_RANGE_FULL,
	        .has_mastering = true,
	        .mastering = {.primaries = {{0.708, 0.292}, {0.170, 0.797}, {0.131, 0.046}},
	                      .white_point = {0.3127, 0.3290},
	                      .max_luminance = 1000.0,
	                      .min_luminance = 0.0001},
	        .has_content_light = true,
	        .content_light = {.max_cll = 1000, .max_fall = 400},
	};
	case_writer("writer-hdr10-16.png", 33, 17, 16, &hdr10);
	struct uhd_colour p3 = hdr10;
	p3.mastering = (struct uhd_mastering_display){
	        .primaries = {{0.68, 0.32}, {0.265, 0.69}, {0.15, 0.06}},
	        .white_point = {0.3127, 0.329},
	        .max_luminance = 4000.0,
	        .min_luminance = 0.005,
	};
	p3.content_light = (struct uhd_content_light){.max_cll = 3999, .max_fall = 0};
	case_writer("writer-hdr10-p3-8.png", 5, 3, 8, &p3);
	struct uhd_colour hlg = sdr_defaults;
	hlg.primaries = UHD_PRIMARIES_BT2020;
	hlg.transfer = UHD_TRANSFER_HLG;
	case_writer("writer-hlg16.png", 16, 9, 16, &hlg);
	struct uhd_colour light_only = hlg;
	light_only.has_content_light = true;
	light_only.content_light = (struct uhd_content_light){.max_cll = 10000, .max_fall = 1};
	case_writer("writer-hlg-clli16.png", 1, 1, 16, &light_only);
	/* Past ST 2084's 10000 cd/m2: CTA-861.3 "unknown" (0/0) is written, as
	 * the policy every output shares says (colour/hdr_metadata.h). */
	struct uhd_colour too_bright = light_only, repaired = light_only;
	too_bright.content_light = (struct uhd_content_light){.max_cll = 400000, .max_fall = 1};
	repaired.content_light = (struct uhd_content_light){0, 0};
	case_writer_as("writer-hlg-clli-repaired16.png", 1, 1, 16, &too_bright, &repaired);
}

static const png_color test_palette[4] = {
        {255, 0, 0},
        {0, 200, 7},
        {1, 2, 250},
        {128, 128, 128},
};

static png_color big_palette[200];

static void cases_layouts(void)
{
	struct raw_png spec;
	spec = (struct raw_png){.width = 17, .height = 9, .bit_depth = 8};
	case_raw_ok("grey8.png", &spec, NULL);
	spec = (struct raw_png){.width = 17, .height = 9, .bit_depth = 16};
	case_raw_ok("grey16.png", &spec, NULL);
	for (int depth = 1; depth <= 4; depth *= 2) {
		char name[32];
		snprintf(name, sizeof(name), "grey%d.png", depth);
		spec = (struct raw_png){.width = 19, .height = 7, .bit_depth = depth};
		case_raw_ok(name, &spec, NULL);
	}
	spec = (struct raw_png){.width = 19, .height = 7, .bit_depth = 1, .interlace = 1};
	case_raw_ok("grey1-interlaced.png", &spec, NULL);

	for (int i = 0; i < 200; i++) {
		big_palette[i] = (png_color){(png_byte)i, (png_byte)(255 - i), (png_byte)(i * 7)};
	}
	spec = (struct raw_png){.width = 21, .height = 5, .bit_depth = 8, .colour_type = 3};
	spec.palette = big_palette;
	spec.palette_count = 200;
	case_raw_ok("palette8.png", &spec, NULL);
	spec = (struct raw_png){.width = 9, .height = 4, .bit_depth = 2, .colour_type = 3};
	spec.palette = test_palette;
	spec.palette_count = 4;
	case_raw_ok("palette2.png", &spec, NULL);
	const png_byte opaque_trns[4] = {255, 255, 255, 255};
	spec.trans_alpha = opaque_trns;
	spec.trans_count = 4;
	case_raw_ok("palette2-opaque-trns.png", &spec, NULL);

	spec = (struct raw_png){.width = 6, .height = 6, .bit_depth = 8, .colour_type = 4};
	case_raw_ok("grey-alpha8-opaque.png", &spec, NULL);
	spec = (struct raw_png){.width = 6, .height = 6, .bit_depth = 16, .colour_type = 4};
	case_raw_ok("grey-alpha16-opaque.png", &spec, NULL);
	spec = (struct raw_png){.width = 11, .height = 7, .bit_depth = 8, .colour_type = 6};
	case_raw_ok("rgba8-opaque.png", &spec, NULL);
	spec = (struct raw_png){.width = 11, .height = 7, .bit_depth = 16, .colour_type = 6};
	case_raw_ok("rgba16-opaque.png", &spec, NULL);
	spec = (struct raw_png){.width = 13, .height = 11, .bit_depth = 16, .colour_type = 2};
	spec.interlace = 1;
	case_raw_ok("rgb16-interlaced.png", &spec, NULL);
	spec = (struct raw_png){.width = 13, .height = 11, .bit_depth = 8, .colour_type = 6};
	spec.interlace = 1;
	case_raw_ok("rgba8-opaque-interlaced.png", &spec, NULL);
	spec = (struct raw_png){.width = 1, .height = 1, .bit_depth = 8, .colour_type = 2};
	case_raw_ok("rgb8-1x1.png", &spec, NULL);
	spec = (struct raw_png){.width = UHD_PNG_LOAD_MAX_SIDE, .height = 2, .bit_depth = 1};
	case_raw_ok("grey1-widest.png", &spec, NULL);
}

static void cases_transparency(void)
{
	struct raw_png spec;
	spec = (struct raw_png){.width = 11, .height = 7, .bit_depth = 8, .colour_type = 6};
	raw_fill(&spec);
	spec.rows[3 * spec.row_bytes + 5 * 4 + 3] = 0;
	case_raw_fails("rgba8-transparent.png", &spec, -ENOTSUP);
	spec = (struct raw_png){.width = 11, .height = 7, .bit_depth = 16, .colour_type = 6};
	raw_fill(&spec);
	spec.rows[6 * spec.row_bytes + 10 * 8 + 7] = 0xFE; /* alpha 65534 */
	case_raw_fails("rgba16-almost-opaque.png", &spec, -ENOTSUP);
	spec = (struct raw_png){.width = 6, .height = 6, .bit_depth = 8, .colour_type = 4};
	raw_fill(&spec);
	spec.rows[1] = 128;
	case_raw_fails("grey-alpha8-translucent.png", &spec, -ENOTSUP);

	/* Palette transparency: index 2 is transparent and used. */
	const png_byte palette_trns[3] = {255, 255, 0};
	spec = (struct raw_png){.width = 9, .height = 4, .bit_depth = 2, .colour_type = 3};
	spec.palette = test_palette;
	spec.palette_count = 4;
	spec.trans_alpha = palette_trns;
	spec.trans_count = 3;
	raw_fill(&spec);
	set_sample(spec.rows + 2 * spec.row_bytes, 4, 2, 2);
	case_raw_fails("palette-transparent.png", &spec, -ENOTSUP);

	/* RGB colour key: red is never 0 in the image unless the key is placed. */
	png_color_16 key = {.red = 0, .green = 10, .blue = 20};
	spec = (struct raw_png){.width = 8, .height = 5, .bit_depth = 8, .colour_type = 2};
	spec.trans_colour = &key;
	raw_fill(&spec);
	for (size_t i = 0; i < spec.row_bytes * spec.height; i += 3) {
		spec.rows[i] |= 1;
	}
	case_raw_ok("rgb8-unused-key.png", &spec, NULL);
	spec = (struct raw_png){.width = 8, .height = 5, .bit_depth = 8, .colour_type = 2};
	spec.trans_colour = &key;
	raw_fill(&spec);
	memcpy(spec.rows + 4 * spec.row_bytes + 7 * 3, (const uint8_t[3]){0, 10, 20}, 3);
	case_raw_fails("rgb8-used-key.png", &spec, -ENOTSUP);
}

static void put_be16(uint8_t *p, unsigned value)
{
	p[0] = (uint8_t)(value >> 8);
	p[1] = (uint8_t)value;
}

static void put_be32(uint8_t *p, uint32_t value)
{
	p[0] = (uint8_t)(value >> 24);
	p[1] = (uint8_t)(value >> 16);
	p[2] = (uint8_t)(value >> 8);
	p[3] = (uint8_t)value;
}

static void cases_colour_chunks(void)
{
	struct raw_png spec;
	spec = (struct raw_png){.width = 4, .height = 3, .bit_depth = 8, .colour_type = 2};
	case_raw_ok("rgb8-no-cicp.png", &spec, &sdr_defaults);

	const uint8_t cicp_matrix9[4] = {9, 16, 9, 1};
	spec = (struct raw_png){.width = 4, .height = 3, .bit_depth = 16, .colour_type = 2};
	spec.chunks[0] = (struct test_chunk){"cICP", cicp_matrix9, 4};
	spec.chunk_count = 1;
	case_raw_fails("cicp-matrix9.png", &spec, -ENOTSUP);

	const uint8_t cicp_limited[4] = {9, 18, 0, 0};
	struct uhd_colour limited = sdr_defaults;
	limited.primaries = 9;
	limited.transfer = 18;
	limited.range = UHD_RANGE_LIMITED;
	spec = (struct raw_png){.width = 4, .height = 3, .bit_depth = 16, .colour_type = 2};
	spec.chunks[0] = (struct test_chunk){"cICP", cicp_limited, 4};
	spec.chunk_count = 1;
	case_raw_ok("cicp-limited.png", &spec, &limited);

	/* Malformed payloads are ignored with a warning: defaults apply. */
	const uint8_t cicp_long[5] = {9, 16, 0, 1, 0};
	const uint8_t cicp_bad_flag[4] = {9, 16, 0, 2};
	const uint8_t short_mdcv[23] = {0};
	const uint8_t long_clli[9] = {0};
	const struct {
		const char *file;
		struct test_chunk chunk;
		const char *warned;
	} malformed[] = {
	        {"cicp-3-bytes.png", {"cICP", cicp_long, 3}, "cICP"},
	        {"cicp-5-bytes.png", {"cICP", cicp_long, 5}, "cICP"},
	        {"cicp-bad-flag.png", {"cICP", cicp_bad_flag, 4}, "cICP"},
	        {"mdcv-23-bytes.png", {"mDCv", short_mdcv, 23}, "mDCv"},
	        {"clli-9-bytes.png", {"cLLi", long_clli, 9}, "cLLi"},
	};
	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		int warnings_before = warning_count;
		spec = (struct raw_png){.width = 3, .height = 2, .bit_depth = 8, .colour_type = 2};
		spec.chunks[0] = malformed[i].chunk;
		spec.chunk_count = 1;
		malformed_chunks = true;
		case_raw_ok(malformed[i].file, &spec, &sdr_defaults);
		malformed_chunks = false;
		CHECK(warning_count > warnings_before && strstr(last_warning, malformed[i].warned),
		      "%s: no warning about %s (last: '%s')", malformed[i].file,
		      malformed[i].warned, last_warning);
	}

	/* The final third-edition spellings mDCV and cLLI, with values off the whole-cd/m2
	 * grid: MaxCLL 1234.5678 rounds to 1235, MaxFALL 0.4 to 0. */
	const uint16_t chromaticity_units[8] = {34000, 16000, 13250, 34500,
	                                        7500,  3000,  15635, 16450};
	const uint32_t luminance_units[2] = {10000000, 50};
	const uint32_t light_units[2] = {12345678, 4000};
	uint8_t mdcv[24], clli[8];
	for (int i = 0; i < 8; i++) {
		put_be16(mdcv + 2 * i, chromaticity_units[i]);
	}
	put_be32(mdcv + 16, luminance_units[0]);
	put_be32(mdcv + 20, luminance_units[1]);
	put_be32(clli, light_units[0]);
	put_be32(clli + 4, light_units[1]);
	const uint8_t cicp_pq[4] = {9, 16, 0, 1};
	struct uhd_colour want = sdr_defaults;
	want.primaries = 9;
	want.transfer = 16;
	want.has_mastering = true;
	for (int i = 0; i < 3; i++) {
		want.mastering.primaries[i][0] = chromaticity_units[2 * i] / 50000.0;
		want.mastering.primaries[i][1] = chromaticity_units[2 * i + 1] / 50000.0;
	}
	want.mastering.white_point[0] = chromaticity_units[6] / 50000.0;
	want.mastering.white_point[1] = chromaticity_units[7] / 50000.0;
	want.mastering.max_luminance = luminance_units[0] / 10000.0;
	want.mastering.min_luminance = luminance_units[1] / 10000.0;
	want.has_content_light = true;
	want.content_light.max_cll = (unsigned)lround(light_units[0] / 10000.0);
	want.content_light.max_fall = (unsigned)lround(light_units[1] / 10000.0);
	spec = (struct raw_png){.width = 4, .height = 3, .bit_depth = 16, .colour_type = 2};
	spec.chunks[0] = (struct test_chunk){"cICP", cicp_pq, 4};
	spec.chunks[1] = (struct test_chunk){"mDCV", mdcv, 24};
	spec.chunks[2] = (struct test_chunk){"cLLI", clli, 8};
	spec.chunk_count = 3;
	case_raw_ok("final-spellings.png", &spec, &want);
	CHECK(want.mastering.primaries[0][0] == 0.68 && want.mastering.max_luminance == 1000.0 &&
	              want.content_light.max_cll == 1235,
	      "final-spellings: expected values are on the grid");
}

/* PNG's CRC-32 (ISO 3309), for patching headers by hand. */
static uint32_t png_crc(const uint8_t *data, size_t size)
{
	uint32_t crc = 0xFFFFFFFFu;
	for (size_t i = 0; i < size; i++) {
		crc ^= data[i];
		for (int bit = 0; bit < 8; bit++) {
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
		}
	}
	return crc ^ 0xFFFFFFFFu;
}

/* Rewrites IHDR's size (bytes 16..23 of the file) and its CRC. */
static void patch_size(uint8_t *file, uint32_t width, uint32_t height)
{
	put_be32(file + 16, width);
	put_be32(file + 20, height);
	put_be32(file + 29, png_crc(file + 12, 17));
}

static void cut_and_damage(const char *source, const char *tag, bool patch_sizes)
{
	char path[160];
	snprintf(path, sizeof(path), "%s/%s", folder, source);
	size_t size = 0;
	uint8_t *data = read_whole_file(path, &size);
	CHECK(data && size > 100, "%s: cannot read back %s", tag, path);
	if (!data || size <= 100) {
		free(data);
		return;
	}
	/* Inside the signature, IHDR, the colour chunks, IDAT, its CRC and IEND. */
	const size_t cuts[] = {0,        1,         7,         8,         12,       16,
	                       29,       33,        37,        45,        60,       90,
	                       size / 2, size - 20, size - 13, size - 12, size - 5, size - 1};
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s-cut-%zu.png", tag, cuts[i]);
		const char *cut = file_path(name);
		CHECK(write_whole_file(cut, data, cuts[i]), "writing %s", name);
		expect_failure(name, cut, -EINVAL);
	}

	/* A flipped bit in IDAT's data: zlib or the CRC check notices. */
	uint8_t *idat = memmem(data, size, "IDAT", 4);
	CHECK(idat != NULL, "%s: no IDAT", tag);
	if (idat) {
		char name[64];
		snprintf(name, sizeof(name), "%s-idat-bit-flip.png", tag);
		idat[4 + 6] ^= 0x10;
		const char *flipped = file_path(name);
		CHECK(write_whole_file(flipped, data, size), "writing %s", name);
		expect_failure(name, flipped, -EINVAL);
		idat[4 + 6] ^= 0x10;
	}

	/* A flipped bit in cICP's data: libpng would keep the chunk (it only warns
	 * about CRC errors in chunks it does not know), the loader must not. */
	uint8_t *cicp = memmem(data, size, "cICP", 4);
	if (cicp) {
		char name[64];
		snprintf(name, sizeof(name), "%s-cicp-bit-flip.png", tag);
		cicp[4] ^= 0x01;
		const char *flipped = file_path(name);
		CHECK(write_whole_file(flipped, data, size), "writing %s", name);
		expect_failure(name, flipped, -EINVAL);
		CHECK(strstr(last_error, "CRC") != NULL, "%s: message '%s'", name, last_error);
		cicp[4] ^= 0x01;
	}

	/* Too large, and a large header on a file too small to hold its pixels. */
	const struct {
		const char *name;
		uint32_t width, height;
		int code;
	} sizes[] = {
	        {"too-wide", UHD_PNG_LOAD_MAX_SIDE + 1, 19, -E2BIG},
	        {"too-tall", 31, UHD_PNG_LOAD_MAX_SIDE + 1, -E2BIG},
	        {"huge", 0x7FFFFFFF, 0x7FFFFFFF, -E2BIG},
	        {"largest-truncated", UHD_PNG_LOAD_MAX_SIDE, UHD_PNG_LOAD_MAX_SIDE, -EINVAL},
	        {"zero-width", 0, 19, -EINVAL},
	};
	for (size_t i = 0; patch_sizes && i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s-%s.png", tag, sizes[i].name);
		patch_size(data, sizes[i].width, sizes[i].height);
		const char *patched = file_path(name);
		CHECK(write_whole_file(patched, data, size), "writing %s", name);
		expect_failure(name, patched, sizes[i].code);
		if (sizes[i].code == -EINVAL && sizes[i].width > 0) {
			/* Refused from the file's size, before pixel memory is reserved. */
			CHECK(strstr(last_error, "cannot hold") != NULL,
			      "%s: not refused from the file size: '%s'", name, last_error);
		}
	}
	free(data);
}

static void cases_damaged(void)
{
	struct raw_png spec = {.width = 13, .height = 11, .bit_depth = 16, .colour_type = 2};
	spec.interlace = 1;
	const uint8_t cicp_pq[4] = {9, 16, 0, 1};
	spec.chunks[0] = (struct test_chunk){"cICP", cicp_pq, 4};
	spec.chunk_count = 1;
	const struct uhd_colour pq = {.primaries = 9, .transfer = 16, .range = UHD_RANGE_FULL};
	case_raw_ok("interlaced-pq16.png", &spec, &pq);
	cut_and_damage("writer-hdr10-16.png", "hdr10", true);
	cut_and_damage("interlaced-pq16.png", "interlaced", false);

	const char *text = file_path("not-a-png.png");
	const char *words = "This is a text file, not a PNG image.\n";
	CHECK(write_whole_file(text, words, strlen(words)), "writing not-a-png.png");
	expect_failure("text file", text, -EINVAL);
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/no-such-file.png", folder);
	expect_failure("missing file", missing, -ENOENT);
	expect_failure("a folder", folder, -EISDIR);

	struct uhd_png_picture zeroed = {0};
	uhd_png_picture_finish(&zeroed);
	uhd_png_picture_finish(NULL);
}

int main(void)
{
	snprintf(folder, sizeof(folder), "/tmp/uhd-png-load-XXXXXX");
	if (!mkdtemp(folder)) {
		perror("test_png_load: mkdtemp");
		return 1;
	}
	uhd_log_set_callback(on_log, NULL, UHD_LOG_DEBUG);

	cases_writer();
	cases_layouts();
	cases_transparency();
	cases_colour_chunks();
	cases_damaged();

	for (int i = 0; i < file_count; i++) {
		unlink(files[i]);
	}
	rmdir(folder);
	uhd_log_set_callback(NULL, NULL, UHD_LOG_INFO);
	return test_finish("test_png_load");
}
