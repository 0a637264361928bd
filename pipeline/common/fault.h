/* SPDX-License-Identifier: MIT */
/*
 * Failure injection, a test hook: UHD_FAULT_VK_ALLOC=N makes the Nth Vulkan
 * memory allocation of the process fail, UHD_FAULT_WRITE=N the Nth output file
 * (frame PNG, report, JUnit, diff image), UHD_FAULT_DECODE=N the Nth packet
 * sent to the decoder, UHD_FAULT_KMS_COMMIT=N the Nth atomic commit of a
 * display (as if the kernel refused it), UHD_FAULT_DMABUF_IMPORT=N the Nth import
 * of a DMA-BUF into Vulkan (as if the driver refused it), UHD_FAULT_DMABUF_EXPORT=N
 * the Nth export of Vulkan memory as a DMA-BUF, UHD_FAULT_PRIME_IMPORT=N the Nth
 * import of a DMA-BUF into a KMS device (as if either refused), UHD_FAULT_GPU_FENCE=N
 * the Nth wait for a GPU pass that fills a framebuffer (as if its fence did not
 * signal in time). Tests sweep N across a run to check that every failure
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
	UHD_FAULT_DMABUF_IMPORT,
	UHD_FAULT_GPU_FENCE,
	UHD_FAULT_DMABUF_EXPORT,
	UHD_FAULT_PRIME_IMPORT,
	UHD_FAULT_KINDS,
};

/* Counts one event of this kind; true when it is the one to fail. */
bool uhd_fault_hit(enum uhd_fault kind);

#endif
