/* SPDX-License-Identifier: MIT */
/*
 * The frame inputs of every run: a clip (decoded a frame ahead on a thread of
 * its own and converted on the GPU, several frames in flight), a single PNG,
 * a reference folder written by `uhdpipe refs`, or a test pattern. Each
 * backend sits behind struct uhd_frames_impl, one file per backend.
 */
#ifndef UHD_INTERNAL_FRAMES_H
#define UHD_INTERNAL_FRAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/checksum.h"
#include "../source/hdr10plus.h"
#include "uhdpipe/convert.h"
#include "uhdpipe/source.h"

/* How clips are rendered: what `uhdpipe refs` records and `check` reuses. */
struct uhd_render_options {
	struct uhd_convert_params convert;
	int64_t start;  /* decoded frames skipped */
	int64_t frames; /* -1: all */
	bool rotate;    /* clips: apply the display matrix */
	/* Clips: how to decode (zeroed: UHD_SOURCE_DEFAULTS). Not recorded by refs. */
	struct uhd_source_params source;
	/* Clips: frames decoded ahead on a thread of their own, 0 to
	 * UHD_PREFETCH_MAX_DEPTH (0: decoded when asked for; a damaged clip's
	 * error then surfaces no earlier than its frame). */
	int decode_ahead;
	/* Clips: hand out each decoded frame as it is (uhd_frames.decoded_frame, no
	 * image), unconverted: check --domain yuv. */
	bool decoded_planes;
	double image_duration; /* still images (play): seconds each */
};

struct uhd_frame_meta {
	int64_t index;     /* output frame index */
	int64_t pts;       /* INT64_MIN when unknown */
	uint64_t checksum; /* XXH3-64 of the pixel rows */
	bool has_checksum; /* recorded by refs.json (else computed on demand) */
	/* The input's own number for the frame, as its user knows it: a clip's
	 * decoded frame (--start counts them), a reference folder's recorded frame
	 * (frame-N.png), a pattern's frame, 0 for one PNG. */
	int64_t decoded_index;
	/* Clips: where the frame came from and what it cost. */
	double time_s;     /* presentation time, -1 when unknown */
	int decode_errors; /* counted since the previous decoded frame */
	bool corrupt;      /* the picture may be wrong (uhd_frame_damage) */
	bool zero_copy;    /* the GPU read the decoded planes in place */
	double decode_ms, upload_ms, gpu_ms;
	bool has_hdr10plus; /* the frame's own ST 2094-40 metadata, when it has some */
	struct uhd_hdr10plus hdr10plus;
};

struct uhd_frames;

struct uhd_frames_impl {
	const char *kind; /* "clip", "image", "refs" */
	size_t priv_size;
	/* ctx is only used by backends that render; NULL when a start() follows. */
	int (*open)(struct uhd_frames *frames, const char *path, struct uhd_context *ctx,
	            const struct uhd_render_options *options);
	/* Optional (clips): sets up the rendering after an open without ctx. */
	int (*start)(struct uhd_frames *frames, struct uhd_context *ctx,
	             const struct uhd_convert_params *convert);
	/* Optional (clips): take no more frames from the input. */
	void (*stop)(struct uhd_frames *frames);
	/* Optional (clips): what the decoder counted (stops the decoding thread). */
	void (*decode_stats)(struct uhd_frames *frames, struct uhd_decode_stats *stats);
	/* 0 with a frame, 1 at the end, negative on error. The image stays valid
	 * until the next call. */
	int (*next)(struct uhd_frames *frames, const struct uhd_image **image,
	            struct uhd_frame_meta *meta);
	void (*close)(struct uhd_frames *frames);
};

struct uhd_frames {
	const struct uhd_frames_impl *impl;
	void *priv;
	const char *path;
	int64_t count; /* frames this input will give, -1 when unknown */
	/* Clips: the stream, the turn its display matrix asks for (when the
	 * options say rotate), frames decoded so far (also those --start skips)
	 * and frames on the GPU at once (after start). */
	const struct uhd_stream_info *info;
	struct uhd_orientation orientation;
	int64_t decoded;
	int frames_in_flight;
	/* Options recorded by a reference folder (refs only). */
	bool has_recorded_options;
	struct uhd_render_options recorded;
	/* Set by a backend when its last failure was the GPU's (rendering), not
	 * the input's: the caller picks the exit code from it. */
	bool gpu_failed;
	/* The frame this input is compared with, set before each next() (NULL
	 * once the other side has ended): a pattern reference takes its format. */
	const struct uhd_image *like;
	/* With uhd_render_options.decoded_planes: the frame next() gave (valid until the
	 * next call) and its colour description. */
	const struct uhd_frame *decoded_frame;
	struct uhd_colour decoded_colour;
};

extern const struct uhd_frames_impl uhd_frames_clip;
extern const struct uhd_frames_impl uhd_frames_image;
extern const struct uhd_frames_impl uhd_frames_refs;
extern const struct uhd_frames_impl uhd_frames_pattern;
/* A PNG or a folder of PNGs in name order (play; check takes one PNG). */
extern const struct uhd_frames_impl uhd_frames_images;

/* play: true when path is a folder or a file that starts with the PNG signature. */
bool uhd_frames_is_images(const char *path);

/* The backend for path: "pattern:SPEC" a test pattern, a folder (reference set),
 * a .png file, else a clip. */
const struct uhd_frames_impl *uhd_frames_kind_of(const char *path);

/* On failure *gpu_failed (may be NULL) says whether the GPU, not the input,
 * failed. */
int uhd_frames_open(const char *path, struct uhd_context *ctx,
                    const struct uhd_render_options *options, struct uhd_frames **out,
                    bool *gpu_failed);
/* In two steps, for a run that sizes its output after reading the input
 * (play): probe opens path and renders nothing yet; start sets up the
 * rendering on ctx with convert (its orientation is replaced by the
 * input's; frames_in_flight 0: 1 on a CPU device, else 2). */
int uhd_frames_probe(const struct uhd_frames_impl *impl, const char *path,
                     const struct uhd_render_options *options, struct uhd_frames **out);
int uhd_frames_start(struct uhd_frames *frames, struct uhd_context *ctx,
                     const struct uhd_convert_params *convert);
/* Clips, between probe and start: hand out decoded frames unconverted or not
 * (uhd_render_options.decoded_planes), once the caller knows which it needs. */
void uhd_frames_keep_planes(struct uhd_frames *frames, bool keep);
/* 0 and a frame, 1 at the end, negative on error (the input's, or the GPU's
 * when frames->gpu_failed). After the input fails to decode, the frames
 * already on the GPU come out first, then the error. */
int uhd_frames_next(struct uhd_frames *frames, const struct uhd_image **image,
                    struct uhd_frame_meta *meta);
/* Takes no more frames from the input (an interrupt): next() hands out the
 * frames already on the GPU, then ends. */
void uhd_frames_stop(struct uhd_frames *frames);
/* Clips: the decoder's counts (all zero for other inputs). */
void uhd_frames_decode_stats(struct uhd_frames *frames, struct uhd_decode_stats *stats);
void uhd_frames_close(struct uhd_frames **frames);

/* Reference folders only: hand out frames skip .. skip + limit - 1 of those
 * recorded (as --start/--frames select from a clip; an empty window is
 * allowed). -EINVAL out of range. */
int uhd_frames_refs_window(struct uhd_frames *frames, int64_t skip, int64_t limit);

#endif
