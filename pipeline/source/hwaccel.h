/* SPDX-License-Identifier: MIT */
/* Hardware decoding through FFmpeg's hwaccels: device choice, format negotiation and download. */
#ifndef UHD_INTERNAL_HWACCEL_H
#define UHD_INTERNAL_HWACCEL_H

#include <stddef.h>

#include <libavcodec/avcodec.h>

#include "uhdpipe/source.h"

/* A hardware device that decoder supports, opened: the first of the types
 * `want` names that works here. */
struct uhd_hw_choice {
	AVBufferRef *device; /* NULL: decode in software */
	const char *type;    /* its device type's name */
};

/* Looks for a hardware decoder path. Returns 0 with choice->device set, or
 * 0 with it NULL and the reason in why (one line), or -ENOMEM. */
int uhd_hw_choose(const AVCodec *decoder, enum uhd_hwaccel want, struct uhd_hw_choice *choice,
                  char *why, size_t why_size);

/* Hands the device to a decoder context not yet opened; takes the reference. */
void uhd_hw_attach(AVCodecContext *codec, struct uhd_hw_choice *choice);

/* Replaces a frame in hardware memory by its copy in system memory, with
 * the same properties; frames already in system memory are left alone.
 * scratch is a frame the caller keeps for this. Returns 0 or -ENOMEM/-EIO. */
int uhd_hw_download(AVFrame *frame, AVFrame *scratch);

/* Whether a libav error line is a hardware set-up failure (after which
 * libavcodec decodes in software), not damage of the clip. */
bool uhd_hw_setup_message(const char *line);

#endif
