/* SPDX-License-Identifier: MIT */
/* libFuzzer target: suite files of `uhdpipe check --suite`. */
#include <stdio.h>
#include <stdlib.h>

#include "../../pipeline/check/suite.h"
#include "fuzz_common.h"

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init_logging();
	snprintf(path, sizeof(path), "/tmp/uhd-fuzz-suite-%d.json", (int)getpid());
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_write_file(path, data, size) != 0) {
		abort();
	}
	struct uhd_suite_params params = {
	        .path = path, .shard_count = 1, .base = UHD_CHECK_DEFAULTS};
	struct suite_entry *entries = NULL;
	size_t count = 0;
	uhd_suite_read(&params, &entries, &count);
	free(entries);
	return 0;
}
