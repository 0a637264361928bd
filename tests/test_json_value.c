/* SPDX-License-Identifier: MIT */
/*
 * The strict JSON parser: valid documents of every type, each RFC 8259 rule that must reject a
 * document, error positions, nesting and size limits, and the getters. Every document is parsed
 * from a heap copy of exactly its length, so AddressSanitizer catches a read past the end (the
 * parser gets no NUL terminator from its callers either).
 */
#include <errno.h>
#include <float.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "common/json_value.h"
#include "harness.h"

/* A literal with its length, so that documents can hold NUL bytes. */
#define DOC(literal) literal, sizeof(literal) - 1

static int parse_exact(const char *text, size_t length, struct uhd_jv **out, char *error,
                       size_t error_size)
{
	char *copy = malloc(length ? length : 1);
	memcpy(copy, text, length);
	int ret = uhd_jv_parse(copy, length, out, error, error_size);
	free(copy);
	return ret;
}

/* The document as printable ASCII for failure messages (it may hold control bytes). */
static const char *shown(const char *text, size_t length)
{
	static char buffer[160];
	size_t used = 0;
	for (size_t i = 0; i < length && used + 5 < sizeof(buffer); i++) {
		unsigned char c = (unsigned char)text[i];
		if (c >= ' ' && c < 0x7f) {
			buffer[used++] = (char)c;
		} else {
			used += (size_t)snprintf(buffer + used, 5, "\\x%02x", c);
		}
	}
	buffer[used] = '\0';
	return buffer;
}

static struct uhd_jv *parse_valid(const char *text, size_t length)
{
	struct uhd_jv *root = NULL;
	char error[256] = "";
	int ret = parse_exact(text, length, &root, error, sizeof(error));
	CHECK(ret == 0 && root, "'%s' must parse, got %d: %s", shown(text, length), ret, error);
	return root;
}

static void expect_invalid(const char *text, size_t length, int code, const char *fragment)
{
	struct uhd_jv *root = (struct uhd_jv *)&root; /* must be cleared */
	char error[256] = "";
	int ret = parse_exact(text, length, &root, error, sizeof(error));
	CHECK(ret == code, "'%s': expected %d, got %d (%s)", shown(text, length), code, ret, error);
	CHECK(root == NULL, "'%s': *out must be NULL on error", shown(text, length));
	CHECK(strstr(error, fragment), "'%s': error '%s' lacks '%s'", shown(text, length), error,
	      fragment);
	if (ret == 0) {
		uhd_jv_free(root);
	}
}

static void test_nested(void)
{
	struct uhd_jv *root =
	        parse_valid(DOC("{\"name\": \"suite\", \"count\": 3, \"ratio\": -0.5, "
	                        "\"ok\": true, \"bad\": false, \"none\": null,\n"
	                        " \"list\": [1, [2, [3, {}]], [], \"x\"],\n"
	                        " \"obj\": {\"inner\": {\"deep\": [true]}}}"));
	if (!root) {
		return;
	}
	CHECK(root->type == UHD_JV_OBJECT && root->count == 8, "root: type %d, %zu members",
	      root->type, root->count);
	const char *names[] = {"name", "count", "ratio", "ok", "bad", "none", "list", "obj"};
	for (size_t i = 0; i < 8 && i < root->count; i++) {
		CHECK(strcmp(root->keys[i], names[i]) == 0, "member %zu is '%s', expected '%s'", i,
		      root->keys[i], names[i]);
	}
	const struct uhd_jv *none = uhd_jv_get(root, "none");
	CHECK(none && none->type == UHD_JV_NULL, "null member");
	const struct uhd_jv *list = uhd_jv_get(root, "list");
	CHECK(list && list->type == UHD_JV_ARRAY && list->count == 4, "list of 4");
	if (list && list->count == 4) {
		CHECK(list->keys == NULL, "arrays have no keys");
		CHECK(list->items[0].type == UHD_JV_NUMBER && list->items[0].number == 1,
		      "list[0]");
		const struct uhd_jv *inner = &list->items[1];
		CHECK(inner->type == UHD_JV_ARRAY && inner->count == 2, "list[1] has 2 items");
		if (inner->count == 2) {
			inner = &inner->items[1];
			CHECK(inner->count == 2 && inner->items[1].type == UHD_JV_OBJECT &&
			              inner->items[1].count == 0,
			      "list[1][1][1] is an empty object");
		}
		CHECK(list->items[2].type == UHD_JV_ARRAY && list->items[2].count == 0, "[]");
		CHECK(list->items[3].type == UHD_JV_STRING && !strcmp(list->items[3].string, "x"),
		      "list[3] is \"x\"");
	}
	const struct uhd_jv *deep =
	        uhd_jv_get(uhd_jv_get(uhd_jv_get(root, "obj"), "inner"), "deep");
	CHECK(deep && deep->type == UHD_JV_ARRAY && deep->count == 1 &&
	              deep->items[0].type == UHD_JV_BOOL && deep->items[0].boolean,
	      "obj.inner.deep is [true]");
	uhd_jv_free(root);
}

static void expect_string(const char *text, size_t length, const char *expected)
{
	struct uhd_jv *root = parse_valid(text, length);
	if (!root) {
		return;
	}
	CHECK(root->type == UHD_JV_STRING && root->string && !strcmp(root->string, expected),
	      "'%s' decodes to '%s'", shown(text, length),
	      root->string ? shown(root->string, strlen(root->string)) : "(none)");
	uhd_jv_free(root);
}

static void test_strings(void)
{
	expect_string(DOC("\"\""), "");
	expect_string(DOC("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""), "\"\\/\b\f\n\r\t");
	expect_string(DOC("\"\\u0041\\u00e9\\u20AC\\u20ac\""), "A\xc3\xa9\xe2\x82\xac\xe2\x82\xac");
	/* Surrogate pairs: U+1F600, the highest code point U+10FFFF, U+10000. */
	expect_string(DOC("\"\\uD83D\\uDE00\\udbff\\udfff\\uD800\\uDC00\""),
	              "\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xf0\x90\x80\x80");
	expect_string(DOC("\"\\u0001\\u001f\\u007f\\u0080\\uffff\""),
	              "\x01\x1f\x7f\xc2\x80\xef\xbf\xbf");
	/* Raw UTF-8 passes through, at the edges of each range Unicode table 3-7 allows. */
	expect_string(DOC("\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\""),
	              "\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf");
	expect_string(DOC("\"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf \x7f\""),
	              "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf \x7f");
	expect_string(DOC(" \t\r\n\"a\\nb\" \t\r\n"), "a\nb");
}

/* Exact comparison: strtod rounds correctly; the sign is compared too, for -0. */
static void expect_number(const char *text, double expected)
{
	struct uhd_jv *root = parse_valid(text, strlen(text));
	if (!root) {
		return;
	}
	CHECK(root->type == UHD_JV_NUMBER && root->number == expected &&
	              (signbit(root->number) != 0) == (signbit(expected) != 0),
	      "'%s' gives %.17g, expected %.17g", text, root->number, expected);
	uhd_jv_free(root);
}

static void test_numbers(void)
{
	expect_number("0", 0.0);
	expect_number("-0", -0.0);
	expect_number("-0.0e0", -0.0);
	expect_number("1e308", 1e308);
	expect_number("1E-7", 1e-7);
	expect_number("1.7976931348623157e308", DBL_MAX);
	expect_number("-1.7976931348623157E+308", -DBL_MAX);
	expect_number("4.9e-324", 4.9e-324);
	expect_number("1e-400", 0.0); /* underflow is quietly zero */
	expect_number("-1.5e+3", -1500.0);
	expect_number("2.5E-3", 2.5e-3);
	expect_number("0.1", 0.1);
	expect_number("10", 10.0);
	expect_number("-123.456e-2", -1.23456);
	expect_number("123456789012345678901234567890", 1.2345678901234568e29);
	expect_number("9007199254740993", 9007199254740992.0);
	/* Longer than the parser's stack copy. */
	expect_number("1000000000000000000000000000000000000000000000000000000000000000000000000000"
	              "000000000000000000000000.0",
	              1e99);
	expect_number(
	        "0.00000000000000000000000000000000000000000000000000000000000000000000000001",
	        1e-74);
}

static void test_whole_values(void)
{
	struct uhd_jv *root = parse_valid(DOC("null"));
	CHECK(root && root->type == UHD_JV_NULL, "top-level null");
	uhd_jv_free(root);
	root = parse_valid(DOC(" true "));
	CHECK(root && root->type == UHD_JV_BOOL && root->boolean, "top-level true");
	uhd_jv_free(root);
	root = parse_valid(DOC("false"));
	CHECK(root && root->type == UHD_JV_BOOL && !root->boolean, "top-level false");
	uhd_jv_free(root);
	root = parse_valid(DOC("\r\n[ 1 ,\t2 ]\r\n"));
	CHECK(root && root->type == UHD_JV_ARRAY && root->count == 2, "whitespace around items");
	uhd_jv_free(root);
	root = parse_valid(DOC("{\"\": 1, \"a\\u0062\": [], \"a\": 1, \"a\": \"last\"}"));
	if (root) {
		CHECK(root->count == 4 && !strcmp(root->keys[0], "") &&
		              !strcmp(root->keys[1], "ab"),
		      "empty and escaped member names");
		const char *value = NULL;
		CHECK(uhd_jv_get_string(root, "a", &value) && !strcmp(value, "last"),
		      "the last duplicate wins");
	}
	uhd_jv_free(root);
	uhd_jv_free(NULL);
}

struct invalid_case {
	const char *text;
	size_t length;
	const char *fragment;
};

static void test_invalid(void)
{
	static const struct invalid_case cases[] = {
	        {DOC(""), "found the end of the input"},
	        {DOC(" \r\n\t"), "found the end of the input"},
	        /* Trailing commas, missing separators, wrong quotes. */
	        {DOC("[1,]"), "trailing comma"},
	        {DOC("{\"a\":1,}"), "trailing comma"},
	        {DOC("[1 2]"), "expected ',' or ']'"},
	        {DOC("{\"a\":1 \"b\":2}"), "expected ',' or '}'"},
	        {DOC("{\"a\" 1}"), "':'"},
	        {DOC("{a:1}"), "member name"},
	        {DOC("{'a':1}"), "member name"},
	        {DOC("['a']"), "found '''"},
	        {DOC("[,1]"), "expected a value"},
	        {DOC("[1,,2]"), "expected a value"},
	        {DOC("{,}"), "member name"},
	        {DOC("{\"a\"}"), "':'"},
	        {DOC("{\"a\":}"), "expected a value"},
	        {DOC("[1}"), "expected ',' or ']'"},
	        {DOC("{\"a\":1]"), "expected ',' or '}'"},
	        {DOC("]"), "expected a value"},
	        {DOC(":"), "expected a value"},
	        /* Comments. */
	        {DOC("[1]/*c*/"), "end of the input after the value"},
	        {DOC("[1,/*c*/2]"), "expected a value"},
	        {DOC("// c\n1"), "expected a value"},
	        {DOC("# c\n1"), "expected a value"},
	        /* Literals and non-numbers. */
	        {DOC("NaN"), "expected a value, found 'N'"},
	        {DOC("nan"), "expected 'null'"},
	        {DOC("Infinity"), "found 'I'"},
	        {DOC("-Infinity"), "a digit after '-'"},
	        {DOC("inf"), "found 'i'"},
	        {DOC("tru"), "expected 'true'"},
	        {DOC("nul"), "expected 'null'"},
	        {DOC("fals"), "expected 'false'"},
	        {DOC("True"), "found 'T'"},
	        {DOC("NULL"), "found 'N'"},
	        {DOC("[undefined]"), "found 'u'"},
	        /* Number grammar. */
	        {DOC("01"), "leading zeros"},
	        {DOC("-01"), "leading zeros"},
	        {DOC("00"), "leading zeros"},
	        {DOC("[00.5]"), "leading zeros"},
	        {DOC("+1"), "found '+'"},
	        {DOC("1."), "a digit after '.'"},
	        {DOC("1.e5"), "a digit after '.'"},
	        {DOC(".5"), "found '.'"},
	        {DOC("-"), "a digit after '-'"},
	        {DOC("- 1"), "a digit after '-'"},
	        {DOC("--1"), "a digit after '-'"},
	        {DOC("1e"), "exponent"},
	        {DOC("1e+"), "exponent"},
	        {DOC("1E-"), "exponent"},
	        {DOC("1e+-1"), "exponent"},
	        {DOC("0x10"), "end of the input after the value, found 'x'"},
	        {DOC("1,5"), "end of the input after the value, found ','"},
	        {DOC("1e309"), "out of the range"},
	        {DOC("-1e309"), "out of the range"},
	        {DOC("[1e99999999999999999999]"), "out of the range"},
	        /* Control characters in strings. */
	        {DOC("\"a\x01 b\""), "control character 0x01"},
	        {DOC("\"a\nb\""), "control character 0x0a"},
	        {DOC("\"a\tb\""), "control character 0x09"},
	        {DOC("\"a\0b\""), "control character 0x00"},
	        {DOC("{\"a\x1f\":1}"), "control character 0x1f"},
	        /* Escapes. */
	        {DOC("\"\\x41\""), "invalid escape"},
	        {DOC("\"\\'\""), "invalid escape"},
	        {DOC("\"\\U0041\""), "invalid escape"},
	        {DOC("\"\\\n\""), "invalid escape"},
	        {DOC("\"\\u12\""), "four hex digits"},
	        {DOC("\"\\u12G4\""), "four hex digits"},
	        {DOC("\"\\u\""), "four hex digits"},
	        {DOC("\"\\u0000\""), "\\u0000"},
	        {DOC("{\"a\\u0000b\":1}"), "\\u0000"},
	        /* Surrogates. */
	        {DOC("\"\\uD800\""), "high surrogate \\ud800"},
	        {DOC("\"\\uDBFFx\""), "high surrogate"},
	        {DOC("\"\\uD800\\u0041\""), "high surrogate"},
	        {DOC("\"\\uD800\\uD800\""), "high surrogate"},
	        {DOC("\"\\uD800\\n\""), "high surrogate"},
	        {DOC("\"\\uD800\\uDC0\""), "high surrogate"},
	        {DOC("\"\\uDC00\""), "lone low surrogate"},
	        {DOC("\"\\uDFFF\\uD800\""), "lone low surrogate"},
	        /* Invalid UTF-8: stray continuation, overlong forms, surrogates, past U+10FFFF,
	         * bytes that never occur, truncated sequences. */
	        {DOC("\"\x80\""), "invalid UTF-8"},
	        {DOC("\"\xbf\""), "invalid UTF-8"},
	        {DOC("\"\xc0\xaf\""), "invalid UTF-8"},
	        {DOC("\"\xc1\xbf\""), "invalid UTF-8"},
	        {DOC("\"\xe0\x80\xaf\""), "invalid UTF-8"},
	        {DOC("\"\xe0\x9f\xbf\""), "invalid UTF-8"},
	        {DOC("\"\xf0\x8f\xbf\xbf\""), "invalid UTF-8"},
	        {DOC("\"\xed\xa0\x80\""), "invalid UTF-8"},
	        {DOC("\"\xed\xbf\xbf\""), "invalid UTF-8"},
	        {DOC("\"\xf4\x90\x80\x80\""), "invalid UTF-8"},
	        {DOC("\"\xf5\x80\x80\x80\""), "invalid UTF-8"},
	        {DOC("\"\xfe\""), "invalid UTF-8"},
	        {DOC("\"\xff\""), "invalid UTF-8"},
	        {DOC("\"\xc3\""), "invalid UTF-8"},
	        {DOC("\"\xe2\x82\""), "invalid UTF-8"},
	        {DOC("\"\xf0\x9f\x98\""), "invalid UTF-8"},
	        {DOC("\"\xe2\x28\xa1\""), "invalid UTF-8"},
	        {DOC("{\"\xc3(\":1}"), "invalid UTF-8"},
	        {DOC("\xc3\xa9"), "found byte 0xc3"},
	        /* Only space, tab, CR and LF are whitespace. */
	        {DOC("\f1"), "found byte 0x0c"},
	        {DOC("\v1"), "found byte 0x0b"},
	        {DOC("1\f"), "end of the input after the value, found byte 0x0c"},
	        {DOC("[1,\xc2\xa0 2]"), "found byte 0xc2"},
	        {DOC("\xef\xbb\xbf{}"), "byte order mark"},
	        {DOC("\0 1"), "found byte 0x00"},
	        /* Trailing data after the value. */
	        {DOC("1 2"), "end of the input after the value"},
	        {DOC("{} x"), "end of the input after the value"},
	        {DOC("[]]"), "end of the input after the value"},
	        {DOC("{}{}"), "end of the input after the value"},
	        {DOC("nulll"), "end of the input after the value"},
	        {DOC("truex"), "end of the input after the value"},
	        {DOC("[truex]"), "expected ',' or ']', found 'x'"},
	        {DOC("true false"), "end of the input after the value"},
	        {DOC("1\0"), "found byte 0x00"},
	        {DOC("[1]\0"), "found byte 0x00"},
	        {DOC("\"a\"\""), "end of the input after the value"},
	        /* Truncated documents. */
	        {DOC("["), "found the end of the input"},
	        {DOC("{"), "member name in double quotes, found the end"},
	        {DOC("[1"), "found the end of the input"},
	        {DOC("{\"a\":1"), "found the end of the input"},
	        {DOC("\"unterminated"), "unterminated string"},
	        {DOC("\"ends in a backslash\\"), "unterminated string"},
	        {DOC("\"\\"), "unterminated string"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expect_invalid(cases[i].text, cases[i].length, -EINVAL, cases[i].fragment);
	}
}

/* A document using every construct: all its proper prefixes are invalid (it ends in '}' and
 * has no trailing whitespace), and each must be refused cleanly. */
static const char full_document[] =
        "{\"a\": [1, -2.5e+3, 0, -0, 1E-7, true, false, null, \"\"],\n"
        " \"s\": \"x\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\xc3\xa9\xf0\x9f\x98\x80\",\n"
        " \"o\": {\"n\": {}, \"m\": [[]], \"\": 123456789}\t}";

static void test_prefixes(void)
{
	size_t length = sizeof(full_document) - 1;
	for (size_t prefix = 0; prefix <= length; prefix++) {
		struct uhd_jv *root = NULL;
		char error[256] = "";
		int ret = parse_exact(full_document, prefix, &root, error, sizeof(error));
		if (prefix == length) {
			CHECK(ret == 0 && root, "the full document must parse: %s", error);
		} else {
			CHECK(ret == -EINVAL && !root && !strncmp(error, "line ", 5),
			      "prefix of %zu bytes: got %d (%s)", prefix, ret, error);
		}
		uhd_jv_free(root);
	}
}

/* Every byte of the document replaced by bytes that matter to the grammar: any result is fine
 * but a crash, a leak or a read out of bounds (the sanitizers watch). */
static void test_mutations(void)
{
	static const char replacements[] = "\0\"\\[]{},:0-eE.u \x80\xc3\xed\xff";
	size_t length = sizeof(full_document) - 1;
	char *copy = malloc(length);
	for (size_t at = 0; at < length; at++) {
		for (size_t r = 0; r < sizeof(replacements) - 1; r++) {
			memcpy(copy, full_document, length);
			copy[at] = replacements[r];
			struct uhd_jv *root = NULL;
			char error[256] = "";
			int ret = parse_exact(copy, length, &root, error, sizeof(error));
			CHECK(ret == 0 || (ret == -EINVAL && error[0]),
			      "byte %zu set to 0x%02x: got %d", at, (unsigned char)replacements[r],
			      ret);
			uhd_jv_free(root);
		}
	}
	free(copy);
}

static char *nested(int depth, const char *open, const char *middle, const char *close)
{
	size_t size = (strlen(open) + strlen(close)) * (size_t)depth + strlen(middle) + 1;
	char *text = malloc(size), *at = text;
	for (int i = 0; i < depth; i++) {
		at = stpcpy(at, open);
	}
	at = stpcpy(at, middle);
	for (int i = 0; i < depth; i++) {
		at = stpcpy(at, close);
	}
	return text;
}

/* Each repeat of open adds levels_each levels of nesting. */
static void expect_depth(int depth, int levels_each, const char *open, const char *middle,
                         const char *close)
{
	char *text = nested(depth, open, middle, close);
	if (depth * levels_each <= 64) {
		struct uhd_jv *root = parse_valid(text, strlen(text));
		int levels = 0;
		for (const struct uhd_jv *v = root; v && v->count; v = &v->items[0]) {
			levels++;
		}
		CHECK(levels == depth * levels_each, "%d times '%s' gave %d levels", depth, open,
		      levels);
		uhd_jv_free(root);
	} else {
		expect_invalid(text, strlen(text), -E2BIG, "nesting deeper than 64");
	}
	free(text);
}

static void test_depth(void)
{
	expect_depth(64, 1, "[", "1", "]");
	expect_depth(65, 1, "[", "1", "]");
	expect_depth(64, 1, "{\"k\":", "1", "}");
	expect_depth(65, 1, "{\"k\":", "1", "}");
	expect_depth(32, 2, "[{\"k\":", "\"s\"", "}]");
	expect_depth(33, 2, "[{\"k\":", "\"s\"", "}]");
	/* Far deeper than the limit must not touch the stack more: refused at level 65. */
	char *text = nested(1000000, "[", "", "]");
	expect_invalid(text, strlen(text), -E2BIG, "line 1, column 65: nesting deeper than 64");
	free(text);
	text = nested(65, "[", "", "");
	expect_invalid(text, strlen(text), -E2BIG, "column 65");
	free(text);
}

static void test_positions(void)
{
	expect_invalid(DOC("{\n  \"a\": 1,\n  \"b\": [1, 2,]\n}"), -EINVAL,
	               "line 3, column 14: trailing comma before ']'");
	/* CRLF line ends; columns count characters, not UTF-8 bytes. */
	expect_invalid(DOC("{\r\n\"a\":\r\n  tru}"), -EINVAL, "line 3, column 3: expected 'true'");
	expect_invalid(DOC("[\"\xc3\xa9\xf0\x9f\x98\x80\", x]"), -EINVAL,
	               "line 1, column 8: expected a value, found 'x'");
	expect_invalid(DOC("\n\n\n"), -EINVAL, "line 4, column 1: expected a value");
	expect_invalid(DOC("[\n\"abc\ndef\"]"), -EINVAL, "line 2, column 5: control character");
	expect_invalid(DOC("[\n  \"abc]"), -EINVAL, "line 2, column 3: unterminated string");
	expect_invalid(DOC("[1, 012]"), -EINVAL, "line 1, column 5: numbers cannot have");
	expect_invalid(DOC("[\"\\uD83D\\u0041\"]"), -EINVAL, "line 1, column 3: high surrogate");
	expect_invalid(DOC("[\"ok\", \"\xe2\x82\"]"), -EINVAL, "line 1, column 9: invalid UTF-8");
}

static void test_error_buffer(void)
{
	struct uhd_jv *root = NULL;
	CHECK(uhd_jv_parse("[", 1, &root, NULL, 0) == -EINVAL && !root, "no error buffer");
	char small[8];
	memset(small, 'x', sizeof(small));
	CHECK(uhd_jv_parse("[", 1, &root, small, sizeof(small)) == -EINVAL, "small error buffer");
	CHECK(memchr(small, '\0', sizeof(small)) && !strncmp(small, "line 1", 6),
	      "error truncated to '%.8s'", small);
	CHECK(uhd_jv_parse(NULL, 0, &root, NULL, 0) == -EINVAL && !root, "NULL text of length 0");
}

static void test_size_limit(void)
{
	size_t limit = (size_t)64 << 20;
	char *text = malloc(limit + 1);
	memset(text, ' ', limit + 1);
	text[limit - 1] = '7';
	struct uhd_jv *root = NULL;
	char error[256] = "";
	int ret = uhd_jv_parse(text, limit, &root, error, sizeof(error));
	CHECK(ret == 0 && root && root->number == 7, "a document of exactly 64 MiB: %d %s", ret,
	      error);
	uhd_jv_free(root);
	root = NULL;
	ret = uhd_jv_parse(text, limit + 1, &root, error, sizeof(error));
	CHECK(ret == -E2BIG && !root && strstr(error, "64 MiB"), "64 MiB + 1: %d %s", ret, error);
	free(text);
}

static void test_getters(void)
{
	struct uhd_jv *root = parse_valid(
	        DOC("{\"s\": \"text\", \"n\": 2.5, \"i\": 42, \"neg\": -7, \"e\": 1e2, "
	            "\"max\": 9007199254740992, \"min\": -9007199254740992, "
	            "\"over\": 9007199254740994, \"frac\": 1.5, \"tiny\": 1e-300, "
	            "\"t\": true, \"f\": false, \"z\": null, \"arr\": [1], \"o\": {}}"));
	if (!root) {
		return;
	}
	const char *string = "unchanged";
	double number = -1;
	int64_t integer = -1;
	bool boolean = false;
	CHECK(uhd_jv_get_string(root, "s", &string) && !strcmp(string, "text"), "string");
	CHECK(uhd_jv_get_number(root, "n", &number) && number == 2.5, "number");
	CHECK(uhd_jv_get_int(root, "i", &integer) && integer == 42, "int 42");
	CHECK(uhd_jv_get_int(root, "neg", &integer) && integer == -7, "int -7");
	CHECK(uhd_jv_get_int(root, "e", &integer) && integer == 100, "1e2 is integral");
	CHECK(uhd_jv_get_int(root, "max", &integer) && integer == INT64_C(9007199254740992),
	      "2^53");
	CHECK(uhd_jv_get_int(root, "min", &integer) && integer == -INT64_C(9007199254740992),
	      "-2^53");
	CHECK(uhd_jv_get_bool(root, "t", &boolean) && boolean, "true");
	CHECK(uhd_jv_get_bool(root, "f", &boolean) && !boolean, "false");

	/* Absent or of another type: false, and the output is left alone. */
	string = "unchanged";
	number = -1;
	integer = -1;
	boolean = true;
	CHECK(!uhd_jv_get_string(root, "n", &string) && !strcmp(string, "unchanged"),
	      "n not string");
	CHECK(!uhd_jv_get_string(root, "z", &string) && !strcmp(string, "unchanged"), "null");
	CHECK(!uhd_jv_get_number(root, "s", &number) && number == -1, "s not a number");
	CHECK(!uhd_jv_get_number(root, "missing", &number) && number == -1, "missing number");
	CHECK(!uhd_jv_get_int(root, "over", &integer) && integer == -1, "2^53 + 2 refused");
	CHECK(!uhd_jv_get_int(root, "frac", &integer) && integer == -1, "1.5 refused");
	CHECK(!uhd_jv_get_int(root, "tiny", &integer) && integer == -1, "1e-300 refused");
	CHECK(!uhd_jv_get_int(root, "t", &integer) && integer == -1, "bool is not an int");
	CHECK(!uhd_jv_get_bool(root, "z", &boolean) && boolean, "null is not a bool");
	CHECK(!uhd_jv_get_bool(root, "i", &boolean) && boolean, "42 is not a bool");
	CHECK(!uhd_jv_get_bool(root, "missing", &boolean) && boolean, "missing bool");

	const struct uhd_jv *arr = uhd_jv_get(root, "arr");
	CHECK(arr && arr->type == UHD_JV_ARRAY, "arr");
	CHECK(uhd_jv_get(arr, "0") == NULL, "arrays have no members");
	CHECK(!uhd_jv_get_number(arr, "0", &number) && number == -1, "getter on an array");
	CHECK(uhd_jv_get(uhd_jv_get(root, "s"), "s") == NULL, "strings have no members");
	CHECK(uhd_jv_get(uhd_jv_get(root, "o"), "s") == NULL, "empty object");
	CHECK(uhd_jv_get(NULL, "s") == NULL, "NULL object");
	CHECK(uhd_jv_get(root, "missing") == NULL, "missing member");
	uhd_jv_free(root);
}

static void test_files(void)
{
	char path[] = "/tmp/test_json_value_XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0, "temporary file");
	if (fd < 0) {
		return;
	}
	static const char text[] = "{\"frames\": 12,\n \"bad\": [}\n";
	CHECK(write(fd, text, 13) == 13 && write(fd, "}", 1) == 1, "write");
	struct uhd_jv *root = NULL;
	char error[256] = "";
	int64_t frames = 0;
	int ret = uhd_jv_parse_file(path, &root, error, sizeof(error));
	CHECK(ret == 0 && uhd_jv_get_int(root, "frames", &frames) && frames == 12,
	      "file parsed: %d %s", ret, error);
	uhd_jv_free(root);

	CHECK(ftruncate(fd, 0) == 0 && pwrite(fd, text, sizeof(text) - 1, 0) > 0, "rewrite");
	ret = uhd_jv_parse_file(path, &root, error, sizeof(error));
	CHECK(ret == -EINVAL && !root && strstr(error, "line 2, column 10"), "bad file: %d %s", ret,
	      error);
	close(fd);
	unlink(path);

	root = (struct uhd_jv *)&root;
	ret = uhd_jv_parse_file(path, &root, error, sizeof(error));
	CHECK(ret == -ENOENT && !root && strstr(error, strerror(ENOENT)), "missing file: %d %s",
	      ret, error);
	ret = uhd_jv_parse_file("/", &root, error, sizeof(error));
	CHECK(ret == -EISDIR && !root && strstr(error, strerror(EISDIR)), "directory: %d %s", ret,
	      error);
	ret = uhd_jv_parse_file("/dev/null", &root, error, sizeof(error));
	CHECK(ret == -EINVAL && !root && strstr(error, "end of the input"), "empty file: %d %s",
	      ret, error);
}

/* Numbers must not follow LC_NUMERIC: a German locale would read "1.5" as 1. */
static void test_locale(void)
{
	static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
	                                    "fr_FR.utf8",  "de_DE",      "fr_FR"};
	const char *found = NULL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !found; i++) {
		if (setlocale(LC_NUMERIC, names[i])) {
			found = names[i];
		}
	}
	if (!found) {
		printf("skip locale check: no locale with a decimal comma is installed\n");
		return;
	}
	expect_number("1.5", 1.5);
	expect_number("-2.25e1", -22.5);
	expect_invalid(DOC("1,5"), -EINVAL, "end of the input after the value");
	setlocale(LC_NUMERIC, "C");
}

int main(void)
{
	test_nested();
	test_strings();
	test_numbers();
	test_whole_values();
	test_invalid();
	test_prefixes();
	test_mutations();
	test_depth();
	test_positions();
	test_error_buffer();
	test_size_limit();
	test_getters();
	test_files();
	test_locale();
	return test_finish("test_json_value");
}
