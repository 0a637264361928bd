/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the EDID base-block parser, which reads monitor-supplied
 * bytes from the kernel's EDID property. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../pipeline/present/kms/edid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uhd_edid edid;
	if (uhd_edid_parse(data, size, &edid) == 0) {
		/* The name must be a terminated string of at most 13 characters. */
		if (strlen(edid.monitor_name) > 13 || strlen(edid.manufacturer) != 3) {
			__builtin_trap();
		}
	}
	return 0;
}
