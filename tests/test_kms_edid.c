/* SPDX-License-Identifier: MIT */
/*
 * The EDID base-block parser against blocks built by hand per VESA E-EDID 1.4
 * (section 3): the fixed header 00 FF FF FF FF FF FF 00, the PNP manufacturer
 * id in bytes 8-9 (three 5-bit letters, 'A' = 1, big-endian), the product code
 * in bytes 10-11 (little-endian), version and revision in 18-19, four 18-byte
 * descriptors at 54/72/90/108 (a display descriptor starts 00 00 00 TAG 00,
 * tag 0xFC is the monitor name: up to 13 characters ended by 0x0A and padded
 * with 0x20) and a checksum byte making all 128 bytes sum to 0 mod 256. Also
 * short, garbage and bad-checksum input; each block is its own allocation of
 * its exact size so a sanitizer or valgrind catches any read past it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "present/kms/edid.h"

enum { DESCRIPTOR_SIZE = 18 };

static const uint8_t edid_header[8] = {0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00};

static void set_checksum(uint8_t *block)
{
	uint8_t sum = 0;
	for (int i = 0; i < 127; i++) {
		sum = (uint8_t)(sum + block[i]);
	}
	block[127] = (uint8_t)(0x100 - sum);
}

/* A detailed timing descriptor: 1920x1080@60, 148.5 MHz (a non-zero clock
 * is what tells it from a display descriptor). */
static void timing_descriptor(uint8_t *descriptor)
{
	static const uint8_t timing[DESCRIPTOR_SIZE] = {0x02, 0x3A, 0x80, 0x18, 0x71, 0x38,
	                                                0x2D, 0x40, 0x58, 0x2C, 0x45, 0x00,
	                                                0x56, 0x50, 0x21, 0x00, 0x00, 0x1E};
	memcpy(descriptor, timing, DESCRIPTOR_SIZE);
}

/* A display descriptor with tag and text as the standard lays it out. */
static void text_descriptor(uint8_t *descriptor, uint8_t tag, const char *text)
{
	memset(descriptor, 0, DESCRIPTOR_SIZE);
	descriptor[3] = tag;
	size_t length = strlen(text);
	memset(descriptor + 5, 0x20, 13);
	memcpy(descriptor + 5, text, length);
	if (length < 13) {
		descriptor[5 + length] = 0x0A;
	}
}

/* Dell ("DEL" = 4,5,12 -> 0x10AC), product 0xA0FC, EDID 1.4; descriptors:
 * timing, serial (0xFF), name (0xFC), range limits (0xFD). */
static uint8_t *make_block(const char *name)
{
	uint8_t *block = calloc(1, 128);
	memcpy(block, edid_header, sizeof(edid_header));
	block[8] = 0x10;
	block[9] = 0xAC;
	block[10] = 0xFC;
	block[11] = 0xA0;
	block[18] = 1;
	block[19] = 4;
	timing_descriptor(block + 54);
	text_descriptor(block + 72, 0xFF, "ABC123");
	text_descriptor(block + 90, 0xFC, name);
	memset(block + 108, 0, DESCRIPTOR_SIZE);
	block[108 + 3] = 0xFD;
	set_checksum(block);
	return block;
}

static int parse(const uint8_t *data, size_t size, struct uhd_edid *edid)
{
	/* Copy to an allocation of exactly size bytes. */
	uint8_t *copy = size ? malloc(size) : NULL;
	if (size) {
		memcpy(copy, data, size);
	}
	int ret = uhd_edid_parse(copy, size, edid);
	free(copy);
	return ret;
}

static void check_name(const char *what, const uint8_t *block, size_t size, const char *expected)
{
	struct uhd_edid edid;
	int ret = parse(block, size, &edid);
	CHECK(ret == 0, "%s: expected 0, got %d", what, ret);
	CHECK(strcmp(edid.monitor_name, expected) == 0, "%s: monitor name expected '%s', got '%s'",
	      what, expected, edid.monitor_name);
}

static void test_valid(void)
{
	uint8_t *block = make_block("DELL U2720Q");
	struct uhd_edid edid;
	int ret = parse(block, 128, &edid);
	CHECK(ret == 0, "valid block: expected 0, got %d", ret);
	CHECK(strcmp(edid.manufacturer, "DEL") == 0, "manufacturer expected DEL, got %s",
	      edid.manufacturer);
	CHECK(edid.product == 0xA0FC, "product expected 0xa0fc, got 0x%04x", edid.product);
	CHECK(edid.version == 1 && edid.revision == 4, "version expected 1.4, got %u.%u",
	      edid.version, edid.revision);
	CHECK(strcmp(edid.monitor_name, "DELL U2720Q") == 0,
	      "name expected 'DELL U2720Q', got '%s'", edid.monitor_name);
	free(block);
}

static void test_names(void)
{
	uint8_t *block = make_block("THIRTEEN CHAR");
	check_name("13 characters, no 0x0A", block, 128, "THIRTEEN CHAR");
	free(block);

	block = make_block("");
	check_name("empty name (0x0A first)", block, 128, "");
	free(block);

	/* Trailing spaces before the 0x0A are padding too. */
	block = make_block("LG TV   ");
	check_name("trailing spaces", block, 128, "LG TV");
	free(block);

	/* Control and 8-bit bytes are not passed to a terminal or report. */
	block = make_block("AB\x01\x7f\xe9Z");
	set_checksum(block);
	check_name("unprintable bytes", block, 128, "AB???Z");
	free(block);

	/* No 0xFC descriptor: serial, timing and range limits only. */
	block = make_block("X");
	text_descriptor(block + 90, 0xFE, "ASCII TEXT");
	set_checksum(block);
	check_name("no name descriptor", block, 128, "");
	free(block);

	/* Tag byte 0xFC inside a detailed timing (non-zero clock) is not a name. */
	block = make_block("X");
	text_descriptor(block + 90, 0xFE, "ASCII TEXT");
	block[54 + 3] = 0xFC;
	set_checksum(block);
	check_name("0xFC inside a timing", block, 128, "");
	free(block);

	/* The name in the last descriptor slot (byte 108), and the first name wins. */
	block = make_block("FIRST");
	text_descriptor(block + 90, 0x10, "");
	text_descriptor(block + 108, 0xFC, "LAST SLOT");
	set_checksum(block);
	check_name("name at byte 108", block, 128, "LAST SLOT");
	text_descriptor(block + 72, 0xFC, "FIRST");
	set_checksum(block);
	check_name("two names", block, 128, "FIRST");
	free(block);
}

static void test_bad_input(void)
{
	struct uhd_edid edid;
	uint8_t *block = make_block("DELL U2720Q");
	static const size_t short_sizes[] = {0, 1, 8, 20, 64, 127};
	for (size_t i = 0; i < sizeof(short_sizes) / sizeof(short_sizes[0]); i++) {
		int ret = parse(block, short_sizes[i], &edid);
		CHECK(ret == -EINVAL, "%zu bytes: expected -EINVAL, got %d", short_sizes[i], ret);
		CHECK(edid.monitor_name[0] == '\0', "%zu bytes: name '%s' left", short_sizes[i],
		      edid.monitor_name);
	}
	CHECK(uhd_edid_parse(NULL, 128, &edid) == -EINVAL, "NULL data accepted");

	/* A base block followed by an extension (CTA-861) block: only the base counts. */
	uint8_t two[256];
	memcpy(two, block, 128);
	memset(two + 128, 0x5A, 128);
	check_name("with an extension block", two, sizeof(two), "DELL U2720Q");

	block[127] ^= 0x01;
	int ret = parse(block, 128, &edid);
	CHECK(ret == -EBADMSG, "bad checksum: expected -EBADMSG, got %d", ret);
	CHECK(edid.monitor_name[0] == '\0', "bad checksum: name '%s' reported", edid.monitor_name);
	block[127] ^= 0x01;

	block[3] = 0x00; /* header 00 FF FF 00 ... */
	set_checksum(block);
	ret = parse(block, 128, &edid);
	CHECK(ret == -EINVAL, "wrong header: expected -EINVAL, got %d", ret);
	free(block);

	uint8_t zeros[128] = {0};
	ret = parse(zeros, sizeof(zeros), &edid);
	CHECK(ret == -EINVAL, "all zeros (sums to 0): expected -EINVAL, got %d", ret);

	/* Garbage from a fixed-seed generator (the 8-byte header never comes up). */
	uint32_t state = 12345;
	uint8_t garbage[128];
	for (int round = 0; round < 100; round++) {
		for (size_t i = 0; i < sizeof(garbage); i++) {
			state = state * 1103515245u + 12345u;
			garbage[i] = (uint8_t)(state >> 16);
		}
		ret = parse(garbage, sizeof(garbage), &edid);
		CHECK(ret == -EINVAL, "garbage round %d: expected -EINVAL, got %d", round, ret);
	}
	/* Garbage behind a valid header and checksum: parsed, name printable. */
	for (int round = 0; round < 100; round++) {
		for (size_t i = 8; i < sizeof(garbage); i++) {
			state = state * 1103515245u + 12345u;
			garbage[i] = (uint8_t)(state >> 16);
		}
		memcpy(garbage, edid_header, sizeof(edid_header));
		set_checksum(garbage);
		ret = parse(garbage, sizeof(garbage), &edid);
		bool printable = strlen(edid.monitor_name) <= 13;
		for (const char *c = edid.monitor_name; *c; c++) {
			printable = printable && *c >= 0x20 && *c < 0x7f;
		}
		CHECK(ret == 0 && printable, "garbage with header, round %d: ret %d, name '%s'",
		      round, ret, edid.monitor_name);
	}
	CHECK(strcmp(uhd_edid_error_name(-EBADMSG), "bad checksum") == 0, "error name '%s'",
	      uhd_edid_error_name(-EBADMSG));
}

int main(void)
{
	test_valid();
	test_names();
	test_bad_input();
	return test_finish("test_kms_edid");
}
