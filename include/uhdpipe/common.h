/* SPDX-License-Identifier: MIT */
/*
 * uhdpipe: shared definitions of the public API (errors, logging, version).
 *
 * Every function of the API returns 0 on success or a negative errno-style
 * code (-ENOENT, -EINVAL, -ENOTSUP, -ENODEV, -ERANGE, -EIO, -ENOMEM, ...).
 * A human-readable reason has always been logged through the log callback
 * before an error is returned, so callers need not compose their own message.
 */
#ifndef UHDPIPE_COMMON_H
#define UHDPIPE_COMMON_H

#include <stdarg.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UHD_API __attribute__((visibility("default")))

enum uhd_log_level {
	UHD_LOG_ERROR = 0,
	UHD_LOG_WARN = 1,
	UHD_LOG_INFO = 2,
	UHD_LOG_DEBUG = 3,
};

/* Receives every message of the library. Called from any thread that calls
 * into the library; the callback must be thread-safe. */
typedef void (*uhd_log_fn)(void *opaque, enum uhd_log_level level, const char *message);

/* Replaces the log sink (NULL restores the default: stderr, "uhdpipe: error: ...")
 * and sets the most verbose level that is delivered (default UHD_LOG_INFO).
 * Not thread-safe: call before creating any object. */
UHD_API void uhd_log_set_callback(uhd_log_fn fn, void *opaque, enum uhd_log_level max_level);

/*
 * How a coded picture is turned for display: first mirrored left-right when
 * hflip, then turned clockwise by rotation degrees (0, 90, 180 or 270). A
 * clip's display matrix (MP4 tkhd, Matroska projection, H.264/HEVC display
 * orientation SEI) gives one; {0, false} leaves the picture as coded. Every
 * flip and quarter turn of a picture is one of these eight (a vertical flip
 * is hflip with rotation 180).
 */
struct uhd_orientation {
	int rotation; /* clockwise degrees: 0, 90, 180, 270 */
	bool hflip;   /* mirror left-right before the rotation */
};

/* The stage a failed run (play, check, pattern) stopped in; tells a caller
 * which exit code to use. */
enum uhd_stage {
	UHD_STAGE_NONE = 0,
	UHD_STAGE_INPUT,   /* opening or decoding the clip */
	UHD_STAGE_GPU,     /* Vulkan device, limits, conversion */
	UHD_STAGE_OUTPUT,  /* writing frames or the report */
	UHD_STAGE_DISPLAY, /* DRM/KMS: device, connector, mode, commits, unplug */
};

/* Library version as "MAJOR.MINOR.PATCH". */
UHD_API const char *uhd_version(void);

#ifdef __cplusplus
}
#endif

#endif
