/*
 * Clip source: libavformat demuxing and libavcodec decoding of the best
 * video stream. Frames come out exactly as libavcodec emits them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>

#include "../common/fault.h"
#include "../common/log.h"
#include "av_colour.h"
#include "frame.h"
#include "uhdpipe/source.h"

struct uhd_source {
	char *path;
	AVFormatContext *format;
	AVCodecContext *codec;
	int stream_index;
	AVPacket *packet;
	struct uhd_frame frame;
	bool frame_pending; /* the probe frame, not yet handed out */
	bool packet_held;   /* read but not yet accepted by the decoder */
	int64_t packets_sent;
	bool draining;
	bool finished;
	int64_t frames_decoded;
	int pixel_format; /* enum AVPixelFormat of the first frame */
	struct uhd_stream_info info;
};

/* libav's own messages are details of errors uhdpipe reports itself: debug level. */
static void on_av_log(void *avcl, int level, const char *fmt, va_list args)
{
	(void)avcl;
	if (level > AV_LOG_WARNING) {
		return;
	}
	char line[1024];
	vsnprintf(line, sizeof(line), fmt, args);
	line[strcspn(line, "\n")] = '\0';
	uhd_debug("libav: %s", line);
}

static void route_av_log(void)
{
	av_log_set_callback(on_av_log);
}

static int check_file(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		int err = errno;
		uhd_error("cannot open '%s': %s; check the path", path, strerror(err));
		return -err;
	}
	if (S_ISDIR(st.st_mode)) {
		uhd_error("'%s' is a directory, not a video file; give the path of a clip", path);
		return -EISDIR;
	}
	if (access(path, R_OK) != 0) {
		int err = errno;
		uhd_error("cannot read '%s': %s; check its permissions", path, strerror(err));
		return -err;
	}
	return 0;
}

/* Planar Y'CbCr with one component per plane, 8..12 bits, native little-endian samples. */
static int check_pixel_format(enum AVPixelFormat format, const char *path)
{
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(format);
	bool ok = desc && desc->nb_components == 3 && (desc->flags & AV_PIX_FMT_FLAG_PLANAR) &&
	          !(desc->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL |
	                           AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_BE)) &&
	          desc->log2_chroma_w <= 1 && desc->log2_chroma_h <= 1 &&
	          !(desc->log2_chroma_h == 1 && desc->log2_chroma_w == 0);
	for (int i = 0; ok && i < 3; i++) {
		int depth = desc->comp[i].depth;
		ok = desc->comp[i].plane == i && desc->comp[i].shift == 0 &&
		     desc->comp[i].offset == 0 && (depth == 8 || depth == 10 || depth == 12) &&
		     desc->comp[i].step == (depth > 8 ? 2 : 1);
	}
	if (!ok) {
		uhd_error("'%s': pixel format %s is not supported; uhdpipe takes planar Y'CbCr "
		          "4:2:0/4:2:2/4:4:4 at 8, 10 or 12 bits (convert it with "
		          "ffmpeg -pix_fmt yuv420p10le)",
		          path, desc ? desc->name : "none");
		return -ENOTSUP;
	}
	return 0;
}

static int open_decoder(struct uhd_source *src, const AVStream *stream, int threads)
{
	const AVCodec *decoder = NULL;
	/* FFmpeg 5.1's native AV1 decoder is hardware-only; dav1d decodes in software. */
	if (stream->codecpar->codec_id == AV_CODEC_ID_AV1) {
		decoder = avcodec_find_decoder_by_name("libdav1d");
	}
	if (!decoder) {
		decoder = avcodec_find_decoder(stream->codecpar->codec_id);
	}
	if (!decoder) {
		uhd_error("'%s': no decoder for codec %s in this FFmpeg build; re-encode the clip "
		          "as HEVC, AV1 or H.264",
		          src->path, avcodec_get_name(stream->codecpar->codec_id));
		return -ENOTSUP;
	}
	src->codec = avcodec_alloc_context3(decoder);
	if (!src->codec) {
		return -ENOMEM;
	}
	avcodec_parameters_to_context(src->codec, stream->codecpar);
	src->codec->pkt_timebase = stream->time_base;
	src->codec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
	src->codec->thread_count = threads;
	/* Strict: a bitstream error the decoder notices fails the run instead of being
	 * concealed into a silently wrong picture. */
	src->codec->err_recognition |= AV_EF_EXPLODE;
	int ret = avcodec_open2(src->codec, decoder, NULL);
	if (ret < 0) {
		uhd_error("'%s': cannot open the %s decoder: %s", src->path, decoder->name,
		          av_err2str(ret));
		return -ENOTSUP;
	}
	snprintf(src->info.decoder, sizeof(src->info.decoder), "%s", decoder->name);
	return 0;
}

static void fill_info(struct uhd_source *src, const AVStream *stream)
{
	struct uhd_stream_info *info = &src->info;
	const AVCodecParameters *par = stream->codecpar;
	snprintf(info->container, sizeof(info->container), "%s", src->format->iformat->name);
	snprintf(info->codec, sizeof(info->codec), "%s", avcodec_get_name(par->codec_id));
	const char *profile = avcodec_profile_name(par->codec_id, par->profile);
	snprintf(info->profile, sizeof(info->profile), "%s", profile ? profile : "");
	info->width = par->width;
	info->height = par->height;
	AVRational rate =
	        stream->avg_frame_rate.num ? stream->avg_frame_rate : stream->r_frame_rate;
	info->fps_num = rate.num;
	info->fps_den = rate.den;
	info->frame_count = stream->nb_frames;
	if (src->format->duration > 0) {
		info->duration_s = src->format->duration / (double)AV_TIME_BASE;
	}
	uhd_colour_from_stream(stream, &info->colour);
	uhd_dynamic_metadata_from_stream(stream, info);
}

/* Fills format facts from the first decoded frame, which is authoritative. */
static int describe_first_frame(struct uhd_source *src)
{
	const AVFrame *frame = src->frame.av;
	int ret = check_pixel_format(frame->format, src->path);
	if (ret < 0) {
		return ret;
	}
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(frame->format);
	struct uhd_stream_info *info = &src->info;
	snprintf(info->pixel_format, sizeof(info->pixel_format), "%s", desc->name);
	src->pixel_format = frame->format;
	info->bit_depth = desc->comp[0].depth;
	info->log2_chroma_w = desc->log2_chroma_w;
	info->log2_chroma_h = desc->log2_chroma_h;
	info->width = frame->width;
	info->height = frame->height;
	/* yuvj* formats are full range by definition. */
	if (strncmp(desc->name, "yuvj", 4) == 0) {
		info->colour.range = UHD_RANGE_FULL;
	}
	uhd_colour_from_frame(frame, &info->colour);
	uhd_dynamic_metadata_from_frame(frame, info);
	return 0;
}

/* A frame libavcodec marks as damaged is an error, never a silently wrong picture. */
static int check_frame_intact(struct uhd_source *src)
{
	const AVFrame *frame = src->frame.av;
	if ((frame->flags & AV_FRAME_FLAG_CORRUPT) || frame->decode_error_flags) {
		uhd_error("'%s': frame %lld decoded with errors (the clip is damaged); repair or "
		          "re-encode it",
		          src->path, (long long)(src->frames_decoded - 1));
		return -EIO;
	}
	return 0;
}

/* Sends the held packet; keeps it when the decoder first wants frames taken out. */
static int send_held_packet(struct uhd_source *src)
{
	int ret = uhd_fault_hit(UHD_FAULT_DECODE) ? AVERROR_INVALIDDATA
	                                          : avcodec_send_packet(src->codec, src->packet);
	if (ret == AVERROR(EAGAIN)) {
		return 0;
	}
	src->packet_held = false;
	av_packet_unref(src->packet);
	if (ret < 0) {
		uhd_error("'%s': the decoder rejected packet %lld after frame %lld: %s; the clip "
		          "is damaged",
		          src->path, (long long)src->packets_sent, (long long)src->frames_decoded,
		          av_err2str(ret));
		return -EIO;
	}
	src->packets_sent++;
	return 0;
}

/* Reads the next packet of the video stream into src->packet, or starts draining. */
static int read_packet(struct uhd_source *src)
{
	for (;;) {
		int ret = av_read_frame(src->format, src->packet);
		if (ret == AVERROR_EOF) {
			src->draining = true;
			avcodec_send_packet(src->codec, NULL);
			return 0;
		}
		if (ret < 0) {
			uhd_error("'%s': reading the container failed after %lld frames: %s",
			          src->path, (long long)src->frames_decoded, av_err2str(ret));
			return -EIO;
		}
		if (src->packet->stream_index == src->stream_index) {
			src->packet_held = true;
			return 0;
		}
		av_packet_unref(src->packet);
	}
}

static int decode_next(struct uhd_source *src)
{
	for (;;) {
		int ret = avcodec_receive_frame(src->codec, src->frame.av);
		if (ret == 0) {
			src->frames_decoded++;
			return check_frame_intact(src);
		}
		if (ret == AVERROR_EOF || (ret == AVERROR(EAGAIN) && src->draining)) {
			src->finished = true;
			return 1;
		}
		if (ret != AVERROR(EAGAIN)) {
			uhd_error("'%s': decoding frame %lld failed: %s; the clip may be damaged",
			          src->path, (long long)src->frames_decoded, av_err2str(ret));
			return -EIO;
		}
		ret = src->packet_held ? 0 : read_packet(src);
		if (ret == 0 && src->packet_held) {
			ret = send_held_packet(src);
		}
		if (ret < 0) {
			return ret;
		}
	}
}

static int open_container(struct uhd_source *src)
{
	int ret = avformat_open_input(&src->format, src->path, NULL, NULL);
	if (ret < 0) {
		uhd_error("'%s' is not a readable media file (%s); give a video clip such as "
		          ".mkv/.mp4",
		          src->path, av_err2str(ret));
		return -EINVAL;
	}
	ret = avformat_find_stream_info(src->format, NULL);
	if (ret < 0) {
		uhd_error("'%s': cannot read stream information: %s", src->path, av_err2str(ret));
		return -EINVAL;
	}
	ret = av_find_best_stream(src->format, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
	if (ret < 0) {
		uhd_error("'%s' has no video stream; give a video clip", src->path);
		return -EINVAL;
	}
	src->stream_index = ret;
	return 0;
}

int uhd_source_open(const char *path, const struct uhd_source_params *params,
                    struct uhd_source **out)
{
	struct uhd_source_params defaults = UHD_SOURCE_DEFAULTS;
	params = params ? params : &defaults;
	*out = NULL;
	int ret = check_file(path);
	if (ret < 0) {
		return ret;
	}
	struct uhd_source *src = calloc(1, sizeof(*src));
	if (!src || !(src->path = strdup(path)) || !(src->packet = av_packet_alloc()) ||
	    !(src->frame.av = av_frame_alloc())) {
		uhd_source_destroy(&src);
		return -ENOMEM;
	}
	static pthread_once_t log_once = PTHREAD_ONCE_INIT;
	pthread_once(&log_once, route_av_log);
	ret = open_container(src);
	AVStream *stream = ret == 0 ? src->format->streams[src->stream_index] : NULL;
	if (ret == 0) {
		fill_info(src, stream);
		ret = open_decoder(src, stream, params->threads);
	}
	if (ret == 0) {
		ret = decode_next(src);
		if (ret == 1) {
			uhd_error("'%s' contains no video frames; give a clip with at least one",
			          path);
			ret = -ENODATA;
		}
	}
	if (ret == 0) {
		ret = describe_first_frame(src);
		src->frame_pending = true;
	}
	if (ret < 0) {
		uhd_source_destroy(&src);
		return ret;
	}
	*out = src;
	return 0;
}

void uhd_source_destroy(struct uhd_source **source)
{
	if (!source || !*source) {
		return;
	}
	struct uhd_source *src = *source;
	av_frame_free(&src->frame.av);
	av_packet_free(&src->packet);
	avcodec_free_context(&src->codec);
	avformat_close_input(&src->format);
	free(src->path);
	free(src);
	*source = NULL;
}

const struct uhd_stream_info *uhd_source_info(const struct uhd_source *source)
{
	return &source->info;
}

int uhd_source_count_frames(struct uhd_source *source)
{
	AVFormatContext *format = NULL;
	int ret = avformat_open_input(&format, source->path, NULL, NULL);
	if (ret < 0) {
		uhd_error("'%s': cannot reopen to count frames: %s", source->path, av_err2str(ret));
		return -EIO;
	}
	AVPacket *packet = av_packet_alloc();
	int64_t count = 0;
	while (packet && av_read_frame(format, packet) >= 0) {
		count += packet->stream_index == source->stream_index;
		av_packet_unref(packet);
	}
	av_packet_free(&packet);
	avformat_close_input(&format);
	source->info.frame_count = count;
	source->info.frame_count_exact = true;
	return 0;
}

int uhd_source_next_frame(struct uhd_source *source, const struct uhd_frame **frame)
{
	*frame = NULL;
	if (source->frame_pending) {
		source->frame_pending = false;
		*frame = &source->frame;
		return 0;
	}
	if (source->finished) {
		return 1;
	}
	int ret = decode_next(source);
	if (ret != 0) {
		return ret;
	}
	const AVFrame *av = source->frame.av;
	const struct uhd_stream_info *info = &source->info;
	if (av->width != info->width || av->height != info->height ||
	    av->format != source->pixel_format) {
		uhd_error("'%s': frame %lld changes size or pixel format mid-stream (%dx%d %s); "
		          "uhdpipe needs one format per clip",
		          source->path, (long long)(source->frames_decoded - 1), av->width,
		          av->height, av_get_pix_fmt_name(av->format));
		return -ENOTSUP;
	}
	uhd_dynamic_metadata_from_frame(av, &source->info);
	*frame = &source->frame;
	return 0;
}

int uhd_frame_plane(const struct uhd_frame *frame, int plane, const uint8_t **data,
                    ptrdiff_t *stride_bytes, int *width, int *height)
{
	const AVFrame *av = frame->av;
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(av->format);
	if (plane < 0 || plane > 2 || !desc) {
		return -EINVAL;
	}
	int shift_w = plane ? desc->log2_chroma_w : 0;
	int shift_h = plane ? desc->log2_chroma_h : 0;
	*data = av->data[plane];
	*stride_bytes = av->linesize[plane];
	*width = AV_CEIL_RSHIFT(av->width, shift_w);
	*height = AV_CEIL_RSHIFT(av->height, shift_h);
	return 0;
}

int64_t uhd_frame_pts(const struct uhd_frame *frame)
{
	return frame->av->best_effort_timestamp;
}

double uhd_frame_time_s(const struct uhd_frame *frame, const struct uhd_source *source)
{
	int64_t pts = frame->av->best_effort_timestamp;
	if (pts == AV_NOPTS_VALUE) {
		return -1.0;
	}
	return pts * av_q2d(source->format->streams[source->stream_index]->time_base);
}

void uhd_frame_colour(const struct uhd_frame *frame, const struct uhd_source *source,
                      struct uhd_colour *colour)
{
	*colour = source->info.colour;
	uhd_colour_from_frame(frame->av, colour);
}
