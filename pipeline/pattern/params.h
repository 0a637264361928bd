/* SPDX-License-Identifier: MIT */
/* Pattern parameters: the declared parameters of each pattern and their
 * parsing from "KEY=VALUE" words, with every value checked against its range. */
#ifndef UHD_INTERNAL_PARAMS_H
#define UHD_INTERNAL_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "uhdpipe/pattern.h"

enum uhd_param_kind {
	UHD_PARAM_INT,       /* integer in [min, max] */
	UHD_PARAM_NUMBER,    /* real in [min, max] */
	UHD_PARAM_LEVEL,     /* one code value (see levels.h) */
	UHD_PARAM_COLOUR,    /* R, G, B code values */
	UHD_PARAM_CHOICE,    /* one of choices, "a|b|c" */
	UHD_PARAM_PRIMARIES, /* bt709 | bt2020 | p3: primaries of colours given in cd/m2 */
};

struct uhd_param_def {
	const char *name;
	enum uhd_param_kind kind;
	double min, max;
	const char *choices;
	/* Default as it would be written; NULL: worked out from the format by the
	 * pattern (the help says how). */
	const char *fallback;
	const char *help;
};

#define UHD_PARAMS_MAX 12

struct uhd_param_set {
	const struct uhd_param_def *defs;
	int count;
	bool given[UHD_PARAMS_MAX];    /* a value was given ("auto" for no fallback is not one) */
	bool seen[UHD_PARAMS_MAX];     /* the key was written */
	char text[UHD_PARAMS_MAX][64]; /* the value as written (or the default) */
	double number[UHD_PARAMS_MAX]; /* INT and NUMBER */
	int code[UHD_PARAMS_MAX][3];   /* LEVEL (all three the same) and COLOUR */
	int choice[UHD_PARAMS_MAX];    /* CHOICE: index; PRIMARIES: H.273 code point */
};

/* Parses words[0..count) ("KEY=VALUE") against defs for format. */
int uhd_params_parse(const struct uhd_param_def *defs, int def_count, char **words, int count,
                     const struct uhd_pattern_format *format, struct uhd_param_set *set,
                     char *error, size_t error_size);

/* Index of a parameter by name (it must be declared). */
int uhd_param_index(const struct uhd_param_set *set, const char *name);
/* Typed access by name; a parameter without a value (default worked out by the
 * pattern and not given) reads as `fallback`. */
double uhd_param_number(const struct uhd_param_set *set, const char *name, double fallback);
const int *uhd_param_code(const struct uhd_param_set *set, const char *name);
int uhd_param_choice(const struct uhd_param_set *set, const char *name);
bool uhd_param_given(const struct uhd_param_set *set, const char *name);

/* Appends " KEY=VALUE" for every parameter (defaults included) to out. */
void uhd_params_describe(const struct uhd_param_set *set, char *out, size_t size);
/* Writes one help line per parameter: name, range or choices, default. */
void uhd_params_help(const struct uhd_param_def *defs, int count, FILE *out);

#endif
