/* SPDX-License-Identifier: MIT */
/*
 * The memory-bandwidth floor of the conversion (bench): the device's copy
 * rate, measured with vkCmdCopyBuffer between two device-local buffers in the
 * same run, and the bytes a frame must move at the least (its decoded planes
 * read once, its output written once). A copy of B bytes reads B and writes
 * B, so the floor of a frame is (planes + output) / (2 * copy rate).
 */
#include <errno.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "../vk/vk.h"
#include "bench.h"

/* Large enough to leave caches and per-submit costs behind on any device. */
#define COPY_BYTES ((VkDeviceSize)128 << 20)

double uhd_bench_frame_bytes(const struct uhd_stream_info *info, int width, int height, int bits)
{
	int sample_bytes = info->bit_depth > 8 ? 2 : 1;
	double luma = (double)info->width * info->height;
	double chroma_w = (info->width + (1 << info->log2_chroma_w) - 1) >> info->log2_chroma_w;
	double chroma_h = (info->height + (1 << info->log2_chroma_h) - 1) >> info->log2_chroma_h;
	double planes = (luma + 2.0 * chroma_w * chroma_h) * sample_bytes;
	return planes + (double)width * height * 3 * (bits / 8);
}

/* Records a fill of both buffers (fill) or the copy. The buffers are filled
 * first, so that no driver copies memory it has not really allocated yet
 * (untouched pages can all map one zero page and read from cache). */
static int record(VkCommandBuffer cmd, const struct uhd_vk_buffer *src,
                  const struct uhd_vk_buffer *dst, bool fill)
{
	int ret = 0;
	VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
	VK_CHECK(vkBeginCommandBuffer(cmd, &begin));
	if (fill) {
		vkCmdFillBuffer(cmd, src->buffer, 0, COPY_BYTES, 0x5a5a5a5au);
		vkCmdFillBuffer(cmd, dst->buffer, 0, COPY_BYTES, 0xa5a5a5a5u);
	} else {
		VkBufferCopy region = {0, 0, COPY_BYTES};
		vkCmdCopyBuffer(cmd, src->buffer, dst->buffer, 1, &region);
	}
	VK_CHECK(vkEndCommandBuffer(cmd));
	return 0;
fail:
	return ret;
}

static int fill_then_record_copy(struct uhd_context *ctx, VkCommandPool pool, VkCommandBuffer cmd,
                                 VkFence fence, const struct uhd_vk_buffer *src,
                                 const struct uhd_vk_buffer *dst)
{
	int ret = record(cmd, src, dst, true);
	ret = ret ? ret : uhd_vk_submit_wait(ctx, cmd, fence);
	if (ret == 0) {
		VK_CHECK(vkResetCommandPool(ctx->device, pool, 0));
	}
	return ret ? ret : record(cmd, src, dst, false);
fail:
	return ret;
}

/* One warm-up copy, then `runs` timed ones; the median goes into floor. */
static int time_copies(struct uhd_context *ctx, VkCommandBuffer cmd, VkFence fence, int runs,
                       struct uhd_bench_floor *floor)
{
	struct uhd_bench_series series = {0};
	for (int run = -1; run < runs; run++) {
		double t0 = uhd_now_ms();
		int ret = uhd_vk_submit_wait(ctx, cmd, fence);
		if (ret < 0) {
			return ret;
		}
		if (run >= 0) {
			series.seconds[series.count++] = (uhd_now_ms() - t0) / 1e3;
		}
	}
	double seconds = uhd_bench_median(&series);
	floor->copy_bytes = (double)COPY_BYTES;
	floor->copy_gbps = seconds > 0 ? COPY_BYTES / seconds / 1e9 : 0;
	return 0;
}

int uhd_bench_measure_floor(struct uhd_context *ctx, int runs, struct uhd_bench_floor *floor)
{
	struct uhd_vk_buffer src = {0}, dst = {0};
	VkCommandPool pool = VK_NULL_HANDLE;
	VkCommandBuffer cmd = VK_NULL_HANDLE;
	VkFence fence = VK_NULL_HANDLE;
	int ret = uhd_vk_buffer_create(ctx, COPY_BYTES, UHD_VK_BUFFER_DEVICE, "copy source", &src);
	ret = ret ? ret
	          : uhd_vk_buffer_create(ctx, COPY_BYTES, UHD_VK_BUFFER_DEVICE, "copy destination",
	                                 &dst);
	ret = ret ? ret : uhd_vk_commands_create(ctx, 0, &pool, &cmd, &fence);
	ret = ret ? ret : fill_then_record_copy(ctx, pool, cmd, fence, &src, &dst);
	ret = ret ? ret : time_copies(ctx, cmd, fence, runs, floor);
	if (ret < 0) {
		uhd_warn("bench: the device copy rate could not be measured (%s); the memory "
		         "floor is left out",
		         strerror(-ret));
	}
	floor->valid = ret == 0 && floor->copy_gbps > 0;
	if (fence) {
		vkDestroyFence(ctx->device, fence, NULL);
		uhd_vk_count_object(-1);
	}
	if (pool) {
		vkDestroyCommandPool(ctx->device, pool, NULL);
		uhd_vk_count_object(-1);
	}
	uhd_vk_buffer_destroy(ctx, &src);
	uhd_vk_buffer_destroy(ctx, &dst);
	return 0; /* a missing floor does not fail the bench */
}
