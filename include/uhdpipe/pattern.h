/* SPDX-License-Identifier: MIT */
/*
 * uhdpipe: panel test patterns, rendered by Vulkan compute shaders.
 *
 * A pattern is named and parameterised by a text spec, "NAME [KEY=VALUE ...]"
 * (`uhdpipe pattern --list` and uhd_pattern_list() describe them). Parsing
 * resolves every level to exact code values for one signal format (size, bit
 * depth, transfer, range) on the CPU in double precision; the GPU only lays
 * out regions and writes those integers, so a pattern's code values are the
 * same on every device.
 *
 * Samples in the rendered image are R'G'B' code values of the format's bit
 * depth, delivered in the image's container: 8-bit formats in 8-bit samples,
 * 10- and 12-bit formats in 16-bit samples (big-endian, as every uhd_image
 * stores them) by left bit replication (the code value is the sample's top
 * bits; PNG's recommended scaling, so `sample >> (16 - bits)` gives the code
 * back). Region boundaries lie at
 * floor(size * p / q + 1/2) for a standard's rational proportion p/q.
 *
 * Thread-safety: a pattern is immutable after parsing; one renderer is used by
 * one thread at a time.
 */
#ifndef UHDPIPE_PATTERN_H
#define UHDPIPE_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "colour.h"
#include "common.h"
#include "context.h"
#include "convert.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The signal a pattern is rendered for. */
struct uhd_pattern_format {
	int width;            /* pixels, 1..16384 (default 7680) */
	int height;           /* pixels, 1..16384 (default 4320) */
	int bits;             /* 8, 10 or 12 (default 10) */
	int transfer;         /* UHD_TRANSFER_BT709 (SDR), _PQ or _HLG (default PQ) */
	enum uhd_range range; /* default UHD_RANGE_LIMITED (narrow) */
};

#define UHD_PATTERN_FORMAT_DEFAULTS                                                                \
	((struct uhd_pattern_format){.width = 7680,                                                \
	                             .height = 4320,                                               \
	                             .bits = 10,                                                   \
	                             .transfer = UHD_TRANSFER_PQ,                                  \
	                             .range = UHD_RANGE_LIMITED})

/* Primaries of the format: BT.709 for SDR, BT.2020 for PQ and HLG. */
UHD_API int uhd_pattern_primaries(const struct uhd_pattern_format *format);

/* Parses "sdr", "pq", "hlg" / "narrow", "full"; 0 or -EINVAL. */
UHD_API int uhd_pattern_transfer_from_name(const char *name, int *transfer);
UHD_API int uhd_pattern_range_from_name(const char *name, enum uhd_range *range);
UHD_API const char *uhd_pattern_transfer_name(int transfer);

struct uhd_pattern;

/* Parses and validates spec for format. On error returns -EINVAL (unknown
 * pattern or parameter, value out of range: error names the parameter and its
 * range, or lists the known patterns) or -ENOMEM, and *out is NULL. */
UHD_API int uhd_pattern_parse(const char *spec, const struct uhd_pattern_format *format,
                              struct uhd_pattern **out, char *error, size_t error_size);
UHD_API void uhd_pattern_destroy(struct uhd_pattern **pattern);
/* The pattern's name and its canonical spec with every parameter spelled out. */
UHD_API const char *uhd_pattern_name(const struct uhd_pattern *pattern);
UHD_API const char *uhd_pattern_spec(const struct uhd_pattern *pattern);
/* Derived facts worth telling (e.g. how many pixels each code of a ramp gets);
 * "" when none. */
UHD_API const char *uhd_pattern_notes(const struct uhd_pattern *pattern);
UHD_API const struct uhd_pattern_format *uhd_pattern_format(const struct uhd_pattern *pattern);

/* Writes the catalogue (names, what each shows, parameters with ranges and
 * defaults) as text. */
UHD_API void uhd_pattern_list(FILE *out);

struct uhd_pattern_renderer;

/* GPU resources for rendering patterns of one format. Errors: -EINVAL for a
 * format patterns do not take (see struct uhd_pattern_format), -ERANGE when
 * the image is over the device's storage-buffer limits, Vulkan errors. */
UHD_API int uhd_pattern_renderer_create(struct uhd_context *context,
                                        const struct uhd_pattern_format *format,
                                        struct uhd_pattern_renderer **out);
UHD_API void uhd_pattern_renderer_destroy(struct uhd_pattern_renderer **renderer);
/* Renders pattern (of the renderer's format) and blocks until the image, owned
 * by the renderer and valid until the next render, is ready. Its colour is the
 * format's (RGB, primaries, transfer, range). */
UHD_API int uhd_pattern_render(struct uhd_pattern_renderer *renderer,
                               const struct uhd_pattern *pattern, struct uhd_image *image);

#ifdef __cplusplus
}
#endif

#endif
