/* Storage buffers with their own memory, persistently mapped when host-visible. */
#include <errno.h>
#include <string.h>

#include "../common/log.h"
#include "vk.h"

static int score_memory_type(VkMemoryPropertyFlags flags, enum uhd_vk_buffer_use use)
{
	bool visible = flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
	bool local = flags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
	bool cached = flags & VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
	bool coherent = flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
	switch (use) {
	case UHD_VK_BUFFER_UPLOAD: return visible ? 1 + 4 * coherent + 2 * local : -1;
	case UHD_VK_BUFFER_READBACK: return visible ? 1 + 4 * cached + 2 * coherent : -1;
	default: return 1 + 4 * local;
	}
}

static int pick_memory_type(const struct uhd_context *ctx, uint32_t allowed,
                            enum uhd_vk_buffer_use use)
{
	int best = -1, best_score = -1;
	for (uint32_t i = 0; i < ctx->memory.memoryTypeCount; i++) {
		if (!(allowed & (1u << i))) {
			continue;
		}
		int score = score_memory_type(ctx->memory.memoryTypes[i].propertyFlags, use);
		if (score > best_score) {
			best_score = score;
			best = (int)i;
		}
	}
	return best;
}

int uhd_vk_buffer_create(struct uhd_context *ctx, VkDeviceSize size, enum uhd_vk_buffer_use use,
                         const char *what, struct uhd_vk_buffer *out)
{
	int ret = 0;
	memset(out, 0, sizeof(*out));
	VkBufferCreateInfo info = {
	        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
	        .size = size,
	        .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
	                 VK_BUFFER_USAGE_TRANSFER_DST_BIT,
	        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
	};
	VK_CHECK(vkCreateBuffer(ctx->device, &info, NULL, &out->buffer));
	VkMemoryRequirements req;
	vkGetBufferMemoryRequirements(ctx->device, out->buffer, &req);
	int type = pick_memory_type(ctx, req.memoryTypeBits, use);
	if (type < 0) {
		uhd_error("no host-visible Vulkan memory for the %s buffer (%llu bytes)", what,
		          (unsigned long long)size);
		ret = -ENOTSUP;
		goto fail;
	}
	VkMemoryAllocateInfo alloc = {
	        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
	        .allocationSize = req.size,
	        .memoryTypeIndex = (uint32_t)type,
	};
	VkResult result = vkAllocateMemory(ctx->device, &alloc, NULL, &out->memory);
	if (result != VK_SUCCESS) {
		uhd_error("cannot allocate %.1f MB of Vulkan memory for the %s buffer (%s); use a "
		          "smaller --size or free memory",
		          req.size / 1e6, what, uhd_vk_result_name(result));
		ret = -ENOMEM;
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
	}
	if (buffer->memory) {
		vkFreeMemory(ctx->device, buffer->memory, NULL);
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
