/* SPDX-License-Identifier: MIT */
/* CPU packing of converted pictures into scanout formats (one pass per row). */
#include "pack.h"

#include <drm_fourcc.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

static const struct uhd_scanout_format formats[] = {
        {"xrgb16161616", DRM_FORMAT_XRGB16161616, 16, 8, false},
        {"xbgr16161616f", DRM_FORMAT_XBGR16161616F, 16, 8, true},
        {"xrgb2101010", DRM_FORMAT_XRGB2101010, 10, 4, false},
        {"xbgr2101010", DRM_FORMAT_XBGR2101010, 10, 4, false},
        {"xrgb8888", DRM_FORMAT_XRGB8888, 8, 4, false},
};

const struct uhd_scanout_format *uhd_scanout_formats(size_t *n)
{
	*n = sizeof(formats) / sizeof(formats[0]);
	return formats;
}

/* The name, or the four characters of the fourcc as probe and modetest print
 * them (XR30 is xrgb2101010): a user copies either. */
const struct uhd_scanout_format *uhd_scanout_format_by_name(const char *name)
{
	uint32_t fourcc = 0;
	if (strlen(name) == 4) {
		for (int i = 0; i < 4; i++) {
			fourcc |= (uint32_t)(unsigned char)name[i] << (8 * i);
		}
	}
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(formats[i].name, name) == 0 || formats[i].fourcc == fourcc) {
			return &formats[i];
		}
	}
	return NULL;
}

const struct uhd_scanout_format *uhd_scanout_format_by_fourcc(uint32_t fourcc)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (formats[i].fourcc == fourcc) {
			return &formats[i];
		}
	}
	return NULL;
}

int uhd_image_depth(const struct uhd_image *image)
{
	return image->significant_bits > 0 && image->significant_bits < image->bits
	               ? image->significant_bits
	               : image->bits;
}

bool uhd_pack_dithers(const struct uhd_image *image, const struct uhd_scanout_format *format)
{
	return !format->is_float && format->bits < uhd_image_depth(image);
}

/* 8x8 Bayer thresholds, (i + 0.5) / 64: the ordered dither that keeps the
 * average level of each 8x8 block and never moves a code by more than one. */
static const uint8_t bayer8[8][8] = {
        {0, 32, 8, 40, 2, 34, 10, 42},  {48, 16, 56, 24, 50, 18, 58, 26},
        {12, 44, 4, 36, 14, 46, 6, 38}, {60, 28, 52, 20, 62, 30, 54, 22},
        {3, 35, 11, 43, 1, 33, 9, 41},  {51, 19, 59, 27, 49, 17, 57, 25},
        {15, 47, 7, 39, 13, 45, 5, 37}, {63, 31, 55, 23, 61, 29, 53, 21},
};

/* A 16-bit sample (full scale 65535) reduced to `bits` with a dither threshold
 * t in 1/64ths: floor(v * max / 65535 + (t + 0.5) / 64). */
static inline uint32_t dither(uint32_t v, int bits, uint32_t t)
{
	uint64_t max = (1u << bits) - 1;
	uint64_t scaled = (uint64_t)v * max * 64 + (uint64_t)(2 * t + 1) * 65535 / 2;
	uint64_t code = scaled / (65535ull * 64);
	return (uint32_t)(code > max ? max : code);
}

/* One sample of the picture as 16 bits (8-bit samples replicated). */
static inline uint32_t sample16(const struct uhd_image *image, const uint8_t *row, int i)
{
	if (image->bits == 8) {
		return row[i] * 257u;
	}
	return (uint32_t)row[2 * i] << 8 | row[2 * i + 1];
}

/* A 16-bit sample down to `bits`: exact when the picture has no more
 * significant bits (its codes are left-bit-replicated), else dithered. */
static inline uint32_t reduce(uint32_t v, int bits, bool dithered, uint32_t t)
{
	return dithered ? dither(v, bits, t) : v >> (16 - bits);
}

static uint16_t half_table[65536];
static pthread_once_t half_once = PTHREAD_ONCE_INIT;

/* IEEE 754 binary16 of v / 65535, rounded to nearest even. */
static uint16_t to_half(double x)
{
	if (x <= 0.0) {
		return 0;
	}
	int e;
	double m = frexp(x, &e); /* x = m * 2^e, m in [0.5, 1) */
	int exponent = e - 1 + 15;
	if (exponent <= 0) { /* subnormal: units of 2^-24 */
		return (uint16_t)lrint(ldexp(x, 24));
	}
	uint32_t mantissa = (uint32_t)lrint((2.0 * m - 1.0) * 1024.0);
	if (mantissa == 1024) {
		mantissa = 0;
		exponent++;
	}
	return (uint16_t)(exponent << 10 | mantissa);
}

static void make_half_table(void)
{
	for (uint32_t v = 0; v < 65536; v++) {
		half_table[v] = to_half(v / 65535.0);
	}
}

static void pack_row(const struct uhd_image *image, const struct uhd_scanout_format *f,
                     const uint8_t *src, uint8_t *dst, int y, bool dithered)
{
	const uint8_t *thresholds = bayer8[y & 7];
	for (int x = 0; x < image->width; x++) {
		uint32_t r = sample16(image, src, 3 * x), g = sample16(image, src, 3 * x + 1),
		         b = sample16(image, src, 3 * x + 2);
		uint32_t t = thresholds[x & 7];
		uint64_t word;
		switch (f->fourcc) {
		case DRM_FORMAT_XRGB16161616:
			word = (uint64_t)r << 32 | (uint64_t)g << 16 | b;
			memcpy(dst + 8 * x, &word, 8);
			break;
		case DRM_FORMAT_XBGR16161616F:
			word = (uint64_t)half_table[b] << 32 | (uint64_t)half_table[g] << 16 |
			       half_table[r];
			memcpy(dst + 8 * x, &word, 8);
			break;
		case DRM_FORMAT_XRGB2101010:
		case DRM_FORMAT_XBGR2101010: {
			uint32_t hi = reduce(f->fourcc == DRM_FORMAT_XRGB2101010 ? r : b, 10,
			                     dithered, t);
			uint32_t lo = reduce(f->fourcc == DRM_FORMAT_XRGB2101010 ? b : r, 10,
			                     dithered, t);
			uint32_t px = hi << 20 | reduce(g, 10, dithered, t) << 10 | lo;
			memcpy(dst + 4 * x, &px, 4);
			break;
		}
		default: {
			uint32_t px = reduce(r, 8, dithered, t) << 16 |
			              reduce(g, 8, dithered, t) << 8 | reduce(b, 8, dithered, t);
			memcpy(dst + 4 * x, &px, 4);
		}
		}
	}
}

void uhd_pack_image(const struct uhd_image *image, const struct uhd_scanout_format *format,
                    uint8_t *dst, size_t pitch)
{
	if (format->is_float) {
		pthread_once(&half_once, make_half_table);
	}
	bool dithered = uhd_pack_dithers(image, format);
	for (int y = 0; y < image->height; y++) {
		pack_row(image, format, image->data + (size_t)y * image->stride,
		         dst + (size_t)y * pitch, y, dithered);
	}
}

static inline uint16_t replicate10(uint32_t v)
{
	return (uint16_t)(v << 6 | v >> 4);
}

static void unpack_row_16161616(const uint8_t *src, int width, uint16_t *rgb)
{
	for (int x = 0; x < width; x++) {
		uint64_t w;
		memcpy(&w, src + 8 * (size_t)x, 8);
		rgb[3 * x] = (uint16_t)(w >> 32);
		rgb[3 * x + 1] = (uint16_t)(w >> 16);
		rgb[3 * x + 2] = (uint16_t)w;
	}
}

/* red_shift is 20 for XRGB2101010 and 0 for XBGR2101010; blue takes the other. */
static void unpack_row_2101010(const uint8_t *src, int width, int red_shift, uint16_t *rgb)
{
	int blue_shift = 20 - red_shift;
	for (int x = 0; x < width; x++) {
		uint32_t w;
		memcpy(&w, src + 4 * (size_t)x, 4);
		rgb[3 * x] = replicate10((w >> red_shift) & 0x3ff);
		rgb[3 * x + 1] = replicate10((w >> 10) & 0x3ff);
		rgb[3 * x + 2] = replicate10((w >> blue_shift) & 0x3ff);
	}
}

static void unpack_row_8888(const uint8_t *src, int width, uint16_t *rgb)
{
	for (int x = 0; x < width; x++) {
		uint32_t w;
		memcpy(&w, src + 4 * (size_t)x, 4);
		rgb[3 * x] = (uint16_t)(((w >> 16) & 0xff) * 257);
		rgb[3 * x + 1] = (uint16_t)(((w >> 8) & 0xff) * 257);
		rgb[3 * x + 2] = (uint16_t)((w & 0xff) * 257);
	}
}

bool uhd_unpack_row16(const struct uhd_scanout_format *format, const uint8_t *src, int width,
                      uint16_t *rgb)
{
	switch (format->fourcc) {
	case DRM_FORMAT_XRGB16161616: unpack_row_16161616(src, width, rgb); return true;
	case DRM_FORMAT_XRGB2101010: unpack_row_2101010(src, width, 20, rgb); return true;
	case DRM_FORMAT_XBGR2101010: unpack_row_2101010(src, width, 0, rgb); return true;
	case DRM_FORMAT_XRGB8888: unpack_row_8888(src, width, rgb); return true;
	default: memset(rgb, 0, (size_t)width * 3 * sizeof(*rgb)); return false;
	}
}

bool uhd_unpack_pixel16(const struct uhd_scanout_format *format, const uint8_t *pixel,
                        uint16_t rgb[3])
{
	return uhd_unpack_row16(format, pixel, 1, rgb);
}
