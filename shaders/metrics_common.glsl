// SPDX-License-Identifier: MIT
// Bindings, push constants and sample loading shared by the quality-metric
// shaders. Every metric pipeline uses the same bindings (two texel buffers,
// eight storage buffers) so that one descriptor set per band (or per MS-SSIM
// scale) serves them all.
#ifndef UHD_METRICS_COMMON_GLSL
#define UHD_METRICS_COMMON_GLSL

// Packed R'G'B' images (8-bit, or 16-bit big-endian as PNG stores them: R8_UINT
// or R16_UINT texels), a band of rows starting at pc.row_base; or float luma
// planes at MS-SSIM scales (R32_UINT texels of their bits). Texel fetches go
// through CPU drivers' vectorised texture path, where a storage-buffer load
// at a per-invocation address is one scalar load per lane.
layout(binding = 0) uniform usamplerBuffer ref_texels;
layout(binding = 1) uniform usamplerBuffer test_texels;
// Per-workgroup records of the pixel pass (STATS_RECORD_WORDS each).
layout(std430, binding = 2) buffer Partials { uint partials[]; };
// Per-workgroup (ssim sum, cs sum) of every SSIM tile, all scales.
layout(std430, binding = 3) buffer SsimPartials { vec2 ssim_partials[]; };
// Histograms, the p99 selection and the reduced results (layout below).
layout(std430, binding = 4) buffer Stats { uint stats[]; };
// Per-pixel deltaE ITP as half floats, two pixels per word.
layout(std430, binding = 5) buffer ItpMap { uint itp_map[]; };
// Luma planes of the next MS-SSIM scale.
layout(std430, binding = 6) buffer DownRef { float down_ref[]; };
layout(std430, binding = 7) buffer DownTest { float down_test[]; };
// Display light (PQ, SDR) or HLG scene light of every code value, computed in
// double precision on the CPU: 3 lookups instead of 6 transcendentals a pixel
// (an R32_SFLOAT texel buffer: fetched, not loaded per lane).
layout(binding = 8) uniform samplerBuffer light_lut;
// Palette indices of the --diff-dir heat map, four pixels a word.
layout(std430, binding = 9) writeonly buffer Heat { uint heat[]; };

// Stats layout, in words (mirrored in pipeline/quality/comparer.c).
const uint STATS_COARSE = 0u;    // 1024 bins: half-float bits >> 5
const uint STATS_FINE = 1024u;   // 32 bins: low 5 bits inside the selected coarse bin
const uint STATS_SELECT = 1056u; // selected coarse bin, count of pixels below it
const uint STATS_PIXEL = 1064u;  // the reduced pixel record
const uint STATS_SSIM = 1080u;   // (ssim sum, cs sum) per scale, float bits

// Pixel record: 64-bit sums of squared errors (lo, hi) per channel, the largest
// difference and where, the count of differing pixels, the sum and the largest
// deltaE ITP (float bits) and where.
const uint STATS_RECORD_WORDS = 12u;
const uint REC_SSE = 0u, REC_MAX = 6u, REC_MAX_AT = 7u, REC_COUNT = 8u;
const uint REC_ITP_SUM = 9u, REC_ITP_MAX = 10u, REC_ITP_AT = 11u;

layout(push_constant) uniform Push {
	uint width, height; // image size at this scale
	uint first_row;     // first row this dispatch covers
	uint rows;          // rows it covers (or an item count for reductions)
	uint row_base;      // image row found at the start of bindings 0 and 1
	uint stride;        // samples (or floats) between rows in bindings 0 and 1
	uint half_width;    // words per deltaE-map row
	uint groups_x;      // workgroups (tiles) per row, for record indices
	uint partial_base;  // first SSIM record of this scale
	uint mode;          // transfer (0 SDR, 1 PQ, 2 HLG), or the scale of a reduction
	float code_offset, code_scale; // code value -> 0..1 signal
	// Rows of the linear RGB -> LMS matrix (cd/m2 in, BT.2100 LMS out); w holds
	// the luminance coefficients of the primaries (HLG OOTF, SSIM luma).
	vec4 rgb_to_lms[3];
	float heat_scale;       // heat map: the value shown at the top of the scale
	uint heat_stride_words; // heat map: words per row
} pc;

// 16-bit samples are stored big-endian: swap the bytes of the texel.
uvec3 native_codes(uvec3 texels, uint sample_bytes)
{
	return sample_bytes == 2u ? ((texels & 0xffu) << 8) | (texels >> 8) : texels;
}

// Sample index of channel 0 of pixel (x, y) in bindings 0/1.
uint pixel_index(uint x, uint y)
{
	return (y - pc.row_base) * pc.stride + x * 3u;
}

uvec3 load_ref_rgb(uint x, uint y, uint sample_bytes)
{
	int i = int(pixel_index(x, y));
	return native_codes(uvec3(texelFetch(ref_texels, i).r, texelFetch(ref_texels, i + 1).r,
	                          texelFetch(ref_texels, i + 2).r),
	                    sample_bytes);
}

uvec3 load_test_rgb(uint x, uint y, uint sample_bytes)
{
	int i = int(pixel_index(x, y));
	return native_codes(uvec3(texelFetch(test_texels, i).r, texelFetch(test_texels, i + 1).r,
	                          texelFetch(test_texels, i + 2).r),
	                    sample_bytes);
}

// (reference, test) of float luma planes, sample i of bindings 0 and 1.
vec2 load_float_pair(uint i)
{
	return vec2(uintBitsToFloat(texelFetch(ref_texels, int(i)).r),
	            uintBitsToFloat(texelFetch(test_texels, int(i)).r));
}

vec3 signal_of(uvec3 code)
{
	return (vec3(code) - pc.code_offset) * pc.code_scale;
}

vec3 luma_coefficients()
{
	return vec3(pc.rgb_to_lms[0].w, pc.rgb_to_lms[1].w, pc.rgb_to_lms[2].w);
}

#endif
