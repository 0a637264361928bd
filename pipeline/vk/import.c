/* SPDX-License-Identifier: MIT */
/*
 * Host memory seen by the GPU where it lies (VK_EXT_external_memory_host):
 * the decoder's frame buffers become Vulkan buffers without a copy. Used only
 * where the device offers the extension for texel and storage buffers, with a
 * host-coherent memory type (no flush needed after the decoder's writes);
 * elsewhere the converter copies the planes, as before.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "vk.h"

#define IMPORT_HANDLE VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT
#define IMPORT_USAGE  (VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT)

static VkExternalMemoryFeatureFlags external_features(VkPhysicalDevice device,
                                                      VkBufferUsageFlags usage,
                                                      VkExternalMemoryHandleTypeFlagBits handle)
{
	VkPhysicalDeviceExternalBufferInfo info = {
	        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_BUFFER_INFO,
	        .usage = usage,
	        .handleType = handle,
	};
	VkExternalBufferProperties props = {.sType = VK_STRUCTURE_TYPE_EXTERNAL_BUFFER_PROPERTIES};
	vkGetPhysicalDeviceExternalBufferProperties(device, &info, &props);
	return props.externalMemoryProperties.externalMemoryFeatures;
}

bool uhd_vk_buffer_importable(VkPhysicalDevice device, VkBufferUsageFlags usage,
                              VkExternalMemoryHandleTypeFlagBits handle)
{
	return external_features(device, usage, handle) & VK_EXTERNAL_MEMORY_FEATURE_IMPORTABLE_BIT;
}

bool uhd_vk_buffer_exportable(VkPhysicalDevice device, VkBufferUsageFlags usage,
                              VkExternalMemoryHandleTypeFlagBits handle)
{
	return external_features(device, usage, handle) & VK_EXTERNAL_MEMORY_FEATURE_EXPORTABLE_BIT;
}

int uhd_vk_external_buffer_create(struct uhd_context *ctx, VkDeviceSize size,
                                  VkBufferUsageFlags usage,
                                  VkExternalMemoryHandleTypeFlagBits handle,
                                  struct uhd_vk_buffer *out, VkMemoryRequirements *req)
{
	int ret = 0;
	VkExternalMemoryBufferCreateInfo external = {
	        .sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO,
	        .handleTypes = handle,
	};
	VkBufferCreateInfo info = {
	        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
	        .pNext = &external,
	        .size = size,
	        .usage = usage,
	        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
	};
	VK_CHECK(vkCreateBuffer(ctx->device, &info, NULL, &out->buffer));
	uhd_vk_count_object(1);
	vkGetBufferMemoryRequirements(ctx->device, out->buffer, req);
	return 0;
fail:
	return ret;
}

bool uhd_vk_host_import_supported(VkPhysicalDevice device, VkDeviceSize *alignment)
{
	const char *env = getenv("UHD_HOST_IMPORT");
	if ((env && strcmp(env, "0") == 0) ||
	    !uhd_vk_has_extension(device, VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME)) {
		return false;
	}
	if (!uhd_vk_buffer_importable(device, IMPORT_USAGE, IMPORT_HANDLE)) {
		return false;
	}
	VkPhysicalDeviceExternalMemoryHostPropertiesEXT host = {
	        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_MEMORY_HOST_PROPERTIES_EXT,
	};
	VkPhysicalDeviceProperties2 props2 = {
	        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
	        .pNext = &host,
	};
	vkGetPhysicalDeviceProperties2(device, &props2);
	*alignment = host.minImportedHostPointerAlignment;
	return *alignment > 0;
}

/* A host-coherent type among those the pointer and the buffer allow; -1 if none. */
static int coherent_type(const struct uhd_context *ctx, uint32_t allowed)
{
	for (uint32_t i = 0; i < ctx->memory.memoryTypeCount; i++) {
		VkMemoryPropertyFlags flags = ctx->memory.memoryTypes[i].propertyFlags;
		if ((allowed & (1u << i)) && (flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT)) {
			return (int)i;
		}
	}
	return -1;
}

int uhd_vk_buffer_import(struct uhd_context *ctx, void *host, VkDeviceSize size,
                         struct uhd_vk_buffer *out)
{
	int ret = 0;
	memset(out, 0, sizeof(*out));
	VkDeviceSize align = ctx->host_import_align;
	if (!ctx->host_import || (uintptr_t)host % align || size % align || size == 0) {
		return -ENOTSUP;
	}
	VkMemoryHostPointerPropertiesEXT pointer = {
	        .sType = VK_STRUCTURE_TYPE_MEMORY_HOST_POINTER_PROPERTIES_EXT,
	};
	VK_CHECK(ctx->get_host_pointer_properties(ctx->device, IMPORT_HANDLE, host, &pointer));
	VkMemoryRequirements req;
	ret = uhd_vk_external_buffer_create(ctx, size, IMPORT_USAGE, IMPORT_HANDLE, out, &req);
	if (ret < 0) {
		goto fail;
	}
	int type = coherent_type(ctx, req.memoryTypeBits & pointer.memoryTypeBits);
	if (type < 0 || req.size > size) {
		ret = -ENOTSUP;
		goto fail;
	}
	VkImportMemoryHostPointerInfoEXT import = {
	        .sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_HOST_POINTER_INFO_EXT,
	        .handleType = IMPORT_HANDLE,
	        .pHostPointer = host,
	};
	VkMemoryAllocateInfo alloc = {
	        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
	        .pNext = &import,
	        .allocationSize = size,
	        .memoryTypeIndex = (uint32_t)type,
	};
	VK_CHECK(vkAllocateMemory(ctx->device, &alloc, NULL, &out->memory));
	uhd_vk_count_object(1);
	VK_CHECK(vkBindBufferMemory(ctx->device, out->buffer, out->memory, 0));
	out->size = size;
	return 0;
fail:
	uhd_vk_buffer_destroy(ctx, out);
	return ret;
}
