/* SPDX-License-Identifier: MIT */
/* uhdpipe: the command-line front end of libuhdpipe. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "uhdpipe/uhdpipe.h"

static const char main_help[] =
        "usage: uhdpipe [--loglevel LEVEL] COMMAND [options]\n"
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
        "  help [COMMAND]                 this text, or a command's options\n"
        "\n"
        "'uhdpipe help COMMAND' (or 'uhdpipe COMMAND --help') describes a command's\n"
        "options.\n"
        "\n"
        "  --loglevel LEVEL      quiet | error | warning | info | verbose | debug: what\n"
        "                        uhdpipe says on stderr (default info; -q of a command\n"
        "                        means warning); verbose adds uhdpipe's details and\n"
        "                        libav's warnings, debug all of libav's messages; quiet\n"
        "                        says nothing about the run (the exit code still tells;\n"
        "                        a wrong command line is still said). Anywhere on the\n"
        "                        command line, as ffmpeg's -loglevel\n";

/* glibc raises its mmap threshold each time a large mmapped block is freed, so
 * after the first frames, freed 8K planes (tens of MB) stay in malloc's arenas
 * instead of going back to the system: a long run's resident memory then
 * wanders by hundreds of MB. A fixed threshold keeps large buffers mmapped and
 * returned on free (scripts/soak.sh measures this). */
static void return_large_blocks(void)
{
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
        {"info", uhd_cli_info},   {"play", uhd_cli_play}, {"pattern", uhd_cli_pattern},
        {"probe", uhd_cli_probe}, {"refs", uhd_cli_refs}, {"check", uhd_cli_check},
        {"bench", uhd_cli_bench},
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name) == 0) {
			return &commands[i];
		}
	}
	return NULL;
}

static int unknown_command(const char *name)
{
	fprintf(stderr, "uhdpipe: error: unknown command '%s'; run 'uhdpipe help'\n", name);
	return UHD_EXIT_USAGE;
}

/* `uhdpipe help [COMMAND]`: the overview, or the command's --help. */
static int help(const char *name)
{
	if (!name) {
		fputs(main_help, stdout);
		return UHD_EXIT_OK;
	}
	const struct command *command = find_command(name);
	if (!command) {
		return unknown_command(name);
	}
	char *args[] = {(char *)command->name, "--help", NULL};
	return command->run(2, args);
}

int main(int argc, char **argv)
{
	return_large_blocks();
	int ret = uhd_cli_take_loglevel(&argc, argv);
	if (ret != 0) {
		return ret;
	}
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(main_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? UHD_EXIT_USAGE : UHD_EXIT_OK;
	}
	const char *name = argv[1];
	if (strcmp(name, "help") == 0) {
		return help(argc > 2 ? argv[2] : NULL);
	}
	if (strcmp(name, "version") == 0 || strcmp(name, "--version") == 0) {
		printf("uhdpipe %s\n", uhd_version());
		return UHD_EXIT_OK;
	}
	const struct command *command = find_command(name);
	return command ? command->run(argc - 1, argv + 1) : unknown_command(name);
}
