/* SPDX-License-Identifier: MIT */
/*
 * Cross-check against a peer nobody here wrote: ffmpeg's zscale (zimg) on the
 * same frames with the same kernel, siting (taken from the frames) and range
 * must agree with `uhdpipe play`'s PNGs per frame at a PSNR floor and a largest
 * difference set for each case near what it measured (tests/zimg_floors.tsv,
 * which says why each is what it is).
 *
 * The peer command:
 *   ffmpeg -nostdin -v error -threads 1 -filter_threads 1 -i CLIP -frames:v N \
 *     -vf "zscale=w=W:h=H:filter=F[:param_a=A:param_b=B]:dither=none,format=gbrp16le" \
 *     -f rawvideo -pix_fmt rgb48be -
 * with F = point | bilinear | bicubic (param_a=0:param_b=0.5, i.e. B=0, C=0.5,
 * Catmull-Rom) | lanczos (param_a=3). One filter thread, because zscale's
 * slice threads resample each slice as its own picture. The peer always
 * produces 16 bits: for 8-bit sources uhdpipe's 8-bit PNG is compared with
 * zimg's 16-bit result rounded to 8 bits, because zimg's own 8-bit output
 * path scales up in unclamped float while its 16-bit path (like uhdpipe and
 * like display scalers) clamps R'G'B' before scaling up.
 *
 * zimg refuses odd widths with horizontally subsampled chroma ("image
 * dimensions must be divisible by subsampling factor"). For such clips (mode
 * "pad", at the source size) the test decodes the frames to raw planes, pads
 * each row with one luma sample repeating the last one (the chroma plane is
 * unchanged: ceil(1921/2) = 1922/2), and gives the peer that raw video with the
 * clip's matrix, range and siting stated explicitly (raw video carries none):
 *   ffmpeg -f rawvideo -pix_fmt PIXFMT -s (W+1)xH -i padded.yuv -vf
 *     "zscale=w=W+1:h=H:filter=F:OPTS:dither=none,format=gbrp16le,crop=W:H:0:0" ...
 * The first W columns are then the same conversion; the padding is cropped off.
 *
 * usage: test_zimg UHDPIPE CLIP WxH SCALER FRAMES WORKDIR FLOORS CASE
 *                  [pad PIXFMT ZSCALE_OPTS]
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "png_read.h"

static const char *zscale_filter(const char *scaler)
{
	if (strcmp(scaler, "nearest") == 0) {
		return "point";
	}
	if (strcmp(scaler, "bilinear") == 0) {
		return "bilinear";
	}
	if (strcmp(scaler, "bicubic") == 0) {
		return "bicubic:param_a=0:param_b=0.5";
	}
	return "lanczos:param_a=3";
}

static int run_uhdpipe(const char *uhdpipe, const char *clip, const char *size, const char *scaler,
                       int frames, const char *dir)
{
	char command[8192];
	snprintf(command, sizeof(command),
	         "rm -rf '%s' && '%s' play '%s' --size %s --scaler %s --frames %d -o 'png:%s' "
	         "--validate -q",
	         dir, uhdpipe, clip, size, scaler, frames, dir);
	printf("uhdpipe: %s\n", command);
	return system(command);
}

struct pad_mode {
	bool on;
	const char *pixel_format; /* yuv422p10le, yuv420p10le, ... */
	const char *options;      /* e.g. matrixin=709:rangein=limited:chromalin=left */
};

/* Decodes the clip to raw planes and writes them with one repeated luma column. */
static int write_padded(const char *clip, int w, int h, int frames, const struct pad_mode *pad,
                        const char *path)
{
	int bytes = strstr(pad->pixel_format, "p10") || strstr(pad->pixel_format, "p12") ? 2 : 1;
	int chroma_w = (w + 1) / 2;
	int chroma_h = strstr(pad->pixel_format, "420") ? (h + 1) / 2 : h;
	char command[8192];
	snprintf(command, sizeof(command),
	         "ffmpeg -nostdin -v error -i '%s' -frames:v %d -f rawvideo -pix_fmt %s -", clip,
	         frames, pad->pixel_format);
	FILE *in = popen(command, "r");
	FILE *out = fopen(path, "wb");
	uint8_t row[65536];
	int ret = in && out ? 0 : -1;
	for (int f = 0; ret == 0 && f < frames; f++) {
		for (int y = 0; ret == 0 && y < h; y++) {
			ret = fread(row, bytes, w, in) == (size_t)w ? 0 : -1;
			memcpy(row + (size_t)w * bytes, row + (size_t)(w - 1) * bytes, bytes);
			fwrite(row, bytes, w + 1, out);
		}
		for (int plane = 0; ret == 0 && plane < 2; plane++) {
			for (int y = 0; ret == 0 && y < chroma_h; y++) {
				ret = fread(row, bytes, chroma_w, in) == (size_t)chroma_w ? 0 : -1;
				fwrite(row, bytes, chroma_w, out);
			}
		}
	}
	if (in) {
		pclose(in);
	}
	if (out) {
		fclose(out);
	}
	return ret;
}

static FILE *open_peer(const char *clip, int w, int h, const char *scaler, int frames,
                       const struct pad_mode *pad, const char *dir)
{
	char command[8192];
	if (pad->on) {
		char padded[4096];
		snprintf(padded, sizeof(padded), "%s/padded.yuv", dir);
		if (write_padded(clip, w, h, frames, pad, padded) != 0) {
			return NULL;
		}
		snprintf(command, sizeof(command),
		         "ffmpeg -nostdin -v error -threads 1 -filter_threads 1 -f rawvideo "
		         "-pix_fmt %s -s %dx%d -i '%s' -vf 'zscale=w=%d:h=%d:filter=%s:%s:"
		         "dither=none,format=gbrp16le,crop=%d:%d:0:0' -f rawvideo -pix_fmt rgb48be "
		         "-",
		         pad->pixel_format, w + 1, h, padded, w + 1, h, zscale_filter(scaler),
		         pad->options, w, h);
	} else {
		snprintf(command, sizeof(command),
		         "ffmpeg -nostdin -v error -threads 1 -filter_threads 1 -i '%s' -frames:v "
		         "%d "
		         "-vf 'zscale=w=%d:h=%d:filter=%s:dither=none,format=gbrp16le' "
		         "-f rawvideo -pix_fmt rgb48be -",
		         clip, frames, w, h, zscale_filter(scaler));
	}
	printf("peer: %s\n", command);
	return popen(command, "r");
}

static double sample_at(const uint8_t *row, int bits, size_t i)
{
	return bits == 16 ? (double)(row[2 * i] << 8 | row[2 * i + 1]) : (double)row[i];
}

/* The peer's 16-bit sample at the PNG's depth. */
static double peer_at(const uint8_t *row, int bits, size_t i)
{
	double v = (double)(row[2 * i] << 8 | row[2 * i + 1]);
	return bits == 16 ? v : floor(v * 255.0 / 65535.0 + 0.5);
}

/* What a case must reach: PSNR floor (dB) and largest difference (codes at the
 * PNG's depth). */
struct floor {
	double psnr, max_diff;
};

/* The case's line of the floors file ("NAME PSNR MAX_DIFF ..."); false if none. */
static bool read_floor(const char *path, const char *name, struct floor *out)
{
	FILE *f = fopen(path, "r");
	char line[512], key[128];
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f)) {
		found = line[0] != '#' &&
		        sscanf(line, "%127s %lf %lf", key, &out->psnr, &out->max_diff) == 3 &&
		        strcmp(key, name) == 0;
	}
	if (f) {
		fclose(f);
	}
	return found;
}

static void compare_frame(int frame, const struct test_png *png, const uint8_t *peer,
                          const struct floor *floor_)
{
	double peak = png->bits == 16 ? 65535.0 : 255.0;
	double squared = 0.0, worst = 0.0;
	int worst_x = 0, worst_y = 0, worst_c = 0;
	size_t per_row = (size_t)png->width * 3;
	for (int y = 0; y < png->height; y++) {
		const uint8_t *ours = png->pixels + (size_t)y * png->row_bytes;
		const uint8_t *theirs = peer + (size_t)y * per_row * 2;
		for (size_t i = 0; i < per_row; i++) {
			double d = sample_at(ours, png->bits, i) - peer_at(theirs, png->bits, i);
			squared += d * d;
			if (fabs(d) > worst) {
				worst = fabs(d);
				worst_x = (int)(i / 3);
				worst_y = y;
				worst_c = (int)(i % 3);
			}
		}
	}
	double mse = squared / ((double)per_row * png->height);
	double psnr = mse > 0 ? 10.0 * log10(peak * peak / mse) : INFINITY;
	printf("frame %d: PSNR %.2f dB against zimg; largest difference %.0f at (%d,%d) %c\n",
	       frame, psnr, worst, worst_x, worst_y, "RGB"[worst_c]);
	CHECK(psnr >= floor_->psnr && worst <= floor_->max_diff,
	      "frame %d: PSNR %.2f dB (floor %.2f), largest difference %.0f (at most %.0f) at "
	      "pixel (%d,%d) channel %c against zimg",
	      frame, psnr, floor_->psnr, worst, floor_->max_diff, worst_x, worst_y, "RGB"[worst_c]);
}

int main(int argc, char **argv)
{
	int w, h;
	if (argc < 9 || sscanf(argv[3], "%dx%d", &w, &h) != 2) {
		fprintf(stderr,
		        "usage: test_zimg UHDPIPE CLIP WxH SCALER FRAMES WORKDIR FLOORS CASE "
		        "[pad PIXFMT OPTS]\n");
		return 2;
	}
	const char *clip = argv[2], *scaler = argv[4], *dir = argv[6];
	int frames = atoi(argv[5]);
	struct pad_mode pad = {argc > 11 && strcmp(argv[9], "pad") == 0, argv[10], argv[11]};
	struct floor floor_;
	if (!read_floor(argv[7], argv[8], &floor_)) {
		CHECK(0, "no floor for case %s in %s: measure the case and add its line", argv[8],
		      argv[7]);
		return test_finish("test_zimg");
	}
	int compared = 0;
	int status = run_uhdpipe(argv[1], clip, argv[3], scaler, frames, dir);
	CHECK(status == 0, "uhdpipe play exited with status %d", status);
	for (int f = 0; status == 0 && f < frames; f++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/frame-%06d.png", dir, f);
		struct test_png png;
		if (test_png_read(path, &png) != 0) {
			CHECK(0, "frame %d missing or unreadable: %s", f, path);
			break;
		}
		CHECK(png.width == w && png.height == h && png.channels == 3,
		      "PNG is %dx%d with %d channels", png.width, png.height, png.channels);
		FILE *peer = open_peer(clip, w, h, scaler, frames, &pad, dir);
		size_t bytes = (size_t)w * h * 6;
		uint8_t *buffer = malloc(bytes);
		/* The peer streams all frames; skip to frame f. */
		size_t got = 0;
		for (int skip = 0; skip <= f && peer; skip++) {
			got = fread(buffer, 1, bytes, peer);
		}
		if (peer) {
			pclose(peer);
		}
		CHECK(got == bytes, "peer produced %zu of %zu bytes for frame %d", got, bytes, f);
		if (got == bytes) {
			compare_frame(f, &png, buffer, &floor_);
			compared++;
		}
		free(buffer);
		test_png_free(&png);
	}
	CHECK(compared == frames, "%d of %d frames compared", compared, frames);
	return test_finish("test_zimg");
}
