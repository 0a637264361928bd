/* The uhdpipe command line: subcommands, option parsing and exit codes. */
#ifndef UHD_CLI_H
#define UHD_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* Exit codes (README, "Exit codes"). */
enum uhd_exit {
	UHD_EXIT_OK = 0,
	UHD_EXIT_QUALITY = 1,     /* a quality threshold failed (uhdpipe check) */
	UHD_EXIT_USAGE = 2,       /* bad command line */
	UHD_EXIT_INPUT = 3,       /* input missing, unreadable, not video, no frames, damaged */
	UHD_EXIT_UNSUPPORTED = 4, /* codec, pixel format or colour matrix not supported */
	UHD_EXIT_GPU = 5,         /* no Vulkan device, over device limits, Vulkan failure */
	UHD_EXIT_OUTPUT = 6,      /* frames or report cannot be written */
	UHD_EXIT_VALIDATION = 7,  /* the Vulkan validation layer reported a problem */
	UHD_EXIT_INTERRUPTED = 130,
};

int uhd_cli_info(int argc, char **argv);
int uhd_cli_play(int argc, char **argv);
int uhd_cli_probe(int argc, char **argv);

/* Parsing helpers: print a usage error and return false on bad values. */
bool uhd_cli_parse_size(const char *text, int *width, int *height);
bool uhd_cli_parse_count(const char *option, const char *text, int64_t *value);
/* Parses the options of a command that takes only --json and --help. Returns -1
 * when --help was printed (exit 0), an exit code for a usage error, or 0. */
int uhd_cli_parse_json_flag(const char *command, const char *help, int argc, char **argv,
                            bool *json);
int uhd_cli_usage_error(const char *command, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#endif
