/* SPDX-License-Identifier: MIT */
/* HDR10+ metadata of a decoded frame, from libavutil's AVDynamicHDRPlus. */
#include <string.h>

#include <libavutil/hdr_dynamic_metadata.h>

#include "../common/json.h"
#include "frame.h"
#include "hdr10plus.h"

static int clamp_count(int count, int most)
{
	return count < 0 ? 0 : count > most ? most : count;
}

static void window_from_av(const AVHDRPlusColorTransformParams *p, struct uhd_hdr10plus_window *w)
{
	for (int c = 0; c < 3; c++) {
		w->maxscl[c] = av_q2d(p->maxscl[c]);
	}
	w->average_maxrgb = av_q2d(p->average_maxrgb);
	w->percentiles =
	        clamp_count(p->num_distribution_maxrgb_percentiles, UHD_HDR10PLUS_PERCENTILES);
	for (int i = 0; i < w->percentiles; i++) {
		w->percentage[i] = p->distribution_maxrgb[i].percentage;
		w->percentile[i] = av_q2d(p->distribution_maxrgb[i].percentile);
	}
	w->fraction_bright_pixels = av_q2d(p->fraction_bright_pixels);
	w->tone_mapping = p->tone_mapping_flag;
	if (w->tone_mapping) {
		w->knee_point_x = av_q2d(p->knee_point_x);
		w->knee_point_y = av_q2d(p->knee_point_y);
		w->anchors = clamp_count(p->num_bezier_curve_anchors, UHD_HDR10PLUS_ANCHORS);
		for (int i = 0; i < w->anchors; i++) {
			w->bezier_curve_anchors[i] = av_q2d(p->bezier_curve_anchors[i]);
		}
	}
	w->color_saturation_mapping = p->color_saturation_mapping_flag;
	if (w->color_saturation_mapping) {
		w->color_saturation_weight = av_q2d(p->color_saturation_weight);
	}
}

bool uhd_frame_hdr10plus(const struct uhd_frame *frame, struct uhd_hdr10plus *out)
{
	const AVFrameSideData *sd =
	        frame && frame->av
	                ? av_frame_get_side_data(frame->av, AV_FRAME_DATA_DYNAMIC_HDR_PLUS)
	                : NULL;
	if (!sd || sd->size < sizeof(AVDynamicHDRPlus)) {
		return false;
	}
	const AVDynamicHDRPlus *m = (const AVDynamicHDRPlus *)sd->data;
	memset(out, 0, sizeof(*out));
	out->application_version = m->application_version;
	out->windows = clamp_count(m->num_windows, UHD_HDR10PLUS_WINDOWS);
	out->targeted_system_display_maximum_luminance =
	        av_q2d(m->targeted_system_display_maximum_luminance);
	out->targeted_system_display_actual_peak_luminance_flag =
	        m->targeted_system_display_actual_peak_luminance_flag;
	out->mastering_display_actual_peak_luminance_flag =
	        m->mastering_display_actual_peak_luminance_flag;
	for (int w = 0; w < out->windows; w++) {
		window_from_av(&m->params[w], &out->window[w]);
	}
	return true;
}

static void write_hdr10plus_window(struct uhd_json *json, const struct uhd_hdr10plus_window *w)
{
	uhd_json_object_begin(json, NULL);
	uhd_json_array_begin(json, "maxscl");
	for (int c = 0; c < 3; c++) {
		uhd_json_double(json, NULL, w->maxscl[c]);
	}
	uhd_json_array_end(json);
	uhd_json_double(json, "average_maxrgb", w->average_maxrgb);
	uhd_json_array_begin(json, "distribution_maxrgb");
	for (int i = 0; i < w->percentiles; i++) {
		uhd_json_object_begin(json, NULL);
		uhd_json_int(json, "percentage", w->percentage[i]);
		uhd_json_double(json, "percentile", w->percentile[i]);
		uhd_json_object_end(json);
	}
	uhd_json_array_end(json);
	uhd_json_double(json, "fraction_bright_pixels", w->fraction_bright_pixels);
	if (w->tone_mapping) {
		uhd_json_object_begin(json, "tone_mapping");
		uhd_json_double(json, "knee_point_x", w->knee_point_x);
		uhd_json_double(json, "knee_point_y", w->knee_point_y);
		uhd_json_array_begin(json, "bezier_curve_anchors");
		for (int i = 0; i < w->anchors; i++) {
			uhd_json_double(json, NULL, w->bezier_curve_anchors[i]);
		}
		uhd_json_array_end(json);
		uhd_json_object_end(json);
	} else {
		uhd_json_null(json, "tone_mapping");
	}
	w->color_saturation_mapping
	        ? uhd_json_double(json, "color_saturation_weight", w->color_saturation_weight)
	        : uhd_json_null(json, "color_saturation_weight");
	uhd_json_object_end(json);
}

void uhd_json_hdr10plus(struct uhd_json *json, const char *key, const struct uhd_hdr10plus *m)
{
	if (!m) {
		uhd_json_null(json, key);
		return;
	}
	uhd_json_object_begin(json, key);
	uhd_json_int(json, "application_version", m->application_version);
	uhd_json_double(json, "targeted_system_display_maximum_luminance",
	                m->targeted_system_display_maximum_luminance);
	uhd_json_bool(json, "targeted_system_display_actual_peak_luminance_flag",
	              m->targeted_system_display_actual_peak_luminance_flag);
	uhd_json_bool(json, "mastering_display_actual_peak_luminance_flag",
	              m->mastering_display_actual_peak_luminance_flag);
	uhd_json_array_begin(json, "windows");
	for (int w = 0; w < m->windows; w++) {
		write_hdr10plus_window(json, &m->window[w]);
	}
	uhd_json_array_end(json);
	uhd_json_object_end(json);
}
