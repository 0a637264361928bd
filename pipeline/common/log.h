/* SPDX-License-Identifier: MIT */
/* Internal logging helpers: every error message says what failed and what to do. */
#ifndef UHD_INTERNAL_LOG_H
#define UHD_INTERNAL_LOG_H

#include <stddef.h>

#include "uhdpipe/common.h"

void uhd_log(enum uhd_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define uhd_error(...) uhd_log(UHD_LOG_ERROR, __VA_ARGS__)
#define uhd_warn(...)  uhd_log(UHD_LOG_WARN, __VA_ARGS__)
#define uhd_info(...)  uhd_log(UHD_LOG_INFO, __VA_ARGS__)
#define uhd_debug(...) uhd_log(UHD_LOG_DEBUG, __VA_ARGS__)

/* Messages a thread keeps instead of writing them, to be written later by whoever
 * takes what the thread made (the decode-ahead thread: a clip's error is told when
 * its frame is reached, as without decoding ahead, and not at all when the run stops
 * before it). Level filtering happens before keeping. */
struct uhd_log_record {
	char *text; /* entries: a level byte, the message, a NUL */
	size_t length, capacity;
};

/* From now on this thread's messages go into record (NULL: written again). */
void uhd_log_keep(struct uhd_log_record *record);
/* Writes the kept messages in order and empties the record. */
void uhd_log_replay(struct uhd_log_record *record);
void uhd_log_record_free(struct uhd_log_record *record);

/* "1 frame", "2 frames": printf("%lld %s", n, uhd_plural(n, "frame", "frames")). */
static inline const char *uhd_plural(long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

#endif
