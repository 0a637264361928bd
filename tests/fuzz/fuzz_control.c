/* SPDX-License-Identifier: MIT */
/* libFuzzer target: one line of the control-socket protocol (uhd_control_parse_line), and the
 * error reply built from its message, which must be one line of valid JSON whatever the line
 * held. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../../pipeline/common/json_read.h"
#include "../../pipeline/pattern/control.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init_logging();
	return 0;
}

static void check_reply(const char *message)
{
	char reply[8192];
	if (uhd_control_error_json(message, reply, sizeof(reply)) != 0 || strchr(reply, '\n')) {
		abort();
	}
	json_t *root = NULL;
	bool ok = true;
	const char *text = NULL;
	if (uhd_json_load(reply, strlen(reply), &root, NULL, 0) != 0 ||
	    !uhd_json_get_bool(root, "ok", &ok) || ok ||
	    !uhd_json_get_string(root, "error", &text) || !text[0]) {
		abort();
	}
	json_decref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct uhd_control_command command;
	char error[512] = "";
	int ret = uhd_control_parse_line((const char *)data, size, &command, error, sizeof(error));
	if (ret == 0) {
		bool show = command.verb == UHD_CONTROL_SHOW;
		size_t length = strnlen(command.argument, sizeof(command.argument));
		if (length == sizeof(command.argument) || (show != (length > 0)) ||
		    command.verb > UHD_CONTROL_QUIT || command.client != -1 ||
		    (show && (command.argument[0] == ' ' || command.argument[length - 1] == ' ' ||
		              strstr(command.argument, "  ") || strchr(command.argument, '\t')))) {
			abort();
		}
	} else if (ret != -EINVAL || !error[0] || strchr(error, '\n')) {
		abort();
	} else {
		check_reply(error);
	}
	return 0;
}
