/* SPDX-License-Identifier: MIT */
/* Pattern parsing, the catalogue listing and the primitive list (see
 * uhdpipe/pattern.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"

static const struct uhd_pattern_type *const types[] = {
        &uhd_pattern_bt2111_bars, &uhd_pattern_smpte_bars,   &uhd_pattern_pluge,
        &uhd_pattern_ramp,        &uhd_pattern_staircase,    &uhd_pattern_window,
        &uhd_pattern_field,       &uhd_pattern_checkerboard, &uhd_pattern_grid,
        &uhd_pattern_crosshatch,  &uhd_pattern_pixel,        &uhd_pattern_zoneplate,
        &uhd_pattern_uniformity,
};
#define TYPE_COUNT ((int)(sizeof(types) / sizeof(types[0])))

int uhd_pattern_at(int size, int64_t p, int64_t q)
{
	return (int)((2 * (int64_t)size * p + q) / (2 * q));
}

struct uhd_prim *uhd_pattern_add(struct uhd_pattern *pattern, enum uhd_prim_kind kind, int x0,
                                 int y0, int x1, int y1)
{
	if (pattern->count >= UHD_PATTERN_MAX_PRIMS) {
		return NULL;
	}
	struct uhd_prim *prim = &pattern->prims[pattern->count++];
	memset(prim, 0, sizeof(*prim));
	prim->kind = kind;
	prim->x0 = x0;
	prim->y0 = y0;
	prim->x1 = x1;
	prim->y1 = y1;
	return prim;
}

void uhd_prim_set_a(struct uhd_prim *prim, const int code[3])
{
	for (int c = 0; c < 3; c++) {
		prim->a[c] = (uint32_t)code[c];
	}
}

void uhd_prim_set_b(struct uhd_prim *prim, const int code[3])
{
	for (int c = 0; c < 3; c++) {
		prim->b[c] = (uint32_t)code[c];
	}
}

bool uhd_pattern_same_format(const struct uhd_pattern_format *a, const struct uhd_pattern_format *b)
{
	return a->width == b->width && a->height == b->height && a->bits == b->bits &&
	       a->transfer == b->transfer && a->range == b->range;
}

int uhd_pattern_primaries(const struct uhd_pattern_format *format)
{
	return format->transfer == UHD_TRANSFER_BT709 ? UHD_PRIMARIES_BT709 : UHD_PRIMARIES_BT2020;
}

int uhd_pattern_transfer_from_name(const char *name, int *transfer)
{
	*transfer = strcmp(name, "sdr") == 0   ? UHD_TRANSFER_BT709
	            : strcmp(name, "pq") == 0  ? UHD_TRANSFER_PQ
	            : strcmp(name, "hlg") == 0 ? UHD_TRANSFER_HLG
	                                       : -1;
	return *transfer < 0 ? -EINVAL : 0;
}

const char *uhd_pattern_transfer_name(int transfer)
{
	return transfer == UHD_TRANSFER_PQ ? "pq" : transfer == UHD_TRANSFER_HLG ? "hlg" : "sdr";
}

int uhd_pattern_range_from_name(const char *name, enum uhd_range *range)
{
	if (strcmp(name, "narrow") == 0 || strcmp(name, "limited") == 0) {
		*range = UHD_RANGE_LIMITED;
		return 0;
	}
	if (strcmp(name, "full") == 0) {
		*range = UHD_RANGE_FULL;
		return 0;
	}
	return -EINVAL;
}

int uhd_pattern_check_format(const struct uhd_pattern_format *f, char *error, size_t error_size)
{
	if (f->width < 1 || f->width > 16384 || f->height < 1 || f->height > 16384) {
		snprintf(error, error_size, "size %dx%d is out of range 1x1..16384x16384", f->width,
		         f->height);
		return -EINVAL;
	}
	if (f->bits != 8 && f->bits != 10 && f->bits != 12) {
		snprintf(error, error_size, "bit depth %d: choose 8, 10 or 12", f->bits);
		return -EINVAL;
	}
	if (f->transfer != UHD_TRANSFER_BT709 && f->transfer != UHD_TRANSFER_PQ &&
	    f->transfer != UHD_TRANSFER_HLG) {
		snprintf(error, error_size, "transfer %d: choose sdr, pq or hlg", f->transfer);
		return -EINVAL;
	}
	return 0;
}

static const struct uhd_pattern_type *find_type(const char *name)
{
	for (int i = 0; i < TYPE_COUNT; i++) {
		if (strcmp(types[i]->name, name) == 0) {
			return types[i];
		}
	}
	return NULL;
}

static void unknown_pattern(const char *name, char *error, size_t error_size)
{
	int n = snprintf(error, error_size, "unknown pattern '%.64s'; known:", name);
	for (int i = 0; i < TYPE_COUNT && n >= 0 && (size_t)n < error_size; i++) {
		n += snprintf(error + n, error_size - (size_t)n, " %s", types[i]->name);
	}
}

#define MAX_WORDS 32

/* Splits spec at blanks into at most MAX_WORDS words (in place). */
static int split_words(char *text, char **words, int *count)
{
	*count = 0;
	for (char *p = strtok(text, " \t"); p; p = strtok(NULL, " \t")) {
		if (*count == MAX_WORDS) {
			return -E2BIG;
		}
		words[(*count)++] = p;
	}
	return 0;
}

static int build(struct uhd_pattern *pattern, const struct uhd_pattern_type *type, char **words,
                 int count, char *error, size_t error_size)
{
	struct uhd_param_set set;
	char why[400] = "";
	int ret = uhd_params_parse(type->params, type->param_count, words, count, &pattern->format,
	                           &set, why, sizeof(why));
	ret = ret ? ret : type->build(pattern, &set, why, sizeof(why));
	if (ret < 0) {
		snprintf(error, error_size, "pattern %s: %s", type->name, why);
		return ret == -ENOMEM ? ret : -EINVAL; /* out of range is invalid too */
	}
	pattern->name = type->name;
	snprintf(pattern->spec, sizeof(pattern->spec), "%s", type->name);
	uhd_params_describe(&set, pattern->spec, sizeof(pattern->spec));
	return 0;
}

int uhd_pattern_parse(const char *spec, const struct uhd_pattern_format *format,
                      struct uhd_pattern **out, char *error, size_t error_size)
{
	*out = NULL;
	char text[1024], *words[MAX_WORDS];
	int count = 0, ret = uhd_pattern_check_format(format, error, error_size);
	if (ret < 0) {
		return ret;
	}
	if (strlen(spec) >= sizeof(text) || split_words(strcpy(text, spec), words, &count) < 0 ||
	    count == 0) {
		snprintf(error, error_size,
		         "a pattern spec is 'NAME [KEY=VALUE ...]', under 1024 "
		         "characters and 32 words");
		return -EINVAL;
	}
	const struct uhd_pattern_type *type = find_type(words[0]);
	if (!type) {
		unknown_pattern(words[0], error, error_size);
		return -EINVAL;
	}
	struct uhd_pattern *pattern = calloc(1, sizeof(*pattern));
	if (pattern) {
		pattern->prims = calloc(UHD_PATTERN_MAX_PRIMS, sizeof(*pattern->prims));
	}
	if (!pattern || !pattern->prims) {
		uhd_pattern_destroy(&pattern);
		return -ENOMEM;
	}
	pattern->format = *format;
	ret = build(pattern, type, words + 1, count - 1, error, error_size);
	if (ret < 0) {
		uhd_pattern_destroy(&pattern);
		return ret;
	}
	/* Keep only the primitives used: a sequence may hold thousands of patterns. */
	struct uhd_prim *used = realloc(pattern->prims, pattern->count * sizeof(*used) + 1);
	pattern->prims = used ? used : pattern->prims;
	*out = pattern;
	return 0;
}

void uhd_pattern_destroy(struct uhd_pattern **pattern)
{
	if (pattern && *pattern) {
		free((*pattern)->prims);
		free(*pattern);
		*pattern = NULL;
	}
}

const char *uhd_pattern_name(const struct uhd_pattern *pattern)
{
	return pattern->name;
}

const char *uhd_pattern_spec(const struct uhd_pattern *pattern)
{
	return pattern->spec;
}

const char *uhd_pattern_notes(const struct uhd_pattern *pattern)
{
	return pattern->notes;
}

const struct uhd_pattern_format *uhd_pattern_format(const struct uhd_pattern *pattern)
{
	return &pattern->format;
}

void uhd_pattern_list(FILE *out)
{
	fputs("Levels: a code value (940), a signal percentage (75%), or a luminance (1000cd,\n"
	      "1000nits) through the transfer function. Colours: a name (black, white, red,\n"
	      "green, blue, cyan, magenta, yellow), one level for a grey, or R,G,B levels.\n\n",
	      out);
	for (int i = 0; i < TYPE_COUNT; i++) {
		fprintf(out, "  %-13s %s\n", types[i]->name, types[i]->summary);
		if (types[i]->standard) {
			fprintf(out, "                %s\n", types[i]->standard);
		}
		uhd_params_help(types[i]->params, types[i]->param_count, out);
	}
}
