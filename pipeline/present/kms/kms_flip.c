/* SPDX-License-Identifier: MIT */
/*
 * Paced page flips. Frame i of the source is due on the vblank
 * anchor + cadence(i) - cadence(a), the anchor being the vblank that frame a,
 * the first one after the modeset, reached. A frame
 * ready early waits for the vblank before its own (the commit then lands on
 * it); one ready late is flipped at once and counted late, or dropped with
 * --drop-late when even the next frame's vblank has passed. Only one flip is
 * in flight: the next commit waits for its event, which gives the vblank
 * count and time every frame reached the screen.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/clock.h"
#include "../../common/fault.h"
#include "../../common/log.h"
#include "kms.h"

#define FLIP_TIMEOUT_MS 60000 /* an 8K composition under emulation takes seconds */

static void add(drmModeAtomicReq *req, uint32_t object, uint32_t prop, uint64_t value)
{
	if (prop) {
		drmModeAtomicAddProperty(req, object, prop, value);
	}
}

void kms_add_commit(struct kms_presenter *kms, drmModeAtomicReq *req, struct kms_buffer *buffer,
                    bool modeset)
{
	const struct kms_props *p = &kms->props;
	add(req, kms->plane_id, p->plane_fb_id, kms_buffer_fb(buffer));
	if (!modeset) {
		return;
	}
	uint64_t w = kms->mode.hdisplay, h = kms->mode.vdisplay;
	const uint64_t rect[4] = {0, 0, w, h};
	add(req, kms->plane_id, p->plane_crtc_id, kms->crtc_id);
	for (int i = 0; i < 4; i++) {
		add(req, kms->plane_id, p->plane_src[i], rect[i] << 16);
		add(req, kms->plane_id, p->plane_crtc[i], rect[i]);
	}
	add(req, kms->crtc_id, p->crtc_mode_id, kms->mode_blob);
	add(req, kms->crtc_id, p->crtc_active, 1);
	/* A writeback connector that cannot share the CRTC drives it alone. */
	bool detached = kms->capture.connector_id && !kms->capture.shares_crtc;
	add(req, kms->connector_id, p->conn_crtc_id, detached ? 0 : kms->crtc_id);
	add(req, kms->capture.connector_id, p->wb_crtc_id, kms->crtc_id);
	add(req, kms->connector_id, p->conn_hdr, kms->hdr_blob);
	if (kms->colorspace_name) {
		add(req, kms->connector_id, p->conn_colorspace, kms->colorspace_value);
	}
	add(req, kms->connector_id, p->conn_max_bpc, kms->max_bpc);
	/* What a previous client may have left that would change the picture. */
	add(req, kms->crtc_id, p->crtc_gamma, 0);
	add(req, kms->crtc_id, p->crtc_degamma, 0);
	add(req, kms->crtc_id, p->crtc_ctm, 0);
	add(req, kms->plane_id, p->plane_rotation, DRM_MODE_ROTATE_0);
	add(req, kms->plane_id, p->plane_alpha, 0xffff);
	add(req, kms->connector_id, p->conn_broadcast_rgb, p->broadcast_full);
	for (int i = 0; i < kms->other_plane_count; i++) {
		uint32_t plane = kms->other_planes[i];
		add(req, plane, kms_prop(kms, plane, DRM_MODE_OBJECT_PLANE, "FB_ID"), 0);
		add(req, plane, kms_prop(kms, plane, DRM_MODE_OBJECT_PLANE, "CRTC_ID"), 0);
	}
}

/* The kernel's 32-bit vblank count, widened so that long runs do not wrap. */
static uint64_t widen(struct kms_presenter *kms, uint32_t sequence)
{
	if (kms->flip_count > 0 && sequence < kms->last_sequence32) {
		kms->sequence_high += 1ull << 32;
	}
	kms->last_sequence32 = sequence;
	return kms->sequence_high | sequence;
}

static int record(struct kms_presenter *kms, struct uhd_flip flip)
{
	if (kms->flip_count == kms->flip_capacity) {
		size_t capacity = kms->flip_capacity ? 2 * kms->flip_capacity : 256;
		struct uhd_flip *flips = realloc(kms->flips, capacity * sizeof(*flips));
		if (!flips) {
			return -ENOMEM;
		}
		kms->flips = flips;
		kms->flip_capacity = capacity;
	}
	kms->flips[kms->flip_count++] = flip;
	return 0;
}

static void on_flip(int fd, unsigned int sequence, unsigned int sec, unsigned int usec,
                    unsigned int crtc_id, void *data)
{
	(void)fd;
	(void)crtc_id;
	struct kms_presenter *kms = data;
	if (!kms->pending) {
		return;
	}
	struct uhd_flip flip = {.frame = kms->pending_frame,
	                        .sequence = widen(kms, sequence),
	                        .time_s = sec + usec / 1e6};
	/* The modeset's own event is stamped when the CRTC came on, off the
	 * refresh grid that follows: the cadence is anchored on the first flip. */
	if (kms->anchor_frame < 0 && kms->flip_count > 0) {
		kms->anchor_frame = flip.frame;
		kms->anchor_sequence = flip.sequence;
	}
	record(kms, flip);
	kms->on_screen = kms->pending;
	kms->pending = NULL;
	kms->pending_frame = -1;
}

int kms_wait_flip(struct kms_presenter *kms, int timeout_ms)
{
	drmEventContext events = {.version = 3, .page_flip_handler2 = on_flip};
	double deadline = uhd_now_ms() + timeout_ms;
	while (kms->pending) {
		struct pollfd pfd = {.fd = kms->dev.fd, .events = POLLIN};
		int left = (int)(deadline - uhd_now_ms());
		int ret = left > 0 ? poll(&pfd, 1, left) : 0;
		if (ret < 0 && errno == EINTR) {
			continue;
		}
		if (ret <= 0) {
			uhd_error("no page-flip event from %s within %d s; the display stopped "
			          "refreshing",
			          kms->connector_name, timeout_ms / 1000);
			return -ETIMEDOUT;
		}
		/* The kernel's event read takes its lock interruptibly: a signal
		 * (SIGTERM, Ctrl-C) there is no failure, the loop sees the event again. */
		if (drmHandleEvent(kms->dev.fd, &events) != 0 && errno != EINTR) {
			uhd_error("reading DRM events from %s failed: %s", kms->dev.path,
			          strerror(errno));
			return -EIO;
		}
	}
	return 0;
}

int kms_check_connected(struct kms_presenter *kms)
{
	double now = uhd_now_ms();
	if (now - kms->last_status_check_ms < 1000) {
		return 0;
	}
	kms->last_status_check_ms = now;
	drmModeConnector *c = drmModeGetConnectorCurrent(kms->dev.fd, kms->connector_id);
	bool connected = c && c->connection == DRM_MODE_CONNECTED;
	drmModeFreeConnector(c);
	if (!connected) {
		uhd_error("the display on %s was disconnected after %zu presented %s",
		          kms->connector_name, kms->flip_count,
		          uhd_plural((long long)kms->flip_count, "frame", "frames"));
		return -ENODEV;
	}
	return 0;
}

/* The vblank count now (a query, no wait). */
static int vblank_now(struct kms_presenter *kms, uint64_t *sequence)
{
	drmVBlank vbl = {.request = {.type = DRM_VBLANK_RELATIVE, .sequence = 0}};
	vbl.request.type |=
	        (unsigned)kms->crtc_index << DRM_VBLANK_HIGH_CRTC_SHIFT & DRM_VBLANK_HIGH_CRTC_MASK;
	if (drmWaitVBlank(kms->dev.fd, &vbl) != 0) {
		return -errno;
	}
	*sequence = kms->sequence_high | vbl.reply.sequence;
	if (vbl.reply.sequence < kms->last_sequence32) {
		*sequence += 1ull << 32;
	}
	return 0;
}

static bool cancelled(const struct kms_presenter *kms)
{
	return kms->params.cancel && *kms->params.cancel;
}

/* Waits until the vblank count reaches sequence, in steps of at most about a
 * second: the kernel gives up on a single wait after 3 s (EBUSY), and a signal
 * must stop the run between steps (-EINTR). */
static int wait_vblank(struct kms_presenter *kms, uint64_t sequence)
{
	uint64_t step = (uint64_t)(kms->cadence.refresh_num / kms->cadence.refresh_den) + 1;
	for (;;) {
		uint64_t now = 0;
		int ret = vblank_now(kms, &now);
		if (ret < 0 || now >= sequence) {
			return ret;
		}
		if (cancelled(kms)) {
			return -EINTR;
		}
		uint64_t next = sequence - now > step ? now + step : sequence;
		drmVBlank vbl = {
		        .request = {.type = DRM_VBLANK_ABSOLUTE, .sequence = (uint32_t)next}};
		vbl.request.type |= (unsigned)kms->crtc_index << DRM_VBLANK_HIGH_CRTC_SHIFT &
		                    DRM_VBLANK_HIGH_CRTC_MASK;
		if (drmWaitVBlank(kms->dev.fd, &vbl) != 0 && errno != EINTR && errno != EBUSY) {
			return -errno;
		}
	}
}

/* The vblank frame is due on, from the anchor. */
static uint64_t due(struct kms_presenter *kms, int64_t frame)
{
	return kms->anchor_sequence +
	       (uint64_t)(uhd_cadence_vblank(&kms->cadence, frame) -
	                  uhd_cadence_vblank(&kms->cadence, kms->anchor_frame));
}

/* Waits until a commit now lands on the frame's vblank. Without a vblank
 * counter the frame is flipped as soon as possible (noted in the report). */
static int pace(struct kms_presenter *kms, int64_t frame)
{
	if (kms->anchor_frame < 0 || kms->no_vblank_counter) {
		return 0;
	}
	uint64_t target = due(kms, frame), now = 0;
	if (vblank_now(kms, &now) < 0) {
		kms->no_vblank_counter = true;
		uhd_warn("%s gives no vblank count: frames are flipped as soon as they are ready",
		         kms->connector_name);
		return 0;
	}
	return now + 1 < target ? wait_vblank(kms, target - 1) : 0;
}

/* With --drop-late: a frame that can only land after the next frame's vblank. */
static bool too_late(struct kms_presenter *kms, int64_t frame)
{
	uint64_t now = 0;
	return kms->params.display.drop_late && kms->anchor_frame >= 0 && !kms->no_vblank_counter &&
	       vblank_now(kms, &now) == 0 && now + 1 > due(kms, frame + 1);
}

static int commit(struct kms_presenter *kms, struct kms_buffer *buffer, int64_t frame)
{
	bool modeset = !kms->modeset_done;
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	if (!req) {
		return -ENOMEM;
	}
	kms_add_commit(kms, req, buffer, modeset);
	kms_capture_attach(kms, req, frame, buffer);
	uint32_t flags = DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT |
	                 (modeset ? DRM_MODE_ATOMIC_ALLOW_MODESET : 0);
	int ret = uhd_fault_hit(UHD_FAULT_KMS_COMMIT)
	                  ? (errno = EINVAL, -1)
	                  : drmModeAtomicCommit(kms->dev.fd, req, flags, kms);
	drmModeAtomicFree(req);
	if (ret != 0) {
		int err = errno;
		kms_capture_abandon(kms);
		/* Unplugged displays fail commits with many codes: look first. */
		kms->last_status_check_ms = 0;
		if (kms_check_connected(kms) < 0) {
			return -ENODEV;
		}
		uhd_error("%s refused the %s of frame %lld: %s", kms->connector_name,
		          modeset ? "modeset" : "page flip", (long long)frame, strerror(err));
		return -EIO;
	}
	kms->modeset_done = true;
	kms->pending = buffer;
	kms->pending_frame = frame;
	return 0;
}

/* The buffer neither on screen nor waiting to be. */
static struct kms_buffer *free_buffer(struct kms_presenter *kms)
{
	for (int i = 0; i < KMS_BUFFERS; i++) {
		if (&kms->buffers[i] != kms->on_screen && &kms->buffers[i] != kms->pending) {
			return &kms->buffers[i];
		}
	}
	return NULL; /* not reached: three buffers, at most two in use */
}

int kms_test_modeset(struct kms_presenter *kms, struct kms_buffer *buffer)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	if (!req) {
		return -ENOMEM;
	}
	kms_add_commit(kms, req, buffer, true);
	int ret = drmModeAtomicCommit(
	        kms->dev.fd, req, DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
	ret = ret ? -(errno ? errno : EINVAL) : 0;
	drmModeAtomicFree(req);
	return ret;
}

int kms_present_frame(struct kms_presenter *kms, const struct uhd_image *image, int64_t frame,
                      bool again)
{
	int ret = kms_check_connected(kms);
	ret = ret ? ret : kms_wait_flip(kms, FLIP_TIMEOUT_MS);
	ret = ret ? ret : kms_capture_collect(kms);
	if (ret < 0) {
		return ret;
	}
	if (too_late(kms, frame)) {
		return record(kms, (struct uhd_flip){.frame = frame, .dropped = true});
	}
	struct kms_buffer *buffer = again && kms->on_screen ? kms->on_screen : free_buffer(kms);
	if (buffer != kms->on_screen) {
		ret = kms_pack(kms, image, buffer, frame);
		if (ret < 0) {
			return ret;
		}
		buffer->frame = frame;
	}
	ret = kms->crc.enabled ? kms_crc_note(kms, image, buffer == kms->on_screen) : 0;
	ret = ret ? ret : pace(kms, frame);
	return ret ? ret : commit(kms, buffer, frame);
}

int kms_finish_flips(struct kms_presenter *kms)
{
	int ret = kms_wait_flip(kms, FLIP_TIMEOUT_MS);
	int ret2 = kms_capture_collect(kms);
	return ret ? ret : ret2;
}
