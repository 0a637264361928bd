/* SPDX-License-Identifier: MIT */
/* Shared option parsing for the subcommands. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int uhd_cli_parse_hwaccel(const char *command, const char *text, enum uhd_hwaccel *hwaccel)
{
	if (uhd_hwaccel_from_name(text, hwaccel) < 0) {
		return uhd_cli_usage_error(
		        command, "--hwaccel takes auto, none, vaapi, vulkan or cuda, got '%s'",
		        text);
	}
	return 0;
}

int uhd_cli_parse_in_flight(const char *command, const char *text, int *frames_in_flight)
{
	int64_t count;
	if (!uhd_cli_parse_count("--frames-in-flight", text, &count) || count < 1 ||
	    count > UHD_CONVERT_MAX_IN_FLIGHT) {
		return uhd_cli_usage_error(command, "--frames-in-flight needs 1..%d, got '%s'",
		                           UHD_CONVERT_MAX_IN_FLIGHT, text);
	}
	*frames_in_flight = (int)count;
	return 0;
}

int uhd_cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	fputs("uhdpipe: error: ", stderr);
	vfprintf(stderr, fmt, args);
	if (command) {
		fprintf(stderr, "; see 'uhdpipe %s --help'\n", command);
	} else {
		fputs("; see 'uhdpipe help'\n", stderr);
	}
	va_end(args);
	return UHD_EXIT_USAGE;
}

bool uhd_cli_parse_size(const char *text, int *width, int *height)
{
	char *end = NULL;
	errno = 0;
	long w = strtol(text, &end, 10);
	if (end == text || (*end != 'x' && *end != 'X')) {
		return false;
	}
	const char *second = end + 1;
	long h = strtol(second, &end, 10);
	if (end == second || *end != '\0' || errno || w < 0 || h < 0 || w > 1 << 20 ||
	    h > 1 << 20) {
		return false;
	}
	*width = (int)w;
	*height = (int)h;
	return true;
}

bool uhd_cli_parse_count(const char *option, const char *text, int64_t *value)
{
	char *end = NULL;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	(void)option;
	if (end == text || *end != '\0' || errno || v < 0) {
		return false;
	}
	*value = v;
	return true;
}

int uhd_cli_parse_json_flag(const char *command, const char *help, int argc, char **argv,
                            bool *json)
{
	static const struct option options[] = {
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	*json = false;
	int opt;
	opterr = 0; /* our own one-line messages instead of getopt's */
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		if (opt == 'j') {
			*json = true;
		} else if (opt == 'h') {
			fputs(help, stdout);
			return -1;
		} else {
			return uhd_cli_usage_error(command, "unknown option %s", argv[optind - 1]);
		}
	}
	return 0;
}
