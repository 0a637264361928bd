/* SPDX-License-Identifier: MIT */
/* Streaming JSON writer: keeps just enough state to place commas and indentation. */
#include <math.h>
#include <string.h>

#include "../common/utf8.h"
#include "json.h"

void uhd_json_init(struct uhd_json *json, FILE *file, bool pretty)
{
	memset(json, 0, sizeof(*json));
	json->file = file;
	json->pretty = pretty;
}

static void write_escaped(FILE *file, const char *text)
{
	fputc('"', file);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", file); break;
		case '\\': fputs("\\\\", file); break;
		case '\n': fputs("\\n", file); break;
		case '\r': fputs("\\r", file); break;
		case '\t': fputs("\\t", file); break;
		default:
			if (*p < 0x20) {
				fprintf(file, "\\u%04x", *p);
			} else if (uhd_utf8_length(p) == 0) {
				fputs("\\ufffd", file); /* not UTF-8: paths are bytes */
			} else {
				size_t n = uhd_utf8_length(p);
				fwrite(p, 1, n, file);
				p += n - 1;
			}
		}
	}
	fputc('"', file);
}

static void indent(struct uhd_json *json)
{
	if (json->pretty) {
		fputc('\n', json->file);
		for (int i = 0; i < json->depth; i++) {
			fputs("  ", json->file);
		}
	}
}

/* Comma, newline, indentation and key before any value. */
static void begin_value(struct uhd_json *json, const char *key)
{
	if (json->depth > 0) {
		if (json->has_items[json->depth]) {
			fputc(',', json->file);
		}
		json->has_items[json->depth] = true;
		indent(json);
	}
	if (key) {
		write_escaped(json->file, key);
		fputs(json->pretty ? ": " : ":", json->file);
	}
}

static void open_container(struct uhd_json *json, const char *key, char bracket)
{
	begin_value(json, key);
	fputc(bracket, json->file);
	if (json->depth + 1 < UHD_JSON_MAX_DEPTH) {
		json->depth++;
	}
	json->has_items[json->depth] = false;
}

static void close_container(struct uhd_json *json, char bracket)
{
	bool had_items = json->has_items[json->depth];
	json->depth--;
	if (had_items) {
		indent(json);
	}
	fputc(bracket, json->file);
	if (json->depth == 0) {
		fputc('\n', json->file);
	}
}

void uhd_json_object_begin(struct uhd_json *json, const char *key)
{
	open_container(json, key, '{');
}

void uhd_json_object_end(struct uhd_json *json)
{
	close_container(json, '}');
}

void uhd_json_array_begin(struct uhd_json *json, const char *key)
{
	open_container(json, key, '[');
}

void uhd_json_array_end(struct uhd_json *json)
{
	close_container(json, ']');
}

void uhd_json_string(struct uhd_json *json, const char *key, const char *value)
{
	begin_value(json, key);
	write_escaped(json->file, value ? value : "");
}

void uhd_json_int(struct uhd_json *json, const char *key, int64_t value)
{
	begin_value(json, key);
	fprintf(json->file, "%lld", (long long)value);
}

void uhd_json_double(struct uhd_json *json, const char *key, double value)
{
	begin_value(json, key);
	if (isfinite(value)) {
		fprintf(json->file, "%.10g", value);
	} else {
		fputs("null", json->file);
	}
}

void uhd_json_bool(struct uhd_json *json, const char *key, bool value)
{
	begin_value(json, key);
	fputs(value ? "true" : "false", json->file);
}

void uhd_json_null(struct uhd_json *json, const char *key)
{
	begin_value(json, key);
	fputs("null", json->file);
}

void uhd_json_header(struct uhd_json *json, const char *tool)
{
	uhd_json_string(json, "tool", tool);
	uhd_json_string(json, "version", uhd_version());
	uhd_json_int(json, "schema_version", UHD_JSON_SCHEMA_VERSION);
}
