/* SPDX-License-Identifier: MIT */
/* `uhdpipe info INPUT [--json]`: what a clip is, for people and for scripts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../common/json.h"
#include "cli.h"
#include "engine/frames.h"
#include "source/hdr10plus.h"
#include "uhdpipe/uhdpipe.h"

static const char info_help[] =
        "usage: uhdpipe info INPUT [--json]\n"
        "\n"
        "Describes the video stream of INPUT: container, codec, size, frame rate, frame\n"
        "count (counted by demuxing, as the decoder outputs them; \"estimated\" with the\n"
        "reason where packets cannot tell), whether it has timestamps, the display\n"
        "matrix (rotation, mirroring), pixel format, bit depth, chroma subsampling and\n"
        "siting, colour primaries/transfer/matrix/range (and what was assumed for\n"
        "unset tags), HDR10 static metadata (SMPTE ST 2086 mastering display,\n"
        "MaxCLL/MaxFALL; malformed values are repaired and said), and whether HDR10+\n"
        "or Dolby Vision metadata is present (seen on the stream or its first frame),\n"
        "with the first frame's HDR10+ values (SMPTE ST 2094-40; play --report lists\n"
        "every frame's) and the Dolby Vision profile, level and base-layer\n"
        "compatibility.\n"
        "INPUT may also be a PNG (or a folder of them, as play takes it): its size, bit\n"
        "depth and the colour its cICP, mDCv and cLLi chunks give (without cICP: BT.709\n"
        "SDR, as uhdpipe reads it). '-' reads a clip from stdin (its frames are then not\n"
        "counted).\n"
        "\n"
        "  --json     print one JSON object instead of text\n"
        "  -h, --help this text\n";

static const char *chroma_name(const struct uhd_stream_info *info)
{
	if (info->log2_chroma_w && info->log2_chroma_h) {
		return "4:2:0";
	}
	return info->log2_chroma_w ? "4:2:2" : "4:4:4";
}

static void print_display_matrix(const struct uhd_stream_info *info)
{
	if (!info->has_display_matrix) {
		return;
	}
	if (info->display_turn_note[0]) {
		printf("display:       %s\n", info->display_turn_note);
		return;
	}
	printf("display:       turned %d degrees clockwise%s for display (display matrix; "
	       "play --rotate auto applies it)\n",
	       info->display.rotation, info->display.hflip ? " after a left-right mirror" : "");
}

static void print_dolby_vision(const struct uhd_stream_info *info)
{
	const struct uhd_dolby_vision *dv = &info->dolby_vision;
	if (!dv->present) {
		printf("Dolby Vision:  %s\n",
		       info->has_dolby_vision ? "yes (no configuration record)" : "no");
		return;
	}
	printf("Dolby Vision:  profile %d, level %d, layers%s%s%s, base layer compatibility %d "
	       "(%s)\n",
	       dv->profile, dv->level, dv->bl ? " BL" : "", dv->el ? " EL" : "",
	       dv->rpu ? " RPU" : "", dv->bl_compatibility_id,
	       info->displayable ? "displayable on its own"
	                         : "not displayable without a Dolby Vision decoder");
}

/* With the first frame's values, in a line: what a tone mapper would aim at. */
static void print_hdr10plus(const struct uhd_stream_info *info, const struct uhd_hdr10plus *m)
{
	if (!m) {
		printf("HDR10+:        %s\n", info->has_hdr10plus ? "yes" : "no");
		return;
	}
	const struct uhd_hdr10plus_window *w = &m->window[0];
	printf("HDR10+:        yes; frame 0: targeted display %.0f cd/m2, maxscl "
	       "%.5f/%.5f/%.5f, average maxRGB %.5f, %d %s%s\n",
	       m->targeted_system_display_maximum_luminance, w->maxscl[0], w->maxscl[1],
	       w->maxscl[2], w->average_maxrgb, m->windows,
	       uhd_plural(m->windows, "window", "windows"),
	       w->tone_mapping ? ", Bezier tone mapping" : "");
}

static void print_text(const char *path, const struct uhd_stream_info *info,
                       const struct uhd_hdr10plus *hdr10plus)
{
	const struct uhd_colour *c = &info->colour;
	printf("file:          %s\n", path);
	printf("container:     %s\n", info->container);
	printf("codec:         %s%s%s%s (decoder %s)\n", info->codec, *info->profile ? " (" : "",
	       info->profile, *info->profile ? ")" : "", info->decoder);
	printf("size:          %dx%d\n", info->width, info->height);
	bool still = strcmp(info->codec, "png") == 0;
	if (!still) {
		printf("frame rate:    %d/%d (%.3f fps)\n", info->fps_num, info->fps_den,
		       info->fps_den ? (double)info->fps_num / info->fps_den : 0.0);
	}
	if (info->frame_count < 0) {
		printf("frames:        unknown\n");
	} else {
		printf("frames:        %lld (%s%s%s%s)\n", (long long)info->frame_count,
		       info->frame_count_exact ? "counted: " : "estimated: ",
		       info->frame_count_method, info->frame_count_note[0] ? "; " : "",
		       info->frame_count_note);
	}
	if (info->timestamps_derived) {
		printf("timestamps:    none in the stream; derived from the frame rate\n");
	}
	print_display_matrix(info);
	if (c->matrix == UHD_MATRIX_RGB) { /* no chroma to site */
		printf("pixel format:  %s, %d-bit, R'G'B'\n", info->pixel_format, info->bit_depth);
	} else {
		printf("pixel format:  %s, %d-bit, %s, chroma siting %s\n", info->pixel_format,
		       info->bit_depth, chroma_name(info), uhd_siting_name(c->siting));
	}
	printf("colour:        primaries %s, transfer %s, matrix %s, range %s\n",
	       uhd_primaries_name(c->primaries), uhd_transfer_name(c->transfer),
	       uhd_matrix_name(c->matrix), uhd_range_name(c->range));
	if (c->has_mastering) {
		const struct uhd_mastering_display *m = &c->mastering;
		printf("mastering:     R(%.4f,%.4f) G(%.4f,%.4f) B(%.4f,%.4f) WP(%.4f,%.4f) "
		       "luminance %.4f..%.1f cd/m2\n",
		       m->primaries[0][0], m->primaries[0][1], m->primaries[1][0],
		       m->primaries[1][1], m->primaries[2][0], m->primaries[2][1],
		       m->white_point[0], m->white_point[1], m->min_luminance, m->max_luminance);
	} else {
		printf("mastering:     none\n");
	}
	if (c->has_content_light) {
		printf("content light: MaxCLL %u cd/m2, MaxFALL %u cd/m2\n",
		       c->content_light.max_cll, c->content_light.max_fall);
	} else {
		printf("content light: none\n");
	}
	if (info->colour_assumed[0]) {
		printf("assumed:       %s (unset in the stream)\n", info->colour_assumed);
	}
	if (info->hdr_metadata_repaired[0]) {
		printf("repaired:      %s\n", info->hdr_metadata_repaired);
	}
	print_hdr10plus(info, hdr10plus);
	print_dolby_vision(info);
}

/* hdr10plus: the first frame's HDR10+ metadata (clips; NULL when none). */
static void describe(const char *path, const struct uhd_stream_info *info,
                     const struct uhd_hdr10plus *hdr10plus, bool json)
{
	if (json) {
		struct uhd_json writer;
		uhd_json_init(&writer, stdout, true);
		uhd_json_object_begin(&writer, NULL);
		uhd_json_header(&writer, "uhdpipe info");
		uhd_json_stream_info_fields(&writer, path, info);
		uhd_json_hdr10plus(&writer, "hdr10plus_first_frame", hdr10plus);
		uhd_json_object_end(&writer);
	} else {
		print_text(path, info, hdr10plus);
	}
}

static int exit_for_error(int ret)
{
	return ret == -ENOTSUP ? UHD_EXIT_UNSUPPORTED : UHD_EXIT_INPUT;
}

/* A PNG or a folder of them, read as play reads it (the header and the colour
 * chunks of the first picture). */
static int describe_images(const char *path, bool json)
{
	struct uhd_render_options options = {.frames = -1, .image_duration = 1};
	struct uhd_frames *frames = NULL;
	int ret = uhd_frames_probe(&uhd_frames_images, path, &options, &frames);
	if (ret < 0) {
		return exit_for_error(ret);
	}
	describe(path, frames->info, NULL, json);
	uhd_frames_close(&frames);
	return UHD_EXIT_OK;
}

int uhd_cli_info(int argc, char **argv)
{
	bool json = false;
	int parsed = uhd_cli_parse_json_flag("info", info_help, argc, argv, &json);
	if (parsed != 0) {
		return parsed < 0 ? UHD_EXIT_OK : parsed;
	}
	if (optind != argc - 1) {
		return uhd_cli_usage_error("info", "give exactly one INPUT");
	}
	const char *path = argv[optind];
	if (uhd_frames_is_images(path)) {
		return describe_images(path, json);
	}
	struct uhd_source *source = NULL;
	int ret = uhd_source_open(path, NULL, &source);
	if (ret < 0) {
		return exit_for_error(ret);
	}
	/* The frame the open decoded (given again by the next call, not a new one). */
	const struct uhd_frame *first = NULL;
	struct uhd_hdr10plus hdr10plus;
	bool has_hdr10plus = uhd_source_next_frame(source, &first) == 0 &&
	                     uhd_frame_hdr10plus(first, &hdr10plus);
	uhd_source_count_frames(source);
	describe(path, uhd_source_info(source), has_hdr10plus ? &hdr10plus : NULL, json);
	uhd_source_destroy(&source);
	return UHD_EXIT_OK;
}
