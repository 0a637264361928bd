/*
 * Failure injection, a test hook: UHD_FAULT_VK_ALLOC=N makes the Nth Vulkan
 * memory allocation of the process fail, UHD_FAULT_WRITE=N the Nth output file
 * (frame PNG, report, JUnit, diff image), UHD_FAULT_DECODE=N the Nth packet
 * sent to the decoder, UHD_FAULT_KMS_COMMIT=N the Nth atomic commit of a
 * display (as if the kernel refused it). Tests sweep N across a run to check that every failure
 * ends in a clean error, no leak, and a report marked incomplete.
 */
#ifndef UHD_INTERNAL_FAULT_H
#define UHD_INTERNAL_FAULT_H

#include <stdbool.h>

enum uhd_fault {
	UHD_FAULT_VK_ALLOC,
	UHD_FAULT_WRITE,
	UHD_FAULT_DECODE,
	UHD_FAULT_KMS_COMMIT,
	UHD_FAULT_KINDS,
};

/* Counts one event of this kind; true when it is the one to fail. */
bool uhd_fault_hit(enum uhd_fault kind);

#endif
