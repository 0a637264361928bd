/* SPDX-License-Identifier: MIT */
/*
 * Reading the JSON documents uhdpipe takes as input (suite files, refs.json, pattern
 * sequences, the reports bench reads back) with Jansson, a maintained parser: strict RFC 8259,
 * objects or arrays at the top, duplicate keys refused (an edit made to the wrong copy of a
 * key would otherwise go unseen), NUL in strings refused, errors with line and column. Nothing
 * here logs: errors come back as a negative errno code with a message in the caller's buffer
 * (without the file name: the caller prefixes it).
 */
#ifndef UHD_INTERNAL_JSON_READ_H
#define UHD_INTERNAL_JSON_READ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Documents over this size are refused before parsing (-E2BIG). */
#define UHD_JSON_READ_MAX ((size_t)64 << 20)

/* Parses text[0..length) (no NUL terminator needed). On error returns -EINVAL with
 * "line L, column C: what" in error (lines and columns from 1, columns in characters),
 * -E2BIG over UHD_JSON_READ_MAX, or -ENOMEM; *out is NULL then. error may be NULL. The caller
 * owns the document: json_decref() it. */
int uhd_json_load(const char *text, size_t length, json_t **out, char *error, size_t error_size);
/* Reads a file (or pipe) and parses it; -errno for I/O errors with the reason in error. */
int uhd_json_load_file(const char *path, json_t **out, char *error, size_t error_size);

/* Typed member getters: false (and *out unchanged) when object is not an object, or the
 * member is absent or of another type. */
bool uhd_json_get_string(const json_t *object, const char *key, const char **out);
bool uhd_json_get_number(const json_t *object, const char *key, double *out);
/* Integral numbers only, within +-2^53 (1.0 and 1e2 count; 1.5 does not). */
bool uhd_json_get_int(const json_t *object, const char *key, int64_t *out);
bool uhd_json_get_bool(const json_t *object, const char *key, bool *out);

#endif
