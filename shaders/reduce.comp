// SPDX-License-Identifier: MIT
#version 450
// GPU-side reductions of the per-workgroup records, run by one workgroup:
// MODE 0 sums the pixel records (exact 64-bit sums, maxima with the first
// location), MODE 1 sums one scale's SSIM tiles (compensated float sums),
// MODE 2 finds the coarse histogram bin holding the 99th-percentile rank.
#extension GL_GOOGLE_include_directive : require
#include "metrics_common.glsl"

layout(local_size_x = 256, local_size_y = 1, local_size_z = 1) in;

layout(constant_id = 0) const uint MODE = 0u;

shared uvec2 s_sse[3][256];
shared uvec2 s_max[256];     // (value, location)
shared uvec2 s_itp_max[256]; // (float bits, location)
shared uint s_count[256];
shared vec2 s_sum[256];

uvec2 add64(uvec2 a, uvec2 b)
{
	uint carry;
	uint low = uaddCarry(a.x, b.x, carry);
	return uvec2(low, a.y + b.y + carry);
}

// The larger value; on ties the earlier location.
uvec2 pick(uvec2 a, uvec2 b)
{
	if (a.x != b.x) {
		return a.x > b.x ? a : b;
	}
	return a.y <= b.y ? a : b;
}

// Kahan summation: thousands of tile sums added in float stay accurate.
void kahan_add(inout vec2 sum, inout vec2 carry, vec2 value)
{
	vec2 y = value - carry;
	vec2 t = sum + y;
	carry = (t - sum) - y;
	sum = t;
}

void gather_pixel_records(uint lid)
{
	uvec2 sse[3] = uvec2[3](uvec2(0u), uvec2(0u), uvec2(0u));
	uvec2 mx = uvec2(0u, 0xffffffffu), itp_mx = uvec2(0u, 0xffffffffu);
	uint count = 0u;
	vec2 sum = vec2(0.0), carry = vec2(0.0);
	for (uint r = lid; r < pc.rows; r += 256u) {
		uint base = r * STATS_RECORD_WORDS;
		for (uint c = 0u; c < 3u; c++) {
			uvec2 v = uvec2(partials[base + REC_SSE + 2u * c],
			                partials[base + REC_SSE + 2u * c + 1u]);
			sse[c] = add64(sse[c], v);
		}
		mx = pick(mx, uvec2(partials[base + REC_MAX], partials[base + REC_MAX_AT]));
		itp_mx = pick(itp_mx, uvec2(partials[base + REC_ITP_MAX], partials[base + REC_ITP_AT]));
		count += partials[base + REC_COUNT];
		kahan_add(sum, carry, vec2(uintBitsToFloat(partials[base + REC_ITP_SUM]), 0.0));
	}
	for (uint c = 0u; c < 3u; c++) {
		s_sse[c][lid] = sse[c];
	}
	s_max[lid] = mx;
	s_itp_max[lid] = itp_mx;
	s_count[lid] = count;
	s_sum[lid] = sum;
}

void reduce_pixel_records(uint lid)
{
	gather_pixel_records(lid);
	barrier();
	for (uint step = 128u; step > 0u; step >>= 1) {
		if (lid < step) {
			for (uint c = 0u; c < 3u; c++) {
				s_sse[c][lid] = add64(s_sse[c][lid], s_sse[c][lid + step]);
			}
			s_max[lid] = pick(s_max[lid], s_max[lid + step]);
			s_itp_max[lid] = pick(s_itp_max[lid], s_itp_max[lid + step]);
			s_count[lid] += s_count[lid + step];
			s_sum[lid] += s_sum[lid + step];
		}
		barrier();
	}
	if (lid == 0u) {
		uint base = STATS_PIXEL;
		for (uint c = 0u; c < 3u; c++) {
			stats[base + REC_SSE + 2u * c] = s_sse[c][0].x;
			stats[base + REC_SSE + 2u * c + 1u] = s_sse[c][0].y;
		}
		stats[base + REC_MAX] = s_max[0].x;
		stats[base + REC_MAX_AT] = s_max[0].y;
		stats[base + REC_COUNT] = s_count[0];
		stats[base + REC_ITP_SUM] = floatBitsToUint(s_sum[0].x);
		stats[base + REC_ITP_MAX] = s_itp_max[0].x;
		stats[base + REC_ITP_AT] = s_itp_max[0].y;
	}
}

void reduce_ssim(uint lid)
{
	vec2 sum = vec2(0.0), carry = vec2(0.0);
	for (uint i = lid; i < pc.rows; i += 256u) {
		kahan_add(sum, carry, ssim_partials[pc.partial_base + i]);
	}
	s_sum[lid] = sum;
	barrier();
	for (uint step = 128u; step > 0u; step >>= 1) {
		if (lid < step) {
			s_sum[lid] += s_sum[lid + step];
		}
		barrier();
	}
	if (lid == 0u) {
		stats[STATS_SSIM + 2u * pc.mode] = floatBitsToUint(s_sum[0].x);
		stats[STATS_SSIM + 2u * pc.mode + 1u] = floatBitsToUint(s_sum[0].y);
	}
}

// Nearest rank: the value at rank ceil(0.99 n) in ascending order.
void select_p99(uint lid)
{
	if (lid != 0u) {
		return;
	}
	uint n = pc.rows;
	uint rank = n - n / 100u; // ceil(0.99 n) = n - floor(n / 100), exactly
	uint below = 0u;
	for (uint bin = 0u; bin < 1024u; bin++) {
		uint count = stats[STATS_COARSE + bin];
		if (below + count >= rank) {
			stats[STATS_SELECT] = bin;
			stats[STATS_SELECT + 1u] = below;
			return;
		}
		below += count;
	}
	stats[STATS_SELECT] = 1023u;
	stats[STATS_SELECT + 1u] = below;
}

void main()
{
	uint lid = gl_LocalInvocationIndex;
	if (MODE == 0u) {
		reduce_pixel_records(lid);
	} else if (MODE == 1u) {
		reduce_ssim(lid);
	} else {
		select_p99(lid);
	}
}
