/* SPDX-License-Identifier: MIT */
/*
 * The decode-ahead queue hands out exactly the frames the source decodes, in
 * its order, whatever the consumer's pace (back-pressure at every depth),
 * reports the end of the clip, and can be stopped mid-clip without leaking
 * (the sanitizer build runs this too). What decoding logs is told when its
 * frame is taken: a damaged clip's error once, when the caller reaches it, and
 * not at all when the caller stops before (check decodes both its inputs ahead:
 * the same damaged clip on both sides must not print the error twice).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "source/prefetch.h"
#include "uhdpipe/source.h"

#define MAX_FRAMES 64

struct fingerprint {
	int64_t pts;
	uint64_t luma; /* FNV-1a over the luma rows */
};

static uint64_t hash_luma(const struct uhd_frame *frame, int bytes)
{
	const uint8_t *data;
	ptrdiff_t stride;
	int width, height;
	uhd_frame_plane(frame, 0, &data, &stride, &width, &height);
	uint64_t h = 1469598103934665603ull;
	for (int y = 0; y < height; y++) {
		for (int x = 0; x < width * bytes; x++) {
			h = (h ^ data[y * stride + x]) * 1099511628211ull;
		}
	}
	return h;
}

static int sample_bytes(const struct uhd_source *src)
{
	return src && uhd_source_info(src)->bit_depth > 8 ? 2 : 1;
}

static struct uhd_source *open_sample(const char *name)
{
	char path[4096];
	const char *dir = getenv("SAMPLES");
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "samples", name);
	struct uhd_source *src = NULL;
	CHECK(uhd_source_open(path, NULL, &src) == 0, "open %s", path);
	return src;
}

/* The frames as the source hands them out, one call at a time. */
static int decode_directly(const char *name, struct fingerprint *out)
{
	struct uhd_source *src = open_sample(name);
	int bytes = sample_bytes(src);
	int n = 0;
	const struct uhd_frame *frame;
	while (src && n < MAX_FRAMES && uhd_source_next_frame(src, &frame) == 0) {
		out[n++] = (struct fingerprint){uhd_frame_pts(frame), hash_luma(frame, bytes)};
	}
	uhd_source_destroy(&src);
	return n;
}

/* The same through the queue; the consumer sleeps on some frames so that the
 * decoder fills the queue and waits. Stops after `stop_after` frames (or -1). */
static int decode_ahead(const char *name, int depth, int64_t limit, int stop_after,
                        struct fingerprint *out, int *last_ret)
{
	struct uhd_source *src = open_sample(name);
	int bytes = sample_bytes(src);
	struct uhd_prefetch *p = NULL;
	CHECK(src && uhd_prefetch_start(src, depth, limit, &p) == 0, "start depth %d", depth);
	int n = 0;
	*last_ret = -1;
	while (p && n < MAX_FRAMES && n != stop_after) {
		const struct uhd_frame *frame;
		struct uhd_prefetched info;
		*last_ret = uhd_prefetch_next(p, &frame, &info);
		if (*last_ret != 0) {
			break;
		}
		CHECK(info.decode_ms >= 0, "frame %d: decode time %f", n, info.decode_ms);
		out[n++] = (struct fingerprint){uhd_frame_pts(frame), hash_luma(frame, bytes)};
		if (n % 2 == 0) {
			usleep(20000);
		}
	}
	uhd_prefetch_stop(&p);
	CHECK(p == NULL, "stop clears the handle");
	uhd_source_destroy(&src);
	return n;
}

static void test_same_frames(const char *name)
{
	struct fingerprint direct[MAX_FRAMES], ahead[MAX_FRAMES];
	int n = decode_directly(name, direct);
	CHECK(n > 2, "%s: %d frames", name, n);
	for (int depth = 1; depth <= UHD_PREFETCH_MAX_DEPTH; depth++) {
		int ret;
		int m = decode_ahead(name, depth, -1, -1, ahead, &ret);
		CHECK(m == n, "%s depth %d: %d frames, want %d", name, depth, m, n);
		CHECK(ret == 1, "%s depth %d: end of clip reported as 1, got %d", name, depth, ret);
		for (int i = 0; i < m && i < n; i++) {
			CHECK(ahead[i].pts == direct[i].pts && ahead[i].luma == direct[i].luma,
			      "%s depth %d: frame %d is pts %lld, want pts %lld (same pixels: %d)",
			      name, depth, i, (long long)ahead[i].pts, (long long)direct[i].pts,
			      ahead[i].luma == direct[i].luma);
		}
		/* Stopped while the decoder is ahead (or waiting for room). */
		m = decode_ahead(name, depth, -1, 1, ahead, &ret);
		CHECK(m == 1 && ahead[0].luma == direct[0].luma, "%s depth %d: stop after 1", name,
		      depth);
		/* A limit ends the clip early, as its end would. */
		m = decode_ahead(name, depth, 2, -1, ahead, &ret);
		CHECK(m == 2 && ret == 1 && ahead[1].luma == direct[1].luma,
		      "%s depth %d: limit 2 gives %d frames and %d", name, depth, m, ret);
	}
}

static void test_bad_depth(void)
{
	struct uhd_source *src = open_sample("short_1frame.mkv");
	struct uhd_prefetch *p = (struct uhd_prefetch *)&p;
	CHECK(uhd_prefetch_start(src, 0, -1, &p) < 0 && p == NULL, "depth 0 refused");
	CHECK(uhd_prefetch_start(src, UHD_PREFETCH_MAX_DEPTH + 1, -1, &p) < 0 && p == NULL,
	      "depth over the maximum refused");
	uhd_source_destroy(&src);
}

static int damage_errors;

static void count_damage(void *opaque, enum uhd_log_level level, const char *message)
{
	(void)opaque;
	damage_errors += level == UHD_LOG_ERROR && strstr(message, "damaged") != NULL;
}

/* topleft_420p10.mkv with 64 bytes inverted at 60% of the file: FFV1's slice
 * checksums fail at frame 2, which strict decoding refuses. */
static void write_damaged_copy(const char *path)
{
	char source[4096];
	const char *dir = getenv("SAMPLES");
	snprintf(source, sizeof(source), "%s/topleft_420p10.mkv", dir ? dir : "samples");
	FILE *in = fopen(source, "rb");
	CHECK(in != NULL, "open %s", source);
	static uint8_t data[16 << 20];
	size_t n = in ? fread(data, 1, sizeof(data), in) : 0;
	if (in) {
		fclose(in);
	}
	for (size_t i = n * 6 / 10; i < n * 6 / 10 + 64 && i < n; i++) {
		data[i] ^= 0xff;
	}
	FILE *out = fopen(path, "wb");
	CHECK(out && fwrite(data, 1, n, out) == n, "write %s", path);
	if (out) {
		fclose(out);
	}
}

/* Takes `frames` frames, then the next call; returns that call's result. */
static int take(struct uhd_prefetch *p, int frames, int *errors_before_last)
{
	const struct uhd_frame *frame;
	for (int i = 0; i < frames; i++) {
		CHECK(uhd_prefetch_next(p, &frame, NULL) == 0, "frame %d decodes", i);
	}
	*errors_before_last = damage_errors;
	return uhd_prefetch_next(p, &frame, NULL);
}

static void test_error_told_at_its_frame(void)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/uhd-prefetch-damaged-%d.mkv",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	write_damaged_copy(path);
	uhd_log_set_callback(count_damage, NULL, UHD_LOG_INFO);
	struct uhd_source *src = NULL;
	CHECK(uhd_source_open(path, NULL, &src) == 0, "open %s", path);
	struct uhd_prefetch *p = NULL;
	CHECK(src && uhd_prefetch_start(src, 2, -1, &p) == 0, "start");
	usleep(500 * 1000); /* the thread decodes frames 0, 1 and fails at 2 */
	int before = -1;
	int ret = p ? take(p, 2, &before) : 0;
	CHECK(before == 0, "the error was told before its frame: %d messages", before);
	CHECK(ret < 0 && damage_errors == 1, "frame 2: error %d told %d times (want once)", ret,
	      damage_errors);
	uhd_prefetch_stop(&p);
	uhd_source_destroy(&src);

	damage_errors = 0;
	CHECK(uhd_source_open(path, NULL, &src) == 0, "open %s again", path);
	CHECK(src && uhd_prefetch_start(src, 2, -1, &p) == 0, "start again");
	usleep(500 * 1000);
	const struct uhd_frame *frame;
	CHECK(p && uhd_prefetch_next(p, &frame, NULL) == 0, "frame 0 decodes");
	uhd_prefetch_stop(&p);
	CHECK(damage_errors == 0, "stopped before frame 2, the error was told %d times",
	      damage_errors);
	uhd_source_destroy(&src);
	uhd_log_set_callback(NULL, NULL, UHD_LOG_INFO);
	unlink(path);
}

int main(void)
{
	test_same_frames("topleft_420p10.mkv");
	test_same_frames("sdr_1080p_h264.mp4");
	test_bad_depth();
	test_error_told_at_its_frame();
	return test_finish("test_prefetch");
}
