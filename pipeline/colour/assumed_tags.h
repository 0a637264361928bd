/* SPDX-License-Identifier: MIT */
/*
 * What uhdpipe assumes when a stream leaves its colour tags unset, in one
 * place, so that conversion, metrics, PNG cICP and KMS signalling all work
 * from the same assumption (docs/real-world-clips.md, "Unset colour tags"):
 *   matrix: BT.2020 NCL when the primaries are BT.2020; else BT.709 above
 *     576 lines and SMPTE 170M (BT.601) up to 576 (what players do: the
 *     picture size tells SD from HD);
 *   primaries: BT.2020 with a BT.2020 matrix; BT.601 625-line with BT.470BG,
 *     BT.601 525-line with SMPTE 170M; else BT.709;
 *   transfer: BT.709 (SDR). An HDR stream always tags its transfer (HDR10,
 *     HLG and Dolby Vision require it), so an untagged one is taken as SDR.
 * Range and siting have defaults of their own (limited range, left siting).
 */
#ifndef UHD_COLOUR_ASSUMED_TAGS_H
#define UHD_COLOUR_ASSUMED_TAGS_H

#include <stddef.h>

#include "uhdpipe/colour.h"

/* Replaces the unset (unspecified or reserved) matrix, primaries and transfer
 * of colour by the assumptions above; height is the picture's. Returns how
 * many were set; note (may be NULL) gets "matrix bt709, primaries bt709
 * (unset in the stream; ...)" or "". */
int uhd_colour_assume_unset(struct uhd_colour *colour, int height, char *note, size_t size);

#endif
