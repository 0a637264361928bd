/* SPDX-License-Identifier: MIT */
/*
 * uhdpipe: the Vulkan context (instance, device, compute queue) every GPU
 * stage runs on.
 *
 * Thread-safety: a context may be shared by objects used on different
 * threads; its queue is guarded internally.
 */
#ifndef UHDPIPE_CONTEXT_H
#define UHDPIPE_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

struct uhd_context;

struct uhd_context_params {
	/* Device by index ("0") or by a case-insensitive substring of its name
	 * ("llvmpipe"); NULL or "" picks the first discrete GPU, else the first
	 * integrated, else any device (default NULL). */
	const char *device;
	/* Enable VK_LAYER_KHRONOS_validation and count every message it sends
	 * (default false; also enabled by the environment UHD_VK_VALIDATION=1). */
	bool validation;
};

#define UHD_CONTEXT_DEFAULTS ((struct uhd_context_params){.device = NULL, .validation = false})

struct uhd_device_limits {
	char name[256];
	char driver[256];
	uint32_t api_version;
	uint32_t max_image_dimension_2d;
	uint64_t max_storage_buffer_range;
	uint32_t max_compute_workgroup_count[3];
	/* A CPU implementation (lavapipe, SwiftShader): its "GPU" work runs on
	 * the same cores as decoding. */
	bool cpu;
};

/* What `uhdpipe probe` reports about one Vulkan device. */
struct uhd_device_description {
	int index;           /* as --device INDEX counts */
	bool default_choice; /* the device picked when --device is not given */
	bool usable;         /* has a compute queue and the limits uhdpipe needs */
	const char *type;    /* "discrete", "integrated", "virtual", "cpu", "other" */
	uint32_t vendor_id, device_id;
	uint64_t max_memory_allocation; /* VkPhysicalDeviceMaintenance3Properties */
	uint64_t device_local_bytes;    /* sum of device-local heaps */
	uint32_t max_compute_invocations;
	uint32_t max_compute_shared_memory;
	uint32_t max_storage_buffers_per_stage;
	bool external_memory_host;    /* VK_EXT_external_memory_host */
	bool external_memory_dma_buf; /* VK_EXT_external_memory_dma_buf */
	/* Storage buffers on DMA-BUFs: imported (made elsewhere, e.g. KMS dumb
	 * buffers) and exported (the device's own memory, for a display to import);
	 * false where UHD_DMABUF_IMPORT=0 / UHD_DMABUF_EXPORT=0 turn them off. */
	bool dma_buf_import, dma_buf_export;
	bool drm_format_modifier; /* VK_EXT_image_drm_format_modifier */
	bool storage_16bit;       /* storageBuffer16BitAccess */
	bool float16;             /* shaderFloat16 */
	bool int64;               /* shaderInt64 */
	bool timeline_semaphore;
	struct uhd_device_limits limits;
};

/* Lists every Vulkan device without creating one. *out is an array of *count
 * entries; free it with free(). Errors: -ENODEV no Vulkan loader or driver. */
UHD_API int uhd_probe_devices(struct uhd_device_description **out, int *count);

/* Errors: -ENODEV no Vulkan loader/driver/device or no device matches. */
UHD_API int uhd_context_create(const struct uhd_context_params *params, struct uhd_context **out);
UHD_API void uhd_context_destroy(struct uhd_context **context);
UHD_API const struct uhd_device_limits *uhd_context_limits(const struct uhd_context *context);
/* Number of validation-layer messages so far (0 when validation is off). */
UHD_API unsigned uhd_context_validation_messages(const struct uhd_context *context);
/* Messages of every context of the process so far, counting those sent while a
 * context is destroyed (such as Vulkan objects left alive): check it after
 * uhd_context_destroy() to catch leaks. */
UHD_API unsigned uhd_validation_messages_total(void);
/* Vulkan objects created by uhdpipe and not yet destroyed, over every context of
 * the process (instances, devices, buffers, memory, pipelines and their layouts,
 * pools, fences; descriptor sets and command buffers go with their pools and are
 * not counted). A diagnostic for leak checks: 0 once every uhdpipe object and
 * context has been destroyed, and the same between runs of a long-lived process.
 * Thread-safe. */
UHD_API long uhd_vulkan_objects_live(void);

#ifdef __cplusplus
}
#endif

#endif
