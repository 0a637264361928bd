/* SPDX-License-Identifier: MIT */
/*
 * DMA-BUFs seen by the GPU (VK_EXT_external_memory_dma_buf on top of
 * VK_KHR_external_memory_fd): memory that another device or driver made,
 * such as a KMS dumb buffer exported with PRIME, becomes a Vulkan storage
 * buffer that shaders write in place. Buffers only (linear rows at the
 * exporter's pitch): no image or DRM format modifier is involved, so a device
 * without VK_EXT_image_drm_format_modifier imports them too.
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

bool uhd_vk_dmabuf_import_supported(VkPhysicalDevice device, char *why, size_t why_size)
{
	const char *env = getenv("UHD_DMABUF_IMPORT");
	const char *missing = NULL;
	if (env && strcmp(env, "0") == 0) {
		missing = "UHD_DMABUF_IMPORT=0 turns it off";
	} else if (!uhd_vk_has_extension(device, VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME)) {
		missing = "the Vulkan device lacks VK_KHR_external_memory_fd";
	} else if (!uhd_vk_has_extension(device, VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME)) {
		missing = "the Vulkan device lacks VK_EXT_external_memory_dma_buf";
	}
	if (!missing && !uhd_vk_buffer_importable(device, DMABUF_USAGE, DMABUF_HANDLE)) {
		missing = "the Vulkan device cannot import DMA-BUFs as storage buffers";
	}
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
