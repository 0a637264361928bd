/* SPDX-License-Identifier: MIT */
/* Presenter backends behind one small table (one file per backend). */
#ifndef UHD_INTERNAL_PRESENTER_H
#define UHD_INTERNAL_PRESENTER_H

#include <stddef.h>

#include "../common/json.h"
#include "uhdpipe/present.h"

struct uhd_presenter_impl {
	const char *name;
	size_t priv_size;
	/* argument: what follows "name:" in the spec, or "" */
	int (*open)(void *priv, const char *argument, const struct uhd_presenter_params *params);
	int (*present)(void *priv, const struct uhd_image *image, int64_t index);
	/* Optional: the previous picture again (see uhd_presenter_present_again). */
	int (*present_again)(void *priv, const struct uhd_image *image, int64_t index);
	void (*close)(void *priv);
	const char *(*location)(const void *priv);
	/* Optional: last frame shown, display restored (see uhd_presenter_finish). */
	int (*finish)(void *priv);
	/* Optional: true when present() paces to a display. */
	bool (*paces)(const void *priv);
	/* Optional: the size frames must have. */
	void (*size_hint)(const void *priv, int *width, int *height);
	/* Optional: the backend's part of a run report, as members of an object. */
	void (*report)(const void *priv, struct uhd_json *json);
};

extern const struct uhd_presenter_impl uhd_presenter_png;
extern const struct uhd_presenter_impl uhd_presenter_null;
extern const struct uhd_presenter_impl uhd_presenter_kms;

/* Writes the backend's report members (nothing for backends without any). */
void uhd_presenter_report(const struct uhd_presenter *presenter, struct uhd_json *json);

#endif
