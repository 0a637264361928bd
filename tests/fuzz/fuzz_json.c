/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the strict JSON parser behind suites, refs.json and sequences. */
#include <stdbool.h>

#include "../../pipeline/common/json_value.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init_logging();
	return 0;
}

/* Walks the document through the getters the readers use. */
static void walk(const struct uhd_jv *value, int depth)
{
	if (!value || depth > 80) {
		return;
	}
	const char *text;
	double number;
	int64_t integer;
	bool flag;
	uhd_jv_get_string(value, "input", &text);
	uhd_jv_get_number(value, "min_psnr", &number);
	uhd_jv_get_int(value, "frames", &integer);
	uhd_jv_get_bool(value, "exact", &flag);
	for (size_t i = 0; i < value->count; i++) {
		walk(&value->items[i], depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uhd_jv *root = NULL;
	char error[256];
	if (uhd_jv_parse((const char *)data, size, &root, error, sizeof(error)) == 0) {
		walk(root, 0);
	}
	uhd_jv_free(root);
	return 0;
}
