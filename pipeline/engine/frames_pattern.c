/* SPDX-License-Identifier: MIT */
/* A named test pattern as a reference: "pattern:NAME [KEY=VALUE ...]". The
 * pattern is rendered in the format of the frame it is compared with (its size;
 * its depth from sBIT, 8 bits, or else 10; its transfer and range from cICP)
 * unless the spec sets size=WxH, bits=N, transfer=sdr|pq|hlg or range=narrow|full
 * (a size= that is not WxH, such as uniformity's size=40, stays the pattern's).
 * It gives one frame per input frame. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "frames.h"
#include "../pattern/pattern.h"

struct pattern_frames {
	struct uhd_context *ctx;
	char spec[1024];                 /* the pattern's own words */
	struct uhd_pattern_format fixed; /* format words of the spec; 0/-1: from the input */
	struct uhd_pattern *pattern;
	struct uhd_pattern_renderer *renderer;
	struct uhd_pattern_format format; /* the renderer's */
	struct uhd_image image;
	int64_t index;
};

static int format_word(struct pattern_frames *pf, const char *word, bool *taken)
{
	*taken = true;
	/* size=WxH is the picture's; any other size= is the pattern's own parameter
	 * (uniformity's marker size). */
	char x, end;
	int w, h;
	if (strncmp(word, "size=", 5) == 0 && sscanf(word + 5, "%d%c%d%c", &w, &x, &h, &end) == 3 &&
	    x == 'x') {
		if (w < 1 || h < 1) {
			return -EINVAL;
		}
		pf->fixed.width = w;
		pf->fixed.height = h;
		return 0;
	}
	if (strncmp(word, "bits=", 5) == 0) {
		pf->fixed.bits = atoi(word + 5);
		return pf->fixed.bits == 8 || pf->fixed.bits == 10 || pf->fixed.bits == 12
		               ? 0
		               : -EINVAL;
	}
	if (strncmp(word, "transfer=", 9) == 0) {
		return uhd_pattern_transfer_from_name(word + 9, &pf->fixed.transfer);
	}
	if (strncmp(word, "range=", 6) == 0) {
		pf->fixed.range = UHD_RANGE_FULL;
		return uhd_pattern_range_from_name(word + 6, &pf->fixed.range);
	}
	*taken = false;
	return 0;
}

/* Splits the format words off the spec; the rest is the pattern's. */
static int split_spec(struct pattern_frames *pf, const char *spec)
{
	char text[1024];
	if (strlen(spec) >= sizeof(text)) {
		return -EINVAL;
	}
	strcpy(text, spec);
	pf->fixed = (struct uhd_pattern_format){.transfer = -1, .range = (enum uhd_range) - 1};
	size_t used = 0;
	for (char *w = strtok(text, " \t"); w; w = strtok(NULL, " \t")) {
		bool taken = false;
		if (format_word(pf, w, &taken) < 0) {
			uhd_error(
			        "reference pattern: '%s' is not valid; use size=WxH, bits=8|10|12, "
			        "transfer=sdr|pq|hlg, range=narrow|full",
			        w);
			return -EINVAL;
		}
		if (!taken) {
			used += (size_t)snprintf(pf->spec + used, sizeof(pf->spec) - used, "%s%s",
			                         used ? " " : "", w);
		}
	}
	return 0;
}

static int pattern_open(struct uhd_frames *frames, const char *path, struct uhd_context *ctx,
                        const struct uhd_render_options *options)
{
	(void)options;
	struct pattern_frames *pf = frames->priv;
	pf->ctx = ctx;
	frames->count = -1; /* as many as the input gives */
	int ret = split_spec(pf, path + strlen("pattern:"));
	if (ret == 0 && !pf->spec[0]) {
		uhd_error("reference '%s' names no pattern; 'uhdpipe pattern --list' lists them",
		          path);
		ret = -EINVAL;
	}
	if (ret == 0) {
		/* Checked now in a default format, so that a bad name fails before any work. */
		struct uhd_pattern_format probe = UHD_PATTERN_FORMAT_DEFAULTS;
		struct uhd_pattern *pattern = NULL;
		char error[1024];
		ret = uhd_pattern_parse(pf->spec, &probe, &pattern, error, sizeof(error));
		if (ret < 0 && strstr(error, "unknown pattern")) {
			uhd_error("reference: %s", error);
		} else {
			ret = 0; /* other checks depend on the format, known at the first frame */
		}
		uhd_pattern_destroy(&pattern);
	}
	return ret;
}

/* The format to render for a frame like `like`. */
static struct uhd_pattern_format format_for(const struct pattern_frames *pf,
                                            const struct uhd_image *like)
{
	struct uhd_pattern_format f = {
	        .width = pf->fixed.width ? pf->fixed.width : like->width,
	        .height = pf->fixed.height ? pf->fixed.height : like->height,
	        .bits = pf->fixed.bits           ? pf->fixed.bits
	                : like->significant_bits ? like->significant_bits
	                : like->bits == 8        ? 8
	                                         : 10,
	        .transfer = pf->fixed.transfer >= 0 ? pf->fixed.transfer
	                    : like->colour.transfer == UHD_TRANSFER_PQ ||
	                                    like->colour.transfer == UHD_TRANSFER_HLG
	                            ? like->colour.transfer
	                            : UHD_TRANSFER_BT709,
	        .range = (int)pf->fixed.range >= 0 ? pf->fixed.range : like->colour.range,
	};
	return f;
}

static int prepare(struct uhd_frames *frames, const struct uhd_pattern_format *f)
{
	struct pattern_frames *pf = frames->priv;
	if (pf->pattern && uhd_pattern_same_format(&pf->format, f)) {
		return 0;
	}
	uhd_pattern_destroy(&pf->pattern);
	uhd_pattern_renderer_destroy(&pf->renderer);
	char error[1024];
	int ret = uhd_pattern_parse(pf->spec, f, &pf->pattern, error, sizeof(error));
	if (ret < 0) {
		uhd_error("reference: %s", error);
		return ret;
	}
	pf->format = *f;
	ret = uhd_pattern_renderer_create(pf->ctx, f, &pf->renderer);
	ret = ret ? ret : uhd_pattern_render(pf->renderer, pf->pattern, &pf->image);
	frames->gpu_failed = ret < 0;
	if (ret < 0) {
		uhd_pattern_destroy(&pf->pattern);
	}
	return ret;
}

static int pattern_next(struct uhd_frames *frames, const struct uhd_image **image,
                        struct uhd_frame_meta *meta)
{
	struct pattern_frames *pf = frames->priv;
	if (!frames->like) {
		return 1; /* the input has ended */
	}
	struct uhd_pattern_format f = format_for(pf, frames->like);
	int ret = prepare(frames, &f);
	if (ret < 0) {
		return ret;
	}
	*image = &pf->image;
	meta->decoded_index = pf->index;
	meta->index = pf->index++;
	return 0;
}

static void pattern_close(struct uhd_frames *frames)
{
	struct pattern_frames *pf = frames->priv;
	uhd_pattern_destroy(&pf->pattern);
	uhd_pattern_renderer_destroy(&pf->renderer);
}

const struct uhd_frames_impl uhd_frames_pattern = {
        .kind = "pattern",
        .priv_size = sizeof(struct pattern_frames),
        .open = pattern_open,
        .next = pattern_next,
        .close = pattern_close,
};
