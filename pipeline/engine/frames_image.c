/* SPDX-License-Identifier: MIT */
/* A single PNG as a one-frame input. */
#include "../common/log.h"
#include "frames.h"
#include "png_load.h"

struct image_frames {
	struct uhd_png_picture picture;
	bool given;
};

static int image_open(struct uhd_frames *frames, const char *path, struct uhd_context *ctx,
                      const struct uhd_render_options *options)
{
	(void)ctx;
	(void)options;
	struct image_frames *im = frames->priv;
	int ret = uhd_png_load(path, &im->picture);
	frames->count = 1;
	return ret;
}

static int image_next(struct uhd_frames *frames, const struct uhd_image **image,
                      struct uhd_frame_meta *meta)
{
	struct image_frames *im = frames->priv;
	if (im->given) {
		return 1;
	}
	im->given = true;
	*image = &im->picture.image;
	meta->index = 0;
	return 0;
}

static void image_close(struct uhd_frames *frames)
{
	struct image_frames *im = frames->priv;
	uhd_png_picture_finish(&im->picture);
}

const struct uhd_frames_impl uhd_frames_image = {
        .kind = "image",
        .priv_size = sizeof(struct image_frames),
        .open = image_open,
        .next = image_next,
        .close = image_close,
};
