/* SPDX-License-Identifier: MIT */
/*
 * Decoding ahead on a thread of its own: while the caller converts and
 * presents frame N, frame N+1 is being decoded. Frames come out in the
 * source's order, each exactly once; at most `depth` decoded frames wait in
 * the queue (back-pressure: the decoder stops until the caller takes one), so
 * memory stays flat on long clips.
 */
#ifndef UHD_INTERNAL_PREFETCH_H
#define UHD_INTERNAL_PREFETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "uhdpipe/source.h"

#define UHD_PREFETCH_MAX_DEPTH 4

struct uhd_prefetch;

/* What the decoding thread measured for one frame. */
struct uhd_prefetched {
	double decode_ms; /* the decoder's time for this frame alone */
	double time_s;    /* presentation time, -1 when the frame has none */
};

/* Starts decoding src on a new thread (depth 1..UHD_PREFETCH_MAX_DEPTH frames
 * ahead), for at most `limit` frames (-1: the whole clip): nothing past what
 * the caller will use is decoded, so no error beyond it can surface. The
 * source belongs to the thread until uhd_prefetch_stop. */
int uhd_prefetch_start(struct uhd_source *src, int depth, int64_t limit, struct uhd_prefetch **out);

/* As uhd_source_next_frame: 0 and the next frame (valid until the next call
 * or uhd_prefetch_stop), 1 at the end, or the decoder's negative error. */
int uhd_prefetch_next(struct uhd_prefetch *p, const struct uhd_frame **frame,
                      struct uhd_prefetched *info);

/* Gives back the frame the last uhd_prefetch_next returned (the caller is
 * done with it) and waits at most timeout_ms for the next one: true when
 * uhd_prefetch_next would not block (a frame, the end or an error waits). */
bool uhd_prefetch_wait(struct uhd_prefetch *p, int timeout_ms);

/* Stops the thread (after the frame it is decoding, if any) and frees the
 * queue; the source is the caller's again. */
void uhd_prefetch_stop(struct uhd_prefetch **p);

#endif
