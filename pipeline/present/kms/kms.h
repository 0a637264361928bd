/* SPDX-License-Identifier: MIT */
/*
 * The kms presenter's parts, shared by its files: kms.c (the presenter
 * table, options, report), kms_setup.c (connector, mode, format, planes,
 * buffers, the modeset), kms_flip.c (paced page flips and their events),
 * kms_capture.c (writeback captures) and kms_state.c (what the display
 * showed before, restored at the end).
 */
#ifndef UHD_INTERNAL_PRESENT_KMS_H
#define UHD_INTERNAL_PRESENT_KMS_H

#include <stdbool.h>
#include <stdint.h>

#include "device.h"
#include "gpu_pack.h"
#include "hdr.h"
#include "pack.h"
#include "pacing.h"
#include "../presenter.h"

#define KMS_BUFFERS   3
#define KMS_MAX_SAVED 64

/* A dumb buffer with a framebuffer on it, mapped for the CPU; on the
 * vulkan-to-kms path also a framebuffer on Vulkan memory of the same pitch,
 * which is the one shown unless the frame in it was filled on the CPU. */
struct kms_buffer {
	uint32_t handle, fb_id, pitch;
	uint64_t size;
	uint8_t *map;
	int64_t frame; /* the frame packed into it, -1 none */
	int prime_fd;  /* exported as a DMA-BUF (zero-copy), else -1 */
	int target;    /* the GPU packer's target for it (zero-copy), else -1 */
	/* zero-copy-vulkan-to-kms: Vulkan memory imported with PRIME; 0 else. */
	uint32_t vk_handle, vk_fb_id;
	uint8_t *vk_map; /* that memory mapped for the CPU, or NULL */
	bool holds_dumb; /* its frame was written into the dumb buffer (CPU) */
};

/* The framebuffer that shows the buffer's frame, and that frame's bytes for
 * the CPU (NULL where the memory is not mapped). */
static inline uint32_t kms_buffer_fb(const struct kms_buffer *b)
{
	return b->vk_fb_id && !b->holds_dumb ? b->vk_fb_id : b->fb_id;
}
static inline const uint8_t *kms_buffer_pixels(const struct kms_buffer *b)
{
	return b->vk_fb_id && !b->holds_dumb ? b->vk_map : b->map;
}

/* --scanout: what the user allows; the path: what runs. */
enum kms_scanout {
	KMS_SCANOUT_AUTO,
	KMS_SCANOUT_ZERO_COPY,
	KMS_SCANOUT_GPU,
	KMS_SCANOUT_CPU,
	KMS_SCANOUT_DUMB_TO_VULKAN,
	KMS_SCANOUT_VULKAN_TO_KMS,
};
enum kms_path { KMS_PATH_CPU, KMS_PATH_GPU, KMS_PATH_ZERO_COPY, KMS_PATH_ZERO_COPY_VK };

/* One property value saved for restoring; blobs keep their bytes. */
struct kms_saved_prop {
	uint32_t object, prop;
	uint64_t value;
	void *blob;
	uint32_t blob_size;
};

struct kms_props {
	uint32_t crtc_active, crtc_mode_id;
	/* Left by a previous client, they would change the picture: reset. */
	uint32_t crtc_gamma, crtc_degamma, crtc_ctm, plane_rotation, plane_alpha;
	uint32_t conn_broadcast_rgb;
	uint64_t broadcast_full;
	uint32_t plane_fb_id, plane_crtc_id, plane_src[4], plane_crtc[4];
	uint32_t conn_crtc_id, conn_hdr, conn_colorspace, conn_max_bpc;
	uint32_t wb_crtc_id, wb_fb_id, wb_out_fence;
};

/* What one writeback capture showed. */
struct kms_capture_record {
	int64_t frame;
	uint64_t checksum; /* of the capture as the picture's samples (uhd_image_checksum) */
	bool compared;     /* false for float scanout, which is not compared */
	int64_t mismatched_pixels;
	int first_bad_x, first_bad_y; /* the first mismatch, when there is one */
	uint16_t first_bad_want[3], first_bad_got[3];
};

struct kms_capture {
	const char *dir;   /* set when capturing through writeback */
	bool writes_files; /* false for --capture null: checksums only */
	uint32_t connector_id;
	char connector_name[32];
	bool shares_crtc; /* display and writeback connectors on the CRTC together */
	const struct uhd_scanout_format *format;
	struct kms_buffer buffer;
	int fence_fd;
	int64_t pending_frame; /* frame whose writeback is in flight, -1 none */
	struct kms_buffer *pending_source;
	uint8_t *rgb;             /* the capture as the picture's samples, for PNG and checksum */
	uint16_t *got16, *want16; /* one row captured and sent, as 16-bit R, G, B */
	struct uhd_image picture; /* layout and colour of the presented pictures */
	struct kms_capture_record *records;
	size_t count, capacity;
	int64_t mismatched_frames;
};

/* One CRC the display controller computed for one vblank (debugfs). */
struct kms_crc_entry {
	uint32_t vblank;
	uint32_t crc;
};

/* CRC capture: where a device has no writeback connector (or with
 * --capture crc:DIR), the CRCs of what was scanned out, per vblank. */
struct kms_crc {
	bool enabled;
	char path[128]; /* the CRTC's debugfs crc folder */
	int fd;         /* crc/data, -1 before the first flip */
	struct kms_crc_entry *entries;
	size_t count, capacity;
	uint64_t *checksums; /* picture checksum per presented flip (kms->flips order) */
	size_t checksum_count, checksum_capacity;
};

struct kms_presenter {
	struct uhd_presenter_params params;
	char connector_arg[64];
	struct uhd_drm_device dev;
	bool opened; /* the device is open */
	bool set_up; /* mode set, buffers made */
	/* Chosen objects. */
	uint32_t connector_id, crtc_id, plane_id;
	/* Other planes a previous client left on the CRTC: turned off. */
	uint32_t other_planes[8];
	int other_plane_count;
	int crtc_index;
	char connector_name[32];
	drmModeModeInfo mode;
	bool mode_generated; /* CVT, not from the connector's list */
	uint32_t mode_blob;
	const struct uhd_scanout_format *format;
	bool dithered;
	int want_width, want_height; /* from --mode, 0 when free */
	double want_hz;
	struct kms_props props;
	/* HDR signalling. */
	enum uhd_hdr_mode hdr_mode;
	struct uhd_hdr_signal hdr;
	uint32_t hdr_blob;
	const char *colorspace_name; /* NULL: Colorspace left alone */
	uint64_t colorspace_value;
	uint64_t max_bpc;
	bool has_hdr_prop, has_colorspace_prop, has_max_bpc_prop;
	/* HDR_OUTPUT_METADATA as the kernel holds it after the modeset. */
	uint8_t hdr_readback[64];
	uint32_t hdr_readback_size;
	bool hdr_read_back;
	/* Buffers and flips. */
	struct kms_buffer buffers[KMS_BUFFERS];
	struct kms_buffer *on_screen, *pending;
	int64_t pending_frame;
	struct uhd_cadence cadence;
	bool modeset_done;
	int64_t anchor_frame; /* the first frame that reached the screen, -1 before */
	uint64_t anchor_sequence;
	uint32_t last_sequence32;
	uint64_t sequence_high; /* widening of the 32-bit vblank counter */
	struct uhd_flip *flips;
	size_t flip_count, flip_capacity;
	double last_status_check_ms;
	bool no_vblank_counter;
	/* Saved state. */
	struct kms_saved_prop saved[KMS_MAX_SAVED];
	int saved_count;
	bool restored;              /* the saved state is back */
	const char *restore_result; /* "saved state", "off", "failed"; NULL before */
	struct kms_capture capture;
	struct kms_crc crc;
	/* How pixels reach the framebuffers (kms_gpu.c). */
	enum kms_scanout scanout;
	enum kms_path path;
	char path_kind[32];
	char path_reason[384];  /* why a faster path was not taken, "" when none was */
	int64_t fallback_frame; /* first frame packed on the CPU after a GPU time-out, -1 */
	struct uhd_context *context, *own_context;
	struct uhd_gpu_packer *packer;
	bool explicit_modifier; /* vulkan-to-kms framebuffers made with DRM_FORMAT_MOD_LINEAR named
	                         */
	/* Filling framebuffers: count, wall time and the presenting thread's CPU time. */
	int64_t fills, cpu_packed_frames; /* the latter: off the GPU path (other depth) */
	double fill_ms_total, fill_ms_max, fill_cpu_ms_total;
};

/* kms_setup.c */
int kms_choose_connector(struct kms_presenter *kms);
int kms_setup(struct kms_presenter *kms, const struct uhd_image *image);
void kms_release_buffers(struct kms_presenter *kms);
int kms_buffer_create(struct kms_presenter *kms, int width, int height,
                      const struct uhd_scanout_format *format, struct kms_buffer *buffer);
void kms_buffer_destroy(struct kms_presenter *kms, struct kms_buffer *buffer);
uint32_t kms_prop(struct kms_presenter *kms, uint32_t object, uint32_t type, const char *name);

/* kms_gpu.c */
int kms_scanout_parse(const char *text, enum kms_scanout *out);
/* Chooses the path for the first picture (never fails: the CPU path is the
 * floor) and says why a faster one was not taken. */
void kms_gpu_setup(struct kms_presenter *kms, const struct uhd_image *image);
/* Fills buffer with image on the chosen path; returns once it is complete. */
int kms_pack(struct kms_presenter *kms, const struct uhd_image *image, struct kms_buffer *buffer,
             int64_t frame);
void kms_gpu_release(struct kms_presenter *kms);

/* kms_flip.c */
/* Adds the display's state for showing buffer to req: with modeset, the mode,
 * connectors and HDR signalling too. */
void kms_add_commit(struct kms_presenter *kms, drmModeAtomicReq *req, struct kms_buffer *buffer,
                    bool modeset);
/* That modeset with buffer, tried with TEST_ONLY: 0, or -errno as the kernel refused it. */
int kms_test_modeset(struct kms_presenter *kms, struct kms_buffer *buffer);
/* Packs image into a free buffer (unless again: the picture on screen is
 * shown again as it is), waits for its vblank and flips to it. */
int kms_present_frame(struct kms_presenter *kms, const struct uhd_image *image, int64_t frame,
                      bool again);
int kms_finish_flips(struct kms_presenter *kms);
int kms_wait_flip(struct kms_presenter *kms, int timeout_ms);
int kms_check_connected(struct kms_presenter *kms);

/* kms_capture.c */
int kms_capture_setup(struct kms_presenter *kms, const struct uhd_image *image);
void kms_capture_attach(struct kms_presenter *kms, drmModeAtomicReq *req, int64_t frame,
                        struct kms_buffer *source);
int kms_capture_collect(struct kms_presenter *kms);
/* Forgets the capture attached to a commit the kernel refused. */
void kms_capture_abandon(struct kms_presenter *kms);
void kms_capture_release(struct kms_presenter *kms);

/* Reads HDR_OUTPUT_METADATA back from the kernel (for the report). */
void kms_read_back_hdr(struct kms_presenter *kms);

/* kms_crc.c */
int kms_crc_setup(struct kms_presenter *kms);
/* Before each commit: records the checksum of the picture that goes out
 * (again: the previous one's), starts reading CRCs once the modeset's flip
 * is done (the CRTC must be on) and collects those available. */
int kms_crc_note(struct kms_presenter *kms, const struct uhd_image *image, bool again);
/* Waits (bounded) for the CRCs of the last frame's vblanks. */
void kms_crc_finish(struct kms_presenter *kms);
void kms_crc_report(const struct kms_presenter *kms, struct uhd_json *json);
void kms_crc_release(struct kms_presenter *kms);

/* kms_state.c */
int kms_state_save(struct kms_presenter *kms, const uint32_t *connectors, int connector_count);
int kms_state_restore(struct kms_presenter *kms);
void kms_state_free(struct kms_presenter *kms);

#endif
