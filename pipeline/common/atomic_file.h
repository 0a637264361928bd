/* SPDX-License-Identifier: MIT */
/* Reports written atomically: a temporary file beside the target, renamed over
 * it only once complete, so readers never see half a report. */
#ifndef UHD_INTERNAL_ATOMIC_FILE_H
#define UHD_INTERNAL_ATOMIC_FILE_H

#include <stdio.h>

struct uhd_atomic_file {
	FILE *file;
	char temp[4096];
	const char *path;
};

/* Opens the temporary file; logs and returns -errno on failure. `what` names
 * the file for messages ("report", "JUnit report"). */
int uhd_atomic_open(struct uhd_atomic_file *out, const char *path, const char *what);
/* Flushes, syncs and renames; on any error the temporary file is removed. */
int uhd_atomic_commit(struct uhd_atomic_file *file, const char *what);

#endif
