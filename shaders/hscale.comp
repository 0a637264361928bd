#version 450
// Horizontal pass: resamples one plane along x into a float plane of the
// target width, keeping the source rows. Input samples are 8/16-bit code
// values (decoded Y'CbCr) or floats (R'G'B' from a previous pass). Weights
// come from a table built on the CPU: first tap index per output column, then
// `taps` weights per column.
// Interleaved Cb/Cr (NV12, P010) is read through a two-channel view, one
// texel per chroma site.
// Inputs are uniform texel buffers: drivers fetch them through their texture
// path, which CPU implementations vectorise, where a storage-buffer load at a
// per-invocation address costs one scalar load per lane.

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

// 1 or 2: integer samples (an R8_UINT or R16_UINT view); 4: float32 samples
// (an R32_UINT view of their bits).
layout(constant_id = 0) const uint SAMPLE_BYTES = 2u;

layout(binding = 0) uniform usamplerBuffer source;
layout(binding = 1) uniform usamplerBuffer table; // R32_UINT
layout(std430, binding = 2) writeonly buffer Dest { float dest[]; };

layout(push_constant) uniform Push {
	uint source_stride; // samples between rows
	uint rows;
	uint dest_width;
	uint taps;
	uint first_column; // this dispatch's columns: [first_column, end_column)
	uint end_column;
	uint channel; // 1: the view's second channel (Cr of interleaved chroma)
} pc;

float load_sample(uint index)
{
	uvec4 texel = texelFetch(source, int(index));
	uint value = pc.channel == 0u ? texel.r : texel.g;
	return SAMPLE_BYTES == 4u ? uintBitsToFloat(value) : float(value);
}

void main()
{
	// One invocation per (column, row) of the dispatch's columns, numbered
	// row by row, so that a few edge columns still fill whole workgroups.
	uint columns = pc.end_column - pc.first_column;
	uint index = gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x +
		     gl_GlobalInvocationID.x;
	uint x = pc.first_column + index % columns;
	uint y = index / columns;
	if (y >= pc.rows) {
		return;
	}
	uint first = y * pc.source_stride + texelFetch(table, int(x)).r;
	uint weights = pc.dest_width + x * pc.taps;
	float sum = 0.0;
	for (uint t = 0u; t < pc.taps; t++) {
		sum += uintBitsToFloat(texelFetch(table, int(weights + t)).r) * load_sample(first + t);
	}
	dest[y * pc.dest_width + x] = sum;
}
