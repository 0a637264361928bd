/* SPDX-License-Identifier: MIT */
/* Choosing and driving a frames backend (see frames.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../common/log.h"
#include "frames.h"

const struct uhd_frames_impl *uhd_frames_kind_of(const char *path)
{
	struct stat st;
	if (strncmp(path, "pattern:", 8) == 0) {
		return &uhd_frames_pattern;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		return &uhd_frames_refs;
	}
	size_t length = strlen(path);
	if (length > 4 && strcasecmp(path + length - 4, ".png") == 0) {
		return &uhd_frames_image;
	}
	return &uhd_frames_clip;
}

static int frames_create(const struct uhd_frames_impl *impl, const char *path,
                         struct uhd_frames **out)
{
	struct uhd_frames *frames = calloc(1, sizeof(*frames));
	void *priv = calloc(1, impl->priv_size);
	if (!frames || !priv) {
		free(frames);
		free(priv);
		return -ENOMEM;
	}
	frames->impl = impl;
	frames->priv = priv;
	frames->path = path;
	frames->count = -1;
	*out = frames;
	return 0;
}

int uhd_frames_open(const char *path, struct uhd_context *ctx,
                    const struct uhd_render_options *options, struct uhd_frames **out,
                    bool *gpu_failed)
{
	*out = NULL;
	if (gpu_failed) {
		*gpu_failed = false;
	}
	struct uhd_frames *frames;
	int ret = frames_create(uhd_frames_kind_of(path), path, &frames);
	if (ret < 0) {
		return ret;
	}
	ret = frames->impl->open(frames, path, ctx, options);
	if (ret == 0 && frames->impl->start) {
		ret = frames->impl->start(frames, ctx, &options->convert);
	}
	if (ret < 0) {
		if (gpu_failed) {
			*gpu_failed = frames->gpu_failed;
		}
		uhd_frames_close(&frames);
		return ret;
	}
	*out = frames;
	return 0;
}

int uhd_frames_probe(const struct uhd_frames_impl *impl, const char *path,
                     const struct uhd_render_options *options, struct uhd_frames **out)
{
	*out = NULL;
	struct uhd_frames *frames = NULL;
	int ret = frames_create(impl, path, &frames);
	ret = ret ? ret : frames->impl->open(frames, path, NULL, options);
	if (ret < 0) {
		uhd_frames_close(&frames);
		return ret;
	}
	*out = frames;
	return 0;
}

int uhd_frames_start(struct uhd_frames *frames, struct uhd_context *ctx,
                     const struct uhd_convert_params *convert)
{
	return frames->impl->start ? frames->impl->start(frames, ctx, convert) : 0;
}

int uhd_frames_next(struct uhd_frames *frames, const struct uhd_image **image,
                    struct uhd_frame_meta *meta)
{
	memset(meta, 0, sizeof(*meta));
	meta->pts = INT64_MIN;
	meta->time_s = -1;
	return frames->impl->next(frames, image, meta);
}

void uhd_frames_stop(struct uhd_frames *frames)
{
	if (frames->impl->stop) {
		frames->impl->stop(frames);
	}
}

void uhd_frames_decode_stats(struct uhd_frames *frames, struct uhd_decode_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	if (frames->impl->decode_stats) {
		frames->impl->decode_stats(frames, stats);
	}
}

void uhd_frames_close(struct uhd_frames **frames)
{
	if (!*frames) {
		return;
	}
	(*frames)->impl->close(*frames);
	free((*frames)->priv);
	free(*frames);
	*frames = NULL;
}
