/* SPDX-License-Identifier: MIT */
/* JSON input through Jansson (see json_read.h). */
#include "json_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Jansson counts a column from 0 before the first character of a line has been read, and
 * names the character it stopped at; a person's editor counts from 1. Its text quotes the
 * input near the mistake, which may hold a newline or other control characters: they are
 * shown as '?' so that the message stays one line (as every error message is). */
static void describe(const json_error_t *parse, char *error, size_t error_size)
{
	int line = parse->line > 0 ? parse->line : 1;
	int column = parse->column > 0 ? parse->column : 1;
	snprintf(error, error_size, "line %d, column %d: %s", line, column, parse->text);
	for (unsigned char *p = (unsigned char *)error; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			*p = '?';
		}
	}
}

int uhd_json_load(const char *text, size_t length, json_t **out, char *error, size_t error_size)
{
	char scratch[1];
	if (!error || error_size == 0) {
		error = scratch;
		error_size = sizeof(scratch);
	}
	*out = NULL;
	if (length > UHD_JSON_READ_MAX) {
		snprintf(error, error_size, "the document is over the 64 MiB limit");
		return -E2BIG;
	}
	json_error_t parse;
	json_t *root = json_loadb(text, length, JSON_REJECT_DUPLICATES, &parse);
	if (!root) {
		describe(&parse, error, error_size);
		return json_error_code(&parse) == json_error_out_of_memory ? -ENOMEM : -EINVAL;
	}
	*out = root;
	return 0;
}

static int io_error(int code, const char *action, char *error, size_t error_size)
{
	if (error && error_size) {
		snprintf(error, error_size, "cannot %s: %s", action, strerror(-code));
	}
	return code;
}

/* Reads to the end rather than trusting st_size, which is 0 for pipes and /proc files; one byte
 * past the limit is enough to know the document is too large. */
static int read_all(int fd, size_t size_hint, char **text, size_t *length)
{
	size_t capacity = size_hint < 4096 ? 4096 : size_hint + 1, size = 0;
	char *buffer = malloc(capacity);
	int ret = buffer ? 0 : -ENOMEM;
	while (ret == 0) {
		if (size == capacity) {
			if (capacity > UHD_JSON_READ_MAX) {
				ret = -E2BIG;
				break;
			}
			capacity = capacity > UHD_JSON_READ_MAX / 2 ? UHD_JSON_READ_MAX + 1
			                                            : capacity * 2;
			char *bigger = realloc(buffer, capacity);
			if (!bigger) {
				ret = -ENOMEM;
				break;
			}
			buffer = bigger;
		}
		ssize_t got = read(fd, buffer + size, capacity - size);
		if (got == 0) {
			break;
		}
		if (got < 0) {
			ret = errno == EINTR ? 0 : -errno;
			continue;
		}
		size += (size_t)got;
	}
	if (ret < 0) {
		free(buffer);
		return ret;
	}
	*text = buffer;
	*length = size;
	return 0;
}

int uhd_json_load_file(const char *path, json_t **out, char *error, size_t error_size)
{
	struct stat st;
	char *text = NULL;
	size_t length = 0;
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return io_error(-errno, "open", error, error_size);
	}
	if (fstat(fd, &st) < 0) {
		int ret = -errno;
		close(fd);
		return io_error(ret, "stat", error, error_size);
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > UHD_JSON_READ_MAX) {
		close(fd);
		return io_error(-E2BIG, "read (over the 64 MiB limit)", error, error_size);
	}
	int ret = read_all(fd, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0, &text, &length);
	close(fd);
	if (ret < 0) {
		return io_error(ret, ret == -E2BIG ? "read (over the 64 MiB limit)" : "read", error,
		                error_size);
	}
	ret = uhd_json_load(text, length, out, error, error_size);
	free(text);
	return ret;
}

/* The member, when object is an object that has it. */
static json_t *member(const json_t *object, const char *key)
{
	return json_is_object(object) && key ? json_object_get(object, key) : NULL;
}

bool uhd_json_get_string(const json_t *object, const char *key, const char **out)
{
	json_t *value = member(object, key);
	if (!json_is_string(value)) {
		return false;
	}
	*out = json_string_value(value);
	return true;
}

bool uhd_json_get_number(const json_t *object, const char *key, double *out)
{
	json_t *value = member(object, key);
	if (!json_is_number(value)) {
		return false;
	}
	*out = json_number_value(value);
	return true;
}

/* Past 2^53 a double no longer holds every integer; Jansson keeps integers written without a
 * fraction or exponent exactly, the others as doubles. */
bool uhd_json_get_int(const json_t *object, const char *key, int64_t *out)
{
	const json_int_t limit = (json_int_t)1 << 53;
	json_t *value = member(object, key);
	if (json_is_integer(value)) {
		json_int_t v = json_integer_value(value);
		if (v < -limit || v > limit) {
			return false;
		}
		*out = (int64_t)v;
		return true;
	}
	double v = json_is_real(value) ? json_real_value(value) : 0.5;
	if (!(v >= -(double)limit) || !(v <= (double)limit) || (double)(int64_t)v != v) {
		return false;
	}
	*out = (int64_t)v;
	return true;
}

bool uhd_json_get_bool(const json_t *object, const char *key, bool *out)
{
	json_t *value = member(object, key);
	if (!json_is_boolean(value)) {
		return false;
	}
	*out = json_is_true(value);
	return true;
}
