/* SPDX-License-Identifier: MIT */
/* `uhdpipe probe [--json]`: the Vulkan devices uhdpipe can run on and the
 * DRM/KMS devices it can show pictures on. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../present/kms/device.h"
#include "../present/kms/probe.h"
#include "../common/json.h"
#include "cli.h"
#include "uhdpipe/uhdpipe.h"

static const char probe_help[] =
        "usage: uhdpipe probe [--json]\n"
        "\n"
        "Lists the Vulkan devices: index (as --device INDEX counts), name, type, driver,\n"
        "API version, the limits that matter at 8K (image size, storage-buffer range,\n"
        "allocation size, device-local memory, compute limits), external-memory and DRM\n"
        "format-modifier support, and which device `play` picks by default.\n"
        "\n"
        "Then the DRM/KMS devices (every /dev/dri/card*): driver, capabilities (dumb\n"
        "buffers, PRIME, modifiers, ...), whether writeback connectors are offered, and\n"
        "the framebuffer size limits; each connector with its status, modes (refresh\n"
        "from the mode's timings), monitor name from the EDID, size in mm and HDR\n"
        "properties (HDR_OUTPUT_METADATA, Colorspace, max bpc); each CRTC with its\n"
        "active mode and colour properties; each plane with its type, CRTCs, and pixel\n"
        "formats with their modifiers. No DRM device is not an error here: probe says\n"
        "so in one line and still exits 0.\n"
        "\n"
        "  --json     print one JSON object instead of text: \"vulkan_devices\" and\n"
        "             \"drm\": {\"devices\": [...]} (with \"error\" when there are none)\n"
        "  -h, --help this text\n";

/* Column where the values of the text output start. */
#define VALUE_COLUMN 23
#define TEXT_WIDTH   99

static const char no_drm_text[] = "no DRM device (no /dev/dri/card*): KMS output is not "
                                  "available here; use -o png:DIR";

static void api_version(uint32_t v, char *out, size_t size)
{
	/* Vulkan's packed version: variant 3 bits, major 7, minor 10, patch 12. */
	snprintf(out, size, "%u.%u.%u", (v >> 22) & 0x7fu, (v >> 12) & 0x3ffu, v & 0xfffu);
}

static void print_text(const struct uhd_device_description *d)
{
	char version[32];
	api_version(d->limits.api_version, version, sizeof(version));
	printf("Vulkan device %d: %s (%s)%s%s\n", d->index, d->limits.name, d->type,
	       d->default_choice ? ", default" : "", d->usable ? "" : ", NOT usable by uhdpipe");
	printf("  driver:              %s, Vulkan %s, vendor 0x%04x device 0x%04x\n",
	       d->limits.driver, version, d->vendor_id, d->device_id);
	printf("  max image size:      %u\n", d->limits.max_image_dimension_2d);
	printf("  storage buffer:      %.1f MiB per binding, %u per shader stage\n",
	       d->limits.max_storage_buffer_range / 1048576.0, d->max_storage_buffers_per_stage);
	printf("  memory:              %.1f GiB device-local, %.1f GiB per allocation\n",
	       d->device_local_bytes / 1073741824.0, d->max_memory_allocation / 1073741824.0);
	printf("  compute:             %u invocations, %u KiB shared, groups %u x %u x %u\n",
	       d->max_compute_invocations, d->max_compute_shared_memory / 1024,
	       d->limits.max_compute_workgroup_count[0], d->limits.max_compute_workgroup_count[1],
	       d->limits.max_compute_workgroup_count[2]);
	printf("  external memory:     host %s, dma-buf %s (import %s, export %s), DRM format "
	       "modifiers %s\n",
	       d->external_memory_host ? "yes" : "no", d->external_memory_dma_buf ? "yes" : "no",
	       d->dma_buf_import ? "yes" : "no", d->dma_buf_export ? "yes" : "no",
	       d->drm_format_modifier ? "yes" : "no");
	printf("  features:            16-bit storage %s, float16 %s, int64 %s, timeline "
	       "semaphores %s\n",
	       d->storage_16bit ? "yes" : "no", d->float16 ? "yes" : "no", d->int64 ? "yes" : "no",
	       d->timeline_semaphore ? "yes" : "no");
}

static void print_json_device(struct uhd_json *json, const struct uhd_device_description *d)
{
	char version[32];
	api_version(d->limits.api_version, version, sizeof(version));
	uhd_json_object_begin(json, NULL);
	uhd_json_int(json, "index", d->index);
	uhd_json_string(json, "name", d->limits.name);
	uhd_json_string(json, "type", d->type);
	uhd_json_string(json, "driver", d->limits.driver);
	uhd_json_string(json, "api_version", version);
	uhd_json_int(json, "vendor_id", d->vendor_id);
	uhd_json_int(json, "device_id", d->device_id);
	uhd_json_bool(json, "default", d->default_choice);
	uhd_json_bool(json, "usable", d->usable);
	uhd_json_int(json, "max_image_dimension_2d", d->limits.max_image_dimension_2d);
	uhd_json_int(json, "max_storage_buffer_range", (int64_t)d->limits.max_storage_buffer_range);
	uhd_json_int(json, "max_storage_buffers_per_stage", d->max_storage_buffers_per_stage);
	uhd_json_int(json, "max_memory_allocation", (int64_t)d->max_memory_allocation);
	uhd_json_int(json, "device_local_bytes", (int64_t)d->device_local_bytes);
	uhd_json_int(json, "max_compute_invocations", d->max_compute_invocations);
	uhd_json_int(json, "max_compute_shared_memory", d->max_compute_shared_memory);
	uhd_json_array_begin(json, "max_compute_workgroup_count");
	for (int i = 0; i < 3; i++) {
		uhd_json_int(json, NULL, d->limits.max_compute_workgroup_count[i]);
	}
	uhd_json_array_end(json);
	uhd_json_bool(json, "external_memory_host", d->external_memory_host);
	uhd_json_bool(json, "external_memory_dma_buf", d->external_memory_dma_buf);
	uhd_json_bool(json, "dma_buf_import", d->dma_buf_import);
	uhd_json_bool(json, "dma_buf_export", d->dma_buf_export);
	uhd_json_bool(json, "drm_format_modifier", d->drm_format_modifier);
	uhd_json_bool(json, "storage_16bit", d->storage_16bit);
	uhd_json_bool(json, "float16", d->float16);
	uhd_json_bool(json, "int64", d->int64);
	uhd_json_bool(json, "timeline_semaphore", d->timeline_semaphore);
	uhd_json_object_end(json);
}

/* ---- DRM, text ---- */

/* A list of items after a label, wrapped under the value column. */
struct text_list {
	int column;
	int items;
	const char *separator;
};

static void list_begin(struct text_list *list, const char *indent, const char *label,
                       const char *separator)
{
	list->column = printf("%s%s", indent, label);
	for (; list->column < VALUE_COLUMN; list->column++) {
		putchar(' ');
	}
	list->items = 0;
	list->separator = separator;
}

static void list_item(struct text_list *list, const char *item)
{
	int length = (int)strlen(item);
	if (list->items > 0) {
		int separator = (int)strlen(list->separator);
		if (list->column + separator + length > TEXT_WIDTH) {
			/* The separator's punctuation stays, its spaces become the break. */
			int punctuation = separator;
			while (punctuation > 0 && list->separator[punctuation - 1] == ' ') {
				punctuation--;
			}
			printf("%.*s\n%*s", punctuation, list->separator, VALUE_COLUMN, "");
			list->column = VALUE_COLUMN;
		} else {
			list->column += printf("%s", list->separator);
		}
	}
	list->column += printf("%s", item);
	list->items++;
}

/* Ends one list and starts the next on the same line after text. */
static void list_continue(struct text_list *list, const char *text, const char *separator)
{
	list->column += printf("%s", text);
	list->items = 0;
	list->separator = separator;
}

static void list_end(struct text_list *list)
{
	if (list->items == 0) {
		printf("none");
	}
	putchar('\n');
}

static const char *yes_no(bool value)
{
	return value ? "yes" : "no";
}

/* 59.940 and 60.000 are different modes, so three decimals. */
static void mode_text(const struct uhd_kms_mode *mode, bool show_preferred, char *out, size_t size)
{
	snprintf(out, size, "%ux%u%s@%.3f%s", mode->width, mode->height,
	         mode->interlaced ? "i" : "", mode->refresh_hz,
	         show_preferred && mode->preferred ? " (preferred)" : "");
}

static void print_caps_text(const struct uhd_kms_device *device)
{
	static const char *const labels[UHD_KMS_CAP_COUNT] = {
	        [UHD_KMS_CAP_DUMB_BUFFER] = "dumb buffers",
	        [UHD_KMS_CAP_PRIME] = "PRIME",
	        [UHD_KMS_CAP_TIMESTAMP_MONOTONIC] = "monotonic timestamps",
	        [UHD_KMS_CAP_ADDFB2_MODIFIERS] = "ADDFB2 modifiers",
	        [UHD_KMS_CAP_CRTC_IN_VBLANK_EVENT] = "CRTC in vblank event",
	        [UHD_KMS_CAP_ASYNC_PAGE_FLIP] = "async page flip",
	};
	struct text_list list;
	list_begin(&list, "  ", "caps:", ", ");
	for (int i = 0; i < UHD_KMS_CAP_COUNT; i++) {
		int64_t value = device->caps[i];
		const char *text = value < 0 ? "unknown" : yes_no(value != 0);
		if (i == UHD_KMS_CAP_PRIME && value > 0) {
			text = (value & DRM_PRIME_CAP_IMPORT) && (value & DRM_PRIME_CAP_EXPORT)
			               ? "import+export"
			       : (value & DRM_PRIME_CAP_IMPORT) ? "import"
			                                        : "export";
		}
		char item[64];
		snprintf(item, sizeof(item), "%s %s", labels[i], text);
		list_item(&list, item);
	}
	list_end(&list);
}

static void print_monitor_text(const struct uhd_kms_connector *connector)
{
	printf("    %-*s", VALUE_COLUMN - 4, "monitor:");
	if (!connector->has_edid) {
		printf("none (no EDID)\n");
	} else if (connector->edid_error < 0) {
		printf("unknown (EDID: %s)\n", uhd_edid_error_name(connector->edid_error));
	} else {
		const struct uhd_edid *edid = &connector->edid;
		printf("%s (%s product 0x%04x, EDID %u.%u)\n",
		       edid->monitor_name[0] ? edid->monitor_name : "unnamed", edid->manufacturer,
		       edid->product, edid->version, edid->revision);
	}
}

static void print_hdr_text(const struct uhd_kms_connector *connector)
{
	printf("    %-*sHDR_OUTPUT_METADATA %s, max bpc ", VALUE_COLUMN - 4,
	       "HDR properties:", yes_no(connector->hdr_output_metadata));
	if (connector->has_max_bpc) {
		printf("%" PRIu64 "..%" PRIu64 " (now %" PRIu64 ")", connector->max_bpc_min,
		       connector->max_bpc_max, connector->max_bpc);
	} else {
		printf("no");
	}
	printf(", Colorspace %s\n", connector->has_colorspace ? connector->colorspace : "no");
	if (connector->has_colorspace) {
		struct text_list list;
		list_begin(&list, "    ", "colorspaces:", ", ");
		for (int i = 0; i < connector->colorspace_count; i++) {
			list_item(&list, connector->colorspaces[i]);
		}
		list_end(&list);
	}
}

/* A writeback connector is no display: no monitor and no HDR signalling. */
static void print_connector_text(const struct uhd_kms_connector *connector)
{
	printf("  connector %s (id %u): %s, %ux%u mm\n", connector->name, connector->id,
	       connector->status, connector->width_mm, connector->height_mm);
	if (!connector->writeback) {
		print_monitor_text(connector);
	}
	struct text_list list;
	list_begin(&list, "    ", "modes:", ", ");
	for (int i = 0; i < connector->mode_count; i++) {
		char item[64];
		mode_text(&connector->modes[i], true, item, sizeof(item));
		list_item(&list, item);
	}
	list_end(&list);
	if (!connector->writeback) {
		print_hdr_text(connector);
		return;
	}
	list_begin(&list, "    ", "writeback formats:", " ");
	for (int i = 0; i < connector->writeback_format_count; i++) {
		char name[5];
		uhd_drm_format_name(connector->writeback_formats[i], name);
		list_item(&list, name);
	}
	list_end(&list);
}

static void print_crtc_text(const struct uhd_kms_crtc *crtc)
{
	char mode[64] = "no mode";
	if (crtc->has_mode) {
		mode_text(&crtc->mode, false, mode, sizeof(mode));
	}
	printf("  CRTC %d (id %u): %s, %s, gamma size %u\n", crtc->index, crtc->id,
	       crtc->active ? "active" : "off", mode, crtc->gamma_size);
	printf("    %-*sGAMMA_LUT %s, CTM %s, DEGAMMA_LUT %s, VRR_ENABLED %s\n", VALUE_COLUMN - 4,
	       "properties:", yes_no(crtc->gamma_lut), yes_no(crtc->ctm), yes_no(crtc->degamma_lut),
	       yes_no(crtc->vrr_enabled));
}

static bool same_modifiers(const struct uhd_kms_format *a, const struct uhd_kms_format *b)
{
	return a->modifier_count == b->modifier_count &&
	       (a->modifier_count == 0 ||
	        memcmp(a->modifiers, b->modifiers, sizeof(uint64_t) * (size_t)a->modifier_count) ==
	                0);
}

/* Whether format i has the modifiers of an earlier one, so it was printed in
 * that one's group. */
static bool grouped_earlier(const struct uhd_kms_plane *plane, int i)
{
	for (int j = 0; j < i; j++) {
		if (same_modifiers(&plane->formats[j], &plane->formats[i])) {
			return true;
		}
	}
	return false;
}

/* Formats that share a modifier list share a line ("XR24 AR24: LINEAR, ..."):
 * drivers with many formats and tiled modifiers stay readable. */
static void print_format_group(const struct uhd_kms_plane *plane, int first)
{
	const struct uhd_kms_format *format = &plane->formats[first];
	struct text_list list;
	list_begin(&list, "    ", first == 0 ? "formats:" : "", " ");
	for (int i = first; i < plane->format_count; i++) {
		if (same_modifiers(format, &plane->formats[i])) {
			char name[5];
			uhd_drm_format_name(plane->formats[i].fourcc, name);
			list_item(&list, name);
		}
	}
	list_continue(&list, ": ", ", ");
	if (!plane->has_in_formats) {
		list_item(&list, "implicit modifier (no IN_FORMATS)");
	}
	for (int m = 0; m < format->modifier_count; m++) {
		char name[64];
		uhd_kms_modifier_name(format->modifiers[m], name, sizeof(name));
		list_item(&list, name);
	}
	list_end(&list);
}

static void print_plane_text(const struct uhd_kms_plane *plane)
{
	printf("  plane %u: %s, CRTCs", plane->id, plane->type);
	for (int i = 0; i < 32; i++) {
		if (plane->possible_crtcs & (1u << i)) {
			printf(" %d", i);
		}
	}
	printf("%s\n", plane->possible_crtcs ? "" : " none");
	if (plane->format_count == 0) {
		printf("    %-*snone\n", VALUE_COLUMN - 4, "formats:");
	}
	for (int i = 0; i < plane->format_count; i++) {
		if (!grouped_earlier(plane, i)) {
			print_format_group(plane, i);
		}
	}
}

/* The --scanout paths -o kms can take with this DRM device and the default
 * Vulkan device (NULL: none), and why each zero-copy direction is not one. */
struct scanout_paths {
	bool dumb_to_vulkan, vulkan_to_kms, gpu;
	const char *why_dumb, *why_vk;
	char why[256]; /* both reasons, when neither direction is offered */
};

static const char *direction_missing(const struct uhd_kms_device *device,
                                     const struct uhd_device_description *vk, bool export)
{
	int64_t prime = device->caps[UHD_KMS_CAP_PRIME];
	if (!vk) {
		return "no Vulkan device";
	}
	if (export) {
		return !vk->dma_buf_export ? "the Vulkan device cannot export DMA-BUFs"
		       : prime < 0 || !(prime & DRM_PRIME_CAP_IMPORT)
		               ? "the DRM device cannot import DMA-BUFs (PRIME)"
		               : NULL;
	}
	return !vk->dma_buf_import ? "the Vulkan device cannot import DMA-BUFs"
	       : prime < 0 || !(prime & DRM_PRIME_CAP_EXPORT)
	               ? "the DRM device cannot export its dumb buffers (PRIME)"
	               : NULL;
}

static struct scanout_paths scanout_paths(const struct uhd_kms_device *device,
                                          const struct uhd_device_description *vk)
{
	struct scanout_paths p = {.gpu = vk != NULL};
	p.why_dumb = direction_missing(device, vk, false);
	p.why_vk = direction_missing(device, vk, true);
	p.dumb_to_vulkan = !p.why_dumb;
	p.vulkan_to_kms = !p.why_vk;
	if (p.why_dumb && p.why_vk) {
		snprintf(p.why, sizeof(p.why), "%s", p.why_dumb);
		if (strcmp(p.why_dumb, p.why_vk) != 0) {
			snprintf(p.why, sizeof(p.why),
			         "dumb buffers to Vulkan: %s; Vulkan memory to "
			         "KMS: %s",
			         p.why_dumb, p.why_vk);
		}
	}
	return p;
}

static void print_scanout_paths_text(const struct uhd_kms_device *device,
                                     const struct uhd_device_description *vk)
{
	struct scanout_paths p = scanout_paths(device, vk);
	printf("  %-*s%s%s%scpu-pack-to-dumb", VALUE_COLUMN - 2,
	       "scanout paths:", p.dumb_to_vulkan ? "zero-copy-dumb-to-vulkan, " : "",
	       p.vulkan_to_kms ? "zero-copy-vulkan-to-kms, " : "",
	       p.gpu ? "gpu-pack-to-dumb, " : "");
	if (p.why[0]) {
		printf(" (no zero-copy: %s)", p.why);
	} else if (p.why_dumb || p.why_vk) {
		printf(" (no %s: %s)",
		       p.why_dumb ? "zero-copy-dumb-to-vulkan" : "zero-copy-vulkan-to-kms",
		       p.why_dumb ? p.why_dumb : p.why_vk);
	}
	printf("\n");
}

static void print_drm_device_text(const struct uhd_kms_device *device,
                                  const struct uhd_device_description *vk)
{
	if (device->error < 0) {
		printf("DRM device %s: %s\n", device->path, uhd_kms_error_text(device->error));
		return;
	}
	printf("DRM device %s: %s %s (%s)\n", device->path, device->driver, device->driver_version,
	       device->driver_description);
	print_caps_text(device);
	print_scanout_paths_text(device, vk);
	printf("  %-*s%s\n", VALUE_COLUMN - 2, "writeback:",
	       device->writeback ? "writeback connectors enabled"
	                         : "no writeback connectors offered");
	printf("  %-*s%ux%u to %ux%u\n", VALUE_COLUMN - 2, "framebuffer size:", device->min_width,
	       device->min_height, device->max_width, device->max_height);
	for (int i = 0; i < device->connector_count; i++) {
		print_connector_text(&device->connectors[i]);
	}
	for (int i = 0; i < device->crtc_count; i++) {
		print_crtc_text(&device->crtcs[i]);
	}
	for (int i = 0; i < device->plane_count; i++) {
		print_plane_text(&device->planes[i]);
	}
}

static void print_drm_text(const struct uhd_kms_probe *drm, const struct uhd_device_description *vk)
{
	if (drm->device_count == 0) {
		printf("DRM: %s\n", no_drm_text);
	}
	for (int i = 0; i < drm->device_count; i++) {
		print_drm_device_text(&drm->devices[i], vk);
	}
}

/* ---- DRM, JSON ---- */

static void json_mode(struct uhd_json *json, const char *key, const struct uhd_kms_mode *mode)
{
	uhd_json_object_begin(json, key);
	uhd_json_string(json, "name", mode->name);
	uhd_json_int(json, "width", mode->width);
	uhd_json_int(json, "height", mode->height);
	uhd_json_double(json, "refresh_hz", mode->refresh_hz);
	uhd_json_int(json, "clock_khz", mode->clock_khz);
	uhd_json_int(json, "htotal", mode->htotal);
	uhd_json_int(json, "vtotal", mode->vtotal);
	uhd_json_bool(json, "interlaced", mode->interlaced);
	uhd_json_bool(json, "preferred", mode->preferred);
	uhd_json_object_end(json);
}

static void json_fourccs(struct uhd_json *json, const char *key, const uint32_t *formats, int count)
{
	uhd_json_array_begin(json, key);
	for (int i = 0; i < count; i++) {
		char name[5];
		uhd_drm_format_name(formats[i], name);
		uhd_json_string(json, NULL, name);
	}
	uhd_json_array_end(json);
}

static void json_edid(struct uhd_json *json, const struct uhd_kms_connector *connector)
{
	if (!connector->has_edid) {
		uhd_json_null(json, "edid");
		return;
	}
	uhd_json_object_begin(json, "edid");
	if (connector->edid_error < 0) {
		uhd_json_string(json, "error", uhd_edid_error_name(connector->edid_error));
	} else {
		uhd_json_string(json, "manufacturer", connector->edid.manufacturer);
		uhd_json_int(json, "product", connector->edid.product);
		char version[16];
		snprintf(version, sizeof(version), "%u.%u", connector->edid.version,
		         connector->edid.revision);
		uhd_json_string(json, "version", version);
		if (connector->edid.monitor_name[0]) {
			uhd_json_string(json, "monitor_name", connector->edid.monitor_name);
		} else {
			uhd_json_null(json, "monitor_name");
		}
	}
	uhd_json_object_end(json);
}

static void json_hdr_properties(struct uhd_json *json, const struct uhd_kms_connector *connector)
{
	uhd_json_bool(json, "hdr_output_metadata", connector->hdr_output_metadata);
	if (connector->has_colorspace) {
		uhd_json_object_begin(json, "colorspace");
		uhd_json_string(json, "value", connector->colorspace);
		uhd_json_array_begin(json, "values");
		for (int i = 0; i < connector->colorspace_count; i++) {
			uhd_json_string(json, NULL, connector->colorspaces[i]);
		}
		uhd_json_array_end(json);
		uhd_json_object_end(json);
	} else {
		uhd_json_null(json, "colorspace");
	}
	if (connector->has_max_bpc) {
		uhd_json_object_begin(json, "max_bpc");
		uhd_json_int(json, "value", (int64_t)connector->max_bpc);
		uhd_json_int(json, "min", (int64_t)connector->max_bpc_min);
		uhd_json_int(json, "max", (int64_t)connector->max_bpc_max);
		uhd_json_object_end(json);
	} else {
		uhd_json_null(json, "max_bpc");
	}
}

static void json_connector(struct uhd_json *json, const struct uhd_kms_connector *connector)
{
	uhd_json_object_begin(json, NULL);
	uhd_json_string(json, "name", connector->name);
	uhd_json_int(json, "id", connector->id);
	uhd_json_string(json, "status", connector->status);
	uhd_json_bool(json, "writeback", connector->writeback);
	uhd_json_array_begin(json, "modes");
	for (int i = 0; i < connector->mode_count; i++) {
		json_mode(json, NULL, &connector->modes[i]);
	}
	uhd_json_array_end(json);
	json_edid(json, connector);
	uhd_json_int(json, "width_mm", connector->width_mm);
	uhd_json_int(json, "height_mm", connector->height_mm);
	json_hdr_properties(json, connector);
	if (connector->writeback) {
		json_fourccs(json, "writeback_pixel_formats", connector->writeback_formats,
		             connector->writeback_format_count);
	}
	uhd_json_object_end(json);
}

static void json_crtc(struct uhd_json *json, const struct uhd_kms_crtc *crtc)
{
	uhd_json_object_begin(json, NULL);
	uhd_json_int(json, "id", crtc->id);
	uhd_json_int(json, "index", crtc->index);
	uhd_json_bool(json, "active", crtc->active);
	if (crtc->has_mode) {
		json_mode(json, "mode", &crtc->mode);
	} else {
		uhd_json_null(json, "mode");
	}
	uhd_json_int(json, "gamma_size", crtc->gamma_size);
	uhd_json_bool(json, "gamma_lut", crtc->gamma_lut);
	uhd_json_bool(json, "ctm", crtc->ctm);
	uhd_json_bool(json, "degamma_lut", crtc->degamma_lut);
	uhd_json_bool(json, "vrr_enabled", crtc->vrr_enabled);
	uhd_json_object_end(json);
}

static void json_plane(struct uhd_json *json, const struct uhd_kms_plane *plane)
{
	uhd_json_object_begin(json, NULL);
	uhd_json_int(json, "id", plane->id);
	uhd_json_string(json, "type", plane->type);
	uhd_json_array_begin(json, "possible_crtcs");
	for (int i = 0; i < 32; i++) {
		if (plane->possible_crtcs & (1u << i)) {
			uhd_json_int(json, NULL, i);
		}
	}
	uhd_json_array_end(json);
	uhd_json_bool(json, "in_formats", plane->has_in_formats);
	uhd_json_array_begin(json, "formats");
	for (int i = 0; i < plane->format_count; i++) {
		const struct uhd_kms_format *format = &plane->formats[i];
		char name[5];
		uhd_drm_format_name(format->fourcc, name);
		uhd_json_object_begin(json, NULL);
		uhd_json_string(json, "fourcc", name);
		uhd_json_array_begin(json, "modifiers");
		for (int m = 0; m < format->modifier_count; m++) {
			char modifier[64];
			uhd_kms_modifier_name(format->modifiers[m], modifier, sizeof(modifier));
			uhd_json_string(json, NULL, modifier);
		}
		uhd_json_array_end(json);
		uhd_json_object_end(json);
	}
	uhd_json_array_end(json);
	uhd_json_object_end(json);
}

static void json_caps(struct uhd_json *json, const struct uhd_kms_device *device)
{
	uhd_json_object_begin(json, "caps");
	for (int i = 0; i < UHD_KMS_CAP_COUNT; i++) {
		if (device->caps[i] < 0) {
			uhd_json_null(json, uhd_kms_cap_name(i));
		} else {
			uhd_json_int(json, uhd_kms_cap_name(i), device->caps[i]);
		}
	}
	uhd_json_object_end(json);
}

static void json_drm_device(struct uhd_json *json, const struct uhd_kms_device *device,
                            const struct uhd_device_description *vk)
{
	uhd_json_object_begin(json, NULL);
	uhd_json_string(json, "path", device->path);
	if (device->error < 0) {
		uhd_json_string(json, "error", uhd_kms_error_text(device->error));
		uhd_json_object_end(json);
		return;
	}
	uhd_json_string(json, "driver", device->driver);
	uhd_json_string(json, "driver_version", device->driver_version);
	uhd_json_string(json, "driver_description", device->driver_description);
	json_caps(json, device);
	struct scanout_paths paths = scanout_paths(device, vk);
	uhd_json_array_begin(json, "scanout_paths");
	paths.dumb_to_vulkan ? uhd_json_string(json, NULL, "zero-copy-dumb-to-vulkan") : (void)0;
	paths.vulkan_to_kms ? uhd_json_string(json, NULL, "zero-copy-vulkan-to-kms") : (void)0;
	paths.gpu ? uhd_json_string(json, NULL, "gpu-pack-to-dumb") : (void)0;
	uhd_json_string(json, NULL, "cpu-pack-to-dumb");
	uhd_json_array_end(json);
	paths.why[0] ? uhd_json_string(json, "no_zero_copy_because", paths.why)
	             : uhd_json_null(json, "no_zero_copy_because");
	uhd_json_object_begin(json, "zero_copy_refused");
	paths.why_dumb ? uhd_json_string(json, "zero-copy-dumb-to-vulkan", paths.why_dumb)
	               : (void)0;
	paths.why_vk ? uhd_json_string(json, "zero-copy-vulkan-to-kms", paths.why_vk) : (void)0;
	uhd_json_object_end(json);
	uhd_json_bool(json, "writeback_connectors", device->writeback);
	uhd_json_int(json, "min_width", device->min_width);
	uhd_json_int(json, "min_height", device->min_height);
	uhd_json_int(json, "max_width", device->max_width);
	uhd_json_int(json, "max_height", device->max_height);
	uhd_json_array_begin(json, "connectors");
	for (int i = 0; i < device->connector_count; i++) {
		json_connector(json, &device->connectors[i]);
	}
	uhd_json_array_end(json);
	uhd_json_array_begin(json, "crtcs");
	for (int i = 0; i < device->crtc_count; i++) {
		json_crtc(json, &device->crtcs[i]);
	}
	uhd_json_array_end(json);
	uhd_json_array_begin(json, "planes");
	for (int i = 0; i < device->plane_count; i++) {
		json_plane(json, &device->planes[i]);
	}
	uhd_json_array_end(json);
	uhd_json_object_end(json);
}

static void print_drm_json(struct uhd_json *json, const struct uhd_kms_probe *drm,
                           const struct uhd_device_description *vk)
{
	uhd_json_object_begin(json, "drm");
	uhd_json_array_begin(json, "devices");
	for (int i = 0; i < drm->device_count; i++) {
		json_drm_device(json, &drm->devices[i], vk);
	}
	uhd_json_array_end(json);
	if (drm->device_count == 0) {
		uhd_json_string(json, "error", "no DRM device");
	}
	uhd_json_object_end(json);
}

/* ---- the command ---- */

/* The device -o kms packs with when --device is not given; NULL if none. */
static const struct uhd_device_description *
default_device(const struct uhd_device_description *devices, int count)
{
	for (int i = 0; i < count; i++) {
		if (devices[i].default_choice) {
			return &devices[i];
		}
	}
	return NULL;
}

static void print_json(const struct uhd_device_description *devices, int count,
                       const struct uhd_kms_probe *drm)
{
	struct uhd_json json;
	uhd_json_init(&json, stdout, true);
	uhd_json_object_begin(&json, NULL);
	uhd_json_header(&json, "uhdpipe probe");
	uhd_json_array_begin(&json, "vulkan_devices");
	for (int i = 0; i < count; i++) {
		print_json_device(&json, &devices[i]);
	}
	uhd_json_array_end(&json);
	print_drm_json(&json, drm, default_device(devices, count));
	uhd_json_object_end(&json);
}

int uhd_cli_probe(int argc, char **argv)
{
	bool as_json = false;
	int parsed = uhd_cli_parse_json_flag("probe", probe_help, argc, argv, &as_json);
	if (parsed != 0) {
		return parsed < 0 ? UHD_EXIT_OK : parsed;
	}
	if (optind != argc) {
		return uhd_cli_usage_error("probe", "takes no INPUT");
	}
	struct uhd_device_description *devices = NULL;
	int count = 0;
	if (uhd_probe_devices(&devices, &count) < 0) {
		return UHD_EXIT_GPU;
	}
	/* Both halves are read before anything is printed, so JSON is never cut. */
	struct uhd_kms_probe drm;
	if (uhd_kms_probe(NULL, &drm) < 0) {
		uhd_kms_probe_finish(&drm);
		free(devices);
		return UHD_EXIT_GPU;
	}
	if (as_json) {
		print_json(devices, count, &drm);
	} else {
		for (int i = 0; i < count; i++) {
			print_text(&devices[i]);
		}
		if (count == 0) {
			printf("no Vulkan device\n");
		}
		print_drm_text(&drm, default_device(devices, count));
	}
	uhd_kms_probe_finish(&drm);
	free(devices);
	return UHD_EXIT_OK;
}
