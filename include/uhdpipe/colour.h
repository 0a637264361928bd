/* SPDX-License-Identifier: MIT */
/*
 * uhdpipe: colour description of a stream or an image, and the standard
 * constants and transfer functions the pipeline is built on.
 *
 * Primaries, transfer characteristics and matrix coefficients use the code
 * points of ITU-T H.273 (the same numbers HEVC/AV1 VUI and PNG cICP carry).
 */
#ifndef UHDPIPE_COLOUR_H
#define UHDPIPE_COLOUR_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* H.273 code points used by name in the code; any other code point may appear. */
enum {
	UHD_PRIMARIES_BT709 = 1,
	UHD_PRIMARIES_UNSPECIFIED = 2,
	UHD_PRIMARIES_BT601_625 = 5,
	UHD_PRIMARIES_BT601_525 = 6,
	UHD_PRIMARIES_BT2020 = 9,
	UHD_PRIMARIES_P3_D65 = 12,

	UHD_TRANSFER_BT709 = 1,
	UHD_TRANSFER_UNSPECIFIED = 2,
	UHD_TRANSFER_BT601 = 6,
	UHD_TRANSFER_SRGB = 13,
	UHD_TRANSFER_BT2020_10 = 14,
	UHD_TRANSFER_BT2020_12 = 15,
	UHD_TRANSFER_PQ = 16,
	UHD_TRANSFER_HLG = 18,

	UHD_MATRIX_RGB = 0,
	UHD_MATRIX_BT709 = 1,
	UHD_MATRIX_UNSPECIFIED = 2,
	UHD_MATRIX_FCC = 4,
	UHD_MATRIX_BT470BG = 5,
	UHD_MATRIX_SMPTE170M = 6,
	UHD_MATRIX_SMPTE240M = 7,
	UHD_MATRIX_BT2020_NCL = 9,
	UHD_MATRIX_BT2020_CL = 10,
};

enum uhd_range {
	UHD_RANGE_LIMITED = 0, /* "narrow"/"tv": Y 16..235, C 16..240 (scaled by 2^(n-8)) */
	UHD_RANGE_FULL = 1,    /* "pc": 0..2^n-1 */
};

/* Where chroma samples sit relative to luma (names as in FFmpeg / H.273). */
enum uhd_chroma_siting {
	UHD_SITING_UNSPECIFIED = 0,
	UHD_SITING_LEFT = 1,    /* co-sited horizontally, centred vertically */
	UHD_SITING_CENTER = 2,  /* centred both ways */
	UHD_SITING_TOPLEFT = 3, /* co-sited both ways */
	UHD_SITING_TOP = 4,     /* centred horizontally, co-sited vertically */
	UHD_SITING_BOTTOMLEFT = 5,
	UHD_SITING_BOTTOM = 6,
};

/* SMPTE ST 2086 mastering display colour volume, in natural units. */
struct uhd_mastering_display {
	double primaries[3][2]; /* CIE 1931 x,y of red, green, blue */
	double white_point[2];
	double max_luminance; /* cd/m2 */
	double min_luminance; /* cd/m2 */
};

/* CTA-861.3 content light level, cd/m2. */
struct uhd_content_light {
	unsigned max_cll;
	unsigned max_fall;
};

struct uhd_colour {
	int primaries; /* H.273 ColourPrimaries */
	int transfer;  /* H.273 TransferCharacteristics */
	int matrix;    /* H.273 MatrixCoefficients */
	enum uhd_range range;
	enum uhd_chroma_siting siting;
	bool has_mastering;
	struct uhd_mastering_display mastering;
	bool has_content_light;
	struct uhd_content_light content_light;
};

/* Names for reports ("bt2020", "smpte2084", "bt2020nc", ...); "unknown" for others. */
UHD_API const char *uhd_primaries_name(int primaries);
UHD_API const char *uhd_transfer_name(int transfer);
UHD_API const char *uhd_matrix_name(int matrix);
UHD_API const char *uhd_range_name(enum uhd_range range);
UHD_API const char *uhd_siting_name(enum uhd_chroma_siting siting);

/* Luma coefficients Kr and Kb of a non-constant-luminance Y'CbCr matrix.
 * Returns 0, or -ENOTSUP for RGB, constant-luminance and unknown matrices. */
UHD_API int uhd_matrix_coefficients(int matrix, double *kr, double *kb);

/* SMPTE ST 2084 inverse EOTF: absolute luminance in cd/m2 (0..10000) -> signal 0..1. */
UHD_API double uhd_pq_inverse_eotf(double luminance);
/* SMPTE ST 2084 EOTF: signal 0..1 -> cd/m2. */
UHD_API double uhd_pq_eotf(double signal);
/* ITU-R BT.2100 HLG OETF: normalised scene linear light 0..1 -> signal 0..1. */
UHD_API double uhd_hlg_oetf(double scene_linear);
/* ITU-R BT.2100 HLG inverse OETF: signal 0..1 -> scene linear light 0..1. */
UHD_API double uhd_hlg_inverse_oetf(double signal);

/* What the output should hold (--target): the stream's code values as they
 * are (the default, for panels tested against the stream), or a conversion
 * for a display of a given peak. Methods (docs/tone-mapping.md):
 *   UHD_TARGET_PQ: PQ -> PQ through the ITU-R BT.2390 EETF, from the
 *     source's range (mastering display, or MaxCLL) to [0, peak];
 *   UHD_TARGET_SDR: the same EETF to [0, peak], then BT.2020 -> BT.709 in
 *     linear light, clipped, then the BT.1886 inverse EOTF (black 0 cd/m2);
 *   UHD_TARGET_HLG: the same EETF to [0, peak], then the HLG inverse EOTF of
 *     a display of that peak (400 to 2000 cd/m2, BT.2100's system gamma).
 * HLG sources are first taken to display light on BT.2408's 1000 cd/m2
 * reference display. A source already in the target's form (SDR to sdr, HLG
 * to hlg) is passed through, said once; SDR to pq or hlg is refused. */
enum uhd_target_transfer {
	UHD_TARGET_SOURCE = 0, /* no conversion (default) */
	UHD_TARGET_PQ = 1,
	UHD_TARGET_SDR = 2,
	UHD_TARGET_HLG = 3,
};

/* Where the EETF takes the source's peak from. */
enum uhd_tonemap_source {
	UHD_TONEMAP_SOURCE_MASTERING = 0, /* SMPTE ST 2086 max luminance (default) */
	UHD_TONEMAP_SOURCE_MAXCLL = 1,    /* CTA-861.3 MaxCLL, else the mastering peak */
};

struct uhd_target {
	enum uhd_target_transfer transfer; /* default UHD_TARGET_SOURCE */
	double peak;                       /* cd/m2; 0: 1000 for PQ, 100 for SDR (default 0) */
	int primaries; /* SDR only: UHD_PRIMARIES_BT709 or BT2020; 0 = BT709 (default 0) */
	enum uhd_tonemap_source source; /* default UHD_TONEMAP_SOURCE_MASTERING */
};

/* Parses "pq[:PEAK]", "sdr[:PEAK]", "hlg[:PEAK]" or "source" (PEAK in
 * cd/m2, 1 to 10000);
 * the other fields are left as they are. 0 or -EINVAL. */
UHD_API int uhd_target_parse(const char *text, struct uhd_target *target);
/* "source", "pq", "sdr", "hlg". */
UHD_API const char *uhd_target_name(enum uhd_target_transfer transfer);

#ifdef __cplusplus
}
#endif

#endif
