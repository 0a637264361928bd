// SPDX-License-Identifier: MIT
// --target's per-pixel conversion (pipeline/colour/tonemap.h plans it and
// sets these constants; docs/tone-mapping.md states the method): an HLG
// source first becomes PQ through the HLG EOTF of BT.2408's 1000 cd/m2
// reference display; then the ITU-R BT.2390 EETF on each PQ component; then
// for SDR the PQ EOTF, the gamut matrix in linear light with a clip, and the
// BT.1886 inverse EOTF (black at 0 cd/m2), or for HLG the PQ EOTF and the HLG
// inverse EOTF of the target display. TM_MODE 0 compiles to nothing.

layout(constant_id = 16) const uint TM_MODE = 0u; // 0 none, 1 PQ -> PQ, 2 -> SDR, 3 -> HLG
layout(constant_id = 17) const float TM_PQ_BLACK = 0.0; // PQ of the source's black
layout(constant_id = 18) const float TM_PQ_RANGE = 1.0; // PQ(peak) - PQ(black)
layout(constant_id = 19) const float TM_MIN_LUM = 0.0;  // the target's, normalised
layout(constant_id = 20) const float TM_MAX_LUM = 1.0;
layout(constant_id = 21) const float TM_KS = 1.0;           // the knee's start
layout(constant_id = 22) const float TM_PEAK = 100.0;       // cd/m2 of the SDR display
layout(constant_id = 23) const float TM_G00 = 1.0;          // the gamut matrix, by rows
layout(constant_id = 24) const float TM_G01 = 0.0;
layout(constant_id = 25) const float TM_G02 = 0.0;
layout(constant_id = 26) const float TM_G10 = 0.0;
layout(constant_id = 27) const float TM_G11 = 1.0;
layout(constant_id = 28) const float TM_G12 = 0.0;
layout(constant_id = 29) const float TM_G20 = 0.0;
layout(constant_id = 30) const float TM_G21 = 0.0;
layout(constant_id = 31) const float TM_G22 = 1.0;
layout(constant_id = 32) const uint TM_SOURCE_HLG = 0u;      // 1: the source is HLG
layout(constant_id = 33) const float TM_HLG_PEAK = 1000.0;   // cd/m2 of the HLG target
layout(constant_id = 34) const float TM_HLG_GAMMA = 1.2;     // its system gamma

// BT.2100's HLG: the OETF's constants, the OOTF's luminance (BT.2020), and
// BT.2408's reference display for HLG sources (1000 cd/m2, system gamma 1.2).
const float TM_HLG_A = 0.17883277, TM_HLG_B = 0.28466892, TM_HLG_C = 0.55991073;
const vec3 TM_HLG_Y = vec3(0.2627, 0.6780, 0.0593);
const float TM_HLG_SOURCE_PEAK = 1000.0, TM_HLG_SOURCE_GAMMA = 1.2;

// BT.2390's EETF of the PQ signal e: normalised to the source range, the
// Hermite knee from KS up to maxLum, the black level term b (1 - E2)^4 with
// b = minLum, and back to the PQ scale.
vec3 tm_eetf(vec3 e)
{
	vec3 e1 = clamp((e - TM_PQ_BLACK) / TM_PQ_RANGE, 0.0, 1.0);
	vec3 t = (e1 - TM_KS) / (1.0 - TM_KS);
	vec3 t2 = t * t, t3 = t2 * t;
	vec3 knee = (2.0 * t3 - 3.0 * t2 + 1.0) * TM_KS + (t3 - 2.0 * t2 + t) * (1.0 - TM_KS) +
		    (-2.0 * t3 + 3.0 * t2) * TM_MAX_LUM;
	// KS >= 1: a target at or above the source's peak, no knee at all.
	vec3 e2 = TM_KS < 1.0 ? mix(e1, knee, greaterThanEqual(e1, vec3(TM_KS))) : e1;
	vec3 lift = (1.0 - e2) * (1.0 - e2);
	vec3 e3 = e2 + TM_MIN_LUM * lift * lift;
	return max(e3 * TM_PQ_RANGE + TM_PQ_BLACK, 0.0);
}

// log2 and exp2 to about 1e-7, written out rather than the driver's: as
// accurate as the SDR path needs (within a 16-bit code of the double model),
// and on lavapipe cheaper than its pow (an 8K -> 4K frame's pass took 397 ms
// with these, 432 ms with pow and a Newton step). log2: x = m 2^e with m in
// [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s), s = (m - 1) / (m + 1),
// |s| <= 0.172, summed to s^9.
vec3 tm_log2(vec3 x)
{
	ivec3 e;
	vec3 m = frexp(max(x, 1e-30), e);
	bvec3 low = lessThan(m, vec3(0.70710678));
	m = mix(m, 2.0 * m, low);
	vec3 exponent = vec3(e) - mix(vec3(0.0), vec3(1.0), low);
	vec3 s = (m - 1.0) / (m + 1.0), s2 = s * s;
	vec3 series = 1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 / 9.0)));
	return exponent + 2.0 * s * series * 1.4426950409;
}

// 2^y = 2^i sqrt(2) e^r with r = (f - 1/2) ln 2 in [-0.347, 0.347], summed to r^7.
vec3 tm_exp2(vec3 y)
{
	vec3 i = floor(y);
	vec3 r = (y - i - 0.5) * 0.69314718;
	vec3 sum = vec3(1.0), term = vec3(1.0);
	[[unroll]] for (int k = 1; k <= 7; k++) {
		term *= r / float(k);
		sum += term;
	}
	return ldexp(sum * 1.41421356, ivec3(i));
}

// x^a for x >= 0 (0 for 0).
vec3 tm_pow(vec3 x, float a)
{
	return mix(tm_exp2(a * tm_log2(x)), vec3(0.0), lessThanEqual(x, vec3(0.0)));
}

float tm_pow1(float x, float a)
{
	return tm_pow(vec3(x), a).x;
}

// HLG inverse OETF: E' -> scene light E in [0, 1].
vec3 tm_hlg_inverse_oetf(vec3 e)
{
	vec3 high = (tm_exp2((e - TM_HLG_C) * (1.4426950409 / TM_HLG_A)) + TM_HLG_B) / 12.0;
	return mix(high, e * e / 3.0, lessThanEqual(e, vec3(0.5)));
}

// HLG OETF: scene light E -> E'.
vec3 tm_hlg_oetf(vec3 e)
{
	vec3 high = TM_HLG_A * 0.69314718 * tm_log2(max(12.0 * e - TM_HLG_B, 1e-6)) + TM_HLG_C;
	return mix(high, sqrt(3.0 * max(e, 0.0)), lessThanEqual(e, vec3(1.0 / 12.0)));
}

// The HLG EOTF for a display of peak lw (black 0): the OOTF
// F = lw Ys^(gamma - 1) E of the scene light.
vec3 tm_hlg_eotf(vec3 e, float lw, float gamma)
{
	vec3 scene = tm_hlg_inverse_oetf(clamp(e, 0.0, 1.0));
	float ys = dot(TM_HLG_Y, scene);
	return ys > 0.0 ? lw * tm_pow1(ys, gamma - 1.0) * scene : vec3(0.0);
}

// Its inverse: display light F (cd/m2) -> E', through Ys = (Yd / lw)^(1 / gamma)
// and E = F / (lw Ys^(gamma - 1)); colours the display cannot show clip.
vec3 tm_hlg_inverse_eotf(vec3 light, float lw, float gamma)
{
	float yd = dot(TM_HLG_Y, light) / lw;
	if (yd <= 0.0) {
		return vec3(0.0);
	}
	float ys = tm_pow1(yd, 1.0 / gamma);
	return tm_hlg_oetf(clamp(light / lw * tm_pow1(ys, 1.0 - gamma), 0.0, 1.0));
}

// SMPTE ST 2084 inverse EOTF: cd/m2 -> E'.
vec3 tm_pq_inverse_eotf(vec3 light)
{
	const float m1 = 2610.0 / 16384.0, m2 = 2523.0 / 4096.0 * 128.0;
	const float c1 = 3424.0 / 4096.0, c2 = 2413.0 / 4096.0 * 32.0, c3 = 2392.0 / 4096.0 * 32.0;
	vec3 p = tm_pow(clamp(light / 10000.0, 0.0, 1.0), m1);
	return tm_pow((c1 + c2 * p) / (1.0 + c3 * p), m2);
}

// SMPTE ST 2084 EOTF, in cd/m2: L = 10000 ((p - c1) / (c2 - c3 p))^(1/m1)
// with p = e^(1/m2). Near 100 cd/m2 p is close to 1, and both p - c1 and
// c2 - c3 p cancel (float32 lost 2 16-bit codes of SDR output there). As
// c2 - c3 = 1 - c1 = 672/4096, both are written in d = p - 1, which is
// summed directly from y = ln(e) / m2 in [-0.2, 0] (e^y - 1 to y^8).
vec3 tm_pq_eotf(vec3 e)
{
	const float m1 = 2610.0 / 16384.0, m2 = 2523.0 / 4096.0 * 128.0;
	const float c3 = 2392.0 / 4096.0 * 32.0, one_minus_c1 = 672.0 / 4096.0;
	vec3 y = tm_log2(clamp(e, 1e-10, 1.0)) * (0.69314718 / m2);
	vec3 d = vec3(0.0), term = vec3(1.0);
	[[unroll]] for (int k = 1; k <= 8; k++) {
		term *= y / float(k);
		d += term;
	}
	vec3 b = max(one_minus_c1 + d, 0.0) / (one_minus_c1 - c3 * d);
	// b^(1/m1) as b^6 b^0.2774: tm_pow's error grows with its exponent.
	vec3 b2 = b * b;
	return 10000.0 * (b2 * b2 * b2) * tm_pow(b, 1.0 / m1 - 6.0);
}

vec3 tonemap(vec3 rgb)
{
	if (TM_MODE == 0u) {
		return rgb;
	}
	if (TM_SOURCE_HLG != 0u) {
		rgb = tm_pq_inverse_eotf(tm_hlg_eotf(rgb, TM_HLG_SOURCE_PEAK, TM_HLG_SOURCE_GAMMA));
	}
	vec3 e = tm_eetf(rgb);
	if (TM_MODE == 1u) {
		return clamp(e, 0.0, 1.0);
	}
	vec3 light = tm_pq_eotf(e);
	if (TM_MODE == 3u) {
		return tm_hlg_inverse_eotf(light, TM_HLG_PEAK, TM_HLG_GAMMA);
	}
	mat3 gamut = mat3(TM_G00, TM_G10, TM_G20, TM_G01, TM_G11, TM_G21, TM_G02, TM_G12, TM_G22);
	vec3 mapped = clamp(gamut * light / TM_PEAK, 0.0, 1.0);
	return tm_pow(mapped, 1.0 / 2.4);
}
