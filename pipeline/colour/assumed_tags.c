/* SPDX-License-Identifier: MIT */
/* Assumptions for unset colour tags (assumed_tags.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "colour/assumed_tags.h"

/* H.273 marks 0 (primaries, transfer), 2 and 3 as unspecified or reserved. */
static bool unset(int code, bool zero_is_unset)
{
	return code == 2 || code == 3 || (zero_is_unset && code == 0);
}

static int assumed_matrix(const struct uhd_colour *c, int height)
{
	if (c->primaries == UHD_PRIMARIES_BT2020) {
		return UHD_MATRIX_BT2020_NCL;
	}
	return height > 576 ? UHD_MATRIX_BT709 : UHD_MATRIX_SMPTE170M;
}

static int assumed_primaries(const struct uhd_colour *c)
{
	switch (c->matrix) {
	case UHD_MATRIX_BT2020_NCL:
	case UHD_MATRIX_BT2020_CL: return UHD_PRIMARIES_BT2020;
	case UHD_MATRIX_BT470BG: return UHD_PRIMARIES_BT601_625;
	case UHD_MATRIX_SMPTE170M: return UHD_PRIMARIES_BT601_525;
	default: return UHD_PRIMARIES_BT709;
	}
}

static void add(char *note, size_t size, const char *what, const char *name)
{
	size_t used = strlen(note);
	snprintf(note + used, size - used, "%s%s %s", used ? ", " : "", what, name);
}

int uhd_colour_assume_unset(struct uhd_colour *colour, int height, char *note, size_t size)
{
	char text[160] = "";
	int count = 0;
	bool matrix_unset = unset(colour->matrix, false);
	bool primaries_unset = unset(colour->primaries, true);
	/* Each tag is inferred from the others the stream did set, so neither
	 * order of the two below depends on an assumption made by the other. */
	if (primaries_unset && !matrix_unset) {
		colour->primaries = assumed_primaries(colour);
	}
	if (matrix_unset) {
		colour->matrix = assumed_matrix(colour, height);
		add(text, sizeof(text), "matrix", uhd_matrix_name(colour->matrix));
		count++;
	}
	if (primaries_unset && matrix_unset) {
		colour->primaries = assumed_primaries(colour);
	}
	if (primaries_unset) {
		add(text, sizeof(text), "primaries", uhd_primaries_name(colour->primaries));
		count++;
	}
	if (unset(colour->transfer, true)) {
		colour->transfer = UHD_TRANSFER_BT709;
		add(text, sizeof(text), "transfer", uhd_transfer_name(colour->transfer));
		count++;
	}
	if (note && size) {
		snprintf(note, size, "%s", text);
	}
	return count;
}
