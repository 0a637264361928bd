/* SPDX-License-Identifier: MIT */
/* Reading what every DRM card node offers for output, without changing it. */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <drm_fourcc.h>
#include <drm_mode.h>

#include "../../common/log.h"
#include "device.h"

#define MAX_CARDS 64

/* Called for each property of an object with its current value. */
typedef int (*property_fn)(int fd, const drmModePropertyRes *prop, uint64_t value, void *target);

static int for_each_property(int fd, uint32_t object, uint32_t type, property_fn fn, void *target)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, object, type);
	int ret = 0;
	for (uint32_t i = 0; props && i < props->count_props && ret == 0; i++) {
		drmModePropertyRes *prop = drmModeGetProperty(fd, props->props[i]);
		if (prop) {
			ret = fn(fd, prop, props->prop_values[i], target);
		}
		drmModeFreeProperty(prop);
	}
	drmModeFreeObjectProperties(props);
	return ret;
}

/* drm_property_type_is() without its non-const parameter: extended types
 * (blob, object) are a value in a field, legacy ones (range, enum) a flag. */
static bool property_type_is(const drmModePropertyRes *prop, uint32_t type)
{
	if (prop->flags & DRM_MODE_PROP_EXTENDED_TYPE) {
		return (prop->flags & DRM_MODE_PROP_EXTENDED_TYPE) == type;
	}
	return (prop->flags & type) != 0;
}

static bool is_blob(const drmModePropertyRes *prop)
{
	return property_type_is(prop, DRM_MODE_PROP_BLOB);
}

/* ---- modes ---- */

/* drm_mode_vrefresh() without its rounding to whole hertz: 59.94 must stay
 * distinguishable from 60. */
static double mode_refresh(const drmModeModeInfo *info)
{
	double numerator = info->clock * 1000.0;
	double denominator = (double)info->htotal * info->vtotal;
	if (info->flags & DRM_MODE_FLAG_INTERLACE) {
		numerator *= 2;
	}
	if (info->flags & DRM_MODE_FLAG_DBLSCAN) {
		denominator *= 2;
	}
	if (info->vscan > 1) {
		denominator *= info->vscan;
	}
	return denominator > 0 ? numerator / denominator : (double)info->vrefresh;
}

static void read_mode(const drmModeModeInfo *info, struct uhd_kms_mode *mode)
{
	snprintf(mode->name, sizeof(mode->name), "%.*s", (int)sizeof(info->name), info->name);
	mode->width = info->hdisplay;
	mode->height = info->vdisplay;
	mode->htotal = info->htotal;
	mode->vtotal = info->vtotal;
	mode->clock_khz = info->clock;
	mode->refresh_hz = mode_refresh(info);
	mode->preferred = (info->type & DRM_MODE_TYPE_PREFERRED) != 0;
	mode->interlaced = (info->flags & DRM_MODE_FLAG_INTERLACE) != 0;
}

/* ---- connectors ---- */

static void read_edid(int fd, uint64_t blob_id, struct uhd_kms_connector *connector)
{
	drmModePropertyBlobRes *blob =
	        blob_id ? drmModeGetPropertyBlob(fd, (uint32_t)blob_id) : NULL;
	if (!blob) {
		return;
	}
	connector->has_edid = true;
	connector->edid_error = uhd_edid_parse(blob->data, blob->length, &connector->edid);
	drmModeFreePropertyBlob(blob);
}

static int read_colorspace(const drmModePropertyRes *prop, uint64_t value,
                           struct uhd_kms_connector *connector)
{
	connector->has_colorspace = true;
	snprintf(connector->colorspace, sizeof(connector->colorspace), "unknown");
	if (prop->count_enums <= 0) {
		return 0;
	}
	connector->colorspaces = calloc((size_t)prop->count_enums, sizeof(*connector->colorspaces));
	if (!connector->colorspaces) {
		return -ENOMEM;
	}
	connector->colorspace_count = prop->count_enums;
	for (int i = 0; i < prop->count_enums; i++) {
		snprintf(connector->colorspaces[i], sizeof(connector->colorspaces[i]), "%.*s",
		         DRM_PROP_NAME_LEN, prop->enums[i].name);
		if (prop->enums[i].value == value) {
			snprintf(connector->colorspace, sizeof(connector->colorspace), "%s",
			         connector->colorspaces[i]);
		}
	}
	return 0;
}

static void read_max_bpc(const drmModePropertyRes *prop, uint64_t value,
                         struct uhd_kms_connector *connector)
{
	connector->has_max_bpc = true;
	connector->max_bpc = value;
	if (property_type_is(prop, DRM_MODE_PROP_RANGE) && prop->count_values >= 2) {
		connector->max_bpc_min = prop->values[0];
		connector->max_bpc_max = prop->values[1];
	}
}

/* The blob is a plain array of fourccs; a partial trailing entry is ignored. */
static int read_writeback_formats(int fd, uint64_t blob_id, struct uhd_kms_connector *connector)
{
	drmModePropertyBlobRes *blob =
	        blob_id ? drmModeGetPropertyBlob(fd, (uint32_t)blob_id) : NULL;
	if (!blob) {
		return 0;
	}
	size_t count = blob->length / sizeof(uint32_t);
	int ret = 0;
	connector->writeback_formats = count ? calloc(count, sizeof(uint32_t)) : NULL;
	if (count && !connector->writeback_formats) {
		ret = -ENOMEM;
	} else if (count) {
		memcpy(connector->writeback_formats, blob->data, count * sizeof(uint32_t));
		connector->writeback_format_count = (int)count;
	}
	drmModeFreePropertyBlob(blob);
	return ret;
}

static int connector_property(int fd, const drmModePropertyRes *prop, uint64_t value, void *target)
{
	struct uhd_kms_connector *connector = target;
	if (strcmp(prop->name, "EDID") == 0 && is_blob(prop)) {
		read_edid(fd, value, connector);
	} else if (strcmp(prop->name, "HDR_OUTPUT_METADATA") == 0) {
		connector->hdr_output_metadata = true;
	} else if (strcmp(prop->name, "Colorspace") == 0) {
		return read_colorspace(prop, value, connector);
	} else if (strcmp(prop->name, "max bpc") == 0) {
		read_max_bpc(prop, value, connector);
	} else if (strcmp(prop->name, "WRITEBACK_PIXEL_FORMATS") == 0 && is_blob(prop)) {
		return read_writeback_formats(fd, value, connector);
	}
	return 0;
}

static int read_connector(int fd, const drmModeConnector *info, struct uhd_kms_connector *out)
{
	uhd_drm_connector_name(info, out->name, sizeof(out->name));
	out->id = info->connector_id;
	out->status = uhd_drm_connection_name(info->connection);
	out->writeback = info->connector_type == DRM_MODE_CONNECTOR_WRITEBACK;
	out->width_mm = info->mmWidth;
	out->height_mm = info->mmHeight;
	if (info->count_modes > 0) {
		out->modes = calloc((size_t)info->count_modes, sizeof(*out->modes));
		if (!out->modes) {
			return -ENOMEM;
		}
		out->mode_count = info->count_modes;
		for (int i = 0; i < info->count_modes; i++) {
			read_mode(&info->modes[i], &out->modes[i]);
		}
	}
	return for_each_property(fd, info->connector_id, DRM_MODE_OBJECT_CONNECTOR,
	                         connector_property, out);
}

static int read_connectors(struct uhd_drm_device *dev, struct uhd_kms_device *out)
{
	int count = dev->resources->count_connectors;
	out->connectors = count > 0 ? calloc((size_t)count, sizeof(*out->connectors)) : NULL;
	if (count > 0 && !out->connectors) {
		return -ENOMEM;
	}
	for (int i = 0; i < count; i++) {
		uint32_t id = dev->resources->connectors[i];
		drmModeConnector *info = drmModeGetConnector(dev->fd, id);
		if (!info) {
			uhd_warn("%s: connector %u vanished while it was read (unplugged?); probe "
			         "again to see it",
			         dev->path, id);
			continue;
		}
		int ret = read_connector(dev->fd, info, &out->connectors[out->connector_count++]);
		drmModeFreeConnector(info);
		if (ret < 0) {
			return ret;
		}
	}
	return 0;
}

/* ---- CRTCs ---- */

static int crtc_property(int fd, const drmModePropertyRes *prop, uint64_t value, void *target)
{
	(void)fd;
	struct uhd_kms_crtc *crtc = target;
	if (strcmp(prop->name, "ACTIVE") == 0) {
		crtc->active = value != 0;
	} else if (strcmp(prop->name, "GAMMA_LUT") == 0) {
		crtc->gamma_lut = true;
	} else if (strcmp(prop->name, "CTM") == 0) {
		crtc->ctm = true;
	} else if (strcmp(prop->name, "DEGAMMA_LUT") == 0) {
		crtc->degamma_lut = true;
	} else if (strcmp(prop->name, "VRR_ENABLED") == 0) {
		crtc->vrr_enabled = true;
	}
	return 0;
}

static int read_crtcs(struct uhd_drm_device *dev, struct uhd_kms_device *out)
{
	int count = dev->resources->count_crtcs;
	out->crtcs = count > 0 ? calloc((size_t)count, sizeof(*out->crtcs)) : NULL;
	if (count > 0 && !out->crtcs) {
		return -ENOMEM;
	}
	for (int i = 0; i < count; i++) {
		uint32_t id = dev->resources->crtcs[i];
		drmModeCrtc *info = drmModeGetCrtc(dev->fd, id);
		if (!info) {
			uhd_warn("%s: CRTC %u could not be read: %s", dev->path, id,
			         strerror(errno));
			continue;
		}
		struct uhd_kms_crtc *crtc = &out->crtcs[out->crtc_count++];
		crtc->id = id;
		crtc->index = i;
		crtc->gamma_size = (uint32_t)(info->gamma_size > 0 ? info->gamma_size : 0);
		crtc->has_mode = info->mode_valid != 0;
		if (crtc->has_mode) {
			read_mode(&info->mode, &crtc->mode);
		}
		drmModeFreeCrtc(info);
		for_each_property(dev->fd, id, DRM_MODE_OBJECT_CRTC, crtc_property, crtc);
	}
	return 0;
}

/* ---- planes ---- */

/* The formats and, per format, the modifiers of an IN_FORMATS blob (struct
 * drm_format_modifier_blob). Read here rather than with libdrm's
 * drmModeFormatModifierBlobIterNext (2.4.108+), which older distributions
 * lack and which does not check the offsets against the blob's length. */
struct in_formats {
	const uint8_t *data;
	size_t size;
	struct drm_format_modifier_blob header;
};

static bool in_formats_open(const drmModePropertyBlobRes *blob, struct in_formats *in)
{
	in->data = blob->data;
	in->size = blob->length;
	if (in->size < sizeof(in->header)) {
		return false;
	}
	memcpy(&in->header, in->data, sizeof(in->header));
	uint64_t formats_end =
	        in->header.formats_offset + (uint64_t)in->header.count_formats * sizeof(uint32_t);
	uint64_t modifiers_end =
	        in->header.modifiers_offset +
	        (uint64_t)in->header.count_modifiers * sizeof(struct drm_format_modifier);
	return formats_end <= in->size && modifiers_end <= in->size;
}

static uint32_t in_formats_format(const struct in_formats *in, uint32_t index)
{
	uint32_t format;
	memcpy(&format, in->data + in->header.formats_offset + index * sizeof(uint32_t),
	       sizeof(format));
	return format;
}

/* Whether modifier entry m applies to format index: its 64-bit mask covers
 * format indices offset..offset+63. */
static bool in_formats_applies(const struct in_formats *in, uint32_t m, uint32_t index,
                               uint64_t *modifier)
{
	struct drm_format_modifier entry;
	memcpy(&entry, in->data + in->header.modifiers_offset + m * sizeof(entry), sizeof(entry));
	*modifier = entry.modifier;
	return index >= entry.offset && index - entry.offset < 64 &&
	       ((entry.formats >> (index - entry.offset)) & 1);
}

static int read_format_modifiers(const struct in_formats *in, uint32_t index,
                                 struct uhd_kms_format *format)
{
	uint64_t modifier;
	int count = 0;
	for (uint32_t m = 0; m < in->header.count_modifiers; m++) {
		count += in_formats_applies(in, m, index, &modifier);
	}
	format->fourcc = in_formats_format(in, index);
	if (count == 0) {
		return 0;
	}
	format->modifiers = calloc((size_t)count, sizeof(uint64_t));
	if (!format->modifiers) {
		return -ENOMEM;
	}
	for (uint32_t m = 0; m < in->header.count_modifiers; m++) {
		if (in_formats_applies(in, m, index, &modifier)) {
			format->modifiers[format->modifier_count++] = modifier;
		}
	}
	return 0;
}

static int read_in_formats(int fd, uint64_t blob_id, struct uhd_kms_plane *plane)
{
	drmModePropertyBlobRes *blob =
	        blob_id ? drmModeGetPropertyBlob(fd, (uint32_t)blob_id) : NULL;
	struct in_formats in;
	if (!blob || !in_formats_open(blob, &in) || in.header.count_formats == 0) {
		drmModeFreePropertyBlob(blob);
		return 0;
	}
	int ret = 0;
	plane->formats = calloc(in.header.count_formats, sizeof(*plane->formats));
	if (!plane->formats) {
		ret = -ENOMEM;
	}
	for (uint32_t i = 0; ret == 0 && i < in.header.count_formats; i++) {
		ret = read_format_modifiers(&in, i, &plane->formats[plane->format_count++]);
	}
	plane->has_in_formats = ret == 0;
	drmModeFreePropertyBlob(blob);
	return ret;
}

static const char *plane_type_name(uint64_t type)
{
	switch (type) {
	case DRM_PLANE_TYPE_PRIMARY: return "primary";
	case DRM_PLANE_TYPE_OVERLAY: return "overlay";
	case DRM_PLANE_TYPE_CURSOR: return "cursor";
	default: return "unknown";
	}
}

static int plane_property(int fd, const drmModePropertyRes *prop, uint64_t value, void *target)
{
	struct uhd_kms_plane *plane = target;
	if (strcmp(prop->name, "type") == 0) {
		plane->type = plane_type_name(value);
	} else if (strcmp(prop->name, "IN_FORMATS") == 0 && is_blob(prop)) {
		return read_in_formats(fd, value, plane);
	}
	return 0;
}

/* Without IN_FORMATS the plane's own list stands, with implicit modifiers. */
static int plain_formats(const drmModePlane *info, struct uhd_kms_plane *plane)
{
	if (plane->has_in_formats || info->count_formats == 0) {
		return 0;
	}
	plane->formats = calloc(info->count_formats, sizeof(*plane->formats));
	if (!plane->formats) {
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < info->count_formats; i++) {
		plane->formats[i].fourcc = info->formats[i];
	}
	plane->format_count = (int)info->count_formats;
	return 0;
}

static int read_planes(struct uhd_drm_device *dev, struct uhd_kms_device *out)
{
	uint32_t count = dev->planes->count_planes;
	out->planes = count > 0 ? calloc(count, sizeof(*out->planes)) : NULL;
	if (count > 0 && !out->planes) {
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < count; i++) {
		uint32_t id = dev->planes->planes[i];
		drmModePlane *info = drmModeGetPlane(dev->fd, id);
		if (!info) {
			uhd_warn("%s: plane %u could not be read: %s", dev->path, id,
			         strerror(errno));
			continue;
		}
		struct uhd_kms_plane *plane = &out->planes[out->plane_count++];
		plane->id = id;
		plane->type = "unknown";
		plane->possible_crtcs = info->possible_crtcs;
		int ret = for_each_property(dev->fd, id, DRM_MODE_OBJECT_PLANE, plane_property,
		                            plane);
		if (ret == 0) {
			ret = plain_formats(info, plane);
		}
		drmModeFreePlane(info);
		if (ret < 0) {
			return ret;
		}
	}
	return 0;
}

/* ---- devices ---- */

static const uint64_t cap_ids[UHD_KMS_CAP_COUNT] = {
        [UHD_KMS_CAP_DUMB_BUFFER] = DRM_CAP_DUMB_BUFFER,
        [UHD_KMS_CAP_PRIME] = DRM_CAP_PRIME,
        [UHD_KMS_CAP_TIMESTAMP_MONOTONIC] = DRM_CAP_TIMESTAMP_MONOTONIC,
        [UHD_KMS_CAP_ADDFB2_MODIFIERS] = DRM_CAP_ADDFB2_MODIFIERS,
        [UHD_KMS_CAP_CRTC_IN_VBLANK_EVENT] = DRM_CAP_CRTC_IN_VBLANK_EVENT,
        [UHD_KMS_CAP_ASYNC_PAGE_FLIP] = DRM_CAP_ASYNC_PAGE_FLIP,
};

const char *uhd_kms_cap_name(enum uhd_kms_cap cap)
{
	static const char *const names[UHD_KMS_CAP_COUNT] = {
	        [UHD_KMS_CAP_DUMB_BUFFER] = "DUMB_BUFFER",
	        [UHD_KMS_CAP_PRIME] = "PRIME",
	        [UHD_KMS_CAP_TIMESTAMP_MONOTONIC] = "TIMESTAMP_MONOTONIC",
	        [UHD_KMS_CAP_ADDFB2_MODIFIERS] = "ADDFB2_MODIFIERS",
	        [UHD_KMS_CAP_CRTC_IN_VBLANK_EVENT] = "CRTC_IN_VBLANK_EVENT",
	        [UHD_KMS_CAP_ASYNC_PAGE_FLIP] = "ASYNC_PAGE_FLIP",
	};
	return (unsigned)cap < UHD_KMS_CAP_COUNT ? names[cap] : "unknown";
}

static void read_driver(struct uhd_drm_device *dev, struct uhd_kms_device *out)
{
	snprintf(out->driver, sizeof(out->driver), "%s", dev->driver);
	drmVersion *version = drmGetVersion(dev->fd);
	if (version) {
		snprintf(out->driver_version, sizeof(out->driver_version), "%d.%d.%d",
		         version->version_major, version->version_minor,
		         version->version_patchlevel);
		snprintf(out->driver_description, sizeof(out->driver_description), "%.*s",
		         version->desc_len, version->desc ? version->desc : "");
	}
	drmFreeVersion(version);
	for (int i = 0; i < UHD_KMS_CAP_COUNT; i++) {
		uint64_t value = 0;
		out->caps[i] = drmGetCap(dev->fd, cap_ids[i], &value) == 0 ? (int64_t)value : -1;
	}
}

static int read_device(const char *path, struct uhd_kms_device *out)
{
	struct uhd_drm_device dev;
	snprintf(out->path, sizeof(out->path), "%s", path);
	out->error = uhd_drm_open_silent(path, &dev);
	if (out->error < 0) {
		return 0;
	}
	read_driver(&dev, out);
	out->writeback = dev.writeback;
	out->min_width = dev.resources->min_width;
	out->min_height = dev.resources->min_height;
	out->max_width = dev.resources->max_width;
	out->max_height = dev.resources->max_height;
	int ret = read_connectors(&dev, out);
	if (ret == 0) {
		ret = read_crtcs(&dev, out);
	}
	if (ret == 0) {
		ret = read_planes(&dev, out);
	}
	uhd_drm_close(&dev);
	return ret;
}

static int compare_int(const void *a, const void *b)
{
	int left = *(const int *)a, right = *(const int *)b;
	return (left > right) - (left < right);
}

/* N for "cardN", else -1 ("card0-HDMI-A-1" in sysfs style, "renderD128"). */
static int card_number(const char *name)
{
	if (strncmp(name, "card", 4) != 0 || name[4] == '\0') {
		return -1;
	}
	int number = 0;
	for (const char *c = name + 4; *c; c++) {
		if (*c < '0' || *c > '9' || number > 99999) {
			return -1;
		}
		number = number * 10 + (*c - '0');
	}
	return number;
}

/* The numbers N of the cardN nodes in dir, sorted. */
static int card_numbers(const char *dir, int numbers[MAX_CARDS])
{
	DIR *listing = opendir(dir);
	int count = 0;
	struct dirent *entry;
	while (listing && (entry = readdir(listing)) != NULL && count < MAX_CARDS) {
		int number = card_number(entry->d_name);
		if (number >= 0) {
			numbers[count++] = number;
		}
	}
	if (listing) {
		closedir(listing);
	}
	qsort(numbers, (size_t)count, sizeof(int), compare_int);
	return count;
}

int uhd_kms_probe(const char *dir, struct uhd_kms_probe *probe)
{
	memset(probe, 0, sizeof(*probe));
	dir = dir ? dir : "/dev/dri";
	int numbers[MAX_CARDS];
	int count = card_numbers(dir, numbers);
	if (count == 0) {
		return 0;
	}
	probe->devices = calloc((size_t)count, sizeof(*probe->devices));
	if (!probe->devices) {
		return -ENOMEM;
	}
	for (int i = 0; i < count; i++) {
		char path[64];
		snprintf(path, sizeof(path), "%s/card%d", dir, numbers[i]);
		int ret = read_device(path, &probe->devices[probe->device_count++]);
		if (ret < 0) {
			uhd_error("out of memory while reading the DRM device '%s'", path);
			return ret;
		}
	}
	return 0;
}

static void device_finish(struct uhd_kms_device *device)
{
	for (int i = 0; i < device->connector_count; i++) {
		free(device->connectors[i].modes);
		free(device->connectors[i].colorspaces);
		free(device->connectors[i].writeback_formats);
	}
	for (int i = 0; i < device->plane_count; i++) {
		for (int f = 0; f < device->planes[i].format_count; f++) {
			free(device->planes[i].formats[f].modifiers);
		}
		free(device->planes[i].formats);
	}
	free(device->connectors);
	free(device->crtcs);
	free(device->planes);
}

void uhd_kms_probe_finish(struct uhd_kms_probe *probe)
{
	for (int i = 0; probe->devices && i < probe->device_count; i++) {
		device_finish(&probe->devices[i]);
	}
	free(probe->devices);
	memset(probe, 0, sizeof(*probe));
}

const char *uhd_kms_error_text(int error)
{
	switch (error) {
	case 0: return "";
	case -EACCES: return "no permission to open it; join the 'video' group or run as root";
	case -ENODEV:
		return "no display outputs (no KMS connectors or CRTCs): a render-only device";
	case -ENOTSUP:
		return "no atomic modesetting, which uhdpipe needs; update the kernel driver";
	default: return "cannot be opened or read; see the message above";
	}
}

static const char *modifier_vendor(uint64_t modifier)
{
	static const char *const vendors[] = {
	        [DRM_FORMAT_MOD_VENDOR_NONE] = "NONE",
	        [DRM_FORMAT_MOD_VENDOR_INTEL] = "INTEL",
	        [DRM_FORMAT_MOD_VENDOR_AMD] = "AMD",
	        [DRM_FORMAT_MOD_VENDOR_NVIDIA] = "NVIDIA",
	        [DRM_FORMAT_MOD_VENDOR_SAMSUNG] = "SAMSUNG",
	        [DRM_FORMAT_MOD_VENDOR_QCOM] = "QCOM",
	        [DRM_FORMAT_MOD_VENDOR_VIVANTE] = "VIVANTE",
	        [DRM_FORMAT_MOD_VENDOR_BROADCOM] = "BROADCOM",
	        [DRM_FORMAT_MOD_VENDOR_ARM] = "ARM",
	        [DRM_FORMAT_MOD_VENDOR_ALLWINNER] = "ALLWINNER",
	        [DRM_FORMAT_MOD_VENDOR_AMLOGIC] = "AMLOGIC",
	};
	uint64_t vendor = modifier >> 56;
	return vendor < sizeof(vendors) / sizeof(vendors[0]) ? vendors[vendor] : "VENDOR";
}

void uhd_kms_modifier_name(uint64_t modifier, char *out, size_t size)
{
	/* The common ones by name; the rest (AMD's and NVIDIA's carry parameters
	 * in their bits) as vendor and value, which is exact and greppable. */
	static const struct {
		uint64_t modifier;
		const char *name;
	} names[] = {
	        {DRM_FORMAT_MOD_LINEAR, "LINEAR"},
	        {DRM_FORMAT_MOD_INVALID, "INVALID"},
	        {fourcc_mod_code(INTEL, 1), "I915_X_TILED"},
	        {fourcc_mod_code(INTEL, 2), "I915_Y_TILED"},
	        {fourcc_mod_code(INTEL, 3), "I915_Yf_TILED"},
	        {fourcc_mod_code(INTEL, 4), "I915_Y_TILED_CCS"},
	        {fourcc_mod_code(INTEL, 5), "I915_Yf_TILED_CCS"},
	        {fourcc_mod_code(INTEL, 6), "I915_Y_TILED_GEN12_RC_CCS"},
	        {fourcc_mod_code(INTEL, 7), "I915_Y_TILED_GEN12_MC_CCS"},
	        {fourcc_mod_code(INTEL, 8), "I915_Y_TILED_GEN12_RC_CCS_CC"},
	        {fourcc_mod_code(INTEL, 9), "I915_4_TILED"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].modifier == modifier) {
			snprintf(out, size, "%s", names[i].name);
			return;
		}
	}
	snprintf(out, size, "%s:0x%016" PRIx64, modifier_vendor(modifier), modifier);
}
