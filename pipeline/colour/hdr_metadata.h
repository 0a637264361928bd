/* SPDX-License-Identifier: MIT */
/*
 * One policy for HDR static metadata, shared by every path that reads or
 * writes it (info, reports, PNG mDCV/cLLI chunks, the KMS
 * HDR_OUTPUT_METADATA blob): SMPTE ST 2086 mastering display and CTA-861.3
 * content light values are checked per group, and a malformed group is
 * replaced by its default, with the reason, never passed on silently. A
 * display given a nonsense mastering volume tone-maps to nonsense.
 *
 * Groups, checks and defaults:
 *   primaries: each x,y in (0,1) with x + y <= 1, red x the largest x and
 *     green y the largest y (a G,B,R order fails this); default BT.2020
 *     (0.708/0.292, 0.170/0.797, 0.131/0.046), the HDR10 container, which no
 *     mastering display exceeds;
 *   white point: x,y in (0,1) with x + y <= 1; default D65 (0.3127/0.3290);
 *   mastering luminance: 1 <= max <= 10000, 0 <= min <= 6.5535, min < max;
 *     default max 1000 cd/m2, min 0.0001 cd/m2;
 *   content light: MaxCLL and MaxFALL <= 10000, MaxFALL <= MaxCLL unless
 *     MaxCLL is 0 (unknown); default 0 and 0 (unknown, as CTA-861.3 allows).
 * Missing metadata stays missing here (has_mastering false): a PNG then has
 * no mDCV chunk; KMS sends the defaults and says so.
 * Pure functions, thread-safe.
 */
#ifndef UHD_COLOUR_HDR_METADATA_H
#define UHD_COLOUR_HDR_METADATA_H

#include <stdbool.h>
#include <stddef.h>

#include "uhdpipe/colour.h"

#define UHD_HDR_PQ_PEAK               10000.0 /* cd/m2: ST 2084 codes nothing brighter */
#define UHD_HDR_MIN_LUMINANCE_LIMIT   6.5535  /* cd/m2: 0xffff steps of 0.0001 */
#define UHD_HDR_DEFAULT_MAX_LUMINANCE 1000.0  /* cd/m2: the common HDR10 grading peak */
#define UHD_HDR_DEFAULT_MIN_LUMINANCE 0.0001  /* cd/m2: the darkest CTA-861 codes; 0 is unknown */

extern const double uhd_hdr_bt2020_primaries[3][2];
extern const double uhd_hdr_d65_white[2];

/* Each check returns true when the group is well formed; otherwise false
 * with the reason in why ("are not in R,G,B order (red x ...)", ...). */
bool uhd_hdr_primaries_ok(const struct uhd_mastering_display *md, char *why, size_t size);
bool uhd_hdr_white_ok(const double white[2], char *why, size_t size);
bool uhd_hdr_luminance_ok(double max, double min, char *why, size_t size);
bool uhd_hdr_light_ok(const struct uhd_content_light *cll, char *why, size_t size);

/* BT.2020 primaries, D65, 1000 / 0.0001 cd/m2. */
void uhd_hdr_default_mastering(struct uhd_mastering_display *md);

/* Groups uhd_hdr_metadata_repair replaced. */
enum {
	UHD_HDR_REPAIRED_PRIMARIES = 1 << 0,
	UHD_HDR_REPAIRED_WHITE = 1 << 1,
	UHD_HDR_REPAIRED_LUMINANCE = 1 << 2,
	UHD_HDR_REPAIRED_CONTENT_LIGHT = 1 << 3,
};

/* Checks colour's mastering display and content light (those present) and
 * replaces each malformed group by its default. Returns the groups replaced
 * (0: nothing was wrong); why (may be NULL) gets one "; "-separated sentence
 * per group: what was wrong and what was put instead. */
unsigned uhd_hdr_metadata_repair(struct uhd_colour *colour, char *why, size_t size);

#endif
