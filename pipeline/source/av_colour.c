/* SPDX-License-Identifier: MIT */
/*
 * Colour description and HDR metadata from libav: stream tags, stream side
 * data, and per-frame side data (MKV from x265/SVT-AV1 carries ST 2086 and
 * MaxCLL only per frame, from SEI / metadata OBUs).
 */
#include <math.h>
#include <stdio.h>

#include <libavutil/display.h>
#include <libavutil/dovi_meta.h>
#include <libavutil/mastering_display_metadata.h>

#include "av_colour.h"

static enum uhd_chroma_siting siting_from_av(enum AVChromaLocation loc)
{
	switch (loc) {
	case AVCHROMA_LOC_LEFT: return UHD_SITING_LEFT;
	case AVCHROMA_LOC_CENTER: return UHD_SITING_CENTER;
	case AVCHROMA_LOC_TOPLEFT: return UHD_SITING_TOPLEFT;
	case AVCHROMA_LOC_TOP: return UHD_SITING_TOP;
	case AVCHROMA_LOC_BOTTOMLEFT: return UHD_SITING_BOTTOMLEFT;
	case AVCHROMA_LOC_BOTTOM: return UHD_SITING_BOTTOM;
	default: return UHD_SITING_UNSPECIFIED;
	}
}

static void mastering_from_av(const AVMasteringDisplayMetadata *md, struct uhd_colour *colour)
{
	if (!md->has_primaries && !md->has_luminance) {
		return;
	}
	colour->has_mastering = true;
	if (md->has_primaries) {
		for (int i = 0; i < 3; i++) {
			colour->mastering.primaries[i][0] = av_q2d(md->display_primaries[i][0]);
			colour->mastering.primaries[i][1] = av_q2d(md->display_primaries[i][1]);
		}
		colour->mastering.white_point[0] = av_q2d(md->white_point[0]);
		colour->mastering.white_point[1] = av_q2d(md->white_point[1]);
	}
	if (md->has_luminance) {
		colour->mastering.max_luminance = av_q2d(md->max_luminance);
		colour->mastering.min_luminance = av_q2d(md->min_luminance);
	}
}

static void light_from_av(const AVContentLightMetadata *cll, struct uhd_colour *colour)
{
	colour->has_content_light = true;
	colour->content_light.max_cll = cll->MaxCLL;
	colour->content_light.max_fall = cll->MaxFALL;
}

void uhd_colour_from_stream(const AVStream *stream, struct uhd_colour *colour)
{
	const AVCodecParameters *par = stream->codecpar;
	colour->primaries = par->color_primaries;
	colour->transfer = par->color_trc;
	colour->matrix = par->color_space;
	colour->range = par->color_range == AVCOL_RANGE_JPEG ? UHD_RANGE_FULL : UHD_RANGE_LIMITED;
	colour->siting = siting_from_av(par->chroma_location);

	size_t size = 0;
	const uint8_t *data =
	        av_stream_get_side_data(stream, AV_PKT_DATA_MASTERING_DISPLAY_METADATA, &size);
	if (data && size >= sizeof(AVMasteringDisplayMetadata)) {
		mastering_from_av((const AVMasteringDisplayMetadata *)data, colour);
	}
	data = av_stream_get_side_data(stream, AV_PKT_DATA_CONTENT_LIGHT_LEVEL, &size);
	if (data && size >= sizeof(AVContentLightMetadata)) {
		light_from_av((const AVContentLightMetadata *)data, colour);
	}
}

void uhd_colour_from_frame(const AVFrame *frame, struct uhd_colour *colour)
{
	if (frame->color_primaries != AVCOL_PRI_UNSPECIFIED) {
		colour->primaries = frame->color_primaries;
	}
	if (frame->color_trc != AVCOL_TRC_UNSPECIFIED) {
		colour->transfer = frame->color_trc;
	}
	if (frame->colorspace != AVCOL_SPC_UNSPECIFIED) {
		colour->matrix = frame->colorspace;
	}
	if (frame->color_range != AVCOL_RANGE_UNSPECIFIED) {
		colour->range =
		        frame->color_range == AVCOL_RANGE_JPEG ? UHD_RANGE_FULL : UHD_RANGE_LIMITED;
	}
	if (frame->chroma_location != AVCHROMA_LOC_UNSPECIFIED) {
		colour->siting = siting_from_av(frame->chroma_location);
	}
	const AVFrameSideData *sd =
	        av_frame_get_side_data(frame, AV_FRAME_DATA_MASTERING_DISPLAY_METADATA);
	if (sd) {
		mastering_from_av((const AVMasteringDisplayMetadata *)sd->data, colour);
	}
	sd = av_frame_get_side_data(frame, AV_FRAME_DATA_CONTENT_LIGHT_LEVEL);
	if (sd) {
		light_from_av((const AVContentLightMetadata *)sd->data, colour);
	}
}

void uhd_dynamic_metadata_from_frame(const AVFrame *frame, struct uhd_stream_info *info)
{
	if (av_frame_get_side_data(frame, AV_FRAME_DATA_DYNAMIC_HDR_PLUS)) {
		info->has_hdr10plus = true;
	}
	if (av_frame_get_side_data(frame, AV_FRAME_DATA_DOVI_RPU_BUFFER) ||
	    av_frame_get_side_data(frame, AV_FRAME_DATA_DOVI_METADATA)) {
		info->has_dolby_vision = true;
	}
}

void uhd_dynamic_metadata_from_stream(const AVStream *stream, struct uhd_stream_info *info)
{
	size_t size = 0;
	const uint8_t *data = av_stream_get_side_data(stream, AV_PKT_DATA_DOVI_CONF, &size);
	if (!data || size < sizeof(AVDOVIDecoderConfigurationRecord)) {
		return;
	}
	const AVDOVIDecoderConfigurationRecord *dv = (const AVDOVIDecoderConfigurationRecord *)data;
	info->has_dolby_vision = true;
	info->dolby_vision = (struct uhd_dolby_vision){
	        .present = true,
	        .profile = dv->dv_profile,
	        .level = dv->dv_level,
	        .rpu = dv->rpu_present_flag,
	        .el = dv->el_present_flag,
	        .bl = dv->bl_present_flag,
	        .bl_compatibility_id = dv->dv_bl_signal_compatibility_id,
	};
	/* Without a base layer, or with one that is no standard picture (profile
	 * 5's IPTPQc2, profile 10.0), only a Dolby Vision decoder makes a picture. */
	info->displayable = dv->bl_present_flag && dv->dv_bl_signal_compatibility_id != 0;
}

/* The eight quarter turns and flips, from the matrix's 2x2 part. FFmpeg's
 * matrices map source (x, y) to display as (x y) * [a b; c d]; with y
 * pointing down, a clockwise quarter turn is [0 1; -1 0] (rotate=90 in
 * MP4). A negative determinant is a mirror: taking it out first, as
 * [-1 0; 0 1] * M, leaves a pure turn. */
static bool orientation_from_matrix(const int32_t m[9], struct uhd_orientation *out)
{
	double a = m[0] / 65536.0, b = m[1] / 65536.0, c = m[3] / 65536.0, d = m[4] / 65536.0;
	out->hflip = a * d - b * c < 0;
	if (out->hflip) {
		a = -a;
		b = -b;
	}
	static const struct {
		int a, b, c, d, rotation;
	} turns[] = {{1, 0, 0, 1, 0}, {0, 1, -1, 0, 90}, {-1, 0, 0, -1, 180}, {0, -1, 1, 0, 270}};
	double scale = sqrt(a * a + b * b);
	for (size_t i = 0; scale > 0 && i < sizeof(turns) / sizeof(turns[0]); i++) {
		if (fabs(a / scale - turns[i].a) < 1e-3 && fabs(b / scale - turns[i].b) < 1e-3 &&
		    fabs(c / scale - turns[i].c) < 1e-3 && fabs(d / scale - turns[i].d) < 1e-3) {
			out->rotation = turns[i].rotation;
			return true;
		}
	}
	*out = (struct uhd_orientation){0, false};
	return false;
}

void uhd_display_matrix_from_stream(const AVStream *stream, struct uhd_stream_info *info)
{
	size_t size = 0;
	const uint8_t *data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
	if (!data || size < 9 * sizeof(int32_t)) {
		return;
	}
	const int32_t *matrix = (const int32_t *)data;
	info->has_display_matrix = true;
	info->display_rotation_deg = av_display_rotation_get(matrix);
	if (isnan(info->display_rotation_deg)) {
		info->display_rotation_deg = 0;
	}
	if (!orientation_from_matrix(matrix, &info->display)) {
		snprintf(info->display_turn_note, sizeof(info->display_turn_note),
		         "the display matrix turns by %.1f degrees, not a quarter turn: ignored",
		         -info->display_rotation_deg);
	}
}
