/* SPDX-License-Identifier: MIT */
/* `uhdpipe check INPUT --ref REF [options]`. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char check_help[] =
        "usage: uhdpipe check INPUT --ref REF [options]\n"
        "       uhdpipe check --suite FILE.json [--shard I/N] [options]\n"
        "\n"
        "Compares the frames of INPUT with those of REF on the GPU and judges each frame\n"
        "against thresholds. INPUT and REF may each be a clip (rendered as 'play' does),\n"
        "a PNG (8 or 16-bit), or a folder recorded by 'uhdpipe refs' (whose recorded\n"
        "--size, --scaler, --start and --frames are used unless given here). REF may\n"
        "also be a test pattern, \"pattern:NAME [KEY=VALUE ...]\", rendered in INPUT's\n"
        "format (size; depth from sBIT, else 8 or 10 bits; transfer and range from\n"
        "cICP) unless the spec sets size=WxH, bits=N, transfer=T or range=R.\n"
        "--target converts INPUT (a PQ or HLG clip) as 'play --target' does, to compare\n"
        "it with a reference made for that display (SDR, say); REF is not converted.\n"
        "\n"
        "  --ref REF             the reference: clip, PNG, reference folder or\n"
        "                        pattern:SPEC (required)\n"
        "  --domain auto|rgb|yuv where metrics are computed (default auto): rgb renders\n"
        "                        both sides to full-range R'G'B' as 'play' does (any\n"
        "                        inputs, every metric); yuv compares two clips of the\n"
        "                        same format and colour description on their decoded\n"
        "                        Y'CbCr planes, unconverted: PSNR per plane, SSIM and\n"
        "                        MS-SSIM of luma, --exact (docs/quality.md); auto is\n"
        "                        yuv for two such clips unless a metric or option\n"
        "                        needs rgb\n"
        "  --metrics LIST        psnr,ssim,msssim,deltaitp,diff or all\n"
        "                        (default psnr,ssim,deltaitp,diff; psnr,ssim in the\n"
        "                        yuv domain)\n"
        "  --min-psnr DB         average PSNR of R, G, B; in the yuv domain, of all the\n"
        "                        Y, Cb and Cr samples, as ffmpeg's psnr (default 45)\n"
        "  --min-ssim X          SSIM of luma (in the yuv domain: of the Y' plane's\n"
        "                        codes) (default 0.99)\n"
        "  --min-msssim X        MS-SSIM of luma (in the yuv domain: of the Y' plane's\n"
        "                        codes) (default 0.99)\n"
        "  --max-deltaitp X      mean deltaE ITP, BT.2124 (default 0.5)\n"
        "  --max-deltaitp-p99 X  99th percentile of deltaE ITP (default 2)\n"
        "  --max-diff N          largest code-value difference (default: no limit)\n"
        "  --exact               pixel checksums must match. A threshold of 'off'\n"
        "                        disables it; giving a threshold adds its metric to\n"
        "                        the list.\n"
        "  --suite FILE.json     run the suite's entries (docs/reports.md): the options\n"
        "                        here are every entry's defaults; one JUnit testsuite\n"
        "                        per entry\n"
        "  --shard I/N           run entries i with i % N == I (0 <= I < N); default from\n"
        "                        GTEST_SHARD_INDEX and GTEST_TOTAL_SHARDS when set\n"
        "  --report-json FILE    JSON report: per-frame metrics, failures, worst frames\n"
        "  --junit FILE          JUnit XML: one testcase per frame\n"
        "  --diff-dir DIR        for each failing frame: DIR/frame-NNNNNN-heat.png, a heat\n"
        "                        map of deltaE ITP (else of the largest code difference)\n"
        "                        with a legend, and DIR/frame-NNNNNN-worst.png, the 256x256\n"
        "                        region with the most error: reference | input | heat "
        "map\n" UHD_CLI_RENDER_HELP UHD_CLI_TARGET_HELP
        "  -q, --quiet           no progress and no summary line\n"
        "  -h, --help            this text\n"
        "\n"
        "Exit codes: 0 every frame passed, 1 a threshold failed or frame counts/sizes\n"
        "differ, 2 usage, 3 input, 4 unsupported input, 5 GPU, 6 output, 7 Vulkan\n"
        "validation message, 130 interrupted.\n";

enum {
	OPT_REF = UHD_OPT_COMMAND,
	OPT_METRICS,
	OPT_DOMAIN,
	OPT_MIN_PSNR,
	OPT_MIN_SSIM,
	OPT_MIN_MSSSIM,
	OPT_MAX_DELTAITP,
	OPT_MAX_DELTAITP_P99,
	OPT_MAX_DIFF,
	OPT_EXACT,
	OPT_REPORT_JSON,
	OPT_JUNIT,
	OPT_DIFF_DIR,
	OPT_SUITE,
	OPT_SHARD,
};

struct check_cli {
	struct uhd_check_params params;
	bool quiet;
	const char *suite;
	int shard_index, shard_count;
	bool shard_given;
};

static bool parse_threshold(const char *text, double *value)
{
	if (strcmp(text, "off") == 0) {
		*value = NAN;
		return true;
	}
	char *end = NULL;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || *end || errno || !isfinite(v)) {
		return false;
	}
	*value = v;
	return true;
}

/* Threshold options: sets the value and adds the metric it needs. */
static int threshold_option(int opt, const char *arg, struct uhd_check_params *p)
{
	struct uhd_thresholds *t = &p->thresholds;
	static const struct {
		int opt;
		size_t offset;
		unsigned metric;
	} table[] = {
	        {OPT_MIN_PSNR, offsetof(struct uhd_thresholds, min_psnr), UHD_METRIC_PSNR},
	        {OPT_MIN_SSIM, offsetof(struct uhd_thresholds, min_ssim), UHD_METRIC_SSIM},
	        {OPT_MIN_MSSSIM, offsetof(struct uhd_thresholds, min_msssim), UHD_METRIC_MSSSIM},
	        {OPT_MAX_DELTAITP, offsetof(struct uhd_thresholds, max_deltaitp),
	         UHD_METRIC_DELTAITP},
	        {OPT_MAX_DELTAITP_P99, offsetof(struct uhd_thresholds, max_deltaitp_p99),
	         UHD_METRIC_DELTAITP},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].opt == opt) {
			double *value = (double *)((char *)t + table[i].offset);
			if (!parse_threshold(arg, value)) {
				return -1;
			}
			p->thresholds_given |= isnan(*value) ? 0 : table[i].metric;
			return 0;
		}
	}
	if (opt == OPT_MAX_DIFF) {
		if (strcmp(arg, "off") == 0) {
			t->max_diff = -1;
			return 0;
		}
		if (!uhd_cli_parse_count("--max-diff", arg, &t->max_diff)) {
			return -1;
		}
		p->thresholds_given |= UHD_METRIC_DIFF;
		return 0;
	}
	return 1;
}

static bool parse_shard(const char *text, int *index, int *count)
{
	char tail;
	return sscanf(text, "%d/%d%c", index, count, &tail) == 2 && *count >= 1 && *index >= 0 &&
	       *index < *count;
}

static int command_option(int opt, const char *arg, struct check_cli *cli,
                          unsigned *explicit_metrics)
{
	struct uhd_check_params *p = &cli->params;
	const char *bad = NULL;
	switch (opt) {
	case OPT_SUITE: cli->suite = arg; return 0;
	case OPT_SHARD:
		if (!parse_shard(arg, &cli->shard_index, &cli->shard_count)) {
			return uhd_cli_usage_error(
			        "check", "--shard needs I/N with 0 <= I < N, got '%s'", arg);
		}
		cli->shard_given = true;
		return 0;
	case OPT_REF: p->ref = arg; return 0;
	case OPT_METRICS:
		if (uhd_metrics_from_names(arg, explicit_metrics, &bad) < 0) {
			return uhd_cli_usage_error("check",
			                           "unknown metric in --metrics '%s' (psnr, ssim, "
			                           "msssim, deltaitp, diff, all)",
			                           arg);
		}
		return 0;
	case OPT_DOMAIN:
		if (uhd_check_domain_from_name(arg, &p->domain) < 0) {
			return uhd_cli_usage_error("check",
			                           "--domain is auto, rgb or yuv, got '%s'", arg);
		}
		return 0;
	case OPT_EXACT:
		p->thresholds.exact = true;
		p->thresholds_given |= UHD_METRIC_DIFF;
		return 0;
	case OPT_REPORT_JSON: p->report_path = arg; return 0;
	case OPT_JUNIT: p->junit_path = arg; return 0;
	case OPT_DIFF_DIR: p->diff_dir = arg; return 0;
	case 'q': cli->quiet = true; return 0;
	}
	int ret = threshold_option(opt, arg, p);
	if (ret < 0) {
		return uhd_cli_usage_error("check", "a threshold needs a number or 'off', got '%s'",
		                           arg);
	}
	return ret == 0 ? 0 : -1;
}

static void apply_render(struct uhd_check_params *p, const struct uhd_cli_render *r)
{
	p->convert = r->convert;
	p->size_given = r->size_given;
	p->scaler_given = r->scaler_given;
	p->start = r->start;
	p->start_given = r->start_given;
	p->frames = r->frames;
	p->frames_given = r->frames_given;
	p->rotate = r->rotate;
	p->rotate_given = r->rotate_given;
	p->device = r->device;
	p->validation = r->validation;
}

static int parse_args(int argc, char **argv, struct check_cli *cli)
{
	struct uhd_check_params *p = &cli->params;
	static const struct option options[] = {
	        {"ref", required_argument, NULL, OPT_REF},
	        {"metrics", required_argument, NULL, OPT_METRICS},
	        {"domain", required_argument, NULL, OPT_DOMAIN},
	        {"min-psnr", required_argument, NULL, OPT_MIN_PSNR},
	        {"min-ssim", required_argument, NULL, OPT_MIN_SSIM},
	        {"min-msssim", required_argument, NULL, OPT_MIN_MSSSIM},
	        {"max-deltaitp", required_argument, NULL, OPT_MAX_DELTAITP},
	        {"max-deltaitp-p99", required_argument, NULL, OPT_MAX_DELTAITP_P99},
	        {"max-diff", required_argument, NULL, OPT_MAX_DIFF},
	        {"exact", no_argument, NULL, OPT_EXACT},
	        {"report-json", required_argument, NULL, OPT_REPORT_JSON},
	        {"junit", required_argument, NULL, OPT_JUNIT},
	        {"diff-dir", required_argument, NULL, OPT_DIFF_DIR},
	        {"suite", required_argument, NULL, OPT_SUITE},
	        {"shard", required_argument, NULL, OPT_SHARD},
	        {"quiet", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},
	        UHD_CLI_RENDER_LONG_OPTIONS,
	        UHD_CLI_TARGET_LONG_OPTIONS,
	        {0},
	};
	struct uhd_cli_render render = UHD_CLI_RENDER_DEFAULTS;
	struct uhd_target target = render.convert.target;
	unsigned explicit_metrics = 0;
	p->metrics = 0; /* thresholds given add their metrics to the list */
	int opt;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":qh", options, NULL)) != -1) {
		if (opt == 'h') {
			fputs(check_help, stdout);
			return -1;
		}
		if (opt == ':') {
			return uhd_cli_usage_error("check", "%s needs a value", argv[optind - 1]);
		}
		int ret = uhd_cli_render_option("check", opt, optarg, &render);
		ret = ret >= 0 ? ret : uhd_cli_target_option("check", opt, optarg, &target);
		ret = ret >= 0 ? ret : command_option(opt, optarg, cli, &explicit_metrics);
		if (ret < 0) {
			return uhd_cli_usage_error("check", "unknown option %s", argv[optind - 1]);
		}
		if (ret > 0) {
			return ret;
		}
	}
	apply_render(p, &render);
	p->convert.target = target;
	int checked = uhd_cli_check_target("check", &target);
	if (checked != 0) {
		return checked;
	}
	/* The default list: the run takes it to mean the chosen domain's. */
	p->metrics |= explicit_metrics ? explicit_metrics : UHD_CHECK_DEFAULT_METRICS;
	p->metrics_given = explicit_metrics != 0;
	if (cli->suite) {
		if (optind != argc || p->ref) {
			return uhd_cli_usage_error("check", "--suite takes no INPUT or --ref");
		}
		return 0;
	}
	if (cli->shard_given) {
		return uhd_cli_usage_error("check", "--shard goes with --suite");
	}
	if (optind != argc - 1 || !p->ref) {
		return uhd_cli_usage_error("check", "give one INPUT and --ref REF");
	}
	p->input = argv[optind];
	if (strcmp(p->input, "-") == 0 && strcmp(p->ref, "-") == 0) {
		return uhd_cli_usage_error("check",
		                           "INPUT and REF cannot both be '-': stdin is one "
		                           "clip");
	}
	return 0;
}

static void print_summary(const struct uhd_check_params *p, const struct uhd_check_result *r,
                          int ret)
{
	long long done = r->frames_compared;
	if (ret == -EINTR) {
		printf("interrupted after %lld %s\n", done, uhd_plural(done, "frame", "frames"));
	} else if (r->passed) {
		printf("passed: %lld %s of %s %s %s (%s, %.2f fps, Vulkan device %s)\n", done,
		       uhd_plural(done, "frame", "frames"), p->input,
		       uhd_plural(done, "matches", "match"), p->ref,
		       r->domain == UHD_CHECK_DOMAIN_YUV ? "decoded Y'CbCr planes" : "R'G'B'",
		       r->fps, r->device);
	} else if (r->frames_failed == 0) {
		/* Not a frame that failed: the comparison itself (counts, sizes, colour). */
		printf("FAILED: %s\n", r->message);
		if (done > 0) {
			printf("  %lld %s of %s matched %s before that\n", done,
			       uhd_plural(done, "frame", "frames"), p->input, p->ref);
		}
	} else {
		printf("FAILED: %lld of %lld %s of %s fail against %s\n  %s\n",
		       (long long)r->frames_failed, done, uhd_plural(done, "frame", "frames"),
		       p->input, p->ref, r->message);
	}
	if (p->report_path) {
		printf("report: %s\n", p->report_path);
	}
	if (p->junit_path) {
		printf("junit: %s\n", p->junit_path);
	}
}

/* CI systems shard through GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS and expect the
 * file GTEST_SHARD_STATUS_FILE names to be touched by a runner that shards. */
static int shard_from_environment(struct check_cli *cli)
{
	const char *index = getenv("GTEST_SHARD_INDEX"), *total = getenv("GTEST_TOTAL_SHARDS");
	if (cli->shard_given || !index || !total) {
		return 0;
	}
	char text[64];
	snprintf(text, sizeof(text), "%s/%s", index, total);
	if (!parse_shard(text, &cli->shard_index, &cli->shard_count)) {
		return uhd_cli_usage_error("check",
		                           "GTEST_SHARD_INDEX=%s and GTEST_TOTAL_SHARDS=%s do not "
		                           "make a shard I/N with 0 <= I < N",
		                           index, total);
	}
	const char *status = getenv("GTEST_SHARD_STATUS_FILE");
	FILE *touch = status && *status ? fopen(status, "a") : NULL;
	if (touch) {
		fclose(touch);
	}
	return 0;
}

static int run_suite(struct check_cli *cli)
{
	int bad = shard_from_environment(cli);
	if (bad) {
		return bad;
	}
	struct uhd_suite_params sp = {.path = cli->suite,
	                              .shard_index = cli->shard_index,
	                              .shard_count = cli->shard_count,
	                              .base = cli->params,
	                              .report_path = cli->params.report_path,
	                              .junit_path = cli->params.junit_path};
	sp.base.progress = false;
	struct uhd_suite_result r;
	int ret = uhd_suite_run(&sp, &r);
	if (r.bad_suite) {
		return UHD_EXIT_USAGE; /* the suite file is malformed or missing: logged */
	}
	int code = uhd_cli_exit_code(ret, UHD_STAGE_OUTPUT, r.validation_messages);
	if (code == UHD_EXIT_OK && r.errored) {
		code = uhd_cli_exit_code(r.first_error, r.first_error_stage, 0);
	}
	if (code == UHD_EXIT_OK && r.failed) {
		code = UHD_EXIT_QUALITY;
	}
	if (!cli->quiet) {
		printf("suite %s, shard %d/%d: %d entries, %d passed, %d failed, %d errors%s\n",
		       cli->suite, cli->shard_index, cli->shard_count, r.entries, r.passed,
		       r.failed, r.errored, r.interrupted ? " (interrupted)" : "");
		if (r.message[0]) {
			printf("  %s\n", r.message);
		}
	}
	return code;
}

int uhd_cli_check_parse(int argc, char **argv)
{
	struct check_cli cli = {.params = UHD_CHECK_DEFAULTS, .shard_count = 1};
	int parsed = parse_args(argc, argv, &cli);
	return parsed < 0 ? UHD_EXIT_OK : parsed;
}

int uhd_cli_check(int argc, char **argv)
{
	struct check_cli cli = {.params = UHD_CHECK_DEFAULTS, .shard_count = 1};
	int parsed = parse_args(argc, argv, &cli);
	if (parsed != 0) {
		return parsed < 0 ? UHD_EXIT_OK : parsed;
	}
	struct uhd_check_params params = cli.params;
	bool quiet = cli.quiet;
	params.progress = !quiet && isatty(STDERR_FILENO);
	params.cancel = uhd_run_catch_signals();
	if (quiet) {
		uhd_cli_quiet_logs();
	}
	if (cli.suite) {
		cli.params.cancel = params.cancel;
		return run_suite(&cli);
	}
	struct uhd_check_result result;
	int ret = uhd_check_run(&params, &result);
	int code = uhd_cli_exit_code(ret, result.failed_stage, result.validation_messages);
	if (!quiet && (ret == 0 || ret == -EINTR)) {
		print_summary(&params, &result, ret);
	}
	if (code == UHD_EXIT_OK && !result.passed) {
		code = UHD_EXIT_QUALITY;
	}
	return code;
}
