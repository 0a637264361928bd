/* SPDX-License-Identifier: MIT */
/*
 * CRC capture through debugfs (dri/N/crtc-I/crc): the display controller's
 * CRC of every scanned-out vblank, for devices without a writeback connector
 * (or with --capture crc:DIR). A CRC cannot be recomputed from the picture
 * without the controller's own algorithm, so the check is one of
 * consistency: all vblanks a frame stayed up must give one CRC (a stable
 * scanout), and frames with the same picture checksum must give the same CRC
 * (nothing between the framebuffer and the CRC unit changes the picture).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../../common/checksum.h"
#include "../../common/clock.h"
#include "../../common/log.h"
#include "../../common/paths.h"
#include "kms.h"

#define CRC_WAIT_MS 30000 /* an emulated controller composes 8K in seconds */

int kms_crc_setup(struct kms_presenter *kms)
{
	struct kms_crc *crc = &kms->crc;
	crc->fd = -1;
	const char *dir = kms->params.display.capture_dir;
	if (strncmp(dir, "crc:", 4) != 0) {
		uhd_info("%s has no writeback connector: capturing the CRCs of what is scanned out",
		         kms->dev.path);
	}
	struct stat st;
	if (fstat(kms->dev.fd, &st) != 0) {
		return -errno;
	}
	snprintf(crc->path, sizeof(crc->path), "/sys/kernel/debug/dri/%u/crtc-%d/crc",
	         minor(st.st_rdev), kms->crtc_index);
	char control[160];
	snprintf(control, sizeof(control), "%s/control", crc->path);
	int fd = open(control, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "auto", 4) != 4) {
		int err = errno;
		uhd_error("--capture: the CRCs of %s cannot be read (%s: %s), and it has %s "
		          "writeback connector; mount debugfs on /sys/kernel/debug and run as root",
		          kms->dev.path, control, strerror(err),
		          kms->capture.connector_id ? "no use for its" : "no");
		if (fd >= 0) {
			close(fd);
		}
		return -ENOTSUP;
	}
	close(fd);
	crc->enabled = true;
	return 0;
}

/* Reads the entries available now ("0xVBLANK 0xCRC ..." per line). */
static int read_available(struct kms_crc *crc)
{
	char line[256];
	for (;;) {
		ssize_t n = read(crc->fd, line, sizeof(line) - 1);
		if (n < 0 && errno == EINTR) {
			continue; /* a signal, not an error */
		}
		if (n <= 0) {
			return n == 0 || errno == EAGAIN ? 0 : -errno;
		}
		line[n] = '\0';
		unsigned vblank, value;
		if (sscanf(line, "%x %x", &vblank, &value) != 2) {
			continue;
		}
		if (crc->count == crc->capacity) {
			size_t capacity = crc->capacity ? 2 * crc->capacity : 256;
			struct kms_crc_entry *e = realloc(crc->entries, capacity * sizeof(*e));
			if (!e) {
				return -ENOMEM;
			}
			crc->entries = e;
			crc->capacity = capacity;
		}
		crc->entries[crc->count++] = (struct kms_crc_entry){vblank, value};
	}
}

static int add_checksum(struct kms_crc *crc, uint64_t checksum)
{
	if (crc->checksum_count == crc->checksum_capacity) {
		size_t capacity = crc->checksum_capacity ? 2 * crc->checksum_capacity : 256;
		uint64_t *c = realloc(crc->checksums, capacity * sizeof(*c));
		if (!c) {
			return -ENOMEM;
		}
		crc->checksums = c;
		crc->checksum_capacity = capacity;
	}
	crc->checksums[crc->checksum_count++] = checksum;
	return 0;
}

int kms_crc_note(struct kms_presenter *kms, const struct uhd_image *image, bool again)
{
	struct kms_crc *crc = &kms->crc;
	if (!crc->enabled) {
		return 0;
	}
	if (crc->fd < 0 && kms->flip_count > 0) {
		char data[160];
		snprintf(data, sizeof(data), "%s/data", crc->path);
		crc->fd = open(data, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (crc->fd < 0) {
			int err = errno;
			uhd_error("cannot read the CRCs of %s (%s: %s)", kms->connector_name, data,
			          strerror(err));
			return -err;
		}
	}
	int ret = crc->fd >= 0 ? read_available(crc) : 0;
	if (ret < 0) {
		return ret;
	}
	bool same = again && crc->checksum_count > 0;
	return add_checksum(crc, same ? crc->checksums[crc->checksum_count - 1]
	                              : uhd_image_checksum(image));
}

void kms_crc_finish(struct kms_presenter *kms)
{
	struct kms_crc *crc = &kms->crc;
	if (crc->fd < 0 || kms->flip_count == 0) {
		return;
	}
	/* The last frame's first vblank and one more, so that its CRC is in. */
	uint32_t last = (uint32_t)kms->flips[kms->flip_count - 1].sequence + 1;
	double deadline = uhd_now_ms() + CRC_WAIT_MS;
	while (read_available(crc) == 0 &&
	       (crc->count == 0 || (int32_t)(crc->entries[crc->count - 1].vblank - last) < 0)) {
		struct pollfd pfd = {.fd = crc->fd, .events = POLLIN};
		int left = (int)(deadline - uhd_now_ms());
		if (left <= 0 || poll(&pfd, 1, left) <= 0) {
			break;
		}
	}
}

/* What the CRCs say about one presented frame. */
struct frame_crc {
	int64_t frame;
	uint64_t checksum;
	uint32_t crc; /* the first of its vblanks */
	int vblanks;  /* CRCs seen while it was up */
	bool stable;  /* all of them equal */
};

/* One pass over flips and CRC entries (both in vblank order): each presented
 * frame gets the CRCs of the vblanks it stayed up, [its flip, the next flip). */
static size_t match_frames(const struct kms_presenter *kms, struct frame_crc *out)
{
	const struct kms_crc *crc = &kms->crc;
	size_t n = 0, k = 0;
	for (size_t i = 0; i < kms->flip_count; i++) {
		if (kms->flips[i].dropped) {
			continue;
		}
		struct frame_crc *f = &out[n];
		*f = (struct frame_crc){.frame = kms->flips[i].frame,
		                        .checksum = n < crc->checksum_count ? crc->checksums[n] : 0,
		                        .stable = true};
		n++;
		uint32_t from = (uint32_t)kms->flips[i].sequence;
		size_t next = i + 1;
		while (next < kms->flip_count && kms->flips[next].dropped) {
			next++;
		}
		uint32_t to = next < kms->flip_count ? (uint32_t)kms->flips[next].sequence : 0;
		for (; k < crc->count && (int32_t)(crc->entries[k].vblank - from) < 0; k++) {
		}
		for (; k < crc->count &&
		       (next == kms->flip_count || (int32_t)(crc->entries[k].vblank - to) < 0);
		     k++) {
			if (f->vblanks++ == 0) {
				f->crc = crc->entries[k].crc;
			}
			f->stable &= crc->entries[k].crc == f->crc;
		}
	}
	return n;
}

/* Frames whose picture an earlier frame (up to 64 back) had, with another CRC. */
static bool inconsistent(const struct frame_crc *frames, size_t i)
{
	for (size_t j = i; j-- > 0 && i - j <= 64;) {
		if (frames[j].checksum == frames[i].checksum && frames[j].vblanks &&
		    frames[i].vblanks) {
			return frames[j].crc != frames[i].crc;
		}
	}
	return false;
}

static void write_frame(struct uhd_json *json, const struct frame_crc *f)
{
	char hex[24];
	uhd_json_object_begin(json, NULL);
	uhd_json_int(json, "frame", f->frame);
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)f->checksum);
	uhd_json_string(json, "checksum", hex);
	snprintf(hex, sizeof(hex), "0x%08x", f->crc);
	f->vblanks ? uhd_json_string(json, "crc", hex) : uhd_json_null(json, "crc");
	uhd_json_int(json, "vblanks", f->vblanks);
	uhd_json_bool(json, "stable", f->stable);
	uhd_json_object_end(json);
}

void kms_crc_report(const struct kms_presenter *kms, struct uhd_json *json)
{
	struct frame_crc *frames = calloc(kms->flip_count ? kms->flip_count : 1, sizeof(*frames));
	size_t n = frames ? match_frames(kms, frames) : 0;
	int64_t unstable = 0, mismatched = 0, without = 0;
	uhd_json_object_begin(json, "capture");
	uhd_json_string(json, "method", "crc");
	uhd_json_string(json, "source", kms->crc.path);
	uhd_json_array_begin(json, "frames");
	for (size_t i = 0; i < n; i++) {
		without += frames[i].vblanks == 0;
		unstable += !frames[i].stable;
		mismatched += inconsistent(frames, i);
		write_frame(json, &frames[i]);
	}
	uhd_json_array_end(json);
	uhd_json_int(json, "captured", (int64_t)n - without);
	uhd_json_int(json, "frames_without_crc", without);
	uhd_json_int(json, "unstable_frames", unstable);
	uhd_json_int(json, "inconsistent_frames", mismatched);
	uhd_json_object_end(json);
	free(frames);
}

void kms_crc_release(struct kms_presenter *kms)
{
	struct kms_crc *crc = &kms->crc;
	if (crc->fd >= 0) {
		close(crc->fd);
	}
	crc->fd = -1;
	free(crc->entries);
	free(crc->checksums);
	crc->entries = NULL;
	crc->checksums = NULL;
}
