/* SPDX-License-Identifier: MIT */
/* Shared by the libFuzzer targets: quiet logging and inputs as files. */
#ifndef UHD_FUZZ_COMMON_H
#define UHD_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "uhdpipe/common.h"

static void fuzz_quiet(void *opaque, enum uhd_log_level level, const char *message)
{
	(void)level;
	(void)message;
	(void)opaque;
}

/* Error messages are part of what runs, but printing them would drown the
 * fuzzer's own output: they are formatted and dropped. */
static inline void fuzz_init_logging(void)
{
	uhd_log_set_callback(fuzz_quiet, NULL, UHD_LOG_DEBUG);
}

/* Writes data to path (replacing it); 0 on success. */
static inline int fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *file = fopen(path, "wb");
	if (!file) {
		return -1;
	}
	size_t written = fwrite(data, 1, size, file);
	return fclose(file) == 0 && written == size ? 0 : -1;
}

#endif
