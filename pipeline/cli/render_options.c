/* SPDX-License-Identifier: MIT */
/* Options shared by the commands that render clips (play, refs, check), and
 * the mapping of run outcomes to exit codes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int uhd_cli_render_option(const char *command, int opt, const char *arg, struct uhd_cli_render *r)
{
	switch (opt) {
	case UHD_OPT_DEVICE: r->device = arg; return 0;
	case UHD_OPT_VALIDATE: r->validation = true; return 0;
	case UHD_OPT_SIZE:
		if (!uhd_cli_parse_size(arg, &r->convert.width, &r->convert.height) ||
		    r->convert.width == 0 || r->convert.height == 0) {
			return uhd_cli_usage_error(
			        command,
			        "--size needs WxH with both above 0, e.g. 3840x2160; got '%s'",
			        arg);
		}
		r->size_given = true;
		return 0;
	case UHD_OPT_SCALER:
		if (uhd_scaler_from_name(arg, &r->convert.scaler) < 0) {
			return uhd_cli_usage_error(
			        command,
			        "unknown --scaler '%s' (nearest, bilinear, bicubic, lanczos3)",
			        arg);
		}
		r->scaler_given = true;
		return 0;
	case UHD_OPT_START:
		if (!uhd_cli_parse_count("--start", arg, &r->start)) {
			return uhd_cli_usage_error(
			        command, "--start needs a whole number >= 0, got '%s'", arg);
		}
		r->start_given = true;
		return 0;
	case UHD_OPT_FRAMES:
		if (!uhd_cli_parse_count("--frames", arg, &r->frames) || r->frames == 0) {
			return uhd_cli_usage_error(
			        command, "--frames needs a whole number >= 1, got '%s'", arg);
		}
		r->frames_given = true;
		return 0;
	case UHD_OPT_ROTATE:
		if (strcmp(arg, "auto") != 0 && strcmp(arg, "none") != 0) {
			return uhd_cli_usage_error(command, "--rotate needs auto or none, got '%s'",
			                           arg);
		}
		r->rotate = strcmp(arg, "auto") == 0;
		r->rotate_given = true;
		return 0;
	default: return -1;
	}
}

int uhd_cli_target_option(const char *command, int opt, const char *arg, struct uhd_target *target)
{
	switch (opt) {
	case UHD_OPT_TARGET:
		return uhd_target_parse(arg, target) == 0
		               ? 0
		               : uhd_cli_usage_error(
		                         command,
		                         "--target needs source, pq[:PEAK], sdr[:PEAK] or "
		                         "hlg[:PEAK] with PEAK 1 to 10000 cd/m2, got '%s'",
		                         arg);
	case UHD_OPT_TARGET_PRIMARIES: {
		bool bt709 = strcmp(arg, "bt709") == 0, bt2020 = strcmp(arg, "bt2020") == 0;
		target->primaries = bt709 ? UHD_PRIMARIES_BT709 : UHD_PRIMARIES_BT2020;
		return bt709 || bt2020 ? 0
		                       : uhd_cli_usage_error(command,
		                                             "--target-primaries needs bt709 or "
		                                             "bt2020, got '%s'",
		                                             arg);
	}
	case UHD_OPT_TONEMAP_SOURCE:
		if (strcmp(arg, "mastering") == 0 || strcmp(arg, "maxcll") == 0) {
			target->source = strcmp(arg, "maxcll") == 0 ? UHD_TONEMAP_SOURCE_MAXCLL
			                                            : UHD_TONEMAP_SOURCE_MASTERING;
			return 0;
		}
		return uhd_cli_usage_error(
		        command, "--tonemap-source needs mastering or maxcll, got '%s'", arg);
	default: return -1;
	}
}

int uhd_cli_check_target(const char *command, const struct uhd_target *target)
{
	if (target->primaries && target->transfer != UHD_TARGET_SDR) {
		return uhd_cli_usage_error(command, "--target-primaries is the SDR target's gamut: "
		                                    "give it with --target sdr");
	}
	if (target->source != UHD_TONEMAP_SOURCE_MASTERING &&
	    target->transfer == UHD_TARGET_SOURCE) {
		return uhd_cli_usage_error(
		        command, "--tonemap-source chooses the EETF's source peak: give it "
		                 "with --target");
	}
	return 0;
}

int uhd_cli_exit_code(int ret, enum uhd_stage stage, unsigned validation_messages)
{
	/* A validation message is a bug signal: it outranks every other outcome. */
	if (validation_messages) {
		fprintf(stderr,
		        "uhdpipe: error: the Vulkan validation layer reported %u %s; see above\n",
		        validation_messages,
		        uhd_plural(validation_messages, "message", "messages"));
		return UHD_EXIT_VALIDATION;
	}
	if (ret == -EINTR) {
		return UHD_EXIT_INTERRUPTED;
	}
	if (ret == 0) {
		return UHD_EXIT_OK;
	}
	if (ret == -ENOTSUP && (stage == UHD_STAGE_INPUT || stage == UHD_STAGE_GPU)) {
		return UHD_EXIT_UNSUPPORTED;
	}
	switch (stage) {
	case UHD_STAGE_INPUT: return UHD_EXIT_INPUT;
	case UHD_STAGE_OUTPUT: return UHD_EXIT_OUTPUT;
	case UHD_STAGE_DISPLAY: return UHD_EXIT_DISPLAY;
	default: return UHD_EXIT_GPU;
	}
}
