// SPDX-License-Identifier: MIT
// ITU-R BT.2124 deltaE ITP: code values -> display light -> ICtCp.
#ifndef UHD_ITP_GLSL
#define UHD_ITP_GLSL

// SMPTE ST 2084 constants.
const float PQ_M1 = 2610.0 / 16384.0;
const float PQ_M2 = 2523.0 / 4096.0 * 128.0;
const float PQ_C1 = 3424.0 / 4096.0;
const float PQ_C2 = 2413.0 / 4096.0 * 32.0;
const float PQ_C3 = 2392.0 / 4096.0 * 32.0;

// cd/m2 -> signal. pow(x, 78.84) with x in [0.836, 1] amplifies the error
// of a float log2 near 1 (which Vulkan allows to be 2^-21 absolute) 79 times,
// enough to move deltaE ITP by 0.3%. Instead ln x = 2 atanh(u) with
// u = (x - 1) / (x + 1) formed without cancellation: c2 - c3 = 1 - c1, so
// u = -(1 - c1)(1 - l) / (1 + c1 + (c2 + c3) l), |u| <= 0.09.
vec3 pq_inverse_eotf(vec3 luminance)
{
	vec3 l = pow(clamp(luminance / 10000.0, 0.0, 1.0), vec3(PQ_M1));
	vec3 u = -(1.0 - PQ_C1) * (1.0 - l) / (1.0 + PQ_C1 + (PQ_C2 + PQ_C3) * l);
	vec3 u2 = u * u;
	vec3 series = 1.0 + u2 * (1.0 / 3.0 + u2 * (1.0 / 5.0 + u2 * (1.0 / 7.0 + u2 / 9.0)));
	return exp(PQ_M2 * 2.0 * u * series);
}

const uint TRANSFER_SDR = 0u, TRANSFER_PQ = 1u, TRANSFER_HLG = 2u;

// Display light in cd/m2 from the per-code light table: PQ absolute; HLG on a
// 1000 cd/m2 display (gamma 1.2, zero black), the table holding scene light;
// other transfers BT.1886 with a 100 cd/m2 white (in the table).
vec3 display_light(vec3 table_light, uint transfer, vec3 luma)
{
	if (transfer != TRANSFER_HLG) {
		return table_light;
	}
	float ys = dot(luma, table_light);
	return ys > 0.0 ? 1000.0 * pow(ys, 0.2) * table_light : vec3(0.0);
}

// ITP with T already halved (BT.2124: T = 0.5 Ct).
vec3 itp_of(vec3 light, vec4 rgb_to_lms[3])
{
	vec3 lms = vec3(dot(rgb_to_lms[0].xyz, light), dot(rgb_to_lms[1].xyz, light),
	                dot(rgb_to_lms[2].xyz, light));
	vec3 q = pq_inverse_eotf(lms);
	float i = 0.5 * q.x + 0.5 * q.y;
	float ct = (6610.0 * q.x - 13613.0 * q.y + 7003.0 * q.z) / 4096.0;
	float cp = (17933.0 * q.x - 17390.0 * q.y - 543.0 * q.z) / 4096.0;
	return vec3(i, 0.5 * ct, cp);
}

#endif
