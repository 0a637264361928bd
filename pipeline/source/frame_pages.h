/* SPDX-License-Identifier: MIT */
/*
 * Decoded frames on whole pages: the decoder's frame buffers (libavcodec's
 * get_buffer2) come from pools of page-aligned blocks whose size is a
 * multiple of the page, so that a Vulkan driver with
 * VK_EXT_external_memory_host can read the planes where the decoder wrote
 * them, without the copy into an upload buffer. Layout (strides, padding)
 * follows what libavcodec asks for, as its default allocator does.
 */
#ifndef UHD_INTERNAL_FRAME_PAGES_H
#define UHD_INTERNAL_FRAME_PAGES_H

#include <libavcodec/avcodec.h>

#define UHD_FRAME_PAGE_BYTES 65536 /* a multiple of every import alignment seen (4 KiB, 64 KiB) */

struct uhd_frame_pages;

struct uhd_frame_pages *uhd_frame_pages_create(void);
/* Frees the pools; buffers still held by frames go when those frames do. */
void uhd_frame_pages_destroy(struct uhd_frame_pages **pages);
/* The get_buffer2 body: pooled page buffers for software-decoded video, the
 * default allocator for everything else. Thread-safe, as libavcodec's frame
 * threads require of get_buffer2. */
int uhd_frame_pages_get_buffer(struct uhd_frame_pages *pages, AVCodecContext *codec, AVFrame *frame,
                               int flags);

#endif
