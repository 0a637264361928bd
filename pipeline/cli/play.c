/* SPDX-License-Identifier: MIT */
/* `uhdpipe play INPUT -o png:DIR | -o kms[:CONNECTOR] | -o null [options]`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char play_help[] =
        "usage: uhdpipe play INPUT -o png:DIR | -o kms[:CONNECTOR] | -o null [options]\n"
        "\n"
        "INPUT is a clip, a PNG file or a folder of PNGs (shown in name order, each\n"
        "for --duration seconds on a display; no conversion, no scaling); '-' reads a\n"
        "clip from stdin (one pass: not counted, and no container that needs seeking).\n"
        "Decodes INPUT and sends every frame through the GPU: Y'CbCr -> R'G'B' with the\n"
        "stream's matrix, range, bit depth and chroma siting, scaled to --size. The\n"
        "stream's primaries and transfer are kept (PQ stays PQ, HLG stays HLG) unless\n"
        "--target converts them for another display.\n"
        "png:DIR writes DIR/frame-NNNNNN.png: 16-bit RGB for sources deeper than 8 bits,\n"
        "8-bit for 8-bit sources, with cICP (and mDCV/cLLI for HDR10) chunks.\n"
        "kms shows the frames on a display through DRM/KMS, paced to the clip's frame\n"
        "rate on the display's refresh, and restores the display afterwards.\n"
        "\n"
        "  -o, --output SPEC     png:DIR, kms[:CONNECTOR] or null (default "
        "null)\n" UHD_CLI_RENDER_HELP
        "  --report FILE.json    write a JSON report (input, options, per-frame pts,\n"
        "                        checksum, decoding errors, stage times, totals)\n"
        "  --duration S          seconds each PNG of a PNG input is shown (default "
        "1)\n" UHD_CLI_TARGET_HELP UHD_CLI_HWACCEL_HELP UHD_CLI_IN_FLIGHT_HELP
        "  --strict              the first decoding error fails the run (exit 3); by\n"
        "                        default damaged frames are concealed, played, and\n"
        "                        counted in the report and a warning\n"
        "  -y, --overwrite       png:DIR (and --capture DIR) may hold files: uhdpipe's\n"
        "                        frame-*.png (capture-*.png) there are removed first\n"
        "                        (without it such a folder is refused)\n"
        "  -q, --quiet           no progress and no summary line\n"
        "  -h, --help            this text\n"
        "\n"
        "\n" UHD_CLI_DISPLAY_HELP "\n"
        "Exit codes: 0 ok, 2 usage, 3 input, 4 unsupported input, 5 GPU, 6 output,\n"
        "7 Vulkan validation message, 8 display (DRM/KMS), 130 interrupted.\n";

enum {
	OPT_REPORT = UHD_OPT_COMMAND,
	OPT_STRICT,
	OPT_DURATION,
	OPT_TARGET,
	OPT_TONEMAP_SOURCE,
	OPT_TARGET_PRIMARIES
};

/* Parses the options play and refs share; refs passes its own help text. */
int uhd_cli_parse_play(const char *command, const char *help, int argc, char **argv,
                       struct uhd_play_params *p, bool *quiet)
{
	static const struct option options[] = {
	        {"output", required_argument, NULL, 'o'},
	        {"report", required_argument, NULL, OPT_REPORT},
	        {"strict", no_argument, NULL, OPT_STRICT},
	        {"hwaccel", required_argument, NULL, UHD_OPT_HWACCEL},
	        {"frames-in-flight", required_argument, NULL, UHD_OPT_IN_FLIGHT},
	        {"duration", required_argument, NULL, OPT_DURATION},
	        UHD_CLI_TARGET_LONG_OPTIONS,
	        {"quiet", no_argument, NULL, 'q'},
	        {"overwrite", no_argument, NULL, 'y'},
	        {"help", no_argument, NULL, 'h'},
	        UHD_CLI_RENDER_LONG_OPTIONS,
	        UHD_CLI_DISPLAY_LONG_OPTIONS,
	        {0},
	};
	struct uhd_cli_render render = UHD_CLI_RENDER_DEFAULTS;
	struct uhd_target target = render.convert.target;
	bool display_given = false;
	int opt, index = -1;
	opterr = 0; /* our own one-line messages instead of getopt's */
	while ((opt = getopt_long(argc, argv, ":o:qyh", options, &index)) != -1) {
		switch (opt) {
		case 'o': p->output = optarg; break;
		case 'q': *quiet = true; break;
		case 'y': p->overwrite = true; break;
		case OPT_REPORT: p->report_path = optarg; break;
		case UHD_OPT_HWACCEL: {
			/* References are decoded in software: refs has no such option. */
			int ret = strcmp(command, "play") != 0
			                  ? uhd_cli_usage_error(command, "unknown option --hwaccel")
			                  : uhd_cli_parse_hwaccel(command, optarg, &p->hwaccel);
			if (ret != 0) {
				return ret;
			}
			break;
		}
		case UHD_OPT_IN_FLIGHT: {
			int ret = strcmp(command, "play") != 0
			                  ? uhd_cli_usage_error(command,
			                                        "unknown option --frames-in-flight")
			                  : uhd_cli_parse_in_flight(command, optarg,
			                                            &p->frames_in_flight);
			if (ret != 0) {
				return ret;
			}
			break;
		}
		case UHD_OPT_TARGET:
		case UHD_OPT_TARGET_PRIMARIES:
		case UHD_OPT_TONEMAP_SOURCE: {
			/* References keep the code values: refs has no such options. */
			int ret = strcmp(command, "play") != 0
			                  ? uhd_cli_usage_error(command, "unknown option --%s",
			                                        index >= 0 ? options[index].name
			                                                   : "?")
			                  : uhd_cli_target_option(command, opt, optarg, &target);
			if (ret != 0) {
				return ret;
			}
			break;
		}
		case OPT_STRICT:
			/* refs always decodes strictly; the option is play's alone. */
			if (strcmp(command, "play") != 0) {
				return uhd_cli_usage_error(command, "unknown option --strict");
			}
			p->strict = true;
			break;
		case OPT_DURATION: {
			if (strcmp(command, "play") != 0) {
				return uhd_cli_usage_error(command, "unknown option --duration");
			}
			char *end = NULL;
			p->image_duration = strtod(optarg, &end);
			if (end == optarg || *end ||
			    !(p->image_duration >= 0.001 && p->image_duration <= 86400)) {
				return uhd_cli_usage_error(
				        command,
				        "--duration needs seconds in 0.001..86400, "
				        "got '%s'",
				        optarg);
			}
			break;
		}
		case 'h': fputs(help, stdout); return -1;
		case ':': return uhd_cli_usage_error(command, "%s needs a value", argv[optind - 1]);
		case '?':
			return uhd_cli_usage_error(command, "unknown option %s", argv[optind - 1]);
		default: {
			int display = strcmp(command, "play") == 0
			                      ? uhd_cli_display_option(command, opt, optarg,
			                                               &p->display, &display_given)
			                      : -1;
			if (display >= 0) {
				if (display > 0) {
					return display;
				}
				break;
			}
			int ret = uhd_cli_render_option(command, opt, optarg, &render);
			if (ret < 0) {
				/* A display option where there is no display (refs). */
				return uhd_cli_usage_error(command, "unknown option --%s",
				                           index >= 0 ? options[index].name : "?");
			}
			if (ret != 0) {
				return ret;
			}
		}
		}
		index = -1;
	}
	if (optind != argc - 1) {
		return uhd_cli_usage_error(command, "give exactly one INPUT");
	}
	p->input = argv[optind];
	int ret = uhd_cli_check_display(command, p->output ? p->output : "null", display_given);
	if (ret != 0) {
		return ret;
	}
	ret = uhd_cli_check_target(command, &target);
	if (ret != 0) {
		return ret;
	}
	p->convert = render.convert;
	p->convert.target = target;
	p->start = render.start;
	p->rotate = render.rotate;
	p->frames = render.frames;
	p->device = render.device;
	p->validation = render.validation;
	return 0;
}

static int check_output(const struct uhd_play_params *p)
{
	bool png = strncmp(p->output, "png:", 4) == 0 && p->output[4] != '\0';
	bool kms = strcmp(p->output, "kms") == 0 || strncmp(p->output, "kms:", 4) == 0;
	if (strcmp(p->output, "null") != 0 && !png && !kms) {
		return uhd_cli_usage_error("play",
		                           "unknown output '%s' (png:DIR, kms[:CONNECTOR] or null)",
		                           p->output);
	}
	return 0;
}

/* Runs play (or refs) and prints the summary. */
int uhd_cli_run_play(struct uhd_play_params *params, bool quiet, const char *verb)
{
	params->progress = !quiet && isatty(STDERR_FILENO);
	params->cancel = uhd_run_catch_signals();
	if (quiet) {
		uhd_cli_quiet_logs();
	}
	struct uhd_play_result result;
	int ret = uhd_play_run(params, &result);
	int code = uhd_cli_exit_code(ret, result.failed_stage, result.validation_messages);
	if (!quiet && (ret == 0 || ret == -EINTR)) {
		long long frames = result.frames_out;
		printf("%s %lld %s (%.2f fps, Vulkan device %s) to %s%s\n",
		       ret == 0 ? verb : "interrupted after", frames,
		       uhd_plural(frames, "frame", "frames"), result.fps, result.device,
		       *result.output_location ? result.output_location : "null",
		       *result.output_location ? "/" : "");
		if (params->report_path) {
			printf("report: %s\n", params->report_path);
		}
	}
	return code;
}

int uhd_cli_play(int argc, char **argv)
{
	struct uhd_play_params params = UHD_PLAY_DEFAULTS;
	bool quiet = false;
	int parsed = uhd_cli_parse_play("play", play_help, argc, argv, &params, &quiet);
	parsed = parsed ? parsed : check_output(&params);
	if (parsed != 0) {
		return parsed < 0 ? UHD_EXIT_OK : parsed;
	}
	return uhd_cli_run_play(&params, quiet, "wrote");
}
