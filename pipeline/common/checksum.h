/* SPDX-License-Identifier: MIT */
/* The pixel checksum of reports and reference sets. */
#ifndef UHD_INTERNAL_CHECKSUM_H
#define UHD_INTERNAL_CHECKSUM_H

#include <stdint.h>

#include "uhdpipe/convert.h"

/* XXH3-64 of the pixel rows as PNG stores them (row padding excluded). */
uint64_t uhd_image_checksum(const struct uhd_image *image);

#endif
