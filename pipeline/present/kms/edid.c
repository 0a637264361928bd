/* SPDX-License-Identifier: MIT */
/* Monitor identity from an EDID base block (VESA E-EDID 1.4, section 3). */
#include "edid.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* Byte offsets in the base block. */
enum {
	EDID_MANUFACTURER = 8,
	EDID_PRODUCT = 10,
	EDID_VERSION = 18,
	EDID_REVISION = 19,
	EDID_DESCRIPTORS = 54,
	EDID_DESCRIPTOR_SIZE = 18,
	EDID_DESCRIPTOR_COUNT = 4,
	EDID_DESCRIPTOR_TAG = 3,
	EDID_DESCRIPTOR_TEXT = 5,
	EDID_DESCRIPTOR_TEXT_SIZE = 13,
	EDID_TAG_MONITOR_NAME = 0xFC,
};

static const uint8_t edid_header[8] = {0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00};

static bool checksum_ok(const uint8_t *block)
{
	uint8_t sum = 0;
	for (int i = 0; i < UHD_EDID_BLOCK_SIZE; i++) {
		sum = (uint8_t)(sum + block[i]);
	}
	return sum == 0;
}

/* Three letters of five bits each, big-endian, 1 = 'A'. */
static void manufacturer_id(const uint8_t *block, char out[4])
{
	unsigned code = ((unsigned)block[EDID_MANUFACTURER] << 8) | block[EDID_MANUFACTURER + 1];
	for (int i = 0; i < 3; i++) {
		unsigned letter = (code >> (10 - 5 * i)) & 0x1f;
		out[i] = letter >= 1 && letter <= 26 ? (char)('A' + letter - 1) : '?';
	}
	out[3] = '\0';
}

/* The text of a display descriptor ends at 0x0A and is padded with spaces;
 * monitors are known to pad with anything, so both ends are trimmed. */
static void descriptor_text(const uint8_t *descriptor, char out[14])
{
	const uint8_t *text = descriptor + EDID_DESCRIPTOR_TEXT;
	int length = 0;
	while (length < EDID_DESCRIPTOR_TEXT_SIZE && text[length] != 0x0A && text[length] != 0) {
		length++;
	}
	while (length > 0 && text[length - 1] == ' ') {
		length--;
	}
	for (int i = 0; i < length; i++) {
		out[i] = text[i] >= 0x20 && text[i] < 0x7f ? (char)text[i] : '?';
	}
	out[length] = '\0';
}

static void monitor_name(const uint8_t *block, char out[14])
{
	out[0] = '\0';
	for (int i = 0; i < EDID_DESCRIPTOR_COUNT; i++) {
		const uint8_t *descriptor = block + EDID_DESCRIPTORS + i * EDID_DESCRIPTOR_SIZE;
		/* A zero pixel clock marks a display descriptor rather than a timing. */
		bool display = descriptor[0] == 0 && descriptor[1] == 0;
		if (display && descriptor[EDID_DESCRIPTOR_TAG] == EDID_TAG_MONITOR_NAME) {
			descriptor_text(descriptor, out);
			return;
		}
	}
}

int uhd_edid_parse(const uint8_t *data, size_t size, struct uhd_edid *edid)
{
	memset(edid, 0, sizeof(*edid));
	if (!data || size < UHD_EDID_BLOCK_SIZE ||
	    memcmp(data, edid_header, sizeof(edid_header)) != 0) {
		return -EINVAL;
	}
	if (!checksum_ok(data)) {
		return -EBADMSG;
	}
	manufacturer_id(data, edid->manufacturer);
	edid->product = (uint16_t)(data[EDID_PRODUCT] | (data[EDID_PRODUCT + 1] << 8));
	edid->version = data[EDID_VERSION];
	edid->revision = data[EDID_REVISION];
	monitor_name(data, edid->monitor_name);
	return 0;
}

const char *uhd_edid_error_name(int error)
{
	switch (error) {
	case 0: return "valid";
	case -EINVAL: return "not an EDID (short or wrong header)";
	case -EBADMSG: return "bad checksum";
	default: return "unreadable";
	}
}
