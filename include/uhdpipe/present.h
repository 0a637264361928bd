/* SPDX-License-Identifier: MIT */
/*
 * uhdpipe: presenters, where converted frames go. Backends are chosen by an
 * output spec: "png:DIR" writes one PNG per frame with its colour chunks,
 * "null" discards frames (useful for timing and checksums), "kms[:CONNECTOR]"
 * shows them on a display through DRM/KMS atomic modesetting, paced to the
 * display's refresh, with HDR signalling and optional writeback capture.
 *
 * Thread-safety: one presenter is used by one thread at a time.
 */
#ifndef UHDPIPE_PRESENT_H
#define UHDPIPE_PRESENT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "convert.h"

#ifdef __cplusplus
extern "C" {
#endif

struct uhd_presenter;
struct uhd_context;

/* Options of the kms backend (ignored by the others). */
struct uhd_display_params {
	/* "WxH" or "WxH@HZ": a mode of the connector (of that size: the preferred
	 * one, else the fastest), else VESA CVT reduced-blanking timings checked
	 * with a TEST_ONLY commit. NULL: the picture's size (default NULL). */
	const char *mode;
	/* "auto", "xrgb8888", "xrgb2101010", "xbgr2101010", "xrgb16161616",
	 * "xbgr16161616f". auto: the deepest format the plane offers; a picture
	 * deeper than 8 bits goes out through 8 only when nothing deeper exists,
	 * then dithered, with a warning (default "auto"). */
	const char *format;
	/* "auto" (from the stream's transfer), "off", "pq", "hlg" (default "auto"). */
	const char *hdr;
	/* Overrides of the stream's HDR10 metadata, "primaries=bt2020,max=1000,...";
	 * see docs/displays.md, "HDR signalling" (default NULL). */
	const char *hdr_metadata;
	/* Folder for writeback captures of every presented frame, compared with
	 * what was rendered (default NULL: no capture). */
	const char *capture_dir;
	/* false: every frame is shown, a frame that misses its refresh is shown
	 * late; true: frames that would be shown after the next frame's refresh
	 * are dropped, keeping the source clock (default false). */
	bool drop_late;
	/* How frames reach the framebuffers: "auto" (zero-copy where the Vulkan
	 * device imports the display's DMA-BUFs; else packed on the GPU and copied
	 * where the device is a GPU, on the CPU where it is the CPU), "zero-copy"
	 * (auto with a warning when it cannot be), "gpu" (GPU packing and a copy),
	 * "cpu" (default NULL = "auto"). The report's display.path says which ran
	 * and display.path_reason why a faster one did not. */
	const char *scanout;
};

struct uhd_presenter_params {
	const char *spec; /* "png:DIR", "null", "kms" or "kms:CONNECTOR" (default "null") */
	/* Frame rate the frames should be shown at on displays; 0/0 = 60 Hz. */
	int fps_num, fps_den;
	/* Checked while a display waits for a refresh: when it becomes non-zero,
	 * present() returns -EINTR (default NULL). */
	volatile sig_atomic_t *cancel;
	/* Bit depth of the source (a clip's, a pattern's): a display format with
	 * fewer bits gets a warning; 0 = the pictures' own (default 0). */
	int source_bits;
	/* The Vulkan context the kms backend packs frames with (it must outlive the
	 * presenter); NULL: the backend makes its own when --scanout is not cpu
	 * (default NULL). */
	struct uhd_context *context;
	/* png:DIR: a folder that holds files is refused (-EEXIST) unless true,
	 * which first removes uhdpipe's own frame-*.png there (default false). */
	bool overwrite;
	struct uhd_display_params display;
};

#define UHD_PRESENTER_DEFAULTS                                                                     \
	((struct uhd_presenter_params){.spec = "null",                                             \
	                               .display = {.format = "auto", .hdr = "auto"}})

/* Opens the backend named by params->spec. The png backend creates DIR when
 * missing; the kms backend opens the DRM device and checks the connector and
 * options now, and sets the mode at the first frame. Errors: -EINVAL unknown
 * spec or bad option, -EACCES/-EIO/... when the output cannot be written,
 * -ENODEV no DRM device or connector, -EBUSY another DRM master is active. */
UHD_API int uhd_presenter_open(const struct uhd_presenter_params *params,
                               struct uhd_presenter **out);
/* uhd_presenter_open with defaults and this spec. */
UHD_API int uhd_presenter_create(const char *spec, struct uhd_presenter **out);
/* Restores what a display showed before (kms) and frees everything. */
UHD_API void uhd_presenter_destroy(struct uhd_presenter **presenter);

/* Presents the frame with the given output index. The kms backend returns
 * once the frame is queued for its refresh; -ENODEV when the display was
 * disconnected, -EIO when the kernel refused a commit. */
UHD_API int uhd_presenter_present(struct uhd_presenter *presenter, const struct uhd_image *image,
                                  int64_t index);

/* Presents the same picture as the previous call, unchanged: a display shows
 * its framebuffer again without repacking it; file backends write it again. */
UHD_API int uhd_presenter_present_again(struct uhd_presenter *presenter,
                                        const struct uhd_image *image, int64_t index);

/* Waits until the last frame is on screen (and captured), then restores what
 * a display showed before; nothing for file backends. Runs call it before
 * writing their report; destroy calls it too. */
UHD_API int uhd_presenter_finish(struct uhd_presenter *presenter);

/* Backend name ("png", "null", "kms") and where frames go (a folder, a
 * connector name). */
UHD_API const char *uhd_presenter_name(const struct uhd_presenter *presenter);
UHD_API const char *uhd_presenter_location(const struct uhd_presenter *presenter);

/* true when present() waits for the display's refresh, so that callers need
 * not pace frames themselves. */
UHD_API bool uhd_presenter_paces(const struct uhd_presenter *presenter);

/* The picture size the output needs (the --mode of a display), or 0x0 when
 * any size will do. */
UHD_API void uhd_presenter_size_hint(const struct uhd_presenter *presenter, int *width,
                                     int *height);

#ifdef __cplusplus
}
#endif

#endif
