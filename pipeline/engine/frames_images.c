/* SPDX-License-Identifier: MIT */
/*
 * Still images as play shows them: a PNG file, or a folder of PNGs in name
 * order, each for image_duration seconds (on a display: paced like frames of
 * a 1/duration fps clip). The pictures are already R'G'B', so they need no
 * GPU: each is read when its turn comes.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "png_load.h"
#include "frames.h"

struct image_list {
	char **paths; /* sorted by name */
	size_t count;
};

struct images_frames {
	struct image_list list;
	struct uhd_render_options options;
	struct uhd_png_picture first, current;
	double first_load_ms;
	struct uhd_stream_info info;
	size_t next; /* the list's index of the next image */
	int64_t given;
};

static bool is_png_name(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && strcasecmp(name + n - 4, ".png") == 0;
}

/* By content: a clip named .png is still a clip, a PNG named .mkv a PNG. */
static bool has_png_signature(const char *path)
{
	static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	unsigned char head[8] = {0};
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(head, 1, sizeof(head), f) : 0;
	if (f) {
		fclose(f);
	}
	return n == sizeof(head) && memcmp(head, signature, sizeof(head)) == 0;
}

bool uhd_frames_is_images(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 &&
	       (S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && has_png_signature(path)));
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The PNGs of a folder (sorted), or the one file. */
static int list_open(const char *path, struct image_list *list)
{
	memset(list, 0, sizeof(*list));
	struct stat st;
	if (stat(path, &st) != 0) {
		int err = errno;
		uhd_error("cannot open '%s': %s; check the path", path, strerror(err));
		return -err;
	}
	if (!S_ISDIR(st.st_mode)) {
		list->paths = calloc(1, sizeof(char *));
		if (list->paths) {
			list->paths[0] = strdup(path);
		}
		list->count = list->paths && list->paths[0] ? 1 : 0;
		return list->count ? 0 : -ENOMEM;
	}
	DIR *dir = opendir(path);
	if (!dir) {
		int err = errno;
		uhd_error("cannot read the folder '%s': %s", path, strerror(err));
		return -err;
	}
	size_t capacity = 0;
	int ret = 0;
	for (struct dirent *e; (e = readdir(dir)) && ret == 0;) {
		if (!is_png_name(e->d_name) || e->d_name[0] == '.') {
			continue;
		}
		if (list->count == capacity) {
			capacity = capacity ? 2 * capacity : 64;
			char **paths = realloc(list->paths, capacity * sizeof(char *));
			ret = paths ? 0 : -ENOMEM;
			list->paths = paths ? paths : list->paths;
		}
		if (ret == 0 && asprintf(&list->paths[list->count], "%s/%s", path, e->d_name) < 0) {
			ret = -ENOMEM;
		}
		list->count += ret == 0;
	}
	closedir(dir);
	if (ret == 0 && list->count == 0) {
		uhd_error(
		        "the folder '%s' has no .png files; give a clip, a PNG or a folder of PNGs",
		        path);
		ret = -ENODATA;
	}
	if (ret == 0) {
		qsort(list->paths, list->count, sizeof(char *), by_name);
	}
	return ret;
}

static void list_close(struct image_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->paths[i]);
	}
	free(list->paths);
	memset(list, 0, sizeof(*list));
}

/* What the report's "input" says about still images. */
static void list_info(const struct image_list *list, const struct uhd_image *first, double duration,
                      struct uhd_stream_info *info)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->container, sizeof(info->container), "%s",
	         list->count > 1 ? "png folder" : "png");
	snprintf(info->codec, sizeof(info->codec), "png");
	snprintf(info->decoder, sizeof(info->decoder), "libpng");
	snprintf(info->pixel_format, sizeof(info->pixel_format), "%s",
	         first->bits == 16 ? "rgb48be" : "rgb24");
	info->width = first->width;
	info->height = first->height;
	/* One image per `duration` seconds, in milliseconds of precision. */
	info->fps_num = 1000;
	info->fps_den = (int)(duration * 1000 + 0.5);
	info->frame_count = (int64_t)list->count;
	info->frame_count_exact = true;
	snprintf(info->frame_count_method, sizeof(info->frame_count_method), "images");
	info->displayable = true;
	info->duration_s = duration * (double)list->count;
	info->bit_depth = first->significant_bits ? first->significant_bits : first->bits;
	info->colour = first->colour;
}

static int images_open(struct uhd_frames *frames, const char *path, struct uhd_context *ctx,
                       const struct uhd_render_options *options)
{
	(void)ctx;
	struct images_frames *im = frames->priv;
	im->options = *options;
	double t0 = uhd_now_ms();
	int ret = list_open(path, &im->list);
	ret = ret ? ret : uhd_png_load(im->list.paths[0], &im->first);
	if (ret < 0) {
		return ret;
	}
	im->first_load_ms = uhd_now_ms() - t0;
	list_info(&im->list, &im->first.image, options->image_duration, &im->info);
	frames->info = &im->info;
	int64_t count = (int64_t)im->list.count - options->start;
	count = count < 0 ? 0 : count;
	frames->count = options->frames >= 0 && options->frames < count ? options->frames : count;
	im->next = (size_t)options->start;
	return 0;
}

static int images_next(struct uhd_frames *frames, const struct uhd_image **image,
                       struct uhd_frame_meta *meta)
{
	struct images_frames *im = frames->priv;
	if (im->next >= im->list.count ||
	    (im->options.frames >= 0 && im->given >= im->options.frames)) {
		return 1;
	}
	size_t i = im->next++;
	double t0 = uhd_now_ms();
	uhd_png_picture_finish(&im->current);
	int ret = i == 0 ? 0 : uhd_png_load(im->list.paths[i], &im->current);
	if (ret < 0) {
		return ret;
	}
	frames->decoded = (int64_t)i + 1;
	double duration = im->options.image_duration;
	meta->index = im->given++;
	meta->decoded_index = (int64_t)i;
	meta->pts = (int64_t)i;
	meta->time_s = (double)i * duration;
	/* The first image was read when the input opened. */
	meta->decode_ms = i == 0 ? im->first_load_ms : uhd_now_ms() - t0;
	*image = i == 0 ? &im->first.image : &im->current.image;
	return 0;
}

static void images_stop(struct uhd_frames *frames)
{
	struct images_frames *im = frames->priv;
	im->next = im->list.count;
}

static void images_close(struct uhd_frames *frames)
{
	struct images_frames *im = frames->priv;
	uhd_png_picture_finish(&im->current);
	uhd_png_picture_finish(&im->first);
	list_close(&im->list);
}

const struct uhd_frames_impl uhd_frames_images = {
        .kind = "images",
        .priv_size = sizeof(struct images_frames),
        .open = images_open,
        .next = images_next,
        .stop = images_stop,
        .close = images_close,
};
