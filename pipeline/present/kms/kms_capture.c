/* SPDX-License-Identifier: MIT */
/*
 * Writeback capture (--capture DIR): every flip carries a writeback job in
 * the same commit, so the capture is what the display controller composed
 * for exactly that frame. Each capture is compared with the frame's packed
 * pixels expanded to 16 bits as a controller composes them (exact for 16-bit
 * captures), checksummed like the picture and written as a PNG (not with
 * --capture null).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/checksum.h"
#include "../../common/clock.h"
#include "../../common/log.h"
#include "../../common/paths.h"
#include "kms.h"
#include "../../image/png_file.h"
#include "../folder.h"

#define FENCE_TIMEOUT_MS 60000

static bool writeback_offers(struct kms_presenter *kms, uint32_t connector, uint32_t fourcc)
{
	uint64_t blob_id = 0;
	uhd_drm_property(kms->dev.fd, connector, DRM_MODE_OBJECT_CONNECTOR,
	                 "WRITEBACK_PIXEL_FORMATS", &blob_id);
	drmModePropertyBlobRes *blob = drmModeGetPropertyBlob(kms->dev.fd, (uint32_t)blob_id);
	bool found = false;
	for (uint32_t i = 0; blob && i + 4 <= blob->length; i += 4) {
		uint32_t f;
		memcpy(&f, (const uint8_t *)blob->data + i, 4);
		found |= f == fourcc;
	}
	drmModeFreePropertyBlob(blob);
	return found;
}

/* The writeback connector, if the device has one. */
static bool find_writeback(struct kms_presenter *kms)
{
	for (int i = 0; i < kms->dev.resources->count_connectors; i++) {
		drmModeConnector *c =
		        drmModeGetConnector(kms->dev.fd, kms->dev.resources->connectors[i]);
		if (c && c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK &&
		    !kms->capture.connector_id) {
			kms->capture.connector_id = c->connector_id;
			uhd_drm_connector_name(c, kms->capture.connector_name,
			                       sizeof(kms->capture.connector_name));
		}
		drmModeFreeConnector(c);
	}
	return kms->capture.connector_id != 0;
}

/* 16-bit captures are exact; else the scanout format itself, else 8 bits. */
static int choose_capture_format(struct kms_presenter *kms)
{
	static const char *const order[] = {"xrgb16161616", NULL, "xrgb8888"};
	for (int i = 0; i < 3; i++) {
		const struct uhd_scanout_format *f =
		        order[i] ? uhd_scanout_format_by_name(order[i]) : kms->format;
		if (!f->is_float && writeback_offers(kms, kms->capture.connector_id, f->fourcc)) {
			kms->capture.format = f;
			return 0;
		}
	}
	uhd_error("the writeback connector %s offers no format uhdpipe reads "
	          "(xrgb16161616, xrgb2101010, xrgb8888)",
	          kms->capture.connector_name);
	return -ENOTSUP;
}

/* Many controllers cannot compose for a display and a writeback job at once
 * (their encoders are not clones): then the writeback connector drives the
 * CRTC alone, and the display shows nothing while capturing. */
static int test_commit(struct kms_presenter *kms)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	if (!req) {
		return -ENOMEM;
	}
	kms_add_commit(kms, req, &kms->buffers[0], true);
	drmModeAtomicAddProperty(req, kms->capture.connector_id, kms->props.wb_fb_id,
	                         kms->capture.buffer.fb_id);
	int ret = drmModeAtomicCommit(
	        kms->dev.fd, req, DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
	ret = ret ? -errno : 0;
	drmModeAtomicFree(req);
	return ret;
}

static int try_shared_crtc(struct kms_presenter *kms)
{
	kms->capture.shares_crtc = true;
	if (test_commit(kms) == 0) {
		return 0;
	}
	kms->capture.shares_crtc = false;
	int ret = test_commit(kms);
	if (ret < 0) {
		uhd_error(
		        "the writeback connector %s refuses this mode and format (%s); capture at "
		        "another --mode or --format",
		        kms->capture.connector_name, strerror(-ret));
		return -ENOTSUP;
	}
	uhd_warn("%s cannot drive %s and %s at once: capturing through %s alone, so "
	         "the display shows nothing during this run",
	         kms->dev.driver, kms->connector_name, kms->capture.connector_name,
	         kms->capture.connector_name);
	return 0;
}

int kms_capture_setup(struct kms_presenter *kms, const struct uhd_image *image)
{
	struct kms_capture *cap = &kms->capture;
	cap->fence_fd = -1;
	cap->pending_frame = -1;
	const char *dir = kms->params.display.capture_dir;
	if (!dir) {
		return 0;
	}
	/* Writeback where there is one, else (or with crc:DIR) CRCs. */
	if (strncmp(dir, "crc:", 4) == 0 || !find_writeback(kms)) {
		return kms_crc_setup(kms);
	}
	cap->dir = dir;
	/* "null", as in -o null: compare and checksum, write no files (an 8K
	 * 16-bit PNG costs more than the capture itself). */
	cap->writes_files = strcmp(dir, "null") != 0;
	int ret = choose_capture_format(kms);
	if (ret < 0) {
		return ret;
	}
	ret = cap->writes_files ? uhd_make_dirs(cap->dir) : 0;
	if (ret < 0 || (cap->writes_files && access(cap->dir, W_OK | X_OK) != 0)) {
		ret = ret ? ret : -errno;
		uhd_error("cannot write captures into '%s': %s; choose a writable folder", cap->dir,
		          strerror(-ret));
		return ret;
	}
	/* As for frame folders: no capture of an earlier run is silently mixed in. */
	ret = cap->writes_files
	              ? uhd_claim_folder(cap->dir, "capture-", "capture", kms->params.overwrite)
	              : 0;
	if (ret < 0) {
		return ret;
	}
	const uint32_t conn = DRM_MODE_OBJECT_CONNECTOR;
	kms->props.wb_crtc_id = kms_prop(kms, cap->connector_id, conn, "CRTC_ID");
	kms->props.wb_fb_id = kms_prop(kms, cap->connector_id, conn, "WRITEBACK_FB_ID");
	kms->props.wb_out_fence = kms_prop(kms, cap->connector_id, conn, "WRITEBACK_OUT_FENCE_PTR");
	ret = kms_buffer_create(kms, kms->mode.hdisplay, kms->mode.vdisplay, cap->format,
	                        &cap->buffer);
	if (ret < 0) {
		return ret;
	}
	cap->picture = *image;
	cap->picture.data = NULL;
	cap->picture.stride = (size_t)image->width * 3 * (size_t)(image->bits / 8);
	cap->rgb = malloc(cap->picture.stride * (size_t)image->height);
	cap->got16 = malloc((size_t)image->width * 3 * sizeof(*cap->got16));
	cap->want16 = malloc((size_t)image->width * 3 * sizeof(*cap->want16));
	if (!cap->rgb || !cap->got16 || !cap->want16) {
		return -ENOMEM;
	}
	cap->picture.data = cap->rgb;
	return try_shared_crtc(kms);
}

void kms_capture_attach(struct kms_presenter *kms, drmModeAtomicReq *req, int64_t frame,
                        struct kms_buffer *source)
{
	struct kms_capture *cap = &kms->capture;
	if (!cap->dir) {
		return;
	}
	if (cap->fence_fd >= 0) {
		close(cap->fence_fd);
	}
	cap->fence_fd = -1;
	drmModeAtomicAddProperty(req, cap->connector_id, kms->props.wb_fb_id, cap->buffer.fb_id);
	drmModeAtomicAddProperty(req, cap->connector_id, kms->props.wb_out_fence,
	                         (uint64_t)(uintptr_t)&cap->fence_fd);
	cap->pending_frame = frame;
	cap->pending_source = source;
}

void kms_capture_abandon(struct kms_presenter *kms)
{
	struct kms_capture *cap = &kms->capture;
	if (cap->fence_fd >= 0) {
		close(cap->fence_fd);
	}
	cap->fence_fd = -1;
	cap->pending_frame = -1;
	cap->pending_source = NULL;
}

static int wait_fence(struct kms_presenter *kms)
{
	struct kms_capture *cap = &kms->capture;
	struct pollfd pfd = {.fd = cap->fence_fd, .events = POLLIN};
	double deadline = uhd_now_ms() + FENCE_TIMEOUT_MS;
	int ret;
	do {
		int left = (int)(deadline - uhd_now_ms());
		ret = left > 0 ? poll(&pfd, 1, left) : 0;
	} while (ret < 0 && errno == EINTR);
	close(cap->fence_fd);
	cap->fence_fd = -1;
	if (ret <= 0) {
		uhd_error("the writeback of frame %lld on %s did not finish within %d s",
		          (long long)cap->pending_frame, cap->connector_name,
		          FENCE_TIMEOUT_MS / 1000);
		return -ETIMEDOUT;
	}
	return 0;
}

static void note_mismatch(struct kms_capture_record *record, int x, int y, const uint16_t want[3],
                          const uint16_t got[3])
{
	if (record->mismatched_pixels++ > 0) {
		return;
	}
	record->first_bad_x = x;
	record->first_bad_y = y;
	memcpy(record->first_bad_want, want, sizeof(record->first_bad_want));
	memcpy(record->first_bad_got, got, sizeof(record->first_bad_got));
}

/* A 16-bit value as a capture of `bits` holds it: controllers round (vkms
 * 6.1 writes 8 bits as DIV_ROUND_CLOSEST(v, 257)). */
static uint32_t at_depth(uint32_t v, int bits)
{
	uint32_t max = (1u << bits) - 1;
	return bits >= 16 ? v : (v * max + 32767) / 65535;
}

/* Stores one captured row (16-bit values) as the picture's samples: 16-bit
 * big-endian or 8-bit. */
static void store_row(struct kms_capture *cap, int y)
{
	uint8_t *out = cap->rgb + (size_t)y * cap->picture.stride;
	int n = 3 * cap->picture.width;
	if (cap->picture.bits == 16) {
		for (int i = 0; i < n; i++) {
			out[2 * i] = (uint8_t)(cap->got16[i] >> 8);
			out[2 * i + 1] = (uint8_t)cap->got16[i];
		}
	} else {
		for (int i = 0; i < n; i++) {
			out[i] = (uint8_t)(cap->got16[i] >> 8);
		}
	}
}

/* Compares one row and stores it as the picture's samples. Captures shallower
 * than the scanout are compared at their depth. */
static void compare_row(struct kms_presenter *kms, int y, struct kms_capture_record *record)
{
	struct kms_capture *cap = &kms->capture;
	const struct kms_buffer *src = cap->pending_source;
	const uint8_t *pixels = kms_buffer_pixels(src);
	const uint8_t *want_row = pixels ? pixels + (size_t)y * src->pitch : NULL;
	const uint8_t *got_row = cap->buffer.map + (size_t)y * cap->buffer.pitch;
	int width = cap->picture.width;
	uhd_unpack_row16(cap->format, got_row, width, cap->got16);
	store_row(cap, y);
	if (!want_row) {
		return; /* the frame sent is in memory the CPU cannot read: not compared */
	}
	/* The same bytes in the same format are the same pixels: the usual case,
	 * decided without expanding what was sent. */
	if (cap->format->fourcc == kms->format->fourcc &&
	    memcmp(want_row, got_row, (size_t)width * kms->format->bytes_per_pixel) == 0) {
		return;
	}
	if (!uhd_unpack_row16(kms->format, want_row, width, cap->want16)) {
		return; /* float scanout: not compared */
	}
	int depth = cap->format->bits < kms->format->bits ? cap->format->bits : 16;
	for (int x = 0; x < width; x++) {
		const uint16_t *want = cap->want16 + 3 * x, *got = cap->got16 + 3 * x;
		bool same = true;
		for (int c = 0; c < 3; c++) {
			same &= at_depth(want[c], depth) == at_depth(got[c], depth);
		}
		if (!same) {
			note_mismatch(record, x, y, want, got);
		}
	}
}

static int add_record(struct kms_capture *cap, struct kms_capture_record record)
{
	if (cap->count == cap->capacity) {
		size_t capacity = cap->capacity ? 2 * cap->capacity : 64;
		struct kms_capture_record *r = realloc(cap->records, capacity * sizeof(*r));
		if (!r) {
			return -ENOMEM;
		}
		cap->records = r;
		cap->capacity = capacity;
	}
	cap->records[cap->count++] = record;
	return 0;
}

int kms_capture_collect(struct kms_presenter *kms)
{
	struct kms_capture *cap = &kms->capture;
	if (cap->pending_frame < 0 || kms->pending_frame == cap->pending_frame) {
		return 0; /* nothing captured, or its flip is still in flight */
	}
	int64_t frame = cap->pending_frame;
	int ret = cap->fence_fd >= 0 ? wait_fence(kms) : 0;
	cap->pending_frame = -1;
	if (ret < 0) {
		return ret;
	}
	/* Float scanout is not expanded to 16-bit integers here: not compared. */
	struct kms_capture_record record = {
	        .frame = frame,
	        .compared = !kms->format->is_float && kms_buffer_pixels(cap->pending_source),
	};
	for (int y = 0; y < cap->picture.height; y++) {
		compare_row(kms, y, &record);
	}
	record.checksum = uhd_image_checksum(&cap->picture);
	if (record.mismatched_pixels) {
		cap->mismatched_frames++;
		uhd_warn("capture of frame %lld differs from what was scanned out in %lld %s, "
		         "the first at (%d, %d): R'G'B' %u,%u,%u captured, %u,%u,%u sent",
		         (long long)frame, (long long)record.mismatched_pixels,
		         uhd_plural(record.mismatched_pixels, "pixel", "pixels"),
		         record.first_bad_x, record.first_bad_y, record.first_bad_got[0],
		         record.first_bad_got[1], record.first_bad_got[2], record.first_bad_want[0],
		         record.first_bad_want[1], record.first_bad_want[2]);
	}
	if (cap->writes_files) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/capture-%06lld.png", cap->dir, (long long)frame);
		ret = uhd_png_write(path, &cap->picture);
	}
	return ret ? ret : add_record(cap, record);
}

void kms_capture_release(struct kms_presenter *kms)
{
	struct kms_capture *cap = &kms->capture;
	if (cap->fence_fd >= 0) {
		close(cap->fence_fd);
	}
	cap->fence_fd = -1;
	kms_buffer_destroy(kms, &cap->buffer);
	free(cap->rgb);
	free(cap->got16);
	free(cap->want16);
	free(cap->records);
	cap->rgb = NULL;
	cap->got16 = NULL;
	cap->want16 = NULL;
	cap->records = NULL;
}
