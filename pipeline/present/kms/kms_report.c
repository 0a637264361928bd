/* SPDX-License-Identifier: MIT */
/* The kms presenter's part of a run report: what the display was driven
 * with, every flip's vblank and time, pacing statistics and captures. */
#include <stdio.h>

#include "kms.h"

static void write_mode(struct uhd_json *json, const struct kms_presenter *kms)
{
	const drmModeModeInfo *m = &kms->mode;
	uhd_json_object_begin(json, "mode");
	uhd_json_int(json, "width", m->hdisplay);
	uhd_json_int(json, "height", m->vdisplay);
	uhd_json_double(json, "refresh_hz", m->clock * 1000.0 / ((double)m->htotal * m->vtotal));
	uhd_json_int(json, "clock_khz", m->clock);
	uhd_json_int(json, "htotal", m->htotal);
	uhd_json_int(json, "vtotal", m->vtotal);
	uhd_json_string(json, "source", kms->mode_generated ? "cvt-rb" : "connector");
	uhd_json_object_end(json);
}

static void write_hdr(struct uhd_json *json, const struct kms_presenter *kms)
{
	static const char *const eotfs[] = {"sdr", "hdr", "pq", "hlg"};
	const struct hdr_metadata_infoframe *m = &kms->hdr.metadata.hdmi_metadata_type1;
	uhd_json_object_begin(json, "hdr");
	uhd_json_string(json, "option", uhd_hdr_mode_name(kms->hdr_mode));
	uhd_json_bool(json, "property", kms->has_hdr_prop);
	uhd_json_bool(json, "sent", kms->hdr.send && kms->has_hdr_prop);
	if (kms->hdr.send) {
		uhd_json_string(json, "eotf", m->eotf < 4 ? eotfs[m->eotf] : "unknown");
		uhd_json_array_begin(json, "primaries_x_y"); /* R, G, B in 0.00002 units */
		for (int i = 0; i < 3; i++) {
			uhd_json_int(json, NULL, m->display_primaries[i].x);
			uhd_json_int(json, NULL, m->display_primaries[i].y);
		}
		uhd_json_array_end(json);
		uhd_json_int(json, "white_x", m->white_point.x);
		uhd_json_int(json, "white_y", m->white_point.y);
		uhd_json_int(json, "max_mastering_cd_m2", m->max_display_mastering_luminance);
		uhd_json_int(json, "min_mastering_0_0001_cd_m2",
		             m->min_display_mastering_luminance);
		uhd_json_int(json, "max_cll", m->max_cll);
		uhd_json_int(json, "max_fall", m->max_fall);
	}
	if (kms->hdr_read_back) {
		/* The blob as the kernel accepted and holds it, "" when none is set. */
		char hex[2 * sizeof(kms->hdr_readback) + 1] = "";
		for (uint32_t i = 0; i < kms->hdr_readback_size; i++) {
			snprintf(hex + 2 * i, 3, "%02x", kms->hdr_readback[i]);
		}
		uhd_json_string(json, "kernel_blob", hex);
	} else {
		uhd_json_null(json, "kernel_blob");
	}
	uhd_json_bool(json, "defaults_used", kms->hdr.defaults_used);
	uhd_json_string(json, "note", kms->hdr.note);
	uhd_json_object_end(json);
	kms->colorspace_name ? uhd_json_string(json, "colorspace", kms->colorspace_name)
	                     : uhd_json_null(json, "colorspace");
	kms->has_max_bpc_prop ? uhd_json_int(json, "max_bpc", (int64_t)kms->max_bpc)
	                      : uhd_json_null(json, "max_bpc");
}

static void write_flips(struct uhd_json *json, const struct kms_presenter *kms)
{
	/* The modeset frame (flips[0]) is on screen but not on the cadence. */
	struct uhd_flip_stats stats;
	size_t paced = kms->flip_count > 1 ? kms->flip_count - 1 : 0;
	uhd_flip_stats_compute(&kms->cadence, kms->flips + 1, paced, 0.5, &stats);
	stats.presented += kms->flip_count > 0;
	uhd_json_object_begin(json, "pacing");
	uhd_json_double(json, "frame_rate", (double)kms->cadence.fps_num / kms->cadence.fps_den);
	uhd_json_bool(json, "drop_late", kms->params.display.drop_late);
	uhd_json_int(json, "presented", stats.presented);
	uhd_json_int(json, "late", stats.late);
	uhd_json_int(json, "dropped", stats.dropped);
	uhd_json_int(json, "repeated", stats.repeated);
	uhd_json_int(json, "off_grid", stats.off_grid);
	uhd_json_double(json, "mean_interval_ms", stats.mean_interval_ms);
	uhd_json_array_begin(json, "worst_intervals");
	for (int i = 0; i < 3; i++) {
		if (stats.worst[i].frame >= 0) {
			uhd_json_object_begin(json, NULL);
			uhd_json_int(json, "frame", stats.worst[i].frame);
			uhd_json_double(json, "interval_ms", stats.worst[i].interval_ms);
			uhd_json_object_end(json);
		}
	}
	uhd_json_array_end(json);
	uhd_json_array_begin(json, "flips");
	for (size_t i = 0; i < kms->flip_count; i++) {
		const struct uhd_flip *f = &kms->flips[i];
		uhd_json_object_begin(json, NULL);
		uhd_json_int(json, "frame", f->frame);
		uhd_json_bool(json, "dropped", f->dropped);
		uhd_json_bool(json, "modeset", i == 0);
		if (i == 0) {
			uhd_json_double(json, "time_s", f->time_s);
		} else if (!f->dropped) {
			uhd_json_int(json, "vblank", (int64_t)(f->sequence - kms->anchor_sequence));
			uhd_json_int(json, "due_vblank",
			             uhd_cadence_vblank(&kms->cadence, f->frame) -
			                     uhd_cadence_vblank(&kms->cadence, kms->anchor_frame));
			uhd_json_double(json, "time_s", f->time_s);
		}
		uhd_json_object_end(json);
	}
	uhd_json_array_end(json);
	uhd_json_object_end(json);
}

static void write_rgb(struct uhd_json *json, const char *key, const uint16_t rgb[3])
{
	uhd_json_array_begin(json, key);
	for (int c = 0; c < 3; c++) {
		uhd_json_int(json, NULL, rgb[c]);
	}
	uhd_json_array_end(json);
}

static void write_capture_record(struct uhd_json *json, const struct kms_capture_record *r)
{
	uhd_json_bool(json, "compared", r->compared);
	uhd_json_int(json, "mismatched_pixels", r->mismatched_pixels);
	if (r->mismatched_pixels) {
		uhd_json_object_begin(json, "first_mismatch"); /* 16-bit R'G'B' */
		uhd_json_int(json, "x", r->first_bad_x);
		uhd_json_int(json, "y", r->first_bad_y);
		write_rgb(json, "scanned_out", r->first_bad_want);
		write_rgb(json, "captured", r->first_bad_got);
		uhd_json_object_end(json);
	}
}

static void write_capture(struct uhd_json *json, const struct kms_presenter *kms)
{
	const struct kms_capture *cap = &kms->capture;
	if (kms->crc.enabled) {
		kms_crc_report(kms, json);
		return;
	}
	if (!cap->dir) {
		uhd_json_null(json, "capture");
		return;
	}
	char hex[17];
	uhd_json_object_begin(json, "capture");
	uhd_json_string(json, "method", "writeback");
	if (cap->writes_files) {
		uhd_json_string(json, "folder", cap->dir);
	} else {
		uhd_json_null(json, "folder");
	}
	uhd_json_string(json, "connector", cap->connector_name);
	uhd_json_string(json, "format", cap->format ? cap->format->name : "");
	uhd_json_bool(json, "display_shares_crtc", cap->shares_crtc);
	uhd_json_int(json, "captured", (int64_t)cap->count);
	uhd_json_int(json, "mismatched_frames", cap->mismatched_frames);
	uhd_json_array_begin(json, "frames");
	for (size_t i = 0; i < cap->count; i++) {
		uhd_json_object_begin(json, NULL);
		uhd_json_int(json, "frame", cap->records[i].frame);
		snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)cap->records[i].checksum);
		uhd_json_string(json, "checksum", hex);
		write_capture_record(json, &cap->records[i]);
		uhd_json_object_end(json);
	}
	uhd_json_array_end(json);
	uhd_json_object_end(json);
}

/* How the frames reached the framebuffers, and why not faster. */
static void write_path(struct uhd_json *json, const struct kms_presenter *kms)
{
	kms->path_reason[0] ? uhd_json_string(json, "path_reason", kms->path_reason)
	                    : uhd_json_null(json, "path_reason");
	/* Both directions share linear rows: the modifier both sides agree on
	 * (named explicitly to the kernel where it takes modifiers). */
	if (kms->path == KMS_PATH_ZERO_COPY) {
		uhd_json_string(json, "path_direction", "kms-dumb-buffer-exported-to-vulkan");
		uhd_json_string(json, "modifier", "linear");
	} else if (kms->path == KMS_PATH_ZERO_COPY_VK) {
		uhd_json_string(json, "path_direction", "vulkan-memory-exported-to-kms");
		uhd_json_string(json, "modifier", kms->explicit_modifier ? "linear" : "implicit");
	}
	kms->fallback_frame >= 0 ? uhd_json_int(json, "path_fallback_frame", kms->fallback_frame)
	                         : uhd_json_null(json, "path_fallback_frame");
	/* Per framebuffer filled: wall time, and the presenting thread's own CPU
	 * time (the GPU's, or lavapipe's worker threads', is not in it). */
	double n = kms->fills > 0 ? (double)kms->fills : 1.0;
	uhd_json_object_begin(json, "fill");
	uhd_json_int(json, "frames", kms->fills);
	uhd_json_double(json, "mean_ms", kms->fill_ms_total / n);
	uhd_json_double(json, "max_ms", kms->fill_ms_max);
	uhd_json_double(json, "thread_cpu_mean_ms", kms->fill_cpu_ms_total / n);
	/* GPU packing: pictures the pass read where the renderer left them, and
	 * pictures copied for it first (not aligned for a host-memory import). */
	int64_t in_place = 0, copied = 0;
	if (kms->packer) {
		uhd_gpu_packer_counts(kms->packer, &in_place, &copied);
	}
	uhd_json_int(json, "pictures_read_in_place", in_place);
	uhd_json_int(json, "pictures_copied", copied);
	uhd_json_int(json, "pictures_packed_on_cpu_off_path", kms->cpu_packed_frames);
	uhd_json_object_end(json);
}

void kms_report(const void *priv, struct uhd_json *json)
{
	const struct kms_presenter *kms = priv;
	uhd_json_object_begin(json, "display");
	uhd_json_string(json, "device", kms->dev.path);
	uhd_json_string(json, "driver", kms->dev.driver);
	uhd_json_string(json, "connector", kms->connector_name);
	uhd_json_bool(json, "mode_set", kms->set_up);
	if (kms->set_up) {
		write_mode(json, kms);
		uhd_json_string(json, "format", kms->format->name);
		uhd_json_bool(json, "dithered", kms->dithered);
		uhd_json_int(json, "buffers", KMS_BUFFERS);
		uhd_json_string(json, "path", kms->path_kind);
		write_path(json, kms);
		write_hdr(json, kms);
		write_flips(json, kms);
		write_capture(json, kms);
	}
	/* "saved state": back as before the run; "off": that state was gone, the
	 * display was turned off; "failed"; null: nothing was changed. */
	kms->restore_result ? uhd_json_string(json, "restore", kms->restore_result)
	                    : uhd_json_null(json, "restore");
	uhd_json_bool(json, "restored", kms->restored);
	uhd_json_object_end(json);
}
