/* `uhdpipe probe [--json]`: the Vulkan devices uhdpipe can run on. */
#include <stdio.h>
#include <stdlib.h>

#include "../report/json.h"
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
        "  --json     print one JSON object instead of text\n"
        "  -h, --help this text\n";

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
	printf("  external memory:     host %s, dma-buf %s, DRM format modifiers %s\n",
	       d->external_memory_host ? "yes" : "no", d->external_memory_dma_buf ? "yes" : "no",
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
	uhd_json_bool(json, "drm_format_modifier", d->drm_format_modifier);
	uhd_json_bool(json, "storage_16bit", d->storage_16bit);
	uhd_json_bool(json, "float16", d->float16);
	uhd_json_bool(json, "int64", d->int64);
	uhd_json_bool(json, "timeline_semaphore", d->timeline_semaphore);
	uhd_json_object_end(json);
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
	struct uhd_json json;
	uhd_json_init(&json, stdout, true);
	if (as_json) {
		uhd_json_object_begin(&json, NULL);
		uhd_json_array_begin(&json, "vulkan_devices");
	}
	for (int i = 0; i < count; i++) {
		if (as_json) {
			print_json_device(&json, &devices[i]);
		} else {
			print_text(&devices[i]);
		}
	}
	if (as_json) {
		uhd_json_array_end(&json);
		uhd_json_object_end(&json);
	} else if (count == 0) {
		printf("no Vulkan device\n");
	}
	free(devices);
	return UHD_EXIT_OK;
}
