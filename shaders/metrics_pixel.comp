// SPDX-License-Identifier: MIT
#version 450
// Pixel pass over a 128x16 tile: each invocation walks two columns down 16
// rows, accumulating in registers the sums of squared differences, the
// largest difference and where, the count of differing pixels, and deltaE
// ITP (sum, largest and where, and the per-pixel map for the p99 passes); one
// tree reduction per workgroup then writes the tile's record. Only the coarse
// p99 histogram needs per-pixel shared atomics.
#extension GL_GOOGLE_include_directive : require
#include "metrics_common.glsl"
#include "itp.glsl"

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

layout(constant_id = 0) const uint SAMPLE_BYTES = 2u;
layout(constant_id = 1) const bool DO_ITP = true;

const uint TILE_ROWS = 16u;

// Squared 16-bit differences fit 32 bits but their sums do not: they are
// summed in 16-bit halves, which cannot overflow over a tile (2048 pixels).
struct Acc {
	uvec3 sse_lo, sse_hi;
	uint count;
	uvec2 max_at;  // (largest difference, first pixel index)
	uvec2 itp_at;  // (largest deltaE ITP as float bits, first pixel index)
	float itp_sum;
};

shared uint s_hist[1024];
shared uvec4 s_lo[64];  // sse_lo, count
shared uvec3 s_hi[64];
shared uvec4 s_max[64]; // max_at, itp_at
shared float s_sum[64];

// The larger value; on ties the earlier pixel.
uvec2 pick(uvec2 a, uvec2 b)
{
	if (a.x != b.x) {
		return a.x > b.x ? a : b;
	}
	return a.y <= b.y ? a : b;
}

float delta_itp(uvec3 r, uvec3 t)
{
	vec3 luma = luma_coefficients();
	ivec3 ri = ivec3(r), ti = ivec3(t);
	vec3 lr = vec3(texelFetch(light_lut, ri.x).r, texelFetch(light_lut, ri.y).r,
	               texelFetch(light_lut, ri.z).r);
	vec3 lt = vec3(texelFetch(light_lut, ti.x).r, texelFetch(light_lut, ti.y).r,
	               texelFetch(light_lut, ti.z).r);
	vec3 a = itp_of(display_light(lr, pc.mode, luma), pc.rgb_to_lms);
	vec3 b = itp_of(display_light(lt, pc.mode, luma), pc.rgb_to_lms);
	return 720.0 * length(a - b);
}

// Measures pixel (x, y); returns its deltaE ITP (0 when identical).
float measure(inout Acc acc, uint x, uint y)
{
	uvec3 r = load_ref_rgb(x, y, SAMPLE_BYTES);
	uvec3 t = load_test_rgb(x, y, SAMPLE_BYTES);
	uvec3 d = uvec3(abs(ivec3(r) - ivec3(t)));
	uvec3 sq = d * d;
	acc.sse_lo += sq & 0xffffu;
	acc.sse_hi += sq >> 16;
	uint largest = max(d.r, max(d.g, d.b));
	uint index = y * pc.width + x;
	acc.count += largest != 0u ? 1u : 0u;
	acc.max_at = pick(acc.max_at, uvec2(largest, index));
	float itp = 0.0;
	if (DO_ITP) {
		// identical pixels are exactly 0, whatever the float maths
		itp = largest != 0u ? delta_itp(r, t) : 0.0;
		acc.itp_sum += itp;
		acc.itp_at = pick(acc.itp_at, uvec2(floatBitsToUint(itp), index));
		atomicAdd(s_hist[(packHalf2x16(vec2(itp, 0.0)) & 0xffffu) >> 5], 1u);
	}
	return itp;
}

void walk_columns(inout Acc acc, uint pair, uint tile_row)
{
	uint x = 2u * pair;
	uint end = min(pc.first_row + pc.rows, pc.height);
	for (uint r = 0u; r < TILE_ROWS; r++) {
		uint y = tile_row * TILE_ROWS + r;
		if (x >= pc.width || y >= end) {
			break;
		}
		float a = measure(acc, x, y);
		float b = x + 1u < pc.width ? measure(acc, x + 1u, y) : 0.0;
		if (DO_ITP) {
			itp_map[y * pc.half_width + pair] = packHalf2x16(vec2(a, b));
		}
	}
}

void reduce(uint lid)
{
	for (uint step = 32u; step > 0u; step >>= 1) {
		if (lid < step) {
			s_lo[lid] += s_lo[lid + step];
			s_hi[lid] += s_hi[lid + step];
			s_max[lid] = uvec4(pick(s_max[lid].xy, s_max[lid + step].xy),
			                   pick(s_max[lid].zw, s_max[lid + step].zw));
			s_sum[lid] += s_sum[lid + step];
		}
		barrier();
	}
}

void write_record(uint record)
{
	uint base = record * STATS_RECORD_WORDS;
	for (uint c = 0u; c < 3u; c++) {
		// lo + hi * 65536 as a 64-bit (low word, high word) pair
		uint carry;
		uint low = uaddCarry(s_lo[0][c], s_hi[0][c] << 16, carry);
		partials[base + REC_SSE + 2u * c] = low;
		partials[base + REC_SSE + 2u * c + 1u] = (s_hi[0][c] >> 16) + carry;
	}
	partials[base + REC_MAX] = s_max[0].x;
	partials[base + REC_MAX_AT] = s_max[0].y;
	partials[base + REC_COUNT] = s_lo[0].w;
	partials[base + REC_ITP_SUM] = floatBitsToUint(s_sum[0]);
	partials[base + REC_ITP_MAX] = s_max[0].z;
	partials[base + REC_ITP_AT] = s_max[0].w;
}

void main()
{
	uint lid = gl_LocalInvocationIndex;
	if (DO_ITP) {
		for (uint i = lid; i < 1024u; i += 64u) {
			s_hist[i] = 0u;
		}
		barrier();
	}
	Acc acc;
	acc.sse_lo = uvec3(0u);
	acc.sse_hi = uvec3(0u);
	acc.count = 0u;
	acc.max_at = uvec2(0u, 0xffffffffu);
	acc.itp_at = uvec2(0u, 0xffffffffu);
	acc.itp_sum = 0.0;
	uint tile_row = pc.first_row / TILE_ROWS + gl_WorkGroupID.y;
	walk_columns(acc, gl_GlobalInvocationID.x, tile_row);
	s_lo[lid] = uvec4(acc.sse_lo, acc.count);
	s_hi[lid] = acc.sse_hi;
	s_max[lid] = uvec4(acc.max_at, acc.itp_at);
	s_sum[lid] = acc.itp_sum;
	barrier();
	reduce(lid);
	if (lid == 0u) {
		write_record(tile_row * pc.groups_x + gl_WorkGroupID.x);
	}
	if (DO_ITP) {
		for (uint i = lid; i < 1024u; i += 64u) {
			if (s_hist[i] != 0u) {
				atomicAdd(stats[STATS_COARSE + i], s_hist[i]);
			}
		}
	}
}
