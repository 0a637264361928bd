/* SPDX-License-Identifier: MIT */
/*
 * SMPTE ST 2094-40 (HDR10+) dynamic metadata of one decoded frame, as the
 * stream carries it: every value in the unit ST 2094-40 gives it (libavutil's
 * AVDynamicHDRPlus, its rationals as doubles), for reports.
 */
#ifndef UHD_INTERNAL_HDR10PLUS_H
#define UHD_INTERNAL_HDR10PLUS_H

#include <stdbool.h>

struct uhd_frame;
struct uhd_json;

#define UHD_HDR10PLUS_WINDOWS     3  /* processing windows ST 2094-40 allows */
#define UHD_HDR10PLUS_PERCENTILES 15 /* distribution_maxrgb entries */
#define UHD_HDR10PLUS_ANCHORS     15 /* Bezier curve anchors */

struct uhd_hdr10plus_window {
	/* Largest linearised R, G, B in the window, and the mean of max(R, G, B):
	 * 0..1 of the PQ range, in steps of 0.00001. */
	double maxscl[3];
	double average_maxrgb;
	int percentiles; /* entries used in percentage[] and percentile[] */
	int percentage[UHD_HDR10PLUS_PERCENTILES];    /* 0..100 */
	double percentile[UHD_HDR10PLUS_PERCENTILES]; /* maxRGB at it, 0..1 */
	double fraction_bright_pixels;                /* 0..1 */
	/* The tone-mapping curve: knee point and Bezier anchors, 0..1. */
	bool tone_mapping;
	double knee_point_x, knee_point_y;
	int anchors;
	double bezier_curve_anchors[UHD_HDR10PLUS_ANCHORS];
	bool color_saturation_mapping;
	double color_saturation_weight; /* 0..63/8 */
};

struct uhd_hdr10plus {
	int application_version;
	int windows;                                      /* 1..3 */
	double targeted_system_display_maximum_luminance; /* cd/m2 */
	/* The optional luminance tables are flagged, not kept. */
	bool targeted_system_display_actual_peak_luminance_flag;
	bool mastering_display_actual_peak_luminance_flag;
	struct uhd_hdr10plus_window window[UHD_HDR10PLUS_WINDOWS];
};

/* Whether the frame carries HDR10+ metadata; if so, *out holds it. */
bool uhd_frame_hdr10plus(const struct uhd_frame *frame, struct uhd_hdr10plus *out);

/* m as a JSON object under key, in ST 2094-40's names; null when m is NULL. */
void uhd_json_hdr10plus(struct uhd_json *json, const char *key, const struct uhd_hdr10plus *m);

#endif
