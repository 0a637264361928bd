/* SPDX-License-Identifier: MIT */
/*
 * DMA-BUFs seen by the GPU (VK_EXT_external_memory_dma_buf on top of
 * VK_KHR_external_memory_fd), both ways: memory that another device or driver
 * made, such as a KMS dumb buffer exported with PRIME, becomes a Vulkan storage
 * buffer that shaders write in place; or the Vulkan driver allocates the
 * memory and exports it for a KMS device to import as a framebuffer. Buffers
 * only (linear rows at a pitch the caller chose): no image or DRM format
 * modifier is involved, so a device without VK_EXT_image_drm_format_modifier
 * does both.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/fault.h"
#include "../common/log.h"
#include "vk.h"

#define DMABUF_HANDLE VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT
#define DMABUF_USAGE  VK_BUFFER_USAGE_STORAGE_BUFFER_BIT

/* Why DMA-BUFs cannot go this way (the variable named turns it off); NULL if they can. */
static const char *missing_support(VkPhysicalDevice device, const char *variable, bool export)
{
	const char *env = getenv(variable);
	if (env && strcmp(env, "0") == 0) {
		return export ? "UHD_DMABUF_EXPORT=0 turns it off"
		              : "UHD_DMABUF_IMPORT=0 turns it off";
	}
	if (!uhd_vk_has_extension(device, VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME)) {
		return "the Vulkan device lacks VK_KHR_external_memory_fd";
	}
	if (!uhd_vk_has_extension(device, VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME)) {
		return "the Vulkan device lacks VK_EXT_external_memory_dma_buf";
	}
	if (export && !uhd_vk_buffer_exportable(device, DMABUF_USAGE, DMABUF_HANDLE)) {
		return "the Vulkan device cannot export storage buffers' memory as DMA-BUFs";
	}
	if (!export && !uhd_vk_buffer_importable(device, DMABUF_USAGE, DMABUF_HANDLE)) {
		return "the Vulkan device cannot import DMA-BUFs as storage buffers";
	}
	return NULL;
}

bool uhd_vk_dmabuf_export_supported(VkPhysicalDevice device, char *why, size_t why_size)
{
	const char *missing = missing_support(device, "UHD_DMABUF_EXPORT", true);
	if (why && why_size) {
		snprintf(why, why_size, "%s", missing ? missing : "");
	}
	return missing == NULL;
}

bool uhd_vk_dmabuf_import_supported(VkPhysicalDevice device, char *why, size_t why_size)
{
	const char *missing = missing_support(device, "UHD_DMABUF_IMPORT", false);
	if (why && why_size) {
		snprintf(why, why_size, "%s", missing ? missing : "");
	}
	return missing == NULL;
}

/* The first type the DMA-BUF and the buffer both allow; -1 if none. */
static int first_type(uint32_t allowed)
{
	for (int i = 0; i < 32; i++) {
		if (allowed & (1u << i)) {
			return i;
		}
	}
	return -1;
}

/* Takes ownership of fd on success (Vulkan then owns it), never on failure. */
static int import_memory(struct uhd_context *ctx, int fd, const VkMemoryRequirements *req,
                         VkDeviceSize size, struct uhd_vk_buffer *out)
{
	int ret = 0;
	VkMemoryFdPropertiesKHR fd_props = {.sType = VK_STRUCTURE_TYPE_MEMORY_FD_PROPERTIES_KHR};
	VK_CHECK(ctx->get_memory_fd_properties(ctx->device, DMABUF_HANDLE, fd, &fd_props));
	int type = first_type(req->memoryTypeBits & fd_props.memoryTypeBits);
	if (type < 0 || req->size > size) {
		uhd_warn("the DMA-BUF (%.1f MB) fits no memory type of the Vulkan buffer "
		         "(types 0x%x and 0x%x, %.1f MB needed)",
		         size / 1e6, req->memoryTypeBits, fd_props.memoryTypeBits, req->size / 1e6);
		return -ENOTSUP;
	}
	VkMemoryDedicatedAllocateInfo dedicated = {
	        .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO,
	        .buffer = out->buffer,
	};
	VkImportMemoryFdInfoKHR import = {
	        .sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR,
	        .pNext = &dedicated,
	        .handleType = DMABUF_HANDLE,
	        .fd = fd,
	};
	VkMemoryAllocateInfo alloc = {
	        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
	        .pNext = &import,
	        .allocationSize = size,
	        .memoryTypeIndex = (uint32_t)type,
	};
	VK_CHECK(vkAllocateMemory(ctx->device, &alloc, NULL, &out->memory));
	uhd_vk_count_object(1);
	return 0;
fail:
	return ret;
}

int uhd_vk_buffer_import_dmabuf(struct uhd_context *ctx, int fd, VkDeviceSize size,
                                struct uhd_vk_buffer *out)
{
	int ret = 0;
	memset(out, 0, sizeof(*out));
	if (!ctx->dmabuf_import || size == 0 || uhd_fault_hit(UHD_FAULT_DMABUF_IMPORT)) {
		return -ENOTSUP;
	}
	VkMemoryRequirements req;
	ret = uhd_vk_external_buffer_create(ctx, size, DMABUF_USAGE, DMABUF_HANDLE, out, &req);
	if (ret < 0) {
		goto fail;
	}
	/* Vulkan owns the descriptor it imports: give it a copy, keep ours. */
	int copy = dup(fd);
	if (copy < 0) {
		ret = -errno;
		goto fail;
	}
	ret = import_memory(ctx, copy, &req, size, out);
	if (ret < 0) {
		close(copy);
		goto fail;
	}
	VK_CHECK(vkBindBufferMemory(ctx->device, out->buffer, out->memory, 0));
	out->size = size;
	return 0;
fail:
	uhd_vk_buffer_destroy(ctx, out);
	return ret;
}

/* For memory a display scans out: device-local first, where the GPU writes
 * fast and a display on that GPU scans out; among those, host-visible and
 * coherent ones first, so that a writeback capture can be compared with it. */
static int export_score(const struct uhd_context *ctx, uint32_t type)
{
	const VkMemoryPropertyFlags visible =
	        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
	VkMemoryPropertyFlags flags = ctx->memory.memoryTypes[type].propertyFlags;
	return 2 * ((flags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) != 0) +
	       ((flags & visible) == visible);
}

/* Tries the allowed types best first: a full heap (a small BAR window) falls
 * back to the next. */
static int allocate_exported(struct uhd_context *ctx, const VkMemoryRequirements *req,
                             struct uhd_vk_buffer *out, bool *mappable)
{
	VkMemoryDedicatedAllocateInfo dedicated = {
	        .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO,
	        .buffer = out->buffer,
	};
	VkExportMemoryAllocateInfo export = {
	        .sType = VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO,
	        .pNext = &dedicated,
	        .handleTypes = DMABUF_HANDLE,
	};
	uint32_t tried = 0;
	VkResult result = VK_SUCCESS;
	for (;;) {
		int best = -1;
		for (uint32_t i = 0; i < ctx->memory.memoryTypeCount; i++) {
			bool open = (req->memoryTypeBits & ~tried) & (1u << i);
			if (open && (best < 0 ||
			             export_score(ctx, i) > export_score(ctx, (uint32_t)best))) {
				best = (int)i;
			}
		}
		if (best < 0 && tried == 0) {
			uhd_warn("no memory type allows an exportable %.1f MB buffer",
			         req->size / 1e6);
			return -ENOTSUP;
		}
		if (best < 0) {
			uhd_warn(
			        "no memory type could hold an exportable %.1f MB buffer (last: %s)",
			        req->size / 1e6, uhd_vk_result_name(result));
			return -ENOMEM;
		}
		tried |= 1u << best;
		VkMemoryAllocateInfo alloc = {
		        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
		        .pNext = &export,
		        .allocationSize = req->size,
		        .memoryTypeIndex = (uint32_t)best,
		};
		result = vkAllocateMemory(ctx->device, &alloc, NULL, &out->memory);
		if (result != VK_SUCCESS) {
			out->memory = VK_NULL_HANDLE;
		}
		if (result == VK_SUCCESS) {
			uhd_vk_count_object(1);
			*mappable = export_score(ctx, (uint32_t)best) & 1;
			return 0;
		}
		if (result != VK_ERROR_OUT_OF_DEVICE_MEMORY &&
		    result != VK_ERROR_OUT_OF_HOST_MEMORY) {
			return uhd_vk_report(result, "vkAllocateMemory (exportable)", __FILE__,
			                     __LINE__);
		}
	}
}

int uhd_vk_buffer_export_dmabuf(struct uhd_context *ctx, VkDeviceSize size,
                                struct uhd_vk_buffer *out, int *fd)
{
	int ret = 0;
	memset(out, 0, sizeof(*out));
	*fd = -1;
	if (!ctx->dmabuf_export || size == 0 || uhd_fault_hit(UHD_FAULT_DMABUF_EXPORT)) {
		return -ENOTSUP;
	}
	VkMemoryRequirements req;
	bool mappable = false;
	ret = uhd_vk_external_buffer_create(ctx, size, DMABUF_USAGE, DMABUF_HANDLE, out, &req);
	ret = ret ? ret : allocate_exported(ctx, &req, out, &mappable);
	if (ret < 0) {
		goto fail;
	}
	VK_CHECK(vkBindBufferMemory(ctx->device, out->buffer, out->memory, 0));
	if (mappable) {
		VK_CHECK(vkMapMemory(ctx->device, out->memory, 0, VK_WHOLE_SIZE, 0, &out->mapped));
	}
	VkMemoryGetFdInfoKHR get = {
	        .sType = VK_STRUCTURE_TYPE_MEMORY_GET_FD_INFO_KHR,
	        .memory = out->memory,
	        .handleType = DMABUF_HANDLE,
	};
	VK_CHECK(ctx->get_memory_fd(ctx->device, &get, fd));
	out->size = size;
	return 0;
fail:
	*fd = -1;
	uhd_vk_buffer_destroy(ctx, out);
	return ret == -ENOMEM ? ret : -ENOTSUP;
}
