/* SPDX-License-Identifier: MIT */
/* Monotonic time for stage timings. */
#ifndef UHD_INTERNAL_CLOCK_H
#define UHD_INTERNAL_CLOCK_H

#include <time.h>

static inline double uhd_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of the calling thread: what a stage costs the CPU itself, apart
 * from the threads it waits for (a GPU, or lavapipe's worker threads). */
static inline double uhd_thread_cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

#endif
