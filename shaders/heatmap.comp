// SPDX-License-Identifier: MIT
#version 450
// Heat map for --diff-dir: one palette index per pixel, four pixels a word.
// Index 0: no difference; 1..250: the value on a linear scale up to
// pc.heat_scale (clipped at 250). The value is deltaE ITP from the per-pixel
// map (MODE 0), or the largest code-value difference of the pixel (MODE 1,
// read from the packed images band by band).
#extension GL_GOOGLE_include_directive : require
#include "metrics_common.glsl"

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

layout(constant_id = 0) const uint SAMPLE_BYTES = 2u;
layout(constant_id = 1) const uint MODE = 0u;

float value_at(uint x, uint y)
{
	if (MODE == 0u) {
		uint word = itp_map[y * pc.half_width + x / 2u];
		vec2 pair = unpackHalf2x16(word);
		return (x & 1u) != 0u ? pair.y : pair.x;
	}
	uvec3 d = uvec3(abs(ivec3(load_ref_rgb(x, y, SAMPLE_BYTES)) -
	                    ivec3(load_test_rgb(x, y, SAMPLE_BYTES))));
	return float(max(d.r, max(d.g, d.b)));
}

uint palette_index(float value)
{
	if (!(value > 0.0)) {
		return 0u;
	}
	return 1u + uint(min(249.0, floor(value / pc.heat_scale * 249.0)));
}

void main()
{
	uint quad = gl_GlobalInvocationID.x, y = pc.first_row + gl_GlobalInvocationID.y;
	if (4u * quad >= pc.width || y >= pc.first_row + pc.rows || y >= pc.height) {
		return;
	}
	uint word = 0u;
	for (uint i = 0u; i < 4u; i++) {
		uint x = 4u * quad + i;
		if (x < pc.width) {
			word |= palette_index(value_at(x, y)) << (8u * i);
		}
	}
	heat[y * pc.heat_stride_words + quad] = word;
}
