/* SPDX-License-Identifier: MIT */
/*
 * HDR output signalling for KMS: the HDR_OUTPUT_METADATA connector blob
 * (struct hdr_output_metadata, the CTA-861-G Dynamic Range and Mastering
 * InfoFrame with Static Metadata Descriptor Type 1) built from a stream's
 * colour description, and the --hdr and --hdr-metadata option texts.
 * Pure: no I/O and no DRM calls; errors are logged through uhd_error.
 * All functions are thread-safe.
 *
 * Units of the blob (CTA-861-G, CTA-861.3): chromaticities in 0.00002 steps
 * (50000 = 1.0), maximum mastering luminance in 1 cd/m2, minimum in
 * 0.0001 cd/m2, MaxCLL and MaxFALL in 1 cd/m2; 0 in a field means unknown.
 * Values are rounded to the nearest step. Both metadata_type fields are 0,
 * which is Static Metadata Type 1 (the kernel's HDMI_STATIC_METADATA_TYPE1,
 * in <linux/hdmi.h>, which is not UAPI).
 *
 * Order of display_primaries: [0] red, [1] green, [2] blue. The kernel does
 * not reorder: hdmi_drm_infoframe_pack_only() (drivers/video/hdmi.c) copies
 * display_primaries[i] to InfoFrame data bytes 3 + 4i .. 6 + 4i, so the order
 * is whatever userspace sends, and userspace that talks to real sinks sends
 * R, G, B: IGT's kms_hdr test (fill_hdr_output_metadata_st2084: [0] "Red"
 * 0.708/0.292, [1] "Green" 0.170/0.797, [2] "Blue" 0.131/0.046), and the
 * other KMS users checked (Chromium's ozone DRM backend, an Android hardware
 * composer, vdr's softhddevice-drm) fill [0] red, [1] green, [2] blue.
 * Weston documents its primaries as "in any order" and edid-decode prints the
 * InfoFrame's as "Display Primary 0/1/2": a sink can tell them apart by value.
 * HEVC's mastering display SEI is the odd one out with green, blue, red
 * (c = 0 green); FFmpeg reorders that to R, G, B before it reaches
 * struct uhd_mastering_display, so a stream that still arrives G, B, R was
 * mislabelled upstream and is treated as malformed below.
 */
#ifndef UHD_KMS_HDR_H
#define UHD_KMS_HDR_H

#include <stdbool.h>

#include <drm_mode.h> /* libdrm's copy of the kernel UAPI header */

#include "uhdpipe/colour.h"

/* --hdr: auto (follow the stream), off, or force one signalling. */
enum uhd_hdr_mode {
	UHD_HDR_AUTO,
	UHD_HDR_OFF,
	UHD_HDR_PQ,
	UHD_HDR_HLG,
};

/* EOTF codes of the InfoFrame (CTA-861-G; the kernel's enum hdmi_eotf is not UAPI). */
enum uhd_hdr_eotf {
	UHD_EOTF_TRADITIONAL_SDR = 0,
	UHD_EOTF_TRADITIONAL_HDR = 1,
	UHD_EOTF_ST2084 = 2,
	UHD_EOTF_HLG = 3,
};

/* Parses "auto", "off", "pq" or "hlg". Returns 0 or -EINVAL (logged). */
int uhd_hdr_mode_parse(const char *text, enum uhd_hdr_mode *mode);
/* "auto", "off", "pq", "hlg"; "unknown" for other values. */
const char *uhd_hdr_mode_name(enum uhd_hdr_mode mode);

/* The values an --hdr-metadata text gave; `fields` says which. */
enum {
	UHD_HDR_SET_PRIMARIES = 1 << 0,
	UHD_HDR_SET_WHITE = 1 << 1,
	UHD_HDR_SET_MAX_LUMINANCE = 1 << 2,
	UHD_HDR_SET_MIN_LUMINANCE = 1 << 3,
	UHD_HDR_SET_MAX_CLL = 1 << 4,
	UHD_HDR_SET_MAX_FALL = 1 << 5,
};

struct uhd_hdr_override {
	unsigned fields; /* UHD_HDR_SET_* */
	struct uhd_mastering_display mastering;
	struct uhd_content_light content_light;
};

/*
 * Parses the --hdr-metadata text: comma-separated KEY=VALUE items, each key
 * at most once, any subset of:
 *   primaries=bt2020|p3|bt709|Rx/Ry/Gx/Gy/Bx/By
 *             mastering display primaries, CIE 1931 x,y in R,G,B order
 *             (p3: 0.680/0.320/0.265/0.690/0.150/0.060, for P3-D65 and DCI)
 *   white=d65|x/y      mastering display white point (d65: 0.3127/0.3290)
 *   max=CD             maximum mastering luminance, 1..10000 cd/m2
 *   min=CD             minimum mastering luminance, 0..6.5535 cd/m2, below max
 *   maxcll=CD          MaxCLL, whole cd/m2, 0 (unknown)..10000
 *   maxfall=CD         MaxFALL, whole cd/m2, 0 (unknown)..10000, not above a
 *                      non-zero maxcll
 * Numbers are plain decimals (digits and at most one '.'; no sign, exponent
 * or spaces). Chromaticities must lie in (0,1) with x + y <= 1, and primaries
 * must be in R,G,B order (red has the largest x, green the largest y).
 * Example: primaries=p3,white=d65,max=1000,min=0.005,maxcll=1000,maxfall=400
 * Returns 0, or -EINVAL with a message that names the item and what is
 * allowed (unknown or repeated key, bad number, value out of range).
 */
int uhd_hdr_metadata_parse(const char *text, struct uhd_hdr_override *out);

struct uhd_hdr_signal {
	bool send;                           /* set HDR_OUTPUT_METADATA to this blob at all */
	struct hdr_output_metadata metadata; /* all zero when !send */
	bool defaults_used; /* some stream values were missing or malformed and replaced */
	char note[256];     /* what was replaced or ignored and why, "" if nothing */
};

/*
 * Chooses the signalling for a stream with the given colour:
 *   UHD_HDR_OFF, or AUTO with a transfer other than PQ and HLG: send = false
 *     (leave HDR_OUTPUT_METADATA without a blob; the sink stays SDR).
 *   UHD_HDR_PQ, or AUTO with transfer PQ (16): EOTF SMPTE ST 2084 with the
 *     stream's SMPTE ST 2086 mastering display and CTA-861.3 content light
 *     values.
 *   UHD_HDR_HLG, or AUTO with transfer HLG (18): EOTF HLG with every static
 *     value 0 (the HLG form: HLG is scene-referred and needs none).
 * override is the --hdr-metadata text or NULL; each key it gives replaces the
 * stream's value (with HLG it sets that value in the otherwise zero form).
 * When nothing is sent an override is still checked, then ignored with a note.
 *
 * Stream values are checked per group and a group that is missing or
 * malformed is replaced by its default, never sent as is; note says which and
 * why, and defaults_used is set:
 *   primaries: each x,y in (0,1) with x + y <= 1, red x the largest x and
 *     green y the largest y (G,B,R order fails this);
 *     default BT.2020 (0.708/0.292, 0.170/0.797, 0.131/0.046), the HDR10
 *     container, which no mastering display exceeds;
 *   white point: x,y in (0,1) with x + y <= 1; default D65 (0.3127/0.3290);
 *   mastering luminance: 1 <= max <= 10000, 0 <= min <= 6.5535, min < max;
 *     default max 1000 cd/m2, min 0.0001 cd/m2;
 *   content light: MaxCLL and MaxFALL <= 10000, MaxFALL <= MaxCLL unless
 *     MaxCLL is 0 (unknown); default 0 and 0 (unknown, allowed by CTA-861.3).
 * A group the override gives whole is taken from it without looking at the
 * stream's. If an override value contradicts a kept stream value (max not
 * above the stream's min, maxfall above the stream's MaxCLL), the call fails.
 *
 * colour and out must not be NULL. Returns 0, or -EINVAL (logged) for NULL
 * arguments, an unknown mode, a malformed override, or a contradiction.
 */
int uhd_hdr_signal_for(const struct uhd_colour *colour, enum uhd_hdr_mode mode,
                       const char *override, struct uhd_hdr_signal *out);

#endif
