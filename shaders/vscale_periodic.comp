// SPDX-License-Identifier: MIT
#version 450
// Vertical pass and colour conversion for the rows where both vertical
// filters repeat (see hscale_periodic.comp): per plane, a period of 1 or 2
// rows (PERIOD0, PERIOD12), each phase's weights read from a uniform buffer
// at constant offsets, and first taps that advance by STEP0/STEP12 rows per
// period, plus each phase's offset. Each invocation makes four adjacent
// pixels in each of two output rows (phases 0 and 1 of a period of 2: the
// dispatches start on phase 0) from one four-float texel per plane row: rows
// that the two outputs share are fetched once. The sums, the
// conversion and the packing are vscale_rgb.comp's, in the same order, so the
// two passes give bit-identical pixels.
#extension GL_EXT_control_flow_attributes : require
#extension GL_GOOGLE_include_directive : require
#include "tonemap.glsl"

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

// 16 or 8: packed RGB rows; 32: float planes.
layout(constant_id = 0) const uint OUT_BITS = 16u;
layout(constant_id = 1) const uint TAPS0 = 13u;
layout(constant_id = 2) const uint STEP0 = 2u;
layout(constant_id = 3) const uint TAPS12 = 7u;
layout(constant_id = 4) const uint STEP12 = 1u;
layout(constant_id = 5) const uint PERIOD0 = 1u;
// Phase 0's offset in bits 0-7, phase 1's in bits 8-15.
layout(constant_id = 6) const uint OFFSETS0 = 0u;
layout(constant_id = 7) const uint PERIOD12 = 1u;
layout(constant_id = 8) const uint OFFSETS12 = 0u;
const uint MAX_TAPS = 32u; // all phases' weights together, from phase p * TAPS
// First tap of output row o (0 or 1) of a pair, from the pair's first row:
// rows a period apart are STEP apart, the phases OFFSET apart.
const uint REL0_0 = OFFSETS0 & 0xffu;
const uint REL0_1 = PERIOD0 > 1u ? (OFFSETS0 >> 8u) & 0xffu : STEP0 + REL0_0;
const uint REL12_0 = OFFSETS12 & 0xffu;
const uint REL12_1 = PERIOD12 > 1u ? (OFFSETS12 >> 8u) & 0xffu : STEP12 + REL12_0;
const uint WINDOW0 = (REL0_1 > REL0_0 ? REL0_1 : REL0_0) + TAPS0;
const uint WINDOW12 = (REL12_1 > REL12_0 ? REL12_1 : REL12_0) + TAPS12;

// The horizontal pass's planes, as R32G32B32A32_SFLOAT views (four columns
// per texel; the width is a multiple of 4).
layout(binding = 0) uniform samplerBuffer plane0;
layout(binding = 1) uniform samplerBuffer plane1;
layout(binding = 2) uniform samplerBuffer plane2;
layout(std140, binding = 3) uniform Weights {
	vec4 weights0[MAX_TAPS / 4u];
	vec4 weights12[MAX_TAPS / 4u];
};
layout(std430, binding = 4) writeonly buffer Out0 { uint out_words[]; };
layout(std430, binding = 5) writeonly buffer Out1 { float out_g[]; };
layout(std430, binding = 6) writeonly buffer Out2 { float out_b[]; };

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
	uint run0_first; // output row whose first plane-0 tap is run0_start
	uint run0_start;
	uint run12_first;
	uint run12_start;
	uint last_texel0; // the planes' last texels: fetches never go past them
	uint last_texel12;
} pc;

const uint ROWS = 2u; // output rows per invocation

vec3 to_rgb(vec3 planes)
{
	vec3 p = vec3((planes.x - pc.offset0) * pc.scale0, (planes.y - pc.offset12) * pc.scale12,
		      (planes.z - pc.offset12) * pc.scale12);
	vec3 rgb = vec3(dot(pc.m0.xyz, p), dot(pc.m1.xyz, p), dot(pc.m2.xyz, p));
	return tonemap(clamp(rgb, 0.0, 1.0));
}

void store_packed(uint group, uint band_row, vec3 rgb[4])
{
	const uint BYTES = OUT_BITS == 16u ? 24u : 12u;
	float peak = OUT_BITS == 16u ? 65535.0 : 255.0;
	uint bytes[24];
	[[unroll]] for (uint p = 0u; p < 4u; p++) {
		uvec3 code = uvec3(rgb[p] * peak + 0.5);
		[[unroll]] for (uint c = 0u; c < 3u; c++) {
			if (OUT_BITS == 16u) {
				bytes[p * 6u + c * 2u] = code[c] >> 8;
				bytes[p * 6u + c * 2u + 1u] = code[c] & 0xffu;
			} else {
				bytes[p * 3u + c] = code[c];
			}
		}
	}
	uint base = band_row * pc.out_stride_words + group * (BYTES / 4u);
	[[unroll]] for (uint w = 0u; w < BYTES / 4u; w++) {
		out_words[base + w] = bytes[w * 4u] | (bytes[w * 4u + 1u] << 8) |
				      (bytes[w * 4u + 2u] << 16) | (bytes[w * 4u + 3u] << 24);
	}
}

void main()
{
	uint group = gl_GlobalInvocationID.x;
	uint band_row = pc.row_offset + gl_GlobalInvocationID.y * ROWS;
	uint groups = pc.width / 4u;
	if (group >= groups || band_row >= pc.band_rows) {
		return;
	}
	uint row = pc.band_first_row + band_row;
	int first0 = int((pc.run0_start + (row - pc.run0_first) / PERIOD0 * STEP0) * groups + group);
	int first12 =
		int((pc.run12_start + (row - pc.run12_first) / PERIOD12 * STEP12) * groups + group);
	// Output row o takes taps t from plane row (first + REL(o) + t): each
	// sum still runs over t in order.
	vec4 sums0[ROWS], sums1[ROWS], sums2[ROWS];
	[[unroll]] for (uint o = 0u; o < ROWS; o++) {
		sums0[o] = vec4(0.0);
		sums1[o] = vec4(0.0);
		sums2[o] = vec4(0.0);
	}
	[[unroll]] for (uint i = 0u; i < WINDOW0; i++) {
		vec4 v = texelFetch(plane0, int(min(uint(first0) + i * groups, pc.last_texel0)));
		[[unroll]] for (uint o = 0u; o < ROWS; o++) {
			uint rel = o == 0u ? REL0_0 : REL0_1;
			uint t = i - rel;
			if (i >= rel && t < TAPS0) {
				uint w = (o % PERIOD0) * TAPS0 + t;
				sums0[o] += weights0[w / 4u][w % 4u] * v;
			}
		}
	}
	[[unroll]] for (uint i = 0u; i < WINDOW12; i++) {
		uint index = min(uint(first12) + i * groups, pc.last_texel12);
		vec4 v1 = texelFetch(plane1, int(index));
		vec4 v2 = texelFetch(plane2, int(index));
		[[unroll]] for (uint o = 0u; o < ROWS; o++) {
			uint rel = o == 0u ? REL12_0 : REL12_1;
			uint t = i - rel;
			if (i >= rel && t < TAPS12) {
				uint w = (o % PERIOD12) * TAPS12 + t;
				float weight = weights12[w / 4u][w % 4u];
				sums1[o] += weight * v1;
				sums2[o] += weight * v2;
			}
		}
	}
	[[unroll]] for (uint o = 0u; o < ROWS; o++) {
		if (band_row + o >= pc.band_rows) {
			break;
		}
		vec3 rgb[4];
		[[unroll]] for (uint p = 0u; p < 4u; p++) {
			rgb[p] = to_rgb(vec3(sums0[o][p], sums1[o][p], sums2[o][p]));
		}
		if (OUT_BITS == 32u) {
			uint index = (row + o) * pc.width + group * 4u;
			[[unroll]] for (uint p = 0u; p < 4u; p++) {
				out_words[index + p] = floatBitsToUint(rgb[p].r);
				out_g[index + p] = rgb[p].g;
				out_b[index + p] = rgb[p].b;
			}
		} else {
			store_packed(group, band_row + o, rgb);
		}
	}
}
