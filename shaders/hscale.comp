// SPDX-License-Identifier: MIT
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
// A column's weights are the same on every row: each invocation makes four
// adjacent columns of ROWS rows, fetching each weight once for all rows, and
// stores four columns of a row at once: destination rows are whole
// four-float texels, and a dispatch's columns start on a multiple of 4 and
// end on one or at the width (the columns past it are the rows' padding).
// Every sum still runs over the taps in order, from 0.
#extension GL_EXT_control_flow_attributes : require

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

// 1 or 2: integer samples (an R8_UINT or R16_UINT view); 4: float32 samples
// (an R32_UINT view of their bits).
layout(constant_id = 0) const uint SAMPLE_BYTES = 2u;
const uint ROWS = 4u;

layout(binding = 0) uniform usamplerBuffer source;
layout(binding = 1) uniform usamplerBuffer table; // R32_UINT
layout(std430, binding = 2) writeonly buffer Dest { vec4 dest[]; };

layout(push_constant) uniform Push {
	uint source_stride; // samples between rows
	uint rows;
	uint dest_width;
	uint taps;
	uint first_column; // this dispatch's columns: [first_column, end_column)
	uint end_column;
	uint channel;     // 1: the view's second channel (Cr of interleaved chroma)
	uint dest_stride; // floats between destination rows, a multiple of 4
} pc;

float load_sample(uint index)
{
	uvec4 texel = texelFetch(source, int(index));
	uint value = pc.channel == 0u ? texel.r : texel.g;
	return SAMPLE_BYTES == 4u ? uintBitsToFloat(value) : float(value);
}

void main()
{
	// One invocation per (four columns, ROWS rows) of the dispatch's columns,
	// numbered row group by row group, so that a few edge columns still fill
	// whole workgroups.
	uint quads = (pc.end_column - pc.first_column + 3u) / 4u;
	uint index = gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x +
		     gl_GlobalInvocationID.x;
	uint x = pc.first_column + index % quads * 4u;
	uint y = index / quads * ROWS;
	if (y >= pc.rows) {
		return;
	}
	// Rows past the plane's last read its last row again, and are not
	// stored; columns past the dispatch's last read their filter.
	uint first[ROWS];
	[[unroll]] for (uint r = 0u; r < ROWS; r++) {
		first[r] = min(y + r, pc.rows - 1u) * pc.source_stride;
	}
	vec4 sums[ROWS];
	[[unroll]] for (uint r = 0u; r < ROWS; r++) {
		sums[r] = vec4(0.0);
	}
	[[unroll]] for (uint j = 0u; j < 4u; j++) {
		uint column = min(x + j, pc.end_column - 1u);
		uint start = texelFetch(table, int(column)).r;
		uint weights = pc.dest_width + column * pc.taps;
		for (uint t = 0u; t < pc.taps; t++) {
			float w = uintBitsToFloat(texelFetch(table, int(weights + t)).r);
			[[unroll]] for (uint r = 0u; r < ROWS; r++) {
				sums[r][j] += w * load_sample(first[r] + start + t);
			}
		}
	}
	[[unroll]] for (uint r = 0u; r < ROWS; r++) {
		if (y + r < pc.rows) {
			dest[((y + r) * pc.dest_stride + x) / 4u] = sums[r];
		}
	}
}
