/* SPDX-License-Identifier: MIT */
/* Parsing and checking of pattern parameters (see params.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "levels.h"
#include "params.h"

int uhd_param_index(const struct uhd_param_set *set, const char *name)
{
	for (int i = 0; i < set->count; i++) {
		if (strcmp(set->defs[i].name, name) == 0) {
			return i;
		}
	}
	abort(); /* a pattern asked for a parameter it did not declare: a bug */
}

bool uhd_param_given(const struct uhd_param_set *set, const char *name)
{
	return set->given[uhd_param_index(set, name)];
}

double uhd_param_number(const struct uhd_param_set *set, const char *name, double fallback)
{
	int i = uhd_param_index(set, name);
	return set->given[i] || set->defs[i].fallback ? set->number[i] : fallback;
}

const int *uhd_param_code(const struct uhd_param_set *set, const char *name)
{
	return set->code[uhd_param_index(set, name)];
}

int uhd_param_choice(const struct uhd_param_set *set, const char *name)
{
	return set->choice[uhd_param_index(set, name)];
}

/* Index of value among "a|b|c", or -1. */
static int choice_index(const char *choices, const char *value)
{
	size_t len = strlen(value);
	int index = 0;
	for (const char *p = choices; *p; index++) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n == len && strncmp(p, value, n) == 0) {
			return index;
		}
		p += n + (bar ? 1 : 0);
	}
	return -1;
}

static int parse_primaries(const char *text, int *primaries)
{
	static const char *const names[] = {"bt709", "bt2020", "p3"};
	static const int codes[] = {UHD_PRIMARIES_BT709, UHD_PRIMARIES_BT2020,
	                            UHD_PRIMARIES_P3_D65};
	for (int i = 0; i < 3; i++) {
		if (strcmp(text, names[i]) == 0) {
			*primaries = codes[i];
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_numeric(const struct uhd_param_def *def, const char *text, double *value,
                         char *error, size_t error_size)
{
	char *end = NULL;
	errno = 0;
	*value = strtod(text, &end);
	bool ok = end != text && *end == '\0' && errno == 0 && isfinite(*value) &&
	          (def->kind != UHD_PARAM_INT || *value == floor(*value));
	if (ok && *value >= def->min && *value <= def->max) {
		return 0;
	}
	if (def->kind == UHD_PARAM_INT) {
		snprintf(error, error_size, "%s=%s: give an integer in %.0f..%.0f", def->name, text,
		         def->min, def->max);
	} else {
		snprintf(error, error_size, "%s=%s: give a number in %g..%g", def->name, text,
		         def->min, def->max);
	}
	return ok ? -ERANGE : -EINVAL;
}

static int parse_value(const struct uhd_param_set *set, int i,
                       const struct uhd_pattern_format *format, int primaries,
                       struct uhd_param_set *out, char *error, size_t error_size)
{
	const struct uhd_param_def *def = &set->defs[i];
	const char *text = set->text[i];
	char why[256] = "";
	int ret = 0;
	switch (def->kind) {
	case UHD_PARAM_INT:
	case UHD_PARAM_NUMBER: return parse_numeric(def, text, &out->number[i], error, error_size);
	case UHD_PARAM_LEVEL:
		ret = uhd_level_parse(text, format, &out->code[i][0], why, sizeof(why));
		out->code[i][1] = out->code[i][2] = out->code[i][0];
		break;
	case UHD_PARAM_COLOUR:
		ret = uhd_colour_parse(text, format, primaries, out->code[i], why, sizeof(why));
		break;
	case UHD_PARAM_CHOICE:
		out->choice[i] = choice_index(def->choices, text);
		if (out->choice[i] < 0) {
			snprintf(error, error_size, "%s=%s: choose one of %s", def->name, text,
			         def->choices);
			return -EINVAL;
		}
		return 0;
	case UHD_PARAM_PRIMARIES:
		if (parse_primaries(text, &out->choice[i]) < 0) {
			snprintf(error, error_size, "%s=%s: choose one of bt709|bt2020|p3",
			         def->name, text);
			return -EINVAL;
		}
		return 0;
	}
	if (ret < 0) {
		snprintf(error, error_size, "%s=%s: %s", def->name, text, why);
	}
	return ret;
}

static int assign_word(const char *word, struct uhd_param_set *set, char *error, size_t error_size)
{
	const char *eq = strchr(word, '=');
	size_t key_len = eq ? (size_t)(eq - word) : 0;
	for (int i = 0; eq && i < set->count; i++) {
		if (strlen(set->defs[i].name) == key_len &&
		    strncmp(set->defs[i].name, word, key_len) == 0) {
			if (set->seen[i]) {
				snprintf(error, error_size, "%s is given twice", set->defs[i].name);
				return -EINVAL;
			}
			set->seen[i] = true;
			if (strlen(eq + 1) >= sizeof(set->text[i]) || eq[1] == '\0') {
				snprintf(error, error_size, "%.*s: the value is empty or too long",
				         (int)key_len, word);
				return -EINVAL;
			}
			snprintf(set->text[i], sizeof(set->text[i]), "%s", eq + 1);
			/* "auto" asks for the worked-out default, as canonical specs write it. */
			set->given[i] = set->defs[i].fallback || strcmp(eq + 1, "auto") != 0;
			return 0;
		}
	}
	int n = snprintf(error, error_size, "'%.60s' is not a parameter of this pattern; it takes",
	                 word);
	for (int i = 0; i < set->count && n >= 0 && (size_t)n < error_size; i++) {
		n += snprintf(error + n, error_size - (size_t)n, " %s=", set->defs[i].name);
	}
	if (set->count == 0 && n >= 0 && (size_t)n < error_size) {
		snprintf(error + n, error_size - (size_t)n, " none");
	}
	return -EINVAL;
}

int uhd_params_parse(const struct uhd_param_def *defs, int def_count, char **words, int count,
                     const struct uhd_pattern_format *format, struct uhd_param_set *set,
                     char *error, size_t error_size)
{
	memset(set, 0, sizeof(*set));
	set->defs = defs;
	set->count = def_count;
	for (int i = 0; i < def_count; i++) {
		snprintf(set->text[i], sizeof(set->text[i]), "%s",
		         defs[i].fallback ? defs[i].fallback : "auto");
	}
	for (int w = 0; w < count; w++) {
		int ret = assign_word(words[w], set, error, error_size);
		if (ret < 0) {
			return ret;
		}
	}
	/* Primaries first: colours given in cd/m2 are read in them. */
	int primaries = uhd_pattern_primaries(format);
	for (int i = 0; i < def_count; i++) {
		if (defs[i].kind == UHD_PARAM_PRIMARIES) {
			if (!set->given[i] && !defs[i].fallback) {
				set->choice[i] = primaries;
				continue;
			}
			int ret = parse_value(set, i, format, primaries, set, error, error_size);
			if (ret < 0) {
				return ret;
			}
			primaries = set->choice[i];
		}
	}
	for (int i = 0; i < def_count; i++) {
		if (defs[i].kind == UHD_PARAM_PRIMARIES || (!set->given[i] && !defs[i].fallback)) {
			continue;
		}
		int ret = parse_value(set, i, format, primaries, set, error, error_size);
		if (ret < 0) {
			return ret;
		}
	}
	return 0;
}

void uhd_params_describe(const struct uhd_param_set *set, char *out, size_t size)
{
	size_t n = strlen(out);
	for (int i = 0; i < set->count && n < size; i++) {
		int w = snprintf(out + n, size - n, " %s=%s", set->defs[i].name, set->text[i]);
		n += w > 0 ? (size_t)w : 0;
	}
}

void uhd_params_help(const struct uhd_param_def *defs, int count, FILE *out)
{
	for (int i = 0; i < count; i++) {
		const struct uhd_param_def *d = &defs[i];
		char range[96];
		switch (d->kind) {
		case UHD_PARAM_INT:
			snprintf(range, sizeof(range), "%.0f..%.0f", d->min, d->max);
			break;
		case UHD_PARAM_NUMBER:
			snprintf(range, sizeof(range), "%g..%g", d->min, d->max);
			break;
		case UHD_PARAM_LEVEL: snprintf(range, sizeof(range), "level"); break;
		case UHD_PARAM_COLOUR: snprintf(range, sizeof(range), "colour"); break;
		case UHD_PARAM_CHOICE: snprintf(range, sizeof(range), "%s", d->choices); break;
		case UHD_PARAM_PRIMARIES: snprintf(range, sizeof(range), "bt709|bt2020|p3"); break;
		}
		fprintf(out, "      %s=%s\n          %s", d->name, range, d->help);
		if (d->fallback) {
			fprintf(out, " (default %s)", d->fallback);
		}
		fputc('\n', out);
	}
}
