// SPDX-License-Identifier: MIT
#version 450
// SSIM over strips of window positions (Wang et al. 2004): an 11x11 Gaussian
// window (sigma 1.5) applied separably. Each window's top-left corner is a
// pixel of the "valid" grid (image size minus 10). A workgroup covers
// GROUP_COLS window columns by STRIP window rows, and each invocation writes
// the sums of SSIM and of the contrast-structure term over its COLS columns of
// the strip. Luma comes from the packed R'G'B' images at scale 0, from float
// planes at MS-SSIM scales, or from a decoded luma plane's code values (check
// --domain yuv: R8_UINT or R16_UINT texels, scaled by pc.code_scale = 1 / peak).
//
// An invocation walks down its columns: it filters each sample row
// horizontally itself and keeps the last 11 rows' horizontal sums in
// registers, so there is no shared memory and no barrier. On CPU Vulkan
// drivers, where shared-memory reads are per-lane gathers and a barrier
// switches coroutines, that is 7-8 times faster than the 16x16 shared-memory
// tiles it replaced, although neighbouring invocations load the same samples.
// COLS columns per invocation share each row's COLS + 10 sample loads.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "metrics_common.glsl"

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
// Window columns per invocation (uhd_ssim_columns): on lavapipe (AVX2) 8 ran
// 1.2x faster than 4, and 16 slower again (the ring outgrows the registers).
// A GPU gets 2: the ring is 11 x 5 x COLS floats per invocation, which at 8
// would spill out of a GPU's registers.
layout(constant_id = 9) const int COLS = 8;

// Mirrored in pipeline/quality/comparer.h (UHD_SSIM_GROUP_SIZE, UHD_SSIM_STRIP).
const uint GROUP_SIZE = 64u;
const uint GROUP_COLS = GROUP_SIZE * uint(COLS);
const uint STRIP = 128u;              // window rows per workgroup
const float C1 = 0.0001, C2 = 0.0009; // (0.01 L)^2, (0.03 L)^2 with L = 1

layout(local_size_x = GROUP_SIZE, local_size_y = 1, local_size_z = 1) in;

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

// Horizontal sums of x, y, x^2, y^2, x*y of one sample row for window columns
// x .. x + COLS - 1, from luma minus 0.5: centred values keep E[x^2] - E[x]^2
// accurate in float.
struct Row {
	float s[5][COLS];
};

Row zero_row()
{
	Row h;
	[[unroll]] for (int o = 0; o < COLS; o++) {
		[[unroll]] for (int q = 0; q < 5; q++) {
			h.s[q][o] = 0.0;
		}
	}
	return h;
}

Row filter_row(uint x, uint y)
{
	Row h = zero_row();
	[[unroll]] for (int j = 0; j < COLS + 10; j++) {
		// Columns past the right edge repeat the last sample; their windows do not count.
		vec2 v = luma_pair(min(x + uint(j), pc.width - 1u), y) - 0.5;
		vec3 products = vec3(v.x * v.x, v.y * v.y, v.x * v.y);
		[[unroll]] for (int o = 0; o < COLS; o++) {
			int k = j - o;
			if (k >= 0 && k <= 10) {
				float w = weight(k);
				h.s[0][o] += w * v.x;
				h.s[1][o] += w * v.y;
				h.s[2][o] += w * products.x;
				h.s[3][o] += w * products.y;
				h.s[4][o] += w * products.z;
			}
		}
	}
	return h;
}

// (SSIM, contrast-structure) from the window means of x, y, x^2, y^2, x*y.
vec2 window_ssim(float mx, float my, float mxx, float myy, float mxy)
{
	float vx = mxx - mx * mx, vy = myy - my * my, cov = mxy - mx * my;
	float ux = mx + 0.5, uy = my + 0.5, d = mx - my;
	// (2 cov + C2) / (vx + vy + C2) and (2 ux uy + C1) / (ux^2 + uy^2 + C1),
	// each as 1 minus what the difference of the images takes: exactly 1 for
	// equal windows, where rounding numerator and denominator apart left them
	// an ulp off 1 and identical frames' SSIM depending on their content.
	float cs = 1.0 - (vx + vy - 2.0 * cov) / (vx + vy + C2);
	float l = 1.0 - d * d / (ux * ux + uy * uy + C1);
	return vec2(l * cs, cs);
}

// The windows of columns x .. x + COLS - 1 whose rows' horizontal sums are
// ring[0..10]; returns the sums over the columns inside the image.
vec2 filter_columns(Row ring[11], uint x)
{
	vec2 sum = vec2(0.0);
	[[unroll]] for (int o = 0; o < COLS; o++) {
		float m[5] = float[5](0.0, 0.0, 0.0, 0.0, 0.0);
		[[unroll]] for (int t = 0; t < 11; t++) {
			float w = weight(t);
			[[unroll]] for (int q = 0; q < 5; q++) {
				m[q] += w * ring[t].s[q][o];
			}
		}
		if (x + uint(o) + 10u < pc.width) {
			sum += window_ssim(m[0], m[1], m[2], m[3], m[4]);
		}
	}
	return sum;
}

// Sum of (SSIM, cs) over window rows y0 .. end - 1 of columns x .. x + COLS - 1.
vec2 walk_strip(uint x, uint y0, uint end)
{
	// Zeros until the strip's first 11 sample rows are in; the windows that
	// would read them are not summed.
	Row ring[11];
	[[unroll]] for (int t = 0; t < 11; t++) {
		ring[t] = zero_row();
	}
	vec2 sum = vec2(0.0);
	// Sample row r completes the windows of row r - 10. Moving the ring up by
	// one slot a row keeps its indices constant, so it stays in registers (a
	// run-time index would put it in memory): on lavapipe that costs 3% over
	// unrolling the loop 11 times, whose shader took 0.5 s longer to compile.
	for (uint r = 0u; r < end - y0 + 10u; r++) {
		[[unroll]] for (int t = 0; t < 10; t++) {
			ring[t] = ring[t + 1];
		}
		ring[10] = filter_row(x, y0 + r);
		if (r >= 10u) {
			sum += filter_columns(ring, x);
		}
	}
	return sum;
}

void main()
{
	uint strip = pc.first_row / STRIP + gl_WorkGroupID.y;
	uint x = gl_WorkGroupID.x * GROUP_COLS + gl_LocalInvocationIndex * uint(COLS);
	uint y0 = strip * STRIP;
	// Window rows of this strip inside the image and the band (the dispatch
	// starts no strip past them). Their windows' samples end at the band's halo.
	uint end = min(min(y0 + STRIP, pc.height - 10u), pc.first_row + pc.rows);
	uint group = strip * pc.groups_x + gl_WorkGroupID.x;
	uint record = pc.partial_base + group * GROUP_SIZE + gl_LocalInvocationIndex;
	ssim_partials[record] = y0 < end ? walk_strip(x, y0, end) : vec2(0.0);
}
