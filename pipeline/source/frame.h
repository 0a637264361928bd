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

#endif
