/* SPDX-License-Identifier: MIT */
/* Still-image inputs of play: a PNG file or a folder of PNGs. */
#ifndef UHD_INTERNAL_PLAY_IMAGES_H
#define UHD_INTERNAL_PLAY_IMAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "uhdpipe/convert.h"
#include "uhdpipe/source.h"

struct uhd_image_list {
	char **paths; /* sorted by name */
	size_t count;
};

/* true when path is a folder or a file that starts with the PNG signature. */
bool uhd_play_input_is_images(const char *path);
/* Errors (logged): -ENOENT..., -ENODATA a folder without PNGs, -ENOMEM. */
int uhd_image_list_open(const char *path, struct uhd_image_list *list);
void uhd_image_list_close(struct uhd_image_list *list);
void uhd_image_list_info(const struct uhd_image_list *list, const struct uhd_image *first,
                         double duration, struct uhd_stream_info *info);

#endif
