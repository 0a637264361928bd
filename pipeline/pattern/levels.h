/* SPDX-License-Identifier: MIT */
/* Levels of test patterns: code values from signal percentages, from
 * luminance through the format's transfer function, and colours given in
 * other primaries, all in double precision (ITU-R BT.2100, SMPTE ST 2084,
 * ITU-R BT.1886). */
#ifndef UHD_INTERNAL_LEVELS_H
#define UHD_INTERNAL_LEVELS_H

#include <stddef.h>

#include "uhdpipe/pattern.h"

/* Code value of the non-linear signal E' (0 = black, 1 = nominal peak):
 * narrow range round((219 E' + 16) 2^(n-8)), full range round((2^n - 1) E')
 * (BT.2100 Table 9), clamped to 0..2^n-1. */
int uhd_level_code(const struct uhd_pattern_format *format, double signal);
int uhd_level_max_code(const struct uhd_pattern_format *format);

/* The signal E' of each channel of a display colour given in cd/m2 (linear,
 * format primaries): PQ per channel through the inverse EOTF; HLG through the
 * inverse of the BT.2100 reference OOTF (Lw 1000 cd/m2, gamma 1.2, Lb 0) and
 * the OETF; SDR through the inverse of BT.1886 (Lw 100 cd/m2, Lb 0). -ERANGE
 * when a channel is negative or over the transfer's peak. */
int uhd_level_signal_from_light(const struct uhd_pattern_format *format, const double light[3],
                                double signal[3]);
/* Peak luminance the transfer reaches, cd/m2 (PQ 10000, HLG 1000, SDR 100). */
double uhd_level_peak_light(const struct uhd_pattern_format *format);

/* Converts linear RGB from primaries `from` to `to` (H.273 code points;
 * BT.709, BT.2020, P3-D65; D65 white). -ENOTSUP for other primaries. */
int uhd_level_convert_primaries(int from, int to, const double in[3], double out[3]);

/* Parses one level: "N" code value, "P%" signal percentage, "Lcd" or "Lnits"
 * luminance (a grey of that luminance). 0, or -EINVAL/-ERANGE with a reason. */
int uhd_level_parse(const char *text, const struct uhd_pattern_format *format, int *code,
                    char *error, size_t error_size);

/* Parses a colour: a name (black, white, red, green, blue, cyan, magenta,
 * yellow: 0% or 100% signals), one level (a grey), or three levels "R,G,B"
 * where luminance units apply per channel and the values are in `primaries`
 * (converted to the format's). */
int uhd_colour_parse(const char *text, const struct uhd_pattern_format *format, int primaries,
                     int code[3], char *error, size_t error_size);

#endif
