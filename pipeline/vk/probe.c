/* SPDX-License-Identifier: MIT */
/* Describing every Vulkan device for `uhdpipe probe`, without creating any. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "vk.h"

bool uhd_vk_has_extension(VkPhysicalDevice device, const char *name)
{
	uint32_t count = 0;
	vkEnumerateDeviceExtensionProperties(device, NULL, &count, NULL);
	VkExtensionProperties *props = calloc(count ? count : 1, sizeof(*props));
	bool found = false;
	if (props &&
	    vkEnumerateDeviceExtensionProperties(device, NULL, &count, props) == VK_SUCCESS) {
		for (uint32_t i = 0; i < count && !found; i++) {
			found = strcmp(props[i].extensionName, name) == 0;
		}
	}
	free(props);
	return found;
}

static const char *type_name(VkPhysicalDeviceType type)
{
	switch (type) {
	case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete";
	case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated";
	case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual";
	case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
	default: return "other";
	}
}

static void describe_features(VkPhysicalDevice device, struct uhd_device_description *d)
{
	VkPhysicalDeviceVulkan12Features v12 = {
	        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
	};
	VkPhysicalDevice16BitStorageFeatures storage16 = {
	        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES,
	        .pNext = d->limits.api_version >= VK_API_VERSION_1_2 ? &v12 : NULL,
	};
	VkPhysicalDeviceFeatures2 features = {
	        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
	        .pNext = &storage16,
	};
	vkGetPhysicalDeviceFeatures2(device, &features);
	d->storage_16bit = storage16.storageBuffer16BitAccess;
	d->float16 = v12.shaderFloat16;
	d->int64 = features.features.shaderInt64;
	d->timeline_semaphore = v12.timelineSemaphore;
}

static void describe(VkPhysicalDevice device, int index, struct uhd_device_description *d)
{
	VkPhysicalDeviceMaintenance3Properties maintenance3 = {
	        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES,
	};
	VkPhysicalDeviceProperties2 props = {
	        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
	        .pNext = &maintenance3,
	};
	vkGetPhysicalDeviceProperties2(device, &props);
	const VkPhysicalDeviceLimits *limits = &props.properties.limits;
	d->index = index;
	d->type = type_name(props.properties.deviceType);
	d->vendor_id = props.properties.vendorID;
	d->device_id = props.properties.deviceID;
	d->max_memory_allocation = maintenance3.maxMemoryAllocationSize;
	d->max_compute_invocations = limits->maxComputeWorkGroupInvocations;
	d->max_compute_shared_memory = limits->maxComputeSharedMemorySize;
	d->max_storage_buffers_per_stage = limits->maxPerStageDescriptorStorageBuffers;
	uhd_vk_describe_limits(device, &d->limits);
	VkPhysicalDeviceMemoryProperties memory;
	vkGetPhysicalDeviceMemoryProperties(device, &memory);
	for (uint32_t h = 0; h < memory.memoryHeapCount; h++) {
		if (memory.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) {
			d->device_local_bytes += memory.memoryHeaps[h].size;
		}
	}
	d->external_memory_host = uhd_vk_has_extension(device, "VK_EXT_external_memory_host");
	d->external_memory_dma_buf = uhd_vk_has_extension(device, "VK_EXT_external_memory_dma_buf");
	d->dma_buf_import = uhd_vk_dmabuf_import_supported(device, NULL, 0);
	d->dma_buf_export = uhd_vk_dmabuf_export_supported(device, NULL, 0);
	d->drm_format_modifier = uhd_vk_has_extension(device, "VK_EXT_image_drm_format_modifier");
	describe_features(device, d);
	uint32_t family;
	d->usable =
	        uhd_vk_find_compute_queue(device, &family) && d->max_storage_buffers_per_stage >= 8;
}

int uhd_probe_devices(struct uhd_device_description **out, int *count_out)
{
	*out = NULL;
	*count_out = 0;
	VkApplicationInfo app = {
	        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
	        .pApplicationName = "uhdpipe probe",
	        .apiVersion = VK_API_VERSION_1_2,
	};
	VkInstanceCreateInfo info = {
	        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
	        .pApplicationInfo = &app,
	};
	VkInstance instance;
	VkResult result = vkCreateInstance(&info, NULL, &instance);
	if (result != VK_SUCCESS) {
		uhd_error("no Vulkan driver found (%s); install mesa-vulkan-drivers (lavapipe) or "
		          "your GPU's Vulkan driver",
		          uhd_vk_result_name(result));
		return -ENODEV;
	}
	uhd_vk_count_object(1);
	VkPhysicalDevice devices[UHD_VK_MAX_DEVICES];
	uint32_t count = UHD_VK_MAX_DEVICES;
	vkEnumeratePhysicalDevices(instance, &count, devices);
	struct uhd_device_description *list = calloc(count ? count : 1, sizeof(*list));
	if (!list) {
		vkDestroyInstance(instance, NULL);
		uhd_vk_count_object(-1);
		return -ENOMEM;
	}
	int chosen = uhd_vk_choose_device(devices, count, NULL);
	for (uint32_t i = 0; i < count; i++) {
		describe(devices[i], (int)i, &list[i]);
		list[i].default_choice = (int)i == chosen;
	}
	vkDestroyInstance(instance, NULL);
	uhd_vk_count_object(-1);
	*out = list;
	*count_out = (int)count;
	return 0;
}
