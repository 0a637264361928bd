/* SPDX-License-Identifier: MIT */
/* JSON form of a stream description and a colour description. */
#include "json.h"

static void chroma_name(const struct uhd_stream_info *info, char *out, size_t size)
{
	const char *name = "4:4:4";
	if (info->log2_chroma_w == 1 && info->log2_chroma_h == 1) {
		name = "4:2:0";
	} else if (info->log2_chroma_w == 1) {
		name = "4:2:2";
	}
	snprintf(out, size, "%s", name);
}

void uhd_json_colour(struct uhd_json *json, const char *key, const struct uhd_colour *colour)
{
	uhd_json_object_begin(json, key);
	uhd_json_string(json, "primaries", uhd_primaries_name(colour->primaries));
	uhd_json_int(json, "primaries_code", colour->primaries);
	uhd_json_string(json, "transfer", uhd_transfer_name(colour->transfer));
	uhd_json_int(json, "transfer_code", colour->transfer);
	uhd_json_string(json, "matrix", uhd_matrix_name(colour->matrix));
	uhd_json_int(json, "matrix_code", colour->matrix);
	uhd_json_string(json, "range", uhd_range_name(colour->range));
	if (colour->matrix != UHD_MATRIX_RGB) {
		uhd_json_string(json, "chroma_siting", uhd_siting_name(colour->siting));
	}
	if (colour->has_mastering) {
		const struct uhd_mastering_display *md = &colour->mastering;
		static const char *names[3] = {"red", "green", "blue"};
		uhd_json_object_begin(json, "mastering_display");
		for (int i = 0; i < 3; i++) {
			uhd_json_array_begin(json, names[i]);
			uhd_json_double(json, NULL, md->primaries[i][0]);
			uhd_json_double(json, NULL, md->primaries[i][1]);
			uhd_json_array_end(json);
		}
		uhd_json_array_begin(json, "white_point");
		uhd_json_double(json, NULL, md->white_point[0]);
		uhd_json_double(json, NULL, md->white_point[1]);
		uhd_json_array_end(json);
		uhd_json_double(json, "max_luminance", md->max_luminance);
		uhd_json_double(json, "min_luminance", md->min_luminance);
		uhd_json_object_end(json);
	} else {
		uhd_json_null(json, "mastering_display");
	}
	if (colour->has_content_light) {
		uhd_json_object_begin(json, "content_light");
		uhd_json_int(json, "max_cll", colour->content_light.max_cll);
		uhd_json_int(json, "max_fall", colour->content_light.max_fall);
		uhd_json_object_end(json);
	} else {
		uhd_json_null(json, "content_light");
	}
	uhd_json_object_end(json);
}

/* null without a matrix; else FFmpeg's angle and the turn a player applies. */
static void display_matrix_json(struct uhd_json *json, const struct uhd_stream_info *info)
{
	if (!info->has_display_matrix) {
		uhd_json_null(json, "display_matrix");
		return;
	}
	uhd_json_object_begin(json, "display_matrix");
	uhd_json_double(json, "rotation_ccw_deg", info->display_rotation_deg);
	uhd_json_int(json, "turn_clockwise_deg", info->display.rotation);
	uhd_json_bool(json, "hflip", info->display.hflip);
	if (info->display_turn_note[0]) {
		uhd_json_string(json, "note", info->display_turn_note);
	}
	uhd_json_object_end(json);
}

static void dolby_vision_json(struct uhd_json *json, const struct uhd_stream_info *info)
{
	const struct uhd_dolby_vision *dv = &info->dolby_vision;
	if (!dv->present) {
		uhd_json_null(json, "dolby_vision_config");
		return;
	}
	uhd_json_object_begin(json, "dolby_vision_config");
	uhd_json_int(json, "profile", dv->profile);
	uhd_json_int(json, "level", dv->level);
	uhd_json_bool(json, "rpu", dv->rpu);
	uhd_json_bool(json, "el", dv->el);
	uhd_json_bool(json, "bl", dv->bl);
	uhd_json_int(json, "bl_compatibility_id", dv->bl_compatibility_id);
	uhd_json_object_end(json);
}

void uhd_json_stream_info(struct uhd_json *json, const char *key, const char *path,
                          const struct uhd_stream_info *info)
{
	uhd_json_object_begin(json, key);
	uhd_json_stream_info_fields(json, path, info);
	uhd_json_object_end(json);
}

void uhd_json_stream_info_fields(struct uhd_json *json, const char *path,
                                 const struct uhd_stream_info *info)
{
	char chroma[8];
	chroma_name(info, chroma, sizeof(chroma));
	uhd_json_string(json, "path", path);
	uhd_json_string(json, "container", info->container);
	uhd_json_string(json, "codec", info->codec);
	uhd_json_string(json, "profile", info->profile);
	uhd_json_string(json, "decoder", info->decoder);
	uhd_json_string(json, "hwaccel", info->hwaccel[0] ? info->hwaccel : "software");
	if (info->hwaccel_fallback[0]) {
		uhd_json_string(json, "hwaccel_fallback", info->hwaccel_fallback);
	}
	uhd_json_int(json, "width", info->width);
	uhd_json_int(json, "height", info->height);
	uhd_json_array_begin(json, "frame_rate");
	uhd_json_int(json, NULL, info->fps_num);
	uhd_json_int(json, NULL, info->fps_den);
	uhd_json_array_end(json);
	uhd_json_double(json, "fps", info->fps_den ? (double)info->fps_num / info->fps_den : 0.0);
	if (info->frame_count >= 0) {
		uhd_json_int(json, "frame_count", info->frame_count);
	} else {
		uhd_json_null(json, "frame_count");
	}
	uhd_json_bool(json, "frame_count_exact", info->frame_count_exact);
	uhd_json_string(json, "frame_count_method", info->frame_count_method);
	if (info->frame_count_note[0]) {
		uhd_json_string(json, "frame_count_note", info->frame_count_note);
	}
	uhd_json_double(json, "duration_s", info->duration_s);
	uhd_json_bool(json, "timestamps_derived", info->timestamps_derived);
	display_matrix_json(json, info);
	uhd_json_string(json, "pixel_format", info->pixel_format);
	uhd_json_int(json, "bit_depth", info->bit_depth);
	uhd_json_string(json, "chroma_subsampling", chroma);
	uhd_json_colour(json, "colour", &info->colour);
	if (info->colour_assumed[0]) {
		uhd_json_string(json, "colour_assumed", info->colour_assumed);
	}
	if (info->hdr_metadata_repaired[0]) {
		uhd_json_string(json, "hdr_metadata_repaired", info->hdr_metadata_repaired);
	}
	uhd_json_bool(json, "hdr10",
	              info->colour.transfer == UHD_TRANSFER_PQ && info->colour.has_mastering);
	uhd_json_bool(json, "hdr10plus", info->has_hdr10plus);
	uhd_json_bool(json, "dolby_vision", info->has_dolby_vision);
	dolby_vision_json(json, info);
	uhd_json_bool(json, "displayable", info->displayable);
}
