/* SPDX-License-Identifier: MIT */
/*
 * VESA Coordinated Video Timings (CVT 1.2), reduced blanking version 1:
 * the timings of a mode that the connector does not list (a virtual connector
 * such as vkms, or a size and rate forced from the command line).
 */
#ifndef UHD_KMS_CVT_H
#define UHD_KMS_CVT_H

#include <xf86drmMode.h>

/*
 * Fills *mode with the CVT-RB (v1) timings of width x height at refresh_hz,
 * progressive, no margins:
 *   horizontal: blank 160 px = front porch 48 + sync 32 + back porch 80;
 *   vertical: front porch 3, sync by aspect ratio (exact ratios: 4:3 -> 4,
 *   16:9 -> 5, 16:10 -> 6, 5:4 and 15:9 -> 7, any other -> 10), blank of at
 *   least 460 us and back porch of at least 6 lines;
 *   clock rounded down to a 0.25 MHz step, stored in kHz;
 *   vrefresh is the actual rate clock / (htotal * vtotal), rounded to whole Hz
 *   (7680x4320 at 60 comes out at 59.993 Hz and reads 60);
 *   flags +hsync -vsync (the RB polarities), type DRM_MODE_TYPE_USERDEF,
 *   name "WxHR" (e.g. "3840x2160R").
 * The caller owns *mode; nothing is allocated. Thread-safe.
 *
 * Returns 0;
 * -EINVAL for a NULL mode, a size that is not positive, a width that is not a
 *   multiple of CVT's 8-pixel cell (CVT would round it down, and the
 *   framebuffer would no longer match the mode), or a refresh rate that is
 *   not a finite number above 0 and below ~2174 Hz (where a frame is shorter
 *   than the 460 us minimum blank);
 * -ERANGE when a timing does not fit drmModeModeInfo (htotal or vtotal above
 *   65535, or a clock above 4294967295 kHz) or the clock rounds down to 0.
 */
int uhd_cvt_rb_mode(int width, int height, double refresh_hz, drmModeModeInfo *mode);

#endif
