/* SPDX-License-Identifier: MIT */
/* `check --domain yuv`: metrics on the decoded planes of two clips, no conversion. */
#ifndef UHD_INTERNAL_CHECK_YUV_H
#define UHD_INTERNAL_CHECK_YUV_H

#include <stdbool.h>
#include <stddef.h>

#include "../engine/frames.h"
#include "../quality/plane_compare.h"
#include "uhdpipe/check.h"

/* 0 when the domain can run with these params (before thresholds add their
 * metrics), else -ENOTSUP with why: inputs that are not clips, metrics it does
 * not compute, rendering options. asked: why is a refusal of --domain yuv (what
 * to do instead), else the reason --domain auto chose R'G'B'. */
int check_yuv_refusal(const struct uhd_check_params *params, bool asked, char *why, size_t size);

/* Whether the two clips' planes hold codes of the same meaning: size, depth,
 * chroma subsampling and colour description; why not in why (asked: as for
 * check_yuv_refusal). */
bool check_yuv_same_format(const struct uhd_frames *input, const struct uhd_frames *ref, bool asked,
                           char *why, size_t size);

/* The planes of the frame that next() gave (decoded_planes). */
int check_yuv_planes(const struct uhd_frames *frames, struct uhd_planes *out);

#endif
