/* SPDX-License-Identifier: MIT */
/* Internal view of a decoded frame: a thin wrapper over libavcodec's AVFrame. */
#ifndef UHD_INTERNAL_FRAME_H
#define UHD_INTERNAL_FRAME_H

#include <libavutil/frame.h>

#include "uhdpipe/source.h"

struct uhd_frame {
	AVFrame *av;
	struct uhd_frame_damage damage; /* filled by lenient sources */
};

/* The block of memory (the decoder's buffer) that holds plane `plane` (as
 * uhd_frame_plane numbers them): its start and size, for reading the plane
 * where it lies. -ENOENT when the frame has no such buffer. */
int uhd_frame_plane_block(const struct uhd_frame *frame, int plane, const uint8_t **base,
                          size_t *size);

#endif
