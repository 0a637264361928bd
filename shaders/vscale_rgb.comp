// SPDX-License-Identifier: MIT
#version 450
// Vertical pass and colour conversion: resamples the three float planes along
// y, then applies rgb = M * ((p0 - o0) * s0, (p1 - o1) * s1, (p2 - o1) * s1):
// Y'CbCr code values -> full-range R'G'B' with the stream's matrix and range,
// or the identity for planes that already hold R'G'B'. The result is clamped
// to [0, 1] and either packed as big-endian 16-bit or 8-bit RGB rows as PNG
// stores them, or stored as three float planes for a following upscaling
// pass.
// Each invocation makes four adjacent pixels of one output row: one
// four-float texel per plane row and tap, so that the sums run as vec4
// operations (the same order and operations as four scalar sums). The planes
// and the filter tables are read as uniform texel buffers: CPU drivers fetch
// those through their vectorised texture path, where a storage-buffer load at
// a per-invocation address costs one scalar load per lane.
// Packed output runs once per band of rows, so that no binding exceeds the
// device's storage-buffer range.

#extension GL_EXT_control_flow_attributes : require
#extension GL_GOOGLE_include_directive : require
#include "tonemap.glsl"

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

// 16 or 8: packed RGB rows; 32: float planes.
layout(constant_id = 0) const uint OUT_BITS = 16u;

// The horizontal pass's planes, as R32G32B32A32_SFLOAT views: rows of
// plane_texels texels (the width, padded to a multiple of 4 floats).
layout(binding = 0) uniform samplerBuffer plane0;
layout(binding = 1) uniform samplerBuffer plane1;
layout(binding = 2) uniform samplerBuffer plane2;
// The vertical filter tables (R32_UINT): first tap per output row, then taps
// weights per row.
layout(binding = 3) uniform usamplerBuffer table0;
layout(binding = 4) uniform usamplerBuffer table12;
layout(std430, binding = 5) writeonly buffer Out0 { uint out_words[]; };
layout(std430, binding = 6) writeonly buffer Out1 { float out_g[]; };
layout(std430, binding = 7) writeonly buffer Out2 { float out_b[]; };
// The same buffers, stored several words at a time where they are aligned
// for it: a CPU driver stores each lane's words in a loop over the lanes, one
// loop per store.
layout(std430, binding = 5) writeonly buffer Out0Pairs { uvec2 out_pairs[]; };
layout(std430, binding = 5) writeonly buffer Out0Quads { vec4 out_r4[]; };
layout(std430, binding = 6) writeonly buffer Out1Quads { vec4 out_g4[]; };
layout(std430, binding = 7) writeonly buffer Out2Quads { vec4 out_b4[]; };

layout(push_constant) uniform Push {
	uint width;
	uint band_first_row;
	uint band_rows;
	uint out_stride_words;
	uint taps0;
	uint taps12;
	uint height;
	uint row_offset; // first row of this dispatch, from the band's first
	float offset0;
	float scale0;
	float offset12;
	float scale12;
	vec4 m0; // rows of M (xyz used)
	vec4 m1;
	vec4 m2;
	uint run0_first; // vscale_periodic.comp's
	uint run0_start;
	uint run12_first;
	uint run12_start;
	uint last_texel0;
	uint last_texel12;
	uint plane_texels; // four-float texels per plane row
} pc;

vec3 to_rgb(vec3 planes)
{
	vec3 p = vec3((planes.x - pc.offset0) * pc.scale0, (planes.y - pc.offset12) * pc.scale12,
		      (planes.z - pc.offset12) * pc.scale12);
	vec3 rgb = vec3(dot(pc.m0.xyz, p), dot(pc.m1.xyz, p), dot(pc.m2.xyz, p));
	return tonemap(clamp(rgb, 0.0, 1.0));
}

// The packed words of the invocation's four pixels: two 12-byte groups of
// 16-bit RGB (words 0-5) or one of 8-bit (words 0-2). Columns past the width
// are packed as zeros.
void pack(uint quad, vec3 rgb[4], out uint words[6])
{
	float peak = OUT_BITS == 16u ? 65535.0 : 255.0;
	uint bytes[24];
	[[unroll]] for (uint p = 0u; p < 4u; p++) {
		uint column = quad * 4u + p;
		uvec3 code = column < pc.width ? uvec3(rgb[p] * peak + 0.5) : uvec3(0u);
		[[unroll]] for (uint c = 0u; c < 3u; c++) {
			if (OUT_BITS == 16u) {
				bytes[p * 6u + c * 2u] = code[c] >> 8;
				bytes[p * 6u + c * 2u + 1u] = code[c] & 0xffu;
			} else {
				bytes[p * 3u + c] = code[c];
			}
		}
	}
	[[unroll]] for (uint w = 0u; w < 6u; w++) {
		words[w] = w < (OUT_BITS == 16u ? 6u : 3u)
				   ? bytes[w * 4u] | (bytes[w * 4u + 1u] << 8) |
					     (bytes[w * 4u + 2u] << 16) | (bytes[w * 4u + 3u] << 24)
				   : 0u;
	}
}

// Stores the groups of the quad that hold pixels: a group whose first column
// is past the width is not stored (it is not part of the row).
void store_packed(uint quad, uint band_row, vec3 rgb[4])
{
	uint words[6];
	pack(quad, rgb, words);
	if (OUT_BITS == 8u) {
		uint base = band_row * pc.out_stride_words + quad * 3u;
		[[unroll]] for (uint w = 0u; w < 3u; w++) {
			out_words[base + w] = words[w];
		}
		return;
	}
	uint base = band_row * pc.out_stride_words + quad * 6u;
	if (quad * 4u + 4u <= pc.width && (pc.out_stride_words & 1u) == 0u) {
		[[unroll]] for (uint w = 0u; w < 6u; w += 2u) {
			out_pairs[base / 2u + w / 2u] = uvec2(words[w], words[w + 1u]);
		}
		return;
	}
	uint count = quad * 4u + 2u < pc.width ? 6u : 3u;
	[[unroll]] for (uint w = 0u; w < 6u; w++) {
		if (w < count) {
			out_words[base + w] = words[w];
		}
	}
}

void main()
{
	uint quad = gl_GlobalInvocationID.x; // columns 4 * quad .. 4 * quad + 3
	uint band_row = pc.row_offset + gl_GlobalInvocationID.y;
	if (quad * 4u >= pc.width || band_row >= pc.band_rows) {
		return;
	}
	uint row = pc.band_first_row + band_row;
	// Each sum runs over the taps in order, as one scalar sum per column.
	int first = int(texelFetch(table0, int(row)).r * pc.plane_texels + quad);
	int weights = int(pc.height + row * pc.taps0);
	vec4 sums0 = vec4(0.0);
	for (uint t = 0u; t < pc.taps0; t++) {
		float w = uintBitsToFloat(texelFetch(table0, weights + int(t)).r);
		sums0 += w * texelFetch(plane0, first + int(t * pc.plane_texels));
	}
	first = int(texelFetch(table12, int(row)).r * pc.plane_texels + quad);
	weights = int(pc.height + row * pc.taps12);
	vec4 sums1 = vec4(0.0), sums2 = vec4(0.0);
	for (uint t = 0u; t < pc.taps12; t++) {
		float w = uintBitsToFloat(texelFetch(table12, weights + int(t)).r);
		int index = first + int(t * pc.plane_texels);
		sums1 += w * texelFetch(plane1, index);
		sums2 += w * texelFetch(plane2, index);
	}
	vec3 rgb[4];
	[[unroll]] for (uint p = 0u; p < 4u; p++) {
		rgb[p] = to_rgb(vec3(sums0[p], sums1[p], sums2[p]));
	}
	if (OUT_BITS != 32u) {
		store_packed(quad, band_row, rgb);
		return;
	}
	uint index = row * pc.width + quad * 4u;
	if (quad * 4u + 4u <= pc.width && (pc.width & 3u) == 0u) {
		out_r4[index / 4u] = vec4(rgb[0].r, rgb[1].r, rgb[2].r, rgb[3].r);
		out_g4[index / 4u] = vec4(rgb[0].g, rgb[1].g, rgb[2].g, rgb[3].g);
		out_b4[index / 4u] = vec4(rgb[0].b, rgb[1].b, rgb[2].b, rgb[3].b);
		return;
	}
	[[unroll]] for (uint p = 0u; p < 4u; p++) {
		if (quad * 4u + p < pc.width) {
			out_words[index + p] = floatBitsToUint(rgb[p].r);
			out_g[index + p] = rgb[p].g;
			out_b[index + p] = rgb[p].b;
		}
	}
}
