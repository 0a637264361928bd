/* SPDX-License-Identifier: MIT */
/*
 * What the DRM/KMS devices of this machine offer for output, read without
 * changing anything: every /dev/dri/card* with its capabilities, connectors
 * (modes, monitor, HDR properties), CRTCs and planes (formats, modifiers).
 * Plain structs, so `uhdpipe probe` can print them as text or JSON.
 */
#ifndef UHD_INTERNAL_KMS_PROBE_H
#define UHD_INTERNAL_KMS_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edid.h"

/* The device capabilities (drmGetCap) that matter to a presenter. */
enum uhd_kms_cap {
	UHD_KMS_CAP_DUMB_BUFFER,
	UHD_KMS_CAP_PRIME, /* DRM_PRIME_CAP_IMPORT | DRM_PRIME_CAP_EXPORT */
	UHD_KMS_CAP_TIMESTAMP_MONOTONIC,
	UHD_KMS_CAP_ADDFB2_MODIFIERS,
	UHD_KMS_CAP_CRTC_IN_VBLANK_EVENT,
	UHD_KMS_CAP_ASYNC_PAGE_FLIP,
	UHD_KMS_CAP_COUNT,
};

struct uhd_kms_mode {
	char name[32]; /* the kernel's, e.g. "3840x2160" */
	uint16_t width, height, htotal, vtotal;
	uint32_t clock_khz;
	double refresh_hz; /* from clock and totals as the kernel counts it, not rounded */
	bool preferred, interlaced;
};

struct uhd_kms_connector {
	char name[32]; /* "HDMI-A-1", "Virtual-1", "Writeback-1" */
	uint32_t id;
	const char *status; /* "connected", "disconnected", "unknown" */
	bool writeback;
	struct uhd_kms_mode *modes;
	int mode_count;
	bool has_edid;  /* the EDID property holds a blob */
	int edid_error; /* uhd_edid_parse's result when has_edid */
	struct uhd_edid edid;
	uint32_t width_mm, height_mm;
	bool hdr_output_metadata;
	bool has_colorspace;
	char (*colorspaces)[32]; /* the Colorspace enum's names */
	int colorspace_count;
	char colorspace[32]; /* its current value */
	bool has_max_bpc;
	uint64_t max_bpc_min, max_bpc_max, max_bpc;
	uint32_t *writeback_formats; /* WRITEBACK_PIXEL_FORMATS fourccs */
	int writeback_format_count;
};

struct uhd_kms_crtc {
	uint32_t id;
	int index; /* as possible_crtcs bits count */
	bool active;
	bool has_mode;
	struct uhd_kms_mode mode;
	uint32_t gamma_size;
	bool gamma_lut, ctm, degamma_lut, vrr_enabled;
};

struct uhd_kms_format {
	uint32_t fourcc;
	uint64_t *modifiers; /* from IN_FORMATS; none when the plane lacks it */
	int modifier_count;
};

struct uhd_kms_plane {
	uint32_t id;
	const char *type;        /* "primary", "overlay", "cursor", "unknown" */
	uint32_t possible_crtcs; /* bit i: CRTC index i */
	bool has_in_formats;     /* else the modifiers are implicit (driver-chosen) */
	struct uhd_kms_format *formats;
	int format_count;
};

struct uhd_kms_device {
	char path[64];
	int error; /* 0, or uhd_drm_open's error: then only path is set */
	char driver[32];
	char driver_version[32];
	char driver_description[96];
	int64_t caps[UHD_KMS_CAP_COUNT]; /* -1 when the kernel does not know the cap */
	bool writeback;                  /* writeback connectors were enabled */
	uint32_t min_width, min_height, max_width, max_height;
	struct uhd_kms_connector *connectors;
	int connector_count;
	struct uhd_kms_crtc *crtcs;
	int crtc_count;
	struct uhd_kms_plane *planes;
	int plane_count;
};

struct uhd_kms_probe {
	struct uhd_kms_device *devices; /* sorted by card number */
	int device_count;
};

/* Opens every card* node in dir (NULL: /dev/dri) and reads it into probe,
 * which the caller releases with uhd_kms_probe_finish even on error. A node
 * that cannot be opened is listed with its error (uhd_drm_open also logs it);
 * an object that vanishes while it is read (hot-unplug) is left out with a
 * warning. 0, also when there is no node (device_count 0), or -ENOMEM. */
int uhd_kms_probe(const char *dir, struct uhd_kms_probe *probe);
void uhd_kms_probe_finish(struct uhd_kms_probe *probe);

/* "DUMB_BUFFER", ...: the name after DRM_CAP_. */
const char *uhd_kms_cap_name(enum uhd_kms_cap cap);
/* Why a device could not be opened, for a person: what it means and what to do. */
const char *uhd_kms_error_text(int error);
/* "LINEAR", "I915_Y_TILED", else "VENDOR:0x..." with the full value in hex. */
void uhd_kms_modifier_name(uint64_t modifier, char *out, size_t size);

#endif
