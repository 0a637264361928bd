/* SPDX-License-Identifier: MIT */
/*
 * The conversion --target asks for, planned once per stream in double
 * precision: the ITU-R BT.2390 EETF's constants from the source's and the
 * target's luminance ranges, the gamut matrix, and the colour description of
 * the result. The per-pixel work runs in the converter's shaders
 * (shaders/tonemap.glsl), which take the plan as specialisation constants;
 * docs/tone-mapping.md states the method. Pure functions, thread-safe.
 */
#ifndef UHD_COLOUR_TONEMAP_H
#define UHD_COLOUR_TONEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uhdpipe/colour.h"

/* What the shaders do per pixel (tonemap.glsl's TM_MODE). */
enum uhd_tonemap_mode {
	UHD_TONEMAP_NONE = 0,
	UHD_TONEMAP_PQ_TO_PQ = 1,  /* EETF on the PQ signal */
	UHD_TONEMAP_PQ_TO_SDR = 2, /* EETF, PQ EOTF, gamut matrix and clip, BT.1886 inverse */
	UHD_TONEMAP_PQ_TO_HLG = 3, /* EETF, PQ EOTF, HLG inverse EOTF */
};

/* Specialisation constants: ids UHD_TONEMAP_SPEC_FIRST on, in this order. */
#define UHD_TONEMAP_SPEC_FIRST 16
#define UHD_TONEMAP_SPEC_COUNT 19

struct uhd_tonemap_plan {
	enum uhd_tonemap_mode mode;
	/* cd/m2: the EETF's input range (source black and peak) and output range. */
	double source_black, source_peak;
	double target_black, target_peak;
	/* "mastering display", "MaxCLL", "default", "HLG reference display (BT.2408)" */
	const char *source_peak_from;
	/* The EETF in BT.2390's terms: the source range in PQ, and minLum, maxLum
	 * and the knee start KS on the normalised scale. */
	double pq_black, pq_range;
	double min_lum, max_lum, knee_start;
	double gamut[3][3]; /* linear source RGB -> target RGB (SDR) */
	/* An HLG source, taken to PQ first through BT.2408's reference display. */
	bool source_hlg;
	double hlg_gamma;         /* the HLG target's system gamma (BT.2100, for target_peak) */
	int target_primaries;     /* H.273 */
	struct uhd_colour output; /* what the converted pictures hold */
	/* A sentence to say once ("" when nothing is worth saying): a no-op, or
	 * metadata missing and the default used. */
	char note[256];
};

/* Plans the conversion of pictures of `source` to target. Returns 0 (mode
 * UHD_TONEMAP_NONE with a note for SDR to sdr and HLG to hlg), or -ENOTSUP
 * with why set for what it cannot convert (SDR to pq or hlg, HLG outside
 * BT.2020, SDR from primaries without known chromaticities, hlg for a peak
 * outside 400..2000 or from non-BT.2020 PQ, a peak so low for this source's
 * range that BT.2390's knee would start below black: KS < 0), -EINVAL for a
 * target out of range. */
int uhd_tonemap_plan(const struct uhd_colour *source, const struct uhd_target *target,
                     struct uhd_tonemap_plan *plan, char *why, size_t why_size);

/* Rewrites the description of a source picture (the stream's, or a frame's
 * own) into that of the converted one: the target's transfer and primaries,
 * the mastering peak for PQ, no content light levels (they no longer hold). */
void uhd_tonemap_output_colour(const struct uhd_tonemap_plan *plan, struct uhd_colour *colour);

/* The plan's specialisation constants (32-bit integers or float bits). */
void uhd_tonemap_spec(const struct uhd_tonemap_plan *plan, uint32_t values[UHD_TONEMAP_SPEC_COUNT]);

struct uhd_json;
/* Writes target under key as the reports give it: what was asked and, when
 * source (may be NULL: not known) can be converted, the method and the EETF's
 * parameters as planned (docs/schemas: play's options.target). */
void uhd_tonemap_json(struct uhd_json *json, const char *key, const struct uhd_colour *source,
                      const struct uhd_target *target);

/* The method, for reports: "none", "bt2390-eetf", "hlg-eotf+bt2390-eetf",
 * "bt2390-eetf+linear-clip+bt1886-inverse" (with "hlg-eotf+" before it for
 * HLG sources), "bt2390-eetf+hlg-inverse-eotf". */
const char *uhd_tonemap_method(const struct uhd_tonemap_plan *plan);

#endif
