/* SPDX-License-Identifier: MIT */
/*
 * uhdpipe: video sources. A source demuxes and decodes a clip with FFmpeg's
 * libavformat/libavcodec and hands out decoded frames in decode order of
 * presentation, exactly as libavcodec emits them.
 *
 * Thread-safety: one source is used by one thread at a time.
 */
#ifndef UHDPIPE_SOURCE_H
#define UHDPIPE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "colour.h"
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

struct uhd_source;
struct uhd_frame;

/* What `uhdpipe info` reports about the video stream of a clip. */
struct uhd_stream_info {
	char container[64]; /* short demuxer name, e.g. "matroska,webm" */
	char codec[32];     /* e.g. "hevc" */
	char profile[48];   /* e.g. "Main 10", "" when unknown */
	char decoder[32];   /* decoder used, e.g. "hevc", "libdav1d" */
	char pixel_format[32];
	int width;
	int height;
	int fps_num, fps_den; /* average frame rate; 0/0 when unknown */
	/* Frames the stream decodes to. Until uhd_source_count_frames(): the
	 * container's figure, or duration x frame rate, or -1 when neither is
	 * known. */
	int64_t frame_count;
	/* frame_count equals what the undamaged stream decodes to. False for the
	 * container's or the duration's figure, and where the packets cannot tell
	 * (frame_count_note says why): callers then compare decoded counts. */
	bool frame_count_exact;
	/* How frame_count was obtained: "container" (the header's figure),
	 * "duration" (duration x frame rate), "packets" (video packets counted,
	 * less those the decoder drops: edit lists, discard flags, HEVC RASL
	 * pictures it skips), "shown-frames" (VP9: frames shown, hidden alt-ref
	 * frames left out, repeats counted), "images" (a PNG list), "unknown". */
	char frame_count_method[16];
	char frame_count_note[96]; /* why frame_count is an estimate; "" when exact */
	double duration_s;         /* from the container, else frame_count / frame rate */
	/* The stream carries no timestamps (raw Annex B, OBU or IVF without
	 * them): frame times are frame index / frame rate. */
	bool timestamps_derived;
	int bit_depth;     /* 8, 10 or 12 */
	int log2_chroma_w; /* 1 for 4:2:0 and 4:2:2, 0 for 4:4:4 */
	int log2_chroma_h; /* 1 for 4:2:0, 0 otherwise */
	/* Cb and Cr alternate in one plane (NV12, P010: what hardware decoders
	 * hand out); uhd_frame_plane then gives planes 1 and 2 as interleaved
	 * views of it. */
	bool chroma_interleaved;
	/* Bits each sample is shifted up within its 16-bit word (6 for P010,
	 * whose 10 bits sit at the top); 0 for the usual formats. */
	int sample_shift;
	/* Decoding path: "software", or the hardware decoder's device type
	 * ("vaapi", "cuda", ...) whose frames were used. */
	char hwaccel[16];
	/* When hardware decoding was asked for and not used: why (one line). */
	char hwaccel_fallback[512];
	struct uhd_colour colour; /* HDR10 metadata from the stream or its first frame */
	/* What the stream left unset and uhdpipe assumed (matrix, primaries,
	 * transfer), and which HDR static metadata groups were malformed and
	 * replaced by defaults (uhd_hdr_metadata_repair), with the reasons; ""
	 * when nothing. colour above already holds the assumed and repaired
	 * values, so that every output path writes the same. */
	char colour_assumed[160];
	char hdr_metadata_repaired[320];
	bool has_hdr10plus;    /* SMPTE ST 2094-40 dynamic metadata seen */
	bool has_dolby_vision; /* Dolby Vision configuration or RPU seen */
	/* The Dolby Vision configuration record (dvcC/dvvC/dvwC), when present. */
	struct uhd_dolby_vision {
		bool present;
		int profile;
		int level;
		bool rpu, el, bl; /* RPU, enhancement layer, base layer present */
		/* What the base layer is on its own: 0 nothing displayable (profile
		 * 5's IPTPQc2, profile 10.0), 1 HDR10, 2 SDR BT.1886, 4 HLG, 6 HDR10
		 * (Blu-ray). */
		int bl_compatibility_id;
	} dolby_vision;
	/* The base layer is a picture a display can show (no Dolby Vision, or a
	 * compatible base layer). When false, colour outputs are refused. */
	bool displayable;
	/* The display matrix: how a player turns the picture (display), and the
	 * matrix's angle in degrees counterclockwise as FFmpeg reports it.
	 * display_turn_note is set when the matrix is no quarter turn or flip. */
	bool has_display_matrix;
	struct uhd_orientation display;
	double display_rotation_deg;
	char display_turn_note[96];
};

/* Hardware decoding (uhd_source_params.hwaccel). */
enum uhd_hwaccel {
	UHD_HWACCEL_NONE = 0, /* software decoding */
	UHD_HWACCEL_AUTO,     /* the first of vaapi, vulkan, cuda that works here */
	UHD_HWACCEL_VAAPI,
	UHD_HWACCEL_VULKAN,
	UHD_HWACCEL_CUDA,
};

/* "none", "auto", "vaapi", "vulkan", "cuda". */
UHD_API const char *uhd_hwaccel_name(enum uhd_hwaccel hwaccel);
/* Parses one of those names; -EINVAL for anything else. */
UHD_API int uhd_hwaccel_from_name(const char *name, enum uhd_hwaccel *hwaccel);

struct uhd_source_params {
	/* Decoder threads; 0 lets libavcodec pick (default 0). */
	int threads;
	/* false (default): strict, the first bitstream error the decoder notices
	 * fails the source (AV_EF_EXPLODE) and frames flagged corrupt are refused.
	 * true: the decoder conceals; every frame is delivered with its damage
	 * (uhd_frame_get_damage) and undecodable packets are counted, so that a
	 * caller can report what it could not trust. A change of size or pixel
	 * format mid-stream and out-of-memory stay fatal either way. */
	bool lenient;
	/* Decode with FFmpeg's hardware decoders (default UHD_HWACCEL_NONE).
	 * Their frames are copied to system memory (av_hwframe_transfer_data) in
	 * the format the hardware gives, usually NV12 or P010, which the
	 * converter reads as it is. When the device or the decoder support is
	 * missing the source decodes in software and logs one notice line; the
	 * reason is in uhd_stream_info.hwaccel_fallback. */
	enum uhd_hwaccel hwaccel;
};

#define UHD_SOURCE_DEFAULTS                                                                        \
	((struct uhd_source_params){.threads = 0, .lenient = false, .hwaccel = UHD_HWACCEL_NONE})

/* Decoding damage behind one delivered frame; all zero from a strict source. */
struct uhd_frame_damage {
	/* Errors the demuxer or decoder reported since the previous delivered
	 * frame: rejected packets, failed decode calls, error messages. With frame
	 * threads an error may be noticed one or more frames early, never late. */
	int decode_errors;
	/* The picture may be wrong: libavcodec flagged it (concealment), errors
	 * were counted on it, or it follows damage without a clean key frame in
	 * between (prediction carries errors forward). */
	bool corrupt;
};

/* Run totals of a lenient source. */
struct uhd_decode_stats {
	int64_t decode_errors;  /* all counted so far, including after the last frame */
	int64_t frames_corrupt; /* delivered frames with corrupt set */
	int64_t frames_decoded;
};

/* Opens a clip and probes its video stream (decodes the first frame to find
 * per-frame HDR metadata); path "-" reads stdin, once, front to back, where the
 * container allows it. params may be NULL for defaults.
 * Errors: -ENOENT missing file, -EACCES unreadable, -EINVAL not a video file,
 * -ENOTSUP unsupported codec or pixel format, -ENODATA no frames, -EIO damaged
 * (strict) or unreadable, -ENOMEM. */
UHD_API int uhd_source_open(const char *path, const struct uhd_source_params *params,
                            struct uhd_source **out);
/* Destroys the source and clears *source; accepts NULL and *source == NULL. */
UHD_API void uhd_source_destroy(struct uhd_source **source);
/* libav's own messages reach the log callback as UHD_LOG_DEBUG lines that start
 * with "libav: ", up to av_level (an AV_LOG_* value of libavutil/log.h; default
 * 24, AV_LOG_WARNING). Its errors are counted as decoding errors whatever the
 * level. */
UHD_API void uhd_source_set_libav_log_level(int av_level);

UHD_API const struct uhd_stream_info *uhd_source_info(const struct uhd_source *source);

/* Counts the frames by demuxing the whole stream (no decoding) and stores
 * the result in the info (frame_count, _exact, _method, _note; duration_s
 * when the container gave none). A source opened from "-" (stdin) is not
 * counted: frame_count -1, method "unknown". */
UHD_API int uhd_source_count_frames(struct uhd_source *source);

/* Decodes the next frame. Returns 0 and a frame owned by the source (valid
 * until the next call or destroy), 1 at the end of the stream, or an error:
 * -EIO damaged (strict) or unreadable container, -ENOTSUP a clean change of
 * size or pixel format mid-stream (-EIO when it follows decoding errors: then
 * it is damage), -ENOMEM. */
UHD_API int uhd_source_next_frame(struct uhd_source *source, const struct uhd_frame **frame);

/* Damage of the frame last returned by uhd_source_next_frame (see above). */
UHD_API struct uhd_frame_damage uhd_frame_get_damage(const struct uhd_frame *frame);
UHD_API void uhd_source_decode_stats(const struct uhd_source *source,
                                     struct uhd_decode_stats *stats);

/* Plane access to a decoded frame: samples are little-endian uint16 for bit
 * depths above 8, else uint8. Planes 0, 1, 2 are Y, Cb, Cr. When the stream's
 * chroma is interleaved (uhd_stream_info.chroma_interleaved), planes 1 and 2
 * share rows: plane 2 starts one sample after plane 1, each plane's samples
 * are every second sample, and width counts that plane's samples. */
UHD_API int uhd_frame_plane(const struct uhd_frame *frame, int plane, const uint8_t **data,
                            ptrdiff_t *stride_bytes, int *width, int *height);
/* Presentation time in the stream's time base; derived from the frame rate
 * when the stream has none (uhd_stream_info.timestamps_derived); INT64_MIN
 * when unknown. */
UHD_API int64_t uhd_frame_pts(const struct uhd_frame *frame);
/* The same in seconds; -1 when unknown. */
UHD_API double uhd_frame_time_s(const struct uhd_frame *frame, const struct uhd_source *source);
/* Colour description of this frame (HDR metadata may change per frame). */
UHD_API void uhd_frame_colour(const struct uhd_frame *frame, const struct uhd_source *source,
                              struct uhd_colour *colour);

#ifdef __cplusplus
}
#endif

#endif
