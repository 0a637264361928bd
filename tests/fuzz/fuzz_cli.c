/* SPDX-License-Identifier: MIT */
/* libFuzzer target: command-line parsing of check, play, refs and pattern (with
 * the pattern spec and its parameters). The input is split at NUL bytes into
 * arguments; nothing is run. */
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../../pipeline/cli/cli.h"
#include "fuzz_common.h"

#define MAX_ARGS 64

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init_logging();
	/* --help texts; usage errors on stderr are silenced by fuzz.sh with
	 * -close_fd_mask=2, which keeps libFuzzer's own reports */
	int null = open("/dev/null", O_WRONLY);
	dup2(null, STDOUT_FILENO);
	return 0;
}

/* argv[0] is the command; the rest come from data. Returns argc. */
static int split(char *text, size_t size, const char *command, char *argv[MAX_ARGS + 1])
{
	int argc = 0;
	argv[argc++] = (char *)command;
	size_t start = 0;
	for (size_t i = 0; i <= size && argc < MAX_ARGS; i++) {
		if (i == size || text[i] == '\0') {
			text[i] = '\0';
			argv[argc++] = text + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;
	return argc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text) {
		return 0;
	}
	static const char *commands[] = {"check", "play", "refs", "pattern"};
	for (int c = 0; c < 4; c++) {
		memcpy(text, data, size);
		char *argv[MAX_ARGS + 1];
		int argc = split(text, size, commands[c], argv);
		optind = 0; /* glibc: start a fresh scan */
		if (c == 0) {
			uhd_cli_check_parse(argc, argv);
		} else if (c == 3) {
			uhd_cli_pattern_parse(argc, argv);
		} else {
			struct uhd_play_params params = UHD_PLAY_DEFAULTS;
			bool quiet = false;
			uhd_cli_parse_play(commands[c], "help\n", argc, argv, &params, &quiet);
		}
	}
	free(text);
	return 0;
}
