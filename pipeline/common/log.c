/* SPDX-License-Identifier: MIT */
/* Log sink of the library: a replaceable callback, stderr by default. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static uhd_log_fn log_fn;
static void *log_opaque;
static enum uhd_log_level log_max = UHD_LOG_INFO;
static _Thread_local struct uhd_log_record *kept;

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

static void write_message(enum uhd_log_level level, const char *message);

/* 0, or -1 when out of memory (the message is then written at once). */
static int keep(struct uhd_log_record *record, enum uhd_log_level level, const char *message)
{
	size_t size = strlen(message) + 2;
	if (record->length + size > record->capacity) {
		size_t capacity = record->capacity ? record->capacity * 2 : 4096;
		while (capacity < record->length + size) {
			capacity *= 2;
		}
		char *text = realloc(record->text, capacity);
		if (!text) {
			return -1;
		}
		record->text = text;
		record->capacity = capacity;
	}
	record->text[record->length] = (char)level;
	memcpy(record->text + record->length + 1, message, size - 1);
	record->length += size;
	return 0;
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
	if (kept && keep(kept, level, message) == 0) {
		return;
	}
	write_message(level, message);
}

void uhd_log_keep(struct uhd_log_record *record)
{
	kept = record;
}

void uhd_log_replay(struct uhd_log_record *record)
{
	for (size_t at = 0; at < record->length;) {
		const char *message = record->text + at + 1;
		write_message((enum uhd_log_level)record->text[at], message);
		at += strlen(message) + 2;
	}
	record->length = 0;
}

void uhd_log_record_free(struct uhd_log_record *record)
{
	free(record->text);
	memset(record, 0, sizeof(*record));
}

static void write_message(enum uhd_log_level level, const char *message)
{
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
