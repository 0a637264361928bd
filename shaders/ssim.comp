#version 450
// SSIM of one 16x16 tile of window positions (Wang et al. 2004): an 11x11
// Gaussian window (sigma 1.5) applied separably in shared memory. Each
// invocation evaluates the window whose top-left corner is its pixel of the
// "valid" grid (image size minus 10); the workgroup writes the sums of SSIM
// and of the contrast-structure term over its tile. Luma comes from the
// packed R'G'B' images at scale 0, or from float planes at MS-SSIM scales.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "metrics_common.glsl"

layout(local_size_x = 16, local_size_y = 16, local_size_z = 1) in;

layout(constant_id = 0) const uint SAMPLE_BYTES = 2u;
layout(constant_id = 1) const bool FLOAT_INPUT = false;
// The normalised Gaussian weights of offsets 0..5 from the window centre.
layout(constant_id = 2) const float W0 = 0.0;
layout(constant_id = 3) const float W1 = 0.0;
layout(constant_id = 4) const float W2 = 0.0;
layout(constant_id = 5) const float W3 = 0.0;
layout(constant_id = 6) const float W4 = 0.0;
layout(constant_id = 7) const float W5 = 0.0;

const uint TILE = 16u, SPAN = 26u; // 16 windows need 16 + 10 samples
const float C1 = 0.0001, C2 = 0.0009; // (0.01 L)^2, (0.03 L)^2 with L = 1

// Luma minus 0.5: centred values keep E[x^2] - E[x]^2 accurate in float.
shared float s_x[SPAN][SPAN], s_y[SPAN][SPAN];
// Horizontal sums of x, y, x^2, y^2, x*y for every row and window column.
shared float s_h[5][SPAN][TILE];
shared vec2 s_sum[256];

// Weight k (0..10) across the window. The loops over the window are
// unrolled, so this folds to a constant (a local array would not).
float weight(uint k)
{
	uint d = k < 5u ? 5u - k : k - 5u;
	return d == 0u ? W0 : d == 1u ? W1 : d == 2u ? W2 : d == 3u ? W3 : d == 4u ? W4 : W5;
}

vec2 luma_pair(uint x, uint y)
{
	if (FLOAT_INPUT) {
		uint i = (y - pc.row_base) * pc.stride + x;
		return vec2(uintBitsToFloat(ref_words[i]), uintBitsToFloat(test_words[i]));
	}
	vec3 k = luma_coefficients();
	return vec2(dot(signal_of(load_ref_rgb(x, y, SAMPLE_BYTES)), k),
	            dot(signal_of(load_test_rgb(x, y, SAMPLE_BYTES)), k));
}

void load_tile(uint x0, uint y0, uint lid)
{
	for (uint i = lid; i < SPAN * SPAN; i += 256u) {
		uint r = i / SPAN, c = i % SPAN;
		uint x = min(x0 + c, pc.width - 1u), y = min(y0 + r, pc.height - 1u);
		vec2 v = luma_pair(x, y) - 0.5;
		s_x[r][c] = v.x;
		s_y[r][c] = v.y;
	}
}

void filter_rows(uint lid)
{
	for (uint i = lid; i < SPAN * TILE; i += 256u) {
		uint r = i / TILE, c = i % TILE;
		float sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0;
		[[unroll]] for (uint k = 0u; k < 11u; k++) {
			float w = weight(k), x = s_x[r][c + k], y = s_y[r][c + k];
			sx += w * x;
			sy += w * y;
			sxx += w * x * x;
			syy += w * y * y;
			sxy += w * x * y;
		}
		s_h[0][r][c] = sx;
		s_h[1][r][c] = sy;
		s_h[2][r][c] = sxx;
		s_h[3][r][c] = syy;
		s_h[4][r][c] = sxy;
	}
}

// (SSIM, contrast-structure) of the window whose top-left is tile cell (c, r).
vec2 window_ssim(uint c, uint r)
{
	float m[5] = float[5](0.0, 0.0, 0.0, 0.0, 0.0);
	[[unroll]] for (uint k = 0u; k < 11u; k++) {
		float w = weight(k);
		[[unroll]] for (uint q = 0u; q < 5u; q++) {
			m[q] += w * s_h[q][r + k][c];
		}
	}
	float vx = m[2] - m[0] * m[0], vy = m[3] - m[1] * m[1], cov = m[4] - m[0] * m[1];
	float ux = m[0] + 0.5, uy = m[1] + 0.5;
	float cs = (2.0 * cov + C2) / (vx + vy + C2);
	float l = (2.0 * ux * uy + C1) / (ux * ux + uy * uy + C1);
	return vec2(l * cs, cs);
}

void main()
{
	uint lid = gl_LocalInvocationIndex;
	uint tile_row = pc.first_row / TILE + gl_WorkGroupID.y;
	uint x0 = gl_WorkGroupID.x * TILE, y0 = tile_row * TILE;
	load_tile(x0, y0, lid);
	barrier();
	filter_rows(lid);
	barrier();
	uint vx = x0 + gl_LocalInvocationID.x, vy = y0 + gl_LocalInvocationID.y;
	bool valid = vx + 10u < pc.width && vy + 10u < pc.height &&
	             vy < pc.first_row + pc.rows;
	s_sum[lid] = valid ? window_ssim(gl_LocalInvocationID.x, gl_LocalInvocationID.y)
	                   : vec2(0.0);
	barrier();
	for (uint step = 128u; step > 0u; step >>= 1) {
		if (lid < step) {
			s_sum[lid] += s_sum[lid + step];
		}
		barrier();
	}
	if (lid == 0u) {
		ssim_partials[pc.partial_base + tile_row * pc.groups_x + gl_WorkGroupID.x] = s_sum[0];
	}
}
