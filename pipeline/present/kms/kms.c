/* SPDX-License-Identifier: MIT */
/*
 * The kms presenter: frames go to a display through DRM/KMS atomic commits.
 * The device and connector are checked when the presenter opens, so that a
 * bad spec fails before any decoding; the mode is set with the first frame,
 * whose size it must match. Closing restores what the display showed before.
 */
#include "kms.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../common/log.h"
#include "hdr.h"

static int parse_mode_option(struct kms_presenter *kms, const char *text)
{
	int w = 0, h = 0, used = 0;
	double hz = 0;
	if (sscanf(text, "%dx%d%n", &w, &h, &used) != 2 || w <= 0 || h <= 0 || w > 16384 ||
	    h > 16384 ||
	    (text[used] &&
	     (sscanf(text + used, "@%lf%n", &hz, &used) != 1 || hz < 1 || hz > 1000))) {
		uhd_error("--mode needs WxH or WxH@HZ, e.g. 7680x4320@60; got '%s'", text);
		return -EINVAL;
	}
	kms->want_width = w;
	kms->want_height = h;
	kms->want_hz = hz;
	return 0;
}

static int parse_options(struct kms_presenter *kms, const char *argument,
                         const struct uhd_presenter_params *params)
{
	kms->params = *params;
	snprintf(kms->connector_arg, sizeof(kms->connector_arg), "%s", argument);
	const struct uhd_display_params *d = &params->display;
	if (d->mode && parse_mode_option(kms, d->mode) < 0) {
		return -EINVAL;
	}
	if (d->format && strcmp(d->format, "auto") != 0 && !uhd_scanout_format_by_name(d->format)) {
		uhd_error("unknown --format '%s' (auto, xrgb8888, xrgb2101010, xbgr2101010, "
		          "xrgb16161616, xbgr16161616f)",
		          d->format);
		return -EINVAL;
	}
	if (kms_scanout_parse(d->scanout, &kms->scanout) < 0) {
		return -EINVAL;
	}
	if (uhd_hdr_mode_parse(d->hdr ? d->hdr : "auto", &kms->hdr_mode) < 0) {
		return -EINVAL;
	}
	if (d->hdr_metadata) {
		/* Checked now with a stand-in colour, so that a typo fails before decoding. */
		struct uhd_colour pq = {.transfer = UHD_TRANSFER_PQ};
		struct uhd_hdr_signal probe;
		if (uhd_hdr_signal_for(&pq, UHD_HDR_PQ, d->hdr_metadata, &probe) < 0) {
			return -EINVAL;
		}
	}
	return 0;
}

/* An atomic client must be DRM master; another compositor or player may be.
 * A reader that opened the node just before us (a `uhdpipe probe`) is master
 * for the moment it takes to drop it: a few tries over half a second. Without
 * CAP_SYS_ADMIN the kernel lets a descriptor become master only if it was
 * master before, so each try opens the node again: an open while no one is
 * master makes the opener master. */
static int become_master(struct kms_presenter *kms)
{
	for (int attempt = 0; attempt < 20; attempt++) {
		if (drmIsMaster(kms->dev.fd) || drmSetMaster(kms->dev.fd) == 0) {
			return 0;
		}
		nanosleep(&(struct timespec){.tv_nsec = 25 * 1000 * 1000}, NULL);
		char path[sizeof(kms->dev.path)];
		snprintf(path, sizeof(path), "%s", kms->dev.path);
		uhd_drm_close(&kms->dev);
		int ret = uhd_drm_open(path, &kms->dev);
		if (ret < 0) {
			return ret;
		}
	}
	uhd_error("another program is the DRM master of %s (a compositor, X server or another "
	          "uhdpipe): stop it or run from a free text console",
	          kms->dev.path);
	return -EBUSY;
}

static int kms_open(void *priv, const char *argument, const struct uhd_presenter_params *params)
{
	struct kms_presenter *kms = priv;
	kms->dev.fd = -1;
	kms->capture.fence_fd = -1;
	kms->pending_frame = -1;
	kms->anchor_frame = -1;
	kms->capture.pending_frame = -1;
	kms->crc.fd = -1;
	kms->fallback_frame = -1;
	for (int i = 0; i < KMS_BUFFERS; i++) {
		kms->buffers[i].prime_fd = -1; /* never descriptor 0 before the buffers exist */
		kms->buffers[i].target = -1;
	}
	int ret = parse_options(kms, argument, params);
	if (ret < 0) {
		return ret;
	}
	ret = uhd_drm_open(getenv("UHD_DRM_DEVICE"), &kms->dev);
	if (ret < 0) {
		return ret;
	}
	kms->opened = true;
	ret = become_master(kms);
	ret = ret ? ret : kms_choose_connector(kms);
	if (ret < 0) {
		uhd_drm_close(&kms->dev);
		kms->opened = false;
	}
	return ret;
}

static int present(struct kms_presenter *kms, const struct uhd_image *image, int64_t index,
                   bool again)
{
	if (!kms->set_up) {
		int ret = kms_setup(kms, image);
		if (ret < 0) {
			return ret;
		}
	}
	if (image->width != (int)kms->mode.hdisplay || image->height != (int)kms->mode.vdisplay) {
		uhd_error(
		        "frame %lld is %dx%d but the display runs %ux%u; all frames must have the "
		        "mode's size",
		        (long long)index, image->width, image->height, kms->mode.hdisplay,
		        kms->mode.vdisplay);
		return -EINVAL;
	}
	return kms_present_frame(kms, image, index, again);
}

static int kms_present(void *priv, const struct uhd_image *image, int64_t index)
{
	return present(priv, image, index, false);
}

static int kms_present_again(void *priv, const struct uhd_image *image, int64_t index)
{
	return present(priv, image, index, true);
}

static int kms_finish(void *priv)
{
	struct kms_presenter *kms = priv;
	if (!kms->opened || kms->restore_result) {
		return 0;
	}
	int ret = kms->set_up ? kms_finish_flips(kms) : 0;
	kms_read_back_hdr(kms); /* what the kernel holds, before the restore replaces it */
	kms_crc_finish(kms);
	int restored = kms_state_restore(kms);
	return ret ? ret : restored;
}

static void kms_close(void *priv)
{
	struct kms_presenter *kms = priv;
	if (!kms->opened) {
		return;
	}
	kms_finish(kms);
	kms_capture_release(kms);
	kms_crc_release(kms);
	kms_gpu_release(kms);
	kms_release_buffers(kms);
	kms_state_free(kms);
	free(kms->flips);
	uhd_drm_close(&kms->dev);
	kms->opened = false;
}

static const char *kms_location(const void *priv)
{
	return ((const struct kms_presenter *)priv)->connector_name;
}

static bool kms_paces(const void *priv)
{
	(void)priv;
	return true;
}

static void kms_size_hint(const void *priv, int *width, int *height)
{
	const struct kms_presenter *kms = priv;
	*width = kms->want_width;
	*height = kms->want_height;
}

void kms_report(const void *priv, struct uhd_json *json);

const struct uhd_presenter_impl uhd_presenter_kms = {
        .name = "kms",
        .priv_size = sizeof(struct kms_presenter),
        .open = kms_open,
        .present = kms_present,
        .present_again = kms_present_again,
        .close = kms_close,
        .finish = kms_finish,
        .location = kms_location,
        .paces = kms_paces,
        .size_hint = kms_size_hint,
        .report = kms_report,
};
