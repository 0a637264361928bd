#version 450
// Pixel pass: for a 32x16 tile (two pixels per invocation), the exact sums of
// squared differences per channel, the largest difference and where, the
// count of differing pixels, and deltaE ITP (sum, largest, where, a coarse
// histogram of its half-float bits and the per-pixel map for the p99 pass).
#extension GL_GOOGLE_include_directive : require
#include "metrics_common.glsl"
#include "itp.glsl"

layout(local_size_x = 16, local_size_y = 16, local_size_z = 1) in;

layout(constant_id = 0) const uint SAMPLE_BYTES = 2u;
layout(constant_id = 1) const bool DO_ITP = true;

// Squared 16-bit differences fit 32 bits but their sums do not: each is split
// into 16-bit halves whose workgroup sums (512 pixels) cannot overflow.
shared uint s_sse_lo[3], s_sse_hi[3];
shared uint s_max, s_max_at, s_count, s_itp_max, s_itp_at;
shared uint s_hist[1024];
shared float s_itp_sum[256];

struct Pixel {
	bool valid;
	uint index; // y * width + x
	uvec3 diff;
	float itp;
};

Pixel measure(uint x, uint y)
{
	Pixel p;
	p.valid = x < pc.width && y < pc.height;
	p.index = y * pc.width + x;
	p.diff = uvec3(0u);
	p.itp = 0.0;
	if (!p.valid) {
		return p;
	}
	uvec3 r = load_ref_rgb(x, y, SAMPLE_BYTES);
	uvec3 t = load_test_rgb(x, y, SAMPLE_BYTES);
	p.diff = uvec3(abs(ivec3(r) - ivec3(t)));
	if (DO_ITP && r != t) { // identical pixels are exactly 0, whatever the float maths
		vec3 luma = luma_coefficients();
		vec3 a = itp_of(display_light(signal_of(r), pc.mode, luma), pc.rgb_to_lms);
		vec3 b = itp_of(display_light(signal_of(t), pc.mode, luma), pc.rgb_to_lms);
		p.itp = 720.0 * length(a - b);
	}
	return p;
}

void accumulate(Pixel p)
{
	if (!p.valid) {
		return;
	}
	uvec3 sq = p.diff * p.diff;
	for (uint c = 0u; c < 3u; c++) {
		atomicAdd(s_sse_lo[c], sq[c] & 0xffffu);
		atomicAdd(s_sse_hi[c], sq[c] >> 16);
	}
	uint largest = max(p.diff.r, max(p.diff.g, p.diff.b));
	atomicMax(s_max, largest);
	if (largest != 0u) {
		atomicAdd(s_count, 1u);
	}
	if (DO_ITP) {
		uint bits = packHalf2x16(vec2(p.itp, 0.0)) & 0xffffu;
		atomicAdd(s_hist[bits >> 5], 1u);
		atomicMax(s_itp_max, floatBitsToUint(p.itp));
	}
}

// Where the maxima are: the first pixel, in row-major order, that reaches them.
void locate(Pixel p)
{
	if (!p.valid) {
		return;
	}
	if (max(p.diff.r, max(p.diff.g, p.diff.b)) == s_max) {
		atomicMin(s_max_at, p.index);
	}
	if (DO_ITP && floatBitsToUint(p.itp) == s_itp_max) {
		atomicMin(s_itp_at, p.index);
	}
}

void init_shared(uint lid)
{
	if (lid < 3u) {
		s_sse_lo[lid] = 0u;
		s_sse_hi[lid] = 0u;
	}
	if (lid == 0u) {
		s_max = 0u;
		s_max_at = 0xffffffffu;
		s_count = 0u;
		s_itp_max = 0u;
		s_itp_at = 0xffffffffu;
	}
	for (uint i = lid; i < 1024u; i += 256u) {
		s_hist[i] = 0u;
	}
}

void reduce_itp_sum(uint lid)
{
	for (uint step = 128u; step > 0u; step >>= 1) {
		if (lid < step) {
			s_itp_sum[lid] += s_itp_sum[lid + step];
		}
		barrier();
	}
}

void write_record(uint record)
{
	uint base = record * STATS_RECORD_WORDS;
	for (uint c = 0u; c < 3u; c++) {
		// lo + hi * 65536 as a 64-bit (lo word, hi word) pair
		uint carry;
		uint low = uaddCarry(s_sse_lo[c], s_sse_hi[c] << 16, carry);
		partials[base + REC_SSE + 2u * c] = low;
		partials[base + REC_SSE + 2u * c + 1u] = (s_sse_hi[c] >> 16) + carry;
	}
	partials[base + REC_MAX] = s_max;
	partials[base + REC_MAX_AT] = s_max_at;
	partials[base + REC_COUNT] = s_count;
	partials[base + REC_ITP_SUM] = floatBitsToUint(s_itp_sum[0]);
	partials[base + REC_ITP_MAX] = s_itp_max;
	partials[base + REC_ITP_AT] = s_itp_at;
}

void main()
{
	uint lid = gl_LocalInvocationIndex;
	init_shared(lid);
	barrier();

	uint pair = gl_GlobalInvocationID.x;
	uint y = pc.first_row + gl_GlobalInvocationID.y;
	if (y >= pc.first_row + pc.rows) {
		y = pc.height; // outside the band: measured as invalid
	}
	Pixel p0 = measure(2u * pair, y);
	Pixel p1 = measure(2u * pair + 1u, y);
	accumulate(p0);
	accumulate(p1);
	s_itp_sum[lid] = p0.itp + p1.itp;
	if (DO_ITP && p0.valid) {
		itp_map[y * pc.half_width + pair] = packHalf2x16(vec2(p0.itp, p1.itp));
	}
	barrier();
	locate(p0);
	locate(p1);
	reduce_itp_sum(lid); // ends with a barrier

	uint record = (pc.first_row / 16u + gl_WorkGroupID.y) * pc.groups_x + gl_WorkGroupID.x;
	if (lid == 0u) {
		write_record(record);
	}
	if (DO_ITP) {
		for (uint i = lid; i < 1024u; i += 256u) {
			if (s_hist[i] != 0u) {
				atomicAdd(stats[STATS_COARSE + i], s_hist[i]);
			}
		}
	}
}
