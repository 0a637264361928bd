/* SPDX-License-Identifier: MIT */
/* Internal: reading a suite file (suite.c), shared with its fuzz target. */
#ifndef UHD_INTERNAL_SUITE_H
#define UHD_INTERNAL_SUITE_H

#include <limits.h>
#include <stddef.h>

#include "check_run.h"

struct suite_entry {
	struct uhd_check_params params;
	char name[256], input[PATH_MAX], ref[PATH_MAX];
	char diff_dir[PATH_MAX]; /* --diff-dir DIR gives each entry DIR/NAME */
	struct check_report report;
	bool ran;
};

/* Parses sp->path into *entries (calloc'd, *count of them; free() them).
 * -EINVAL with a message for a malformed file, -ENOENT when missing. */
int uhd_suite_read(const struct uhd_suite_params *sp, struct suite_entry **entries, size_t *count);

#endif
