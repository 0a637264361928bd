/* SPDX-License-Identifier: MIT */
/* Page-aligned pools for the decoder's frames (see frame_pages.h). */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>

#include "frame_pages.h"

/* Row alignment libavcodec's own allocator guarantees beyond what
 * avcodec_align_dimensions2 asks for (its STRIDE_ALIGN, AVX-512 wide). */
#define ROW_ALIGN 64

struct uhd_frame_pages {
	/* libavcodec may call get_buffer2 from its frame threads at once; the
	 * pools are replaced when the picture's size or format changes. */
	pthread_mutex_t lock;
	AVBufferPool *pools[4];
	size_t pool_sizes[4];
	int format, width, height;
	int linesize[4];
	size_t plane_sizes[4];
};

struct uhd_frame_pages *uhd_frame_pages_create(void)
{
	struct uhd_frame_pages *pages = calloc(1, sizeof(*pages));
	if (pages && pthread_mutex_init(&pages->lock, NULL) != 0) {
		free(pages);
		return NULL;
	}
	return pages;
}

static void drop_pools(struct uhd_frame_pages *pages)
{
	for (int i = 0; i < 4; i++) {
		av_buffer_pool_uninit(&pages->pools[i]);
		pages->pool_sizes[i] = 0;
	}
}

void uhd_frame_pages_destroy(struct uhd_frame_pages **pages)
{
	if (!pages || !*pages) {
		return;
	}
	drop_pools(*pages);
	pthread_mutex_destroy(&(*pages)->lock);
	free(*pages);
	*pages = NULL;
}

static void free_block(void *opaque, uint8_t *data)
{
	(void)opaque;
	free(data);
}

static AVBufferRef *alloc_block(void *opaque, size_t size)
{
	(void)opaque;
	uint8_t *data = aligned_alloc(UHD_FRAME_PAGE_BYTES, size);
	if (data) {
		/* Zeroed, as libavcodec's own pools are: a damaged stream that
		 * leaves a block unwritten must still decode to the same picture
		 * on every run. */
		memset(data, 0, size);
	}
	AVBufferRef *ref = data ? av_buffer_create(data, size, free_block, NULL, 0) : NULL;
	if (!ref) {
		free(data);
	}
	return ref;
}

/* Strides and plane sizes for this geometry, as libavcodec's default
 * allocator works them out: dimensions padded by avcodec_align_dimensions2,
 * the width grown until every stride meets its alignment. */
static int plan_layout(struct uhd_frame_pages *pages, AVCodecContext *codec, const AVFrame *frame)
{
	int w = frame->width, h = frame->height;
	int align[AV_NUM_DATA_POINTERS];
	avcodec_align_dimensions2(codec, &w, &h, align);
	for (int tries = 0;; tries++) {
		int ret = av_image_fill_linesizes(pages->linesize, frame->format, w);
		if (ret < 0 || tries > 16) {
			return ret < 0 ? ret : AVERROR(EINVAL);
		}
		bool aligned = true;
		for (int i = 0; i < 4; i++) {
			int a = align[i] > ROW_ALIGN ? align[i] : ROW_ALIGN;
			aligned = aligned && pages->linesize[i] % a == 0;
		}
		if (aligned) {
			break;
		}
		w += w & ~(w - 1);
	}
	ptrdiff_t strides[4];
	for (int i = 0; i < 4; i++) {
		strides[i] = pages->linesize[i];
	}
	int ret = av_image_fill_plane_sizes(pages->plane_sizes, frame->format, h, strides);
	return ret < 0 ? ret : 0;
}

static int update_pools(struct uhd_frame_pages *pages, AVCodecContext *codec, const AVFrame *frame)
{
	if (pages->pools[0] && pages->format == frame->format && pages->width == frame->width &&
	    pages->height == frame->height) {
		return 0;
	}
	drop_pools(pages);
	int ret = plan_layout(pages, codec, frame);
	for (int i = 0; ret == 0 && i < 4 && pages->plane_sizes[i]; i++) {
		/* Slack past the last row for decoders' over-reads, as av_malloc'd
		 * frames have; then whole pages. */
		size_t size = pages->plane_sizes[i] + 16 + ROW_ALIGN - 1;
		size = (size + UHD_FRAME_PAGE_BYTES - 1) / UHD_FRAME_PAGE_BYTES *
		       UHD_FRAME_PAGE_BYTES;
		pages->pools[i] = av_buffer_pool_init2(size, NULL, alloc_block, NULL);
		pages->pool_sizes[i] = size;
		ret = pages->pools[i] ? 0 : AVERROR(ENOMEM);
	}
	if (ret < 0) {
		drop_pools(pages);
		return ret;
	}
	pages->format = frame->format;
	pages->width = frame->width;
	pages->height = frame->height;
	return 0;
}

static bool plain_video(const AVCodecContext *codec, const AVFrame *frame)
{
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(frame->format);
	return codec->codec_type == AVMEDIA_TYPE_VIDEO && desc && !codec->hw_device_ctx &&
	       !(desc->flags &
	         (AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BITSTREAM)) &&
	       (codec->codec->capabilities & AV_CODEC_CAP_DR1);
}

int uhd_frame_pages_get_buffer(struct uhd_frame_pages *pages, AVCodecContext *codec, AVFrame *frame,
                               int flags)
{
	if (!pages || !plain_video(codec, frame)) {
		return avcodec_default_get_buffer2(codec, frame, flags);
	}
	pthread_mutex_lock(&pages->lock);
	int ret = update_pools(pages, codec, frame);
	for (int i = 0; ret == 0 && i < 4 && pages->pools[i]; i++) {
		frame->buf[i] = av_buffer_pool_get(pages->pools[i]);
		if (!frame->buf[i]) {
			av_frame_unref(frame);
			ret = AVERROR(ENOMEM);
			break;
		}
		frame->data[i] = frame->buf[i]->data;
		frame->linesize[i] = pages->linesize[i];
	}
	pthread_mutex_unlock(&pages->lock);
	if (ret == 0) {
		frame->extended_data = frame->data;
	}
	return ret;
}
