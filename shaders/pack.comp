// SPDX-License-Identifier: MIT
#version 450
// Scanout packing: a converted picture (big-endian 16-bit or 8-bit R, G, B
// rows) into one KMS format, bit for bit what pipeline/kms/pack.c makes on the
// CPU. One invocation per pixel, writing its whole 32-bit words (4 or 8 bytes
// a pixel), so no two invocations share a word and the row padding is never
// touched. The picture is read through an R32UI texel view, a word a fetch
// (past the storage-buffer range that lavapipe's 128 MiB gives an 8K 16-bit
// picture; an RGBA32UI view and a dynamic pick of the word took 15% longer
// there); the destination is written in bands of rows, each within that range.

layout(local_size_x = 8, local_size_y = 8, local_size_z = 1) in;

// Formats, as gpu_pack.c numbers them.
const uint XRGB8888 = 0u;
const uint XRGB2101010 = 1u;
const uint XBGR2101010 = 2u;
const uint XRGB16161616 = 3u;
const uint XBGR16161616F = 4u;

layout(constant_id = 0) const uint FORMAT = 0u;
layout(constant_id = 1) const uint IN_BITS = 16u; // 16 or 8 bits a sample
// 1 when the format has fewer bits than the picture's significant ones
// (uhd_pack_dithers), else the codes are bit-shifted or replicated.
layout(constant_id = 2) const uint DITHER = 0u;

const uint PIXEL_BYTES = IN_BITS == 8u ? 3u : 6u;
const uint OUT_WORDS = FORMAT >= XRGB16161616 ? 2u : 1u;

layout(binding = 0) uniform usamplerBuffer picture;
layout(std430, binding = 1) writeonly buffer Packed { uint packed[]; };

layout(push_constant) uniform Push {
	uint width;
	uint band_first_row;
	uint band_rows;
	uint pitch_words;
	uint band_first_word; // where the band's first row starts in the binding
	uint in_stride;       // bytes between the picture's rows
	uint last_word;       // the last word the view holds: reads never go past it
} pc;

// pack.c's bayer8 (8x8 Bayer thresholds in 1/64ths), from the bits of x and
// y rather than a table: a constant array indexed per pixel is copied into
// each invocation's scratch memory by lavapipe, which made dithered packing
// about 4x slower than 16-bit packing at 8K. The recursive Bayer matrix puts
// the bits of x ^ y and of y, interleaved, in reverse order; pack.c's table
// is the oracle (test_gpu_pack packs a picture with every threshold).
uint bayer8(uint x, uint y)
{
	uint v = (x ^ y) & 7u;
	y &= 7u;
	return (v & 1u) << 5 | (y & 1u) << 4 | (v & 2u) << 2 | (y & 2u) << 1 | (v & 4u) >> 1 |
	       (y & 4u) >> 2;
}

uint load_word(uint index)
{
	return texelFetch(picture, int(index)).x;
}

// The pixel's R, G, B as 16-bit samples (8-bit ones replicated, * 257). A
// pixel spans at most two words: rows start on words, and it is 6 bytes at an
// even offset or 3 bytes.
uint swap_bytes16(uint half_word)
{
	return (half_word & 0xffu) << 8 | (half_word >> 8 & 0xffu);
}

uvec3 load_pixel(uint x, uint y)
{
	uint offset = y * pc.in_stride + x * PIXEL_BYTES;
	uint word = offset >> 2;
	uint low = load_word(word);
	uint high = load_word(min(word + 1u, pc.last_word));
	if (IN_BITS == 16u) {
		// 6 bytes at a multiple of 2: R, G, B are the three 16-bit halves from
		// (offset & 2) on, big-endian. Selects, not a byte array (which
		// lavapipe keeps in scratch memory).
		bool odd = (offset & 2u) != 0u;
		uint r = odd ? low >> 16 : low & 0xffffu;
		uint g = odd ? high & 0xffffu : low >> 16;
		uint b = odd ? high >> 16 : high & 0xffffu;
		return uvec3(swap_bytes16(r), swap_bytes16(g), swap_bytes16(b));
	}
	uint bytes[3];
	for (uint b = 0u; b < 3u; b++) {
		uint at = (offset & 3u) + b;
		uint source = at < 4u ? low >> (8u * at) : high >> (8u * (at - 4u));
		bytes[b] = source & 0xffu;
	}
	return uvec3(bytes[0], bytes[1], bytes[2]) * 257u;
}

// pack.c's dither(): floor(v * max / 65535 + (t + 0.5) / 64), clamped. In 32
// bits: for 10 bits, 65535 * 1023 * 64 + 127 * 65535 / 2 = 4294896512 < 2^32
// (8 and 10 bits are the only depths that dither).
uint dither(uint v, uint bits, uint t)
{
	uint max_code = (1u << bits) - 1u;
	uint scaled = v * max_code * 64u + (2u * t + 1u) * 65535u / 2u;
	return min(scaled / (65535u * 64u), max_code);
}

uint reduce(uint v, uint bits, uint t)
{
	return DITHER != 0u ? dither(v, bits, t) : v >> (16u - bits);
}

// pack.c's to_half(v / 65535.0), in integers. The CPU rounds the double
// v / 65535.0 to 11 significant bits, nearest-even; v / 65535 is never a tie
// nor within a double's rounding of one (its denominator is odd), so that is
// the exact quotient rounded to nearest, ties not arising. For v >= 4 the
// quotient lies in [2^(msb-16), 2^(msb-15)) (msb: v's top bit; 65535 reaches
// 1.0 through the carry below): exponent field msb - 1, significand
// round(v * 2^(26-msb) / 65535) in [1024, 2048], whose 2048 carries into the
// exponent by the addition. Below 4 it is subnormal: round(v * 2^24 / 65535).
uint to_half(uint v)
{
	if (v < 4u) {
		return ((v << 25) + 65535u) / 131070u;
	}
	int msb = findMSB(v);
	uint significand = ((v << (26 - msb)) * 2u + 65535u) / 131070u;
	return (uint(msb - 1) << 10) + significand - 1024u;
}

void main()
{
	uint x = gl_GlobalInvocationID.x;
	uint band_row = gl_GlobalInvocationID.y;
	if (x >= pc.width || band_row >= pc.band_rows) {
		return;
	}
	uint y = pc.band_first_row + band_row;
	uvec3 rgb = load_pixel(x, y);
	uint t = bayer8(x, y);
	uint at = pc.band_first_word + band_row * pc.pitch_words + x * OUT_WORDS;
	if (FORMAT == XRGB8888) {
		packed[at] = reduce(rgb.r, 8u, t) << 16 | reduce(rgb.g, 8u, t) << 8 |
			     reduce(rgb.b, 8u, t);
	} else if (FORMAT == XRGB2101010 || FORMAT == XBGR2101010) {
		uint hi = reduce(FORMAT == XRGB2101010 ? rgb.r : rgb.b, 10u, t);
		uint lo = reduce(FORMAT == XRGB2101010 ? rgb.b : rgb.r, 10u, t);
		packed[at] = hi << 20 | reduce(rgb.g, 10u, t) << 10 | lo;
	} else if (FORMAT == XRGB16161616) {
		// Little-endian 64-bit word r << 32 | g << 16 | b.
		packed[at] = rgb.g << 16 | rgb.b;
		packed[at + 1u] = rgb.r;
	} else {
		packed[at] = to_half(rgb.g) << 16 | to_half(rgb.r);
		packed[at + 1u] = to_half(rgb.b);
	}
}
