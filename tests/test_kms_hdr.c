/* SPDX-License-Identifier: MIT */
/*
 * HDR_OUTPUT_METADATA blobs and the --hdr / --hdr-metadata texts.
 *
 * Expected codes are worked out by hand from the CTA-861-G units (0.00002 per
 * chromaticity step, 1 cd/m2 for the maximum luminance, 0.0001 cd/m2 for the
 * minimum, 1 cd/m2 for MaxCLL/MaxFALL), e.g. BT.2020 red x 0.708 / 0.00002 =
 * 35400. The blob layout is the kernel's struct hdr_output_metadata: a __u32
 * metadata_type, then the 26-byte InfoFrame (eotf, metadata_type, 3 x/y
 * primaries, x/y white, max, min, MaxCLL, MaxFALL as little-endian __u16 on
 * the machines this runs on), padded to 32 bytes.
 */
#include <errno.h>
#include <string.h>

#include "harness.h"
#include "present/kms/hdr.h"

static char last_error[2048];

static void capture_log(void *opaque, enum uhd_log_level level, const char *message)
{
	(void)opaque;
	if (level == UHD_LOG_ERROR) {
		snprintf(last_error, sizeof(last_error), "%s", message);
	}
}

/* The P3-D65 mastered HDR10 stream of tests/test_av_colour.c. */
static struct uhd_colour hdr10_p3(void)
{
	struct uhd_colour c = {.primaries = 9, .transfer = UHD_TRANSFER_PQ, .matrix = 9};
	c.has_mastering = true;
	c.mastering = (struct uhd_mastering_display){
	        .primaries = {{0.680, 0.320}, {0.265, 0.690}, {0.150, 0.060}},
	        .white_point = {0.3127, 0.3290},
	        .max_luminance = 1000,
	        .min_luminance = 0.005,
	};
	c.has_content_light = true;
	c.content_light = (struct uhd_content_light){1000, 400};
	return c;
}

static bool little_endian(void)
{
	const uint16_t probe = 1;
	return *(const uint8_t *)&probe == 1;
}

static void check_bytes(const struct hdr_output_metadata *m, const uint8_t expected[32],
                        const char *what)
{
	CHECK(sizeof(*m) == 32, "%s: struct hdr_output_metadata is %zu bytes, expected 32", what,
	      sizeof(*m));
	if (!little_endian() || sizeof(*m) != 32) {
		printf("%s: byte comparison skipped (big-endian or another layout)\n", what);
		return;
	}
	const uint8_t *got = (const uint8_t *)m;
	for (int i = 0; i < 32; i++) {
		CHECK(got[i] == expected[i], "%s: byte %d expected 0x%02x, got 0x%02x", what, i,
		      expected[i], got[i]);
	}
}

static void test_hdr10_blob(void)
{
	struct uhd_colour c = hdr10_p3();
	struct uhd_hdr_signal s;
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, NULL, &s) == 0, "HDR10 signal");
	CHECK(s.send && !s.defaults_used && s.note[0] == '\0',
	      "HDR10: send %d defaults %d note '%s'", s.send, s.defaults_used, s.note);
	/* R 0.680/0.320 -> 34000/16000 = 0x84d0/0x3e80; G 0.265/0.690 -> 13250/34500 =
	 * 0x33c2/0x86c4; B 0.150/0.060 -> 7500/3000 = 0x1d4c/0x0bb8; white 0.3127/0.3290 ->
	 * 15635/16450 = 0x3d13/0x4042; max 1000 = 0x03e8; min 0.005 / 0.0001 = 50 = 0x0032;
	 * MaxCLL 1000 = 0x03e8; MaxFALL 400 = 0x0190. */
	static const uint8_t expected[32] = {
	        0x00, 0x00, 0x00, 0x00, /* metadata_type 0: Static Metadata Type 1 */
	        0x02, 0x00,             /* EOTF 2: SMPTE ST 2084; descriptor type 1 (0) */
	        0xd0, 0x84, 0x80, 0x3e, /* red */
	        0xc2, 0x33, 0xc4, 0x86, /* green */
	        0x4c, 0x1d, 0xb8, 0x0b, /* blue */
	        0x13, 0x3d, 0x42, 0x40, /* white */
	        0xe8, 0x03, 0x32, 0x00, /* max, min mastering luminance */
	        0xe8, 0x03, 0x90, 0x01, /* MaxCLL, MaxFALL */
	        0x00, 0x00,             /* padding to the __u32 alignment */
	};
	check_bytes(&s.metadata, expected, "HDR10 P3 blob");
}

static void check_bt2020_defaults(const struct hdr_metadata_infoframe *f, const char *what)
{
	/* 0.708/0.292, 0.170/0.797, 0.131/0.046 in 0.00002 steps. */
	CHECK(f->display_primaries[0].x == 35400 && f->display_primaries[0].y == 14600 &&
	              f->display_primaries[1].x == 8500 && f->display_primaries[1].y == 39850 &&
	              f->display_primaries[2].x == 6550 && f->display_primaries[2].y == 2300,
	      "%s: BT.2020 primaries expected, got %u/%u %u/%u %u/%u", what,
	      f->display_primaries[0].x, f->display_primaries[0].y, f->display_primaries[1].x,
	      f->display_primaries[1].y, f->display_primaries[2].x, f->display_primaries[2].y);
}

static void check_d65(const struct hdr_metadata_infoframe *f, const char *what)
{
	CHECK(f->white_point.x == 15635 && f->white_point.y == 16450,
	      "%s: D65 white 15635/16450 expected, got %u/%u", what, f->white_point.x,
	      f->white_point.y);
}

static void check_luminance(const struct hdr_metadata_infoframe *f, unsigned max, unsigned min,
                            const char *what)
{
	CHECK(f->max_display_mastering_luminance == max &&
	              f->min_display_mastering_luminance == min,
	      "%s: luminance %u/%u expected, got %u/%u", what, max, min,
	      f->max_display_mastering_luminance, f->min_display_mastering_luminance);
}

static void check_light(const struct hdr_metadata_infoframe *f, unsigned cll, unsigned fall,
                        const char *what)
{
	CHECK(f->max_cll == cll && f->max_fall == fall,
	      "%s: MaxCLL/MaxFALL %u/%u expected, got %u/%u", what, cll, fall, f->max_cll,
	      f->max_fall);
}

static void check_p3(const struct hdr_metadata_infoframe *f, const char *what)
{
	CHECK(f->display_primaries[0].x == 34000 && f->display_primaries[1].y == 34500 &&
	              f->display_primaries[2].x == 7500,
	      "%s: the stream's P3 primaries expected, got red x %u green y %u blue x %u", what,
	      f->display_primaries[0].x, f->display_primaries[1].y, f->display_primaries[2].x);
}

static void test_missing_metadata(void)
{
	struct uhd_colour c = {.primaries = 9, .transfer = UHD_TRANSFER_PQ, .matrix = 9};
	struct uhd_hdr_signal s;
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, NULL, &s) == 0, "PQ without metadata");
	const struct hdr_metadata_infoframe *f = &s.metadata.hdmi_metadata_type1;
	CHECK(s.send && s.defaults_used, "missing metadata: send %d defaults_used %d", s.send,
	      s.defaults_used);
	CHECK(f->eotf == 2, "missing metadata: EOTF %u", f->eotf);
	check_bt2020_defaults(f, "missing metadata");
	check_d65(f, "missing metadata");
	check_luminance(f, 1000, 1, "missing metadata (1000 cd/m2, 0.0001 cd/m2 = 1 step)");
	check_light(f, 0, 0, "missing metadata");
	CHECK(strstr(s.note, "no mastering display metadata") &&
	              strstr(s.note, "no content light level"),
	      "missing metadata note: '%s'", s.note);
}

static void test_hlg_form(void)
{
	/* HLG with ST 2086 values in the stream: the HLG form still sends none of them. */
	struct uhd_colour c = hdr10_p3();
	c.transfer = UHD_TRANSFER_HLG;
	struct uhd_hdr_signal s;
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, NULL, &s) == 0, "HLG signal");
	CHECK(s.send && !s.defaults_used && s.note[0] == '\0', "HLG: send %d defaults %d note '%s'",
	      s.send, s.defaults_used, s.note);
	static const uint8_t expected[32] = {0x00, 0x00, 0x00, 0x00, 0x03}; /* EOTF 3, rest 0 */
	check_bytes(&s.metadata, expected, "HLG form");

	/* Forced HLG on a PQ stream gives the same form. */
	c.transfer = UHD_TRANSFER_PQ;
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_HLG, NULL, &s) == 0, "forced HLG");
	check_bytes(&s.metadata, expected, "forced HLG form");
}

static void test_not_sent(void)
{
	struct uhd_colour sdr = {.primaries = 1, .transfer = UHD_TRANSFER_BT709, .matrix = 1};
	struct uhd_hdr_signal s;
	static const uint8_t zero[32];
	CHECK(uhd_hdr_signal_for(&sdr, UHD_HDR_AUTO, NULL, &s) == 0 && !s.send, "AUTO on SDR");
	CHECK(!s.defaults_used && s.note[0] == '\0', "AUTO on SDR: note '%s'", s.note);
	check_bytes(&s.metadata, zero, "AUTO on SDR: empty metadata");

	struct uhd_colour pq = hdr10_p3();
	CHECK(uhd_hdr_signal_for(&pq, UHD_HDR_OFF, NULL, &s) == 0 && !s.send, "OFF on PQ");

	CHECK(uhd_hdr_signal_for(&sdr, UHD_HDR_AUTO, "max=4000", &s) == 0 && !s.send,
	      "AUTO on SDR with an override");
	CHECK(strstr(s.note, "ignored") && strstr(s.note, "bt709"), "ignored override note: '%s'",
	      s.note);
	CHECK(uhd_hdr_signal_for(&sdr, UHD_HDR_AUTO, "max=40000", &s) == -EINVAL,
	      "a bad override is refused even when not sent");

	/* Forced PQ on an SDR stream (the converter outputs PQ): defaults. */
	CHECK(uhd_hdr_signal_for(&sdr, UHD_HDR_PQ, NULL, &s) == 0 && s.send && s.defaults_used,
	      "forced PQ on SDR");
	CHECK(s.metadata.hdmi_metadata_type1.eotf == 2, "forced PQ: EOTF %u",
	      s.metadata.hdmi_metadata_type1.eotf);
}

/* One malformed group: replaced by its default, noted; the other groups kept. */
static void test_malformed_primaries(void)
{
	struct uhd_hdr_signal s;
	const struct hdr_metadata_infoframe *f = &s.metadata.hdmi_metadata_type1;

	/* G,B,R (HEVC's order) left in the R,G,B slots. */
	struct uhd_colour c = hdr10_p3();
	const double gbr[3][2] = {{0.265, 0.690}, {0.150, 0.060}, {0.680, 0.320}};
	memcpy(c.mastering.primaries, gbr, sizeof(gbr));
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, NULL, &s) == 0 && s.send, "GBR primaries");
	CHECK(s.defaults_used && strstr(s.note, "R,G,B order") && strstr(s.note, "red x"),
	      "GBR note: '%s'", s.note);
	check_bt2020_defaults(f, "GBR primaries");
	check_d65(f, "GBR primaries, white kept");
	check_luminance(f, 1000, 50, "GBR primaries, luminance kept");
	check_light(f, 1000, 400, "GBR primaries, light kept");

	/* Red first, then blue and green swapped: green y is not the largest. */
	c = hdr10_p3();
	const double rbg[3][2] = {{0.680, 0.320}, {0.150, 0.060}, {0.265, 0.690}};
	memcpy(c.mastering.primaries, rbg, sizeof(rbg));
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, NULL, &s) == 0, "R,B,G primaries");
	CHECK(s.defaults_used && strstr(s.note, "green y"), "R,B,G note: '%s'", s.note);
	check_bt2020_defaults(f, "R,B,G primaries");

	/* A coordinate outside (0,1). */
	c = hdr10_p3();
	c.mastering.primaries[0][0] = 1.2;
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, NULL, &s) == 0, "red x 1.2");
	CHECK(s.defaults_used && strstr(s.note, "(0,1)"), "red x 1.2 note: '%s'", s.note);
	check_bt2020_defaults(f, "red x 1.2");
}

static void test_malformed_white_and_luminance(void)
{
	struct uhd_hdr_signal s;
	const struct hdr_metadata_infoframe *f = &s.metadata.hdmi_metadata_type1;

	struct uhd_colour c = hdr10_p3();
	c.mastering.white_point[0] = 0;
	c.mastering.white_point[1] = 0;
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, NULL, &s) == 0, "white 0/0");
	CHECK(s.defaults_used && strstr(s.note, "white point"), "white note: '%s'", s.note);
	check_d65(f, "white 0/0");
	check_p3(f, "white 0/0, primaries kept");

	c = hdr10_p3();
	c.mastering.max_luminance = 5;
	c.mastering.min_luminance = 5;
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, NULL, &s) == 0, "max == min");
	CHECK(s.defaults_used && strstr(s.note, "not above min"), "max == min note: '%s'", s.note);
	check_luminance(f, 1000, 1, "max == min");
	check_p3(f, "max == min, primaries kept");

	c = hdr10_p3();
	c.mastering.max_luminance = 12000;
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, NULL, &s) == 0, "max 12000");
	CHECK(s.defaults_used && strstr(s.note, "12000"), "max 12000 note: '%s'", s.note);
	check_luminance(f, 1000, 1, "max 12000");
	check_light(f, 1000, 400, "max 12000, light kept");
}

static void test_malformed_light(void)
{
	struct uhd_hdr_signal s;
	const struct hdr_metadata_infoframe *f = &s.metadata.hdmi_metadata_type1;

	struct uhd_colour c = hdr10_p3();
	c.content_light = (struct uhd_content_light){300, 400};
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, NULL, &s) == 0, "MaxFALL > MaxCLL");
	CHECK(s.defaults_used && strstr(s.note, "MaxFALL 400 is above MaxCLL 300"),
	      "MaxFALL note: '%s'", s.note);
	check_light(f, 0, 0, "MaxFALL > MaxCLL");
	check_luminance(f, 1000, 50, "MaxFALL > MaxCLL, luminance kept");

	c.content_light = (struct uhd_content_light){20000, 400};
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, NULL, &s) == 0, "MaxCLL 20000");
	CHECK(s.defaults_used, "MaxCLL 20000: defaults_used");
	check_light(f, 0, 0, "MaxCLL 20000");

	/* MaxCLL 0 is "unknown": a MaxFALL beside it is no contradiction. */
	c.content_light = (struct uhd_content_light){0, 400};
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, NULL, &s) == 0 && !s.defaults_used,
	      "MaxCLL unknown: note '%s'", s.note);
	check_light(f, 0, 400, "MaxCLL unknown");
}

static void test_parse_good(void)
{
	struct uhd_hdr_override o;
	CHECK(uhd_hdr_metadata_parse(
	              "primaries=p3,white=d65,max=1000,min=0.005,maxcll=1000,maxfall=400", &o) == 0,
	      "full override");
	CHECK(o.fields == 0x3f, "full override fields 0x%x", o.fields);
	CHECK_NEAR(o.mastering.primaries[1][0], 0.265, 0, "p3 green x");
	CHECK_NEAR(o.mastering.white_point[1], 0.3290, 0, "d65 y");
	CHECK_NEAR(o.mastering.max_luminance, 1000, 0, "max");
	CHECK_NEAR(o.mastering.min_luminance, 0.005, 0, "min");
	CHECK(o.content_light.max_cll == 1000 && o.content_light.max_fall == 400, "cll %u fall %u",
	      o.content_light.max_cll, o.content_light.max_fall);

	CHECK(uhd_hdr_metadata_parse("primaries=0.708/0.292/0.170/0.797/0.131/0.046", &o) == 0 &&
	              o.fields == UHD_HDR_SET_PRIMARIES,
	      "numeric primaries, fields 0x%x", o.fields);
	CHECK_NEAR(o.mastering.primaries[2][1], 0.046, 0, "blue y");
	CHECK(uhd_hdr_metadata_parse("white=0.314/0.351", &o) == 0 && o.fields == UHD_HDR_SET_WHITE,
	      "DCI white");
	CHECK(uhd_hdr_metadata_parse("min=.05", &o) == 0 && o.mastering.min_luminance == 0.05,
	      "min=.05");
	CHECK(uhd_hdr_metadata_parse("maxcll=0,primaries=bt709", &o) == 0 &&
	              o.fields == (UHD_HDR_SET_MAX_CLL | UHD_HDR_SET_PRIMARIES),
	      "maxcll=0 and bt709");
	CHECK(uhd_hdr_metadata_parse("max=10000,min=6.5535", &o) == 0, "limits");
}

static void check_refused(const char *text, const char *in_message)
{
	struct uhd_hdr_override o;
	memset(&o, 0x5a, sizeof(o));
	last_error[0] = '\0';
	int ret = uhd_hdr_metadata_parse(text, &o);
	CHECK(ret == -EINVAL, "'%s' expected -EINVAL, got %d", text ? text : "(NULL)", ret);
	CHECK(o.fields == 0, "'%s' leaves fields 0x%x", text ? text : "(NULL)", o.fields);
	CHECK(strstr(last_error, in_message), "'%s': message '%s' should mention '%s'",
	      text ? text : "(NULL)", last_error, in_message);
}

static void test_parse_bad(void)
{
	check_refused(NULL, "KEY=VALUE");
	check_refused("", "KEY=VALUE");
	check_refused("max", "not KEY=VALUE");
	check_refused("=5", "not KEY=VALUE");
	check_refused("max=", "not KEY=VALUE");
	check_refused("max=1000,", "not KEY=VALUE");
	check_refused("max=1000,,min=1", "not KEY=VALUE");
	check_refused("foo=1", "unknown key");
	check_refused("max =1000", "unknown key");
	check_refused("max=1000,max=2000", "twice");
	check_refused("max=-5", "1 to 10000");
	check_refused("max=1e3", "1 to 10000");
	check_refused("max=nan", "1 to 10000");
	check_refused("max=0.5", "1 to 10000");
	check_refused("max=10001", "1 to 10000");
	check_refused("max=1.2.3", "1 to 10000");
	check_refused("min=7", "0 to 6.5535");
	check_refused("min=5,max=4", "not below");
	check_refused("maxcll=300,maxfall=400", "above maxcll");
	check_refused("maxcll=1.5", "whole cd/m2");
	check_refused("maxfall=10001", "whole cd/m2");
	check_refused("primaries=bt2021", "Rx/Ry/Gx/Gy/Bx/By");
	check_refused("primaries=0.7/0.3/0.2", "Rx/Ry/Gx/Gy/Bx/By");
	check_refused("primaries=0.708/0.292/0.170/0.797/0.131/0.046/0.1", "Rx/Ry/Gx/Gy/Bx/By");
	check_refused("primaries=0.170/0.797/0.131/0.046/0.708/0.292", "R,G,B order");
	check_refused("white=0.3127", "d65 or x/y");
	check_refused("white=0.6/0.5", "d65 or x/y");
	char long_text[600];
	memset(long_text, '1', sizeof(long_text) - 1);
	memcpy(long_text, "max=", 4);
	long_text[sizeof(long_text) - 1] = '\0';
	check_refused(long_text, "characters");
}

static void test_override_applied(void)
{
	struct uhd_hdr_signal s;
	const struct hdr_metadata_infoframe *f = &s.metadata.hdmi_metadata_type1;

	struct uhd_colour c = hdr10_p3();
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, "max=4000,maxcll=4000", &s) == 0, "override");
	CHECK(!s.defaults_used && s.note[0] == '\0', "override: note '%s'", s.note);
	check_luminance(f, 4000, 50, "override max, stream min");
	check_light(f, 4000, 400, "override MaxCLL, stream MaxFALL");
	check_p3(f, "override, stream primaries");

	/* Contradicting a kept stream value is refused. */
	c.mastering.min_luminance = 5;
	last_error[0] = '\0';
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, "max=4", &s) == -EINVAL && !s.send,
	      "max=4 over the stream's min 5");
	CHECK(strstr(last_error, "min="), "message '%s'", last_error);
	c = hdr10_p3();
	c.content_light = (struct uhd_content_light){300, 200};
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, "maxfall=400", &s) == -EINVAL,
	      "maxfall=400 over the stream's MaxCLL 300");

	/* A whole group given by the override: the stream's missing one is not noted. */
	struct uhd_colour bare = {.primaries = 9, .transfer = UHD_TRANSFER_PQ, .matrix = 9};
	CHECK(uhd_hdr_signal_for(&bare, UHD_HDR_AUTO, "primaries=p3,white=d65,max=1000,min=0.005",
	                         &s) == 0,
	      "override of the whole mastering group");
	CHECK(!strstr(s.note, "mastering") && strstr(s.note, "content light"),
	      "whole mastering override note: '%s'", s.note);
	check_p3(f, "whole mastering override");
	check_luminance(f, 1000, 50, "whole mastering override");

	/* Only part of a missing group: the note names the defaults still sent. */
	CHECK(uhd_hdr_signal_for(&bare, UHD_HDR_AUTO, "primaries=p3", &s) == 0, "partial override");
	CHECK(strstr(s.note, "D65 white") && !strstr(s.note, "BT.2020"), "partial note: '%s'",
	      s.note);

	/* HLG: the given value in the otherwise zero form. */
	c = hdr10_p3();
	c.transfer = UHD_TRANSFER_HLG;
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, "maxcll=1000", &s) == 0 && s.send,
	      "HLG override");
	CHECK(f->eotf == 3 && f->max_cll == 1000 && f->max_fall == 0 &&
	              f->max_display_mastering_luminance == 0 && f->display_primaries[0].x == 0,
	      "HLG override: EOTF %u MaxCLL %u MaxFALL %u max %u red x %u", f->eotf, f->max_cll,
	      f->max_fall, f->max_display_mastering_luminance, f->display_primaries[0].x);
}

static void test_modes(void)
{
	enum uhd_hdr_mode mode = UHD_HDR_OFF;
	CHECK(uhd_hdr_mode_parse("auto", &mode) == 0 && mode == UHD_HDR_AUTO, "auto");
	CHECK(uhd_hdr_mode_parse("off", &mode) == 0 && mode == UHD_HDR_OFF, "off");
	CHECK(uhd_hdr_mode_parse("pq", &mode) == 0 && mode == UHD_HDR_PQ, "pq");
	CHECK(uhd_hdr_mode_parse("hlg", &mode) == 0 && mode == UHD_HDR_HLG, "hlg");
	CHECK(uhd_hdr_mode_parse("PQ", &mode) == -EINVAL && mode == UHD_HDR_HLG, "PQ refused");
	CHECK(uhd_hdr_mode_parse("", &mode) == -EINVAL, "empty refused");
	CHECK(uhd_hdr_mode_parse(NULL, &mode) == -EINVAL, "NULL refused");
	CHECK(strstr(last_error, "auto, off, pq or hlg"), "mode message '%s'", last_error);
	CHECK(strcmp(uhd_hdr_mode_name(UHD_HDR_PQ), "pq") == 0, "name of PQ");
	CHECK(strcmp(uhd_hdr_mode_name((enum uhd_hdr_mode)9), "unknown") == 0, "name of 9");

	struct uhd_colour c = hdr10_p3();
	struct uhd_hdr_signal s;
	CHECK(uhd_hdr_signal_for(&c, (enum uhd_hdr_mode)9, NULL, &s) == -EINVAL, "mode 9");
	CHECK(uhd_hdr_signal_for(NULL, UHD_HDR_AUTO, NULL, &s) == -EINVAL, "NULL colour");
	CHECK(uhd_hdr_signal_for(&c, UHD_HDR_AUTO, NULL, NULL) == -EINVAL, "NULL output");
}

int main(void)
{
	uhd_log_set_callback(capture_log, NULL, UHD_LOG_ERROR);
	test_hdr10_blob();
	test_missing_metadata();
	test_hlg_form();
	test_not_sent();
	test_malformed_primaries();
	test_malformed_white_and_luminance();
	test_malformed_light();
	test_parse_good();
	test_parse_bad();
	test_override_applied();
	test_modes();
	return test_finish("test_kms_hdr");
}
