/* SPDX-License-Identifier: MIT */
/*
 * Hardware decoding: the decoder gets a device context of the first
 * requested type it supports that opens here, and a get_format callback that
 * picks that device's pixel format. Its frames are downloaded to system
 * memory in the format the hardware hands out (NV12, P010, ...), which the
 * converter reads as it is. When nothing opens, the source decodes in
 * software and says why in one line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libavutil/hwcontext.h>
#include <libavutil/pixdesc.h>

#include "hwaccel.h"

static const char *const hwaccel_names[] = {"none", "auto", "vaapi", "vulkan", "cuda"};

const char *uhd_hwaccel_name(enum uhd_hwaccel hwaccel)
{
	return hwaccel <= UHD_HWACCEL_CUDA ? hwaccel_names[hwaccel] : "unknown";
}

int uhd_hwaccel_from_name(const char *name, enum uhd_hwaccel *hwaccel)
{
	for (int i = 0; i <= UHD_HWACCEL_CUDA; i++) {
		if (strcmp(name, hwaccel_names[i]) == 0) {
			*hwaccel = (enum uhd_hwaccel)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* The decoder's configuration for a device type, when it has one. */
static const AVCodecHWConfig *find_config(const AVCodec *decoder, enum AVHWDeviceType type)
{
	for (int i = 0;; i++) {
		const AVCodecHWConfig *config = avcodec_get_hw_config(decoder, i);
		if (!config) {
			return NULL;
		}
		if (config->device_type == type &&
		    (config->methods & AV_CODEC_HW_CONFIG_METHOD_HW_DEVICE_CTX)) {
			return config;
		}
	}
}

/* Adds one API's reason to the fallback line, "; "-separated. */
static void append(char *why, size_t why_size, const char *fmt, const char *a, const char *b)
{
	char part[256];
	snprintf(part, sizeof(part), fmt, a, b);
	size_t used = strlen(why);
	snprintf(why + used, why_size - used, "%s%s", used ? "; " : "", part);
}

/* What a device type needs on the machine, for the fallback line. */
static const char *device_needs(enum AVHWDeviceType type)
{
	switch (type) {
	case AV_HWDEVICE_TYPE_VAAPI: return "a /dev/dri render node and a VA-API driver";
	case AV_HWDEVICE_TYPE_CUDA: return "the NVIDIA driver (libcuda.so.1) and a GPU";
	case AV_HWDEVICE_TYPE_VULKAN: return "a Vulkan driver with video decoding";
	default: return "its driver";
	}
}

/* Opens a device of one type for decoder; 0 and *device, or 1 with the
 * reason appended to why, or -ENOMEM. */
static int try_type(const AVCodec *decoder, enum AVHWDeviceType type, AVBufferRef **device,
                    char *why, size_t why_size)
{
	const char *name = av_hwdevice_get_type_name(type);
	if (!find_config(decoder, type)) {
		append(why, why_size, "%s: this FFmpeg's %s decoder has no path for it", name,
		       decoder->name);
		return 1;
	}
	int ret = av_hwdevice_ctx_create(device, type, NULL, NULL, 0);
	if (ret == AVERROR(ENOMEM)) {
		return -ENOMEM;
	}
	if (ret < 0) {
		char detail[160];
		snprintf(detail, sizeof(detail), "%s; it needs %s", av_err2str(ret),
		         device_needs(type));
		append(why, why_size, "%s: no device (%s)", name, detail);
		return 1;
	}
	return 0;
}

int uhd_hw_choose(const AVCodec *decoder, enum uhd_hwaccel want, struct uhd_hw_choice *choice,
                  char *why, size_t why_size)
{
	static const enum AVHWDeviceType auto_order[] = {
	        AV_HWDEVICE_TYPE_VAAPI, AV_HWDEVICE_TYPE_VULKAN, AV_HWDEVICE_TYPE_CUDA};
	enum AVHWDeviceType one[1] = {AV_HWDEVICE_TYPE_NONE};
	const enum AVHWDeviceType *types = auto_order;
	int count = 3;
	if (want != UHD_HWACCEL_AUTO) {
		one[0] = av_hwdevice_find_type_by_name(uhd_hwaccel_name(want));
		types = one;
		count = 1;
	}
	*choice = (struct uhd_hw_choice){0};
	why[0] = '\0';
	for (int i = 0; i < count; i++) {
		if (types[i] == AV_HWDEVICE_TYPE_NONE) {
			append(why, why_size, "%s: not built into this FFmpeg%s",
			       uhd_hwaccel_name(want), "");
			continue;
		}
		int ret = try_type(decoder, types[i], &choice->device, why, why_size);
		if (ret <= 0) {
			choice->type = ret == 0 ? av_hwdevice_get_type_name(types[i]) : NULL;
			return ret;
		}
	}
	return 0;
}

/* Picks the attached device's pixel format when libavcodec offers it; the
 * software format otherwise (libavcodec then decodes in software). */
static enum AVPixelFormat pick_format(AVCodecContext *codec, const enum AVPixelFormat *offered)
{
	const AVHWDeviceContext *device = (const AVHWDeviceContext *)codec->hw_device_ctx->data;
	const AVCodecHWConfig *config = find_config(codec->codec, device->type);
	for (const enum AVPixelFormat *f = offered; config && *f != AV_PIX_FMT_NONE; f++) {
		if (*f == config->pix_fmt) {
			return *f;
		}
	}
	for (const enum AVPixelFormat *f = offered; *f != AV_PIX_FMT_NONE; f++) {
		const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(*f);
		if (desc && !(desc->flags & AV_PIX_FMT_FLAG_HWACCEL)) {
			return *f;
		}
	}
	return AV_PIX_FMT_NONE;
}

void uhd_hw_attach(AVCodecContext *codec, struct uhd_hw_choice *choice)
{
	codec->hw_device_ctx = choice->device;
	codec->get_format = pick_format;
	choice->device = NULL;
}

int uhd_hw_download(AVFrame *frame, AVFrame *scratch)
{
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(frame->format);
	if (!desc || !(desc->flags & AV_PIX_FMT_FLAG_HWACCEL)) {
		return 0;
	}
	av_frame_unref(scratch);
	int ret = av_hwframe_transfer_data(scratch, frame, 0);
	ret = ret < 0 ? ret : av_frame_copy_props(scratch, frame);
	if (ret < 0) {
		return ret == AVERROR(ENOMEM) ? -ENOMEM : -EIO;
	}
	av_frame_unref(frame);
	av_frame_move_ref(frame, scratch);
	return 0;
}

bool uhd_hw_setup_message(const char *line)
{
	/* libavcodec's words when a hwaccel refuses the stream in get_format;
	 * it then goes on in software. */
	return strstr(line, "Failed setup for format") ||
	       strstr(line, "Could not find an AVHWAccel");
}
