/* SPDX-License-Identifier: MIT */
/* uhdpipe: the command-line front end of libuhdpipe. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "uhdpipe/uhdpipe.h"

static const char main_help[] =
        "usage: uhdpipe COMMAND [options]\n"
        "\n"
        "Decodes UHD/HDR video with FFmpeg, converts and scales it with Vulkan compute\n"
        "shaders, writes frames as PNG (or discards them), and compares them with\n"
        "references on the GPU.\n"
        "\n"
        "commands:\n"
        "  info INPUT [--json]            describe a clip's video stream\n"
        "  play INPUT -o png:DIR|null     convert every frame on the GPU\n"
        "  pattern NAME [KEY=VALUE ...]   render a panel test pattern (--list shows them)\n"
        "  probe [--json]                 list the Vulkan devices and their limits\n"
        "  refs INPUT -o DIR              record reference frames for check\n"
        "  check INPUT --ref REF          compare frames with references (PSNR, SSIM,\n"
        "                                 MS-SSIM, deltaE ITP, exact checksums)\n"
        "  bench INPUT [--vs-ffmpeg]      time each stage (and ffmpeg's equivalents)\n"
        "  version                        print the version\n"
        "\n"
        "'uhdpipe COMMAND --help' describes a command's options.\n";

/* glibc raises its mmap threshold each time a large mmapped block is freed, so
 * after the first frames, freed 8K planes (tens of MB) stay in malloc's arenas
 * instead of going back to the system: a long run's resident memory then
 * wanders by hundreds of MB. A fixed threshold keeps large buffers mmapped and
 * returned on free (scripts/soak.sh measures this). */
static void return_large_blocks(void)
{
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

int main(int argc, char **argv)
{
	return_large_blocks();
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(main_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? UHD_EXIT_USAGE : UHD_EXIT_OK;
	}
	const char *command = argv[1];
	if (strcmp(command, "check") == 0) {
		return uhd_cli_check(argc - 1, argv + 1);
	}
	if (strcmp(command, "refs") == 0) {
		return uhd_cli_refs(argc - 1, argv + 1);
	}
	if (strcmp(command, "info") == 0) {
		return uhd_cli_info(argc - 1, argv + 1);
	}
	if (strcmp(command, "play") == 0) {
		return uhd_cli_play(argc - 1, argv + 1);
	}
	if (strcmp(command, "pattern") == 0) {
		return uhd_cli_pattern(argc - 1, argv + 1);
	}
	if (strcmp(command, "probe") == 0) {
		return uhd_cli_probe(argc - 1, argv + 1);
	}
	if (strcmp(command, "bench") == 0) {
		return uhd_cli_bench(argc - 1, argv + 1);
	}
	if (strcmp(command, "version") == 0 || strcmp(command, "--version") == 0) {
		printf("uhdpipe %s\n", uhd_version());
		return UHD_EXIT_OK;
	}
	fprintf(stderr, "uhdpipe: unknown command '%s'; run 'uhdpipe --help'\n", command);
	return UHD_EXIT_USAGE;
}
