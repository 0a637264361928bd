/* SPDX-License-Identifier: MIT */
/* Reading colour description and HDR side data from libav structures. */
#ifndef UHD_INTERNAL_AV_COLOUR_H
#define UHD_INTERNAL_AV_COLOUR_H

#include <libavformat/avformat.h>
#include <libavutil/frame.h>

#include "uhdpipe/source.h"

/* Fills colour fields from the stream parameters and stream side data. */
void uhd_colour_from_stream(const AVStream *stream, struct uhd_colour *colour);
/* Overrides fields with what the frame itself carries (tags, side data). */
void uhd_colour_from_frame(const AVFrame *frame, struct uhd_colour *colour);
/* Marks HDR10+ / Dolby Vision presence seen on a frame or the stream. */
void uhd_dynamic_metadata_from_frame(const AVFrame *frame, struct uhd_stream_info *info);
/* Reads the Dolby Vision configuration record (profile, level, layers, base
 * layer compatibility) into info. */
void uhd_dynamic_metadata_from_stream(const AVStream *stream, struct uhd_stream_info *info);
/* Reads the display matrix: info->display gets the turn and mirror a player
 * applies (quarter turns and flips; any other angle is noted and ignored). */
void uhd_display_matrix_from_stream(const AVStream *stream, struct uhd_stream_info *info);

#endif
