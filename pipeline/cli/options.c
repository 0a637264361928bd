/* Shared option parsing for the subcommands. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int uhd_cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	fprintf(stderr, "uhdpipe %s: ", command);
	vfprintf(stderr, fmt, args);
	fprintf(stderr, "; see 'uhdpipe %s --help'\n", command);
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
