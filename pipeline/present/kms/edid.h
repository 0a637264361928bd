/* SPDX-License-Identifier: MIT */
/*
 * The base block of an EDID (VESA E-EDID 1.4): who made the monitor and the
 * name it gives itself. A monitor's EDID reaches us through the kernel's EDID
 * blob property unchanged, so it is parsed as untrusted bytes.
 */
#ifndef UHD_INTERNAL_KMS_EDID_H
#define UHD_INTERNAL_KMS_EDID_H

#include <stddef.h>
#include <stdint.h>

#define UHD_EDID_BLOCK_SIZE 128

struct uhd_edid {
	char manufacturer[4]; /* three-letter PNP id, e.g. "DEL" */
	uint16_t product;     /* manufacturer's product code */
	uint8_t version;      /* EDID structure version and revision, e.g. 1 and 4 */
	uint8_t revision;
	char monitor_name[14]; /* display descriptor 0xFC, trimmed; "" when absent */
};

/* Parses the base block at data (size bytes; extension blocks after it are
 * ignored). 0, or -EINVAL when there are fewer than 128 bytes or the fixed
 * header is wrong (not an EDID), -EBADMSG when the checksum is wrong; *edid is
 * cleared on error. Characters outside printable ASCII become '?'. */
int uhd_edid_parse(const uint8_t *data, size_t size, struct uhd_edid *edid);

/* Why uhd_edid_parse failed, for reports: "not an EDID", "bad checksum". */
const char *uhd_edid_error_name(int error);

#endif
