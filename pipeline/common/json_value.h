/* SPDX-License-Identifier: MIT */
/*
 * A strict JSON (RFC 8259) reader for the small documents the tools read: suite files,
 * refs.json and sequences. The whole document is parsed into a tree of struct uhd_jv that the
 * caller walks directly or through the getters below. Nothing here logs: errors come back as a
 * negative errno code with a message in the caller's buffer, and the caller logs it (the
 * message does not name the file, so the caller prefixes the path). No global state: distinct
 * documents may be parsed and read from different threads.
 */
#ifndef UHD_INTERNAL_JSON_VALUE_H
#define UHD_INTERNAL_JSON_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A parsed JSON document (RFC 8259), for suite files, refs.json and sequences. */
enum uhd_jv_type {
	UHD_JV_NULL,
	UHD_JV_BOOL,
	UHD_JV_NUMBER,
	UHD_JV_STRING,
	UHD_JV_ARRAY,
	UHD_JV_OBJECT
};
struct uhd_jv {
	enum uhd_jv_type type;
	bool boolean;
	double number;
	char *string;         /* UTF-8, NUL-terminated (strings that contain \u0000 are rejected) */
	size_t count;         /* items of an array or members of an object */
	struct uhd_jv *items; /* array items, or object member values */
	char **keys;          /* object member names, parallel to items */
};

/* Parses text[0..length). On error returns -EINVAL (syntax, with "line L, column C: what" in
 * error), -E2BIG (nesting deeper than 64 or document over 64 MiB), -ENOMEM. *out is NULL on error.
 * text needs no NUL terminator; error may be NULL. Lines count '\n'; columns count characters
 * (UTF-8 sequences), from 1. The tree is owned by the caller: free it with uhd_jv_free(). */
int uhd_jv_parse(const char *text, size_t length, struct uhd_jv **out, char *error,
                 size_t error_size);
/* Reads and parses a file; -errno for I/O errors with the reason in error. */
int uhd_jv_parse_file(const char *path, struct uhd_jv **out, char *error, size_t error_size);
void uhd_jv_free(struct uhd_jv *value); /* accepts NULL */
/* Member lookup: NULL when value is not an object or has no such key (last one wins on
 * duplicates). */
const struct uhd_jv *uhd_jv_get(const struct uhd_jv *object, const char *key);
/* Typed getters: return false (and leave *out unchanged) when absent or of another type. */
bool uhd_jv_get_string(const struct uhd_jv *object, const char *key, const char **out);
bool uhd_jv_get_number(const struct uhd_jv *object, const char *key, double *out);
/* Integral numbers only, within +-2^53 (1.0 and 1e2 count; 1.5 and 2^53 + 2 do not). */
bool uhd_jv_get_int(const struct uhd_jv *object, const char *key, int64_t *out);
bool uhd_jv_get_bool(const struct uhd_jv *object, const char *key, bool *out);

#endif
