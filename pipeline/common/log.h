/* SPDX-License-Identifier: MIT */
/* Internal logging helpers: every error message says what failed and what to do. */
#ifndef UHD_INTERNAL_LOG_H
#define UHD_INTERNAL_LOG_H

#include "uhdpipe/common.h"

void uhd_log(enum uhd_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define uhd_error(...) uhd_log(UHD_LOG_ERROR, __VA_ARGS__)
#define uhd_warn(...)  uhd_log(UHD_LOG_WARN, __VA_ARGS__)
#define uhd_info(...)  uhd_log(UHD_LOG_INFO, __VA_ARGS__)
#define uhd_debug(...) uhd_log(UHD_LOG_DEBUG, __VA_ARGS__)

/* "1 frame", "2 frames": printf("%lld %s", n, uhd_plural(n, "frame", "frames")). */
static inline const char *uhd_plural(long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

#endif
