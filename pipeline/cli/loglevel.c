/* SPDX-License-Identifier: MIT */
/* --loglevel: how much uhdpipe and libav say on stderr (see cli.h). */
#include <libavutil/log.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static bool level_given;

/* Discards every message: --loglevel quiet (the exit code still tells). */
static void discard(void *opaque, enum uhd_log_level level, const char *message)
{
	(void)opaque;
	(void)level;
	(void)message;
}

struct level {
	const char *name;
	int uhd;   /* most verbose uhdpipe level shown; -1: none */
	int libav; /* most verbose libav level shown (as uhdpipe debug lines) */
};

static const struct level levels[] = {
        {"quiet", -1, AV_LOG_QUIET},
        {"error", UHD_LOG_ERROR, AV_LOG_QUIET},
        {"warning", UHD_LOG_WARN, AV_LOG_QUIET},
        {"info", UHD_LOG_INFO, AV_LOG_QUIET},
        {"verbose", UHD_LOG_DEBUG, AV_LOG_WARNING},
        {"debug", UHD_LOG_DEBUG, AV_LOG_DEBUG},
};

static int apply(const char *name)
{
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		const struct level *l = &levels[i];
		if (strcmp(l->name, name) == 0) {
			if (l->uhd < 0) {
				uhd_log_set_callback(discard, NULL, UHD_LOG_ERROR);
			} else {
				uhd_log_set_callback(NULL, NULL, (enum uhd_log_level)l->uhd);
			}
			uhd_source_set_libav_log_level(l->libav);
			level_given = true;
			return 0;
		}
	}
	return uhd_cli_usage_error(NULL,
	                           "unknown --loglevel '%s' (quiet, error, warning, info, "
	                           "verbose, debug)",
	                           name);
}

/* Removes argv[i .. i + n) from the command line. */
static void take(int *argc, char **argv, int i, int n)
{
	memmove(&argv[i], &argv[i + n], (size_t)(*argc - i - n + 1) * sizeof(*argv));
	*argc -= n;
}

int uhd_cli_take_loglevel(int *argc, char **argv)
{
	for (int i = 1; i < *argc && strcmp(argv[i], "--") != 0;) {
		if (strcmp(argv[i], "--loglevel") == 0) {
			if (i + 1 >= *argc) {
				return uhd_cli_usage_error(NULL,
				                           "--loglevel needs a value (quiet, "
				                           "error, warning, info, verbose, debug)");
			}
			int ret = apply(argv[i + 1]);
			if (ret != 0) {
				return ret;
			}
			take(argc, argv, i, 2);
		} else if (strncmp(argv[i], "--loglevel=", 11) == 0) {
			int ret = apply(argv[i] + 11);
			if (ret != 0) {
				return ret;
			}
			take(argc, argv, i, 1);
		} else {
			i++;
		}
	}
	return 0;
}

void uhd_cli_quiet_logs(void)
{
	/* An explicit --loglevel says what the user wants to see; -q only hides
	 * progress and summaries then. */
	if (!level_given) {
		uhd_log_set_callback(NULL, NULL, UHD_LOG_WARN);
	}
}
