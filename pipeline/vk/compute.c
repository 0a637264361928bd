/* SPDX-License-Identifier: MIT */
/* Compute pipelines from embedded SPIR-V, each with one set of storage buffers. */
#include <errno.h>
#include <string.h>

#include "../common/log.h"
#include "vk.h"

#define MAX_BINDINGS UHD_VK_MAX_BINDINGS
#define MAX_SPEC     40 /* tonemap.glsl: ids 16 to 34 */

static int create_set_layout(struct uhd_context *ctx, const VkDescriptorType *types,
                             uint32_t binding_count, VkDescriptorSetLayout *layout)
{
	int ret = 0;
	VkDescriptorSetLayoutBinding bindings[MAX_BINDINGS];
	for (uint32_t i = 0; i < binding_count; i++) {
		bindings[i] = (VkDescriptorSetLayoutBinding){
		        .binding = i,
		        .descriptorType = types[i],
		        .descriptorCount = 1,
		        .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
		};
	}
	VkDescriptorSetLayoutCreateInfo info = {
	        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
	        .bindingCount = binding_count,
	        .pBindings = bindings,
	};
	VK_CHECK(vkCreateDescriptorSetLayout(ctx->device, &info, NULL, layout));
	uhd_vk_count_object(1);
	return 0;
fail:
	return ret;
}

int uhd_vk_compute_create(struct uhd_context *ctx, const uint32_t *spirv, size_t spirv_size,
                          uint32_t binding_count, uint32_t push_size,
                          const struct uhd_vk_spec *spec, struct uhd_vk_compute *out)
{
	VkDescriptorType types[MAX_BINDINGS];
	for (uint32_t i = 0; i < MAX_BINDINGS; i++) {
		types[i] = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
	}
	return uhd_vk_compute_create_typed(ctx, spirv, spirv_size, types, binding_count, push_size,
	                                   spec, out);
}

int uhd_vk_compute_create_typed(struct uhd_context *ctx, const uint32_t *spirv, size_t spirv_size,
                                const VkDescriptorType *types, uint32_t binding_count,
                                uint32_t push_size, const struct uhd_vk_spec *spec,
                                struct uhd_vk_compute *out)
{
	int ret = 0;
	memset(out, 0, sizeof(*out));
	if (binding_count > MAX_BINDINGS || (spec && spec->count > MAX_SPEC)) {
		return -EINVAL;
	}
	out->binding_count = binding_count;
	memcpy(out->types, types, binding_count * sizeof(*types));
	VkShaderModuleCreateInfo module_info = {
	        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
	        .codeSize = spirv_size,
	        .pCode = spirv,
	};
	VK_CHECK(vkCreateShaderModule(ctx->device, &module_info, NULL, &out->module));
	uhd_vk_count_object(1);
	ret = create_set_layout(ctx, types, binding_count, &out->set_layout);
	if (ret < 0) {
		goto fail;
	}
	VkPushConstantRange push = {
	        .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
	        .size = push_size,
	};
	VkPipelineLayoutCreateInfo layout_info = {
	        .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
	        .setLayoutCount = 1,
	        .pSetLayouts = &out->set_layout,
	        .pushConstantRangeCount = push_size ? 1 : 0,
	        .pPushConstantRanges = &push,
	};
	VK_CHECK(vkCreatePipelineLayout(ctx->device, &layout_info, NULL, &out->layout));
	uhd_vk_count_object(1);

	VkSpecializationMapEntry entries[MAX_SPEC];
	uint32_t spec_count = spec ? spec->count : 0;
	for (uint32_t i = 0; i < spec_count; i++) {
		entries[i] = (VkSpecializationMapEntry){
		        .constantID = i,
		        .offset = i * 4,
		        .size = 4,
		};
	}
	VkSpecializationInfo spec_info = {
	        .mapEntryCount = spec_count,
	        .pMapEntries = entries,
	        .dataSize = spec_count * 4,
	        .pData = spec ? spec->values : NULL,
	};
	VkComputePipelineCreateInfo info = {
	        .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
	        .stage =
	                {
	                        .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
	                        .stage = VK_SHADER_STAGE_COMPUTE_BIT,
	                        .module = out->module,
	                        .pName = "main",
	                        .pSpecializationInfo = spec_count ? &spec_info : NULL,
	                },
	        .layout = out->layout,
	};
	VK_CHECK(vkCreateComputePipelines(ctx->device, VK_NULL_HANDLE, 1, &info, NULL,
	                                  &out->pipeline));
	uhd_vk_count_object(1);
	return 0;
fail:
	uhd_vk_compute_destroy(ctx, out);
	return ret;
}

void uhd_vk_compute_destroy(struct uhd_context *ctx, struct uhd_vk_compute *compute)
{
	if (compute->pipeline) {
		vkDestroyPipeline(ctx->device, compute->pipeline, NULL);
		uhd_vk_count_object(-1);
	}
	if (compute->layout) {
		vkDestroyPipelineLayout(ctx->device, compute->layout, NULL);
		uhd_vk_count_object(-1);
	}
	if (compute->set_layout) {
		vkDestroyDescriptorSetLayout(ctx->device, compute->set_layout, NULL);
		uhd_vk_count_object(-1);
	}
	if (compute->module) {
		vkDestroyShaderModule(ctx->device, compute->module, NULL);
		uhd_vk_count_object(-1);
	}
	memset(compute, 0, sizeof(*compute));
}

VkDescriptorBufferInfo uhd_vk_whole(const struct uhd_vk_buffer *buffer)
{
	return (VkDescriptorBufferInfo){buffer->buffer, 0, VK_WHOLE_SIZE};
}

void uhd_vk_write_set(struct uhd_context *ctx, VkDescriptorSet set,
                      const VkDescriptorBufferInfo *infos, uint32_t count)
{
	VkWriteDescriptorSet writes[MAX_BINDINGS];
	for (uint32_t i = 0; i < count && i < MAX_BINDINGS; i++) {
		writes[i] = (VkWriteDescriptorSet){
		        .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
		        .dstSet = set,
		        .dstBinding = i,
		        .descriptorCount = 1,
		        .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
		        .pBufferInfo = &infos[i],
		};
	}
	vkUpdateDescriptorSets(ctx->device, count < MAX_BINDINGS ? count : MAX_BINDINGS, writes, 0,
	                       NULL);
}

void uhd_vk_write_bindings(struct uhd_context *ctx, const struct uhd_vk_compute *compute,
                           VkDescriptorSet set, const struct uhd_vk_binding *bindings)
{
	VkWriteDescriptorSet writes[MAX_BINDINGS];
	for (uint32_t i = 0; i < compute->binding_count; i++) {
		bool texel = compute->types[i] == VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
		writes[i] = (VkWriteDescriptorSet){
		        .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
		        .dstSet = set,
		        .dstBinding = i,
		        .descriptorCount = 1,
		        .descriptorType = compute->types[i],
		        .pBufferInfo = texel ? NULL : &bindings[i].buffer,
		        .pTexelBufferView = texel ? &bindings[i].view : NULL,
		};
	}
	vkUpdateDescriptorSets(ctx->device, compute->binding_count, writes, 0, NULL);
}

int uhd_vk_view_create(struct uhd_context *ctx, const struct uhd_vk_buffer *buffer, VkFormat format,
                       uint32_t texel_bytes, VkBufferView *out)
{
	return uhd_vk_view_create_range(ctx, buffer, 0, buffer->size, format, texel_bytes, out);
}

int uhd_vk_view_create_range(struct uhd_context *ctx, const struct uhd_vk_buffer *buffer,
                             VkDeviceSize offset, VkDeviceSize range, VkFormat format,
                             uint32_t texel_bytes, VkBufferView *out)
{
	int ret = 0;
	*out = VK_NULL_HANDLE;
	VkDeviceSize texels = range / texel_bytes;
	if (texels > ctx->vk_limits.maxTexelBufferElements) {
		return -ERANGE;
	}
	VkBufferViewCreateInfo info = {
	        .sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO,
	        .buffer = buffer->buffer,
	        .format = format,
	        .offset = offset,
	        .range = texels * texel_bytes,
	};
	VK_CHECK(vkCreateBufferView(ctx->device, &info, NULL, out));
	uhd_vk_count_object(1);
	return 0;
fail:
	return ret;
}

void uhd_vk_view_destroy(struct uhd_context *ctx, VkBufferView *view)
{
	if (*view) {
		vkDestroyBufferView(ctx->device, *view, NULL);
		uhd_vk_count_object(-1);
		*view = VK_NULL_HANDLE;
	}
}

void uhd_vk_barrier(VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkAccessFlags src,
                    VkPipelineStageFlags dst_stage, VkAccessFlags dst)
{
	VkMemoryBarrier memory = {
	        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
	        .srcAccessMask = src,
	        .dstAccessMask = dst,
	};
	vkCmdPipelineBarrier(cmd, src_stage, dst_stage, 0, 1, &memory, 0, NULL, 0, NULL);
}

int uhd_vk_commands_create(struct uhd_context *ctx, VkCommandPoolCreateFlags flags,
                           VkCommandPool *pool, VkCommandBuffer *commands, VkFence *fence)
{
	int ret = 0;
	VkCommandPoolCreateInfo pool_info = {
	        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
	        .flags = flags,
	        .queueFamilyIndex = ctx->queue_family,
	};
	VK_CHECK(vkCreateCommandPool(ctx->device, &pool_info, NULL, pool));
	uhd_vk_count_object(1);
	VkCommandBufferAllocateInfo alloc = {
	        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
	        .commandPool = *pool,
	        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
	        .commandBufferCount = 1,
	};
	VK_CHECK(vkAllocateCommandBuffers(ctx->device, &alloc, commands));
	VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
	VK_CHECK(vkCreateFence(ctx->device, &fence_info, NULL, fence));
	uhd_vk_count_object(1);
	return 0;
fail:
	return ret;
}

int uhd_vk_submit_wait(struct uhd_context *ctx, VkCommandBuffer commands, VkFence fence)
{
	int ret = 0;
	VkSubmitInfo submit = {
	        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
	        .commandBufferCount = 1,
	        .pCommandBuffers = &commands,
	};
	VK_CHECK(vkResetFences(ctx->device, 1, &fence));
	VK_CHECK(uhd_vk_submit(ctx, &submit, fence));
	VK_CHECK(vkWaitForFences(ctx->device, 1, &fence, VK_TRUE, UINT64_MAX));
	return 0;
fail:
	return ret;
}
