/* SPDX-License-Identifier: MIT */
/*
 * A clip decoded and converted on the GPU. Decoding runs decode_ahead frames
 * ahead on a thread of its own (source/prefetch.c; 0: in the caller's thread)
 * while up to frames_in_flight frames convert on the GPU; next() hands them out in decoding order,
 * each with what the decoder and the GPU measured for it, and waits on the GPU only when every slot
 * is taken or the decoder has nothing ready. Once the input ends, fails to decode or is stopped,
 * the frames already on the GPU still come out, then the end or the decoder's error.
 */
#include <errno.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "../convert/converter.h"
#include "../source/orientation.h"
#include "../source/prefetch.h"
#include "frames.h"
#include "uhdpipe/context.h"
#include "uhdpipe/source.h"

/* A frame on the GPU: what its caller learns once it is back. */
struct on_gpu {
	struct uhd_frame_meta meta;
	struct uhd_colour colour;
};

struct clip_frames {
	struct uhd_source *source;
	struct uhd_converter *converter;
	struct uhd_prefetch *ahead; /* decoding ahead: from the first frame until taking is done */
	bool started;
	struct uhd_render_options options;
	struct on_gpu on_gpu[UHD_CONVERT_MAX_IN_FLIGHT]; /* oldest first, a ring */
	int on_gpu_first;
	struct uhd_image image;
	int64_t submitted;
	bool taking_done; /* the input ended, failed or was stopped */
	int input_error;  /* the decoder's, handed out after the frames on the GPU */
};

static int clip_open(struct uhd_frames *frames, const char *path, struct uhd_context *ctx,
                     const struct uhd_render_options *options)
{
	(void)ctx; /* start() follows */
	struct clip_frames *clip = frames->priv;
	clip->options = *options;
	int ret = uhd_source_open(path, &options->source, &clip->source);
	if (ret < 0) {
		return ret;
	}
	uhd_source_count_frames(clip->source);
	const struct uhd_stream_info *info = uhd_source_info(clip->source);
	frames->info = info;
	frames->orientation = uhd_source_turn(info, path, options->rotate);
	int64_t count = info->frame_count - options->start;
	/* An estimated count is no count: the pairs are matched as they decode. */
	if (info->frame_count >= 0 && info->frame_count_exact) {
		count = count < 0 ? 0 : count;
		frames->count =
		        options->frames >= 0 && options->frames < count ? options->frames : count;
	}
	return 0;
}

static int clip_start(struct uhd_frames *frames, struct uhd_context *ctx,
                      const struct uhd_convert_params *convert)
{
	struct clip_frames *clip = frames->priv;
	struct uhd_convert_params *c = &clip->options.convert;
	*c = *convert;
	if (clip->options.decoded_planes) {
		return 0; /* nothing converts */
	}
	c->orientation = frames->orientation;
	if (c->frames_in_flight <= 0) {
		c->frames_in_flight = uhd_context_limits(ctx)->cpu ? 1 : 2;
	}
	frames->frames_in_flight = c->frames_in_flight;
	int ret = uhd_converter_create(ctx, frames->info, c, &clip->converter);
	frames->gpu_failed = ret < 0 && ret != -ENOTSUP;
	return ret;
}

void uhd_frames_keep_planes(struct uhd_frames *frames, bool keep)
{
	if (frames->impl == &uhd_frames_clip) {
		struct clip_frames *clip = frames->priv;
		clip->options.decoded_planes = keep;
	}
}

static void clip_stop(struct uhd_frames *frames)
{
	struct clip_frames *clip = frames->priv;
	clip->taking_done = true;
	uhd_prefetch_stop(&clip->ahead); /* the source is ours again */
}

static int gpu_failure(struct uhd_frames *frames, int ret)
{
	frames->gpu_failed = true;
	return ret;
}

static int decode_one(struct clip_frames *clip, const struct uhd_frame **frame,
                      struct uhd_prefetched *info)
{
	if (clip->ahead) {
		return uhd_prefetch_next(clip->ahead, frame, info);
	}
	double t0 = uhd_now_ms();
	int ret = uhd_source_next_frame(clip->source, frame);
	info->decode_ms = uhd_now_ms() - t0;
	info->time_s = ret == 0 ? uhd_frame_time_s(*frame, clip->source) : -1;
	return ret;
}

/* What the caller learns of a decoded frame: its numbers, timing and damage. */
static struct uhd_frame_meta meta_of(const struct uhd_frame *frame,
                                     const struct uhd_prefetched *decoded, int64_t index,
                                     int64_t decoded_index)
{
	struct uhd_frame_damage damage = uhd_frame_get_damage(frame);
	struct uhd_frame_meta meta = {
	        .index = index,
	        .pts = uhd_frame_pts(frame),
	        .decoded_index = decoded_index,
	        .time_s = decoded->time_s,
	        .decode_ms = decoded->decode_ms,
	        .decode_errors = damage.decode_errors,
	        .corrupt = damage.corrupt,
	};
	meta.has_hdr10plus = uhd_frame_hdr10plus(frame, &meta.hdr10plus);
	return meta;
}

/* Takes the next decoded frame and queues its conversion, unless --start
 * skips it; the end or a decoding error ends the taking. */
static int take_decoded(struct uhd_frames *frames)
{
	struct clip_frames *clip = frames->priv;
	const struct uhd_render_options *o = &clip->options;
	if (o->frames >= 0 && clip->submitted >= o->frames) {
		clip_stop(frames);
		return 0;
	}
	const struct uhd_frame *frame;
	struct uhd_prefetched decoded;
	int ret = decode_one(clip, &frame, &decoded);
	if (ret != 0) {
		clip->input_error = ret < 0 ? ret : 0;
		clip_stop(frames);
		return 0;
	}
	int64_t decoded_index = frames->decoded++;
	if (decoded_index < o->start) {
		return 0;
	}
	int in_flight = uhd_converter_in_flight(clip->converter);
	struct on_gpu *slot =
	        &clip->on_gpu[(clip->on_gpu_first + in_flight) % UHD_CONVERT_MAX_IN_FLIGHT];
	slot->meta = meta_of(frame, &decoded, clip->submitted, decoded_index);
	uhd_frame_colour(frame, clip->source, &slot->colour);
	ret = uhd_converter_submit(clip->converter, frame);
	if (ret < 0) {
		return gpu_failure(frames, ret);
	}
	clip->submitted++;
	return 0;
}

/* Waits for the oldest frame on the GPU and hands it out. */
static int receive_oldest(struct uhd_frames *frames, const struct uhd_image **image,
                          struct uhd_frame_meta *meta)
{
	struct clip_frames *clip = frames->priv;
	struct on_gpu *done = &clip->on_gpu[clip->on_gpu_first];
	struct uhd_convert_timing timing;
	int ret = uhd_converter_receive(clip->converter, &clip->image, &timing);
	if (ret < 0) {
		return gpu_failure(frames, ret);
	}
	clip->on_gpu_first = (clip->on_gpu_first + 1) % UHD_CONVERT_MAX_IN_FLIGHT;
	clip->image.colour = done->colour;
	uhd_tonemap_output_colour(uhd_converter_tonemap(clip->converter), &clip->image.colour);
	clip->image.colour.matrix = UHD_MATRIX_RGB;
	clip->image.colour.range = UHD_RANGE_FULL;
	*meta = done->meta;
	meta->upload_ms = timing.upload_ms;
	meta->gpu_ms = timing.gpu_ms;
	meta->zero_copy = timing.zero_copy;
	*image = &clip->image;
	return 0;
}

/* The next decoded frame past --start, unconverted (decoded_planes). */
static int next_decoded(struct uhd_frames *frames, const struct uhd_image **image,
                        struct uhd_frame_meta *meta)
{
	struct clip_frames *clip = frames->priv;
	const struct uhd_render_options *o = &clip->options;
	*image = NULL;
	frames->decoded_frame = NULL;
	for (;;) {
		if (clip->taking_done || (o->frames >= 0 && clip->submitted >= o->frames)) {
			clip_stop(frames);
			return clip->input_error ? clip->input_error : 1;
		}
		const struct uhd_frame *frame;
		struct uhd_prefetched decoded;
		int ret = decode_one(clip, &frame, &decoded);
		if (ret != 0) {
			clip->input_error = ret < 0 ? ret : 0;
			clip_stop(frames);
			return ret;
		}
		int64_t decoded_index = frames->decoded++;
		if (decoded_index < o->start) {
			continue;
		}
		*meta = meta_of(frame, &decoded, clip->submitted++, decoded_index);
		uhd_frame_colour(frame, clip->source, &frames->decoded_colour);
		frames->decoded_frame = frame;
		return 0;
	}
}

static int clip_next(struct uhd_frames *frames, const struct uhd_image **image,
                     struct uhd_frame_meta *meta)
{
	struct clip_frames *clip = frames->priv;
	const struct uhd_render_options *o = &clip->options;
	if (!clip->started && !clip->taking_done && o->decode_ahead > 0) {
		int64_t needed = o->frames < 0 ? -1 : o->start + o->frames;
		int ret = uhd_prefetch_start(clip->source, o->decode_ahead, needed, &clip->ahead);
		if (ret < 0) {
			clip_stop(frames);
			return ret;
		}
	}
	clip->started = true;
	if (o->decoded_planes) {
		return next_decoded(frames, image, meta);
	}
	for (;;) {
		int in_flight = uhd_converter_in_flight(clip->converter);
		if (clip->taking_done || in_flight == clip->options.convert.frames_in_flight) {
			if (in_flight == 0) {
				return clip->input_error ? clip->input_error : 1;
			}
			return receive_oldest(frames, image, meta);
		}
		/* While the decoding thread has nothing ready, watch the GPU in steps
		 * of a millisecond: a finished frame goes out at once. */
		if (in_flight > 0) {
			int done = uhd_converter_poll(clip->converter);
			if (done < 0) {
				return gpu_failure(frames, done);
			}
			if (done) {
				return receive_oldest(frames, image, meta);
			}
			if (clip->ahead && !uhd_prefetch_wait(clip->ahead, 1)) {
				continue;
			}
		}
		int ret = take_decoded(frames);
		if (ret < 0) {
			return ret;
		}
	}
}

static void clip_decode_stats(struct uhd_frames *frames, struct uhd_decode_stats *stats)
{
	struct clip_frames *clip = frames->priv;
	clip_stop(frames);
	uhd_source_decode_stats(clip->source, stats);
}

static void clip_close(struct uhd_frames *frames)
{
	struct clip_frames *clip = frames->priv;
	uhd_prefetch_stop(&clip->ahead);
	uhd_converter_destroy(&clip->converter);
	uhd_source_destroy(&clip->source);
}

const struct uhd_frames_impl uhd_frames_clip = {
        .kind = "clip",
        .priv_size = sizeof(struct clip_frames),
        .open = clip_open,
        .start = clip_start,
        .stop = clip_stop,
        .decode_stats = clip_decode_stats,
        .next = clip_next,
        .close = clip_close,
};
