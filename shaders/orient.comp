// SPDX-License-Identifier: MIT
#version 450
// Display orientation: copies the finished packed picture (big-endian 16-bit
// or 8-bit RGB rows, as the vertical pass stores them) into a second buffer at
// turned and mirrored coordinates. The turn is an integer affine map from the
// turned picture's pixel to the unturned one's, set up on the CPU, so this
// pass only moves bytes: the pixels stay bit-identical.
// Each invocation writes one group of a turned row as whole 32-bit words (2
// pixels of 16-bit RGB or 4 of 8-bit: 12 bytes), so no two invocations share
// a word; the rows are padded to whole groups, and the last group of a row
// fills its padding with zeros. The unturned picture is read through an
// RGBA32UI texel view: texel fetches reach 16 bytes a texel, past the
// storage-buffer range that some devices (lavapipe: 128 MiB) give an 8K
// 16-bit picture, and scattered fetches (a quarter turn reads down columns)
// go through the texture cache. The output is written in bands of rows, each
// within the storage-buffer range.

layout(local_size_x = 8, local_size_y = 8, local_size_z = 1) in;

// 16 or 8 bits per sample.
layout(constant_id = 0) const uint OUT_BITS = 16u;
const uint PIXELS = OUT_BITS == 8u ? 4u : 2u;
const uint PIXEL_BYTES = OUT_BITS == 8u ? 3u : 6u;

layout(binding = 0) uniform usamplerBuffer unturned;
layout(std430, binding = 1) writeonly buffer Turned { uint turned[]; };

layout(push_constant) uniform Push {
	uint width; // the turned picture's
	uint band_first_row;
	uint band_rows;
	uint stride_words; // of the turned rows
	uint unturned_stride; // bytes between unturned rows
	uint last_word; // the last word the view holds: reads never go past it
	// Unturned pixel (x, y) of turned pixel (X, Y):
	// x = origin_x + X * x_per_column + Y * x_per_row, and the same for y.
	int origin_x;
	int origin_y;
	int x_per_column;
	int y_per_column;
	int x_per_row;
	int y_per_row;
} pc;

uint load_word(uint index)
{
	return texelFetch(unturned, int(index >> 2))[index & 3u];
}

// The bytes of the unturned pixel at column x, row y, into bytes[first...].
// A pixel spans at most two words: rows start on words, and it is 6 bytes at
// an even offset or 3 bytes.
void load_pixel(int x, int y, uint first, inout uint bytes[12])
{
	uint offset = uint(y) * pc.unturned_stride + uint(x) * PIXEL_BYTES;
	uint word = offset >> 2;
	uint low = load_word(word);
	uint high = load_word(min(word + 1u, pc.last_word));
	for (uint b = 0u; b < PIXEL_BYTES; b++) {
		uint at = (offset & 3u) + b;
		uint source = at < 4u ? low >> (8u * at) : high >> (8u * (at - 4u));
		bytes[first + b] = source & 0xffu;
	}
}

void main()
{
	uint group = gl_GlobalInvocationID.x;
	uint band_row = gl_GlobalInvocationID.y;
	if (group * PIXELS >= pc.width || band_row >= pc.band_rows) {
		return;
	}
	int row = int(pc.band_first_row + band_row);
	uint bytes[12] = uint[12](0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u);
	for (uint p = 0u; p < PIXELS; p++) {
		int column = int(group * PIXELS + p);
		if (uint(column) >= pc.width) {
			break;
		}
		int x = pc.origin_x + column * pc.x_per_column + row * pc.x_per_row;
		int y = pc.origin_y + column * pc.y_per_column + row * pc.y_per_row;
		load_pixel(x, y, p * PIXEL_BYTES, bytes);
	}
	uint base = band_row * pc.stride_words + group * 3u;
	for (uint w = 0u; w < 3u; w++) {
		turned[base + w] = bytes[w * 4u] | (bytes[w * 4u + 1u] << 8) |
				   (bytes[w * 4u + 2u] << 16) | (bytes[w * 4u + 3u] << 24);
	}
}
