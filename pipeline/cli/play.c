/* `uhdpipe play INPUT -o png:DIR | -o null [options]`. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "uhdpipe/uhdpipe.h"

static const char play_help[] =
        "usage: uhdpipe play INPUT -o png:DIR | -o null [options]\n"
        "\n"
        "Decodes INPUT and sends every frame through the GPU: Y'CbCr -> R'G'B' with the\n"
        "stream's matrix, range, bit depth and chroma siting, scaled to --size. The\n"
        "stream's primaries and transfer are kept (PQ stays PQ, HLG stays HLG).\n"
        "png:DIR writes DIR/frame-NNNNNN.png: 16-bit RGB for sources deeper than 8 bits,\n"
        "8-bit for 8-bit sources, with cICP (and mDCv/cLLi for HDR10) chunks.\n"
        "\n"
        "  -o, --output SPEC     png:DIR or null (default null)\n"
        "  --size WxH            output size (default: the source size)\n"
        "  --scaler NAME         nearest | bilinear | bicubic | lanczos3 (default lanczos3)\n"
        "  --start N             skip the first N decoded frames (default 0)\n"
        "  --frames N            output at most N frames (default: all)\n"
        "  --device NAME|INDEX   Vulkan device by index or part of its name (default:\n"
        "                        first discrete GPU, else integrated, else any)\n"
        "  --report FILE.json    write a JSON report (input, options, per-frame pts and\n"
        "                        checksum, stage times, totals)\n"
        "  --validate            enable the Vulkan validation layer; any message makes\n"
        "                        the run exit with code 7 (also UHD_VK_VALIDATION=1)\n"
        "  -q, --quiet           no progress and no summary line\n"
        "  -h, --help            this text\n"
        "\n"
        "Exit codes: 0 ok, 2 usage, 3 input, 4 unsupported input, 5 GPU, 6 output,\n"
        "7 Vulkan validation message, 130 interrupted.\n";

static volatile sig_atomic_t cancel_requested;

static void on_signal(int sig)
{
	(void)sig;
	cancel_requested = 1;
}

enum {
	OPT_SIZE = 256,
	OPT_SCALER,
	OPT_START,
	OPT_FRAMES,
	OPT_DEVICE,
	OPT_REPORT,
	OPT_VALIDATE,
};

static int parse_args(int argc, char **argv, struct uhd_play_params *p, bool *quiet)
{
	static const struct option options[] = {
	        {"output", required_argument, NULL, 'o'},
	        {"size", required_argument, NULL, OPT_SIZE},
	        {"scaler", required_argument, NULL, OPT_SCALER},
	        {"start", required_argument, NULL, OPT_START},
	        {"frames", required_argument, NULL, OPT_FRAMES},
	        {"device", required_argument, NULL, OPT_DEVICE},
	        {"report", required_argument, NULL, OPT_REPORT},
	        {"validate", no_argument, NULL, OPT_VALIDATE},
	        {"quiet", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	int opt;
	opterr = 0; /* our own one-line messages instead of getopt's */
	while ((opt = getopt_long(argc, argv, ":o:qh", options, NULL)) != -1) {
		switch (opt) {
		case 'o': p->output = optarg; break;
		case 'q': *quiet = true; break;
		case OPT_DEVICE: p->device = optarg; break;
		case OPT_REPORT: p->report_path = optarg; break;
		case OPT_VALIDATE: p->validation = true; break;
		case 'h': fputs(play_help, stdout); return -1;
		case OPT_SIZE:
			if (!uhd_cli_parse_size(optarg, &p->convert.width, &p->convert.height) ||
			    p->convert.width == 0 || p->convert.height == 0) {
				return uhd_cli_usage_error("play",
				                           "--size needs WxH with both above "
				                           "0, e.g. 3840x2160; got '%s'",
				                           optarg);
			}
			break;
		case OPT_SCALER:
			if (uhd_scaler_from_name(optarg, &p->convert.scaler) < 0) {
				return uhd_cli_usage_error("play",
				                           "unknown --scaler '%s' (nearest, "
				                           "bilinear, bicubic, lanczos3)",
				                           optarg);
			}
			break;
		case OPT_START:
			if (!uhd_cli_parse_count("--start", optarg, &p->start)) {
				return uhd_cli_usage_error("play",
				                           "--start needs a whole number >= 0, "
				                           "got '%s'",
				                           optarg);
			}
			break;
		case OPT_FRAMES:
			if (!uhd_cli_parse_count("--frames", optarg, &p->frames) ||
			    p->frames == 0) {
				return uhd_cli_usage_error("play",
				                           "--frames needs a whole number >= 1, "
				                           "got '%s'",
				                           optarg);
			}
			break;
		case ':': return uhd_cli_usage_error("play", "%s needs a value", argv[optind - 1]);
		default: return uhd_cli_usage_error("play", "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind != argc - 1) {
		return uhd_cli_usage_error("play", "give exactly one INPUT");
	}
	p->input = argv[optind];
	bool png = strncmp(p->output, "png:", 4) == 0 && p->output[4] != '\0';
	if (strcmp(p->output, "null") != 0 && !png) {
		return uhd_cli_usage_error("play", "unknown output '%s' (png:DIR or null)",
		                           p->output);
	}
	return 0;
}

static int exit_code(int ret, const struct uhd_play_result *result)
{
	/* A validation message is a bug signal: it outranks every other outcome. */
	if (result->validation_messages) {
		return UHD_EXIT_VALIDATION;
	}
	if (ret == -EINTR) {
		return UHD_EXIT_INTERRUPTED;
	}
	if (ret == 0) {
		return UHD_EXIT_OK;
	}
	if (ret == -ENOTSUP &&
	    (result->failed_stage == UHD_STAGE_INPUT || result->failed_stage == UHD_STAGE_GPU)) {
		return UHD_EXIT_UNSUPPORTED;
	}
	switch (result->failed_stage) {
	case UHD_STAGE_INPUT: return UHD_EXIT_INPUT;
	case UHD_STAGE_OUTPUT: return UHD_EXIT_OUTPUT;
	default: return UHD_EXIT_GPU;
	}
}

int uhd_cli_play(int argc, char **argv)
{
	struct uhd_play_params params = UHD_PLAY_DEFAULTS;
	bool quiet = false;
	int parsed = parse_args(argc, argv, &params, &quiet);
	if (parsed != 0) {
		return parsed < 0 ? UHD_EXIT_OK : parsed;
	}
	params.progress = !quiet && isatty(STDERR_FILENO);
	params.cancel = &cancel_requested;
	if (quiet) {
		uhd_log_set_callback(NULL, NULL, UHD_LOG_WARN);
	}
	struct sigaction action = {.sa_handler = on_signal};
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);

	struct uhd_play_result result;
	int ret = uhd_play_run(&params, &result);
	int code = exit_code(ret, &result);
	if (result.validation_messages) {
		fprintf(stderr,
		        "uhdpipe: error: the Vulkan validation layer reported %u "
		        "message(s); see above\n",
		        result.validation_messages);
	}
	if (!quiet && (ret == 0 || ret == -EINTR)) {
		printf("%s %lld frames (%.2f fps, Vulkan device %s) to %s%s\n",
		       ret == 0 ? "wrote" : "interrupted after", (long long)result.frames_out,
		       result.fps, result.device,
		       *result.output_location ? result.output_location : "null",
		       *result.output_location ? "/" : "");
		if (params.report_path) {
			printf("report: %s\n", params.report_path);
		}
	}
	return code;
}
