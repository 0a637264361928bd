// SPDX-License-Identifier: MIT
#version 450
// SSIM of one 16x16 tile of window positions (Wang et al. 2004): an 11x11
// Gaussian window (sigma 1.5) applied separably in shared memory. Each
// window's top-left corner is a pixel of the "valid" grid (image size minus
// 10); the workgroup writes the sums of SSIM and of the contrast-structure
// term over its tile. Luma comes from the packed R'G'B' images at scale 0,
// from float planes at MS-SSIM scales, or from a decoded luma plane's code
// values (check --domain yuv: R8_UINT or R16_UINT texels, scaled by
// pc.code_scale = 1 / peak).
//
// Each invocation filters runs of 8 outputs, so every sample it reads from
// shared memory feeds up to 8 outputs held in registers: on CPU Vulkan
// drivers, where per-lane shared-memory reads are gathers, that matters more
// than the arithmetic.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "metrics_common.glsl"

layout(local_size_x = 32, local_size_y = 1, local_size_z = 1) in;

layout(constant_id = 0) const uint SAMPLE_BYTES = 2u;
layout(constant_id = 1) const bool FLOAT_INPUT = false;
// The normalised Gaussian weights of offsets 0..5 from the window centre.
layout(constant_id = 2) const float W0 = 0.0;
layout(constant_id = 3) const float W1 = 0.0;
layout(constant_id = 4) const float W2 = 0.0;
layout(constant_id = 5) const float W3 = 0.0;
layout(constant_id = 6) const float W4 = 0.0;
layout(constant_id = 7) const float W5 = 0.0;
layout(constant_id = 8) const bool PLANE_INPUT = false;

const uint TILE = 16u, SPAN = 26u; // 16 windows need 16 + 10 samples
const int RUN = 8;                  // outputs filtered together by one invocation
const float C1 = 0.0001, C2 = 0.0009; // (0.01 L)^2, (0.03 L)^2 with L = 1

// Luma of (ref, test) minus 0.5: centred values keep E[x^2] - E[x]^2
// accurate in float.
shared vec2 s_xy[SPAN][SPAN];
// Horizontal sums of x, y, x^2, y^2, x*y for every row and window column.
shared float s_h[5][SPAN][TILE];
shared vec2 s_sum[32];

// Weight k (0..10) across the window. The loops over the window are
// unrolled, so this folds to a constant (a local array would not).
float weight(int k)
{
	int d = abs(k - 5);
	return d == 0 ? W0 : d == 1 ? W1 : d == 2 ? W2 : d == 3 ? W3 : d == 4 ? W4 : W5;
}

vec2 luma_pair(uint x, uint y)
{
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

void load_tile(uint x0, uint y0, uint lid)
{
	for (uint i = lid; i < SPAN * SPAN; i += 32u) {
		uint r = i / SPAN, c = i % SPAN;
		uint x = min(x0 + c, pc.width - 1u), y = min(y0 + r, pc.height - 1u);
		s_xy[r][c] = luma_pair(x, y) - 0.5;
	}
}

// Row r, window columns c0 .. c0 + 7: 18 samples feed the 8 outputs.
void filter_row_run(uint r, uint c0)
{
	float sx[RUN], sy[RUN], sxx[RUN], syy[RUN], sxy[RUN];
	[[unroll]] for (int o = 0; o < RUN; o++) {
		sx[o] = 0.0;
		sy[o] = 0.0;
		sxx[o] = 0.0;
		syy[o] = 0.0;
		sxy[o] = 0.0;
	}
	[[unroll]] for (int j = 0; j < RUN + 10; j++) {
		vec2 v = s_xy[r][c0 + uint(j)];
		vec3 products = vec3(v.x * v.x, v.y * v.y, v.x * v.y);
		[[unroll]] for (int o = 0; o < RUN; o++) {
			int k = j - o;
			if (k >= 0 && k <= 10) {
				float w = weight(k);
				sx[o] += w * v.x;
				sy[o] += w * v.y;
				sxx[o] += w * products.x;
				syy[o] += w * products.y;
				sxy[o] += w * products.z;
			}
		}
	}
	[[unroll]] for (int o = 0; o < RUN; o++) {
		uint c = c0 + uint(o);
		s_h[0][r][c] = sx[o];
		s_h[1][r][c] = sy[o];
		s_h[2][r][c] = sxx[o];
		s_h[3][r][c] = syy[o];
		s_h[4][r][c] = sxy[o];
	}
}

// (SSIM, contrast-structure) from the window means of x, y, x^2, y^2, x*y.
vec2 window_ssim(float mx, float my, float mxx, float myy, float mxy)
{
	float vx = mxx - mx * mx, vy = myy - my * my, cov = mxy - mx * my;
	float ux = mx + 0.5, uy = my + 0.5;
	float cs = (2.0 * cov + C2) / (vx + vy + C2);
	float l = (2.0 * ux * uy + C1) / (ux * ux + uy * uy + C1);
	return vec2(l * cs, cs);
}

// Window column c, window rows r0 .. r0 + 7; returns the sums over the valid ones.
vec2 filter_column_run(uint c, uint r0, uint x0, uint y0)
{
	float m[5][RUN];
	[[unroll]] for (int o = 0; o < RUN; o++) {
		[[unroll]] for (int q = 0; q < 5; q++) {
			m[q][o] = 0.0;
		}
	}
	[[unroll]] for (int j = 0; j < RUN + 10; j++) {
		uint row = r0 + uint(j);
		float h[5] = float[5](s_h[0][row][c], s_h[1][row][c], s_h[2][row][c], s_h[3][row][c],
		                      s_h[4][row][c]);
		[[unroll]] for (int o = 0; o < RUN; o++) {
			int k = j - o;
			if (k >= 0 && k <= 10) {
				float w = weight(k);
				[[unroll]] for (int q = 0; q < 5; q++) {
					m[q][o] += w * h[q];
				}
			}
		}
	}
	vec2 sum = vec2(0.0);
	bool column_valid = x0 + c + 10u < pc.width;
	[[unroll]] for (int o = 0; o < RUN; o++) {
		uint vy = y0 + r0 + uint(o);
		if (column_valid && vy + 10u < pc.height && vy < pc.first_row + pc.rows) {
			sum += window_ssim(m[0][o], m[1][o], m[2][o], m[3][o], m[4][o]);
		}
	}
	return sum;
}

void main()
{
	uint lid = gl_LocalInvocationIndex;
	uint tile_row = pc.first_row / TILE + gl_WorkGroupID.y;
	uint x0 = gl_WorkGroupID.x * TILE, y0 = tile_row * TILE;
	load_tile(x0, y0, lid);
	barrier();
	for (uint item = lid; item < SPAN * 2u; item += 32u) {
		filter_row_run(item >> 1, (item & 1u) * uint(RUN));
	}
	barrier();
	s_sum[lid] = filter_column_run(lid & 15u, (lid >> 4) * uint(RUN), x0, y0);
	barrier();
	for (uint step = 16u; step > 0u; step >>= 1) {
		if (lid < step) {
			s_sum[lid] += s_sum[lid + step];
		}
		barrier();
	}
	if (lid == 0u) {
		ssim_partials[pc.partial_base + tile_row * pc.groups_x + gl_WorkGroupID.x] = s_sum[0];
	}
}
