/* SPDX-License-Identifier: MIT */
/* A small streaming JSON writer (objects, arrays, escaped strings, numbers). */
#ifndef UHD_INTERNAL_JSON_H
#define UHD_INTERNAL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "uhdpipe/source.h"

#define UHD_JSON_MAX_DEPTH 32

/* The version of the JSON outputs' shape (docs/schemas/): raised when a field
 * is removed, renamed or changes meaning, not when one is added. */
#define UHD_JSON_SCHEMA_VERSION 1

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

/* The first fields of every JSON output: "tool" (the command, "uhdpipe
 * check"), "version" (uhdpipe's) and "schema_version". */
void uhd_json_header(struct uhd_json *json, const char *tool);

/* The stream description shared by `info --json` and play reports: an
 * object, or (fields) its members written into the object that is open. */
void uhd_json_stream_info(struct uhd_json *json, const char *key, const char *path,
                          const struct uhd_stream_info *info);
void uhd_json_stream_info_fields(struct uhd_json *json, const char *path,
                                 const struct uhd_stream_info *info);
/* RGB (matrix "gbr") has no chroma to site: chroma_siting is left out. */
void uhd_json_colour(struct uhd_json *json, const char *key, const struct uhd_colour *colour);

#endif
