#version 450
// Vertical pass and colour conversion: resamples the three float planes along
// y, then applies rgb = M * ((p0 - o0) * s0, (p1 - o1) * s1, (p2 - o1) * s1):
// Y'CbCr code values -> full-range R'G'B' with the stream's matrix and range,
// or the identity for planes that already hold R'G'B'. The result is clamped
// to [0, 1] and either packed as big-endian 16-bit (2 pixels per invocation)
// or 8-bit (4 pixels) RGB rows as PNG stores them, or stored as three float
// planes for a following upscaling pass.
// Packed output runs once per band of rows, so that no binding exceeds the
// device's storage-buffer range.

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

// 16 or 8: packed RGB rows; 32: float planes.
layout(constant_id = 0) const uint OUT_BITS = 16u;
const uint PIXELS = OUT_BITS == 8u ? 4u : (OUT_BITS == 16u ? 2u : 1u);

layout(std430, binding = 0) readonly buffer Plane0 { float plane0[]; };
layout(std430, binding = 1) readonly buffer Plane1 { float plane1[]; };
layout(std430, binding = 2) readonly buffer Plane2 { float plane2[]; };
layout(std430, binding = 3) readonly buffer Table0 { uint table0[]; };
layout(std430, binding = 4) readonly buffer Table12 { uint table12[]; };
layout(std430, binding = 5) writeonly buffer Out0 { uint out_words[]; };
layout(std430, binding = 6) writeonly buffer Out1 { float out_g[]; };
layout(std430, binding = 7) writeonly buffer Out2 { float out_b[]; };

layout(push_constant) uniform Push {
	uint width;
	uint band_first_row;
	uint band_rows;
	uint out_stride_words;
	uint taps0;
	uint taps12;
	uint height;
	uint row_offset; // first row of this dispatch, from the band's first
	float offset0;
	float scale0;
	float offset12;
	float scale12;
	vec4 m0; // rows of M (xyz used)
	vec4 m1;
	vec4 m2;
} pc;

// Filters PIXELS adjacent columns of all three planes at one output row. The
// planes get separate loops (a select between buffers would load all three),
// and the columns share each weight load.
void filter_columns(uint first_column, uint row, out vec3 planes[4])
{
	// The last group of a row may hang over its end: never read past it.
	uint count = min(PIXELS, pc.width - first_column);
	uint first = table0[row];
	uint weights = pc.height + row * pc.taps0;
	float sums0[4] = float[4](0.0, 0.0, 0.0, 0.0);
	for (uint t = 0u; t < pc.taps0; t++) {
		float w = uintBitsToFloat(table0[weights + t]);
		uint index = (first + t) * pc.width + first_column;
		for (uint p = 0u; p < count; p++) {
			sums0[p] += w * plane0[index + p];
		}
	}
	first = table12[row];
	weights = pc.height + row * pc.taps12;
	float sums1[4] = float[4](0.0, 0.0, 0.0, 0.0);
	float sums2[4] = float[4](0.0, 0.0, 0.0, 0.0);
	for (uint t = 0u; t < pc.taps12; t++) {
		float w = uintBitsToFloat(table12[weights + t]);
		uint index = (first + t) * pc.width + first_column;
		for (uint p = 0u; p < count; p++) {
			sums1[p] += w * plane1[index + p];
			sums2[p] += w * plane2[index + p];
		}
	}
	for (uint p = 0u; p < PIXELS; p++) {
		planes[p] = vec3(sums0[p], sums1[p], sums2[p]);
	}
}

vec3 to_rgb(vec3 planes)
{
	vec3 p = vec3((planes.x - pc.offset0) * pc.scale0, (planes.y - pc.offset12) * pc.scale12,
		      (planes.z - pc.offset12) * pc.scale12);
	vec3 rgb = vec3(dot(pc.m0.xyz, p), dot(pc.m1.xyz, p), dot(pc.m2.xyz, p));
	return clamp(rgb, 0.0, 1.0);
}

void store_packed(uint group, uint band_row, vec3 planes[4])
{
	float peak = OUT_BITS == 16u ? 65535.0 : 255.0;
	uint bytes[12];
	for (uint p = 0u; p < PIXELS; p++) {
		uint column = group * PIXELS + p;
		uvec3 rgb = column < pc.width ? uvec3(to_rgb(planes[p]) * peak + 0.5) : uvec3(0u);
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

void main()
{
	uint group = gl_GlobalInvocationID.x;
	uint band_row = pc.row_offset + gl_GlobalInvocationID.y;
	if (group * PIXELS >= pc.width || band_row >= pc.band_rows) {
		return;
	}
	uint row = pc.band_first_row + band_row;
	vec3 planes[4];
	filter_columns(group * PIXELS, row, planes);
	if (OUT_BITS == 32u) {
		vec3 rgb = to_rgb(planes[0]);
		uint index = row * pc.width + group;
		out_words[index] = floatBitsToUint(rgb.r);
		out_g[index] = rgb.g;
		out_b[index] = rgb.b;
		return;
	}
	store_packed(group, band_row, planes);
}
