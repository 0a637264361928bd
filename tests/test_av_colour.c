/* SPDX-License-Identifier: MIT */
/*
 * Colour description and HDR side data read from libav frames: tags override
 * the stream's, SMPTE ST 2086 and CTA-861.3 values arrive in natural units,
 * HDR10+ (ST 2094-40) and Dolby Vision side data are noticed. The frames are
 * built here with libavutil's own constructors (the sample clips cannot carry
 * HDR10+ or Dolby Vision: Debian's x265 is built without HDR10+ support).
 */
#include <libavutil/dovi_meta.h>
#include <libavutil/hdr_dynamic_metadata.h>
#include <libavutil/mastering_display_metadata.h>

#include "harness.h"
#include "source/av_colour.h"

int main(void)
{
	AVFrame *frame = av_frame_alloc();
	frame->color_primaries = AVCOL_PRI_BT2020;
	frame->color_trc = AVCOL_TRC_SMPTE2084;
	frame->colorspace = AVCOL_SPC_BT2020_NCL;
	frame->color_range = AVCOL_RANGE_MPEG;
	frame->chroma_location = AVCHROMA_LOC_TOPLEFT;
	AVMasteringDisplayMetadata *md = av_mastering_display_metadata_create_side_data(frame);
	md->display_primaries[0][0] = av_make_q(34000, 50000); /* red x 0.68 */
	md->display_primaries[0][1] = av_make_q(16000, 50000);
	md->display_primaries[1][0] = av_make_q(13250, 50000); /* green */
	md->display_primaries[1][1] = av_make_q(34500, 50000);
	md->display_primaries[2][0] = av_make_q(7500, 50000); /* blue */
	md->display_primaries[2][1] = av_make_q(3000, 50000);
	md->white_point[0] = av_make_q(15635, 50000);
	md->white_point[1] = av_make_q(16450, 50000);
	md->max_luminance = av_make_q(10000000, 10000);
	md->min_luminance = av_make_q(50, 10000);
	md->has_primaries = md->has_luminance = 1;
	AVContentLightMetadata *cll = av_content_light_metadata_create_side_data(frame);
	cll->MaxCLL = 1000;
	cll->MaxFALL = 400;

	struct uhd_colour colour = {.primaries = 1, .transfer = 1, .matrix = 1};
	uhd_colour_from_frame(frame, &colour);
	CHECK(colour.primaries == 9 && colour.transfer == 16 && colour.matrix == 9, "tags %d/%d/%d",
	      colour.primaries, colour.transfer, colour.matrix);
	CHECK(colour.range == UHD_RANGE_LIMITED, "range");
	CHECK(colour.siting == UHD_SITING_TOPLEFT, "siting %d", colour.siting);
	CHECK(colour.has_mastering && colour.has_content_light, "HDR10 static metadata seen");
	CHECK_NEAR(colour.mastering.primaries[0][0], 0.68, 1e-12, "red x");
	CHECK_NEAR(colour.mastering.primaries[1][1], 0.69, 1e-12, "green y");
	CHECK_NEAR(colour.mastering.primaries[2][0], 0.15, 1e-12, "blue x");
	CHECK_NEAR(colour.mastering.white_point[0], 0.3127, 1e-12, "white x");
	CHECK_NEAR(colour.mastering.max_luminance, 1000.0, 1e-9, "max luminance");
	CHECK_NEAR(colour.mastering.min_luminance, 0.005, 1e-12, "min luminance");
	CHECK(colour.content_light.max_cll == 1000 && colour.content_light.max_fall == 400,
	      "MaxCLL %u MaxFALL %u", colour.content_light.max_cll, colour.content_light.max_fall);

	struct uhd_stream_info info = {0};
	uhd_dynamic_metadata_from_frame(frame, &info);
	CHECK(!info.has_hdr10plus && !info.has_dolby_vision, "no dynamic metadata yet");
	CHECK(av_dynamic_hdr_plus_create_side_data(frame) != NULL, "HDR10+ side data");
	uhd_dynamic_metadata_from_frame(frame, &info);
	CHECK(info.has_hdr10plus && !info.has_dolby_vision, "HDR10+ noticed");
	CHECK(av_frame_new_side_data(frame, AV_FRAME_DATA_DOVI_RPU_BUFFER, 16) != NULL, "RPU");
	uhd_dynamic_metadata_from_frame(frame, &info);
	CHECK(info.has_dolby_vision, "Dolby Vision RPU noticed");

	/* Unspecified frame tags leave the stream's description alone. */
	AVFrame *plain = av_frame_alloc();
	struct uhd_colour kept = colour;
	uhd_colour_from_frame(plain, &kept);
	CHECK(kept.primaries == 9 && kept.has_mastering && kept.siting == UHD_SITING_TOPLEFT,
	      "stream description kept");
	av_frame_free(&plain);
	av_frame_free(&frame);
	return test_finish("test_av_colour");
}
