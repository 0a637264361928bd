/* SPDX-License-Identifier: MIT */
/*
 * Pattern sequences for `uhdpipe pattern --sequence FILE.json`: a list of patterns, each shown
 * for a number of frames or until a control command moves on. The file is read and every
 * pattern in it is parsed for the run's format before anything is shown, so a mistake in entry
 * 40 fails the run at once instead of half-way through a measurement.
 *
 * File format (JSON, RFC 8259, UTF-8):
 *
 *     { "rate": 60, "loop": false,
 *       "patterns": [
 *         {"pattern": "window percent=10 level=1000cd", "seconds": 5},
 *         {"pattern": "field", "params": {"colour": "red"}, "frames": 120},
 *         {"pattern": "bt2111-bars", "until": "next"} ] }
 *
 * - "rate": frames per second the durations are counted in, a number in 0.001..1000; optional,
 *   when absent, the run's default rate.
 * - "loop": true starts again with the first entry after the last; optional, default false.
 * - "patterns": 1 to 10000 entries, shown in order. Each entry is an object with:
 *   - "pattern": a pattern spec, "NAME [KEY=VALUE ...]" (as `uhdpipe pattern --list` shows);
 *   - "params": optional object of further parameters, each value a string or a number; they
 *     are appended to the spec as KEY=VALUE words (integers as integers, other numbers in the
 *     shortest form that reads back as the same double). A parameter may be given in the spec
 *     or in "params", not both;
 *   - exactly one duration: "seconds" (a number > 0: the entry lasts
 *     max(1, round(seconds * rate)) frames, the product rounded half away from zero in IEEE
 *     double, so the same file gives the same frame counts on every machine), "frames" (an
 *     integer >= 1), or "until": "next" (shown until a control command moves on).
 * - Any other key, at the top or in an entry, is an error: a misspelt "frame" must not pass
 *   silently as a pattern shown for the default time. So is a key given twice.
 * - The timed frames of all entries add up to at most 2^53 (so every count is exact).
 *
 * Errors name where they are: JSON syntax errors as "line L, column C: ...", the others by key
 * and entry, e.g. "patterns[2] (entry 3): unknown pattern 'x'; known: ...".
 *
 * Thread-safety: a parsed sequence is immutable; parse distinct files from any thread.
 */
#ifndef UHD_INTERNAL_SEQUENCE_H
#define UHD_INTERNAL_SEQUENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uhdpipe/pattern.h"

#define UHD_SEQUENCE_MAX_ENTRIES 10000
#define UHD_SEQUENCE_MIN_RATE    0.001
#define UHD_SEQUENCE_MAX_RATE    1000.0

struct uhd_seq_entry {
	char spec[1024];             /* the pattern spec as shown, canonical: uhd_pattern_spec() */
	int64_t frames;              /* frames to show; 0 with until_next */
	bool until_next;             /* shown until a control command moves on */
	struct uhd_pattern *pattern; /* parsed for the run's format; owned by the sequence */
};

struct uhd_sequence {
	double rate; /* frames per second the durations are counted in */
	bool loop;   /* start again after the last entry */
	int count;
	struct uhd_seq_entry *entries;
	/* Frames of all timed entries together (until-next entries count 0): one pass. */
	int64_t total_frames;
	/* The distinct patterns: entries whose canonical specs are equal share one (a pattern
	 * holds its primitive list, up to 64 KiB, and sequences repeat patterns), so entries point
	 * into this list and only it is freed. */
	int pattern_count;
	struct uhd_pattern **patterns;
};

/* Parses a sequence document; every pattern is parsed (validated) for format up front.
 * default_rate applies when the file gives none. Errors: -EINVAL with the reason in error:
 * JSON syntax errors as "line L, column C: ...", other errors naming the entry
 * ("patterns[2] (entry 3): unknown pattern 'x'; known: ..."). -ENOMEM. *out is NULL on
 * error. text needs no NUL terminator. */
int uhd_sequence_parse(const char *text, size_t length, const struct uhd_pattern_format *format,
                       double default_rate, struct uhd_sequence **out, char *error,
                       size_t error_size);
/* Reads a file and parses it; errors prefixed with the path; I/O errors as -errno. */
int uhd_sequence_load(const char *path, const struct uhd_pattern_format *format,
                      double default_rate, struct uhd_sequence **out, char *error,
                      size_t error_size);
/* Frees the sequence and its patterns; accepts NULL and a pointer to NULL; clears *sequence. */
void uhd_sequence_destroy(struct uhd_sequence **sequence);

#endif
