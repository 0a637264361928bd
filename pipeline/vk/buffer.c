/* SPDX-License-Identifier: MIT */
/* Storage buffers with their own memory, persistently mapped when host-visible. */
#include <errno.h>
#include <string.h>

#include "../common/fault.h"
#include "../common/log.h"
#include "vk.h"

/* A device-local + host-visible heap smaller than this is a PCIe BAR window
 * (typically 256 MiB) that others share: only resizable BAR or unified memory
 * is worth preferring for uploads. */
#define LARGE_HEAP_BYTES (1024ull * 1024 * 1024)

static int score_memory_type(const struct uhd_context *ctx, uint32_t type,
                             enum uhd_vk_buffer_use use)
{
	VkMemoryPropertyFlags flags = ctx->memory.memoryTypes[type].propertyFlags;
	VkDeviceSize heap = ctx->memory.memoryHeaps[ctx->memory.memoryTypes[type].heapIndex].size;
	bool visible = flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
	bool local = flags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
	bool cached = flags & VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
	bool coherent = flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
	switch (use) {
	case UHD_VK_BUFFER_UPLOAD:
		return visible ? 1 + 4 * coherent + 2 * (local && heap >= LARGE_HEAP_BYTES) : -1;
	case UHD_VK_BUFFER_READBACK: return visible ? 1 + 4 * cached + 2 * coherent : -1;
	default: return 1 + 4 * local;
	}
}

/* Memory types allowed for this use, best first; returns how many. */
static int rank_memory_types(const struct uhd_context *ctx, uint32_t allowed,
                             enum uhd_vk_buffer_use use, uint32_t ranked[VK_MAX_MEMORY_TYPES])
{
	int scores[VK_MAX_MEMORY_TYPES];
	int count = 0;
	for (uint32_t i = 0; i < ctx->memory.memoryTypeCount; i++) {
		int score = (allowed & (1u << i)) ? score_memory_type(ctx, i, use) : -1;
		if (score < 0) {
			continue;
		}
		int at = count++;
		while (at > 0 && scores[at - 1] < score) {
			scores[at] = scores[at - 1];
			ranked[at] = ranked[at - 1];
			at--;
		}
		scores[at] = score;
		ranked[at] = i;
	}
	return count;
}

/* Tries the ranked types in turn: a full heap falls back to the next one. */
static int allocate_memory(struct uhd_context *ctx, const VkMemoryRequirements *req,
                           enum uhd_vk_buffer_use use, const char *what, struct uhd_vk_buffer *out,
                           uint32_t *type_out)
{
	uint32_t ranked[VK_MAX_MEMORY_TYPES];
	int count = rank_memory_types(ctx, req->memoryTypeBits, use, ranked);
	if (count == 0) {
		uhd_error("the Vulkan device offers no host-visible memory for the %s buffer; "
		          "uhdpipe needs it to upload and read back frames",
		          what);
		return -ENODEV;
	}
	VkResult result = VK_ERROR_OUT_OF_DEVICE_MEMORY;
	for (int i = 0; i < count && result != VK_SUCCESS && !uhd_fault_hit(UHD_FAULT_VK_ALLOC);
	     i++) {
		VkMemoryAllocateInfo alloc = {
		        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
		        .allocationSize = req->size,
		        .memoryTypeIndex = ranked[i],
		};
		result = vkAllocateMemory(ctx->device, &alloc, NULL, &out->memory);
		*type_out = ranked[i];
	}
	if (result != VK_SUCCESS) {
		uhd_error("cannot allocate %.1f MB of Vulkan memory for the %s buffer (%s); use a "
		          "smaller --size or free GPU memory",
		          req->size / 1e6, what, uhd_vk_result_name(result));
		return -ENOMEM;
	}
	uhd_vk_count_object(1);
	return 0;
}

int uhd_vk_buffer_create(struct uhd_context *ctx, VkDeviceSize size, enum uhd_vk_buffer_use use,
                         const char *what, struct uhd_vk_buffer *out)
{
	int ret = 0;
	memset(out, 0, sizeof(*out));
	VkBufferCreateInfo info = {
	        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
	        .size = size,
	        .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
	                 VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT |
	                 VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
	                 VK_BUFFER_USAGE_TRANSFER_DST_BIT,
	        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
	};
	VK_CHECK(vkCreateBuffer(ctx->device, &info, NULL, &out->buffer));
	uhd_vk_count_object(1);
	VkMemoryRequirements req;
	vkGetBufferMemoryRequirements(ctx->device, out->buffer, &req);
	uint32_t type = 0;
	ret = allocate_memory(ctx, &req, use, what, out, &type);
	if (ret < 0) {
		goto fail;
	}
	VK_CHECK(vkBindBufferMemory(ctx->device, out->buffer, out->memory, 0));
	out->size = size;
	if (ctx->memory.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) {
		VK_CHECK(vkMapMemory(ctx->device, out->memory, 0, VK_WHOLE_SIZE, 0, &out->mapped));
	}
	return 0;
fail:
	uhd_vk_buffer_destroy(ctx, out);
	return ret;
}

void uhd_vk_buffer_destroy(struct uhd_context *ctx, struct uhd_vk_buffer *buffer)
{
	if (buffer->buffer) {
		vkDestroyBuffer(ctx->device, buffer->buffer, NULL);
		uhd_vk_count_object(-1);
	}
	if (buffer->memory) {
		vkFreeMemory(ctx->device, buffer->memory, NULL);
		uhd_vk_count_object(-1);
	}
	memset(buffer, 0, sizeof(*buffer));
}

static VkMappedMemoryRange whole_range(const struct uhd_vk_buffer *buffer)
{
	return (VkMappedMemoryRange){
	        .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
	        .memory = buffer->memory,
	        .offset = 0,
	        .size = VK_WHOLE_SIZE,
	};
}

int uhd_vk_buffer_flush(struct uhd_context *ctx, struct uhd_vk_buffer *buffer)
{
	int ret = 0;
	VkMappedMemoryRange range = whole_range(buffer);
	VK_CHECK(vkFlushMappedMemoryRanges(ctx->device, 1, &range));
	return 0;
fail:
	return ret;
}

int uhd_vk_buffer_invalidate(struct uhd_context *ctx, struct uhd_vk_buffer *buffer)
{
	int ret = 0;
	VkMappedMemoryRange range = whole_range(buffer);
	VK_CHECK(vkInvalidateMappedMemoryRanges(ctx->device, 1, &range));
	return 0;
fail:
	return ret;
}
