/* SPDX-License-Identifier: MIT */
/* Frame counts from the container's packets, as the decoder will output them. */
#ifndef UHD_INTERNAL_FRAME_COUNT_H
#define UHD_INTERNAL_FRAME_COUNT_H

#include <stdbool.h>
#include <stdint.h>

#include <libavcodec/codec_id.h>

struct uhd_frame_count {
	int64_t frames;
	/* Equals what an undamaged stream decodes to. False when the packets
	 * cannot tell (why_estimated says what) or the container was cut. */
	bool exact;
	char method[16];        /* "packets" or "shown-frames" (VP9) */
	char why_estimated[96]; /* "" when exact */
};

/* Demuxes the whole file (no decoding) and counts the frames stream
 * stream_index (coded with codec, as the decoder was opened) will decode to.
 * Returns 0, or -EIO when the file cannot be opened again. */
int uhd_count_stream_frames(const char *path, int stream_index, enum AVCodecID codec,
                            struct uhd_frame_count *out);

#endif
