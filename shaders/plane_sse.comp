// SPDX-License-Identifier: MIT
#version 450
// Sum of squared differences between two decoded planes, exactly: code values
// as the decoder gave them (8-bit, or 16-bit little-endian words holding up to
// 16 significant bits), no conversion. Read 16 bytes a texel (8 or 16 samples:
// a CPU driver fetches a texel as cheaply as one sample), row by row: each
// workgroup row (gl_WorkGroupID.y) is a row of the plane, at its own stride in
// each picture, so that the decoder's buffers are read where they lie; bytes
// past the samples in a row's last texel (the decoder's padding) are masked
// out. A plane copied with its rows back to back is one long row, zero-padded
// to whole texels in both pictures. A workgroup writes its 64-bit sum as (low,
// high); the CPU adds the workgroups' sums.

#extension GL_EXT_control_flow_attributes : require

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

layout(constant_id = 0) const uint SAMPLE_BYTES = 2u;

// The plane as R32G32B32A32_UINT texels.
layout(binding = 0) uniform usamplerBuffer ref_plane;
layout(binding = 1) uniform usamplerBuffer test_plane;
layout(std430, binding = 2) writeonly buffer Sums { uvec2 sums[]; };

layout(push_constant) uniform Push {
	uint row_texels;             // texels of a row that hold samples
	uint ref_stride, test_stride; // texels from one row to the next
	uint tail_bytes;             // bytes of samples in a row's last texel (1..16)
	uint partial_base;           // first record of this plane
} pc;

const uint RUN = 16u; // texels an invocation sums

shared uvec2 s_sum[64];

uvec2 add64(uvec2 a, uvec2 b)
{
	uint carry;
	uint low = uaddCarry(a.x, b.x, carry);
	return uvec2(low, a.y + b.y + carry);
}

// The sum of the squared differences of the samples in one 32-bit word.
uint word_squares(uint a, uint b)
{
	uint s = 0u;
	uint width = SAMPLE_BYTES * 8u;
	[[unroll]] for (uint k = 0u; k < 32u; k += width) {
		uint d = uint(abs(int(bitfieldExtract(a, int(k), int(width))) -
		                  int(bitfieldExtract(b, int(k), int(width)))));
		s += d * d;
	}
	return s;
}

// Keeps the first `bytes` bytes of a texel (little-endian words), zeroes the rest.
uvec4 keep_bytes(uvec4 texel, uint bytes)
{
	[[unroll]] for (int w = 0; w < 4; w++) {
		uint n = uint(clamp(int(bytes) - 4 * w, 0, 4));
		texel[w] &= n == 4u ? 0xffffffffu : (1u << (8u * n)) - 1u;
	}
	return texel;
}

void main()
{
	uint lid = gl_LocalInvocationIndex;
	uint row = gl_WorkGroupID.y;
	// Neighbouring invocations read neighbouring texels.
	uint first = gl_WorkGroupID.x * RUN * 64u + lid;
	// 8-bit samples: RUN * 16 squares (< 2^16 each) add up in 32 bits. 16-bit
	// words go to 64 bits a square at a time, whatever the depth: a 10-bit stream
	// may still carry junk high bits, and ffmpeg counts them as they are.
	uvec2 sum = uvec2(0u);
	uint small = 0u;
	[[unroll]] for (uint k = 0u; k < RUN; k++) {
		uint t = first + k * 64u;
		if (t < pc.row_texels) {
			uvec4 a = texelFetch(ref_plane, int(row * pc.ref_stride + t));
			uvec4 b = texelFetch(test_plane, int(row * pc.test_stride + t));
			if (t == pc.row_texels - 1u && pc.tail_bytes < 16u) {
				a = keep_bytes(a, pc.tail_bytes);
				b = keep_bytes(b, pc.tail_bytes);
			}
			[[unroll]] for (int w = 0; w < 4; w++) {
				if (SAMPLE_BYTES == 1u) {
					small += word_squares(a[w], b[w]);
				} else {
					uint lo = uint(abs(int(a[w] & 0xffffu) - int(b[w] & 0xffffu)));
					uint hi = uint(abs(int(a[w] >> 16) - int(b[w] >> 16)));
					sum = add64(add64(sum, uvec2(lo * lo, 0u)), uvec2(hi * hi, 0u));
				}
			}
		}
	}
	sum = add64(sum, uvec2(small, 0u));
	s_sum[lid] = sum;
	barrier();
	for (uint step = 32u; step > 0u; step >>= 1) {
		if (lid < step) {
			s_sum[lid] = add64(s_sum[lid], s_sum[lid + step]);
		}
		barrier();
	}
	if (lid == 0u) {
		sums[pc.partial_base + row * gl_NumWorkGroups.x + gl_WorkGroupID.x] = s_sum[0];
	}
}
