// SPDX-License-Identifier: MIT
#version 450
// Second deltaE ITP percentile pass: a histogram of the low five bits of the
// half-float values that fall in the coarse bin holding the p99 rank.
#extension GL_GOOGLE_include_directive : require
#include "metrics_common.glsl"

layout(local_size_x = 16, local_size_y = 16, local_size_z = 1) in;

shared uint s_fine[32];

void count(uint bits, uint selected)
{
	if ((bits >> 5) == selected) {
		atomicAdd(s_fine[bits & 31u], 1u);
	}
}

void main()
{
	uint lid = gl_LocalInvocationIndex;
	if (lid < 32u) {
		s_fine[lid] = 0u;
	}
	barrier();
	uint pair = gl_GlobalInvocationID.x, y = gl_GlobalInvocationID.y;
	uint selected = stats[STATS_SELECT];
	if (pair < pc.half_width && y < pc.height) {
		uint word = itp_map[y * pc.half_width + pair];
		count(word & 0xffffu, selected);
		if (2u * pair + 1u < pc.width) {
			count(word >> 16, selected);
		}
	}
	barrier();
	if (lid < 32u && s_fine[lid] != 0u) {
		atomicAdd(stats[STATS_FINE + lid], s_fine[lid]);
	}
}
