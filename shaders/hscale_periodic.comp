// SPDX-License-Identifier: MIT
#version 450
// Horizontal pass for the columns where the filter repeats with a period of
// PERIOD columns (1: integer downscaling ratios and 1:1 resampling; 2: 2x
// upscaling, 4:2:x chroma to the luma width), away from the mirrored edges:
// column first + q * PERIOD + p has phase p's weights and its first tap at
// first_start + q * STEP + OFFSET(p). Each invocation makes OUTS adjacent
// columns, starting on phase 0 (OUTS is a multiple of PERIOD), from
// one window of samples fetched once, with the weights in a uniform buffer
// read at constant offsets, so no per-column table lookups are left.
// The sums run in the same order as hscale.comp's, so the two passes give
// bit-identical columns.
#extension GL_EXT_control_flow_attributes : require

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

// 1 or 2: integer samples (an R8_UINT or R16_UINT view); 4: float32 samples
// (an R32_UINT view of their bits).
layout(constant_id = 0) const uint SAMPLE_BYTES = 2u;
layout(constant_id = 1) const uint TAPS = 13u;
layout(constant_id = 2) const uint STEP = 2u;
layout(constant_id = 3) const uint PERIOD = 1u;
// Phase 0's offset in bits 0-7, phase 1's in bits 8-15.
layout(constant_id = 4) const uint OFFSETS = 0u;
const uint OFFSET0 = OFFSETS & 0xffu;
const uint OFFSET1 = (OFFSETS >> 8u) & 0xffu;
const uint LAST_OFFSET = PERIOD > 1u && OFFSET1 > OFFSET0 ? OFFSET1 : OFFSET0;
const uint OUTS = 8u;
const uint MAX_TAPS = 32u;   // all phases' weights together
const uint MAX_OFFSET = 16u; // PERIODIC_MAX_OFFSET in stage.c
const uint MAX_WINDOW = 4u * (OUTS - 1u) + MAX_TAPS + MAX_OFFSET;
const uint WINDOW = (OUTS / PERIOD - 1u) * STEP + LAST_OFFSET + TAPS;

layout(binding = 0) uniform usamplerBuffer source;
// Phase p's TAPS weights from index p * TAPS.
layout(std140, binding = 1) uniform Weights { vec4 weights[MAX_TAPS / 4u]; };
// Stored four columns at a time: the run starts and ends on multiples of 4
// and rows are a multiple of 4 floats long.
layout(std430, binding = 2) writeonly buffer Dest { vec4 dest[]; };

layout(push_constant) uniform Push {
	uint source_stride; // samples between rows
	uint rows;
	uint dest_width;
	uint first_column; // the periodic columns: [first_column, end_column)
	uint end_column;
	uint first_start; // first tap of first_column
	uint last_sample; // the source's last sample: fetches never go past it
	uint channel;     // 1: the view's second channel (Cr of interleaved chroma)
} pc;

float load_sample(uint index)
{
	uvec4 texel = texelFetch(source, int(index));
	uint value = pc.channel == 0u ? texel.r : texel.g;
	return SAMPLE_BYTES == 4u ? uintBitsToFloat(value) : float(value);
}

void main()
{
	uint x = pc.first_column + gl_GlobalInvocationID.x * OUTS;
	uint y = gl_GlobalInvocationID.y;
	if (x >= pc.end_column || y >= pc.rows) {
		return;
	}
	uint count = min(OUTS, pc.end_column - x);
	uint first = y * pc.source_stride + pc.first_start + (x - pc.first_column) / PERIOD * STEP;
	// Samples past the last column's taps are never used; fetching them
	// anyway keeps the loops unrolled (clamped, so never past the source).
	float window[MAX_WINDOW];
	[[unroll]] for (uint i = 0u; i < WINDOW; i++) {
		window[i] = load_sample(min(first + i, pc.last_sample));
	}
	float sums[OUTS];
	[[unroll]] for (uint j = 0u; j < OUTS; j++) {
		uint p = j % PERIOD;
		uint base = j / PERIOD * STEP + (p == 0u ? OFFSET0 : OFFSET1);
		float sum = 0.0;
		[[unroll]] for (uint t = 0u; t < TAPS; t++) {
			uint w = p * TAPS + t;
			sum += weights[w / 4u][w % 4u] * window[base + t];
		}
		sums[j] = sum;
	}
	uint out_index = (y * pc.dest_width + x) / 4u;
	[[unroll]] for (uint j = 0u; j < OUTS; j += 4u) {
		if (j < count) {
			dest[out_index + j / 4u] = vec4(sums[j], sums[j + 1u], sums[j + 2u], sums[j + 3u]);
		}
	}
}
