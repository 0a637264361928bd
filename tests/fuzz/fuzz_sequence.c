/* SPDX-License-Identifier: MIT */
/* libFuzzer target: pattern sequence files of `uhdpipe pattern --sequence`, parsed for a small
 * format so that each input is quick, with the promises of sequence.h checked on every result. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../pipeline/pattern/sequence.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init_logging();
	return 0;
}

/* A broken promise is a finding: abort() makes libFuzzer keep the input. */
static void check_sequence(const struct uhd_sequence *sequence)
{
	if (sequence->count < 1 || sequence->count > UHD_SEQUENCE_MAX_ENTRIES ||
	    !(sequence->rate >= UHD_SEQUENCE_MIN_RATE && sequence->rate <= UHD_SEQUENCE_MAX_RATE) ||
	    sequence->pattern_count < 1 || sequence->pattern_count > sequence->count) {
		abort();
	}
	int64_t total = 0;
	for (int i = 0; i < sequence->count; i++) {
		const struct uhd_seq_entry *entry = &sequence->entries[i];
		if (!entry->pattern || strcmp(entry->spec, uhd_pattern_spec(entry->pattern)) != 0 ||
		    (entry->until_next ? entry->frames != 0 : entry->frames < 1)) {
			abort();
		}
		total += entry->frames;
	}
	if (total != sequence->total_frames) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uhd_pattern_format format = {.width = 64,
	                                    .height = 36,
	                                    .bits = 10,
	                                    .transfer = UHD_TRANSFER_PQ,
	                                    .range = UHD_RANGE_LIMITED};
	struct uhd_sequence *sequence = NULL;
	char error[1024] = "";
	int ret = uhd_sequence_parse((const char *)data, size, &format, 60.0, &sequence, error,
	                             sizeof(error));
	if (ret == 0) {
		check_sequence(sequence);
	} else if (sequence || (ret != -EINVAL && ret != -ENOMEM) || !error[0] ||
	           strchr(error, '\n')) {
		abort(); /* an error is one line, and nothing is left allocated */
	}
	uhd_sequence_destroy(&sequence);
	return 0;
}
