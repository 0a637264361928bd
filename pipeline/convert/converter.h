/* SPDX-License-Identifier: MIT */
/* Internal helpers of the converter shared with tests of its geometry. */
#ifndef UHD_INTERNAL_CONVERTER_H
#define UHD_INTERNAL_CONVERTER_H

#include "../colour/tonemap.h"
#include "filter.h"
#include "uhdpipe/colour.h"

/* Phase (centre of chroma sample 0, luma units) for a siting along x or y. */
double uhd_siting_phase(enum uhd_chroma_siting siting, int subsampling, bool vertical);

/* The siting used when the stream leaves it unspecified (left, as MPEG-2,
 * H.264, HEVC and AV1 4:2:0 default to). */
enum uhd_chroma_siting uhd_siting_or_default(enum uhd_chroma_siting siting);

/* The matrix used when the stream leaves it unspecified. */
int uhd_matrix_or_default(int matrix, int primaries, int height);

struct uhd_converter;
/* The --target conversion the converter applies (mode UHD_TONEMAP_NONE when none). */
const struct uhd_tonemap_plan *uhd_converter_tonemap(const struct uhd_converter *converter);

#endif
