#version 450
// Vertical pass and colour conversion: resamples the three float planes along
// y, converts Y'CbCr code values to full-range R'G'B' with the stream's
// matrix and range (the transfer is kept), and packs big-endian 16-bit (2
// pixels per invocation) or 8-bit (4 pixels) RGB rows as PNG stores them.
// Runs once per band of output rows, so that no binding exceeds the device's
// storage-buffer range.

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

layout(constant_id = 0) const uint OUT_BITS = 16u;
const uint PIXELS = OUT_BITS == 16u ? 2u : 4u; // pixels per 3 output words

layout(std430, binding = 0) readonly buffer Luma { float luma[]; };
layout(std430, binding = 1) readonly buffer Cb { float cb[]; };
layout(std430, binding = 2) readonly buffer Cr { float cr[]; };
layout(std430, binding = 3) readonly buffer LumaTable { uint luma_table[]; };
layout(std430, binding = 4) readonly buffer ChromaTable { uint chroma_table[]; };
layout(std430, binding = 5) writeonly buffer Out { uint out_words[]; };

layout(push_constant) uniform Push {
	uint width;
	uint band_first_row;
	uint band_rows;
	uint out_stride_words;
	uint luma_taps;
	uint chroma_taps;
	uint height;
	uint pad;
	float luma_offset;
	float luma_scale;
	float chroma_offset;
	float chroma_scale;
	float r_from_cr;
	float g_from_cb;
	float g_from_cr;
	float b_from_cb;
} pc;

float filter_column(uint column, uint row, bool chroma_plane, uint plane)
{
	uint taps = chroma_plane ? pc.chroma_taps : pc.luma_taps;
	uint first = chroma_plane ? chroma_table[row] : luma_table[row];
	uint weights = pc.height + row * taps;
	float sum = 0.0;
	for (uint t = 0u; t < taps; t++) {
		uint index = (first + t) * pc.width + column;
		float w = uintBitsToFloat(chroma_plane ? chroma_table[weights + t]
						       : luma_table[weights + t]);
		float v = plane == 0u ? luma[index] : (plane == 1u ? cb[index] : cr[index]);
		sum += w * v;
	}
	return sum;
}

uvec3 convert_pixel(uint column, uint row)
{
	float y = (filter_column(column, row, false, 0u) - pc.luma_offset) * pc.luma_scale;
	float u = (filter_column(column, row, true, 1u) - pc.chroma_offset) * pc.chroma_scale;
	float v = (filter_column(column, row, true, 2u) - pc.chroma_offset) * pc.chroma_scale;
	vec3 rgb = vec3(y + pc.r_from_cr * v, y + pc.g_from_cb * u + pc.g_from_cr * v,
			y + pc.b_from_cb * u);
	float peak = OUT_BITS == 16u ? 65535.0 : 255.0;
	return uvec3(clamp(rgb, 0.0, 1.0) * peak + 0.5);
}

void main()
{
	uint group = gl_GlobalInvocationID.x;
	uint band_row = gl_GlobalInvocationID.y;
	if (group * PIXELS >= pc.width || band_row >= pc.band_rows) {
		return;
	}
	uint row = pc.band_first_row + band_row;
	uint bytes[12];
	for (uint p = 0u; p < PIXELS; p++) {
		uint column = group * PIXELS + p;
		uvec3 rgb = column < pc.width ? convert_pixel(column, row) : uvec3(0u);
		for (uint c = 0u; c < 3u; c++) {
			if (OUT_BITS == 16u) {
				bytes[p * 6u + c * 2u] = rgb[c] >> 8;
				bytes[p * 6u + c * 2u + 1u] = rgb[c] & 0xffu;
			} else {
				bytes[p * 3u + c] = rgb[c];
			}
		}
	}
	uint base = band_row * pc.out_stride_words + group * 3u;
	for (uint w = 0u; w < 3u; w++) {
		out_words[base + w] = bytes[w * 4u] | (bytes[w * 4u + 1u] << 8) |
				      (bytes[w * 4u + 2u] << 16) | (bytes[w * 4u + 3u] << 24);
	}
}
