/* SPDX-License-Identifier: MIT */
/*
 * What the display showed before uhdpipe took it over (a console, another
 * program's picture) is saved before the first commit and put back at the
 * end, also after SIGINT/SIGTERM (the runs stop between frames and close the
 * presenter). Only the properties uhdpipe changes are saved. Blobs are kept
 * by value, since their ids die with the client that made them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/log.h"
#include "kms.h"

static const char *const crtc_props[] = {"ACTIVE",      "MODE_ID", "GAMMA_LUT",
                                         "DEGAMMA_LUT", "CTM",     NULL};
static const char *const plane_props[] = {"FB_ID",  "CRTC_ID", "SRC_X",  "SRC_Y",  "SRC_W", "SRC_H",
                                          "CRTC_X", "CRTC_Y",  "CRTC_W", "CRTC_H", NULL};
static const char *const connector_props[] = {"CRTC_ID", "HDR_OUTPUT_METADATA", "Colorspace",
                                              "max bpc", "Broadcast RGB",       NULL};

static bool listed(const char *const *names, const char *name)
{
	for (; *names; names++) {
		if (strcmp(*names, name) == 0) {
			return true;
		}
	}
	return false;
}

static int save_object(struct kms_presenter *kms, uint32_t object, uint32_t type,
                       const char *const *names)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(kms->dev.fd, object, type);
	if (!props) {
		return -errno;
	}
	for (uint32_t i = 0; i < props->count_props && kms->saved_count < KMS_MAX_SAVED; i++) {
		drmModePropertyRes *prop = drmModeGetProperty(kms->dev.fd, props->props[i]);
		if (prop && listed(names, prop->name)) {
			struct kms_saved_prop *s = &kms->saved[kms->saved_count++];
			s->object = object;
			s->prop = prop->prop_id;
			s->value = props->prop_values[i];
			if ((prop->flags & DRM_MODE_PROP_BLOB) && s->value) {
				drmModePropertyBlobRes *blob =
				        drmModeGetPropertyBlob(kms->dev.fd, (uint32_t)s->value);
				s->blob = blob ? malloc(blob->length) : NULL;
				if (s->blob) {
					memcpy(s->blob, blob->data, blob->length);
					s->blob_size = blob->length;
				}
				drmModeFreePropertyBlob(blob);
			}
		}
		drmModeFreeProperty(prop);
	}
	drmModeFreeObjectProperties(props);
	return 0;
}

int kms_state_save(struct kms_presenter *kms, const uint32_t *connectors, int connector_count)
{
	int ret = save_object(kms, kms->crtc_id, DRM_MODE_OBJECT_CRTC, crtc_props);
	ret = ret ? ret : save_object(kms, kms->plane_id, DRM_MODE_OBJECT_PLANE, plane_props);
	for (int i = 0; i < kms->other_plane_count && !ret; i++) {
		ret = save_object(kms, kms->other_planes[i], DRM_MODE_OBJECT_PLANE, plane_props);
	}
	for (int i = 0; i < connector_count && !ret; i++) {
		ret = save_object(kms, connectors[i], DRM_MODE_OBJECT_CONNECTOR, connector_props);
	}
	if (ret < 0) {
		uhd_error("cannot read the display state of %s to restore it later: %s",
		          kms->connector_name, strerror(-ret));
	}
	return ret;
}

/* Everything off: the fallback when the saved state is gone (its framebuffer
 * belonged to a program that has exited). */
static int commit_off(struct kms_presenter *kms)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	if (!req) {
		return -ENOMEM;
	}
	drmModeAtomicAddProperty(req, kms->plane_id, kms->props.plane_fb_id, 0);
	drmModeAtomicAddProperty(req, kms->plane_id, kms->props.plane_crtc_id, 0);
	drmModeAtomicAddProperty(req, kms->crtc_id, kms->props.crtc_mode_id, 0);
	drmModeAtomicAddProperty(req, kms->crtc_id, kms->props.crtc_active, 0);
	drmModeAtomicAddProperty(req, kms->connector_id, kms->props.conn_crtc_id, 0);
	if (kms->capture.connector_id) {
		drmModeAtomicAddProperty(req, kms->capture.connector_id, kms->props.wb_crtc_id, 0);
	}
	int ret = drmModeAtomicCommit(kms->dev.fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
	drmModeAtomicFree(req);
	return ret ? -errno : 0;
}

static int commit_saved(struct kms_presenter *kms)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	uint32_t blobs[KMS_MAX_SAVED] = {0};
	if (!req) {
		return -ENOMEM;
	}
	for (int i = 0; i < kms->saved_count; i++) {
		struct kms_saved_prop *s = &kms->saved[i];
		uint64_t value = s->value;
		if (s->blob) {
			drmModeCreatePropertyBlob(kms->dev.fd, s->blob, s->blob_size, &blobs[i]);
			value = blobs[i];
		}
		drmModeAtomicAddProperty(req, s->object, s->prop, value);
	}
	int ret = drmModeAtomicCommit(kms->dev.fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
	ret = ret ? -errno : 0;
	drmModeAtomicFree(req);
	for (int i = 0; i < kms->saved_count; i++) {
		if (blobs[i]) {
			drmModeDestroyPropertyBlob(kms->dev.fd, blobs[i]);
		}
	}
	return ret;
}

int kms_state_restore(struct kms_presenter *kms)
{
	if (!kms->modeset_done || kms->restore_result) {
		return 0;
	}
	kms->restore_result = "failed";
	int ret = commit_saved(kms);
	kms->restored = ret == 0;
	kms->restore_result = ret == 0 ? "saved state" : kms->restore_result;
	if (ret < 0) {
		uhd_warn("the display state before this run could not be restored (%s); turning %s "
		         "off",
		         strerror(-ret), kms->connector_name);
		ret = commit_off(kms);
		kms->restore_result = ret == 0 ? "off" : kms->restore_result;
		if (ret < 0) {
			uhd_error("cannot turn %s off either: %s", kms->connector_name,
			          strerror(-ret));
		}
	}
	return ret;
}

void kms_state_free(struct kms_presenter *kms)
{
	for (int i = 0; i < kms->saved_count; i++) {
		free(kms->saved[i].blob);
	}
	kms->saved_count = 0;
}
