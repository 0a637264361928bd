/* SPDX-License-Identifier: MIT */
/* The pattern catalogue: each pattern's parameters and the function that turns
 * checked parameters into primitives. */
#ifndef UHD_INTERNAL_CATALOGUE_H
#define UHD_INTERNAL_CATALOGUE_H

#include "params.h"
#include "pattern.h"

struct uhd_pattern_type {
	const char *name;
	const char *summary;  /* one line: what it shows */
	const char *standard; /* the standard it follows, or NULL */
	const struct uhd_param_def *params;
	int param_count;
	/* Fills pattern->prims (and notes); 0, or -EINVAL with a reason in error
	 * (a combination of values the parameters alone do not rule out). */
	int (*build)(struct uhd_pattern *pattern, const struct uhd_param_set *params, char *error,
	             size_t error_size);
};

extern const struct uhd_pattern_type uhd_pattern_field, uhd_pattern_window, uhd_pattern_ramp,
        uhd_pattern_staircase, uhd_pattern_checkerboard, uhd_pattern_grid, uhd_pattern_crosshatch,
        uhd_pattern_pixel, uhd_pattern_zoneplate, uhd_pattern_uniformity, uhd_pattern_bt2111_bars,
        uhd_pattern_smpte_bars, uhd_pattern_pluge;

#endif
