/* SPDX-License-Identifier: MIT */
/*
 * An independent double-precision CPU model of uhdpipe's conversion: chroma
 * upsampling with siting, separable scaling with sample-centre phase and
 * mirrored edges, Y'CbCr -> R'G'B' from the standards' Kr/Kb, range and bit
 * depth. It shares no code with pipeline/; it is written from the
 * definitions in docs/conversion.md and the ITU-R texts.
 */
#ifndef UHD_TEST_CPU_MODEL_H
#define UHD_TEST_CPU_MODEL_H

#include <stddef.h>
#include <stdint.h>

struct model_plane {
	const uint8_t *data;
	ptrdiff_t stride; /* bytes */
	int width, height;
};

struct model_input {
	struct model_plane planes[3];
	int width, height;  /* luma size */
	int bit_depth;      /* 8, 10, 12 */
	int chroma_shift_x; /* log2 subsampling */
	int chroma_shift_y;
	int full_range; /* 0 limited, 1 full */
	double kr, kb;  /* luma coefficients of the matrix */
	/* Chroma sample 0's centre relative to luma sample 0's centre, in luma samples:
	 * 0 for co-sited, 0.5 for centred (4:2:0/4:2:2 horizontally), 0.5 for
	 * vertically centred, 1.0 for "bottom". */
	double chroma_offset_x, chroma_offset_y;
};

enum model_kernel { MODEL_NEAREST, MODEL_BILINEAR, MODEL_BICUBIC, MODEL_LANCZOS3 };

/* Returns out_w*out_h*3 doubles: R'G'B' in 0..1, unclamped. Caller frees. */
double *model_convert(const struct model_input *in, int out_w, int out_h, enum model_kernel kernel);

#endif
