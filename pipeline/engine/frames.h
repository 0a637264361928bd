/* SPDX-License-Identifier: MIT */
/*
 * Frames to compare, from any of the inputs `uhdpipe check` takes: a clip
 * (decoded and converted on the GPU with the render options), a single PNG,
 * or a reference folder written by `uhdpipe refs`. Each backend sits behind
 * struct uhd_frames_impl, one file per backend.
 */
#ifndef UHD_INTERNAL_FRAMES_H
#define UHD_INTERNAL_FRAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/checksum.h"
#include "uhdpipe/convert.h"

/* How clips are rendered: what `uhdpipe refs` records and `check` reuses. */
struct uhd_render_options {
	struct uhd_convert_params convert;
	int64_t start;  /* decoded frames skipped */
	int64_t frames; /* -1: all */
	bool rotate;    /* clips: apply the display matrix */
};

struct uhd_frame_meta {
	int64_t index;     /* output frame index */
	int64_t pts;       /* INT64_MIN when unknown */
	uint64_t checksum; /* XXH3-64 of the pixel rows */
	bool has_checksum; /* recorded by refs.json (else computed on demand) */
};

struct uhd_frames;

struct uhd_frames_impl {
	const char *kind; /* "clip", "image", "refs" */
	size_t priv_size;
	/* ctx is only used by backends that render. */
	int (*open)(struct uhd_frames *frames, const char *path, struct uhd_context *ctx,
	            const struct uhd_render_options *options);
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
	/* Options recorded by a reference folder (refs only). */
	bool has_recorded_options;
	struct uhd_render_options recorded;
	/* Set by a backend when its last failure was the GPU's (rendering), not
	 * the input's: the caller picks the exit code from it. */
	bool gpu_failed;
	/* The frame this input is compared with, set before each next() (NULL
	 * once the other side has ended): a pattern reference takes its format. */
	const struct uhd_image *like;
};

extern const struct uhd_frames_impl uhd_frames_clip;
extern const struct uhd_frames_impl uhd_frames_image;
extern const struct uhd_frames_impl uhd_frames_refs;
extern const struct uhd_frames_impl uhd_frames_pattern;

/* The backend for path: "pattern:SPEC" a test pattern, a folder (reference set),
 * a .png file, else a clip. */
const struct uhd_frames_impl *uhd_frames_kind_of(const char *path);

/* On failure *gpu_failed (may be NULL) says whether the GPU, not the input,
 * failed. */
int uhd_frames_open(const char *path, struct uhd_context *ctx,
                    const struct uhd_render_options *options, struct uhd_frames **out,
                    bool *gpu_failed);
int uhd_frames_next(struct uhd_frames *frames, const struct uhd_image **image,
                    struct uhd_frame_meta *meta);
void uhd_frames_close(struct uhd_frames **frames);

/* Reference folders only: hand out frames skip .. skip + limit - 1 of those
 * recorded (as --start/--frames select from a clip; an empty window is
 * allowed). -EINVAL out of range. */
int uhd_frames_refs_window(struct uhd_frames *frames, int64_t skip, int64_t limit);

#endif
