/* SPDX-License-Identifier: MIT */
/*
 * Colour constants and transfer functions, straight from the standards:
 * ITU-R BT.601/709/2020 luma coefficients, SMPTE ST 2084 (PQ) and
 * ITU-R BT.2100 HLG. Double precision; the GPU path uses the matrices derived
 * from these and keeps the stream's transfer.
 */
#include <errno.h>
#include <math.h>

#include "uhdpipe/colour.h"

const char *uhd_primaries_name(int primaries)
{
	switch (primaries) {
	case 1: return "bt709";
	case 2: return "unspecified";
	case 4: return "bt470m";
	case 5: return "bt470bg";
	case 6: return "smpte170m";
	case 7: return "smpte240m";
	case 8: return "film";
	case 9: return "bt2020";
	case 10: return "smpte428";
	case 11: return "smpte431";
	case 12: return "smpte432";
	case 22: return "ebu3213";
	default: return "unknown";
	}
}

const char *uhd_transfer_name(int transfer)
{
	switch (transfer) {
	case 1: return "bt709";
	case 2: return "unspecified";
	case 4: return "gamma22";
	case 5: return "gamma28";
	case 6: return "smpte170m";
	case 7: return "smpte240m";
	case 8: return "linear";
	case 13: return "iec61966-2-1";
	case 14: return "bt2020-10";
	case 15: return "bt2020-12";
	case 16: return "smpte2084";
	case 17: return "smpte428";
	case 18: return "arib-std-b67";
	default: return "unknown";
	}
}

const char *uhd_matrix_name(int matrix)
{
	switch (matrix) {
	case 0: return "gbr";
	case 1: return "bt709";
	case 2: return "unspecified";
	case 4: return "fcc";
	case 5: return "bt470bg";
	case 6: return "smpte170m";
	case 7: return "smpte240m";
	case 8: return "ycgco";
	case 9: return "bt2020nc";
	case 10: return "bt2020c";
	case 14: return "ictcp";
	default: return "unknown";
	}
}

const char *uhd_range_name(enum uhd_range range)
{
	return range == UHD_RANGE_FULL ? "full" : "limited";
}

const char *uhd_siting_name(enum uhd_chroma_siting siting)
{
	switch (siting) {
	case UHD_SITING_LEFT: return "left";
	case UHD_SITING_CENTER: return "center";
	case UHD_SITING_TOPLEFT: return "topleft";
	case UHD_SITING_TOP: return "top";
	case UHD_SITING_BOTTOMLEFT: return "bottomleft";
	case UHD_SITING_BOTTOM: return "bottom";
	default: return "unspecified";
	}
}

int uhd_matrix_coefficients(int matrix, double *kr, double *kb)
{
	switch (matrix) {
	case UHD_MATRIX_BT709: /* ITU-R BT.709-6 item 3.2 */
		*kr = 0.2126;
		*kb = 0.0722;
		return 0;
	case UHD_MATRIX_FCC: /* H.273 table 4, code 4 */
		*kr = 0.30;
		*kb = 0.11;
		return 0;
	case UHD_MATRIX_BT470BG:
	case UHD_MATRIX_SMPTE170M: /* ITU-R BT.601-7 */
		*kr = 0.299;
		*kb = 0.114;
		return 0;
	case UHD_MATRIX_SMPTE240M:
		*kr = 0.212;
		*kb = 0.087;
		return 0;
	case UHD_MATRIX_BT2020_NCL: /* ITU-R BT.2020-2 table 4 */
		*kr = 0.2627;
		*kb = 0.0593;
		return 0;
	default: return -ENOTSUP;
	}
}

/* SMPTE ST 2084 constants, exact rationals from the standard. */
#define PQ_M1 (2610.0 / 16384.0)
#define PQ_M2 (2523.0 / 4096.0 * 128.0)
#define PQ_C1 (3424.0 / 4096.0)
#define PQ_C2 (2413.0 / 4096.0 * 32.0)
#define PQ_C3 (2392.0 / 4096.0 * 32.0)

double uhd_pq_inverse_eotf(double luminance)
{
	double y = fmin(fmax(luminance / 10000.0, 0.0), 1.0);
	double ym = pow(y, PQ_M1);
	return pow((PQ_C1 + PQ_C2 * ym) / (1.0 + PQ_C3 * ym), PQ_M2);
}

double uhd_pq_eotf(double signal)
{
	double e = pow(fmin(fmax(signal, 0.0), 1.0), 1.0 / PQ_M2);
	double y = pow(fmax(e - PQ_C1, 0.0) / (PQ_C2 - PQ_C3 * e), 1.0 / PQ_M1);
	return 10000.0 * y;
}

/* ITU-R BT.2100-2 table 5 HLG constants. */
#define HLG_A 0.17883277
#define HLG_B (1.0 - 4.0 * HLG_A)
#define HLG_C (0.5 - HLG_A * log(4.0 * HLG_A))

double uhd_hlg_oetf(double scene_linear)
{
	double e = fmax(scene_linear, 0.0);
	if (e <= 1.0 / 12.0) {
		return sqrt(3.0 * e);
	}
	return HLG_A * log(12.0 * e - HLG_B) + HLG_C;
}

double uhd_hlg_inverse_oetf(double signal)
{
	double e = fmax(signal, 0.0);
	if (e <= 0.5) {
		return e * e / 3.0;
	}
	return (exp((e - HLG_C) / HLG_A) + HLG_B) / 12.0;
}
