/* SPDX-License-Identifier: MIT */
/*
 * Soak run (issue 7): plays one clip again and again in one process for a
 * given time and checks that what a run leaves behind does not grow. A rig
 * runs for weeks in one process; a leak of a few kB or one file descriptor a
 * run is invisible in a test and fatal there.
 *
 * After each run it samples resident memory (VmRSS), open file descriptors and
 * live Vulkan objects (uhd_vulkan_objects_live) and writes a CSV line. At the
 * end it compares the end of warm-up (the later of run 3 and 20% of the time:
 * caches, the driver's pools and malloc's arenas fill during the first runs)
 * with the last run: RSS must grow by less than 1%; descriptors and Vulkan
 * objects are counts at rest and must be identical in every run after
 * warm-up, and Vulkan objects 0 (uhd_play_run destroys its context).
 *
 * Usage: soak SECONDS CLIP CSV [WxH]. Exit 0 PASS, 1 FAIL, 2 usage or error.
 * Not a meson test: it takes minutes (scripts/soak.sh runs it).
 */
#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uhdpipe/uhdpipe.h"

#define WARMUP_RUNS      3
#define WARMUP_FRACTION  0.2
#define MAX_RSS_GROWTH   1.0 /* percent */
#define SAMPLES_PER_GROW 1024

struct sample {
	double time_s; /* since the soak started, at the end of the run */
	int run;       /* from 1 */
	int64_t frames;
	double seconds; /* the run's frame loop */
	double fps;
	long rss_kib;
	long fds;
	long vk_objects;
	/* Not judged, to tell a leak from allocator retention when RSS grows:
	 * bytes malloc has handed out and not had back, and bytes it holds free. */
	long heap_in_use_kib;
	long heap_free_kib;
};

struct soak {
	double duration_s;
	const char *clip;
	int width, height; /* 0: the clip's size */
	FILE *csv;
	struct sample *samples;
	int count, capacity;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int signo)
{
	(void)signo;
	interrupted = 1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* VmRSS in kB, or -1 when /proc cannot be read. */
static long resident_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f) {
		return -1;
	}
	char line[256];
	long kib = -1;
	while (kib < 0 && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "VmRSS:", 6) == 0) {
			kib = strtol(line + 6, NULL, 10);
		}
	}
	fclose(f);
	return kib;
}

/* Open descriptors, not counting the one that reads the listing. */
static long open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	if (!dir) {
		return -1;
	}
	long count = 0;
	for (struct dirent *entry = readdir(dir); entry; entry = readdir(dir)) {
		count += entry->d_name[0] != '.';
	}
	closedir(dir);
	return count - 1;
}

static int parse_args(int argc, char **argv, struct soak *soak)
{
	if (argc < 4 || argc > 5) {
		return -EINVAL;
	}
	char *end = NULL;
	soak->duration_s = strtod(argv[1], &end);
	if (*end != '\0' || !(soak->duration_s > 0)) {
		return -EINVAL;
	}
	soak->clip = argv[2];
	soak->csv = fopen(argv[3], "w");
	if (!soak->csv) {
		fprintf(stderr, "soak: cannot write %s: %s\n", argv[3], strerror(errno));
		return -errno;
	}
	if (argc == 5 && (sscanf(argv[4], "%dx%d", &soak->width, &soak->height) != 2 ||
	                  soak->width <= 0 || soak->height <= 0)) {
		return -EINVAL;
	}
	fprintf(soak->csv, "time_s,run,frames,fps,rss_kib,fds,vk_objects\n");
	return 0;
}

static int keep_sample(struct soak *soak, const struct sample *sample)
{
	if (soak->count == soak->capacity) {
		int capacity = soak->capacity + SAMPLES_PER_GROW;
		struct sample *grown = realloc(soak->samples, capacity * sizeof(*grown));
		if (!grown) {
			return -ENOMEM;
		}
		soak->samples = grown;
		soak->capacity = capacity;
	}
	soak->samples[soak->count++] = *sample;
	fprintf(soak->csv, "%.3f,%d,%lld,%.4f,%ld,%ld,%ld\n", sample->time_s, sample->run,
	        (long long)sample->frames, sample->fps, sample->rss_kib, sample->fds,
	        sample->vk_objects);
	fflush(soak->csv); /* a soak cut short still leaves its lines */
	return 0;
}

/* One play run, then the figures at rest. */
static int run_once(struct soak *soak, double start, int run)
{
	struct uhd_play_params params = UHD_PLAY_DEFAULTS;
	params.input = soak->clip;
	params.output = "null";
	params.convert.width = soak->width;
	params.convert.height = soak->height;
	params.cancel = &interrupted;
	struct uhd_play_result result;
	int ret = uhd_play_run(&params, &result);
	if (ret < 0) {
		if (ret != -EINTR) {
			fprintf(stderr, "soak: run %d failed: %s\n", run, strerror(-ret));
		}
		return ret;
	}
	struct sample sample = {
	        .time_s = now_s() - start,
	        .run = run,
	        .frames = result.frames_out,
	        .seconds = result.seconds,
	        .fps = result.fps,
	        .rss_kib = resident_kib(),
	        .fds = open_fds(),
	        .vk_objects = uhd_vulkan_objects_live(),
	};
	struct mallinfo2 heap = mallinfo2();
	sample.heap_in_use_kib = (long)((heap.uordblks + heap.hblkhd) / 1024);
	sample.heap_free_kib = (long)(heap.fordblks / 1024);
	return keep_sample(soak, &sample);
}

/* The sample that ends warm-up: run WARMUP_RUNS or WARMUP_FRACTION of the
 * time, whichever comes later; -1 if the soak never got there. */
static int warmup_end(const struct soak *soak)
{
	for (int i = 0; i < soak->count; i++) {
		const struct sample *s = &soak->samples[i];
		if (s->run >= WARMUP_RUNS && s->time_s >= WARMUP_FRACTION * soak->duration_s) {
			return i;
		}
	}
	return -1;
}

static long sample_rss(const struct sample *s)
{
	return s->rss_kib;
}

static long sample_fds(const struct sample *s)
{
	return s->fds;
}

static long sample_vk_objects(const struct sample *s)
{
	return s->vk_objects;
}

/* Smallest and largest value of one figure from sample first to the end. */
static void figure_range(const struct soak *soak, int first, long (*figure)(const struct sample *),
                         long *min, long *max)
{
	*min = *max = figure(&soak->samples[first]);
	for (int i = first; i < soak->count; i++) {
		long value = figure(&soak->samples[i]);
		*min = value < *min ? value : *min;
		*max = value > *max ? value : *max;
	}
}

static void print_totals(const struct soak *soak)
{
	int64_t frames = 0;
	double seconds = 0, min_fps = soak->samples[0].fps, max_fps = min_fps;
	for (int i = 0; i < soak->count; i++) {
		const struct sample *s = &soak->samples[i];
		frames += s->frames;
		seconds += s->seconds;
		min_fps = s->fps < min_fps ? s->fps : min_fps;
		max_fps = s->fps > max_fps ? s->fps : max_fps;
	}
	const struct sample *first = &soak->samples[0], *last = &soak->samples[soak->count - 1];
	printf("soak: %s, %.0f s asked, %.1f s run, %d runs, %lld frames\n", soak->clip,
	       soak->duration_s, last->time_s, soak->count, (long long)frames);
	printf("mean fps %.3f over the frame loops (per run %.3f..%.3f), %.3f over the whole "
	       "time with start-up\n",
	       seconds > 0 ? frames / seconds : 0, min_fps, max_fps, frames / last->time_s);
	printf("first run: rss_kib %ld, fds %ld, vk_objects %ld\n", first->rss_kib, first->fds,
	       first->vk_objects);
}

/* Prints warm-up end against the end; true when everything stayed flat. */
static bool judge(const struct soak *soak, int warm)
{
	const struct sample *w = &soak->samples[warm], *e = &soak->samples[soak->count - 1];
	double growth = 100.0 * (double)(e->rss_kib - w->rss_kib) / (double)w->rss_kib;
	long rss_min, rss_max, fd_min, fd_max, vk_min, vk_max;
	figure_range(soak, warm, sample_rss, &rss_min, &rss_max);
	figure_range(soak, warm, sample_fds, &fd_min, &fd_max);
	figure_range(soak, warm, sample_vk_objects, &vk_min, &vk_max);
	bool rss_ok = growth < MAX_RSS_GROWTH;
	bool fds_ok = fd_min == fd_max;
	bool vk_ok = vk_min == vk_max && vk_max == 0;
	printf("%-12s %14s %14s %10s\n", "", "warm-up end", "end", "growth");
	printf("%-12s %14d %14d\n", "run", w->run, e->run);
	printf("%-12s %14.1f %14.1f\n", "time_s", w->time_s, e->time_s);
	printf("%-12s %14ld %14ld %+9.3f%%  %s (< %.0f%%; after warm-up %ld..%ld)\n", "rss_kib",
	       w->rss_kib, e->rss_kib, growth, rss_ok ? "PASS" : "FAIL", MAX_RSS_GROWTH, rss_min,
	       rss_max);
	printf("%-12s %14ld %14ld %+10ld  %s (equal in every run after warm-up: %ld..%ld)\n", "fds",
	       w->fds, e->fds, e->fds - w->fds, fds_ok ? "PASS" : "FAIL", fd_min, fd_max);
	printf("%-12s %14ld %14ld %+10ld  %s (0 in every run after warm-up: %ld..%ld)\n",
	       "vk_objects", w->vk_objects, e->vk_objects, e->vk_objects - w->vk_objects,
	       vk_ok ? "PASS" : "FAIL", vk_min, vk_max);
	printf("%-12s %14ld %14ld  (malloc'd and not freed; not judged)\n", "heap_in_use",
	       w->heap_in_use_kib, e->heap_in_use_kib);
	printf("%-12s %14ld %14ld  (freed, kept by malloc in its arenas; not judged)\n",
	       "heap_free", w->heap_free_kib, e->heap_free_kib);
	return rss_ok && fds_ok && vk_ok;
}

static int report(const struct soak *soak)
{
	if (soak->count == 0) {
		printf("soak: FAIL: no run completed\n");
		return 1;
	}
	print_totals(soak);
	int warm = warmup_end(soak);
	if (warm < 0 || warm == soak->count - 1) {
		printf("soak: FAIL: warm-up (%d runs and %.0f%% of the time) left no run to "
		       "compare; give more seconds\n",
		       WARMUP_RUNS, 100 * WARMUP_FRACTION);
		return 1;
	}
	bool passed = judge(soak, warm);
	unsigned messages = uhd_validation_messages_total();
	if (messages) {
		printf("validation messages: %u\n", messages);
	}
	printf("soak: %s\n", passed && !messages ? "PASS" : "FAIL");
	return passed && !messages ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct soak soak = {0};
	int ret = parse_args(argc, argv, &soak);
	if (ret < 0) {
		fprintf(stderr, "usage: soak SECONDS CLIP CSV [WxH]\n");
		return 2;
	}
	/* The process is set up as the uhdpipe program sets itself up
	 * (pipeline/cli/main.c): large blocks stay mmapped and go back to the
	 * system when freed. Without it glibc keeps freed 8K planes in its arenas
	 * and resident memory wanders by hundreds of MB (measured: +9% after
	 * warm-up over 10 minutes, with 1 MB of live heap). */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	/* Ctrl-C ends the current run early and still prints the figures. */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	double start = now_s();
	for (int run = 1; ret == 0 && !interrupted && now_s() - start < soak.duration_s; run++) {
		ret = run_once(&soak, start, run);
	}
	fclose(soak.csv);
	int status = report(&soak);
	free(soak.samples);
	return ret < 0 && ret != -EINTR ? 2 : status;
}
