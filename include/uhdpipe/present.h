/*
 * uhdpipe: presenters, where converted frames go. Backends are chosen by an
 * output spec: "png:DIR" writes one PNG per frame with its colour chunks,
 * "null" discards frames (useful for timing and checksums).
 *
 * Thread-safety: one presenter is used by one thread at a time.
 */
#ifndef UHDPIPE_PRESENT_H
#define UHDPIPE_PRESENT_H

#include <stdint.h>

#include "common.h"
#include "convert.h"

#ifdef __cplusplus
extern "C" {
#endif

struct uhd_presenter;

/* Opens the backend named by spec ("png:DIR", "null"). The png backend
 * creates DIR when missing. Errors: -EINVAL unknown spec, -EACCES/-EIO/...
 * when the output cannot be written. */
UHD_API int uhd_presenter_create(const char *spec, struct uhd_presenter **out);
UHD_API void uhd_presenter_destroy(struct uhd_presenter **presenter);

/* Presents the frame with the given output index. */
UHD_API int uhd_presenter_present(struct uhd_presenter *presenter, const struct uhd_image *image,
                                  int64_t index);

/* Backend name ("png", "null") and, for file backends, where frames go. */
UHD_API const char *uhd_presenter_name(const struct uhd_presenter *presenter);
UHD_API const char *uhd_presenter_location(const struct uhd_presenter *presenter);

#ifdef __cplusplus
}
#endif

#endif
