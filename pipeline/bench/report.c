/* SPDX-License-Identifier: MIT */
/*
 * What `uhdpipe bench` reports: medians and spreads of the runs, the table on
 * stdout and the JSON file (schema in docs/commands.md, "uhdpipe bench").
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../common/atomic_file.h"
#include "../common/json.h"
#include "../common/log.h"
#include "../present/kms/pack.h"
#include "bench.h"

static const char *const stage_keys[UHD_BENCH_STAGES] = {
        "decode",          "upload",   "convert",       "upload_convert", "checksum", "metrics",
        "convert_tonemap", "pack_cpu", "pack_gpu_copy", "pack_gpu",       "pipeline",
};

static const char *const stage_labels[UHD_BENCH_STAGES] = {
        "decode",
        "upload",
        "convert+scale (GPU)",
        "upload+convert+scale",
        "checksum/readback",
        "metrics",
        "convert+tonemap (GPU)",
        "pack on CPU",
        "pack on GPU + copy",
        "pack on GPU in place",
        "pipeline to null",
};

static const char *const peer_names[UHD_BENCH_PEERS] = {
        "decode-only", "zscale", "swscale", "scale_vulkan", "libplacebo", "psnr+ssim",
};

const char *uhd_bench_stage_name(enum uhd_bench_stage stage)
{
	return stage_keys[stage];
}

const char *uhd_bench_peer_name(enum uhd_bench_peer peer)
{
	return peer_names[peer];
}

enum uhd_bench_stage uhd_bench_peer_stage(enum uhd_bench_peer peer)
{
	switch (peer) {
	case UHD_PEER_DECODE: return UHD_BENCH_DECODE;
	case UHD_PEER_PSNR_SSIM: return UHD_BENCH_METRICS;
	default: return UHD_BENCH_UPLOAD_CONVERT;
	}
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double uhd_bench_median(const struct uhd_bench_series *series)
{
	if (series->count == 0) {
		return NAN;
	}
	double sorted[UHD_BENCH_MAX_RUNS];
	memcpy(sorted, series->seconds, (size_t)series->count * sizeof(double));
	qsort(sorted, (size_t)series->count, sizeof(double), compare_doubles);
	int mid = series->count / 2;
	return series->count % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

struct uhd_bench_summary uhd_bench_summarise(const struct uhd_bench_series *series, int frames)
{
	struct uhd_bench_summary s = {.valid = series->count > 0 && frames > 0};
	if (!s.valid) {
		return s;
	}
	double lo = series->seconds[0], hi = lo;
	for (int i = 1; i < series->count; i++) {
		lo = fmin(lo, series->seconds[i]);
		hi = fmax(hi, series->seconds[i]);
	}
	double median = uhd_bench_median(series);
	/* A stage below the clock's resolution still gets a finite rate. */
	const double floor_s = 1e-9;
	s.fps = frames / fmax(median, floor_s);
	s.fps_min = frames / fmax(hi, floor_s);
	s.fps_max = frames / fmax(lo, floor_s);
	s.ms_per_frame = median * 1e3 / frames;
	s.ms_min = lo * 1e3 / frames;
	s.ms_max = hi * 1e3 / frames;
	return s;
}

double uhd_bench_peak_rss_mib(void)
{
	FILE *status = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;
	while (status && kib < 0 && fgets(line, sizeof(line), status)) {
		if (strncmp(line, "VmHWM:", 6) == 0) {
			kib = strtol(line + 6, NULL, 10);
		}
	}
	if (status) {
		fclose(status);
	}
	if (kib < 0) {
		struct rusage usage;
		getrusage(RUSAGE_SELF, &usage);
		kib = usage.ru_maxrss;
	}
	return kib / 1024.0;
}

/* uhdpipe's stage fps over the peer's: above 1, uhdpipe is faster. */
static double peer_ratio(const struct uhd_bench_result *r, enum uhd_bench_stage stage,
                         enum uhd_bench_peer peer, struct uhd_bench_summary *peer_summary)
{
	*peer_summary = uhd_bench_summarise(&r->peers[peer].series, r->frames);
	struct uhd_bench_summary own = uhd_bench_summarise(&r->stages[stage], r->frames);
	bool valid = r->peers[peer].available && peer_summary->valid && own.valid;
	return valid ? own.fps / peer_summary->fps : NAN;
}

static void metric_names(unsigned metrics, char *out, size_t size)
{
	static const char *const names[] = {"psnr", "ssim", "msssim", "deltaitp", "diff"};
	size_t used = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (metrics & (1u << i)) {
			int n = snprintf(out + used, size - used, "%s%s", used ? "," : "",
			                 names[i]);
			used += n > 0 && (size_t)n < size - used ? (size_t)n : 0;
		}
	}
}

/* Three significant digits without an exponent: 0.123, 1.23, 12.3, 123. */
static const char *rate(char *buf, size_t size, double value)
{
	int decimals = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3;
	snprintf(buf, size, "%.*f", decimals, value);
	return buf;
}

static void format_range(char *out, size_t size, const struct uhd_bench_summary *s)
{
	char a[32], b[32], c[32];
	snprintf(out, size, "%s (%s..%s)", rate(a, sizeof(a), s->fps),
	         rate(b, sizeof(b), s->fps_min), rate(c, sizeof(c), s->fps_max));
}

static void print_peer_cells(FILE *out, const struct uhd_bench_result *r,
                             enum uhd_bench_stage stage, enum uhd_bench_peer peer, int *note)
{
	struct uhd_bench_summary ps;
	double ratio = peer_ratio(r, stage, peer, &ps);
	char range[128], ratio_text[32];
	if (!r->peers[peer].available) {
		fprintf(out, "  %-13s %-24s %s [%d]", peer_names[peer], "n/a", "n/a", ++*note);
		return;
	}
	format_range(range, sizeof(range), &ps);
	fprintf(out, "  %-13s %-24s %s", peer_names[peer], range,
	        rate(ratio_text, sizeof(ratio_text), ratio));
}

static bool is_pack_stage(int stage)
{
	return stage == UHD_BENCH_PACK_CPU || stage == UHD_BENCH_PACK_GPU_COPY ||
	       stage == UHD_BENCH_PACK_GPU;
}

/* Each uhdpipe stage, and beside it the peers that do its work. */
static void print_rows(FILE *out, const struct uhd_bench_params *p,
                       const struct uhd_bench_result *r)
{
	static const int peers_of[UHD_BENCH_STAGES][5] = {
	        [UHD_BENCH_DECODE] = {UHD_PEER_DECODE, -1},
	        [UHD_BENCH_UPLOAD] = {-1},
	        [UHD_BENCH_CONVERT] = {-1},
	        [UHD_BENCH_UPLOAD_CONVERT] = {UHD_PEER_ZSCALE, UHD_PEER_SWSCALE,
	                                      UHD_PEER_SCALE_VULKAN, UHD_PEER_LIBPLACEBO, -1},
	        [UHD_BENCH_CHECKSUM] = {-1},
	        [UHD_BENCH_METRICS] = {UHD_PEER_PSNR_SSIM, -1},
	        [UHD_BENCH_CONVERT_TONEMAP] = {-1},
	        [UHD_BENCH_PACK_CPU] = {-1},
	        [UHD_BENCH_PACK_GPU_COPY] = {-1},
	        [UHD_BENCH_PACK_GPU] = {-1},
	        [UHD_BENCH_PIPELINE] = {UHD_PEER_DECODE, -1},
	};
	int note = 0;
	fprintf(out, "%-22s %-26s %9s  %-13s %-24s %s\n", "stage", "uhdpipe fps (min..max)",
	        "ms/frame", p->vs_ffmpeg ? "peer" : "", p->vs_ffmpeg ? "peer fps (min..max)" : "",
	        p->vs_ffmpeg ? "ratio" : "");
	for (int stage = 0; stage < UHD_BENCH_STAGES; stage++) {
		/* convert+tonemap without --target, or n/a (the clip cannot be converted). */
		if ((is_pack_stage(stage) && !p->scanout_format) ||
		    (stage == UHD_BENCH_CONVERT_TONEMAP && r->stages[stage].count == 0)) {
			continue;
		}
		struct uhd_bench_summary s = uhd_bench_summarise(&r->stages[stage], r->frames);
		char range[128], ms[32];
		format_range(range, sizeof(range), &s);
		fprintf(out, "%-22s %-26s %9s", stage_labels[stage], range,
		        rate(ms, sizeof(ms), s.ms_per_frame));
		for (int i = 0; p->vs_ffmpeg && peers_of[stage][i] >= 0; i++) {
			if (i > 0) {
				fprintf(out, "\n%-22s %-26s %9s", "", "", "");
			}
			print_peer_cells(out, r, (enum uhd_bench_stage)stage,
			                 (enum uhd_bench_peer)peers_of[stage][i], &note);
		}
		fputc('\n', out);
	}
}

/* convert+scale's time per frame over the memory floor's. */
static double over_floor(const struct uhd_bench_result *r)
{
	struct uhd_bench_summary convert =
	        uhd_bench_summarise(&r->stages[UHD_BENCH_CONVERT], r->frames);
	return r->floor.valid && convert.valid && r->floor.floor_ms > 0
	               ? convert.ms_per_frame / r->floor.floor_ms
	               : NAN;
}

/* convert+tonemap's GPU time over convert+scale's, minus one (NAN without both). */
static double tonemap_cost(const struct uhd_bench_result *r)
{
	struct uhd_bench_summary plain =
	        uhd_bench_summarise(&r->stages[UHD_BENCH_CONVERT], r->frames);
	struct uhd_bench_summary mapped =
	        uhd_bench_summarise(&r->stages[UHD_BENCH_CONVERT_TONEMAP], r->frames);
	return plain.valid && mapped.valid && plain.ms_per_frame > 0
	               ? mapped.ms_per_frame / plain.ms_per_frame - 1.0
	               : NAN;
}

static void print_floor(FILE *out, const struct uhd_bench_result *r)
{
	char a[32], b[32], c[32], d[32];
	if (!r->floor.valid) {
		fprintf(out, "memory floor: n/a (the device copy could not be timed)\n");
		return;
	}
	fprintf(out,
	        "memory floor: device copy %s GB/s (%.0f MiB vkCmdCopyBuffer, median); a frame "
	        "moves at least %s MB (decoded planes read, output written): %s ms; "
	        "convert+scale takes %sx that\n",
	        rate(a, sizeof(a), r->floor.copy_gbps), r->floor.copy_bytes / 1048576.0,
	        rate(b, sizeof(b), r->floor.frame_bytes / 1e6),
	        rate(c, sizeof(c), r->floor.floor_ms), rate(d, sizeof(d), over_floor(r)));
}

static void print_notes(FILE *out, const struct uhd_bench_params *p,
                        const struct uhd_bench_result *r)
{
	char a[32], b[32];
	fprintf(out,
	        "pipeline: peak resident memory %.0f MiB (whole bench %.0f MiB); first frame "
	        "%s ms after the run starts (set-up, decode, convert, checksum, present, "
	        "teardown), "
	        "%s ms after it was decoded\n",
	        r->pipeline_peak_rss_mib, r->process_peak_rss_mib,
	        rate(a, sizeof(a), uhd_bench_median(&r->first_frame) * 1e3),
	        rate(b, sizeof(b), r->first_frame_after_decode_ms));
	print_floor(out, r);
	if (!p->vs_ffmpeg) {
		return;
	}
	int note = 0;
	/* Same order as the table's rows, so the note numbers match. */
	static const enum uhd_bench_peer order[] = {
	        UHD_PEER_DECODE,     UHD_PEER_ZSCALE,    UHD_PEER_SWSCALE, UHD_PEER_SCALE_VULKAN,
	        UHD_PEER_LIBPLACEBO, UHD_PEER_PSNR_SSIM, UHD_PEER_DECODE,
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!r->peers[order[i]].available) {
			fprintf(out, "[%d] %s n/a: %s\n", ++note, peer_names[order[i]],
			        r->peers[order[i]].reason);
		}
	}
	fprintf(out,
	        "ratio = uhdpipe fps / peer fps; peers timed by ffmpeg %s -benchmark (rtime):\n",
	        r->ffmpeg_version);
	for (int peer = 0; peer < UHD_BENCH_PEERS; peer++) {
		fprintf(out, "  %-13s %s\n", peer_names[peer], r->peers[peer].command);
	}
}

void uhd_bench_print_table(FILE *out, const struct uhd_bench_params *p,
                           const struct uhd_bench_result *r)
{
	char metrics[64];
	metric_names(p->metrics, metrics, sizeof(metrics));
	fprintf(out,
	        "uhdpipe bench: %s: %s %s %dx%d -> %dx%d %s, %d-bit RGB out; %d %s, "
	        "median (min..max) of %d %s after a warm-up; metrics %s\n",
	        p->input, r->info.codec, r->info.pixel_format, r->info.width, r->info.height,
	        r->width, r->height, uhd_scaler_name(p->convert.scaler), r->bits, r->frames,
	        uhd_plural(r->frames, "frame", "frames"), p->runs,
	        uhd_plural(p->runs, "run", "runs"), metrics);
	fprintf(out, "Vulkan device: %s; %d %s in flight on it\n", r->device, r->frames_in_flight,
	        uhd_plural(r->frames_in_flight, "frame", "frames"));
	if (p->scanout_format) {
		fprintf(out, "pack stages: the converted frames into %s, as -o kms does\n",
		        p->scanout_format->name);
	}
	print_rows(out, p, r);
	if (p->tonemap_target.transfer != UHD_TARGET_SOURCE) {
		double cost = tonemap_cost(r);
		if (isnan(cost)) {
			fprintf(out, "tone mapping (--target %s): n/a (see the warning)\n",
			        uhd_target_name(p->tonemap_target.transfer));
		} else {
			fprintf(out,
			        "tone mapping (--target %s): %+.1f%% GPU time over convert+scale\n",
			        uhd_target_name(p->tonemap_target.transfer), cost * 100);
		}
	}
	print_notes(out, p, r);
}

static void write_summary(struct uhd_json *json, const struct uhd_bench_series *series, int frames)
{
	struct uhd_bench_summary s = uhd_bench_summarise(series, frames);
	uhd_json_double(json, "fps", s.valid ? s.fps : NAN);
	uhd_json_double(json, "fps_min", s.valid ? s.fps_min : NAN);
	uhd_json_double(json, "fps_max", s.valid ? s.fps_max : NAN);
	uhd_json_double(json, "ms_per_frame", s.valid ? s.ms_per_frame : NAN);
	uhd_json_double(json, "ms_min", s.valid ? s.ms_min : NAN);
	uhd_json_double(json, "ms_max", s.valid ? s.ms_max : NAN);
	uhd_json_array_begin(json, "seconds");
	for (int i = 0; i < series->count; i++) {
		uhd_json_double(json, NULL, series->seconds[i]);
	}
	uhd_json_array_end(json);
}

static void write_header(struct uhd_json *json, const struct uhd_bench_params *p,
                         const struct uhd_bench_result *r)
{
	char metrics[64];
	metric_names(p->metrics, metrics, sizeof(metrics));
	uhd_json_header(json, "uhdpipe bench");
	uhd_json_object_begin(json, "input");
	uhd_json_string(json, "path", p->input);
	uhd_json_string(json, "codec", r->info.codec);
	uhd_json_string(json, "decoder", r->info.decoder);
	uhd_json_string(json, "pixel_format", r->info.pixel_format);
	uhd_json_int(json, "width", r->info.width);
	uhd_json_int(json, "height", r->info.height);
	uhd_json_int(json, "bit_depth", r->info.bit_depth);
	uhd_json_object_end(json);
	uhd_json_object_begin(json, "options");
	uhd_json_int(json, "width", r->width);
	uhd_json_int(json, "height", r->height);
	uhd_json_string(json, "scaler", uhd_scaler_name(p->convert.scaler));
	uhd_json_string(json, "metrics", metrics);
	uhd_json_int(json, "frames", p->frames);
	uhd_json_int(json, "runs", p->runs);
	uhd_json_int(json, "warm_up_runs", 1);
	uhd_json_bool(json, "vs_ffmpeg", p->vs_ffmpeg);
	p->scanout_format ? uhd_json_string(json, "scanout_format", p->scanout_format->name)
	                  : uhd_json_null(json, "scanout_format");
	p->tonemap_target.transfer != UHD_TARGET_SOURCE
	        ? uhd_json_string(json, "target", uhd_target_name(p->tonemap_target.transfer))
	        : uhd_json_null(json, "target");
	uhd_json_double(json, "target_peak", p->tonemap_target.peak);
	uhd_json_object_end(json);
	uhd_json_int(json, "frames", r->frames);
	uhd_json_int(json, "output_bits", r->bits);
	uhd_json_string(json, "device", r->device);
	uhd_json_int(json, "frames_in_flight", r->frames_in_flight);
}

static void write_stages(struct uhd_json *json, const struct uhd_bench_result *r)
{
	uhd_json_object_begin(json, "stages");
	for (int stage = 0; stage < UHD_BENCH_STAGES; stage++) {
		uhd_json_object_begin(json, stage_keys[stage]);
		write_summary(json, &r->stages[stage], r->frames);
		uhd_json_object_end(json);
	}
	uhd_json_object_end(json);
	uhd_json_double(json, "tonemap_cost", tonemap_cost(r));
	uhd_json_object_begin(json, "pipeline");
	uhd_json_object_begin(json, "frame_loop");
	write_summary(json, &r->pipeline_loop, r->frames);
	uhd_json_object_end(json);
	uhd_json_double(json, "peak_rss_mib", r->pipeline_peak_rss_mib);
	uhd_json_double(json, "first_frame_ms", uhd_bench_median(&r->first_frame) * 1e3);
	uhd_json_double(json, "first_frame_after_decode_ms", r->first_frame_after_decode_ms);
	/* The target for the whole pipeline: its fps over ffmpeg's decode-only. */
	struct uhd_bench_summary decode;
	uhd_json_double(json, "ratio_vs_decode_only",
	                peer_ratio(r, UHD_BENCH_PIPELINE, UHD_PEER_DECODE, &decode));
	uhd_json_object_end(json);
	uhd_json_double(json, "process_peak_rss_mib", r->process_peak_rss_mib);
	uhd_json_object_begin(json, "memory_floor");
	uhd_json_bool(json, "valid", r->floor.valid);
	uhd_json_double(json, "copy_bytes", r->floor.copy_bytes);
	uhd_json_double(json, "copy_gbps", r->floor.valid ? r->floor.copy_gbps : NAN);
	uhd_json_double(json, "frame_bytes", r->floor.frame_bytes);
	uhd_json_double(json, "floor_ms", r->floor.valid ? r->floor.floor_ms : NAN);
	uhd_json_double(json, "convert_over_floor", over_floor(r));
	uhd_json_object_end(json);
}

static void write_peers(struct uhd_json *json, const struct uhd_bench_params *p,
                        const struct uhd_bench_result *r)
{
	if (!p->vs_ffmpeg) {
		uhd_json_null(json, "ffmpeg");
		uhd_json_array_begin(json, "peers");
		uhd_json_array_end(json);
		return;
	}
	uhd_json_object_begin(json, "ffmpeg");
	uhd_json_string(json, "path", p->ffmpeg);
	uhd_json_string(json, "version", r->ffmpeg_version);
	uhd_json_object_end(json);
	uhd_json_array_begin(json, "peers");
	for (int peer = 0; peer < UHD_BENCH_PEERS; peer++) {
		const struct uhd_bench_peer_result *pr = &r->peers[peer];
		struct uhd_bench_summary ps;
		enum uhd_bench_stage stage = uhd_bench_peer_stage((enum uhd_bench_peer)peer);
		double ratio = peer_ratio(r, stage, (enum uhd_bench_peer)peer, &ps);
		uhd_json_object_begin(json, NULL);
		uhd_json_string(json, "name", peer_names[peer]);
		uhd_json_string(json, "stage", stage_keys[stage]);
		uhd_json_bool(json, "available", pr->available);
		if (pr->available) {
			uhd_json_null(json, "reason");
		} else {
			uhd_json_string(json, "reason", pr->reason);
		}
		uhd_json_string(json, "command", pr->command);
		write_summary(json, &pr->series, pr->available ? r->frames : 0);
		uhd_json_double(json, "ratio", ratio);
		uhd_json_object_end(json);
	}
	uhd_json_array_end(json);
}

int uhd_bench_write_json(const char *path, const struct uhd_bench_params *p,
                         const struct uhd_bench_result *r)
{
	struct uhd_atomic_file file;
	int ret = uhd_atomic_open(&file, path, "bench report");
	if (ret < 0) {
		return ret;
	}
	struct uhd_json json;
	uhd_json_init(&json, file.file, true);
	uhd_json_object_begin(&json, NULL);
	write_header(&json, p, r);
	write_stages(&json, r);
	write_peers(&json, p, r);
	uhd_json_object_end(&json);
	fputc('\n', file.file);
	return uhd_atomic_commit(&file, "bench report");
}
