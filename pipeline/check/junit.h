/* SPDX-License-Identifier: MIT */
/* JUnit XML writer for check runs (one testsuite per comparison). */
#ifndef UHD_INTERNAL_JUNIT_H
#define UHD_INTERNAL_JUNIT_H

#include <stdio.h>

struct check_report;

void uhd_junit_suite(FILE *file, const struct check_report *report);
/* Writes every report as a testsuite of one file, atomically. */
int uhd_junit_write(const struct check_report *const *reports, int count, const char *path);

#endif
