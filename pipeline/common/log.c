/* SPDX-License-Identifier: MIT */
/* Log sink of the library: a replaceable callback, stderr by default. */
#include <stdio.h>

#include "log.h"

static uhd_log_fn log_fn;
static void *log_opaque;
static enum uhd_log_level log_max = UHD_LOG_INFO;

void uhd_log_set_callback(uhd_log_fn fn, void *opaque, enum uhd_log_level max_level)
{
	log_fn = fn;
	log_opaque = opaque;
	log_max = max_level;
}

static const char *level_prefix(enum uhd_log_level level)
{
	switch (level) {
	case UHD_LOG_ERROR: return "error: ";
	case UHD_LOG_WARN: return "warning: ";
	case UHD_LOG_DEBUG: return "debug: ";
	default: return "";
	}
}

void uhd_log(enum uhd_log_level level, const char *fmt, ...)
{
	if (level > log_max) {
		return;
	}
	char message[2048];
	va_list args;
	va_start(args, fmt);
	vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);
	if (log_fn) {
		log_fn(log_opaque, level, message);
		return;
	}
	fprintf(stderr, "uhdpipe: %s%s\n", level_prefix(level), message);
}

const char *uhd_version(void)
{
	return UHD_VERSION_STRING;
}
