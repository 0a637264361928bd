/* SPDX-License-Identifier: MIT */
/* `uhdpipe bench INPUT [options]`: stage timings, optionally beside ffmpeg's. */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "present/kms/pack.h"
#include "cli.h"

static const char bench_help[] =
        "usage: uhdpipe bench INPUT [options]\n"
        "\n"
        "Times each stage alone on the first N decoded frames of INPUT (held in memory):\n"
        "decode, upload, convert+scale on the GPU, checksum/readback, metrics, packing\n"
        "into a scanout format (on the CPU, on the GPU + copy, on the GPU in place: the\n"
        "-o kms paths' work without a display), and the whole play pipeline to null;\n"
        "one warm-up run, then --runs runs; prints median and spread per stage, peak\n"
        "memory and time to first frame.\n"
        "\n"
        "  --size WxH            output size (default: the source size)\n"
        "  --scaler NAME         nearest | bilinear | bicubic | lanczos3 (default lanczos3)\n"
        "  --metrics LIST        psnr,ssim,msssim,deltaitp,diff or all (default\n"
        "                        psnr,ssim,deltaitp)\n"
        "  --frames N            frames to time (default 8)\n"
        "  --runs N              measured runs per stage, 1..100 (default 3)\n"
        "  --format FMT          scanout format of the pack stages: xrgb8888,\n"
        "                        xrgb2101010, xbgr2101010, xrgb16161616, xbgr16161616f, or\n"
        "                        none to skip them (default xrgb16161616)\n"
        "  --target T[:PEAK]     also time convert+scale with play's --target (pq, sdr\n"
        "                        or hlg; PQ and HLG clips), to compare with "
        "it\n" UHD_CLI_HWACCEL_HELP UHD_CLI_IN_FLIGHT_HELP UHD_CLI_DEVICE_HELP
        "  --vs-ffmpeg           also time the ffmpeg commands that do the same work\n"
        "                        (decode-only, zscale, swscale, scale_vulkan, libplacebo,\n"
        "                        psnr+ssim) and print the ratios\n"
        "  --json FILE           write every number to FILE (schema: docs/commands.md)\n"
        "  -h, --help            this text\n"
        "\n"
        "Exit codes: 0 ok, 2 usage, 3 input, 4 unsupported input, 5 GPU, 6 output,\n"
        "7 Vulkan validation message, 130 interrupted.\n";

enum {
	OPT_METRICS = UHD_OPT_COMMAND,
	OPT_RUNS,
	OPT_VS_FFMPEG,
	OPT_JSON,
	OPT_FORMAT,
	OPT_TARGET,
};

struct bench_options {
	struct uhd_bench_params params;
	const char *json_path;
};

static int parse_number(const char *option, const char *text, int low, int high, int *value)
{
	int64_t parsed;
	if (!uhd_cli_parse_count(option, text, &parsed) || parsed < low || parsed > high) {
		return uhd_cli_usage_error("bench", "%s needs a whole number in %d..%d, got '%s'",
		                           option, low, high, text);
	}
	*value = (int)parsed;
	return 0;
}

static int apply_option(int opt, const char *arg, struct bench_options *o,
                        struct uhd_cli_render *render)
{
	struct uhd_bench_params *p = &o->params;
	const char *bad = NULL;
	switch (opt) {
	case OPT_METRICS:
		if (uhd_metrics_from_names(arg, &p->metrics, &bad) < 0 || p->metrics == 0) {
			return uhd_cli_usage_error(
			        "bench",
			        "unknown metric in --metrics '%s' (psnr, ssim, msssim, deltaitp, "
			        "diff, all)",
			        arg);
		}
		return 0;
	case OPT_RUNS: return parse_number("--runs", arg, 1, UHD_BENCH_MAX_RUNS, &p->runs);
	case UHD_OPT_FRAMES: return parse_number("--frames", arg, 1, 1000, &p->frames);
	case OPT_VS_FFMPEG: p->vs_ffmpeg = true; return 0;
	case OPT_JSON: o->json_path = arg; return 0;
	case OPT_FORMAT:
		p->scanout_format =
		        strcmp(arg, "none") == 0 ? NULL : uhd_scanout_format_by_name(arg);
		return p->scanout_format || strcmp(arg, "none") == 0
		               ? 0
		               : uhd_cli_usage_error(
		                         "bench",
		                         "unknown --format '%s' (xrgb8888, xrgb2101010, "
		                         "xbgr2101010, xrgb16161616, xbgr16161616f, none)",
		                         arg);
	case OPT_TARGET:
		return uhd_target_parse(arg, &p->tonemap_target) == 0 &&
		                       p->tonemap_target.transfer != UHD_TARGET_SOURCE
		               ? 0
		               : uhd_cli_usage_error(
		                         "bench",
		                         "--target needs pq[:PEAK], sdr[:PEAK] or hlg[:PEAK] "
		                         "with PEAK 1 to 10000 cd/m2, got '%s'",
		                         arg);
	case UHD_OPT_HWACCEL: return uhd_cli_parse_hwaccel("bench", arg, &p->hwaccel);
	case UHD_OPT_IN_FLIGHT: return uhd_cli_parse_in_flight("bench", arg, &p->frames_in_flight);
	default: return uhd_cli_render_option("bench", opt, arg, render);
	}
}

static int parse(int argc, char **argv, struct bench_options *o)
{
	static const struct option options[] = {
	        {"size", required_argument, NULL, UHD_OPT_SIZE},
	        {"scaler", required_argument, NULL, UHD_OPT_SCALER},
	        {"frames", required_argument, NULL, UHD_OPT_FRAMES},
	        {"metrics", required_argument, NULL, OPT_METRICS},
	        {"runs", required_argument, NULL, OPT_RUNS},
	        {"vs-ffmpeg", no_argument, NULL, OPT_VS_FFMPEG},
	        {"json", required_argument, NULL, OPT_JSON},
	        {"format", required_argument, NULL, OPT_FORMAT},
	        {"target", required_argument, NULL, OPT_TARGET},
	        {"hwaccel", required_argument, NULL, UHD_OPT_HWACCEL},
	        {"frames-in-flight", required_argument, NULL, UHD_OPT_IN_FLIGHT},
	        {"device", required_argument, NULL, UHD_OPT_DEVICE},
	        {"validate", no_argument, NULL, UHD_OPT_VALIDATE},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	struct uhd_cli_render render = UHD_CLI_RENDER_DEFAULTS;
	int opt;
	opterr = 0; /* our own one-line messages instead of getopt's */
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		int ret = 0;
		switch (opt) {
		case 'h': fputs(bench_help, stdout); return -1;
		case ':': return uhd_cli_usage_error("bench", "%s needs a value", argv[optind - 1]);
		case '?':
			return uhd_cli_usage_error("bench", "unknown option %s", argv[optind - 1]);
		default: ret = apply_option(opt, optarg, o, &render);
		}
		if (ret < 0) { /* in the table, handled nowhere: never a silent exit 0 */
			return uhd_cli_usage_error("bench", "unknown option %s", argv[optind - 1]);
		}
		if (ret != 0) {
			return ret;
		}
	}
	if (optind != argc - 1) {
		return uhd_cli_usage_error("bench", "give exactly one INPUT");
	}
	o->params.input = argv[optind];
	if (strcmp(o->params.input, "-") == 0) {
		return uhd_cli_usage_error("bench", "bench reads INPUT several times (each stage, "
		                                    "the peers); give a file, not '-' (stdin)");
	}
	o->params.convert = render.convert;
	o->params.device = render.device;
	o->params.validation = render.validation;
	return 0;
}

/* The ffmpeg the peers run: the first on PATH, as a shell would find it. */
static int find_ffmpeg(char *out, size_t size)
{
	const char *path = getenv("PATH");
	char dirs[8192];
	snprintf(dirs, sizeof(dirs), "%s", path && *path ? path : "/usr/bin:/bin");
	for (char *save = NULL, *dir = strtok_r(dirs, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(out, size, "%s/ffmpeg", *dir ? dir : ".");
		if (access(out, X_OK) == 0) {
			return 0;
		}
	}
	fprintf(stderr,
	        "uhdpipe: error: --vs-ffmpeg needs the ffmpeg program, and there is none on PATH "
	        "(%s); install it (apt-get install ffmpeg) or leave out --vs-ffmpeg\n",
	        path ? path : "unset");
	return UHD_EXIT_USAGE;
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path);
}

/* Raw frames for the peers and the play report go into a private folder
 * that is removed afterwards. */
static int make_work_dir(char *out, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(out, size, "%s/uhdpipe-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(out)) {
		int err = errno;
		fprintf(stderr,
		        "uhdpipe: error: cannot create a temporary folder '%s': %s; set TMPDIR to "
		        "a "
		        "writable folder\n",
		        out, strerror(err));
		return UHD_EXIT_OUTPUT;
	}
	return 0;
}

static int run(struct bench_options *o)
{
	struct uhd_bench_result *result = calloc(1, sizeof(*result));
	if (!result) {
		fprintf(stderr, "uhdpipe: error: out of memory\n");
		return UHD_EXIT_GPU;
	}
	int ret = uhd_bench_run_stages(&o->params, result);
	if (ret == 0 && o->params.vs_ffmpeg) {
		uhd_bench_run_peers(&o->params, result);
		ret = *o->params.cancel ? -EINTR : 0;
	}
	if (ret == 0) {
		uhd_bench_print_table(stdout, &o->params, result);
	}
	if (ret == 0 && o->json_path) {
		ret = uhd_bench_write_json(o->json_path, &o->params, result);
		result->failed_stage = ret < 0 ? UHD_STAGE_OUTPUT : result->failed_stage;
	}
	/* The peers run ffmpeg in processes of their own: no Vulkan here. */
	int code = uhd_cli_exit_code(ret, result->failed_stage, result->validation_messages);
	free(result);
	return code;
}

int uhd_cli_bench(int argc, char **argv)
{
	struct bench_options o = {
	        .params = {.metrics = UHD_METRIC_PSNR | UHD_METRIC_SSIM | UHD_METRIC_DELTAITP,
	                   .frames = 8,
	                   .runs = 3}};
	o.params.scanout_format = uhd_scanout_format_by_name("xrgb16161616");
	int ret = parse(argc, argv, &o);
	if (ret != 0) {
		return ret < 0 ? UHD_EXIT_OK : ret;
	}
	char ffmpeg[4096] = "", work_dir[4096];
	ret = o.params.vs_ffmpeg ? find_ffmpeg(ffmpeg, sizeof(ffmpeg)) : 0;
	ret = ret ? ret : make_work_dir(work_dir, sizeof(work_dir));
	if (ret != 0) {
		return ret;
	}
	o.params.ffmpeg = ffmpeg;
	o.params.work_dir = work_dir;
	o.params.cancel = uhd_run_catch_signals();
	ret = run(&o);
	nftw(work_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return ret;
}
