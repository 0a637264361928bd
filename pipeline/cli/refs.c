/* SPDX-License-Identifier: MIT */
/* `uhdpipe refs INPUT -o DIR [options]`: a reference set for `uhdpipe check`. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../common/paths.h"
#include "cli.h"

static const char refs_help[] =
        "usage: uhdpipe refs INPUT -o DIR [options]\n"
        "\n"
        "Records references for 'uhdpipe check': renders INPUT as 'play' does and writes\n"
        "DIR/frame-NNNNNN.png (16-bit RGB, or 8-bit for 8-bit SDR sources, with cICP,\n"
        "mDCV and cLLI chunks) and, last, DIR/refs.json: the input's name, size and XXH3\n"
        "checksum, the options used, the uhdpipe version, and per frame its index, pts,\n"
        "file and pixel checksum. A recording that stops early is marked incomplete and\n"
        "'check' refuses it.\n"
        "\n"
        "  -o, --output DIR      the reference folder (created when missing; one that\n"
        "                        holds files is refused unless -y)\n" UHD_CLI_RENDER_HELP
        "  -y, --overwrite       record again into DIR: its frame-*.png and refs.json are\n"
        "                        removed first\n"
        "  -q, --quiet           no progress and no summary line\n"
        "  -h, --help            this text\n"
        "\n"
        "Exit codes: 0 ok, 2 usage, 3 input, 4 unsupported input, 5 GPU, 6 output,\n"
        "7 Vulkan validation message, 130 interrupted.\n";

int uhd_cli_refs(int argc, char **argv)
{
	struct uhd_play_params params = UHD_PLAY_DEFAULTS;
	params.output = NULL;
	bool quiet = false;
	int parsed = uhd_cli_parse_play("refs", refs_help, argc, argv, &params, &quiet);
	if (parsed == 0 && params.report_path) {
		parsed = uhd_cli_usage_error("refs", "--report is not an option of refs: the "
		                                     "folder's refs.json is its report");
	}
	if (parsed == 0 && (!params.output || !*params.output)) {
		parsed = uhd_cli_usage_error("refs", "give the reference folder with -o DIR");
	}
	if (parsed != 0) {
		return parsed < 0 ? UHD_EXIT_OK : parsed;
	}
	char output[PATH_MAX + 8], report[PATH_MAX + 16];
	const char *dir =
	        strncmp(params.output, "png:", 4) == 0 ? params.output + 4 : params.output;
	snprintf(output, sizeof(output), "png:%s", dir);
	snprintf(report, sizeof(report), "%s/refs.json", dir);
	int made = uhd_make_dirs(dir);
	if (made < 0) {
		fprintf(stderr,
		        "uhdpipe: error: cannot create the reference folder '%s': %s; give a "
		        "folder in a writable place\n",
		        dir, strerror(-made));
		return UHD_EXIT_OUTPUT;
	}
	/* Refused before the run, whose failure report would replace the folder's
	 * refs.json; with -y refs.json goes with the frames. */
	char entry[256];
	if (!params.overwrite && uhd_folder_entry(dir, entry, sizeof(entry)) == 1) {
		fprintf(stderr,
		        "uhdpipe: error: the reference folder '%s' is not empty (it holds '%s'); "
		        "give -y (--overwrite) to record again there, or choose an empty folder\n",
		        dir, entry);
		return UHD_EXIT_OUTPUT;
	}
	if (params.overwrite && unlink(report) != 0 && errno != ENOENT) {
		fprintf(stderr,
		        "uhdpipe: error: cannot remove the old '%s': %s; check its folder's "
		        "permissions\n",
		        report, strerror(errno));
		return UHD_EXIT_OUTPUT;
	}
	params.output = output;
	params.report_path = report;
	params.reference_set = true;
	return uhd_cli_run_play(&params, quiet, "recorded");
}
