/* SPDX-License-Identifier: MIT */
/* Opening a DRM device for atomic KMS and looking up its properties. */
#include "device.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../common/log.h"

static void release(struct uhd_drm_device *dev)
{
	if (dev->planes) {
		drmModeFreePlaneResources(dev->planes);
	}
	if (dev->resources) {
		drmModeFreeResources(dev->resources);
	}
	if (dev->fd >= 0) {
		close(dev->fd);
	}
	dev->planes = NULL;
	dev->resources = NULL;
	dev->fd = -1;
}

/* Opens one card node and checks it is a KMS device with atomic support.
 * quiet: only a permission problem is logged; silent: nothing is. */
static int open_card(const char *path, struct uhd_drm_device *dev, bool quiet, bool silent)
{
	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		int err = errno;
		if (!silent && (!quiet || err == EACCES)) {
			uhd_error("cannot open the DRM device '%s': %s%s", path, strerror(err),
			          err == EACCES
			                  ? "; run as a member of the 'video' group or as root"
			                  : "");
		}
		return -err;
	}
	/* The first to open a card node where no one is master becomes master. A
	 * reader (probe, silent) gives that up at once, so that a display run
	 * starting meanwhile is not refused. */
	if (silent && drmIsMaster(dev->fd)) {
		drmDropMaster(dev->fd);
	}
	snprintf(dev->path, sizeof(dev->path), "%s", path);
	drmVersion *version = drmGetVersion(dev->fd);
	snprintf(dev->driver, sizeof(dev->driver), "%s", version ? version->name : "unknown");
	drmFreeVersion(version);
	dev->resources = drmModeGetResources(dev->fd);
	if (!dev->resources || dev->resources->count_connectors == 0 ||
	    dev->resources->count_crtcs == 0) {
		if (!quiet && !silent) {
			uhd_error("'%s' (%s) has no display outputs (no KMS connectors); "
			          "use -o png:DIR for headless runs",
			          path, dev->driver);
		}
		release(dev);
		return -ENODEV;
	}
	if (drmSetClientCap(dev->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) != 0 ||
	    drmSetClientCap(dev->fd, DRM_CLIENT_CAP_ATOMIC, 1) != 0) {
		if (!silent) {
			uhd_error("'%s' (%s) has no atomic modesetting, which uhdpipe needs; "
			          "update the kernel driver",
			          path, dev->driver);
		}
		release(dev);
		return -ENOTSUP;
	}
	dev->writeback = drmSetClientCap(dev->fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1) == 0;
	/* The writeback connector only shows up in the resources after the cap. */
	drmModeFreeResources(dev->resources);
	dev->resources = drmModeGetResources(dev->fd);
	dev->planes = drmModeGetPlaneResources(dev->fd);
	if (!dev->resources || !dev->planes) {
		if (!silent) {
			uhd_error("cannot read the KMS resources of '%s': %s", path,
			          strerror(errno));
		}
		release(dev);
		return -EIO;
	}
	return 0;
}

int uhd_drm_open(const char *path, struct uhd_drm_device *dev)
{
	memset(dev, 0, sizeof(*dev));
	dev->fd = -1;
	if (path && *path) {
		return open_card(path, dev, false, false);
	}
	/* The first card node with connectors: render-only GPUs have none. */
	for (int i = 0; i < 16; i++) {
		char card[32];
		snprintf(card, sizeof(card), "/dev/dri/card%d", i);
		if (access(card, F_OK) != 0) {
			continue;
		}
		int ret = open_card(card, dev, true, false);
		if (ret == 0 || ret == -EACCES || ret == -ENOTSUP) {
			return ret;
		}
	}
	uhd_error("no DRM device: use -o png:DIR for headless runs");
	return -ENODEV;
}

int uhd_drm_open_silent(const char *path, struct uhd_drm_device *dev)
{
	memset(dev, 0, sizeof(*dev));
	dev->fd = -1;
	return open_card(path, dev, true, true);
}

void uhd_drm_close(struct uhd_drm_device *dev)
{
	release(dev);
}

uint32_t uhd_drm_property(int fd, uint32_t object, uint32_t type, const char *name, uint64_t *value)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, object, type);
	uint32_t id = 0;
	for (uint32_t i = 0; props && i < props->count_props && !id; i++) {
		drmModePropertyRes *prop = drmModeGetProperty(fd, props->props[i]);
		if (prop && strcmp(prop->name, name) == 0) {
			id = prop->prop_id;
			if (value) {
				*value = props->prop_values[i];
			}
		}
		drmModeFreeProperty(prop);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

void uhd_drm_connector_name(const drmModeConnector *connector, char *out, size_t size)
{
	const char *type = drmModeGetConnectorTypeName(connector->connector_type);
	snprintf(out, size, "%s-%u", type ? type : "Unknown", connector->connector_type_id);
}

const char *uhd_drm_connection_name(drmModeConnection connection)
{
	switch (connection) {
	case DRM_MODE_CONNECTED: return "connected";
	case DRM_MODE_DISCONNECTED: return "disconnected";
	default: return "unknown";
	}
}

int uhd_drm_crtc_index(const struct uhd_drm_device *dev, uint32_t crtc_id)
{
	for (int i = 0; i < dev->resources->count_crtcs; i++) {
		if (dev->resources->crtcs[i] == crtc_id) {
			return i;
		}
	}
	return -1;
}

void uhd_drm_format_name(uint32_t format, char out[5])
{
	for (int i = 0; i < 4; i++) {
		char c = (char)((format >> (8 * i)) & 0xff);
		out[i] = c >= 32 && c < 127 ? c : '?';
	}
	out[4] = '\0';
}
