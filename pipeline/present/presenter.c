/* SPDX-License-Identifier: MIT */
/* Looks up a presenter backend by the name in an output spec and forwards calls to it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "presenter.h"

struct uhd_presenter {
	const struct uhd_presenter_impl *impl;
	void *priv;
};

static const struct uhd_presenter_impl *const backends[] = {
        &uhd_presenter_png,
        &uhd_presenter_null,
        &uhd_presenter_kms,
};

int uhd_presenter_open(const struct uhd_presenter_params *params, struct uhd_presenter **out)
{
	*out = NULL;
	const char *spec = params->spec ? params->spec : "null";
	const char *colon = strchr(spec, ':');
	size_t name_len = colon ? (size_t)(colon - spec) : strlen(spec);
	const struct uhd_presenter_impl *impl = NULL;
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		if (strlen(backends[i]->name) == name_len &&
		    strncmp(backends[i]->name, spec, name_len) == 0) {
			impl = backends[i];
		}
	}
	if (!impl) {
		uhd_error("unknown output '%s'; use -o png:DIR, -o kms[:CONNECTOR] or -o null",
		          spec);
		return -EINVAL;
	}
	struct uhd_presenter *presenter = calloc(1, sizeof(*presenter));
	void *priv = calloc(1, impl->priv_size ? impl->priv_size : 1);
	if (!presenter || !priv) {
		free(presenter);
		free(priv);
		return -ENOMEM;
	}
	presenter->impl = impl;
	presenter->priv = priv;
	int ret = impl->open(priv, colon ? colon + 1 : "", params);
	if (ret < 0) {
		free(priv);
		free(presenter);
		return ret;
	}
	*out = presenter;
	return 0;
}

int uhd_presenter_create(const char *spec, struct uhd_presenter **out)
{
	struct uhd_presenter_params params = UHD_PRESENTER_DEFAULTS;
	params.spec = spec;
	return uhd_presenter_open(&params, out);
}

void uhd_presenter_destroy(struct uhd_presenter **presenter)
{
	if (!presenter || !*presenter) {
		return;
	}
	(*presenter)->impl->close((*presenter)->priv);
	free((*presenter)->priv);
	free(*presenter);
	*presenter = NULL;
}

int uhd_presenter_present(struct uhd_presenter *presenter, const struct uhd_image *image,
                          int64_t index)
{
	return presenter->impl->present(presenter->priv, image, index);
}

int uhd_presenter_present_again(struct uhd_presenter *presenter, const struct uhd_image *image,
                                int64_t index)
{
	const struct uhd_presenter_impl *impl = presenter->impl;
	return impl->present_again ? impl->present_again(presenter->priv, image, index)
	                           : impl->present(presenter->priv, image, index);
}

const char *uhd_presenter_name(const struct uhd_presenter *presenter)
{
	return presenter->impl->name;
}

const char *uhd_presenter_location(const struct uhd_presenter *presenter)
{
	return presenter->impl->location ? presenter->impl->location(presenter->priv) : "";
}

int uhd_presenter_finish(struct uhd_presenter *presenter)
{
	return presenter && presenter->impl->finish ? presenter->impl->finish(presenter->priv) : 0;
}

bool uhd_presenter_paces(const struct uhd_presenter *presenter)
{
	return presenter->impl->paces && presenter->impl->paces(presenter->priv);
}

void uhd_presenter_size_hint(const struct uhd_presenter *presenter, int *width, int *height)
{
	*width = 0;
	*height = 0;
	if (presenter->impl->size_hint) {
		presenter->impl->size_hint(presenter->priv, width, height);
	}
}

void uhd_presenter_report(const struct uhd_presenter *presenter, struct uhd_json *json)
{
	if (presenter && presenter->impl->report) {
		presenter->impl->report(presenter->priv, json);
	}
}
