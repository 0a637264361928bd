/* SPDX-License-Identifier: MIT */
/*
 * Vulkan context: instance (with the validation layer when asked), device
 * selection by index or name, and one compute queue.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/log.h"
#include "vk.h"

#define VALIDATION_LAYER "VK_LAYER_KHRONOS_validation"

/* Every context's messages, including those sent while a context is destroyed
 * (objects still alive when the device goes). */
static unsigned validation_messages_total;

/* Objects created through uhdpipe and not yet destroyed, every context together:
 * a leak check needs no driver or layer support, only this count returning to 0. */
static long vk_objects_live;

void uhd_vk_count_object(int delta)
{
	__atomic_add_fetch(&vk_objects_live, delta, __ATOMIC_RELAXED);
}

long uhd_vulkan_objects_live(void)
{
	return __atomic_load_n(&vk_objects_live, __ATOMIC_RELAXED);
}

static VKAPI_ATTR VkBool32 VKAPI_CALL on_validation_message(
        VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT types,
        const VkDebugUtilsMessengerCallbackDataEXT *data, void *opaque)
{
	(void)types;
	struct uhd_context *ctx = opaque;
	if (severity < VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) {
		return VK_FALSE;
	}
	__atomic_add_fetch(&ctx->validation_messages, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&validation_messages_total, 1, __ATOMIC_RELAXED);
	uhd_error("Vulkan validation: %s", data->pMessage ? data->pMessage : "(no text)");
	return VK_FALSE;
}

static bool has_instance_layer(const char *name)
{
	uint32_t count = 0;
	vkEnumerateInstanceLayerProperties(&count, NULL);
	VkLayerProperties *layers = calloc(count ? count : 1, sizeof(*layers));
	bool found = false;
	if (layers && vkEnumerateInstanceLayerProperties(&count, layers) == VK_SUCCESS) {
		for (uint32_t i = 0; i < count && !found; i++) {
			found = strcmp(layers[i].layerName, name) == 0;
		}
	}
	free(layers);
	return found;
}

static int create_instance(struct uhd_context *ctx, bool validation)
{
	int ret = 0;
	if (validation && !has_instance_layer(VALIDATION_LAYER)) {
		uhd_error("the Vulkan validation layer was requested but is not installed; "
		          "install vulkan-validationlayers");
		return -ENODEV;
	}
	const char *layers[] = {VALIDATION_LAYER};
	const char *extensions[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
	VkDebugUtilsMessengerCreateInfoEXT messenger_info = {
	        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
	        .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
	                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
	        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
	                       VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
	                       VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
	        .pfnUserCallback = on_validation_message,
	        .pUserData = ctx,
	};
	VkApplicationInfo app = {
	        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
	        .pApplicationName = "uhdpipe",
	        .pEngineName = "uhdpipe",
	        .apiVersion = VK_API_VERSION_1_1,
	};
	VkInstanceCreateInfo info = {
	        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
	        .pNext = validation ? &messenger_info : NULL,
	        .pApplicationInfo = &app,
	        .enabledLayerCount = validation ? 1 : 0,
	        .ppEnabledLayerNames = layers,
	        .enabledExtensionCount = validation ? 1 : 0,
	        .ppEnabledExtensionNames = extensions,
	};
	VkResult result = vkCreateInstance(&info, NULL, &ctx->instance);
	if (result == VK_ERROR_INCOMPATIBLE_DRIVER || result == VK_ERROR_INITIALIZATION_FAILED) {
		uhd_error("no Vulkan driver found (%s); install mesa-vulkan-drivers (lavapipe) or "
		          "your GPU's Vulkan driver",
		          uhd_vk_result_name(result));
		return -ENODEV;
	}
	VK_CHECK(result);
	uhd_vk_count_object(1);
	if (validation) {
		PFN_vkCreateDebugUtilsMessengerEXT create_messenger =
		        (PFN_vkCreateDebugUtilsMessengerEXT)vkGetInstanceProcAddr(
		                ctx->instance, "vkCreateDebugUtilsMessengerEXT");
		if (create_messenger) {
			VK_CHECK(create_messenger(ctx->instance, &messenger_info, NULL,
			                          &ctx->messenger));
			uhd_vk_count_object(1);
		}
	}
	return 0;
fail:
	return ret;
}

static int device_rank(const VkPhysicalDeviceProperties *props)
{
	switch (props->deviceType) {
	case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 4;
	case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 3;
	case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
	case VK_PHYSICAL_DEVICE_TYPE_CPU: return 1;
	default: return 0;
	}
}

bool uhd_vk_find_compute_queue(VkPhysicalDevice device, uint32_t *family)
{
	uint32_t count = 0;
	vkGetPhysicalDeviceQueueFamilyProperties(device, &count, NULL);
	VkQueueFamilyProperties families[32];
	count = count > 32 ? 32 : count;
	vkGetPhysicalDeviceQueueFamilyProperties(device, &count, families);
	for (uint32_t i = 0; i < count; i++) {
		if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
			*family = i;
			return true;
		}
	}
	return false;
}

static bool device_matches(const char *wanted, uint32_t index, const char *name)
{
	char *end = NULL;
	long number = strtol(wanted, &end, 10);
	if (end != wanted && *end == '\0') {
		return number == (long)index;
	}
	size_t len = strlen(wanted);
	for (const char *p = name; *p; p++) {
		if (strncasecmp(p, wanted, len) == 0) {
			return true;
		}
	}
	return false;
}

int uhd_vk_choose_device(const VkPhysicalDevice *devices, uint32_t count, const char *wanted)
{
	bool by_name = wanted && *wanted;
	int chosen = -1, best_rank = -1;
	for (uint32_t i = 0; i < count; i++) {
		VkPhysicalDeviceProperties props;
		vkGetPhysicalDeviceProperties(devices[i], &props);
		uint32_t family;
		if (!uhd_vk_find_compute_queue(devices[i], &family)) {
			continue;
		}
		if (by_name ? chosen < 0 && device_matches(wanted, i, props.deviceName)
		            : device_rank(&props) > best_rank) {
			best_rank = device_rank(&props);
			chosen = (int)i;
		}
	}
	return chosen;
}

static int pick_device(struct uhd_context *ctx, const char *wanted)
{
	uint32_t count = 0;
	vkEnumeratePhysicalDevices(ctx->instance, &count, NULL);
	if (count == 0) {
		uhd_error("no Vulkan device found; install mesa-vulkan-drivers (lavapipe) or your "
		          "GPU's Vulkan driver");
		return -ENODEV;
	}
	VkPhysicalDevice devices[UHD_VK_MAX_DEVICES];
	count = count > UHD_VK_MAX_DEVICES ? UHD_VK_MAX_DEVICES : count;
	vkEnumeratePhysicalDevices(ctx->instance, &count, devices);
	int chosen = uhd_vk_choose_device(devices, count, wanted);
	if (chosen < 0) {
		uhd_error("no Vulkan device with a compute queue matches '%s'; run 'uhdpipe probe' "
		          "and pass --device INDEX or a part of its name",
		          wanted && *wanted ? wanted : "(any)");
		return -ENODEV;
	}
	ctx->physical = devices[chosen];
	uhd_vk_find_compute_queue(ctx->physical, &ctx->queue_family);
	return 0;
}

void uhd_vk_describe_limits(VkPhysicalDevice device, struct uhd_device_limits *l)
{
	VkPhysicalDeviceDriverProperties driver = {
	        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES,
	};
	VkPhysicalDeviceProperties2 props2 = {
	        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
	};
	VkPhysicalDeviceProperties props;
	vkGetPhysicalDeviceProperties(device, &props);
	if (props.apiVersion >= VK_API_VERSION_1_2) {
		props2.pNext = &driver;
	}
	vkGetPhysicalDeviceProperties2(device, &props2);
	snprintf(l->name, sizeof(l->name), "%s", props.deviceName);
	snprintf(l->driver, sizeof(l->driver), "%.100s %.150s", driver.driverName,
	         driver.driverInfo);
	l->api_version = props.apiVersion;
	l->cpu = props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
	l->max_image_dimension_2d = props.limits.maxImageDimension2D;
	l->max_storage_buffer_range = props.limits.maxStorageBufferRange;
	for (int i = 0; i < 3; i++) {
		l->max_compute_workgroup_count[i] = props.limits.maxComputeWorkGroupCount[i];
	}
}

static void fill_limits(struct uhd_context *ctx)
{
	VkPhysicalDeviceProperties props;
	vkGetPhysicalDeviceProperties(ctx->physical, &props);
	ctx->vk_limits = props.limits;
	uhd_vk_describe_limits(ctx->physical, &ctx->limits);
	vkGetPhysicalDeviceMemoryProperties(ctx->physical, &ctx->memory);
}

static int create_device(struct uhd_context *ctx)
{
	int ret = 0;
	float priority = 1.0f;
	VkDeviceQueueCreateInfo queue = {
	        .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
	        .queueFamilyIndex = ctx->queue_family,
	        .queueCount = 1,
	        .pQueuePriorities = &priority,
	};
	const char *extensions[3];
	uint32_t count = 0;
	ctx->host_import = uhd_vk_host_import_supported(ctx->physical, &ctx->host_import_align);
	if (ctx->host_import) {
		extensions[count++] = VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME;
	}
	ctx->dmabuf_import = uhd_vk_dmabuf_import_supported(ctx->physical, ctx->dmabuf_missing,
	                                                    sizeof(ctx->dmabuf_missing));
	ctx->dmabuf_export = uhd_vk_dmabuf_export_supported(
	        ctx->physical, ctx->dmabuf_export_missing, sizeof(ctx->dmabuf_export_missing));
	if (ctx->dmabuf_import || ctx->dmabuf_export) {
		extensions[count++] = VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME;
		extensions[count++] = VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME;
	}
	VkDeviceCreateInfo info = {
	        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
	        .queueCreateInfoCount = 1,
	        .pQueueCreateInfos = &queue,
	        .enabledExtensionCount = count,
	        .ppEnabledExtensionNames = extensions,
	};
	VK_CHECK(vkCreateDevice(ctx->physical, &info, NULL, &ctx->device));
	uhd_vk_count_object(1);
	vkGetDeviceQueue(ctx->device, ctx->queue_family, 0, &ctx->queue);
	if (ctx->host_import) {
		ctx->get_host_pointer_properties =
		        (PFN_vkGetMemoryHostPointerPropertiesEXT)vkGetDeviceProcAddr(
		                ctx->device, "vkGetMemoryHostPointerPropertiesEXT");
		ctx->host_import = ctx->get_host_pointer_properties != NULL;
	}
	if (ctx->dmabuf_import) {
		ctx->get_memory_fd_properties = (PFN_vkGetMemoryFdPropertiesKHR)vkGetDeviceProcAddr(
		        ctx->device, "vkGetMemoryFdPropertiesKHR");
		ctx->dmabuf_import = ctx->get_memory_fd_properties != NULL;
		if (!ctx->dmabuf_import) {
			snprintf(ctx->dmabuf_missing, sizeof(ctx->dmabuf_missing), "%s",
			         "the Vulkan driver has no vkGetMemoryFdPropertiesKHR");
		}
	}
	if (ctx->dmabuf_export) {
		ctx->get_memory_fd =
		        (PFN_vkGetMemoryFdKHR)vkGetDeviceProcAddr(ctx->device, "vkGetMemoryFdKHR");
		ctx->dmabuf_export = ctx->get_memory_fd != NULL;
		if (!ctx->dmabuf_export) {
			snprintf(ctx->dmabuf_export_missing, sizeof(ctx->dmabuf_export_missing),
			         "%s", "the Vulkan driver has no vkGetMemoryFdKHR");
		}
	}
	return 0;
fail:
	return ret;
}

int uhd_context_create(const struct uhd_context_params *params, struct uhd_context **out)
{
	struct uhd_context_params defaults = UHD_CONTEXT_DEFAULTS;
	params = params ? params : &defaults;
	*out = NULL;
	struct uhd_context *ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		return -ENOMEM;
	}
	pthread_mutex_init(&ctx->queue_lock, NULL);
	const char *env = getenv("UHD_VK_VALIDATION");
	bool validation = params->validation || (env && strcmp(env, "1") == 0);
	int ret = create_instance(ctx, validation);
	if (ret == 0) {
		ret = pick_device(ctx, params->device);
	}
	if (ret == 0) {
		fill_limits(ctx);
		ret = create_device(ctx);
	}
	if (ret < 0) {
		uhd_context_destroy(&ctx);
		return ret;
	}
	uhd_debug("Vulkan device: %s (%s)", ctx->limits.name, ctx->limits.driver);
	*out = ctx;
	return 0;
}

void uhd_context_destroy(struct uhd_context **context)
{
	if (!context || !*context) {
		return;
	}
	struct uhd_context *ctx = *context;
	if (ctx->device) {
		vkDestroyDevice(ctx->device, NULL);
		uhd_vk_count_object(-1);
	}
	if (ctx->messenger) {
		PFN_vkDestroyDebugUtilsMessengerEXT destroy_messenger =
		        (PFN_vkDestroyDebugUtilsMessengerEXT)vkGetInstanceProcAddr(
		                ctx->instance, "vkDestroyDebugUtilsMessengerEXT");
		if (destroy_messenger) {
			destroy_messenger(ctx->instance, ctx->messenger, NULL);
			uhd_vk_count_object(-1);
		}
	}
	if (ctx->instance) {
		vkDestroyInstance(ctx->instance, NULL);
		uhd_vk_count_object(-1);
	}
	pthread_mutex_destroy(&ctx->queue_lock);
	free(ctx);
	*context = NULL;
}

const struct uhd_device_limits *uhd_context_limits(const struct uhd_context *context)
{
	return &context->limits;
}

unsigned uhd_validation_messages_total(void)
{
	return __atomic_load_n(&validation_messages_total, __ATOMIC_RELAXED);
}

unsigned uhd_context_validation_messages(const struct uhd_context *context)
{
	return __atomic_load_n(&context->validation_messages, __ATOMIC_RELAXED);
}

VkResult uhd_vk_submit(struct uhd_context *ctx, const VkSubmitInfo *submit, VkFence fence)
{
	pthread_mutex_lock(&ctx->queue_lock);
	VkResult result = vkQueueSubmit(ctx->queue, 1, submit, fence);
	pthread_mutex_unlock(&ctx->queue_lock);
	return result;
}
