/* SPDX-License-Identifier: MIT */
/* The uhdpipe command line: subcommands, option parsing and exit codes. */
#ifndef UHD_CLI_H
#define UHD_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/log.h" /* uhd_plural */
#include "engine/run.h" /* uhd_run_catch_signals */
#include "uhdpipe/uhdpipe.h"

/* Exit codes (docs/commands.md, "Exit codes"). */
enum uhd_exit {
	UHD_EXIT_OK = 0,
	UHD_EXIT_QUALITY = 1,     /* a quality threshold failed (uhdpipe check) */
	UHD_EXIT_USAGE = 2,       /* bad command line */
	UHD_EXIT_INPUT = 3,       /* input missing, unreadable, not video, no frames, damaged */
	UHD_EXIT_UNSUPPORTED = 4, /* codec, pixel format or colour matrix not supported */
	UHD_EXIT_GPU = 5,         /* no Vulkan device, over device limits, Vulkan failure */
	UHD_EXIT_OUTPUT = 6,      /* frames or report cannot be written */
	UHD_EXIT_VALIDATION = 7,  /* the Vulkan validation layer reported a problem */
	UHD_EXIT_DISPLAY = 8,     /* DRM/KMS: no device, no permission, connector, mode, commit */
	UHD_EXIT_INTERRUPTED = 130,
};

int uhd_cli_bench(int argc, char **argv);
int uhd_cli_check(int argc, char **argv);
/* Parses check's options without running anything (the fuzz target's entry):
 * 0, or the exit code of a usage error. */
int uhd_cli_check_parse(int argc, char **argv);
int uhd_cli_info(int argc, char **argv);
int uhd_cli_pattern(int argc, char **argv);
/* Parses pattern's options and checks the pattern spec without rendering (the
 * fuzz target's entry): 0, or the exit code of a usage error. */
int uhd_cli_pattern_parse(int argc, char **argv);
int uhd_cli_play(int argc, char **argv);
int uhd_cli_probe(int argc, char **argv);
int uhd_cli_refs(int argc, char **argv);

/* getopt codes of the options every rendering command shares; commands number
 * their own options from UHD_OPT_COMMAND. */
enum {
	UHD_OPT_SIZE = 256,
	UHD_OPT_SCALER,
	UHD_OPT_START,
	UHD_OPT_FRAMES,
	UHD_OPT_DEVICE,
	UHD_OPT_VALIDATE,
	UHD_OPT_MODE,
	UHD_OPT_FORMAT,
	UHD_OPT_HDR,
	UHD_OPT_HDR_METADATA,
	UHD_OPT_CAPTURE,
	UHD_OPT_DROP_LATE,
	UHD_OPT_HWACCEL,
	UHD_OPT_IN_FLIGHT,
	UHD_OPT_ROTATE,
	UHD_OPT_SCANOUT,
	UHD_OPT_TARGET,
	UHD_OPT_TARGET_PRIMARIES,
	UHD_OPT_TONEMAP_SOURCE,
	UHD_OPT_COMMAND = 300,
};

#define UHD_CLI_RENDER_LONG_OPTIONS                                                                \
	{"size", required_argument, NULL, UHD_OPT_SIZE},                                           \
	        {"scaler", required_argument, NULL, UHD_OPT_SCALER},                               \
	        {"start", required_argument, NULL, UHD_OPT_START},                                 \
	        {"frames", required_argument, NULL, UHD_OPT_FRAMES},                               \
	        {"device", required_argument, NULL, UHD_OPT_DEVICE},                               \
	        {"rotate", required_argument, NULL, UHD_OPT_ROTATE},                               \
	{                                                                                          \
		"validate", no_argument, NULL, UHD_OPT_VALIDATE                                    \
	}

/* The help lines of those options. */
#define UHD_CLI_RENDER_HELP                                                                        \
	"  --size WxH            output size (default: the source size)\n"                         \
	"  --scaler NAME         nearest | bilinear | bicubic | lanczos3 (default lanczos3)\n"     \
	"  --start N             skip the first N decoded frames (default 0)\n"                    \
	"  --frames N            output at most N frames (default: all)\n"                         \
	"  --rotate MODE         none | auto: auto turns and mirrors the picture as the\n"         \
	"                        clip's display matrix says (on the GPU, after scaling;\n"         \
	"                        --size is then the turned size); none keeps the coded\n"          \
	"                        orientation and warns (default none, so that reference\n"         \
	"                        frames stay comparable)\n" UHD_CLI_DEVICE_HELP

/* --target, --target-primaries and --tonemap-source (play and check). */
#define UHD_CLI_TARGET_LONG_OPTIONS                                                                \
	{"target", required_argument, NULL, UHD_OPT_TARGET},                                       \
	        {"target-primaries", required_argument, NULL, UHD_OPT_TARGET_PRIMARIES},           \
	{                                                                                          \
		"tonemap-source", required_argument, NULL, UHD_OPT_TONEMAP_SOURCE                  \
	}

#define UHD_CLI_TARGET_HELP                                                                        \
	"  --target T[:PEAK]     convert PQ and HLG clips for a display of PEAK cd/m2:\n"          \
	"                        pq (the ITU-R BT.2390 EETF, default peak 1000), sdr\n"            \
	"                        (EETF, BT.709 gamut clipped in linear light, BT.1886;\n"          \
	"                        default peak 100) or hlg (EETF, HLG for a display of\n"           \
	"                        400..2000, default 1000); source keeps the code values\n"         \
	"                        (default)\n"                                                      \
	"  --target-primaries P  bt709 (default) or bt2020: the SDR target's gamut\n"              \
	"  --tonemap-source S    the EETF's source peak: mastering (the mastering\n"               \
	"                        display's, default) or maxcll (MaxCLL when known)\n"

/* --device and --validate (every command that runs on the GPU). */
#define UHD_CLI_DEVICE_HELP                                                                        \
	"  --device NAME|INDEX   Vulkan device by index or part of its name (default:\n"           \
	"                        first discrete GPU, else integrated, else any)\n"                 \
	"  --validate            enable the Vulkan validation layer; any message makes\n"          \
	"                        the run exit with code 7 (also UHD_VK_VALIDATION=1)\n"

struct uhd_cli_render {
	struct uhd_convert_params convert;
	int64_t start, frames;
	const char *device;
	bool validation;
	bool rotate; /* --rotate auto */
	bool size_given, scaler_given, start_given, frames_given, rotate_given;
};

#define UHD_CLI_RENDER_DEFAULTS                                                                    \
	((struct uhd_cli_render){.convert = UHD_CONVERT_DEFAULTS, .frames = -1})

/* --hwaccel (play and bench). */
#define UHD_CLI_HWACCEL_HELP                                                                       \
	"  --hwaccel API         auto | none | vaapi | vulkan | cuda: decode with FFmpeg's\n"      \
	"                        hardware decoder when the machine has one (default none);\n"      \
	"                        without one, decodes in software and says why in one line\n"
int uhd_cli_parse_hwaccel(const char *command, const char *text, enum uhd_hwaccel *hwaccel);

/* --frames-in-flight (play and bench). */
#define UHD_CLI_IN_FLIGHT_HELP                                                                     \
	"  --frames-in-flight N  frames on the GPU at once, 1..4 (default: 2 on a GPU, 1 on\n"     \
	"                        a CPU driver such as lavapipe, which converts on the\n"           \
	"                        decoder's cores); each one more costs an input and an\n"          \
	"                        output buffer (8K 10-bit -> 4K 16-bit: 149 MB)\n"
int uhd_cli_parse_in_flight(const char *command, const char *text, int *frames_in_flight);

/* Options of -o kms (play and pattern). */
#define UHD_CLI_DISPLAY_LONG_OPTIONS                                                               \
	{"mode", required_argument, NULL, UHD_OPT_MODE},                                           \
	        {"format", required_argument, NULL, UHD_OPT_FORMAT},                               \
	        {"hdr", required_argument, NULL, UHD_OPT_HDR},                                     \
	        {"hdr-metadata", required_argument, NULL, UHD_OPT_HDR_METADATA},                   \
	        {"capture", required_argument, NULL, UHD_OPT_CAPTURE},                             \
	        {"scanout", required_argument, NULL, UHD_OPT_SCANOUT},                             \
	{                                                                                          \
		"drop-late", no_argument, NULL, UHD_OPT_DROP_LATE                                  \
	}

#define UHD_CLI_DISPLAY_HELP                                                                       \
	"Display options (-o kms[:CONNECTOR], e.g. kms:HDMI-A-1; default: the first\n"             \
	"connected connector):\n"                                                                  \
	"  --mode WxH[@HZ]       display mode; when the connector does not list it, VESA\n"        \
	"                        CVT reduced-blanking timings, checked with the kernel\n"          \
	"                        first (default: the picture's size, preferred rate)\n"            \
	"  --format F            auto | xrgb8888 | xrgb2101010 | xbgr2101010 |\n"                  \
	"                        xrgb16161616 | xbgr16161616f, or the fourcc probe prints\n"       \
	"                        (XR24, XR30, XB30, XR48, XB4H) (default auto: the\n"              \
	"                        deepest the plane offers; 8 bits only dithered, with a\n"         \
	"                        warning)\n"                                                       \
	"  --hdr MODE            auto | off | pq | hlg: HDR_OUTPUT_METADATA, Colorspace and\n"     \
	"                        max bpc (default auto: from the stream's transfer)\n"             \
	"  --hdr-metadata LIST   override stream HDR10 values, comma-separated:\n"                 \
	"                        primaries=bt2020|p3|bt709|Rx/Ry/Gx/Gy/Bx/By,\n"                   \
	"                        white=d65|x/y, max=CD, min=CD, maxcll=CD, maxfall=CD\n"           \
	"  --capture DIR         capture every presented frame through the writeback\n"            \
	"                        connector into DIR/capture-NNNNNN.png and compare it with\n"      \
	"                        what was rendered (mismatches go to the report); where\n"         \
	"                        there is no writeback connector (or with crc:DIR), the\n"         \
	"                        controller's CRCs of every vblank, checked for consistency;\n"    \
	"                        --capture null compares and checksums, writes no files;\n"        \
	"                        a DIR that holds files needs -y, as png:DIR does\n"               \
	"  --drop-late           drop frames that would reach the screen after the next\n"         \
	"                        frame's refresh (default: show every frame, late if need be)\n"   \
	"  --scanout PATH        auto | zero-copy | gpu | cpu, or a zero-copy direction:\n"        \
	"                        zero-copy-dumb-to-vulkan | zero-copy-vulkan-to-kms; how\n"        \
	"                        frames reach the framebuffers (default auto: packed by\n"         \
	"                        the GPU straight into memory the display scans out, the\n"        \
	"                        dumb buffers imported into Vulkan, else Vulkan memory\n"          \
	"                        imported into KMS, where the drivers share DMA-BUFs; else\n"      \
	"                        packed by the GPU and copied on a GPU, packed on the CPU\n"       \
	"                        on a CPU driver); the report's display.path says which\n"         \
	"                        ran and why\n"

/* Applies a display option: 0 done, -1 not one of them, else the exit code of
 * a usage error (a malformed value). */
int uhd_cli_display_option(const char *command, int opt, const char *arg,
                           struct uhd_display_params *display, bool *given);
/* A usage error when display options were given without -o kms. */
int uhd_cli_check_display(const char *command, const char *output, bool given);

/* Applies a shared rendering option: 0 done, -1 not one of them, else the exit
 * code of a usage error. */
/* One of UHD_CLI_TARGET_LONG_OPTIONS into target: 0, a usage error (2), or
 * -1 when opt is not one of them. */
int uhd_cli_target_option(const char *command, int opt, const char *arg, struct uhd_target *target);
/* After parsing: --target-primaries without --target sdr is a usage error (2). */
int uhd_cli_check_target(const char *command, const struct uhd_target *target);

int uhd_cli_render_option(const char *command, int opt, const char *arg,
                          struct uhd_cli_render *render);
/* play and refs: parse their shared options, run and print the summary. */
int uhd_cli_parse_play(const char *command, const char *help, int argc, char **argv,
                       struct uhd_play_params *params, bool *quiet);
int uhd_cli_run_play(struct uhd_play_params *params, bool quiet, const char *verb);
/* Exit code of a run (docs/commands.md, "Exit codes"); reports validation messages. */
int uhd_cli_exit_code(int ret, enum uhd_stage stage, unsigned validation_messages);

/* Parsing helpers: print a usage error and return false on bad values. */
bool uhd_cli_parse_size(const char *text, int *width, int *height);
bool uhd_cli_parse_count(const char *option, const char *text, int64_t *value);
/* Parses the options of a command that takes only --json and --help. Returns -1
 * when --help was printed (exit 0), an exit code for a usage error, or 0. */
int uhd_cli_parse_json_flag(const char *command, const char *help, int argc, char **argv,
                            bool *json);
/* "uhdpipe: error: WHAT; see 'uhdpipe COMMAND --help'" (command NULL: 'uhdpipe
 * help'); returns the usage exit code. */
int uhd_cli_usage_error(const char *command, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* --loglevel LEVEL or --loglevel=LEVEL anywhere before "--" (as ffmpeg's
 * -loglevel): applied to uhdpipe's and libav's messages and taken out of argv,
 * so that commands never see it. 0, or the usage exit code. */
int uhd_cli_take_loglevel(int *argc, char **argv);
/* -q: warnings and errors only, unless --loglevel said otherwise. */
void uhd_cli_quiet_logs(void);

#endif
