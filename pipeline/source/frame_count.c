/* SPDX-License-Identifier: MIT */
/*
 * Counting the frames a clip will decode to, without decoding it: the video
 * packets of the container, less those the decoder is told to drop (edit
 * lists, AV_PKT_FLAG_DISCARD), less the VP9 frames that are never shown
 * (alt-ref frames, alone or inside superframes), plus VP9's
 * show_existing_frame headers (a repeat costs a packet and gives a frame).
 * AV1 packets are temporal units, one shown frame each. Whatever the packets
 * cannot tell (HEVC RASL pictures after the first CRA, H.264 streams that
 * start without a key frame, field-coded streams) makes the count an
 * estimate: the caller then compares decoded counts.
 */
#include <errno.h>
#include <string.h>

#include <libavformat/avformat.h>

#include "../common/log.h"
#include "frame_count.h"

/* ---- VP9 (VP9 bitstream specification, Annex B and section 6.2) ---- */

/* 1 when one VP9 frame (not a superframe) is shown, 0 when hidden, -1 when
 * its header is not a VP9 frame header. */
static int vp9_frame_shown(const uint8_t *data, size_t size)
{
	if (size < 1 || (data[0] >> 6) != 2) { /* frame_marker */
		return -1;
	}
	int profile = ((data[0] >> 5) & 1) | (((data[0] >> 4) & 1) << 1);
	int bit = 4; /* frame_marker (2 bits) and the two profile bits come first */
	if (profile == 3) {
		bit++; /* reserved_zero */
	}
	int show_existing = (data[bit / 8] >> (7 - bit % 8)) & 1;
	if (show_existing) {
		return 1;
	}
	bit += 2; /* frame_type, then show_frame */
	if (size * 8 <= (size_t)bit) {
		return -1;
	}
	return (data[bit / 8] >> (7 - bit % 8)) & 1;
}

/* Shown frames of one VP9 packet: a superframe (its index in the last bytes:
 * a marker byte 0b110sssff repeated at both ends of frame sizes) or a single
 * frame. -1 for a packet that is neither. */
static int vp9_packet_shown(const uint8_t *data, size_t size)
{
	uint8_t marker = size ? data[size - 1] : 0;
	if ((marker & 0xe0) == 0xc0) {
		int frames = (marker & 7) + 1, bytes = ((marker >> 3) & 3) + 1;
		size_t index_size = 2 + (size_t)bytes * frames;
		if (size >= index_size && data[size - index_size] == marker) {
			const uint8_t *sizes = data + size - index_size + 1;
			size_t offset = 0;
			int shown = 0;
			for (int f = 0; f < frames; f++) {
				size_t frame_size = 0;
				for (int b = 0; b < bytes; b++) {
					frame_size |= (size_t)sizes[f * bytes + b] << (8 * b);
				}
				if (offset + frame_size > size - index_size) {
					return -1;
				}
				int one = vp9_frame_shown(data + offset, frame_size);
				if (one < 0) {
					return -1;
				}
				shown += one;
				offset += frame_size;
			}
			return shown;
		}
	}
	return vp9_frame_shown(data, size);
}

/* ---- HEVC (H.265 clause 8.1.3: RASL pictures of a CRA that starts the
 * stream, or of a BLA, are not output) ---- */

enum { HEVC_RASL_N = 8, HEVC_RASL_R = 9, HEVC_BLA_FIRST = 16, HEVC_BLA_LAST = 18, HEVC_CRA = 21 };
enum { HEVC_IRAP_FIRST = 16, HEVC_IRAP_LAST = 23 };

/* The type of the first VCL NAL unit of a packet, in length-prefixed (MP4,
 * Matroska) or Annex B form; -1 when none is found. */
static int hevc_first_vcl_type(const uint8_t *data, size_t size, bool annex_b)
{
	size_t pos = 0;
	while (pos + 4 < size) {
		size_t start, length;
		if (annex_b) {
			if (!(data[pos] == 0 && data[pos + 1] == 0 && data[pos + 2] == 1)) {
				pos++;
				continue;
			}
			start = pos + 3;
			length = size - start; /* only the header is read */
		} else {
			length = (size_t)data[pos] << 24 | (size_t)data[pos + 1] << 16 |
			         (size_t)data[pos + 2] << 8 | data[pos + 3];
			start = pos + 4;
			if (length > size - start) {
				return -1;
			}
		}
		if (length >= 2) {
			int type = (data[start] >> 1) & 0x3f;
			if (type < 32) {
				return type;
			}
		}
		pos = annex_b ? start : start + length;
	}
	return -1;
}

struct hevc_state {
	bool annex_b;
	bool skipping_rasl; /* after a CRA that started the stream, or after a BLA */
	bool seen_irap;
};

/* 1 when the HEVC packet gives a frame, 0 when the decoder drops it. */
static int hevc_packet_output(struct hevc_state *st, const uint8_t *data, size_t size)
{
	int type = hevc_first_vcl_type(data, size, st->annex_b);
	if (type >= HEVC_IRAP_FIRST && type <= HEVC_IRAP_LAST) {
		bool bla = type >= HEVC_BLA_FIRST && type <= HEVC_BLA_LAST;
		st->skipping_rasl = bla || (type == HEVC_CRA && !st->seen_irap);
		st->seen_irap = true;
		return 1;
	}
	if (type == HEVC_RASL_N || type == HEVC_RASL_R) {
		return st->skipping_rasl ? 0 : 1;
	}
	return 1;
}

/* ---- The count ---- */

struct counter {
	enum AVCodecID codec;
	struct hevc_state hevc;
	int64_t frames;
	bool uncertain; /* something a packet count cannot see */
	bool first;     /* no packet counted yet */
	char why[96];   /* what made it uncertain */
};

static void count_packet(struct counter *c, const AVPacket *packet)
{
	if (c->codec == AV_CODEC_ID_H264 && c->first && !(packet->flags & AV_PKT_FLAG_KEY)) {
		/* libavcodec holds back pictures until a key frame or recovery point */
		c->uncertain = true;
		snprintf(c->why, sizeof(c->why),
		         "the H.264 stream does not start with a key frame");
	}
	c->first = false;
	if (packet->flags & AV_PKT_FLAG_DISCARD) {
		return; /* decoded for its references, never output */
	}
	if (c->codec == AV_CODEC_ID_VP9) {
		int shown = vp9_packet_shown(packet->data, (size_t)packet->size);
		if (shown < 0 && !c->uncertain) {
			c->uncertain = true;
			snprintf(c->why, sizeof(c->why), "a VP9 packet without a frame header");
		}
		c->frames += shown < 0 ? 1 : shown;
	} else if (c->codec == AV_CODEC_ID_HEVC) {
		c->frames += hevc_packet_output(&c->hevc, packet->data, (size_t)packet->size);
	} else {
		c->frames++;
	}
}

static bool is_annex_b(const AVCodecParameters *par)
{
	/* hvcC extradata starts with configurationVersion 1; Annex B has none or
	 * starts with a start code. */
	return par->extradata_size < 3 || par->extradata[0] == 0;
}

int uhd_count_stream_frames(const char *path, int stream_index, enum AVCodecID codec,
                            struct uhd_frame_count *out)
{
	memset(out, 0, sizeof(*out));
	AVFormatContext *format = NULL;
	int ret = avformat_open_input(&format, path, NULL, NULL);
	if (ret < 0) {
		uhd_error("'%s': cannot reopen to count frames: %s", path, av_err2str(ret));
		return -EIO;
	}
	if (stream_index >= (int)format->nb_streams) {
		avformat_close_input(&format);
		return -EIO;
	}
	const AVCodecParameters *par = format->streams[stream_index]->codecpar;
	struct counter c = {.codec = codec, .first = true};
	c.hevc.annex_b = is_annex_b(par);
	if (par->field_order != AV_FIELD_UNKNOWN && par->field_order != AV_FIELD_PROGRESSIVE) {
		c.uncertain = true;
		snprintf(c.why, sizeof(c.why), "the stream is interlaced (fields may be packets)");
	}
	AVPacket *packet = av_packet_alloc();
	while (packet && (ret = av_read_frame(format, packet)) >= 0) {
		if (packet->stream_index == stream_index) {
			count_packet(&c, packet);
		}
		av_packet_unref(packet);
	}
	av_packet_free(&packet);
	avformat_close_input(&format);
	out->frames = c.frames;
	/* A count cut short by a damaged container is no exact count either. */
	out->exact = ret == AVERROR_EOF && !c.uncertain;
	snprintf(out->method, sizeof(out->method), "%s",
	         c.codec == AV_CODEC_ID_VP9 ? "shown-frames" : "packets");
	snprintf(out->why_estimated, sizeof(out->why_estimated), "%s",
	         ret != AVERROR_EOF ? "the container could not be read to its end" : c.why);
	return 0;
}
