/* SPDX-License-Identifier: MIT */
/* The options of -o kms, shared by play and pattern. Their values are checked
 * when the presenter opens, before any frame. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "present/kms/hdr.h"
#include "present/kms/pack.h"

static bool valid_scanout(const char *text)
{
	static const char *const names[] = {
	        "auto", "zero-copy", "zero-copy-dumb-to-vulkan", "zero-copy-vulkan-to-kms",
	        "gpu",  "cpu"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(text, names[i]) == 0) {
			return true;
		}
	}
	return false;
}

static bool valid_mode(const char *text)
{
	int w, h, used = 0, rate_used = 0;
	double hz;
	if (sscanf(text, "%dx%d%n", &w, &h, &used) != 2 || w <= 0 || h <= 0 || w > 16384 ||
	    h > 16384) {
		return false;
	}
	return !text[used] || (sscanf(text + used, "@%lf%n", &hz, &rate_used) == 1 && hz >= 1 &&
	                       hz <= 1000 && !text[used + rate_used]);
}

/* Values are checked here, so that a typo is a usage error (exit 2). */
static int check_value(const char *command, int opt, const char *arg)
{
	enum uhd_hdr_mode mode;
	struct uhd_hdr_override override;
	switch (opt) {
	case UHD_OPT_MODE:
		return valid_mode(arg) ? 0
		                       : uhd_cli_usage_error(command,
		                                             "--mode needs WxH or WxH@HZ, e.g. "
		                                             "7680x4320@60; got '%s'",
		                                             arg);
	case UHD_OPT_FORMAT:
		return strcmp(arg, "auto") == 0 || uhd_scanout_format_by_name(arg)
		               ? 0
		               : uhd_cli_usage_error(command,
		                                     "unknown --format '%s' (auto, xrgb8888, "
		                                     "xrgb2101010, xbgr2101010, xrgb16161616, "
		                                     "xbgr16161616f, or their fourccs XR24, XR30, "
		                                     "XB30, XR48, XB4H)",
		                                     arg);
	case UHD_OPT_SCANOUT:
		return valid_scanout(arg)
		               ? 0
		               : uhd_cli_usage_error(command,
		                                     "unknown --scanout '%s' (auto, zero-copy, "
		                                     "zero-copy-dumb-to-vulkan, "
		                                     "zero-copy-vulkan-to-kms, gpu, cpu)",
		                                     arg);
	case UHD_OPT_HDR: return uhd_hdr_mode_parse(arg, &mode) < 0 ? UHD_EXIT_USAGE : 0;
	case UHD_OPT_HDR_METADATA:
		return uhd_hdr_metadata_parse(arg, &override) < 0 ? UHD_EXIT_USAGE : 0;
	default: return 0;
	}
}

int uhd_cli_display_option(const char *command, int opt, const char *arg,
                           struct uhd_display_params *d, bool *given)
{
	int bad = check_value(command, opt, arg);
	if (bad) {
		return bad;
	}
	switch (opt) {
	case UHD_OPT_MODE: d->mode = arg; break;
	case UHD_OPT_FORMAT: d->format = arg; break;
	case UHD_OPT_HDR: d->hdr = arg; break;
	case UHD_OPT_HDR_METADATA: d->hdr_metadata = arg; break;
	case UHD_OPT_CAPTURE: d->capture_dir = arg; break;
	case UHD_OPT_DROP_LATE: d->drop_late = true; break;
	case UHD_OPT_SCANOUT: d->scanout = arg; break;
	default: return -1;
	}
	*given = true;
	return 0;
}

int uhd_cli_check_display(const char *command, const char *output, bool given)
{
	bool kms = strcmp(output, "kms") == 0 || strncmp(output, "kms:", 4) == 0;
	if (given && !kms) {
		return uhd_cli_usage_error(command,
		                           "--mode, --format, --hdr, --hdr-metadata, --capture, "
		                           "--drop-late and --scanout are for -o kms[:CONNECTOR]");
	}
	return 0;
}
