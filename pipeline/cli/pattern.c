/* SPDX-License-Identifier: MIT */
/* `uhdpipe pattern NAME [KEY=VALUE ...] | --sequence FILE | --list [options]`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pattern_run/run.h"

static const char pattern_help[] =
        "usage: uhdpipe pattern NAME [KEY=VALUE ...] [options]\n"
        "       uhdpipe pattern --sequence FILE.json [options]\n"
        "       uhdpipe pattern --list\n"
        "\n"
        "Renders a panel test pattern with Vulkan compute shaders and presents it:\n"
        "exact code values of the chosen bit depth, transfer and range (see --list for\n"
        "the patterns, their parameters and the standards they follow).\n"
        "\n"
        "  -o, --output SPEC     png:DIR, kms[:CONNECTOR] or null (default null)\n"
        "  -y, --overwrite       png:DIR (and --capture DIR) may hold files: uhdpipe's\n"
        "                        frame-*.png (capture-*.png) there are removed first\n"
        "                        (without it such a folder is refused)\n"
        "  --size WxH            pattern size (default 7680x4320; with -o kms --mode,\n"
        "                        the mode's size)\n"
        "  --bits N              8, 10 or 12 bits per code value (default 10; 8 with\n"
        "                        --transfer sdr); 10 and 12 bits go in 16-bit samples\n"
        "  --transfer NAME       sdr (BT.709), pq or hlg (BT.2100, BT.2020 primaries)\n"
        "                        (default pq)\n"
        "  --range NAME          narrow or full (default narrow)\n"
        "  --frames N            frames to present (default 1 for one pattern; a\n"
        "                        sequence runs to its end; with --control or -o kms,\n"
        "                        until quit or interrupted)\n"
        "  --rate FPS            frames per second of sequence durations and of\n"
        "                        --realtime pacing (default 60)\n"
        "  --realtime            present frames at --rate by the clock (implied by\n"
        "                        --control and by -o kms, which paces on the display's\n"
        "                        refresh); otherwise as fast as the output takes them\n"
        "  --sequence FILE       show the patterns of a sequence file (docs/patterns.md)\n"
        "  --control unix:PATH   accept line commands on a socket (docs/patterns.md)\n"
        "  --report FILE.json    write a JSON report: format, each pattern shown with its\n"
        "                        first frame, frame count and image checksum\n"
        "  --device NAME|INDEX   Vulkan device by index or part of its name\n"
        "  --validate            enable the Vulkan validation layer (exit 7 on a message)\n"
        "  --list                list the patterns and their parameters\n"
        "  -q, --quiet           no progress and no summary line\n"
        "  -h, --help            this text\n"
        "\n" UHD_CLI_DISPLAY_HELP "\n"
        "Exit codes: 0 ok, 2 usage (unknown pattern, bad parameter), 3 sequence file\n"
        "not readable or not valid, 5 GPU, 6 output or control socket, 7 Vulkan\n"
        "validation message, 8 display (DRM/KMS), 130 interrupted.\n";

enum {
	OPT_BITS = UHD_OPT_COMMAND,
	OPT_TRANSFER,
	OPT_RANGE,
	OPT_RATE,
	OPT_REALTIME,
	OPT_SEQUENCE,
	OPT_CONTROL,
	OPT_REPORT,
	OPT_LIST,
};

struct pattern_cli {
	struct uhd_pattern_run_params run;
	bool quiet, list, bits_given, frames_given, size_given, display_given;
	char spec[1024];
	char notes[512]; /* what the pattern works out (pixels per code...), told before the run */
};

static int parse_number(const char *option, const char *text, double *value)
{
	char *end = NULL;
	*value = strtod(text, &end);
	if (end == text || *end != '\0') {
		return uhd_cli_usage_error("pattern", "%s: '%s' is not a number", option, text);
	}
	return 0;
}

static int apply_option(struct pattern_cli *cli, int opt, const char *arg)
{
	struct uhd_pattern_run_params *r = &cli->run;
	switch (opt) {
	case 'o': r->output = arg; return 0;
	case 'q': cli->quiet = true; return 0;
	case 'y': r->overwrite = true; return 0;
	case UHD_OPT_SIZE:
		if (!uhd_cli_parse_size(arg, &r->format.width, &r->format.height)) {
			return uhd_cli_usage_error(
			        "pattern", "--size needs WxH, e.g. 3840x2160; got '%s'", arg);
		}
		cli->size_given = true;
		return 0;
	case UHD_OPT_FRAMES:
		cli->frames_given = true;
		if (!uhd_cli_parse_count("--frames", arg, &r->frames) || r->frames == 0) {
			return uhd_cli_usage_error(
			        "pattern", "--frames needs a whole number >= 1, got '%s'", arg);
		}
		return 0;
	case UHD_OPT_DEVICE: r->device = arg; return 0;
	case UHD_OPT_VALIDATE: r->validation = true; return 0;
	case OPT_BITS:
		cli->bits_given = true;
		r->format.bits = atoi(arg);
		if (strcmp(arg, "8") && strcmp(arg, "10") && strcmp(arg, "12")) {
			return uhd_cli_usage_error("pattern", "--bits %s: choose 8, 10 or 12", arg);
		}
		return 0;
	case OPT_TRANSFER:
		return uhd_pattern_transfer_from_name(arg, &r->format.transfer) == 0
		               ? 0
		               : uhd_cli_usage_error("pattern",
		                                     "--transfer %s: choose sdr, pq or hlg", arg);
	case OPT_RANGE:
		return uhd_pattern_range_from_name(arg, &r->format.range) == 0
		               ? 0
		               : uhd_cli_usage_error("pattern", "--range %s: choose narrow or full",
		                                     arg);
	case OPT_RATE: return parse_number("--rate", arg, &r->rate);
	case OPT_REALTIME: r->realtime = true; return 0;
	case OPT_SEQUENCE: r->sequence = arg; return 0;
	case OPT_CONTROL: r->control = arg; return 0;
	case OPT_REPORT: r->report_path = arg; return 0;
	case OPT_LIST: cli->list = true; return 0;
	case UHD_OPT_MODE:
	case UHD_OPT_FORMAT:
	case UHD_OPT_HDR:
	case UHD_OPT_HDR_METADATA:
	case UHD_OPT_CAPTURE:
	case UHD_OPT_DROP_LATE:
	case UHD_OPT_SCANOUT:
		return uhd_cli_display_option("pattern", opt, arg, &r->display,
		                              &cli->display_given);
	default: return uhd_cli_usage_error("pattern", "unknown option");
	}
}

/* NAME and KEY=VALUE words become one spec. */
static int join_spec(struct pattern_cli *cli, int argc, char **argv)
{
	size_t used = 0;
	for (int i = optind; i < argc; i++) {
		int n = snprintf(cli->spec + used, sizeof(cli->spec) - used, "%s%s",
		                 used ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(cli->spec) - used) {
			return uhd_cli_usage_error("pattern",
			                           "the pattern and its parameters are too long");
		}
		used += (size_t)n;
	}
	cli->run.spec = used ? cli->spec : NULL;
	return 0;
}

static int parse(struct pattern_cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	        {"output", required_argument, NULL, 'o'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"overwrite", no_argument, NULL, 'y'},
	        {"help", no_argument, NULL, 'h'},
	        {"size", required_argument, NULL, UHD_OPT_SIZE},
	        {"frames", required_argument, NULL, UHD_OPT_FRAMES},
	        {"device", required_argument, NULL, UHD_OPT_DEVICE},
	        {"validate", no_argument, NULL, UHD_OPT_VALIDATE},
	        {"bits", required_argument, NULL, OPT_BITS},
	        {"transfer", required_argument, NULL, OPT_TRANSFER},
	        {"range", required_argument, NULL, OPT_RANGE},
	        {"rate", required_argument, NULL, OPT_RATE},
	        {"realtime", no_argument, NULL, OPT_REALTIME},
	        {"sequence", required_argument, NULL, OPT_SEQUENCE},
	        {"control", required_argument, NULL, OPT_CONTROL},
	        {"report", required_argument, NULL, OPT_REPORT},
	        {"list", no_argument, NULL, OPT_LIST},
	        UHD_CLI_DISPLAY_LONG_OPTIONS,
	        {0},
	};
	int opt;
	opterr = 0;
	/* GNU getopt moves the pattern's NAME and KEY=VALUE words after the options. */
	while ((opt = getopt_long(argc, argv, ":o:qyh", options, NULL)) != -1) {
		if (opt == 'h') {
			fputs(pattern_help, stdout);
			return -1;
		}
		if (opt == ':' || opt == '?') {
			return uhd_cli_usage_error("pattern", "%s %s", argv[optind - 1],
			                           opt == ':' ? "needs a value"
			                                      : "is not an option");
		}
		int ret = apply_option(cli, opt, optarg);
		if (ret != 0) {
			return ret;
		}
	}
	return join_spec(cli, argc, argv);
}

static int check_choices(struct pattern_cli *cli)
{
	struct uhd_pattern_run_params *r = &cli->run;
	if (!cli->bits_given && r->format.transfer == UHD_TRANSFER_BT709) {
		r->format.bits = 8;
	}
	if (!cli->list && !r->spec == !r->sequence) {
		return uhd_cli_usage_error("pattern", "give a pattern NAME or --sequence FILE (one "
		                                      "of them); --list shows the patterns");
	}
	if (!(r->rate >= 0.001 && r->rate <= 1000)) {
		return uhd_cli_usage_error("pattern", "--rate %g is out of range 0.001..1000",
		                           r->rate);
	}
	bool png = r->output && strncmp(r->output, "png:", 4) == 0 && r->output[4] != '\0';
	bool kms =
	        r->output && (strcmp(r->output, "kms") == 0 || strncmp(r->output, "kms:", 4) == 0);
	if (r->output && strcmp(r->output, "null") != 0 && !png && !kms) {
		return uhd_cli_usage_error("pattern",
		                           "unknown output '%s' (png:DIR, kms[:CONNECTOR] or null)",
		                           r->output);
	}
	int ret = uhd_cli_check_display("pattern", r->output ? r->output : "null",
	                                cli->display_given);
	if (ret != 0) {
		return ret;
	}
	/* The display's mode sizes the pattern unless --size says otherwise. */
	int mode_w = 0, mode_h = 0;
	if (r->display.mode && !cli->size_given &&
	    sscanf(r->display.mode, "%dx%d", &mode_w, &mode_h) == 2 && mode_w > 0 && mode_h > 0) {
		r->format.width = mode_w;
		r->format.height = mode_h;
	}
	if (!cli->frames_given) {
		/* One frame to a file; a display keeps the pattern up until stopped. */
		r->frames = r->spec && !r->control && !kms ? 1 : -1;
	}
	if (r->spec) {
		/* A bad pattern or parameter is a usage error, found before any set-up. */
		char error[1024];
		struct uhd_pattern *pattern = NULL;
		if (uhd_pattern_parse(r->spec, &r->format, &pattern, error, sizeof(error)) < 0) {
			return uhd_cli_usage_error("pattern", "%s", error);
		}
		snprintf(cli->notes, sizeof(cli->notes), "%s", uhd_pattern_notes(pattern));
		uhd_pattern_destroy(&pattern);
	}
	return 0;
}

static int run(struct pattern_cli *cli)
{
	struct uhd_pattern_run_params *r = &cli->run;
	r->progress = !cli->quiet && isatty(STDERR_FILENO);
	r->cancel = uhd_run_catch_signals();
	if (cli->quiet) {
		uhd_cli_quiet_logs();
	}
	if (!cli->quiet && cli->notes[0]) {
		printf("%s: %s\n", r->spec, cli->notes);
		fflush(stdout);
	}
	struct uhd_pattern_run_result result;
	int ret = uhd_pattern_run(r, &result);
	int code = uhd_cli_exit_code(ret, result.failed_stage, result.validation_messages);
	if (!cli->quiet && (ret == 0 || ret == -EINTR)) {
		long long frames = result.frames_out, shown = result.patterns_shown;
		printf("%s %lld %s, %lld %s (Vulkan device %s) to %s%s\n",
		       ret == 0 ? "presented" : "interrupted after", frames,
		       uhd_plural(frames, "frame", "frames"), shown,
		       uhd_plural(shown, "pattern change", "pattern changes"), result.device,
		       *result.output_location ? result.output_location : "null",
		       *result.output_location ? "/" : "");
		if (r->report_path) {
			printf("report: %s\n", r->report_path);
		}
	}
	return code;
}

int uhd_cli_pattern_parse(int argc, char **argv)
{
	struct pattern_cli cli = {.run = {.format = UHD_PATTERN_FORMAT_DEFAULTS,
	                                  .rate = 60,
	                                  .display = {.format = "auto", .hdr = "auto"}}};
	int ret = parse(&cli, argc, argv);
	ret = ret ? ret : check_choices(&cli);
	return ret < 0 ? UHD_EXIT_OK : ret;
}

int uhd_cli_pattern(int argc, char **argv)
{
	struct pattern_cli cli = {.run = {.format = UHD_PATTERN_FORMAT_DEFAULTS,
	                                  .rate = 60,
	                                  .display = {.format = "auto", .hdr = "auto"}}};
	int ret = parse(&cli, argc, argv);
	ret = ret ? ret : check_choices(&cli);
	if (ret != 0) {
		return ret < 0 ? UHD_EXIT_OK : ret;
	}
	if (cli.list) {
		uhd_pattern_list(stdout);
		return UHD_EXIT_OK;
	}
	return run(&cli);
}
