#version 450
// Horizontal pass: resamples one plane along x into a float plane of the
// target width, keeping the source rows. Input samples are 8/16-bit code
// values (decoded Y'CbCr) or floats (R'G'B' from a previous pass). Weights
// come from a table built on the CPU: first tap index per output column, then
// `taps` weights per column.
#extension GL_GOOGLE_include_directive : require
#include "samples.glsl"

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

// 1 or 2: little-endian integer samples; 4: float32 samples.
layout(constant_id = 0) const uint SAMPLE_BYTES = 2u;

layout(std430, binding = 0) readonly buffer Source { uint source_words[]; };
layout(std430, binding = 1) readonly buffer Table { uint table[]; };
layout(std430, binding = 2) writeonly buffer Dest { float dest[]; };

layout(push_constant) uniform Push {
	uint source_stride; // samples between rows
	uint rows;
	uint dest_width;
	uint taps;
} pc;

float load_sample(uint index)
{
	if (SAMPLE_BYTES == 4u) {
		return uintBitsToFloat(source_words[index]);
	}
	uint word = source_words[word_of_sample(index, SAMPLE_BYTES)];
	return float(sample_from_words(word, index, SAMPLE_BYTES));
}

void main()
{
	uint x = gl_GlobalInvocationID.x;
	uint y = gl_GlobalInvocationID.y;
	if (x >= pc.dest_width || y >= pc.rows) {
		return;
	}
	uint first = y * pc.source_stride + table[x];
	uint weights = pc.dest_width + x * pc.taps;
	float sum = 0.0;
	for (uint t = 0u; t < pc.taps; t++) {
		sum += uintBitsToFloat(table[weights + t]) * load_sample(first + t);
	}
	dest[y * pc.dest_width + x] = sum;
}
