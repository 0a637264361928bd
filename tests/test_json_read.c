/* SPDX-License-Identifier: MIT */
/*
 * What uhdpipe relies on from its JSON reader (Jansson, through common/json_read.h): strict
 * documents only, duplicate keys and NUL characters refused, errors that name line and column,
 * the size limit, file errors, and the typed getters (integers within 2^53 only). Documents are
 * parsed from heap copies of exactly their length, so AddressSanitizer sees a read past the end.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/json_read.h"
#include "harness.h"

/* A literal with its length, so that documents can hold NUL bytes. */
#define DOC(literal) literal, sizeof(literal) - 1

static int load_exact(const char *text, size_t length, json_t **out, char *error, size_t error_size)
{
	char *copy = malloc(length ? length : 1);
	memcpy(copy, text, length);
	int ret = uhd_json_load(copy, length, out, error, error_size);
	free(copy);
	return ret;
}

static json_t *load_valid(const char *text, size_t length)
{
	json_t *root = NULL;
	char error[256] = "";
	int ret = load_exact(text, length, &root, error, sizeof(error));
	CHECK(ret == 0 && root, "'%.*s' must load, got %d: %s", (int)length, text, ret, error);
	return root;
}

static void expect_invalid(const char *text, size_t length, const char *fragment)
{
	json_t *root = (json_t *)&root; /* must be cleared */
	char error[256] = "";
	int ret = load_exact(text, length, &root, error, sizeof(error));
	CHECK(ret == -EINVAL, "'%.*s': expected -EINVAL, got %d (%s)", (int)length, text, ret,
	      error);
	CHECK(root == NULL, "'%.*s': *out must be NULL on error", (int)length, text);
	CHECK(strstr(error, fragment), "'%.*s': error '%s' lacks '%s'", (int)length, text, error,
	      fragment);
	for (const char *p = error; *p; p++) {
		CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p != 0x7f,
		      "'%.*s': error '%s' holds control character 0x%02x", (int)length, text, error,
		      (unsigned char)*p);
	}
}

static void test_refused(void)
{
	/* A key given twice would hide an edit made to the wrong copy. */
	expect_invalid(DOC("{\"rate\": 60,\n \"rate\": 30}"), "line 2");
	expect_invalid(DOC("{\"rate\": 60, \"rate\": 30}"), "duplicate");
	/* Strings are C strings further on: an embedded NUL would cut them silently. */
	expect_invalid(DOC("{\"a\": \"x\\u0000y\"}"), "line 1");
	expect_invalid(DOC("{\"a\\u0000\": 1}"), "line 1");
	expect_invalid(DOC("{\"a\": \"\xff\"}"), "line 1"); /* not UTF-8 */
	expect_invalid(DOC("{\"a\": 1}\0"), "line 1");      /* a NUL byte after the document */
	expect_invalid(DOC("{\"a\": 1} {}"), "line 1");     /* two documents */
	expect_invalid(DOC("{\"a\": 1,}"), "line 1");       /* trailing comma */
	expect_invalid(DOC("{'a': 1}"), "line 1");          /* single quotes */
	expect_invalid(DOC("{\"a\": NaN}"), "line 1");
	expect_invalid(DOC("{\"a\": 01}"), "line 1");
	expect_invalid(DOC("{\"a\": 1e999}"), "line 1"); /* out of double range */
	expect_invalid(DOC("60"), "line 1");             /* documents are objects or arrays */
	expect_invalid(DOC(""), "line 1, column 1");
	expect_invalid(DOC("{\"a\": [1, 2}"), "line 1, column 12");
	/* Jansson quotes the input near the mistake, here a backslash and a newline: the
	 * message must stay one line (found by fuzz_sequence). */
	expect_invalid(DOC("{\"a\": \"b\\\n \"}"), "near '\"b\\?'");
	expect_invalid(DOC("{\"a\": \"b\\\t\"}"), "near '\"b\\?'");
}

/* Where a person finds the mistake: the line, and the column of the character the parser
 * stopped at (counted in characters, not bytes). */
static void test_positions(void)
{
	expect_invalid(
	        DOC("{\"rate\": 60,\n \"patterns\": [\n  {\"pattern\": \"field\" \"frames\": 1}]}"),
	        "line 3, column 30");
	expect_invalid(DOC("{\"é\": \"ü\",\n \"b\" 1}"), "line 2, column 6");
}

static void test_getters(void)
{
	json_t *root = load_valid(DOC("{\"s\": \"text\", \"n\": 1.5, \"i\": 12, \"f\": 1.0, "
	                              "\"e\": 1e2, \"big\": 9007199254740994, \"neg\": "
	                              "-9007199254740992, \"t\": true, \"z\": null}"));
	const char *s = NULL;
	double n = 0;
	int64_t i = 0;
	bool b = false;
	CHECK(uhd_json_get_string(root, "s", &s) && strcmp(s, "text") == 0, "string");
	CHECK(!uhd_json_get_string(root, "n", &s) && !uhd_json_get_string(root, "none", &s),
	      "string of another type or absent");
	CHECK(uhd_json_get_number(root, "n", &n) && n == 1.5, "number 1.5");
	CHECK(uhd_json_get_number(root, "i", &n) && n == 12, "an integer is a number");
	CHECK(uhd_json_get_int(root, "i", &i) && i == 12, "int 12");
	CHECK(uhd_json_get_int(root, "f", &i) && i == 1, "1.0 is an integer");
	CHECK(uhd_json_get_int(root, "e", &i) && i == 100, "1e2 is an integer");
	i = 7;
	CHECK(!uhd_json_get_int(root, "n", &i) && i == 7, "1.5 is no integer, *out unchanged");
	CHECK(!uhd_json_get_int(root, "big", &i), "2^53 + 2 is past exact doubles");
	CHECK(uhd_json_get_int(root, "neg", &i) && i == -9007199254740992LL, "-2^53");
	CHECK(uhd_json_get_bool(root, "t", &b) && b, "true");
	CHECK(!uhd_json_get_bool(root, "z", &b) && !uhd_json_get_int(root, "s", &i),
	      "null is no bool, a string no int");
	json_t *array = load_valid(DOC("[1, 2]"));
	CHECK(!uhd_json_get_int(array, "0", &i) && !uhd_json_get_int(NULL, "i", &i),
	      "an array or NULL has no members");
	json_decref(array);
	json_decref(root);
}

static void test_size_limit(void)
{
	size_t length = UHD_JSON_READ_MAX + 1;
	char *text = malloc(length);
	CHECK(text != NULL, "allocation");
	if (!text) {
		return;
	}
	memset(text, ' ', length);
	text[0] = '[';
	text[length - 1] = ']';
	json_t *root = NULL;
	char error[256] = "";
	int ret = uhd_json_load(text, length, &root, error, sizeof(error));
	CHECK(ret == -E2BIG && !root && strstr(error, "64 MiB"), "over the limit: %d %s", ret,
	      error);
	free(text);
}

static void test_files(void)
{
	char path[] = "/tmp/test_json_read_XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0, "temporary file");
	if (fd < 0) {
		return;
	}
	static const char text[] = "{\"frames\": 12,\n \"bad\": [}\n";
	CHECK(write(fd, text, 13) == 13 && write(fd, "}", 1) == 1, "write");
	json_t *root = NULL;
	char error[256] = "";
	int64_t frames = 0;
	int ret = uhd_json_load_file(path, &root, error, sizeof(error));
	CHECK(ret == 0 && uhd_json_get_int(root, "frames", &frames) && frames == 12,
	      "file loaded: %d %s", ret, error);
	json_decref(root);

	CHECK(ftruncate(fd, 0) == 0 && pwrite(fd, text, sizeof(text) - 1, 0) > 0, "rewrite");
	ret = uhd_json_load_file(path, &root, error, sizeof(error));
	CHECK(ret == -EINVAL && !root && strstr(error, "line 2, column 10"), "bad file: %d %s", ret,
	      error);
	close(fd);
	unlink(path);

	ret = uhd_json_load_file(path, &root, error, sizeof(error));
	CHECK(ret == -ENOENT && !root && strstr(error, strerror(ENOENT)), "missing file: %d %s",
	      ret, error);
	ret = uhd_json_load_file("/", &root, error, sizeof(error));
	CHECK(ret == -EISDIR && !root && strstr(error, strerror(EISDIR)), "directory: %d %s", ret,
	      error);
	ret = uhd_json_load_file("/dev/null", &root, error, sizeof(error));
	CHECK(ret == -EINVAL && !root && strstr(error, "line 1, column 1"), "empty file: %d %s",
	      ret, error);
}

int main(void)
{
	test_refused();
	test_positions();
	test_getters();
	test_size_limit();
	test_files();
	return test_finish("test_json_read");
}
