/* SPDX-License-Identifier: MIT */
/*
 * A reference folder written by `uhdpipe refs`: refs.json lists the frames,
 * their checksums and the options they were rendered with. A set whose
 * refs.json is missing, marked incomplete, or whose PNGs no longer match
 * their recorded checksums is refused, never compared in part.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/json_read.h"
#include "../common/log.h"
#include "frames.h"
#include "png_load.h"

struct ref_frame {
	int64_t pts;
	uint64_t checksum;
	char file[256];
};

struct refs_frames {
	char dir[PATH_MAX];
	struct ref_frame *list;
	int64_t count, next;
	int64_t first; /* index of the first frame handed out (uhd_frames_refs_window) */
	struct uhd_png_picture picture;
};

static int refs_error(const char *dir, const char *what)
{
	uhd_error("the reference folder '%s' is not usable: %s; record it again with 'uhdpipe "
	          "refs INPUT -o %s'",
	          dir, what, dir);
	return -EINVAL;
}

static int read_options(struct uhd_frames *frames, const json_t *root, const char *dir)
{
	const json_t *options = json_object_get(root, "options");
	int64_t width, height, start, count;
	const char *scaler;
	if (!uhd_json_get_int(options, "width", &width) ||
	    !uhd_json_get_int(options, "height", &height) ||
	    !uhd_json_get_int(options, "start", &start) ||
	    !uhd_json_get_int(options, "frames", &count) ||
	    !uhd_json_get_string(options, "scaler", &scaler) || width <= 0 || height <= 0 ||
	    width > INT_MAX || height > INT_MAX || start < 0) {
		return refs_error(dir, "refs.json has no valid \"options\"");
	}
	struct uhd_render_options *r = &frames->recorded;
	r->convert = UHD_CONVERT_DEFAULTS;
	r->convert.width = (int)width;
	r->convert.height = (int)height;
	if (uhd_scaler_from_name(scaler, &r->convert.scaler) < 0) {
		return refs_error(dir, "refs.json names an unknown scaler");
	}
	r->start = start;
	r->frames = count;
	/* Sets recorded before --rotate existed kept the coded orientation. */
	const char *rotate = "none";
	uhd_json_get_string(options, "rotate", &rotate);
	if (strcmp(rotate, "auto") != 0 && strcmp(rotate, "none") != 0) {
		return refs_error(dir, "refs.json names an unknown \"rotate\" (auto or none)");
	}
	r->rotate = strcmp(rotate, "auto") == 0;
	frames->has_recorded_options = true;
	return 0;
}

static int read_frame(const json_t *item, int64_t index, struct ref_frame *out)
{
	int64_t at, pts = INT64_MIN;
	const char *checksum, *file;
	if (!uhd_json_get_int(item, "index", &at) || at != index ||
	    !uhd_json_get_string(item, "checksum_xxh3", &checksum) ||
	    !uhd_json_get_string(item, "file", &file) || strchr(file, '/') ||
	    strlen(file) >= sizeof(out->file) || strlen(checksum) != 16) {
		return -EINVAL;
	}
	char *end;
	out->checksum = strtoull(checksum, &end, 16);
	if (*end) {
		return -EINVAL;
	}
	uhd_json_get_int(item, "pts", &pts);
	out->pts = pts;
	snprintf(out->file, sizeof(out->file), "%s", file);
	return 0;
}

static int read_frames(struct refs_frames *refs, const json_t *root)
{
	const json_t *list = json_object_get(root, "frames");
	size_t n = json_array_size(list);
	if (n == 0) {
		return refs_error(refs->dir, "refs.json lists no frames");
	}
	refs->list = calloc(n, sizeof(*refs->list));
	if (!refs->list) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (read_frame(json_array_get(list, i), (int64_t)i, &refs->list[i]) < 0) {
			char what[96];
			snprintf(what, sizeof(what), "frame %zu of refs.json is malformed", i);
			return refs_error(refs->dir, what);
		}
	}
	refs->count = (int64_t)n;
	return 0;
}

static int check_header(const json_t *root, const char *dir)
{
	const char *tool;
	bool complete = false;
	if (!uhd_json_get_string(root, "tool", &tool) || strcmp(tool, "uhdpipe refs") != 0) {
		return refs_error(dir, "refs.json was not written by 'uhdpipe refs'");
	}
	if (!uhd_json_get_bool(root, "complete", &complete) || !complete) {
		return refs_error(dir, "refs.json says the recording did not complete");
	}
	return 0;
}

static int refs_open(struct uhd_frames *frames, const char *path, struct uhd_context *ctx,
                     const struct uhd_render_options *options)
{
	(void)ctx;
	(void)options;
	struct refs_frames *refs = frames->priv;
	snprintf(refs->dir, sizeof(refs->dir), "%s", path);
	char file[PATH_MAX + 16], error[256];
	snprintf(file, sizeof(file), "%s/refs.json", path);
	json_t *root = NULL;
	int ret = uhd_json_load_file(file, &root, error, sizeof(error));
	if (ret < 0) {
		char what[300];
		snprintf(what, sizeof(what), "refs.json: %s", error);
		refs_error(path, what);
		return ret == -ENOENT ? -ENOENT : -EINVAL;
	}
	ret = check_header(root, path);
	ret = ret ? ret : read_options(frames, root, path);
	ret = ret ? ret : read_frames(refs, root);
	json_decref(root);
	frames->count = refs->count;
	return ret;
}

static int refs_next(struct uhd_frames *frames, const struct uhd_image **image,
                     struct uhd_frame_meta *meta)
{
	struct refs_frames *refs = frames->priv;
	if (refs->next >= refs->count) {
		return 1;
	}
	const struct ref_frame *f = &refs->list[refs->next];
	char path[PATH_MAX + 300];
	snprintf(path, sizeof(path), "%s/%s", refs->dir, f->file);
	uhd_png_picture_finish(&refs->picture);
	int ret = uhd_png_load(path, &refs->picture);
	if (ret < 0) {
		return ret;
	}
	uint64_t actual = uhd_image_checksum(&refs->picture.image);
	if (actual != f->checksum) {
		uhd_error("reference frame %" PRId64 " (%s) has checksum %016" PRIx64
		          ", refs.json recorded %016" PRIx64
		          "; the reference set was changed or damaged, record it again",
		          refs->next, path, actual, f->checksum);
		return -EINVAL;
	}
	meta->decoded_index = refs->next;
	meta->index = refs->next++ - refs->first;
	meta->pts = f->pts;
	meta->checksum = f->checksum;
	meta->has_checksum = true;
	*image = &refs->picture.image;
	return 0;
}

int uhd_frames_refs_window(struct uhd_frames *frames, int64_t skip, int64_t limit)
{
	struct refs_frames *refs = frames->priv;
	if (frames->impl != &uhd_frames_refs || skip < 0 || skip > refs->count || limit < 0) {
		return -EINVAL;
	}
	refs->next = skip;
	refs->first = skip;
	if (skip + limit < refs->count) {
		refs->count = skip + limit;
	}
	frames->count = refs->count - skip;
	return 0;
}

static void refs_close(struct uhd_frames *frames)
{
	struct refs_frames *refs = frames->priv;
	uhd_png_picture_finish(&refs->picture);
	free(refs->list);
}

const struct uhd_frames_impl uhd_frames_refs = {
        .kind = "refs",
        .priv_size = sizeof(struct refs_frames),
        .open = refs_open,
        .next = refs_next,
        .close = refs_close,
};
