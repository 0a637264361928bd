/* SPDX-License-Identifier: MIT */
/*
 * Clip source: libavformat demuxing and libavcodec decoding of the best
 * video stream. Frames come out exactly as libavcodec emits them. Strict
 * sources fail on the first bitstream error; lenient ones count every error
 * the demuxer and decoder report and mark the frames it may have touched.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/hwcontext.h>
#include <libavutil/pixdesc.h>

#include "../colour/assumed_tags.h"
#include "../colour/hdr_metadata.h"
#include "../common/fault.h"
#include "../common/log.h"
#include "av_colour.h"
#include "frame.h"
#include "frame_count.h"
#include "frame_pages.h"
#include "hwaccel.h"
#include "uhdpipe/source.h"

struct uhd_source {
	char *path;
	AVFormatContext *format;
	AVCodecContext *codec;
	int stream_index;
	AVPacket *packet;
	struct uhd_frame frame;
	AVFrame *download;             /* scratch for frames copied out of hardware memory */
	struct uhd_frame_pages *pages; /* the software decoder's frame buffers */
	bool hw_frames;                /* the decoder's frames came from hardware memory */
	bool frame_pending;            /* the probe frame, not yet handed out */
	bool packet_held;              /* read but not yet accepted by the decoder */
	int64_t packets_sent;
	bool draining;
	bool finished;
	int64_t frames_decoded;
	int pixel_format; /* enum AVPixelFormat of the first frame */
	struct uhd_stream_info info;
	bool lenient;
	/* Damage bookkeeping. logged_errors and first_logged are written by libav's
	 * log callback, possibly on a decoder thread, under live_lock; the rest
	 * belongs to the caller's thread. */
	struct uhd_source *next_live;
	int64_t logged_errors;
	char first_logged[160];
	int64_t logged_seen;    /* logged_errors already counted */
	int64_t pending_errors; /* counted since the previous delivered frame */
	int64_t decode_errors;  /* counted in all */
	int64_t frames_corrupt; /* delivered with damage.corrupt */
	bool damaged;           /* errors since the last clean key frame */
	int failures_in_a_row;  /* failed reads or decode calls without progress */
};

/* A damaged container can make the demuxer or the decoder fail at the same
 * place forever; a lenient source gives up after this many failures in a row. */
enum { UHD_MAX_FAILURES_IN_A_ROW = 32 };

/* What a strict source's damage error adds: the way to get on with such a clip. */
#define STRICT_HINT                                                                                \
	" (repair or re-encode it; `uhdpipe play` without --strict conceals and counts such "      \
	"errors)"

/* Sources whose demuxer and decoder carry them in their opaque field. libav's
 * log callback is process-wide: a context someone else made may have an
 * opaque of its own, so a pointer counts only once found in this list. */
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static struct uhd_source *live_sources;

static void set_live(struct uhd_source *src, bool live)
{
	pthread_mutex_lock(&live_lock);
	struct uhd_source **link = &live_sources;
	while (*link && *link != src) {
		link = &(*link)->next_live;
	}
	if (live && !*link) {
		src->next_live = live_sources;
		live_sources = src;
	} else if (!live && *link) {
		*link = src->next_live;
	}
	pthread_mutex_unlock(&live_lock);
}

/* The opaque of the demuxer or decoder context that logged (frame-thread
 * copies of the decoder context keep it); NULL for any other context, e.g.
 * the probing decoders of avformat_find_stream_info. */
static void *opaque_of(void *avcl)
{
	const AVClass *cls = avcl ? *(const AVClass **)avcl : NULL;
	if (cls && cls == avcodec_get_class()) {
		return ((AVCodecContext *)avcl)->opaque;
	}
	if (cls && cls == avformat_get_class()) {
		return ((AVFormatContext *)avcl)->opaque;
	}
	return NULL;
}

/* Counts an error message of a source's demuxer or decoder, and keeps the
 * first one for the error a strict source gives. */
static void count_logged_error(void *avcl, const char *line)
{
	void *opaque = opaque_of(avcl);
	if (!opaque) {
		return;
	}
	pthread_mutex_lock(&live_lock);
	for (struct uhd_source *src = live_sources; src; src = src->next_live) {
		if (src == opaque) {
			if (src->logged_errors++ == 0) {
				snprintf(src->first_logged, sizeof(src->first_logged), "%.159s",
				         line);
			}
			break;
		}
	}
	pthread_mutex_unlock(&live_lock);
}

/* libav's own messages are details of errors uhdpipe reports itself: debug
 * level. Its errors do count, though: a demuxer that skips a damaged stretch
 * of the file says so only in its log. */
static atomic_int av_log_max = AV_LOG_WARNING;

void uhd_source_set_libav_log_level(int av_level)
{
	atomic_store(&av_log_max, av_level);
}

static void on_av_log(void *avcl, int level, const char *fmt, va_list args)
{
	if (level > AV_LOG_ERROR && level > atomic_load(&av_log_max)) {
		return;
	}
	char line[1024];
	vsnprintf(line, sizeof(line), fmt, args);
	line[strcspn(line, "\n")] = '\0';
	if (level <= AV_LOG_ERROR && !uhd_hw_setup_message(line)) {
		count_logged_error(avcl, line);
	}
	if (level <= atomic_load(&av_log_max)) {
		uhd_debug("libav: %s", line);
	}
}

static void route_av_log(void)
{
	av_log_set_callback(on_av_log);
}

/* "-": the clip comes through stdin, read once, front to back. */
static bool is_stdin(const char *path)
{
	return strcmp(path, "-") == 0;
}

/* What a pipe cannot do, said where reading stdin fails. */
#define STDIN_HINT                                                                                 \
	"; read from stdin ('-'), a container that needs seeking (such as an MP4 "                 \
	"whose index is at the end) cannot be read: give the file's path, or remux it "            \
	"with ffmpeg -movflags +faststart"

static int check_file(const char *path)
{
	if (is_stdin(path)) {
		if (isatty(STDIN_FILENO)) {
			uhd_error("'-' reads a clip from stdin, which is a terminal here; pipe a "
			          "clip in (cat clip.mkv | uhdpipe play - ...) or give its path");
			return -EINVAL;
		}
		return 0;
	}
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

/* Where a component must sit: planar (one per plane) or with Cb and Cr
 * interleaved in plane 1 (NV12, P010), samples in bytes or 16-bit words
 * with the value at the bottom or, for 16-bit words, at the top. */
static bool component_ok(const AVComponentDescriptor *comp, int i, bool interleaved)
{
	int depth = comp->depth, bytes = depth > 8 ? 2 : 1;
	bool placed = interleaved ? comp->plane == (i ? 1 : 0) &&
	                                    comp->offset == (i == 2 ? bytes : 0) &&
	                                    comp->step == (i ? 2 * bytes : bytes)
	                          : comp->plane == i && comp->offset == 0 && comp->step == bytes;
	return placed && (depth == 8 || depth == 10 || depth == 12) &&
	       (comp->shift == 0 || (bytes == 2 && comp->shift == 16 - depth));
}

/* Y'CbCr 4:2:0/4:2:2/4:4:4, 8..12 bits, native little-endian samples, in
 * the layouts component_ok takes. */
static int check_pixel_format(enum AVPixelFormat format, const char *path)
{
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(format);
	bool ok = desc && desc->nb_components == 3 && (desc->flags & AV_PIX_FMT_FLAG_PLANAR) &&
	          !(desc->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL |
	                           AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_BE)) &&
	          desc->log2_chroma_w <= 1 && desc->log2_chroma_h <= 1 &&
	          !(desc->log2_chroma_h == 1 && desc->log2_chroma_w == 0);
	bool interleaved = ok && desc->comp[1].plane == desc->comp[2].plane;
	for (int i = 0; ok && i < 3; i++) {
		ok = component_ok(&desc->comp[i], i, interleaved) &&
		     desc->comp[i].depth == desc->comp[0].depth &&
		     desc->comp[i].shift == desc->comp[0].shift;
	}
	if (!ok) {
		uhd_error("'%s': pixel format %s is not supported; uhdpipe takes Y'CbCr "
		          "4:2:0/4:2:2/4:4:4 at 8, 10 or 12 bits, planar or NV12/P010-style "
		          "(convert it with "
		          "ffmpeg -pix_fmt yuv420p10le)",
		          path, desc ? desc->name : "none");
		return -ENOTSUP;
	}
	return 0;
}

/* Asks for hardware decoding with decoder (libavcodec's native one for the
 * codec); on success *decoder stays and the device is in choice, else
 * the source notes why and decodes in software. */
static int choose_hardware(struct uhd_source *src, const AVCodec *native,
                           const struct uhd_source_params *params, struct uhd_hw_choice *choice)
{
	*choice = (struct uhd_hw_choice){0};
	if (params->hwaccel == UHD_HWACCEL_NONE) {
		return 0;
	}
	char *why = src->info.hwaccel_fallback;
	int ret = native ? uhd_hw_choose(native, params->hwaccel, choice, why,
	                                 sizeof(src->info.hwaccel_fallback))
	                 : 0;
	if (ret < 0 || choice->device) {
		return ret;
	}
	if (!native) {
		snprintf(why, sizeof(src->info.hwaccel_fallback), "no native decoder");
	}
	/* One line: a rig that asked for hardware decoding must see it is not used. */
	uhd_log(params->hwaccel == UHD_HWACCEL_AUTO ? UHD_LOG_INFO : UHD_LOG_WARN,
	        "'%s': hardware decoding (--hwaccel %s) is not available here, decoding in "
	        "software: %s",
	        src->path, uhd_hwaccel_name(params->hwaccel), why);
	return 0;
}

static int get_page_buffer(AVCodecContext *codec, AVFrame *frame, int flags)
{
	struct uhd_source *src = codec->opaque;
	return uhd_frame_pages_get_buffer(src->pages, codec, frame, flags);
}

static int open_decoder(struct uhd_source *src, const AVStream *stream,
                        const struct uhd_source_params *params)
{
	const AVCodec *native = avcodec_find_decoder(stream->codecpar->codec_id);
	struct uhd_hw_choice hw;
	int ret = choose_hardware(src, native, params, &hw);
	if (ret < 0) {
		return ret;
	}
	const AVCodec *decoder = hw.device ? native : NULL;
	/* FFmpeg 5.1's native AV1 decoder is hardware-only; dav1d decodes in software. */
	if (!decoder && stream->codecpar->codec_id == AV_CODEC_ID_AV1) {
		decoder = avcodec_find_decoder_by_name("libdav1d");
	}
	decoder = decoder ? decoder : native;
	if (!decoder) {
		uhd_error("'%s': no decoder for codec %s in this FFmpeg build; re-encode the clip "
		          "as HEVC, AV1 or H.264",
		          src->path, avcodec_get_name(stream->codecpar->codec_id));
		return -ENOTSUP;
	}
	src->codec = avcodec_alloc_context3(decoder);
	if (!src->codec) {
		av_buffer_unref(&hw.device);
		return -ENOMEM;
	}
	if (hw.device) {
		uhd_hw_attach(src->codec, &hw);
	}
	avcodec_parameters_to_context(src->codec, stream->codecpar);
	src->codec->pkt_timebase = stream->time_base;
	src->codec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
	src->codec->thread_count = params->threads;
	/* AV_EF_EXPLODE in both modes: without it the HEVC decoder drops a broken
	 * slice without a word (no return code, no message, no frame flag), and a
	 * lenient run must see every error to count it. A lenient source then
	 * just goes on with the next packet, as the ffmpeg tool does. */
	src->codec->err_recognition |= AV_EF_EXPLODE;
	src->codec->opaque = src;
	if (!hw.device) {
		/* Frames on whole pages, so that the GPU can read them in place. */
		src->pages = uhd_frame_pages_create();
		src->codec->get_buffer2 = src->pages ? get_page_buffer : src->codec->get_buffer2;
	}
	ret = avcodec_open2(src->codec, decoder, NULL);
	if (ret == AVERROR_INVALIDDATA || ret == AVERROR(EINVAL)) {
		/* The decoder exists but refuses what the container declares. */
		uhd_error("'%s': the %s decoder refuses the stream's parameters (%dx%d): %s; the "
		          "file is damaged or declares an impossible picture",
		          src->path, decoder->name, stream->codecpar->width,
		          stream->codecpar->height, av_err2str(ret));
		return -EINVAL;
	}
	if (ret < 0) {
		uhd_error("'%s': cannot open the %s decoder: %s", src->path, decoder->name,
		          av_err2str(ret));
		return -ENOTSUP;
	}
	snprintf(src->info.decoder, sizeof(src->info.decoder), "%s", decoder->name);
	return 0;
}

/* Until the packets are counted: the container's figure, else duration x
 * frame rate, else unknown (-1). None of them is exact. */
static void estimate_frame_count(struct uhd_stream_info *info, int64_t container_frames)
{
	const char *method = "unknown";
	info->frame_count = -1;
	if (container_frames > 0) {
		info->frame_count = container_frames;
		method = "container";
	} else if (info->duration_s > 0 && info->fps_num > 0 && info->fps_den > 0) {
		info->frame_count = llround(info->duration_s * info->fps_num / info->fps_den);
		method = "duration";
	}
	info->frame_count_exact = false;
	snprintf(info->frame_count_method, sizeof(info->frame_count_method), "%s", method);
	snprintf(info->frame_count_note, sizeof(info->frame_count_note),
	         "not counted yet (uhd_source_count_frames)");
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
	if (src->format->duration > 0) {
		info->duration_s = src->format->duration / (double)AV_TIME_BASE;
	}
	estimate_frame_count(info, stream->nb_frames);
	uhd_colour_from_stream(stream, &info->colour);
	info->displayable = true;
	uhd_dynamic_metadata_from_stream(stream, info);
	uhd_display_matrix_from_stream(stream, info);
}

/* Which decoder path the first frame took. libavcodec falls back to
 * software by itself when the hardware refuses the stream: say so. */
static void note_decoding_path(struct uhd_source *src)
{
	struct uhd_stream_info *info = &src->info;
	AVBufferRef *device = src->codec->hw_device_ctx;
	const char *type =
	        device ? av_hwdevice_get_type_name(((const AVHWDeviceContext *)device->data)->type)
	               : NULL;
	snprintf(info->hwaccel, sizeof(info->hwaccel), "%s",
	         src->hw_frames && type ? type : "software");
	if (device && !src->hw_frames) {
		snprintf(info->hwaccel_fallback, sizeof(info->hwaccel_fallback),
		         "%s: the device opened but the %s decoder refused it for this stream",
		         type, src->codec->codec->name);
		uhd_warn("'%s': hardware decoding is not available for this stream, decoding in "
		         "software: %s",
		         src->path, info->hwaccel_fallback);
	}
}

/* Unset colour tags get the assumptions every path shares, malformed HDR
 * static metadata the shared repair; each says so once per clip. */
static void settle_colour(struct uhd_source *src)
{
	struct uhd_stream_info *info = &src->info;
	if (uhd_colour_assume_unset(&info->colour, info->height, info->colour_assumed,
	                            sizeof(info->colour_assumed)) > 0) {
		uhd_warn("'%s': the stream does not say its colour; assuming %s "
		         "(docs/real-world-clips.md, "
		         "\"Unset colour tags\"); if that is wrong, tag the clip (ffmpeg -c copy "
		         "with "
		         "-colorspace, -color_primaries, -color_trc)",
		         src->path, info->colour_assumed);
	}
	if (uhd_hdr_metadata_repair(&info->colour, info->hdr_metadata_repaired,
	                            sizeof(info->hdr_metadata_repaired))) {
		uhd_warn("'%s': malformed HDR static metadata: %s", src->path,
		         info->hdr_metadata_repaired);
	}
}

/* A stream without timestamps (raw Annex B, OBU) gets them from the frame
 * rate: frame i is at i / fps, in the stream's time base. */
static void stamp_frame(struct uhd_source *src)
{
	AVFrame *av = src->frame.av;
	const struct uhd_stream_info *info = &src->info;
	if (!info->timestamps_derived || av->best_effort_timestamp != AV_NOPTS_VALUE) {
		return;
	}
	AVRational frame_time = {info->fps_den, info->fps_num};
	AVRational time_base = src->format->streams[src->stream_index]->time_base;
	av->best_effort_timestamp = av_rescale_q(src->frames_decoded - 1, frame_time, time_base);
	av->pts = av->best_effort_timestamp;
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
	info->chroma_interleaved = desc->comp[1].plane == desc->comp[2].plane;
	info->sample_shift = desc->comp[0].shift;
	note_decoding_path(src);
	info->width = frame->width;
	info->height = frame->height;
	/* yuvj* formats are full range by definition. */
	if (strncmp(desc->name, "yuvj", 4) == 0) {
		info->colour.range = UHD_RANGE_FULL;
	}
	uhd_colour_from_frame(frame, &info->colour);
	uhd_dynamic_metadata_from_frame(frame, info);
	settle_colour(src);
	info->timestamps_derived = frame->best_effort_timestamp == AV_NOPTS_VALUE &&
	                           info->fps_num > 0 && info->fps_den > 0;
	stamp_frame(src);
	return 0;
}

static void count_error(struct uhd_source *src)
{
	src->pending_errors++;
	src->decode_errors++;
}

/* A lenient source goes on after a damaged packet or read, unless it keeps
 * failing without progress (then the clip is unreadable from here on). */
static bool can_go_on(struct uhd_source *src)
{
	if (!src->lenient || ++src->failures_in_a_row > UHD_MAX_FAILURES_IN_A_ROW) {
		return false;
	}
	count_error(src);
	return true;
}

/* Memory is a resource, not damage: out of memory stays fatal when lenient. */
static int decoder_failed(struct uhd_source *src, int averror, const char *what)
{
	if (averror == AVERROR(ENOMEM)) {
		uhd_error("'%s': out of memory decoding %s after frame %lld; free memory, or check "
		          "the picture size the clip declares (uhdpipe info)",
		          src->path, what, (long long)src->frames_decoded);
		return -ENOMEM;
	}
	if (can_go_on(src)) {
		return 0;
	}
	uhd_error("'%s': decoding %s after frame %lld failed: %s; the clip is damaged%s", src->path,
	          what, (long long)src->frames_decoded, av_err2str(averror),
	          src->lenient ? " beyond recovery" : STRICT_HINT);
	return -EIO;
}

/* Sends the held packet; keeps it when the decoder first wants frames taken out.
 * The test hook fails the call as an allocation would: fatal in both modes. */
static int send_held_packet(struct uhd_source *src)
{
	int ret = uhd_fault_hit(UHD_FAULT_DECODE) ? AVERROR(ENOMEM)
	                                          : avcodec_send_packet(src->codec, src->packet);
	if (ret == AVERROR(EAGAIN)) {
		return 0;
	}
	src->packet_held = false;
	av_packet_unref(src->packet);
	src->packets_sent++;
	if (ret < 0) {
		char what[64];
		snprintf(what, sizeof(what), "packet %lld", (long long)(src->packets_sent - 1));
		return decoder_failed(src, ret, what);
	}
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
		if (ret < 0 && can_go_on(src)) {
			continue; /* demuxers resynchronise on the next call */
		}
		if (ret < 0) {
			bool pipe_start = is_stdin(src->path) && src->frames_decoded == 0;
			uhd_error("'%s': reading the container failed after %lld %s: %s%s",
			          src->path, (long long)src->frames_decoded,
			          uhd_plural(src->frames_decoded, "frame", "frames"),
			          av_err2str(ret),
			          pipe_start ? STDIN_HINT : "; the file is damaged or truncated");
			return -EIO;
		}
		src->failures_in_a_row = 0; /* the demuxer moved on */
		if (src->packet->stream_index == src->stream_index) {
			src->packet_held = true;
			return 0;
		}
		av_packet_unref(src->packet);
	}
}

static bool is_key_frame(const AVFrame *frame)
{
#ifdef AV_FRAME_FLAG_KEY
	return frame->flags & AV_FRAME_FLAG_KEY;
#else
	return frame->key_frame;
#endif
}

/* Error messages logged since the last look count as errors (put on the
 * next delivered frame). */
static void collect_logged_errors(struct uhd_source *src)
{
	pthread_mutex_lock(&live_lock);
	int64_t logged = src->logged_errors;
	pthread_mutex_unlock(&live_lock);
	src->pending_errors += logged - src->logged_seen;
	src->decode_errors += logged - src->logged_seen;
	src->logged_seen = logged;
}

/* Strict: any damage counted fails the source, before the frame is used. A
 * decoding call that failed has already failed it; what is left are pictures
 * libavcodec flags and error messages of the demuxer or decoder. */
static int refuse_damage(struct uhd_source *src, const char *where)
{
	collect_logged_errors(src);
	if (src->lenient || (src->pending_errors == 0 && !src->frame.damage.corrupt)) {
		return 0;
	}
	char detail[200] = "";
	if (src->pending_errors > 0) {
		pthread_mutex_lock(&live_lock);
		snprintf(detail, sizeof(detail), " (libav: %s)", src->first_logged);
		pthread_mutex_unlock(&live_lock);
	}
	uhd_error("'%s': the decoder reported errors at %s%s: the clip is damaged%s", src->path,
	          where, detail, STRICT_HINT);
	return -EIO;
}

/* What the frame just decoded may carry. Errors counted since the
 * previous frame are put on this one; damage lasts until a clean key frame,
 * because predicted pictures inherit their references' errors. */
static void note_damage(struct uhd_source *src)
{
	const AVFrame *av = src->frame.av;
	collect_logged_errors(src);
	bool flagged = (av->flags & AV_FRAME_FLAG_CORRUPT) || av->decode_error_flags;
	bool clean = !flagged && src->pending_errors == 0;
	struct uhd_frame_damage *damage = &src->frame.damage;
	damage->decode_errors = src->pending_errors > INT32_MAX ? INT32_MAX : src->pending_errors;
	damage->corrupt = !clean || (src->damaged && !is_key_frame(av));
	src->damaged = damage->corrupt;
	src->frames_corrupt += damage->corrupt;
	src->pending_errors = 0;
	src->failures_in_a_row = 0;
}

/* A hardware frame is copied to system memory before anything looks at it. */
static int download(struct uhd_source *src)
{
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(src->frame.av->format);
	if (!desc || !(desc->flags & AV_PIX_FMT_FLAG_HWACCEL)) {
		return 0;
	}
	src->hw_frames = true;
	int ret = uhd_hw_download(src->frame.av, src->download);
	if (ret < 0) {
		uhd_error("'%s': copying frame %lld out of the %s decoder's memory failed (%s); "
		          "run with --hwaccel none",
		          src->path, (long long)src->frames_decoded, src->info.hwaccel,
		          strerror(-ret));
	}
	return ret;
}

static int decode_next(struct uhd_source *src)
{
	char where[64];
	for (;;) {
		int ret = avcodec_receive_frame(src->codec, src->frame.av);
		if (ret == 0) {
			ret = download(src);
			if (ret < 0) {
				return ret;
			}
			src->frames_decoded++;
			note_damage(src);
			snprintf(where, sizeof(where), "frame %lld",
			         (long long)(src->frames_decoded - 1));
			return refuse_damage(src, where);
		}
		if (ret == AVERROR_EOF || (ret == AVERROR(EAGAIN) && src->draining)) {
			src->finished = true;
			if (src->frames_decoded == 0) {
				collect_logged_errors(src); /* uhd_source_open says it */
				return 1;
			}
			ret = refuse_damage(src, "the end of the stream");
			return ret < 0 ? ret : 1;
		}
		if (ret != AVERROR(EAGAIN)) {
			snprintf(where, sizeof(where), "frame %lld",
			         (long long)src->frames_decoded);
			ret = decoder_failed(src, ret, where);
			if (ret < 0) {
				return ret;
			}
			if (src->draining) {
				continue;
			}
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

/* Dolby Vision's own MP4 sample entries name the base layer's codec: dav1
 * is AV1, dvav/dva1 H.264, dvhe/dvh1 HEVC. FFmpeg 5.1 knows only some of
 * them and leaves the others without a codec, although the base layer's
 * decoder reads them as it is (the configuration box, av1C/avcC/hvcC, is the
 * base layer's). Named before the streams are probed. */
static void name_dolby_vision_entries(AVFormatContext *format)
{
	static const struct {
		uint32_t tag;
		enum AVCodecID codec;
	} entries[] = {
	        {MKTAG('d', 'a', 'v', '1'), AV_CODEC_ID_AV1},
	        {MKTAG('d', 'v', 'a', 'v'), AV_CODEC_ID_H264},
	        {MKTAG('d', 'v', 'a', '1'), AV_CODEC_ID_H264},
	        {MKTAG('d', 'v', 'h', 'e'), AV_CODEC_ID_HEVC},
	        {MKTAG('d', 'v', 'h', '1'), AV_CODEC_ID_HEVC},
	};
	for (unsigned i = 0; i < format->nb_streams; i++) {
		AVCodecParameters *par = format->streams[i]->codecpar;
		for (size_t e = 0;
		     par->codec_id == AV_CODEC_ID_NONE && e < sizeof(entries) / sizeof(entries[0]);
		     e++) {
			if (par->codec_tag == entries[e].tag) {
				par->codec_type = AVMEDIA_TYPE_VIDEO;
				par->codec_id = entries[e].codec;
			}
		}
	}
}

static int open_container(struct uhd_source *src)
{
	src->format = avformat_alloc_context();
	if (!src->format) {
		return -ENOMEM;
	}
	src->format->opaque = src;
	const char *url = is_stdin(src->path) ? "pipe:0" : src->path;
	int ret = avformat_open_input(&src->format, url, NULL, NULL);
	if (ret < 0) {
		uhd_error("'%s' is not a readable media file (%s); give a video clip such as "
		          ".mkv/.mp4",
		          src->path, av_err2str(ret));
		return -EINVAL;
	}
	name_dolby_vision_entries(src->format);
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
	    !(src->frame.av = av_frame_alloc()) || !(src->download = av_frame_alloc())) {
		uhd_source_destroy(&src);
		return -ENOMEM;
	}
	static pthread_once_t log_once = PTHREAD_ONCE_INIT;
	pthread_once(&log_once, route_av_log);
	src->lenient = params->lenient;
	set_live(src, true);
	ret = open_container(src);
	AVStream *stream = ret == 0 ? src->format->streams[src->stream_index] : NULL;
	if (ret == 0) {
		fill_info(src, stream);
		ret = open_decoder(src, stream, params);
	}
	if (ret == 0) {
		ret = decode_next(src);
	}
	if (ret == 1 && src->decode_errors > 0) {
		char first[sizeof(src->first_logged)];
		pthread_mutex_lock(&live_lock);
		snprintf(first, sizeof(first), "%s",
		         src->first_logged[0] ? src->first_logged : "a failed decoder call");
		pthread_mutex_unlock(&live_lock);
		uhd_error("'%s' contains no video frames that decode (%lld decoding errors, the "
		          "first: %s); the clip is damaged or truncated%s",
		          path, (long long)src->decode_errors, first,
		          is_stdin(path) ? STDIN_HINT : "");
		ret = -EIO;
	} else if (ret == 1) {
		uhd_error("'%s' contains no video frames; give a clip with at least one%s", path,
		          is_stdin(path) ? STDIN_HINT : "");
		ret = -ENODATA;
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
	set_live(src, false);
	av_frame_free(&src->frame.av);
	av_frame_free(&src->download);
	av_packet_free(&src->packet);
	avcodec_free_context(&src->codec);
	uhd_frame_pages_destroy(&src->pages);
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
	if (is_stdin(source->path)) {
		/* Counting demuxes the stream a second time; a pipe is read once. */
		struct uhd_stream_info *info = &source->info;
		info->frame_count = -1;
		info->frame_count_exact = false;
		snprintf(info->frame_count_method, sizeof(info->frame_count_method), "unknown");
		snprintf(info->frame_count_note, sizeof(info->frame_count_note),
		         "read from stdin, which can be read only once: not counted");
		return 0;
	}
	struct uhd_frame_count count;
	int ret = uhd_count_stream_frames(source->path, source->stream_index,
	                                  source->codec->codec_id, &count);
	if (ret < 0) {
		return ret;
	}
	struct uhd_stream_info *info = &source->info;
	info->frame_count = count.frames;
	info->frame_count_exact = count.exact;
	snprintf(info->frame_count_method, sizeof(info->frame_count_method), "%s", count.method);
	snprintf(info->frame_count_note, sizeof(info->frame_count_note), "%s", count.why_estimated);
	if (info->duration_s <= 0 && info->fps_num > 0 && info->fps_den > 0) {
		info->duration_s = (double)count.frames * info->fps_den / info->fps_num;
	}
	return 0;
}

/* The converter is built for the first frame's size and format. A clean
 * change later on is a clip uhdpipe does not take (-ENOTSUP); one that comes
 * out of decoding errors is damage (-EIO). Either way the run stops at that
 * frame instead of converting it wrongly. */
static int check_same_format(const struct uhd_source *src)
{
	const AVFrame *av = src->frame.av;
	const struct uhd_stream_info *info = &src->info;
	if (av->width == info->width && av->height == info->height &&
	    av->format == src->pixel_format) {
		return 0;
	}
	bool damage = src->frame.damage.corrupt;
	const char *name = av_get_pix_fmt_name(av->format);
	uhd_error("'%s': frame %lld is %dx%d %s, but the clip starts as %dx%d %s%s; uhdpipe takes "
	          "one size and pixel format per clip: %s",
	          src->path, (long long)(src->frames_decoded - 1), av->width, av->height,
	          name ? name : "none", info->width, info->height, info->pixel_format,
	          damage ? " (after decoding errors)" : "",
	          damage ? "the clip is damaged" : "split it where the format changes");
	return damage ? -EIO : -ENOTSUP;
}

struct uhd_frame_damage uhd_frame_get_damage(const struct uhd_frame *frame)
{
	return frame->damage;
}

void uhd_source_decode_stats(const struct uhd_source *source, struct uhd_decode_stats *stats)
{
	pthread_mutex_lock(&live_lock);
	int64_t logged = source->logged_errors;
	pthread_mutex_unlock(&live_lock);
	stats->decode_errors = source->decode_errors + (logged - source->logged_seen);
	stats->frames_corrupt = source->frames_corrupt;
	stats->frames_decoded = source->frames_decoded;
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
	ret = check_same_format(source);
	if (ret < 0) {
		return ret;
	}
	uhd_dynamic_metadata_from_frame(source->frame.av, &source->info);
	stamp_frame(source);
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
	const AVComponentDescriptor *comp = &desc->comp[plane];
	*data = av->data[comp->plane] + comp->offset;
	*stride_bytes = av->linesize[comp->plane];
	*width = AV_CEIL_RSHIFT(av->width, shift_w);
	*height = AV_CEIL_RSHIFT(av->height, shift_h);
	return 0;
}

int uhd_frame_plane_block(const struct uhd_frame *frame, int plane, const uint8_t **base,
                          size_t *size)
{
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(frame->av->format);
	if (plane < 0 || plane > 2 || !desc) {
		return -EINVAL;
	}
	AVBufferRef *buffer = av_frame_get_plane_buffer(frame->av, desc->comp[plane].plane);
	if (!buffer) {
		return -ENOENT;
	}
	*base = buffer->data;
	*size = buffer->size;
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
	/* The same policy as the stream's (said once, at open). */
	uhd_colour_assume_unset(colour, source->info.height, NULL, 0);
	uhd_hdr_metadata_repair(colour, NULL, 0);
}
