/* SPDX-License-Identifier: MIT */
/* Whether a clip's display matrix is applied (--rotate), in one place. */
#ifndef UHD_INTERNAL_ORIENTATION_H
#define UHD_INTERNAL_ORIENTATION_H

#include <stdbool.h>

#include "uhdpipe/source.h"

/* The turn to give the converter: the display matrix's when rotate, else
 * none. When the clip is meant to be turned and is not (or its matrix is no
 * quarter turn), says so in a warning naming path. */
struct uhd_orientation uhd_source_turn(const struct uhd_stream_info *info, const char *path,
                                       bool rotate);

#endif
