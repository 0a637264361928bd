/* SPDX-License-Identifier: MIT */
/* Pattern sequence files (see sequence.h): read with Jansson (common/json_read.h), checked key by
 * key, and every pattern parsed for the run's format before the run starts. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/json_read.h"
#include "sequence.h"

/* 2^53: every frame count up to it is exact in a double and in the JSON number it came from. */
#define MAX_FRAMES 9007199254740992.0
#define SPEC_MAX   1024 /* uhd_pattern_parse() takes specs under 1024 characters */
#define FILE_MAX   UHD_JSON_READ_MAX
#define WHERE_MAX  48
#define QUOTED_MAX 64
#define PARAMS_MAX 32

static const char *const top_keys[] = {"rate", "loop", "patterns", NULL};
static const char *const entry_keys[] = {"pattern", "params", "seconds", "frames", "until", NULL};

/* Writes "where: message" to error. */
static int fail(char *error, size_t error_size, const char *where, const char *format, ...)
        __attribute__((format(printf, 4, 5)));
static int fail(char *error, size_t error_size, const char *where, const char *format, ...)
{
	char message[512];
	va_list args;
	va_start(args, format);
	vsnprintf(message, sizeof(message), format, args);
	va_end(args);
	if (error && error_size) {
		snprintf(error, error_size, "%s: %s", where, message);
	}
	return -EINVAL;
}

/* A piece of the file fit to quote in a one-line message: at most QUOTED_MAX bytes, cut at a
 * UTF-8 boundary, control characters shown as '?' (a key may hold a newline). */
static const char *quoted(const char *text, char out[QUOTED_MAX + 4])
{
	size_t n = strlen(text);
	bool cut = n > QUOTED_MAX;
	if (cut) {
		n = QUOTED_MAX;
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80) {
			n--; /* do not split a character */
		}
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	strcpy(out + n, cut ? "..." : "");
	return out;
}

static bool has_control(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
			return true;
		}
	}
	return false;
}

static bool is_allowed(const char *key, const char *const *allowed)
{
	for (int i = 0; allowed[i]; i++) {
		if (strcmp(key, allowed[i]) == 0) {
			return true;
		}
	}
	return false;
}

/* Every key known. Keys given twice never get here: the reader refuses them. */
static int check_keys(json_t *object, const char *const *allowed, const char *what,
                      const char *where, char *error, size_t error_size)
{
	char q[QUOTED_MAX + 4];
	const char *key;
	json_t *value;
	json_object_foreach(object, key, value)
	{
		if (!is_allowed(key, allowed)) {
			char list[128] = "";
			for (int k = 0; allowed[k]; k++) {
				size_t used = strlen(list);
				snprintf(list + used, sizeof(list) - used, "%s%s", k ? ", " : "",
				         allowed[k]);
			}
			return fail(error, error_size, where, "unknown key '%s' in %s; allowed: %s",
			            quoted(key, q), what, list);
		}
	}
	return 0;
}

static int read_rate(json_t *root, double default_rate, double *rate, char *error,
                     size_t error_size)
{
	json_t *value = json_object_get(root, "rate");
	if (!value) {
		if (!(default_rate >= UHD_SEQUENCE_MIN_RATE &&
		      default_rate <= UHD_SEQUENCE_MAX_RATE)) {
			return fail(error, error_size, "rate",
			            "the file gives none and the default %g is out of range; add "
			            "\"rate\": frames per second, 0.001..1000",
			            default_rate);
		}
		*rate = default_rate;
		return 0;
	}
	double number = json_number_value(value); /* 0 for other types */
	if (!json_is_number(value) || !(number >= UHD_SEQUENCE_MIN_RATE) ||
	    !(number <= UHD_SEQUENCE_MAX_RATE)) {
		return fail(error, error_size, "rate",
		            "give a number of frames per second in 0.001..1000");
	}
	*rate = number;
	return 0;
}

/* Integers as integers (so 120 stays "120"), other numbers in the shortest form that reads back
 * as the same double, so what the spec shows is what the file said. */
static void format_number(double number, char *out, size_t size)
{
	if (number == floor(number) && fabs(number) < MAX_FRAMES) {
		snprintf(out, size, "%" PRId64, (int64_t)number);
		return;
	}
	for (int precision = 15; precision <= 17; precision++) {
		snprintf(out, size, "%.*g", precision, number);
		if (strtod(out, NULL) == number) {
			return;
		}
	}
}

/* Whether the spec already has a "KEY=" word. */
static bool spec_has_key(const char *spec, const char *key)
{
	size_t key_len = strlen(key);
	for (const char *p = spec; *p;) {
		p += strspn(p, " \t");
		size_t word_len = strcspn(p, " \t");
		if (word_len > key_len && strncmp(p, key, key_len) == 0 && p[key_len] == '=') {
			return true;
		}
		p += word_len;
	}
	return false;
}

static bool is_word(const char *text, bool allow_equals)
{
	return text[0] && !has_control(text) && !strpbrk(text, " \t") &&
	       (allow_equals || !strchr(text, '='));
}

/* Appends " KEY=VALUE" for one member of "params". */
static int append_param(const char *key, json_t *value, char *spec, const char *where, char *error,
                        size_t error_size)
{
	char q[QUOTED_MAX + 4], number[40];
	const char *text = number;
	if (!is_word(key, false)) {
		return fail(error, error_size, where,
		            "params: '%s' is not a parameter name (one word, no '=')",
		            quoted(key, q));
	}
	if (json_is_number(value)) {
		format_number(json_number_value(value), number, sizeof(number));
	} else if (json_is_string(value) && is_word(json_string_value(value), true)) {
		text = json_string_value(value);
	} else {
		return fail(error, error_size, where,
		            "params.%s: give a number or a string of one word (no blanks)",
		            quoted(key, q));
	}
	if (spec_has_key(spec, key)) {
		return fail(error, error_size, where,
		            "params.%s: it is also given in \"pattern\"; give it once",
		            quoted(key, q));
	}
	size_t used = strlen(spec);
	int n = snprintf(spec + used, SPEC_MAX - used, " %s=%s", key, text);
	if (n < 0 || (size_t)n >= SPEC_MAX - used) {
		return fail(error, error_size, where,
		            "the pattern with its params is over %d characters; shorten it",
		            SPEC_MAX - 1);
	}
	return 0;
}

/* The spec an entry asks for: "pattern" with its "params" appended. */
static int entry_spec(json_t *entry, char spec[SPEC_MAX], const char *where, char *error,
                      size_t error_size)
{
	const char *pattern = NULL;
	if (!uhd_json_get_string(entry, "pattern", &pattern)) {
		return fail(error, error_size, where,
		            "give \"pattern\": a spec such as \"window percent=10\"");
	}
	if (has_control(pattern) || strlen(pattern) >= SPEC_MAX) {
		return fail(error, error_size, where,
		            "pattern: give one line of text under %d characters", SPEC_MAX);
	}
	strcpy(spec, pattern);
	json_t *params = json_object_get(entry, "params");
	if (!params) {
		return 0;
	}
	if (!json_is_object(params)) {
		return fail(error, error_size, where,
		            "params: give an object, e.g. {\"colour\": \"red\"}");
	}
	if (json_object_size(params) > PARAMS_MAX) {
		/* A spec has at most 32 words. */
		return fail(error, error_size, where,
		            "params: %zu of them; a pattern takes at most %d",
		            json_object_size(params), PARAMS_MAX);
	}
	/* In the file's order (Jansson keeps it), so the spec reads as the file does. */
	const char *key;
	json_t *value;
	json_object_foreach(params, key, value)
	{
		int ret = append_param(key, value, spec, where, error, error_size);
		if (ret < 0) {
			return ret;
		}
	}
	return 0;
}

static int seconds_to_frames(json_t *value, double rate, int64_t *frames, const char *where,
                             char *error, size_t error_size)
{
	double seconds = json_number_value(value); /* 0 for other types */
	if (!json_is_number(value) || !(seconds > 0) || !isfinite(seconds)) {
		return fail(error, error_size, where, "seconds: give a number > 0");
	}
	/* One IEEE multiplication and round(): the same count on every machine. */
	double product = seconds * rate;
	if (!(product <= MAX_FRAMES)) {
		return fail(error, error_size, where,
		            "seconds: %g s at %g frames per second is over 2^53 frames", seconds,
		            rate);
	}
	double rounded = round(product);
	*frames = rounded < 1 ? 1 : (int64_t)rounded;
	return 0;
}

static int read_duration(json_t *entry, double rate, struct uhd_seq_entry *out, const char *where,
                         char *error, size_t error_size)
{
	json_t *seconds = json_object_get(entry, "seconds");
	json_t *frames = json_object_get(entry, "frames");
	json_t *until = json_object_get(entry, "until");
	if ((seconds != NULL) + (frames != NULL) + (until != NULL) != 1) {
		return fail(error, error_size, where,
		            "give exactly one of \"seconds\", \"frames\" or \"until\": \"next\"");
	}
	if (seconds) {
		return seconds_to_frames(seconds, rate, &out->frames, where, error, error_size);
	}
	if (frames) {
		if (!uhd_json_get_int(entry, "frames", &out->frames) || out->frames < 1) {
			return fail(error, error_size, where, "frames: give an integer >= 1");
		}
		return 0;
	}
	if (!json_is_string(until) || strcmp(json_string_value(until), "next") != 0) {
		return fail(error, error_size, where,
		            "until: the only value is \"next\" (shown until a control command "
		            "moves on)");
	}
	out->until_next = true;
	return 0;
}

/* Distinct patterns by canonical spec: open addressing over FNV-1a hashes. */
struct pattern_table {
	size_t size; /* a power of two, at least twice the entries */
	int *slots;  /* index into sequence->patterns, or -1 */
};

static uint64_t hash_spec(const char *spec)
{
	uint64_t hash = 0xcbf29ce484222325u;
	for (const unsigned char *p = (const unsigned char *)spec; *p; p++) {
		hash = (hash ^ *p) * 0x100000001b3u;
	}
	return hash;
}

/* The shared pattern for parsed's spec: parsed itself when it is new (the sequence takes it),
 * else the earlier one (parsed is freed). */
static struct uhd_pattern *share_pattern(struct uhd_sequence *sequence, struct pattern_table *table,
                                         struct uhd_pattern *parsed)
{
	const char *spec = uhd_pattern_spec(parsed);
	size_t i = (size_t)hash_spec(spec) & (table->size - 1);
	for (; table->slots[i] >= 0; i = (i + 1) & (table->size - 1)) {
		struct uhd_pattern *known = sequence->patterns[table->slots[i]];
		if (strcmp(uhd_pattern_spec(known), spec) == 0) {
			uhd_pattern_destroy(&parsed);
			return known;
		}
	}
	table->slots[i] = sequence->pattern_count;
	sequence->patterns[sequence->pattern_count++] = parsed;
	return parsed;
}

static int read_entry(json_t *entry, int index, const struct uhd_pattern_format *format,
                      struct uhd_sequence *sequence, struct pattern_table *table, char *error,
                      size_t error_size)
{
	char where[WHERE_MAX], spec[SPEC_MAX], why[512] = "";
	snprintf(where, sizeof(where), "patterns[%d] (entry %d)", index, index + 1);
	if (!json_is_object(entry)) {
		return fail(error, error_size, where,
		            "give an object such as {\"pattern\": \"field\", \"seconds\": 5}");
	}
	struct uhd_seq_entry *out = &sequence->entries[index];
	int ret = check_keys(entry, entry_keys, "an entry", where, error, error_size);
	ret = ret ? ret : entry_spec(entry, spec, where, error, error_size);
	ret = ret ? ret : read_duration(entry, sequence->rate, out, where, error, error_size);
	if (ret < 0) {
		return ret;
	}
	if (sequence->total_frames > (int64_t)MAX_FRAMES - out->frames) {
		return fail(error, error_size, where,
		            "the entries so far add up to over 2^53 frames; shorten them");
	}
	sequence->total_frames += out->frames;
	struct uhd_pattern *parsed = NULL;
	ret = uhd_pattern_parse(spec, format, &parsed, why, sizeof(why));
	if (ret == -ENOMEM) {
		return fail(error, error_size, where, "out of memory parsing the pattern");
	}
	if (ret < 0) {
		return fail(error, error_size, where, "%s", why);
	}
	out->pattern = share_pattern(sequence, table, parsed);
	snprintf(out->spec, sizeof(out->spec), "%s", uhd_pattern_spec(out->pattern));
	return 0;
}

static int read_patterns(json_t *root, const struct uhd_pattern_format *format,
                         struct uhd_sequence *sequence, char *error, size_t error_size)
{
	json_t *list = json_object_get(root, "patterns");
	size_t count = json_array_size(list);
	if (count < 1 || count > UHD_SEQUENCE_MAX_ENTRIES) {
		return fail(error, error_size, "patterns",
		            "give an array of 1 to %d entries such as {\"pattern\": \"field\", "
		            "\"seconds\": 5}",
		            UHD_SEQUENCE_MAX_ENTRIES);
	}
	struct pattern_table table = {.size = 1};
	while (table.size < 2 * count) {
		table.size *= 2;
	}
	sequence->entries = calloc(count, sizeof(*sequence->entries));
	sequence->patterns = calloc(count, sizeof(*sequence->patterns));
	table.slots = malloc(table.size * sizeof(*table.slots));
	if (!sequence->entries || !sequence->patterns || !table.slots) {
		free(table.slots);
		snprintf(error, error_size, "out of memory reading the sequence");
		return -ENOMEM;
	}
	memset(table.slots, 0xff, table.size * sizeof(*table.slots)); /* all -1 */
	sequence->count = (int)count;
	int ret = 0;
	for (int i = 0; ret == 0 && i < sequence->count; i++) {
		ret = read_entry(json_array_get(list, (size_t)i), i, format, sequence, &table,
		                 error, error_size);
	}
	free(table.slots);
	return ret;
}

static int read_document(json_t *root, const struct uhd_pattern_format *format, double default_rate,
                         struct uhd_sequence *sequence, char *error, size_t error_size)
{
	if (!json_is_object(root)) {
		return fail(error, error_size, "sequence",
		            "the document must be an object: {\"rate\": 60, \"patterns\": [...]}");
	}
	int ret = check_keys(root, top_keys, "the top-level object", "sequence", error, error_size);
	ret = ret ? ret : read_rate(root, default_rate, &sequence->rate, error, error_size);
	if (ret < 0) {
		return ret;
	}
	json_t *loop = json_object_get(root, "loop");
	if (loop && !json_is_boolean(loop)) {
		return fail(error, error_size, "loop", "give true or false");
	}
	sequence->loop = json_is_true(loop);
	return read_patterns(root, format, sequence, error, error_size);
}

int uhd_sequence_parse(const char *text, size_t length, const struct uhd_pattern_format *format,
                       double default_rate, struct uhd_sequence **out, char *error,
                       size_t error_size)
{
	char scratch[1];
	if (!error || error_size == 0) {
		error = scratch; /* the helpers write unconditionally */
		error_size = sizeof(scratch);
	}
	error[0] = '\0';
	*out = NULL;
	json_t *root = NULL;
	int ret = uhd_json_load(text, length, &root, error, error_size);
	if (ret < 0) {
		/* Too deep or too large is as malformed as a syntax error for a sequence file. */
		return ret == -ENOMEM ? -ENOMEM : -EINVAL;
	}
	struct uhd_sequence *sequence = calloc(1, sizeof(*sequence));
	if (!sequence) {
		json_decref(root);
		snprintf(error, error_size, "out of memory reading the sequence");
		return -ENOMEM;
	}
	ret = read_document(root, format, default_rate, sequence, error, error_size);
	json_decref(root);
	if (ret < 0) {
		uhd_sequence_destroy(&sequence);
		return ret;
	}
	*out = sequence;
	return 0;
}

/* The whole file, NUL-free or not (the parser finds what is wrong with it). */
static int read_file(int fd, char **text, size_t *length)
{
	size_t capacity = 0, used = 0;
	char *buffer = NULL;
	for (;;) {
		if (used == capacity) {
			if (capacity > FILE_MAX) {
				free(buffer);
				return -EFBIG;
			}
			capacity = capacity ? capacity * 2 : 65536;
			char *grown = realloc(buffer, capacity);
			if (!grown) {
				free(buffer);
				return -ENOMEM;
			}
			buffer = grown;
		}
		ssize_t n = read(fd, buffer + used, capacity - used);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			int ret = -errno;
			free(buffer);
			return ret;
		}
		if (n == 0) {
			break;
		}
		used += (size_t)n;
	}
	*text = buffer;
	*length = used;
	return 0;
}

static int load_error(const char *path, int ret, const char *what, char *error, size_t error_size)
{
	if (error && error_size) {
		const char *hint = ret == -ENOENT   ? "check the path"
		                   : ret == -EACCES ? "check its permissions"
		                   : ret == -EISDIR ? "give a sequence .json file"
		                   : ret == -EFBIG  ? "a sequence file is at most 64 MiB"
		                                    : "check the file";
		snprintf(error, error_size, "%s: cannot %s the sequence file: %s; %s", path, what,
		         strerror(-ret), hint);
	}
	return ret;
}

int uhd_sequence_load(const char *path, const struct uhd_pattern_format *format,
                      double default_rate, struct uhd_sequence **out, char *error,
                      size_t error_size)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return load_error(path, -errno, "open", error, error_size);
	}
	struct stat st;
	int ret = fstat(fd, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? -EISDIR : 0;
	if (ret < 0) {
		close(fd);
		return load_error(path, ret, "read", error, error_size);
	}
	char *text = NULL;
	size_t length = 0;
	ret = read_file(fd, &text, &length);
	close(fd);
	if (ret < 0) {
		return load_error(path, ret, "read", error, error_size);
	}
	char why[1024] = "";
	ret = uhd_sequence_parse(text, length, format, default_rate, out, why, sizeof(why));
	free(text);
	if (ret < 0 && error && error_size) {
		snprintf(error, error_size, "%s: %s", path, why);
	}
	return ret;
}

void uhd_sequence_destroy(struct uhd_sequence **sequence)
{
	if (!sequence || !*sequence) {
		return;
	}
	struct uhd_sequence *s = *sequence;
	for (int i = 0; i < s->pattern_count; i++) {
		uhd_pattern_destroy(&s->patterns[i]);
	}
	free(s->patterns);
	free(s->entries);
	free(s);
	*sequence = NULL;
}
