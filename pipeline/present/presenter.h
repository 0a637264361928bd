/* Presenter backends behind one small table (one file per backend). */
#ifndef UHD_INTERNAL_PRESENTER_H
#define UHD_INTERNAL_PRESENTER_H

#include <stddef.h>

#include "uhdpipe/present.h"

struct uhd_presenter_impl {
	const char *name;
	size_t priv_size;
	/* argument: what follows "name:" in the spec, or "" */
	int (*open)(void *priv, const char *argument);
	int (*present)(void *priv, const struct uhd_image *image, int64_t index);
	void (*close)(void *priv);
	const char *(*location)(const void *priv);
};

extern const struct uhd_presenter_impl uhd_presenter_png;
extern const struct uhd_presenter_impl uhd_presenter_null;

#endif
