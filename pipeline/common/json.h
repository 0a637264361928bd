/* SPDX-License-Identifier: MIT */
/* A small streaming JSON writer (objects, arrays, escaped strings, numbers). */
#ifndef UHD_INTERNAL_JSON_H
#define UHD_INTERNAL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "uhdpipe/source.h"

#define UHD_JSON_MAX_DEPTH 32

struct uhd_json {
	FILE *file;
	int depth;
	bool has_items[UHD_JSON_MAX_DEPTH];
	bool pretty;
};

void uhd_json_init(struct uhd_json *json, FILE *file, bool pretty);
/* key is NULL inside arrays and for the top-level value. */
void uhd_json_object_begin(struct uhd_json *json, const char *key);
void uhd_json_object_end(struct uhd_json *json);
void uhd_json_array_begin(struct uhd_json *json, const char *key);
void uhd_json_array_end(struct uhd_json *json);
void uhd_json_string(struct uhd_json *json, const char *key, const char *value);
void uhd_json_int(struct uhd_json *json, const char *key, int64_t value);
void uhd_json_double(struct uhd_json *json, const char *key, double value);
void uhd_json_bool(struct uhd_json *json, const char *key, bool value);
void uhd_json_null(struct uhd_json *json, const char *key);

/* The stream description shared by `info --json` and play reports. */
void uhd_json_stream_info(struct uhd_json *json, const char *key, const char *path,
                          const struct uhd_stream_info *info);
void uhd_json_colour(struct uhd_json *json, const char *key, const struct uhd_colour *colour);

#endif
