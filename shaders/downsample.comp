// SPDX-License-Identifier: MIT
#version 450
// MS-SSIM scale step: luma planes of half the size (rounded up), each sample
// the mean of a 2x2 block, the last row/column repeated for odd sizes. Reads
// the packed R'G'B' images, float planes, or (PLANE_INPUT) a decoded luma
// plane's codes scaled by pc.code_scale = 1 / peak.
#extension GL_GOOGLE_include_directive : require
#include "metrics_common.glsl"

layout(local_size_x = 16, local_size_y = 16, local_size_z = 1) in;

layout(constant_id = 0) const uint SAMPLE_BYTES = 2u;
layout(constant_id = 1) const bool FLOAT_INPUT = false;
layout(constant_id = 2) const bool PLANE_INPUT = false;

vec2 luma_pair(uint x, uint y)
{
	x = min(x, pc.width - 1u);
	y = min(y, pc.height - 1u);
	if (FLOAT_INPUT) {
		uint i = (y - pc.row_base) * pc.stride + x;
		return load_float_pair(i);
	}
	if (PLANE_INPUT) {
		int i = int((y - pc.row_base) * pc.stride + x);
		return vec2(texelFetch(ref_texels, i).r, texelFetch(test_texels, i).r) * pc.code_scale;
	}
	vec3 k = luma_coefficients();
	return vec2(dot(signal_of(load_ref_rgb(x, y, SAMPLE_BYTES)), k),
	            dot(signal_of(load_test_rgb(x, y, SAMPLE_BYTES)), k));
}

void main()
{
	uint out_width = (pc.width + 1u) / 2u, out_height = (pc.height + 1u) / 2u;
	uint ox = gl_GlobalInvocationID.x, oy = pc.first_row + gl_GlobalInvocationID.y;
	if (ox >= out_width || oy >= out_height || oy >= pc.first_row + pc.rows) {
		return;
	}
	uint x = 2u * ox, y = 2u * oy;
	vec2 sum = luma_pair(x, y) + luma_pair(x + 1u, y) + luma_pair(x, y + 1u) +
	           luma_pair(x + 1u, y + 1u);
	down_ref[oy * out_width + ox] = 0.25 * sum.x;
	down_test[oy * out_width + ox] = 0.25 * sum.y;
}
