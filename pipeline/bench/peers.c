/* SPDX-License-Identifier: MIT */
/*
 * The ffmpeg side of `uhdpipe bench --vs-ffmpeg`: the commands a user would
 * run instead of uhdpipe, timed on the same frames in the same run. Decoding
 * is timed on the clip; every other peer reads frames the bench decoded (or
 * converted) once into raw files, so that it times processing only. Times are
 * ffmpeg's own `-benchmark` rtime (start-up and input probing excluded, as the
 * uhdpipe stages exclude theirs). A peer that is missing or fails is reported
 * with its reason: it never fails the bench.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>

#include "../common/clock.h"
#include "../convert/converter.h"
#include "../source/frame.h"
#include "bench.h"

/* A peer run that takes longer than this is stuck (or hopelessly slow): it is
 * killed and reported as n/a instead of holding the bench up. */
#define PEER_TIMEOUT_S 600.0
#define MAX_ARGS       48

extern char **environ;

int uhd_bench_write_frame(FILE *file, const struct uhd_frame *frame)
{
	const AVFrame *av = frame->av;
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(av->format);
	int planes = av_pix_fmt_count_planes(av->format);
	for (int plane = 0; desc && plane < planes; plane++) {
		int shift = plane == 1 || plane == 2 ? desc->log2_chroma_h : 0;
		int rows = -((-av->height) >> shift);
		int row_bytes = av_image_get_linesize(av->format, av->width, plane);
		for (int y = 0; y < rows; y++) {
			const uint8_t *row = av->data[plane] + (ptrdiff_t)y * av->linesize[plane];
			if (row_bytes < 0 ||
			    fwrite(row, 1, (size_t)row_bytes, file) != (size_t)row_bytes) {
				return row_bytes < 0 ? -EINVAL : -EIO;
			}
		}
	}
	return desc ? 0 : -EINVAL;
}

/* Interleaved R'G'B' (16-bit big-endian, as PNG stores it) to ffmpeg's planar
 * gbrp16le / gbrp, the layout its psnr and ssim filters take without a
 * conversion of their own. */
int uhd_bench_write_image(FILE *file, const struct uhd_image *image)
{
	static const int plane_channel[3] = {1, 2, 0}; /* G, B, R */
	int bytes = image->bits / 8;
	size_t row_bytes = (size_t)image->width * (size_t)bytes;
	uint8_t *row = malloc(row_bytes);
	int ret = row ? 0 : -ENOMEM;
	for (int plane = 0; ret == 0 && plane < 3; plane++) {
		for (int y = 0; ret == 0 && y < image->height; y++) {
			const uint8_t *in = image->data + image->stride * (size_t)y +
			                    (size_t)plane_channel[plane] * (size_t)bytes;
			for (int x = 0; x < image->width; x++, in += 3 * bytes) {
				row[x * bytes] = in[bytes - 1];
				row[x * bytes + bytes - 1] = in[0];
			}
			ret = fwrite(row, 1, row_bytes, file) == row_bytes ? 0 : -EIO;
		}
	}
	free(row);
	return ret;
}

/* An argument vector with its own storage. */
struct command {
	char *argv[MAX_ARGS + 1];
	int argc;
	char text[8192];
	size_t used;
};

static void push(struct command *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void push(struct command *cmd, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	size_t left = sizeof(cmd->text) - cmd->used;
	int n = vsnprintf(cmd->text + cmd->used, left, fmt, args);
	va_end(args);
	/* Every command here is far below both limits; a cut one would fail
	 * visibly as a peer that is n/a. */
	if (n < 0 || (size_t)n >= left || cmd->argc == MAX_ARGS) {
		return;
	}
	cmd->argv[cmd->argc++] = cmd->text + cmd->used;
	cmd->argv[cmd->argc] = NULL;
	cmd->used += (size_t)n + 1;
}

/* The command as a shell would take it, for the table and the JSON. */
static void quote_command(const struct command *cmd, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < cmd->argc && used < size; i++) {
		const char *arg = cmd->argv[i];
		bool plain = strpbrk(arg, " ;[]'\"$*?&|<>()\\") == NULL && *arg;
		int n = snprintf(out + used, size - used, plain ? "%s%s" : "%s'%s'", i ? " " : "",
		                 arg);
		used += n > 0 ? (size_t)n : 0;
	}
}

/* Runs a program with stdout and stderr into log_path. Returns its exit
 * status (-1 killed, timed out or cancelled, -errno not started) and its wall
 * time. A cancel (SIGTERM to uhdpipe alone) stops the child too. */
static int run_logged(const struct command *cmd, const char *log_path,
                      volatile sig_atomic_t *cancel, double *wall_s)
{
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&actions, 1, log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&actions, 1, 2);
	pid_t pid;
	double t0 = uhd_now_ms();
	int err = posix_spawn(&pid, cmd->argv[0], &actions, NULL, cmd->argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	if (err != 0) {
		return -err;
	}
	int status = 0;
	const struct timespec pause = {.tv_nsec = 2000000};
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (uhd_now_ms() - t0 > PEER_TIMEOUT_S * 1e3 || (cancel && *cancel)) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			*wall_s = -1;
			return -1;
		}
		nanosleep(&pause, NULL);
	}
	*wall_s = (uhd_now_ms() - t0) / 1e3;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *read_text(const char *path)
{
	FILE *file = fopen(path, "rb");
	if (!file) {
		return NULL;
	}
	size_t size = 0, capacity = 1 << 16;
	char *text = malloc(capacity + 1);
	size_t n;
	while (text && (n = fread(text + size, 1, capacity - size, file)) > 0) {
		size += n;
		if (size == capacity) {
			capacity *= 2;
			char *bigger = realloc(text, capacity + 1);
			if (!bigger) {
				free(text);
			}
			text = bigger;
		}
	}
	fclose(file);
	if (text) {
		text[size] = '\0';
	}
	return text;
}

/* The line that says why ffmpeg failed: the first one that reads like an
 * error, else the last one. */
static void failure_reason(const char *log, int status, char *reason, size_t size)
{
	const char *best = NULL, *last = NULL;
	size_t best_len = 0, last_len = 0;
	for (const char *line = log; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len > 0) {
			last = line;
			last_len = len;
			bool error = memmem(line, len, "rror", 4) ||
			             memmem(line, len, "ailed", 5) ||
			             memmem(line, len, "not ", 4) || memmem(line, len, "No ", 3);
			if (error && !best) {
				best = line;
				best_len = len;
			}
		}
		line = end ? end + 1 : NULL;
	}
	if (!best) {
		best = last;
		best_len = last_len;
	}
	if (status == -1) {
		snprintf(reason, size, "killed or over %.0f s", PEER_TIMEOUT_S);
	} else if (best) {
		snprintf(reason, size, "ffmpeg exited %d: %.*s", status, (int)best_len, best);
	} else {
		snprintf(reason, size, "ffmpeg exited %d without a message", status);
	}
}

struct peers {
	const struct uhd_bench_params *params;
	struct uhd_bench_result *result;
	char log_path[4096];
	char *filters; /* `ffmpeg -filters` */
	struct command commands[UHD_BENCH_PEERS];
};

static void head(const struct peers *ps, struct command *cmd)
{
	push(cmd, "%s", ps->params->ffmpeg);
	static const char *const common[] = {"-hide_banner", "-nostdin", "-nostats",
	                                     "-loglevel",    "info",     "-benchmark"};
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		push(cmd, "%s", common[i]);
	}
}

static void raw_input(const struct peers *ps, struct command *cmd, const char *pix_fmt, int width,
                      int height, const char *name)
{
	push(cmd, "-f");
	push(cmd, "rawvideo");
	push(cmd, "-pix_fmt");
	push(cmd, "%s", pix_fmt);
	push(cmd, "-s");
	push(cmd, "%dx%d", width, height);
	push(cmd, "-framerate");
	push(cmd, "25");
	push(cmd, "-i");
	push(cmd, "%s/%s", ps->params->work_dir, name);
}

static void null_output(struct command *cmd)
{
	push(cmd, "-f");
	push(cmd, "null");
	push(cmd, "-");
}

/* The peers' names for the bench's --scaler. */
static const char *zscale_filter(enum uhd_scaler scaler)
{
	switch (scaler) {
	case UHD_SCALER_NEAREST: return "point";
	case UHD_SCALER_BILINEAR: return "bilinear";
	case UHD_SCALER_BICUBIC: return "bicubic:param_a=0:param_b=0.5";
	default: return "lanczos:param_a=3";
	}
}

static const char *swscale_flags(enum uhd_scaler scaler)
{
	static const char *const names[] = {"neighbor", "bilinear", "bicubic:param0=0:param1=0.5",
	                                    "lanczos:param0=3"};
	return names[scaler];
}

static const char *placebo_scaler(enum uhd_scaler scaler)
{
	static const char *const names[] = {"nearest", "bilinear", "catmull_rom", "lanczos"};
	return names[scaler];
}

static const char *swscale_matrix(int matrix)
{
	switch (matrix) {
	case UHD_MATRIX_BT709: return "bt709";
	case UHD_MATRIX_FCC: return "fcc";
	case UHD_MATRIX_BT470BG: return "bt470";
	case UHD_MATRIX_SMPTE170M: return "smpte170m";
	case UHD_MATRIX_SMPTE240M: return "smpte240m";
	case UHD_MATRIX_BT2020_NCL:
	case UHD_MATRIX_BT2020_CL: return "bt2020";
	default: return "bt601";
	}
}

static void build_decode(const struct peers *ps, struct command *cmd)
{
	head(ps, cmd);
	/* The same decoder path as uhdpipe's, so the ratio compares like with like. */
	if (strcmp(ps->result->info.hwaccel, "software") != 0 && ps->result->info.hwaccel[0]) {
		push(cmd, "-hwaccel");
		push(cmd, "%s", ps->result->info.hwaccel);
	}
	push(cmd, "-i");
	push(cmd, "%s", ps->params->input);
	push(cmd, "-map");
	push(cmd, "0:v:0");
	push(cmd, "-frames:v");
	push(cmd, "%d", ps->result->frames);
	null_output(cmd);
}

/* A processing peer: the decoded frames replayed from the raw file through
 * one filter chain. Raw frames carry no colour tags, so the chain is told the
 * clip's matrix and range. */
static void build_scaler(const struct peers *ps, enum uhd_bench_peer peer, struct command *cmd)
{
	const struct uhd_bench_result *r = ps->result;
	const struct uhd_stream_info *info = &r->info;
	int matrix =
	        uhd_matrix_or_default(info->colour.matrix, info->colour.primaries, info->height);
	bool limited = info->colour.range == UHD_RANGE_LIMITED;
	bool deep = info->bit_depth > 8;
	enum uhd_scaler scaler = ps->params->convert.scaler;
	head(ps, cmd);
	if (peer == UHD_PEER_SCALE_VULKAN || peer == UHD_PEER_LIBPLACEBO) {
		push(cmd, "-init_hw_device");
		push(cmd, "vulkan=vk");
		push(cmd, "-filter_hw_device");
		push(cmd, "vk");
	}
	raw_input(ps, cmd, info->pixel_format, info->width, info->height, UHD_BENCH_RAW_YUV);
	push(cmd, "-vf");
	switch (peer) {
	case UHD_PEER_ZSCALE:
		push(cmd, "zscale=w=%d:h=%d:filter=%s:matrixin=%d:rangein=%s,format=%s", r->width,
		     r->height, zscale_filter(scaler), matrix, limited ? "limited" : "full",
		     deep ? "gbrp16le" : "gbrp");
		break;
	case UHD_PEER_SWSCALE:
		push(cmd, "scale=w=%d:h=%d:flags=%s:in_color_matrix=%s:in_range=%s,format=%s",
		     r->width, r->height, swscale_flags(scaler), swscale_matrix(matrix),
		     limited ? "tv" : "pc", deep ? "gbrp10le" : "gbrp");
		break;
	case UHD_PEER_SCALE_VULKAN:
		/* scale_vulkan has nearest and bilinear only, and stays Y'CbCr. */
		push(cmd, "hwupload,scale_vulkan=w=%d:h=%d:scaler=%s,hwdownload,format=%s",
		     r->width, r->height, scaler == UHD_SCALER_NEAREST ? "nearest" : "bilinear",
		     info->pixel_format);
		break;
	default:
		push(cmd,
		     "hwupload,libplacebo=w=%d:h=%d:upscaler=%s:downscaler=%s:format=rgba64le,"
		     "hwdownload,format=rgba64le",
		     r->width, r->height, placebo_scaler(scaler), placebo_scaler(scaler));
		break;
	}
	null_output(cmd);
}

/* PSNR and SSIM on the converted frames uhdpipe's metrics stage compares. */
static void build_metrics(const struct peers *ps, struct command *cmd)
{
	const struct uhd_bench_result *r = ps->result;
	const char *pix_fmt = r->bits > 8 ? "gbrp16le" : "gbrp";
	head(ps, cmd);
	raw_input(ps, cmd, pix_fmt, r->width, r->height, UHD_BENCH_RAW_RGB0);
	raw_input(ps, cmd, pix_fmt, r->width, r->height, UHD_BENCH_RAW_RGB1);
	push(cmd, "-lavfi");
	push(cmd, "[0:v]split[a][b];[1:v]split[c][d];[a][c]psnr[p];[b][d]ssim[s]");
	push(cmd, "-map");
	push(cmd, "[p]");
	null_output(cmd);
	push(cmd, "-map");
	push(cmd, "[s]");
	null_output(cmd);
}

static const char *required_filter(enum uhd_bench_peer peer)
{
	static const char *const filters[UHD_BENCH_PEERS] = {
	        [UHD_PEER_ZSCALE] = "zscale",
	        [UHD_PEER_SWSCALE] = "scale",
	        [UHD_PEER_SCALE_VULKAN] = "scale_vulkan",
	        [UHD_PEER_LIBPLACEBO] = "libplacebo",
	        [UHD_PEER_PSNR_SSIM] = "ssim",
	};
	return filters[peer];
}

/* `ffmpeg -filters` lists one filter a line: " flags name  io  description". */
static bool has_filter(const char *list, const char *name)
{
	char word[64];
	snprintf(word, sizeof(word), " %s ", name);
	return list && strstr(list, word) != NULL;
}

static void probe_ffmpeg(struct peers *ps)
{
	struct command cmd = {0};
	double wall;
	push(&cmd, "%s", ps->params->ffmpeg);
	push(&cmd, "-version");
	char *text = run_logged(&cmd, ps->log_path, ps->params->cancel, &wall) == 0
	                     ? read_text(ps->log_path)
	                     : NULL;
	const char *version = text ? strstr(text, "version ") : NULL;
	snprintf(ps->result->ffmpeg_version, sizeof(ps->result->ffmpeg_version), "%.*s",
	         version ? (int)strcspn(version + 8, " \n") : 7, version ? version + 8 : "unknown");
	free(text);
	cmd = (struct command){0};
	push(&cmd, "%s", ps->params->ffmpeg);
	push(&cmd, "-hide_banner");
	push(&cmd, "-filters");
	ps->filters = run_logged(&cmd, ps->log_path, ps->params->cancel, &wall) == 0
	                      ? read_text(ps->log_path)
	                      : NULL;
}

static void prepare(struct peers *ps)
{
	for (int peer = 0; peer < UHD_BENCH_PEERS; peer++) {
		struct uhd_bench_peer_result *out = &ps->result->peers[peer];
		struct command *cmd = &ps->commands[peer];
		if (peer == UHD_PEER_DECODE) {
			build_decode(ps, cmd);
		} else if (peer == UHD_PEER_PSNR_SSIM) {
			build_metrics(ps, cmd);
		} else {
			build_scaler(ps, (enum uhd_bench_peer)peer, cmd);
		}
		quote_command(cmd, out->command, sizeof(out->command));
		const char *filter = required_filter((enum uhd_bench_peer)peer);
		out->available = !filter || has_filter(ps->filters, filter);
		if (!out->available) {
			snprintf(out->reason, sizeof(out->reason),
			         "this ffmpeg (%s) has no %s filter", ps->result->ffmpeg_version,
			         filter);
		}
	}
}

/* One run of one peer; a failure makes the peer n/a for the rest of the bench. */
static void run_peer(struct peers *ps, enum uhd_bench_peer peer, bool counted)
{
	struct uhd_bench_peer_result *out = &ps->result->peers[peer];
	double wall = 0;
	int status = run_logged(&ps->commands[peer], ps->log_path, ps->params->cancel, &wall);
	char *log = read_text(ps->log_path);
	if (status != 0) {
		if (status < -1) {
			snprintf(out->reason, sizeof(out->reason), "cannot run %s: %s",
			         ps->params->ffmpeg, strerror(-status));
		} else {
			failure_reason(log, status, out->reason, sizeof(out->reason));
		}
		out->available = false;
		free(log);
		return;
	}
	/* "bench: utime=0.123s stime=0.010s rtime=0.456s"; the wall time (with
	 * start-up) when the line is missing or below its resolution. */
	const char *rtime = log ? strstr(log, " rtime=") : NULL;
	double seconds = rtime ? strtod(rtime + 7, NULL) : 0;
	free(log);
	if (counted && out->series.count < UHD_BENCH_MAX_RUNS) {
		out->series.seconds[out->series.count++] = seconds > 0 ? seconds : wall;
	}
}

void uhd_bench_run_peers(const struct uhd_bench_params *params, struct uhd_bench_result *result)
{
	struct peers ps = {.params = params, .result = result};
	snprintf(ps.log_path, sizeof(ps.log_path), "%s/ffmpeg.log", params->work_dir);
	probe_ffmpeg(&ps);
	prepare(&ps);
	/* Runs interleave the peers, so that a slow minute on a shared machine
	 * spreads over all of them instead of sinking one. */
	for (int run = -1; run < params->runs; run++) {
		for (int peer = 0; peer < UHD_BENCH_PEERS; peer++) {
			if (params->cancel && *params->cancel) {
				free(ps.filters);
				return;
			}
			if (result->peers[peer].available) {
				run_peer(&ps, (enum uhd_bench_peer)peer, run >= 0);
			}
		}
	}
	free(ps.filters);
}
