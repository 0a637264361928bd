/* SPDX-License-Identifier: MIT */
/*
 * A DRM device opened for KMS: finding it, its client capabilities, and the
 * property lookups every atomic user needs. Shared by the presenter and probe.
 */
#ifndef UHD_INTERNAL_KMS_DEVICE_H
#define UHD_INTERNAL_KMS_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

struct uhd_drm_device {
	int fd;
	char path[64];
	char driver[32]; /* kernel driver name, e.g. "vkms", "i915" */
	bool writeback;  /* DRM_CLIENT_CAP_WRITEBACK_CONNECTORS was accepted */
	drmModeRes *resources;
	drmModePlaneRes *planes;
};

/* Opens path, or when path is NULL or "" the first /dev/dri/card* that has
 * connectors, and enables universal planes, atomic modesetting and (when the
 * kernel offers them) writeback connectors. Errors, each with a message:
 * -ENODEV no DRM device with KMS, -EACCES no permission, -ENOTSUP no atomic
 * modesetting. */
int uhd_drm_open(const char *path, struct uhd_drm_device *dev);
/* The same for one node, logging nothing and never staying DRM master: for
 * probe, which reports failures itself and only reads. */
int uhd_drm_open_silent(const char *path, struct uhd_drm_device *dev);
void uhd_drm_close(struct uhd_drm_device *dev);

/* Property id of name on an object (0 when the object lacks it); value gets
 * the current value when not NULL. */
uint32_t uhd_drm_property(int fd, uint32_t object, uint32_t type, const char *name,
                          uint64_t *value);

/* "HDMI-A-1", "DP-2", "Virtual-1", "Writeback-1": the names the kernel uses. */
void uhd_drm_connector_name(const drmModeConnector *connector, char *out, size_t size);
const char *uhd_drm_connection_name(drmModeConnection connection);

/* Index of the CRTC with this id in the resources, or -1. */
int uhd_drm_crtc_index(const struct uhd_drm_device *dev, uint32_t crtc_id);

/* Four-character code as text ("XR24"), for messages and reports. */
void uhd_drm_format_name(uint32_t format, char out[5]);

#endif
