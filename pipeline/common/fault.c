/* SPDX-License-Identifier: MIT */
/* Failure injection (see fault.h). */
#include <pthread.h>
#include <stdlib.h>

#include "fault.h"
#include "log.h"

static const char *const variables[UHD_FAULT_KINDS] = {
        "UHD_FAULT_VK_ALLOC",      "UHD_FAULT_WRITE",         "UHD_FAULT_DECODE",
        "UHD_FAULT_KMS_COMMIT",    "UHD_FAULT_DMABUF_IMPORT", "UHD_FAULT_GPU_FENCE",
        "UHD_FAULT_DMABUF_EXPORT", "UHD_FAULT_PRIME_IMPORT"};
static long targets[UHD_FAULT_KINDS];
static long counts[UHD_FAULT_KINDS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void read_environment(void)
{
	for (int i = 0; i < UHD_FAULT_KINDS; i++) {
		const char *value = getenv(variables[i]);
		targets[i] = value ? strtol(value, NULL, 10) : 0;
	}
}

bool uhd_fault_hit(enum uhd_fault kind)
{
	pthread_once(&once, read_environment);
	if (targets[kind] <= 0) {
		return false;
	}
	long count = __atomic_add_fetch(&counts[kind], 1, __ATOMIC_RELAXED);
	if (count != targets[kind]) {
		return false;
	}
	uhd_warn("%s=%ld: failing this operation on purpose (test hook)", variables[kind], count);
	return true;
}
