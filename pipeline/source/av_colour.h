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
void uhd_dynamic_metadata_from_stream(const AVStream *stream, struct uhd_stream_info *info);

#endif
