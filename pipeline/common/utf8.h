/* SPDX-License-Identifier: MIT */
/* UTF-8 checks for the report writers: file names are bytes, JSON and XML are
 * text, so invalid sequences are written as U+FFFD instead of passed through. */
#ifndef UHD_INTERNAL_UTF8_H
#define UHD_INTERNAL_UTF8_H

#include <stddef.h>

/* Length (1..4) of the valid UTF-8 sequence at p, or 0 when it is invalid
 * (overlong, surrogate, above U+10FFFF, truncated). p is NUL-terminated. */
static inline size_t uhd_utf8_length(const unsigned char *p)
{
	if (p[0] < 0x80) {
		return 1;
	}
	size_t n = (p[0] & 0xe0) == 0xc0   ? 2
	           : (p[0] & 0xf0) == 0xe0 ? 3
	           : (p[0] & 0xf8) == 0xf0 ? 4
	                                   : 0;
	if (n == 0 || p[0] == 0xc0 || p[0] == 0xc1 || p[0] > 0xf4) {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			return 0;
		}
	}
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f)) {
		return 0; /* overlong, surrogate, or beyond U+10FFFF */
	}
	return n;
}

#endif
