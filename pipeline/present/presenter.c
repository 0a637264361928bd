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
};

int uhd_presenter_create(const char *spec, struct uhd_presenter **out)
{
	*out = NULL;
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
		uhd_error("unknown output '%s'; use -o png:DIR or -o null", spec);
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
	int ret = impl->open(priv, colon ? colon + 1 : "");
	if (ret < 0) {
		free(priv);
		free(presenter);
		return ret;
	}
	*out = presenter;
	return 0;
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

const char *uhd_presenter_name(const struct uhd_presenter *presenter)
{
	return presenter->impl->name;
}

const char *uhd_presenter_location(const struct uhd_presenter *presenter)
{
	return presenter->impl->location ? presenter->impl->location(presenter->priv) : "";
}
