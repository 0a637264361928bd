// SPDX-License-Identifier: MIT
// Reading 8- or 16-bit little-endian samples out of a uint[] storage buffer,
// so no 8/16-bit storage feature is needed on any device.
#ifndef UHD_SAMPLES_GLSL
#define UHD_SAMPLES_GLSL

uint sample_from_words(uint word, uint index, uint sample_bytes)
{
	if (sample_bytes == 2u) {
		return (index & 1u) != 0u ? word >> 16 : word & 0xffffu;
	}
	return (word >> ((index & 3u) * 8u)) & 0xffu;
}

uint word_of_sample(uint index, uint sample_bytes)
{
	return sample_bytes == 2u ? index >> 1 : index >> 2;
}

#endif
