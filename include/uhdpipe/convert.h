/* SPDX-License-Identifier: MIT */
/*
 * uhdpipe: GPU conversion of decoded Y'CbCr frames to R'G'B' images, with
 * chroma upsampling that honours the stream's siting and separable scaling.
 *
 * The output keeps the stream's primaries and transfer (PQ stays PQ, HLG
 * stays HLG): only the matrix, range and size change. Output samples are
 * full-range R'G'B', 16 bits (big-endian, as PNG stores them) for sources
 * deeper than 8 bits, else 8 bits.
 */
#ifndef UHDPIPE_CONVERT_H
#define UHDPIPE_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "colour.h"
#include "common.h"
#include "context.h"
#include "source.h"

#ifdef __cplusplus
extern "C" {
#endif

enum uhd_scaler {
	UHD_SCALER_NEAREST = 0,  /* point sampling, ties go to the right/lower sample */
	UHD_SCALER_BILINEAR = 1, /* triangle, support 1 */
	UHD_SCALER_BICUBIC = 2,  /* Catmull-Rom (B=0, C=0.5), support 2 */
	UHD_SCALER_LANCZOS3 = 3, /* sinc windowed by sinc, 3 lobes */
};

#define UHD_CONVERT_MAX_IN_FLIGHT 4

struct uhd_convert_params {
	int width;              /* output width; 0 = source width (default 0) */
	int height;             /* output height; 0 = source height (default 0) */
	enum uhd_scaler scaler; /* default UHD_SCALER_LANCZOS3 */
	/* Frames that can be submitted and not yet received, 1 to
	 * UHD_CONVERT_MAX_IN_FLIGHT; each one more holds another set of upload
	 * buffers and another output image. 0 means 1 (default 1). */
	int frames_in_flight;
	/* Turn the picture for display after scaling (default {0, false}: as
	 * coded). width and height above are the size after turning: with a
	 * rotation of 90 or 270 the scaler works at height x width. */
	struct uhd_orientation orientation;
	/* The conversion for the display the pictures are for (colour.h; default
	 * UHD_TARGET_SOURCE: code values untouched). The image's colour then
	 * describes the target. */
	struct uhd_target target;
};

#define UHD_CONVERT_DEFAULTS                                                                       \
	((struct uhd_convert_params){                                                              \
	        .width = 0,                                                                        \
	        .height = 0,                                                                       \
	        .scaler = UHD_SCALER_LANCZOS3,                                                     \
	        .frames_in_flight = 1,                                                             \
	        .orientation = {0, false},                                                         \
	        .target = {UHD_TARGET_SOURCE, 0.0, 0, UHD_TONEMAP_SOURCE_MASTERING}})

/* A converted picture. The pixels live in the converter's memory and stay
 * valid until the next uhd_converter_submit(), uhd_converter_process() or
 * destroy. */
struct uhd_image {
	int width;
	int height;
	int bits;      /* 16 or 8 bits per channel */
	int channels;  /* 3: R, G, B */
	size_t stride; /* bytes between rows (rows may carry padding) */
	const uint8_t *data;
	struct uhd_colour colour; /* matrix RGB, full range, stream primaries/transfer */
	/* Significant bits of each sample when fewer than bits (a 10-bit code value
	 * left-bit-replicated into 16 bits); 0 = all bits. */
	int significant_bits;
};

struct uhd_converter;

/* Creates every pipeline, descriptor set and buffer the geometry needs; no
 * allocation happens per frame. Errors: -EINVAL bad size or an orientation
 * rotation other than 0, 90, 180, 270, -ERANGE size over the device's
 * limits, -ENOTSUP unsupported matrix or layout. Images come out turned as
 * params->orientation says. */
UHD_API int uhd_converter_create(struct uhd_context *context, const struct uhd_stream_info *info,
                                 const struct uhd_convert_params *params,
                                 struct uhd_converter **out);
UHD_API void uhd_converter_destroy(struct uhd_converter **converter);

struct uhd_convert_timing {
	double upload_ms; /* importing the planes (zero_copy), else copying them */
	/* The frame's passes on the GPU, from timestamp queries; submit to fence
	 * where the queue has no timestamps. */
	double gpu_ms;
	double wait_ms; /* how long uhd_converter_receive() blocked */
	/* The GPU read the decoded planes where the decoder wrote them
	 * (VK_EXT_external_memory_host): nothing was copied, upload_ms is the
	 * import's time. */
	bool zero_copy;
};

/* Uploads, converts and scales one frame; blocks until the image is ready.
 * Nothing may be in flight (-EBUSY otherwise). */
UHD_API int uhd_converter_process(struct uhd_converter *converter, const struct uhd_frame *frame,
                                  struct uhd_image *image, struct uhd_convert_timing *timing);

/* Pipelined use: submit uploads the frame and queues its conversion without
 * waiting (-EBUSY when frames_in_flight frames are in flight already); the
 * frame may be freed when it returns. receive waits for the oldest submitted
 * frame and gives its image (-EAGAIN when none is in flight). Frames come out
 * in the order they went in. */
UHD_API int uhd_converter_submit(struct uhd_converter *converter, const struct uhd_frame *frame);
UHD_API int uhd_converter_receive(struct uhd_converter *converter, struct uhd_image *image,
                                  struct uhd_convert_timing *timing);
/* Frames submitted and not yet received. */
UHD_API int uhd_converter_in_flight(const struct uhd_converter *converter);
/* Without blocking: 1 when the oldest frame in flight is done (receive will
 * not wait), 0 while it is converting, -EAGAIN when none is in flight. */
UHD_API int uhd_converter_poll(struct uhd_converter *converter);

UHD_API const char *uhd_scaler_name(enum uhd_scaler scaler);
/* Parses "nearest", "bilinear", "bicubic", "lanczos3" (also "lanczos"). */
UHD_API int uhd_scaler_from_name(const char *name, enum uhd_scaler *scaler);

#ifdef __cplusplus
}
#endif

#endif
