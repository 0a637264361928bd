/* SPDX-License-Identifier: MIT */
/*
 * Reference PNG loading with libpng. libpng 1.6.39 does not know cICP, mDCv
 * or cLLi, so they are kept as "unknown" chunks and decoded here, mirroring
 * what pipeline/image/png_file.c writes. Files may be hostile (the loader is
 * fuzzed): every size is checked before it is trusted and every libpng error
 * comes back through longjmp to one cleanup path.
 */
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/log.h"
#include "png_load.h"

#define PNG_SIGNATURE_SIZE 8
#define MAX_DECODED_BYTES  ((uint64_t)2 << 30)
/* Deflate cannot compress better than about 1032:1; a file this much smaller
 * than its pixels is truncated, and is refused before memory is reserved. */
#define MAX_DEFLATE_RATIO 1100

/* Everything that must survive a longjmp out of libpng: it lives in
 * uhd_png_load()'s frame, not in the frame that calls setjmp. */
struct load_state {
	const char *path;
	FILE *file;
	png_structp png;
	png_infop info;
	uint8_t *pixels;
	png_bytep *rows;
	int read_errno;     /* errno of a failed fread, 0 if none */
	bool out_of_memory; /* a libpng allocation failed */
	char message[256];  /* libpng's error message */
};

static void on_png_error(png_structp png, png_const_charp message)
{
	struct load_state *state = png_get_error_ptr(png);
	snprintf(state->message, sizeof(state->message), "%s", message);
	png_longjmp(png, 1);
}

/* Warnings about chunks the loader does not read are noise for its callers. */
static bool about_ignored_chunk(const char *message)
{
	static const char *const ignored[] = {
	        "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "bKGD", "hIST", "pHYs", "sPLT",
	        "tIME", "tEXt", "zTXt", "iTXt", "oFFs", "pCAL", "sCAL", "eXIf",
	};
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
		if (strncmp(message, ignored[i], 4) == 0) {
			return true;
		}
	}
	return false;
}

static void on_png_warning(png_structp png, png_const_charp message)
{
	struct load_state *state = png_get_error_ptr(png);
	if (about_ignored_chunk(message)) {
		uhd_debug("PNG '%s': %s", state->path, message);
	} else {
		uhd_warn("PNG '%s': %s", state->path, message);
	}
}

#define PIXEL_ALIGN 4096

static png_voidp on_png_malloc(png_structp png, png_alloc_size_t size)
{
	void *memory = malloc(size);
	if (!memory) {
		struct load_state *state = png_get_mem_ptr(png);
		state->out_of_memory = true;
	}
	return memory;
}

static void on_png_free(png_structp png, png_voidp memory)
{
	(void)png;
	free(memory);
}

/* Tells a truncated file from an I/O error, which libpng's own reader cannot. */
static void on_png_read(png_structp png, png_bytep data, size_t length)
{
	struct load_state *state = png_get_io_ptr(png);
	if (fread(data, 1, length, state->file) == length) {
		return;
	}
	if (ferror(state->file)) {
		state->read_errno = errno ? errno : EIO;
		png_error(png, "read error");
	}
	png_error(png, "the file ends early (truncated)");
}

static uint32_t get_be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool chunk_is(const png_unknown_chunk *chunk, const char *name)
{
	return memcmp(chunk->name, name, 4) == 0;
}

/* A wrong-sized payload is ignored rather than guessed at. Returns whether
 * chunk is the first of its kind with the expected size. */
static bool chunk_usable(const struct load_state *state, const png_unknown_chunk *chunk,
                         size_t expected_size, bool seen)
{
	if (chunk->size != expected_size) {
		uhd_warn("PNG '%s': %.4s chunk has %zu bytes instead of %zu; ignoring it",
		         state->path, (const char *)chunk->name, (size_t)chunk->size,
		         expected_size);
		return false;
	}
	if (seen) {
		uhd_warn("PNG '%s': more than one %.4s chunk; using the first", state->path,
		         (const char *)chunk->name);
		return false;
	}
	return true;
}

static int read_cicp(const struct load_state *state, const uint8_t *payload,
                     struct uhd_png_picture *out)
{
	struct uhd_colour *colour = &out->image.colour;
	if (payload[3] > 1) {
		uhd_warn("PNG '%s': cICP full-range flag is %u, not 0 or 1; ignoring the "
		         "chunk and assuming BT.709 SDR",
		         state->path, payload[3]);
		return 0;
	}
	if (payload[2] != UHD_MATRIX_RGB) {
		uhd_error("PNG '%s' declares matrix coefficients %u in cICP: only 0 (RGB) is "
		          "supported, as PNG stores R'G'B'; re-export the reference image as RGB",
		          state->path, payload[2]);
		return -ENOTSUP;
	}
	colour->primaries = payload[0];
	colour->transfer = payload[1];
	colour->matrix = UHD_MATRIX_RGB;
	colour->range = payload[3] ? UHD_RANGE_FULL : UHD_RANGE_LIMITED;
	out->has_cicp = true;
	return 0;
}

/* The inverse of uhd_png_mdcv_payload(): dividing by the exact number of units
 * per unit gives back the double nearest to any value on the chunk's grid. */
static void read_mdcv(const uint8_t *payload, struct uhd_png_picture *out)
{
	struct uhd_mastering_display *md = &out->image.colour.mastering;
	for (int i = 0; i < 3; i++) {
		md->primaries[i][0] = get_be16(payload + i * 4) / 50000.0;
		md->primaries[i][1] = get_be16(payload + i * 4 + 2) / 50000.0;
	}
	md->white_point[0] = get_be16(payload + 12) / 50000.0;
	md->white_point[1] = get_be16(payload + 14) / 50000.0;
	md->max_luminance = get_be32(payload + 16) / 10000.0;
	md->min_luminance = get_be32(payload + 20) / 10000.0;
	out->image.colour.has_mastering = true;
	out->has_mdcv = true;
}

/* cLLi carries 0.0001 cd/m2 units; uhd_content_light holds whole cd/m2. */
static void read_clli(const uint8_t *payload, struct uhd_png_picture *out)
{
	struct uhd_content_light *cll = &out->image.colour.content_light;
	cll->max_cll = (unsigned)(((uint64_t)get_be32(payload) + 5000) / 10000);
	cll->max_fall = (unsigned)(((uint64_t)get_be32(payload + 4) + 5000) / 10000);
	out->image.colour.has_content_light = true;
	out->has_clli = true;
}

static int read_colour(struct load_state *state, struct uhd_png_picture *out)
{
	out->image.colour = (struct uhd_colour){
	        .primaries = UHD_PRIMARIES_BT709,
	        .transfer = UHD_TRANSFER_BT709,
	        .matrix = UHD_MATRIX_RGB,
	        .range = UHD_RANGE_FULL,
	        .siting = UHD_SITING_UNSPECIFIED,
	};
	png_unknown_chunkp chunks = NULL;
	int count = png_get_unknown_chunks(state->png, state->info, &chunks);
	bool seen_cicp = false, seen_mdcv = false, seen_clli = false;
	for (int i = 0; i < count; i++) {
		const png_unknown_chunk *chunk = &chunks[i];
		if (chunk_is(chunk, "cICP")) {
			if (chunk_usable(state, chunk, 4, seen_cicp)) {
				int ret = read_cicp(state, chunk->data, out);
				if (ret < 0) {
					return ret;
				}
			}
			seen_cicp = true;
		} else if (chunk_is(chunk, "mDCv") || chunk_is(chunk, "mDCV")) {
			if (chunk_usable(state, chunk, 24, seen_mdcv)) {
				read_mdcv(chunk->data, out);
			}
			seen_mdcv = true;
		} else if (chunk_is(chunk, "cLLi") || chunk_is(chunk, "cLLI")) {
			if (chunk_usable(state, chunk, 8, seen_clli)) {
				read_clli(chunk->data, out);
			}
			seen_clli = true;
		}
	}
	if (!out->has_cicp) {
		uhd_debug("PNG '%s' has no usable cICP chunk; taking it as BT.709 SDR",
		          state->path);
	}
	return 0;
}

/* Sets up libpng's transforms so that every file decodes to RGB or RGBA, 8 or 16 bits. */
static void request_rgb(struct load_state *state, int colour_type, int bit_depth)
{
	png_structp png = state->png;
	if (colour_type == PNG_COLOR_TYPE_PALETTE) {
		png_set_palette_to_rgb(png);
	}
	if ((colour_type & PNG_COLOR_MASK_COLOR) == 0 && bit_depth < 8) {
		png_set_expand_gray_1_2_4_to_8(png);
	}
	/* Colour keys and palette transparency become alpha, checked like any alpha. */
	if (png_get_valid(png, state->info, PNG_INFO_tRNS)) {
		png_set_tRNS_to_alpha(png);
	}
	if ((colour_type & PNG_COLOR_MASK_COLOR) == 0) {
		png_set_gray_to_rgb(png);
	}
	png_set_interlace_handling(png);
	png_read_update_info(png, state->info);
}

/* Samples per pixel as the file stores them. */
static unsigned stored_samples(int colour_type)
{
	switch (colour_type) {
	case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
	case PNG_COLOR_TYPE_RGB: return 3;
	case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
	default: return 1; /* grey, palette */
	}
}

/* Refuses sizes that the limits forbid or that the file cannot hold, before any allocation. */
static int check_size(const struct load_state *state, uint32_t width, uint32_t height,
                      int colour_type, int bit_depth)
{
	if (width > UHD_PNG_LOAD_MAX_SIDE || height > UHD_PNG_LOAD_MAX_SIDE) {
		uhd_error("PNG '%s' is %ux%u; reference images may be at most %dx%d: crop or "
		          "scale it first",
		          state->path, (unsigned)width, (unsigned)height, UHD_PNG_LOAD_MAX_SIDE,
		          UHD_PNG_LOAD_MAX_SIDE);
		return -E2BIG;
	}
	uint64_t stored_bits = (uint64_t)width * height * stored_samples(colour_type) * bit_depth;
	struct stat st;
	if (fstat(fileno(state->file), &st) == 0 && S_ISREG(st.st_mode) &&
	    stored_bits / 8 > (uint64_t)st.st_size * MAX_DEFLATE_RATIO) {
		uhd_error("PNG '%s' is damaged: its header declares %ux%u pixels, which a file of "
		          "%lld bytes cannot hold (truncated?); re-create the reference image",
		          state->path, (unsigned)width, (unsigned)height, (long long)st.st_size);
		return -EINVAL;
	}
	return 0;
}

/* Moves RGBA samples to RGB in place, refusing the image at the first pixel that
 * is not fully opaque. */
static int drop_opaque_alpha(const struct load_state *state, uint32_t width, uint32_t height,
                             int bytes)
{
	unsigned opaque = bytes == 2 ? 0xFFFF : 0xFF;
	const uint8_t *from = state->pixels;
	uint8_t *to = state->pixels;
	for (uint32_t y = 0; y < height; y++) {
		for (uint32_t x = 0; x < width; x++) {
			const uint8_t *alpha = from + 3 * bytes;
			unsigned value = bytes == 2 ? get_be16(alpha) : alpha[0];
			if (value != opaque) {
				uhd_error("PNG '%s' is not opaque: pixel (%u, %u) has alpha "
				          "%u of %u; reference images must be opaque, so "
				          "flatten it onto a background first",
				          state->path, (unsigned)x, (unsigned)y, value, opaque);
				return -ENOTSUP;
			}
			/* Forward byte copy: to never passes from, so overlap is harmless. */
			for (int i = 0; i < 3 * bytes; i++) {
				to[i] = from[i];
			}
			to += 3 * bytes;
			from += 4 * bytes;
		}
	}
	return 0;
}

/* The code-value depth sBIT declares (10 for 10-bit codes in 16-bit samples);
 * 0 when absent, unequal between channels, or the full sample. */
static int significant_bits(png_structp png, png_infop info, int bits)
{
	png_color_8p sig = NULL;
	if (!(png_get_sBIT(png, info, &sig) & PNG_INFO_sBIT) || !sig) {
		return 0;
	}
	int depth = sig->red ? sig->red : sig->gray;
	bool same = sig->red ? sig->green == sig->red && sig->blue == sig->red : true;
	return same && depth > 0 && depth < bits ? depth : 0;
}

static int decode(struct load_state *state, struct uhd_png_picture *out)
{
	if (setjmp(png_jmpbuf(state->png))) {
		if (state->read_errno) {
			uhd_error("cannot read PNG '%s': %s; check the disk and the file",
			          state->path, strerror(state->read_errno));
			return -state->read_errno;
		}
		if (state->out_of_memory) {
			uhd_error("out of memory decoding PNG '%s' (%s); free memory or use a "
			          "smaller reference image",
			          state->path, state->message);
			return -ENOMEM;
		}
		uhd_error("PNG '%s' is damaged: %s; re-create the reference image", state->path,
		          state->message);
		return -EINVAL;
	}
	png_structp png = state->png;
	png_set_read_fn(png, state, on_png_read);
	png_set_sig_bytes(png, PNG_SIGNATURE_SIZE);
	/* libpng's own limit (1,000,000) would fail as "damaged"; ours says why. */
	png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
	/* libpng keeps an unknown chunk whose CRC is wrong (it only warns), so a
	 * corrupted cICP would be believed: a CRC error in any chunk fails the load. */
	png_set_crc_action(png, PNG_CRC_DEFAULT, PNG_CRC_ERROR_QUIT);
	static const png_byte colour_chunks[] = "cICP\0mDCv\0mDCV\0cLLi\0cLLI";
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_ALWAYS, colour_chunks,
	                            (int)(sizeof(colour_chunks) / 5));
	png_read_info(png, state->info);

	png_uint_32 width = 0, height = 0;
	int bit_depth = 0, colour_type = 0;
	png_get_IHDR(png, state->info, &width, &height, &bit_depth, &colour_type, NULL, NULL, NULL);
	int ret = check_size(state, width, height, colour_type, bit_depth);
	if (ret < 0) {
		return ret;
	}
	ret = read_colour(state, out);
	if (ret < 0) {
		return ret;
	}
	request_rgb(state, colour_type, bit_depth);

	int channels = png_get_channels(png, state->info);
	int bits = png_get_bit_depth(png, state->info);
	int bytes = bits / 8;
	size_t row_bytes = (size_t)width * (size_t)channels * (size_t)bytes;
	if ((channels != 3 && channels != 4) || (bits != 8 && bits != 16) ||
	    png_get_rowbytes(png, state->info) != row_bytes) {
		uhd_error("PNG '%s' decodes to an unexpected layout (%d channels, %d bits); "
		          "re-export it as 8 or 16-bit RGB",
		          state->path, channels, bits);
		return -EINVAL;
	}
	if ((uint64_t)row_bytes * height > MAX_DECODED_BYTES) {
		uhd_error("PNG '%s' (%ux%u, %d channels of %d bits) decodes to over 2 GiB; use a "
		          "smaller reference image",
		          state->path, (unsigned)width, (unsigned)height, channels, bits);
		return -E2BIG;
	}
	/* Page-aligned, so that a GPU that imports host memory reads the pixels in
	 * place (GPU packing for a display) instead of a copy. */
	size_t pixel_bytes = (size_t)row_bytes * height;
	state->pixels = aligned_alloc(PIXEL_ALIGN,
	                              (pixel_bytes + PIXEL_ALIGN - 1) / PIXEL_ALIGN * PIXEL_ALIGN);
	state->rows = malloc(sizeof(*state->rows) * height);
	if (!state->pixels || !state->rows) {
		uhd_error("out of memory for the %ux%u pixels of PNG '%s'; free memory or use a "
		          "smaller reference image",
		          (unsigned)width, (unsigned)height, state->path);
		return -ENOMEM;
	}
	for (png_uint_32 y = 0; y < height; y++) {
		state->rows[y] = state->pixels + (size_t)y * row_bytes;
	}
	png_read_image(png, state->rows);
	/* Reaching IEND also checks the zlib stream's checksum and the last CRCs. */
	png_read_end(png, NULL);

	if (channels == 4) {
		ret = drop_opaque_alpha(state, width, height, bytes);
		if (ret < 0) {
			return ret;
		}
	}
	out->image.width = (int)width;
	out->image.height = (int)height;
	out->image.bits = bits;
	out->image.significant_bits = significant_bits(png, state->info, bits);
	out->image.channels = 3;
	out->image.stride = (size_t)width * 3 * (size_t)bytes;
	return 0;
}

int uhd_png_load(const char *path, struct uhd_png_picture *out)
{
	memset(out, 0, sizeof(*out));
	struct load_state state = {.path = path};
	state.file = fopen(path, "rb");
	if (!state.file) {
		int err = errno;
		uhd_error("cannot open PNG '%s': %s; check the path and its permissions", path,
		          strerror(err));
		return -err;
	}
	int ret = 0;
	uint8_t signature[PNG_SIGNATURE_SIZE];
	size_t got = fread(signature, 1, sizeof(signature), state.file);
	if (got < sizeof(signature) && ferror(state.file)) {
		ret = errno ? -errno : -EIO;
		uhd_error("cannot read '%s': %s; check that it is a readable file", path,
		          strerror(-ret));
		goto close_file;
	}
	if (got < sizeof(signature) || png_sig_cmp(signature, 0, sizeof(signature)) != 0) {
		uhd_error("'%s' is not a PNG file (no PNG signature); give a PNG reference image",
		          path);
		ret = -EINVAL;
		goto close_file;
	}
	state.png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &state, on_png_error,
	                                     on_png_warning, &state, on_png_malloc, on_png_free);
	state.info = state.png ? png_create_info_struct(state.png) : NULL;
	if (!state.info) {
		uhd_error("cannot set up libpng to read '%s' (out of memory?); free memory and "
		          "retry",
		          path);
		ret = -ENOMEM;
		goto destroy_png;
	}
	ret = decode(&state, out);
	if (ret == 0) {
		/* Not shrunk after dropping alpha: the block keeps its alignment. */
		out->pixels = state.pixels;
		out->image.data = out->pixels;
		state.pixels = NULL;
	}
destroy_png:
	png_destroy_read_struct(&state.png, &state.info, NULL);
	free(state.rows);
	free(state.pixels);
close_file:
	fclose(state.file);
	if (ret < 0) {
		memset(out, 0, sizeof(*out));
	}
	return ret;
}

void uhd_png_picture_finish(struct uhd_png_picture *picture)
{
	if (!picture) {
		return;
	}
	free(picture->pixels);
	memset(picture, 0, sizeof(*picture));
}
