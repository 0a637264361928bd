// SPDX-License-Identifier: MIT
#version 450
// Test patterns: paints one primitive of the list (pipeline/pattern/pattern.h)
// per dispatch, over its rectangle, in list order, so a later primitive covers
// an earlier one. Every code value comes from the CPU; this shader only decides
// which one a pixel gets, with exact integer arithmetic (the zone plate's
// cosine is the one real-valued step). The primitive's kind and the sample
// size are specialisation constants: a CPU driver runs every branch of a
// shader whose branches it cannot prove uniform, so each kind gets its own
// pipeline. Each invocation owns three words of one row: two 16-bit RGB
// pixels, or four 8-bit ones; pixels of a group outside the rectangle keep
// their value (read, modify, write).

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer Prims { uint prims[]; };
layout(std430, binding = 1) buffer Pixels { uint words[]; };

layout(constant_id = 0) const uint KIND = 0u;
layout(constant_id = 1) const uint SAMPLE_BITS = 16u;

layout(push_constant) uniform Push {
	uint prim;         // index of the primitive
	uint width;
	uint height;
	uint first_row;    // of this band
	uint rows;         // in this band
	uint stride_words; // per row
	uint first_group;  // of the rectangle's columns
	uint code_bits;    // 8, 10 or 12
} pc;

const uint RECT = 0u, RAMP = 1u, STAIR = 2u, CHECKER = 3u, PIXEL = 4u, ZONEPLATE = 5u;
const uint VERTICAL = 1u, REVERSE = 2u;
const float TWO_PI = 6.283185307179586;

uvec3 colour_a(uint base) { return uvec3(prims[base + 8u], prims[base + 9u], prims[base + 10u]); }
uvec3 colour_b(uint base) { return uvec3(prims[base + 12u], prims[base + 13u], prims[base + 14u]); }

// Index of the cell holding t when `length` is cut into n cells at
// floor(length k / n + 1/2).
uint cell_of(uint t, uint n, uint length)
{
	return (n * (2u * t + 1u) - 1u) / (2u * length);
}

// Ramps and staircases: the cell of a pixel by the rounding rule, counted from
// the left (top); a descending one (REVERSE: a is its last code, b its first)
// takes the cells in reverse order, so its boundaries stay where the rule puts
// them.
uvec3 graded(uint base, uint kind, uint flags, uvec2 origin, uvec2 t, uvec2 size)
{
	bool vertical = (flags & VERTICAL) != 0u, reverse = (flags & REVERSE) != 0u;
	uint pos = vertical ? t.y : t.x, length = vertical ? size.y : size.x;
	uvec3 a = colour_a(base), b = colour_b(base);
	if (kind == RAMP) {
		// Code i covers cell i of the ramp; m is the code step (4: 10-bit codes
		// at 12 bits). With a picture-wide grid the cells are those of the whole
		// picture, so a ramp tabulated at 1920 pixels keeps each code where the
		// rule puts it at every width.
		uint step = max(prims[base + 7u], 1u), grid = prims[base + 11u];
		uint codes = max(max(b.r - a.r, b.g - a.g), b.b - a.b) / step + 1u;
		uint cell = grid != 0u ? cell_of(vertical ? t.y + origin.y : t.x + origin.x, grid,
		                                 vertical ? pc.height : pc.width) -
		                                 prims[base + 15u]
		                       : cell_of(pos, codes, length);
		cell = reverse && grid == 0u ? codes - 1u - cell : cell;
		return min(a + step * cell, b);
	}
	uint n = prims[base + 6u];
	uint cell = cell_of(pos, n, length);
	cell = reverse ? n - 1u - cell : cell;
	return a + (2u * cell * (b - a) + (n - 1u)) / (2u * (n - 1u));
}

uvec3 pixel_structure(uint base, uvec2 t)
{
	uint period = prims[base + 6u], mode = prims[base + 7u];
	uvec2 cell = t / period;
	uvec3 a = colour_a(base), b = colour_b(base);
	if (mode == 3u) {
		uint lit = cell.x % 3u;
		return uvec3(lit == 0u ? a.r : b.r, lit == 1u ? a.g : b.g, lit == 2u ? a.b : b.b);
	}
	uint phase = mode == 0u ? cell.x : mode == 1u ? cell.y : cell.x + cell.y;
	return (phase & 1u) != 0u ? b : a;
}

uvec3 zone_plate(uint base, uint x, uint y)
{
	// Twice the distance from the picture centre, so that it stays integral.
	int dx = 2 * int(x) + 1 - int(pc.width), dy = 2 * int(y) + 1 - int(pc.height);
	uint d2 = uint(dx * dx) + uint(dy * dy);
	uint period = 16u * prims[base + 6u]; // cycles = d2 / (16 radius)
	float level = 0.5 + 0.5 * cos(TWO_PI * float(d2 % period) / float(period));
	uvec3 a = colour_a(base), b = colour_b(base);
	return a + uvec3(floor(vec3(b - a) * level + 0.5));
}

uvec3 shade(uint base, uint x, uint y)
{
	uint kind = KIND, flags = prims[base + 1u];
	uvec2 origin = uvec2(prims[base + 2u], prims[base + 3u]);
	uvec2 size = uvec2(prims[base + 4u], prims[base + 5u]) - origin;
	uvec2 t = uvec2(x, y) - origin;
	if (kind == RAMP || kind == STAIR) {
		return graded(base, kind, flags, origin, t, size);
	}
	if (kind == CHECKER) {
		uvec2 cell = uvec2(cell_of(t.x, prims[base + 6u], size.x),
		                   cell_of(t.y, prims[base + 7u], size.y));
		return ((cell.x + cell.y) & 1u) != 0u ? colour_b(base) : colour_a(base);
	}
	if (kind == PIXEL) {
		return pixel_structure(base, t);
	}
	if (kind == ZONEPLATE) {
		return zone_plate(base, x, y);
	}
	return colour_a(base);
}


// A code value in the 16-bit container: left bit replication.
uvec3 widen(uvec3 code)
{
	uint shift = 16u - pc.code_bits;
	return shift == 0u ? code : (code << shift) | (code >> (pc.code_bits - shift));
}

const uint PER = SAMPLE_BITS == 16u ? 2u : 4u; // pixels per invocation

// 16-bit samples are stored big-endian, as PNG stores them (uhdpipe/convert.h).
uvec3 big_endian(uvec3 v)
{
	return ((v & 0xFFu) << 8) | (v >> 8);
}

// A sample as stored (samples of pixels outside the primitive are only moved).
uint get_sample(uint words[3], uint i)
{
	return SAMPLE_BITS == 16u ? (words[i / 2u] >> (16u * (i % 2u))) & 0xFFFFu
	                          : (words[i / 4u] >> (8u * (i % 4u))) & 0xFFu;
}

void main()
{
	uint base = pc.prim * 16u;
	ivec4 r = ivec4(prims[base + 2u], prims[base + 3u], prims[base + 4u], prims[base + 5u]);
	uint group = pc.first_group + gl_GlobalInvocationID.x;
	uint row = uint(max(r.y - int(pc.first_row), 0)) + gl_WorkGroupID.y;
	uint y = pc.first_row + row;
	if (int(group * PER) >= r.z || row >= pc.rows || int(y) >= r.w) {
		return;
	}
	uint out_base = row * pc.stride_words + 3u * group;
	uint old[3] = uint[3](0u, 0u, 0u);
	bool whole = int(group * PER) >= r.x && int(group * PER + PER) <= r.z;
	if (!whole) {
		for (uint k = 0u; k < 3u; k++) {
			old[k] = words[out_base + k];
		}
	}
	uint samples[12];
	for (uint i = 0u; i < PER; i++) {
		uint x = group * PER + i;
		uvec3 c;
		if (int(x) >= r.x && int(x) < r.z) {
			c = shade(base, x, y);
			c = SAMPLE_BITS == 16u ? big_endian(widen(c)) : c;
		} else {
			c = uvec3(get_sample(old, 3u * i), get_sample(old, 3u * i + 1u),
			          get_sample(old, 3u * i + 2u));
		}
		samples[3u * i] = c.r;
		samples[3u * i + 1u] = c.g;
		samples[3u * i + 2u] = c.b;
	}
	for (uint k = 0u; k < 3u; k++) {
		words[out_base + k] =
		        SAMPLE_BITS == 16u
		                ? samples[2u * k] | (samples[2u * k + 1u] << 16)
		                : samples[4u * k] | (samples[4u * k + 1u] << 8) |
		                          (samples[4u * k + 2u] << 16) | (samples[4u * k + 3u] << 24);
	}
}
