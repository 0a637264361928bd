/* SPDX-License-Identifier: MIT */
/* A clip decoded and converted on the GPU, frame by frame, as `play` does. */
#include <errno.h>

#include "../common/log.h"
#include "../source/orientation.h"
#include "frames.h"
#include "uhdpipe/source.h"

struct clip_frames {
	struct uhd_source *source;
	struct uhd_converter *converter;
	struct uhd_render_options options;
	struct uhd_image image;
	int64_t decoded, given;
};

/* A Dolby Vision base layer without a compatible picture is no colour to compare. */
static int refuse_undisplayable(const struct uhd_stream_info *info, const char *path)
{
	if (info->displayable) {
		return 0;
	}
	uhd_error("'%s' is Dolby Vision profile %d with base layer compatibility %d: its base "
	          "layer is not a picture without a Dolby Vision decoder (its colours are "
	          "coded for the RPU's reshaping), so it cannot be compared; uhdpipe play -o "
	          "null still decodes and times it",
	          path, info->dolby_vision.profile, info->dolby_vision.bl_compatibility_id);
	return -ENOTSUP;
}

static int clip_open(struct uhd_frames *frames, const char *path, struct uhd_context *ctx,
                     const struct uhd_render_options *options)
{
	struct clip_frames *clip = frames->priv;
	clip->options = *options;
	int ret = uhd_source_open(path, NULL, &clip->source);
	if (ret < 0) {
		return ret;
	}
	uhd_source_count_frames(clip->source);
	const struct uhd_stream_info *info = uhd_source_info(clip->source);
	ret = refuse_undisplayable(info, path);
	if (ret < 0) {
		return ret;
	}
	clip->options.convert.orientation = uhd_source_turn(info, path, options->rotate);
	int64_t count = info->frame_count - options->start;
	/* An estimated count is no count: the pairs are matched as they decode. */
	if (info->frame_count >= 0 && info->frame_count_exact) {
		count = count < 0 ? 0 : count;
		frames->count =
		        options->frames >= 0 && options->frames < count ? options->frames : count;
	}
	ret = uhd_converter_create(ctx, info, &clip->options.convert, &clip->converter);
	frames->gpu_failed = ret < 0 && ret != -ENOTSUP;
	return ret;
}

static int clip_next(struct uhd_frames *frames, const struct uhd_image **image,
                     struct uhd_frame_meta *meta)
{
	struct clip_frames *clip = frames->priv;
	if (clip->options.frames >= 0 && clip->given >= clip->options.frames) {
		return 1;
	}
	const struct uhd_frame *frame;
	int ret;
	do {
		ret = uhd_source_next_frame(clip->source, &frame);
		if (ret != 0) {
			return ret;
		}
	} while (clip->decoded++ < clip->options.start);
	ret = uhd_converter_process(clip->converter, frame, &clip->image, NULL);
	if (ret < 0) {
		frames->gpu_failed = true;
		return ret;
	}
	uhd_frame_colour(frame, clip->source, &clip->image.colour);
	clip->image.colour.matrix = UHD_MATRIX_RGB;
	clip->image.colour.range = UHD_RANGE_FULL;
	meta->index = clip->given++;
	meta->pts = uhd_frame_pts(frame);
	*image = &clip->image;
	return 0;
}

static void clip_close(struct uhd_frames *frames)
{
	struct clip_frames *clip = frames->priv;
	uhd_converter_destroy(&clip->converter);
	uhd_source_destroy(&clip->source);
}

const struct uhd_frames_impl uhd_frames_clip = {
        .kind = "clip",
        .priv_size = sizeof(struct clip_frames),
        .open = clip_open,
        .next = clip_next,
        .close = clip_close,
};
