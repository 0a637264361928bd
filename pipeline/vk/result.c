/* SPDX-License-Identifier: MIT */
/* VkResult names and the one place Vulkan errors become errno-style codes. */
#include <errno.h>

#include "../common/log.h"
#include "vk.h"

const char *uhd_vk_result_name(VkResult result)
{
	switch (result) {
#define NAME(r)                                                                                    \
	case r: return #r
		NAME(VK_SUCCESS);
		NAME(VK_NOT_READY);
		NAME(VK_TIMEOUT);
		NAME(VK_INCOMPLETE);
		NAME(VK_ERROR_OUT_OF_HOST_MEMORY);
		NAME(VK_ERROR_OUT_OF_DEVICE_MEMORY);
		NAME(VK_ERROR_INITIALIZATION_FAILED);
		NAME(VK_ERROR_DEVICE_LOST);
		NAME(VK_ERROR_MEMORY_MAP_FAILED);
		NAME(VK_ERROR_LAYER_NOT_PRESENT);
		NAME(VK_ERROR_EXTENSION_NOT_PRESENT);
		NAME(VK_ERROR_FEATURE_NOT_PRESENT);
		NAME(VK_ERROR_INCOMPATIBLE_DRIVER);
		NAME(VK_ERROR_TOO_MANY_OBJECTS);
		NAME(VK_ERROR_FORMAT_NOT_SUPPORTED);
		NAME(VK_ERROR_FRAGMENTED_POOL);
		NAME(VK_ERROR_OUT_OF_POOL_MEMORY);
		NAME(VK_ERROR_UNKNOWN);
#undef NAME
	default: return "VK_ERROR_(unnamed)";
	}
}

int uhd_vk_report(VkResult result, const char *call, const char *file, int line)
{
	uhd_error("Vulkan call %s failed with %s (%s:%d)", call, uhd_vk_result_name(result), file,
	          line);
	switch (result) {
	case VK_ERROR_OUT_OF_HOST_MEMORY:
	case VK_ERROR_OUT_OF_DEVICE_MEMORY:
	case VK_ERROR_OUT_OF_POOL_MEMORY: return -ENOMEM;
	case VK_ERROR_INCOMPATIBLE_DRIVER:
	case VK_ERROR_INITIALIZATION_FAILED:
	case VK_ERROR_DEVICE_LOST: return -ENODEV;
	default: return -EIO;
	}
}
