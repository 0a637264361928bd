/* SPDX-License-Identifier: MIT */
/*
 * Strict JSON (RFC 8259) parser: recursive descent over a buffer that is not NUL-terminated.
 * Every read goes through the length (the parser is fuzzed), the nesting is bounded at 64 so
 * the stack use is bounded whatever the input, and a value is kept releasable at every step so
 * that any error can simply free the whole tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_value.h"

#define JV_MAX_DEPTH  64
#define JV_MAX_LENGTH ((size_t)64 << 20)

struct jv_parser {
	const unsigned char *text;
	size_t length;
	size_t pos;
	locale_t c_locale; /* for strtod_l, made on the first number */
	size_t error_pos;
	char what[128];
};

static int parse_value(struct jv_parser *p, struct uhd_jv *value, int depth);

/* The byte at the cursor, or -1 at the end: the one place that guards reads of the input. */
static int peek(const struct jv_parser *p)
{
	return p->pos < p->length ? p->text[p->pos] : -1;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int fail(struct jv_parser *p, size_t pos, int code, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Records the first (and only) error: the parser returns as soon as anything fails. */
static int fail(struct jv_parser *p, size_t pos, int code, const char *fmt, ...)
{
	va_list args;
	p->error_pos = pos;
	va_start(args, fmt);
	vsnprintf(p->what, sizeof(p->what), fmt, args);
	va_end(args);
	return code;
}

/* Says what was expected and what is there instead, as a character a person can find. */
static int unexpected(struct jv_parser *p, const char *expected)
{
	int c = peek(p);
	if (c < 0) {
		return fail(p, p->pos, -EINVAL, "expected %s, found the end of the input",
		            expected);
	}
	if (c > ' ' && c < 0x7f) {
		return fail(p, p->pos, -EINVAL, "expected %s, found '%c'", expected, c);
	}
	return fail(p, p->pos, -EINVAL, "expected %s, found byte 0x%02x", expected, c);
}

static int out_of_memory(struct jv_parser *p)
{
	return fail(p, p->pos, -ENOMEM, "out of memory");
}

/* RFC 8259 whitespace only: no form feed, no vertical tab, no Unicode spaces. */
static void skip_space(struct jv_parser *p)
{
	int c = peek(p);
	while (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
		p->pos++;
		c = peek(p);
	}
}

static int parse_literal(struct jv_parser *p, struct uhd_jv *value, const char *word,
                         enum uhd_jv_type type, bool boolean)
{
	size_t size = strlen(word);
	if (p->length - p->pos < size || memcmp(p->text + p->pos, word, size) != 0) {
		return fail(p, p->pos, -EINVAL, "expected '%s'", word);
	}
	p->pos += size;
	value->type = type;
	value->boolean = boolean;
	return 0;
}

static void skip_digits(struct jv_parser *p)
{
	while (is_digit(peek(p))) {
		p->pos++;
	}
}

/* Checks the number grammar here rather than trusting strtod, which would also take hex,
 * "inf", "nan", a leading '+', leading zeros or a locale's decimal comma. */
static int scan_number(struct jv_parser *p)
{
	size_t start = p->pos;
	if (peek(p) == '-') {
		p->pos++;
	}
	if (peek(p) == '0') {
		p->pos++;
		if (is_digit(peek(p))) {
			return fail(p, p->pos - 1, -EINVAL, "numbers cannot have leading zeros");
		}
	} else if (is_digit(peek(p))) {
		skip_digits(p);
	} else {
		return unexpected(p, p->pos == start ? "a value" : "a digit after '-'");
	}
	if (peek(p) == '.') {
		p->pos++;
		if (!is_digit(peek(p))) {
			return unexpected(p, "a digit after '.'");
		}
		skip_digits(p);
	}
	if (peek(p) == 'e' || peek(p) == 'E') {
		p->pos++;
		if (peek(p) == '+' || peek(p) == '-') {
			p->pos++;
		}
		if (!is_digit(peek(p))) {
			return unexpected(p, "a digit in the exponent");
		}
		skip_digits(p);
	}
	return 0;
}

/* strtod needs a NUL-terminated copy (the input has no terminator, and digits may follow it in
 * memory), and a "C" locale of its own so that the program's LC_NUMERIC cannot change a '.'. */
static int parse_number(struct jv_parser *p, struct uhd_jv *value)
{
	size_t start = p->pos;
	char small[64], *copy = small;
	int ret = scan_number(p);
	if (ret < 0) {
		return ret;
	}
	if (!p->c_locale && !(p->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0))) {
		return out_of_memory(p);
	}
	size_t size = p->pos - start;
	if (size >= sizeof(small) && !(copy = malloc(size + 1))) {
		return out_of_memory(p);
	}
	memcpy(copy, p->text + start, size);
	copy[size] = '\0';
	double number = strtod_l(copy, NULL, p->c_locale);
	if (copy != small) {
		free(copy);
	}
	/* Underflow quietly gives 0 or a subnormal; overflow would give infinity, which JSON
	 * cannot hold, so it is refused (RFC 8259 section 6 lets a parser limit the range). */
	if (number > DBL_MAX || number < -DBL_MAX) {
		return fail(p, start, -EINVAL, "number out of the range of a double");
	}
	value->type = UHD_JV_NUMBER;
	value->number = number;
	return 0;
}

/* Length of the well-formed UTF-8 sequence at s (Unicode table 3-7: no overlong forms, no
 * surrogates, nothing past U+10FFFF), or 0 when it is not one. */
static size_t utf8_sequence_length(const unsigned char *s, size_t available)
{
	unsigned char lowest = 0x80, highest = 0xbf;
	size_t length;
	if (s[0] < 0x80) {
		return 1;
	} else if (s[0] < 0xc2) {
		return 0; /* a continuation byte, or an overlong two-byte form */
	} else if (s[0] < 0xe0) {
		length = 2;
	} else if (s[0] < 0xf0) {
		length = 3;
		lowest = s[0] == 0xe0 ? 0xa0 : 0x80;
		highest = s[0] == 0xed ? 0x9f : 0xbf;
	} else if (s[0] < 0xf5) {
		length = 4;
		lowest = s[0] == 0xf0 ? 0x90 : 0x80;
		highest = s[0] == 0xf4 ? 0x8f : 0xbf;
	} else {
		return 0;
	}
	if (available < length || s[1] < lowest || s[1] > highest) {
		return 0;
	}
	for (size_t i = 2; i < length; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			return 0;
		}
	}
	return length;
}

static size_t encode_utf8(unsigned long code, char *out)
{
	if (code < 0x80) {
		out[0] = (char)code;
		return 1;
	}
	if (code < 0x800) {
		out[0] = (char)(0xc0 | code >> 6);
		out[1] = (char)(0x80 | (code & 0x3f));
		return 2;
	}
	if (code < 0x10000) {
		out[0] = (char)(0xe0 | code >> 12);
		out[1] = (char)(0x80 | (code >> 6 & 0x3f));
		out[2] = (char)(0x80 | (code & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | code >> 18);
	out[1] = (char)(0x80 | (code >> 12 & 0x3f));
	out[2] = (char)(0x80 | (code >> 6 & 0x3f));
	out[3] = (char)(0x80 | (code & 0x3f));
	return 4;
}

static int hex_value(unsigned char c)
{
	if (is_digit(c)) {
		return c - '0';
	}
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
		return (c | 0x20) - 'a' + 10;
	}
	return -1;
}

/* The code unit of the \uXXXX escape at text[at], or -1 when there is none before end. */
static long read_u_escape(const struct jv_parser *p, size_t at, size_t end)
{
	if (end - at < 6 || p->text[at] != '\\' || p->text[at + 1] != 'u') {
		return -1;
	}
	long code = 0;
	for (size_t i = at + 2; i < at + 6; i++) {
		int digit = hex_value(p->text[i]);
		if (digit < 0) {
			return -1;
		}
		code = code * 16 + digit;
	}
	return code;
}

/* Characters outside the BMP arrive as UTF-16 surrogate pairs; a half pair has no UTF-8 form. */
static int decode_u_escape(struct jv_parser *p, size_t end, char *string, size_t *size)
{
	long code = read_u_escape(p, p->pos, end);
	size_t consumed = 6;
	if (code < 0) {
		return fail(p, p->pos, -EINVAL, "expected four hex digits after \\u");
	}
	if (code >= 0xdc00 && code <= 0xdfff) {
		return fail(p, p->pos, -EINVAL, "lone low surrogate \\u%04lx", code);
	}
	if (code >= 0xd800 && code <= 0xdbff) {
		long low = read_u_escape(p, p->pos + 6, end);
		if (low < 0xdc00 || low > 0xdfff) {
			return fail(p, p->pos, -EINVAL,
			            "high surrogate \\u%04lx is not followed by a low surrogate",
			            code);
		}
		code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
		consumed = 12;
	}
	if (code == 0) {
		/* Strings are handed out NUL-terminated: an embedded NUL would cut them short. */
		return fail(p, p->pos, -EINVAL, "\\u0000 is not supported in strings");
	}
	*size += encode_utf8((unsigned long)code, string + *size);
	p->pos += consumed;
	return 0;
}

static int decode_escape(struct jv_parser *p, size_t end, char *string, size_t *size)
{
	char c;
	switch (p->pos + 1 < end ? p->text[p->pos + 1] : 0) {
	case '"': c = '"'; break;
	case '\\': c = '\\'; break;
	case '/': c = '/'; break;
	case 'b': c = '\b'; break;
	case 'f': c = '\f'; break;
	case 'n': c = '\n'; break;
	case 'r': c = '\r'; break;
	case 't': c = '\t'; break;
	case 'u': return decode_u_escape(p, end, string, size);
	default: return fail(p, p->pos, -EINVAL, "invalid escape sequence in a string");
	}
	string[(*size)++] = c;
	p->pos += 2;
	return 0;
}

/* Finds the closing quote first so that the string is allocated once (decoding only shortens
 * it). Raw control characters stop the search: a missing quote is usually found there. */
static int find_string_end(struct jv_parser *p, size_t *end)
{
	size_t i = p->pos + 1;
	while (i < p->length) {
		unsigned char c = p->text[i];
		if (c == '"') {
			*end = i;
			return 0;
		}
		if (c < 0x20) {
			return fail(p, i, -EINVAL,
			            "control character 0x%02x in a string (escape it)", c);
		}
		i += c == '\\' ? 2 : 1;
	}
	return fail(p, p->pos, -EINVAL, "unterminated string");
}

static int decode_string(struct jv_parser *p, size_t end, char *string, size_t *size)
{
	while (p->pos < end) {
		if (p->text[p->pos] == '\\') {
			int ret = decode_escape(p, end, string, size);
			if (ret < 0) {
				return ret;
			}
			continue;
		}
		size_t length = utf8_sequence_length(p->text + p->pos, end - p->pos);
		if (!length) {
			return fail(p, p->pos, -EINVAL, "invalid UTF-8 in a string");
		}
		memcpy(string + *size, p->text + p->pos, length);
		*size += length;
		p->pos += length;
	}
	return 0;
}

/* The cursor is on the opening quote; *out is only set on success. */
static int parse_string(struct jv_parser *p, char **out)
{
	size_t end = 0, size = 0;
	int ret = find_string_end(p, &end);
	if (ret < 0) {
		return ret;
	}
	char *string = malloc(end - p->pos); /* the raw characters and a NUL */
	if (!string) {
		return out_of_memory(p);
	}
	p->pos++;
	ret = decode_string(p, end, string, &size);
	if (ret < 0) {
		free(string);
		return ret;
	}
	string[size] = '\0';
	p->pos = end + 1;
	*out = string;
	return 0;
}

/* Makes room for one more item (and key, in an object) and zeroes it, so that an item that
 * fails half-way is still releasable by uhd_jv_free(). */
static int grow(struct jv_parser *p, struct uhd_jv *container, size_t *capacity)
{
	if (container->count == *capacity) {
		size_t wanted = *capacity ? *capacity * 2 : 4;
		if (wanted > SIZE_MAX / sizeof(struct uhd_jv)) {
			return out_of_memory(p);
		}
		struct uhd_jv *items = realloc(container->items, wanted * sizeof(*items));
		if (!items) {
			return out_of_memory(p);
		}
		container->items = items;
		if (container->type == UHD_JV_OBJECT) {
			char **keys = realloc(container->keys, wanted * sizeof(*keys));
			if (!keys) {
				return out_of_memory(p);
			}
			container->keys = keys;
		}
		*capacity = wanted;
	}
	container->items[container->count] = (struct uhd_jv){0};
	return 0;
}

/* After an item: returns 1 when a comma says another follows, 0 when closer ends the container. */
static int next_item(struct jv_parser *p, char closer)
{
	skip_space(p);
	if (peek(p) == closer) {
		p->pos++;
		return 0;
	}
	if (peek(p) != ',') {
		return unexpected(p, closer == ']' ? "',' or ']'" : "',' or '}'");
	}
	p->pos++;
	skip_space(p);
	if (peek(p) == closer) {
		return fail(p, p->pos, -EINVAL, "trailing comma before '%c'", closer);
	}
	return 1;
}

/* Containers start here, so this is the one place the nesting (and the recursion) is bounded. */
static int open_container(struct jv_parser *p, struct uhd_jv *value, enum uhd_jv_type type,
                          int depth)
{
	if (depth >= JV_MAX_DEPTH) {
		return fail(p, p->pos, -E2BIG, "nesting deeper than %d levels", JV_MAX_DEPTH);
	}
	value->type = type;
	p->pos++;
	skip_space(p);
	return 0;
}

static int parse_array(struct jv_parser *p, struct uhd_jv *array, int depth)
{
	size_t capacity = 0;
	int ret = open_container(p, array, UHD_JV_ARRAY, depth);
	if (ret < 0) {
		return ret;
	}
	if (peek(p) == ']') {
		p->pos++;
		return 0;
	}
	do {
		ret = grow(p, array, &capacity);
		if (ret < 0) {
			return ret;
		}
		ret = parse_value(p, &array->items[array->count++], depth + 1);
		if (ret < 0) {
			return ret;
		}
	} while ((ret = next_item(p, ']')) > 0);
	return ret;
}

static int parse_member(struct jv_parser *p, struct uhd_jv *object, size_t *capacity, int depth)
{
	char *key = NULL;
	if (peek(p) != '"') {
		return unexpected(p, "a member name in double quotes");
	}
	int ret = parse_string(p, &key);
	if (ret < 0) {
		return ret;
	}
	skip_space(p);
	if (peek(p) != ':') {
		ret = unexpected(p, "':' after the member name");
	} else {
		ret = grow(p, object, capacity);
	}
	if (ret < 0) {
		free(key);
		return ret;
	}
	p->pos++;
	skip_space(p);
	object->keys[object->count] = key;
	return parse_value(p, &object->items[object->count++], depth + 1);
}

static int parse_object(struct jv_parser *p, struct uhd_jv *object, int depth)
{
	size_t capacity = 0;
	int ret = open_container(p, object, UHD_JV_OBJECT, depth);
	if (ret < 0) {
		return ret;
	}
	if (peek(p) == '}') {
		p->pos++;
		return 0;
	}
	do {
		ret = parse_member(p, object, &capacity, depth);
		if (ret < 0) {
			return ret;
		}
	} while ((ret = next_item(p, '}')) > 0);
	return ret;
}

/* The cursor is on the first byte of the value, after any whitespace. */
static int parse_value(struct jv_parser *p, struct uhd_jv *value, int depth)
{
	switch (peek(p)) {
	case '{': return parse_object(p, value, depth);
	case '[': return parse_array(p, value, depth);
	case '"': value->type = UHD_JV_STRING; return parse_string(p, &value->string);
	case 't': return parse_literal(p, value, "true", UHD_JV_BOOL, true);
	case 'f': return parse_literal(p, value, "false", UHD_JV_BOOL, false);
	case 'n': return parse_literal(p, value, "null", UHD_JV_NULL, false);
	default: return parse_number(p, value);
	}
}

static int parse_document(struct jv_parser *p, struct uhd_jv *root)
{
	if (p->length >= 3 && memcmp(p->text, "\xef\xbb\xbf", 3) == 0) {
		return fail(p, 0, -EINVAL, "byte order mark before the value (save without BOM)");
	}
	skip_space(p);
	int ret = parse_value(p, root, 0);
	if (ret < 0) {
		return ret;
	}
	skip_space(p);
	if (p->pos < p->length) {
		return unexpected(p, "the end of the input after the value");
	}
	return 0;
}

/* Lines count '\n' (so CRLF files work too); columns count characters, not UTF-8 bytes, to
 * match what an editor shows. */
static void report(const struct jv_parser *p, int code, char *error, size_t error_size)
{
	size_t line = 1, column = 1;
	if (!error || !error_size) {
		return;
	}
	if (code == -ENOMEM) {
		snprintf(error, error_size, "%s", p->what);
		return;
	}
	for (size_t i = 0; i < p->error_pos && i < p->length; i++) {
		if (p->text[i] == '\n') {
			line++;
			column = 1;
		} else if ((p->text[i] & 0xc0) != 0x80) {
			column++;
		}
	}
	snprintf(error, error_size, "line %zu, column %zu: %s", line, column, p->what);
}

/* Items are released depth first; the depth is that of a parsed tree, so at most 64. */
static void release(struct uhd_jv *value)
{
	for (size_t i = 0; i < value->count; i++) {
		release(&value->items[i]);
		if (value->keys) {
			free(value->keys[i]);
		}
	}
	free(value->items);
	free(value->keys);
	free(value->string);
}

void uhd_jv_free(struct uhd_jv *value)
{
	if (value) {
		release(value);
		free(value);
	}
}

int uhd_jv_parse(const char *text, size_t length, struct uhd_jv **out, char *error,
                 size_t error_size)
{
	struct jv_parser p = {.text = (const unsigned char *)text, .length = length};
	*out = NULL;
	if (error && error_size) {
		error[0] = '\0';
	}
	if (length > JV_MAX_LENGTH) {
		if (error && error_size) {
			snprintf(error, error_size,
			         "document of %zu bytes is over the 64 MiB limit", length);
		}
		return -E2BIG;
	}
	struct uhd_jv *root = calloc(1, sizeof(*root));
	int ret = root ? parse_document(&p, root) : out_of_memory(&p);
	if (p.c_locale) {
		freelocale(p.c_locale);
	}
	if (ret < 0) {
		report(&p, ret, error, error_size);
		uhd_jv_free(root);
		return ret;
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
			if (capacity > JV_MAX_LENGTH) {
				ret = -E2BIG;
				break;
			}
			capacity = capacity > JV_MAX_LENGTH / 2 ? JV_MAX_LENGTH + 1 : capacity * 2;
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

int uhd_jv_parse_file(const char *path, struct uhd_jv **out, char *error, size_t error_size)
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
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > JV_MAX_LENGTH) {
		close(fd);
		return io_error(-E2BIG, "read (over the 64 MiB limit)", error, error_size);
	}
	int ret = read_all(fd, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0, &text, &length);
	close(fd);
	if (ret < 0) {
		return io_error(ret, ret == -E2BIG ? "read (over the 64 MiB limit)" : "read", error,
		                error_size);
	}
	ret = uhd_jv_parse(text, length, out, error, error_size);
	free(text);
	return ret;
}

const struct uhd_jv *uhd_jv_get(const struct uhd_jv *object, const char *key)
{
	if (!object || object->type != UHD_JV_OBJECT || !key) {
		return NULL;
	}
	/* Backwards, so that the last of duplicate names wins, as in most JSON readers. */
	for (size_t i = object->count; i-- > 0;) {
		if (strcmp(object->keys[i], key) == 0) {
			return &object->items[i];
		}
	}
	return NULL;
}

bool uhd_jv_get_string(const struct uhd_jv *object, const char *key, const char **out)
{
	const struct uhd_jv *value = uhd_jv_get(object, key);
	if (!value || value->type != UHD_JV_STRING) {
		return false;
	}
	*out = value->string;
	return true;
}

bool uhd_jv_get_number(const struct uhd_jv *object, const char *key, double *out)
{
	const struct uhd_jv *value = uhd_jv_get(object, key);
	if (!value || value->type != UHD_JV_NUMBER) {
		return false;
	}
	*out = value->number;
	return true;
}

/* Past 2^53 a double no longer holds every integer, so a larger number may not be the one
 * written in the file. */
bool uhd_jv_get_int(const struct uhd_jv *object, const char *key, int64_t *out)
{
	const double limit = 9007199254740992.0; /* 2^53 */
	const struct uhd_jv *value = uhd_jv_get(object, key);
	if (!value || value->type != UHD_JV_NUMBER || !(value->number >= -limit) ||
	    !(value->number <= limit) || (double)(int64_t)value->number != value->number) {
		return false;
	}
	*out = (int64_t)value->number;
	return true;
}

bool uhd_jv_get_bool(const struct uhd_jv *object, const char *key, bool *out)
{
	const struct uhd_jv *value = uhd_jv_get(object, key);
	if (!value || value->type != UHD_JV_BOOL) {
		return false;
	}
	*out = value->boolean;
	return true;
}
