/* SPDX-License-Identifier: MIT */
/* The null presenter: frames are converted (and checksummed by the caller) and dropped. */
#include "presenter.h"

static int null_open(void *priv, const char *argument, const struct uhd_presenter_params *params)
{
	(void)params;
	(void)priv;
	(void)argument;
	return 0;
}

static int null_present(void *priv, const struct uhd_image *image, int64_t index)
{
	(void)priv;
	(void)image;
	(void)index;
	return 0;
}

static void null_close(void *priv)
{
	(void)priv;
}

const struct uhd_presenter_impl uhd_presenter_null = {
        .name = "null",
        .priv_size = 0,
        .open = null_open,
        .present = null_present,
        .close = null_close,
};
