/* SPDX-License-Identifier: MIT */
/* Minimal test harness: checks that say what was expected and what came out. */
#ifndef UHD_TEST_HARNESS_H
#define UHD_TEST_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define UHD_TEST_SKIP 77

static int test_failures;
static int test_checks;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		test_checks++;                                                                     \
		if (!(cond)) {                                                                     \
			test_failures++;                                                           \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
		}                                                                                  \
	} while (0)

#define CHECK_NEAR(got, expected, tolerance, what)                                                 \
	CHECK(fabs((double)(got) - (double)(expected)) <= (tolerance),                             \
	      "%s: expected %.15g, got %.15g (tolerance %g)", what, (double)(expected),            \
	      (double)(got), (double)(tolerance))

static inline int test_finish(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, test_checks, test_failures);
	return test_failures ? 1 : 0;
}

#endif
