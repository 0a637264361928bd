/* The png presenter: one 16-bit (or 8-bit SDR) PNG per frame, DIR/frame-NNNNNN.png. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/log.h"
#include "../common/paths.h"
#include "png_file.h"
#include "presenter.h"

struct png_presenter {
	char dir[PATH_MAX];
};

static int png_open(void *priv, const char *argument, const struct uhd_presenter_params *params)
{
	(void)params;
	struct png_presenter *png = priv;
	if (!*argument) {
		uhd_error("-o png needs a folder: -o png:DIR");
		return -EINVAL;
	}
	snprintf(png->dir, sizeof(png->dir), "%s", argument);
	int ret = uhd_make_dirs(png->dir);
	struct stat st;
	if (ret == 0 && (stat(png->dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
		ret = -ENOTDIR;
	}
	if (ret == 0 && access(png->dir, W_OK | X_OK) != 0) {
		ret = -errno;
	}
	if (ret < 0) {
		uhd_error("cannot write PNG frames into '%s': %s; choose a writable folder",
		          png->dir, strerror(-ret));
	}
	return ret;
}

static int png_present(void *priv, const struct uhd_image *image, int64_t index)
{
	struct png_presenter *png = priv;
	char path[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/frame-%06lld.png", png->dir, (long long)index);
	return uhd_png_write(path, image);
}

static void png_close(void *priv)
{
	(void)priv;
}

static const char *png_location(const void *priv)
{
	return ((const struct png_presenter *)priv)->dir;
}

const struct uhd_presenter_impl uhd_presenter_png = {
        .name = "png",
        .priv_size = sizeof(struct png_presenter),
        .open = png_open,
        .present = png_present,
        .close = png_close,
        .location = png_location,
};
