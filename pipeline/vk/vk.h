/* SPDX-License-Identifier: MIT */
/* Internal Vulkan layer: the context, checked calls, buffers and compute pipelines. */
#ifndef UHD_INTERNAL_VK_H
#define UHD_INTERNAL_VK_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vulkan/vulkan.h>

#include "uhdpipe/context.h"

struct uhd_context {
	VkInstance instance;
	VkDebugUtilsMessengerEXT messenger;
	VkPhysicalDevice physical;
	VkDevice device;
	VkQueue queue;
	uint32_t queue_family;
	pthread_mutex_t queue_lock;
	VkPhysicalDeviceMemoryProperties memory;
	VkPhysicalDeviceLimits vk_limits;
	struct uhd_device_limits limits;
	unsigned validation_messages; /* atomically incremented by the messenger */
	/* VK_EXT_external_memory_host, enabled where offered (UHD_HOST_IMPORT=0 turns it off). */
	bool host_import;
	VkDeviceSize host_import_align; /* minImportedHostPointerAlignment */
	PFN_vkGetMemoryHostPointerPropertiesEXT get_host_pointer_properties;
	/* VK_EXT_external_memory_dma_buf (+ VK_KHR_external_memory_fd), enabled where
	 * offered (UHD_DMABUF_IMPORT=0 turns it off); why not, when it is not. */
	bool dmabuf_import;
	char dmabuf_missing[96];
	PFN_vkGetMemoryFdPropertiesKHR get_memory_fd_properties;
	/* The other direction: storage buffers whose memory is exported as DMA-BUFs
	 * (UHD_DMABUF_EXPORT=0 turns it off); why not, when it is not. */
	bool dmabuf_export;
	char dmabuf_export_missing[96];
	PFN_vkGetMemoryFdKHR get_memory_fd;
};

const char *uhd_vk_result_name(VkResult result);

/* Adds delta to the process-wide count of live Vulkan objects that
 * uhd_vulkan_objects_live() reports: +1 after each successful vkCreate* or
 * vkAllocateMemory, -1 beside the matching vkDestroy* or vkFreeMemory. Sets and
 * command buffers die with their pools, so only the pools are counted. */
void uhd_vk_count_object(int delta);

#define UHD_VK_MAX_DEVICES 16

/* Device selection shared by the context and `probe`: by index, by a part of the
 * name, or (wanted NULL/"") the best type with a compute queue. -1 if none. */
int uhd_vk_choose_device(const VkPhysicalDevice *devices, uint32_t count, const char *wanted);
bool uhd_vk_find_compute_queue(VkPhysicalDevice device, uint32_t *family);
void uhd_vk_describe_limits(VkPhysicalDevice device, struct uhd_device_limits *limits);

/* Logs the failed call with its VkResult, file and line, then jumps to the
 * label `fail` with `ret` set to the errno-style code. */
#define VK_CHECK(call)                                                                             \
	do {                                                                                       \
		VkResult vk_check_result_ = (call);                                                \
		if (vk_check_result_ != VK_SUCCESS) {                                              \
			ret = uhd_vk_report(vk_check_result_, #call, __FILE__, __LINE__);          \
			goto fail;                                                                 \
		}                                                                                  \
	} while (0)

int uhd_vk_report(VkResult result, const char *call, const char *file, int line);

/* A buffer with its own memory, persistently mapped (host-visible). */
struct uhd_vk_buffer {
	VkBuffer buffer;
	VkDeviceMemory memory;
	VkDeviceSize size;
	void *mapped;
};

enum uhd_vk_buffer_use {
	UHD_VK_BUFFER_UPLOAD,   /* CPU writes, GPU reads */
	UHD_VK_BUFFER_READBACK, /* GPU writes, CPU reads: prefer cached memory */
	UHD_VK_BUFFER_DEVICE,   /* GPU only: prefer device-local */
};

int uhd_vk_buffer_create(struct uhd_context *ctx, VkDeviceSize size, enum uhd_vk_buffer_use use,
                         const char *what, struct uhd_vk_buffer *out);
/* Whether the device offers the device extension `name` (probe.c). */
bool uhd_vk_has_extension(VkPhysicalDevice device, const char *name);
/* Whether the device can import host memory for texel and storage buffers, and
 * the alignment of pointer and size it needs (import.c). */
bool uhd_vk_host_import_supported(VkPhysicalDevice device, VkDeviceSize *alignment);
/* Whether the device imports memory of this handle type for buffers of this
 * usage (import.c). */
bool uhd_vk_buffer_importable(VkPhysicalDevice device, VkBufferUsageFlags usage,
                              VkExternalMemoryHandleTypeFlagBits handle);
/* Whether the device exports memory of this handle type for buffers of this usage. */
bool uhd_vk_buffer_exportable(VkPhysicalDevice device, VkBufferUsageFlags usage,
                              VkExternalMemoryHandleTypeFlagBits handle);
/* A buffer (no memory yet) that memory of this handle type can be imported
 * into, with its requirements; out->buffer is counted as any created object. */
int uhd_vk_external_buffer_create(struct uhd_context *ctx, VkDeviceSize size,
                                  VkBufferUsageFlags usage,
                                  VkExternalMemoryHandleTypeFlagBits handle,
                                  struct uhd_vk_buffer *out, VkMemoryRequirements *req);
/* Wraps [host, host + size) as a buffer without copying; both aligned to
 * ctx->host_import_align. The memory must outlive the buffer. -ENOTSUP when
 * the device cannot (the caller copies instead). Not mapped: out->mapped is NULL. */
int uhd_vk_buffer_import(struct uhd_context *ctx, void *host, VkDeviceSize size,
                         struct uhd_vk_buffer *out);

/* Whether the device can import DMA-BUFs as storage buffers; why not in why
 * (dmabuf.c). */
bool uhd_vk_dmabuf_import_supported(VkPhysicalDevice device, char *why, size_t why_size);
/* A storage buffer of size bytes over the DMA-BUF fd (which the caller keeps:
 * Vulkan gets a duplicate), for the GPU to write in place; not mapped.
 * -ENOTSUP when the context has no DMA-BUF import or the driver refuses it. */
int uhd_vk_buffer_import_dmabuf(struct uhd_context *ctx, int fd, VkDeviceSize size,
                                struct uhd_vk_buffer *out);
/* Whether the device can export storage buffers' memory as DMA-BUFs; why not in why. */
bool uhd_vk_dmabuf_export_supported(VkPhysicalDevice device, char *why, size_t why_size);
/* A storage buffer of size bytes on memory of its own, exported: *fd is a new
 * DMA-BUF descriptor of it (the caller closes it). Mapped (out->mapped) when
 * the memory type the export allows is host-visible and coherent, else NULL.
 * -ENOTSUP when the context has no DMA-BUF export or the driver refuses it. */
int uhd_vk_buffer_export_dmabuf(struct uhd_context *ctx, VkDeviceSize size,
                                struct uhd_vk_buffer *out, int *fd);
void uhd_vk_buffer_destroy(struct uhd_context *ctx, struct uhd_vk_buffer *buffer);
/* For non-coherent memory: makes CPU writes visible / GPU writes readable. */
int uhd_vk_buffer_flush(struct uhd_context *ctx, struct uhd_vk_buffer *buffer);
int uhd_vk_buffer_invalidate(struct uhd_context *ctx, struct uhd_vk_buffer *buffer);

#define UHD_VK_MAX_BINDINGS 12

/* A compute pipeline with one descriptor set layout: storage buffers, or for
 * read-only inputs uniform texel buffers. Texel fetches go through a driver's
 * texture path, which CPU implementations vectorise (gathers); their storage
 * loads with per-invocation addresses become one scalar load per lane. */
struct uhd_vk_compute {
	VkShaderModule module;
	VkDescriptorSetLayout set_layout;
	VkPipelineLayout layout;
	VkPipeline pipeline;
	uint32_t binding_count;
	VkDescriptorType types[UHD_VK_MAX_BINDINGS];
};

struct uhd_vk_spec {
	uint32_t count;
	const uint32_t *values; /* constant_id 0..count-1, 32-bit each */
};

int uhd_vk_compute_create(struct uhd_context *ctx, const uint32_t *spirv, size_t spirv_size,
                          uint32_t binding_count, uint32_t push_size,
                          const struct uhd_vk_spec *spec, struct uhd_vk_compute *out);
/* The same with the type of each binding (binding_count entries). */
int uhd_vk_compute_create_typed(struct uhd_context *ctx, const uint32_t *spirv, size_t spirv_size,
                                const VkDescriptorType *types, uint32_t binding_count,
                                uint32_t push_size, const struct uhd_vk_spec *spec,
                                struct uhd_vk_compute *out);
void uhd_vk_compute_destroy(struct uhd_context *ctx, struct uhd_vk_compute *compute);

/* One binding's resource: a buffer range, or a view for texel-buffer bindings. */
struct uhd_vk_binding {
	VkDescriptorBufferInfo buffer;
	VkBufferView view;
};
/* Writes bindings 0..compute->binding_count-1 of set, each of its layout type. */
void uhd_vk_write_bindings(struct uhd_context *ctx, const struct uhd_vk_compute *compute,
                           VkDescriptorSet set, const struct uhd_vk_binding *bindings);
/* A view of the whole buffer as texels of format (size: bytes per texel), for a
 * uniform texel-buffer binding; -ERANGE when the buffer holds more texels than
 * the device's maxTexelBufferElements. */
int uhd_vk_view_create(struct uhd_context *ctx, const struct uhd_vk_buffer *buffer, VkFormat format,
                       uint32_t texel_bytes, VkBufferView *out);
/* The same for `range` bytes from `offset` (a multiple of the device's
 * minTexelBufferOffsetAlignment). */
int uhd_vk_view_create_range(struct uhd_context *ctx, const struct uhd_vk_buffer *buffer,
                             VkDeviceSize offset, VkDeviceSize range, VkFormat format,
                             uint32_t texel_bytes, VkBufferView *out);
void uhd_vk_view_destroy(struct uhd_context *ctx, VkBufferView *view);

/* A storage-buffer descriptor of the whole buffer. */
VkDescriptorBufferInfo uhd_vk_whole(const struct uhd_vk_buffer *buffer);
/* Writes storage-buffer descriptors 0..count-1 of set (count <= UHD_VK_MAX_BINDINGS). */
void uhd_vk_write_set(struct uhd_context *ctx, VkDescriptorSet set,
                      const VkDescriptorBufferInfo *infos, uint32_t count);
/* A global memory barrier between pipeline stages (compute to compute or host). */
void uhd_vk_barrier(VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkAccessFlags src,
                    VkPipelineStageFlags dst_stage, VkAccessFlags dst);

/* One primary command buffer in a pool of its own, and an unsignalled fence. */
int uhd_vk_commands_create(struct uhd_context *ctx, VkCommandPoolCreateFlags flags,
                           VkCommandPool *pool, VkCommandBuffer *commands, VkFence *fence);
/* Submits commands and waits for them on fence. */
int uhd_vk_submit_wait(struct uhd_context *ctx, VkCommandBuffer commands, VkFence fence);

/* Queue submission guarded by the context's queue lock. */
VkResult uhd_vk_submit(struct uhd_context *ctx, const VkSubmitInfo *submit, VkFence fence);

#endif
