/* SPDX-License-Identifier: MIT */
/*
 * HDR_OUTPUT_METADATA from a stream's colour: stream values are checked per
 * group and replaced by defaults when missing or malformed (a sink given a
 * nonsense mastering volume tone-maps to nonsense), then --hdr-metadata values
 * override them, then the whole is coded in CTA-861-G units.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colour/hdr_metadata.h"
#include "common/log.h"
#include "hdr.h"

#define CHROMATICITY_STEPS  50000.0 /* 0.00002 per step */
#define MIN_LUMINANCE_STEPS 10000.0 /* 0.0001 cd/m2 per step */
#define MIN_LUMINANCE_LIMIT UHD_HDR_MIN_LUMINANCE_LIMIT
#define PQ_PEAK             UHD_HDR_PQ_PEAK
#define OVERRIDE_TEXT_MAX   512
#define WHY_SIZE            128

static const double p3_primaries[3][2] = {{0.680, 0.320}, {0.265, 0.690}, {0.150, 0.060}};
static const double bt709_primaries[3][2] = {{0.640, 0.330}, {0.300, 0.600}, {0.150, 0.060}};

static const char *const mode_names[] = {"auto", "off", "pq", "hlg"};

int uhd_hdr_mode_parse(const char *text, enum uhd_hdr_mode *mode)
{
	for (size_t i = 0; text && mode && i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (strcmp(text, mode_names[i]) == 0) {
			*mode = (enum uhd_hdr_mode)i;
			return 0;
		}
	}
	uhd_error("--hdr %s: unknown HDR mode; use auto, off, pq or hlg", text ? text : "(none)");
	return -EINVAL;
}

const char *uhd_hdr_mode_name(enum uhd_hdr_mode mode)
{
	if ((unsigned)mode < sizeof(mode_names) / sizeof(mode_names[0])) {
		return mode_names[mode];
	}
	return "unknown";
}

/* ---- --hdr-metadata ---- */

static int refuse(const char *key, const char *value, const char *what)
{
	uhd_error("--hdr-metadata %s=%s: %s", key, value, what);
	return -EINVAL;
}

/* Plain decimals only: strtod would also take signs, exponents, hex, "nan" and "inf". */
static bool parse_decimal(const char *text, double *out)
{
	size_t digits = strspn(text, "0123456789");
	size_t len = digits;
	if (text[len] == '.') {
		size_t fraction = strspn(text + len + 1, "0123456789");
		digits += fraction;
		len += 1 + fraction;
	}
	if (!digits || text[len] != '\0' || len > 32) {
		return false;
	}
	*out = strtod(text, NULL);
	return true;
}

/* Exactly `count` decimals separated by '/'. */
static bool parse_list(const char *text, double *values, int count)
{
	char copy[OVERRIDE_TEXT_MAX];
	snprintf(copy, sizeof(copy), "%s", text);
	char *part = copy;
	for (int i = 0; i < count; i++) {
		char *slash = strchr(part, '/');
		if ((slash != NULL) != (i < count - 1)) {
			return false;
		}
		if (slash) {
			*slash = '\0';
		}
		if (!parse_decimal(part, &values[i])) {
			return false;
		}
		part = slash ? slash + 1 : part;
	}
	return true;
}

static int parse_primaries(const char *key, const char *value, struct uhd_hdr_override *out)
{
	static const struct {
		const char *name;
		const double (*primaries)[2];
	} named[] = {{"bt2020", uhd_hdr_bt2020_primaries},
	             {"p3", p3_primaries},
	             {"bt709", bt709_primaries}};
	double *p = &out->mastering.primaries[0][0];
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (strcmp(value, named[i].name) == 0) {
			memcpy(p, named[i].primaries, sizeof(out->mastering.primaries));
			return 0;
		}
	}
	if (!parse_list(value, p, 6)) {
		return refuse(key, value, "give bt2020, p3, bt709 or Rx/Ry/Gx/Gy/Bx/By");
	}
	char why[WHY_SIZE], what[WHY_SIZE + 64];
	if (!uhd_hdr_primaries_ok(&out->mastering, why, sizeof(why))) {
		snprintf(what, sizeof(what), "the primaries %s; give Rx/Ry/Gx/Gy/Bx/By", why);
		return refuse(key, value, what);
	}
	return 0;
}

static int parse_white(const char *key, const char *value, struct uhd_hdr_override *out)
{
	double *w = out->mastering.white_point;
	if (strcmp(value, "d65") == 0) {
		memcpy(w, uhd_hdr_d65_white, sizeof(uhd_hdr_d65_white));
		return 0;
	}
	char why[WHY_SIZE];
	if (!parse_list(value, w, 2) || !uhd_hdr_white_ok(w, why, sizeof(why))) {
		return refuse(key, value, "give d65 or x/y, each in (0,1) with x + y <= 1");
	}
	return 0;
}

static int parse_max(const char *key, const char *value, struct uhd_hdr_override *out)
{
	double *max = &out->mastering.max_luminance;
	if (!parse_decimal(value, max) || *max < 1 || *max > PQ_PEAK) {
		return refuse(key, value, "give the peak in cd/m2, 1 to 10000");
	}
	return 0;
}

static int parse_min(const char *key, const char *value, struct uhd_hdr_override *out)
{
	double *min = &out->mastering.min_luminance;
	if (!parse_decimal(value, min) || *min > MIN_LUMINANCE_LIMIT) {
		return refuse(key, value, "give the black level in cd/m2, 0 to 6.5535");
	}
	return 0;
}

static bool parse_level(const char *value, unsigned *level)
{
	size_t digits = strspn(value, "0123456789");
	if (!digits || value[digits] != '\0' || digits > 5) {
		return false;
	}
	*level = (unsigned)strtoul(value, NULL, 10);
	return *level <= PQ_PEAK;
}

static int parse_max_cll(const char *key, const char *value, struct uhd_hdr_override *out)
{
	if (!parse_level(value, &out->content_light.max_cll)) {
		return refuse(key, value, "give whole cd/m2, 0 (unknown) to 10000");
	}
	return 0;
}

static int parse_max_fall(const char *key, const char *value, struct uhd_hdr_override *out)
{
	if (!parse_level(value, &out->content_light.max_fall)) {
		return refuse(key, value, "give whole cd/m2, 0 (unknown) to 10000");
	}
	return 0;
}

static const struct {
	const char *key;
	unsigned field;
	int (*parse)(const char *key, const char *value, struct uhd_hdr_override *out);
} override_keys[] = {
        {"primaries", UHD_HDR_SET_PRIMARIES, parse_primaries},
        {"white", UHD_HDR_SET_WHITE, parse_white},
        {"max", UHD_HDR_SET_MAX_LUMINANCE, parse_max},
        {"min", UHD_HDR_SET_MIN_LUMINANCE, parse_min},
        {"maxcll", UHD_HDR_SET_MAX_CLL, parse_max_cll},
        {"maxfall", UHD_HDR_SET_MAX_FALL, parse_max_fall},
};

static int parse_item(char *item, struct uhd_hdr_override *out)
{
	char *eq = strchr(item, '=');
	if (!eq || eq == item || eq[1] == '\0') {
		uhd_error("--hdr-metadata: \"%s\" is not KEY=VALUE; keys are primaries, white, "
		          "max, min, maxcll and maxfall, separated by commas",
		          item);
		return -EINVAL;
	}
	*eq = '\0';
	const char *value = eq + 1;
	for (size_t i = 0; i < sizeof(override_keys) / sizeof(override_keys[0]); i++) {
		if (strcmp(item, override_keys[i].key) != 0) {
			continue;
		}
		if (out->fields & override_keys[i].field) {
			return refuse(item, value, "the key is given twice; give it once");
		}
		out->fields |= override_keys[i].field;
		return override_keys[i].parse(item, value, out);
	}
	return refuse(item, value,
	              "unknown key; use primaries, white, max, min, maxcll or maxfall");
}

static int check_pairs(const struct uhd_hdr_override *o)
{
	const struct uhd_mastering_display *md = &o->mastering;
	if ((o->fields & UHD_HDR_SET_MAX_LUMINANCE) && (o->fields & UHD_HDR_SET_MIN_LUMINANCE) &&
	    !(md->min_luminance < md->max_luminance)) {
		uhd_error("--hdr-metadata: min=%g cd/m2 is not below max=%g; swap or fix them",
		          md->min_luminance, md->max_luminance);
		return -EINVAL;
	}
	const struct uhd_content_light *cll = &o->content_light;
	if ((o->fields & UHD_HDR_SET_MAX_CLL) && (o->fields & UHD_HDR_SET_MAX_FALL) &&
	    cll->max_cll && cll->max_fall > cll->max_cll) {
		uhd_error("--hdr-metadata: maxfall=%u is above maxcll=%u; a frame average cannot "
		          "pass the brightest pixel",
		          cll->max_fall, cll->max_cll);
		return -EINVAL;
	}
	return 0;
}

static int parse_items(char *text, struct uhd_hdr_override *out)
{
	for (char *item = text;;) {
		char *comma = strchr(item, ',');
		if (comma) {
			*comma = '\0';
		}
		int ret = parse_item(item, out);
		if (ret < 0 || !comma) {
			return ret;
		}
		item = comma + 1;
	}
}

int uhd_hdr_metadata_parse(const char *text, struct uhd_hdr_override *out)
{
	if (!out) {
		uhd_error("--hdr-metadata: nowhere to put the values (NULL)");
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	size_t len = text ? strlen(text) : 0;
	if (len == 0 || len >= OVERRIDE_TEXT_MAX) {
		uhd_error("--hdr-metadata: give 1 to %d characters of KEY=VALUE items, e.g. "
		          "primaries=p3,white=d65,max=1000,min=0.005,maxcll=1000,maxfall=400",
		          OVERRIDE_TEXT_MAX - 1);
		return -EINVAL;
	}
	char copy[OVERRIDE_TEXT_MAX];
	memcpy(copy, text, len + 1);
	int ret = parse_items(copy, out);
	if (ret == 0) {
		ret = check_pairs(out);
	}
	if (ret < 0) {
		memset(out, 0, sizeof(*out));
	}
	return ret;
}

/* ---- Stream values, with defaults for missing or malformed groups ---- */

static void add_note(struct uhd_hdr_signal *out, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void add_note(struct uhd_hdr_signal *out, const char *fmt, ...)
{
	size_t used = strlen(out->note), size = sizeof(out->note);
	if (used + 5 >= size) {
		return; /* already full and marked */
	}
	if (used) {
		used += (size_t)snprintf(out->note + used, size - used, "; ");
	}
	va_list args;
	va_start(args, fmt);
	int wanted = vsnprintf(out->note + used, size - used, fmt, args);
	va_end(args);
	if (wanted > 0 && (size_t)wanted >= size - used) {
		memcpy(out->note + size - 4, "...", 4); /* say that something was cut */
	}
}

static void note_missing_mastering(struct uhd_hdr_signal *out, unsigned given)
{
	const char *parts[3];
	int count = 0;
	if (!(given & UHD_HDR_SET_PRIMARIES)) {
		parts[count++] = "BT.2020 primaries";
	}
	if (!(given & UHD_HDR_SET_WHITE)) {
		parts[count++] = "D65 white";
	}
	if ((given & (UHD_HDR_SET_MAX_LUMINANCE | UHD_HDR_SET_MIN_LUMINANCE)) !=
	    (UHD_HDR_SET_MAX_LUMINANCE | UHD_HDR_SET_MIN_LUMINANCE)) {
		parts[count++] = "1000/0.0001 cd/m2";
	}
	add_note(out,
	         "no mastering display metadata (SMPTE ST 2086) in the stream: sent %s%s%s%s%s",
	         parts[0], count > 1 ? ", " : "", count > 1 ? parts[1] : "", count > 2 ? ", " : "",
	         count > 2 ? parts[2] : "");
	out->defaults_used = true;
}

static void stream_mastering(const struct uhd_colour *colour, unsigned given,
                             struct uhd_mastering_display *md, struct uhd_hdr_signal *out)
{
	const unsigned luminance = UHD_HDR_SET_MAX_LUMINANCE | UHD_HDR_SET_MIN_LUMINANCE;
	const unsigned all = UHD_HDR_SET_PRIMARIES | UHD_HDR_SET_WHITE | luminance;
	uhd_hdr_default_mastering(md);
	if ((given & all) == all) {
		return; /* the override gives every value: the stream's do not matter */
	}
	if (!colour->has_mastering) {
		note_missing_mastering(out, given);
		return;
	}
	const struct uhd_mastering_display *in = &colour->mastering;
	char why[WHY_SIZE];
	if (!(given & UHD_HDR_SET_PRIMARIES) && !uhd_hdr_primaries_ok(in, why, sizeof(why))) {
		add_note(out, "stream primaries %s: sent BT.2020", why);
		out->defaults_used = true;
	} else {
		memcpy(md->primaries, in->primaries, sizeof(md->primaries));
	}
	if (!(given & UHD_HDR_SET_WHITE) && !uhd_hdr_white_ok(in->white_point, why, sizeof(why))) {
		add_note(out, "stream white point %s: sent D65", why);
		out->defaults_used = true;
	} else {
		memcpy(md->white_point, in->white_point, sizeof(md->white_point));
	}
	if ((given & luminance) != luminance &&
	    !uhd_hdr_luminance_ok(in->max_luminance, in->min_luminance, why, sizeof(why))) {
		add_note(out, "stream mastering luminance: %s: sent 1000/0.0001 cd/m2", why);
		out->defaults_used = true;
	} else {
		md->max_luminance = in->max_luminance;
		md->min_luminance = in->min_luminance;
	}
}

static void stream_content_light(const struct uhd_colour *colour, unsigned given,
                                 struct uhd_content_light *cll, struct uhd_hdr_signal *out)
{
	const unsigned both = UHD_HDR_SET_MAX_CLL | UHD_HDR_SET_MAX_FALL;
	*cll = (struct uhd_content_light){0, 0};
	if ((given & both) == both) {
		return;
	}
	if (!colour->has_content_light) {
		add_note(out, "no content light level in the stream: sent %s 0 (unknown)",
		         given & UHD_HDR_SET_MAX_CLL    ? "MaxFALL"
		         : given & UHD_HDR_SET_MAX_FALL ? "MaxCLL"
		                                        : "MaxCLL and MaxFALL");
		out->defaults_used = true;
		return;
	}
	char why[WHY_SIZE];
	if (!uhd_hdr_light_ok(&colour->content_light, why, sizeof(why))) {
		add_note(out, "stream content light level: %s: sent 0 (unknown)", why);
		out->defaults_used = true;
		return;
	}
	*cll = colour->content_light;
}

/*
 * Puts the given values over the stream's. Against stream values the pairs
 * must still hold; in the HLG form the others are 0 (unknown) and cannot clash.
 */
static int apply_override(const struct uhd_hdr_override *given, bool check_pairs_with_stream,
                          struct uhd_mastering_display *md, struct uhd_content_light *cll)
{
	const struct uhd_mastering_display *g = &given->mastering;
	unsigned fields = given->fields;
	if (fields & UHD_HDR_SET_PRIMARIES) {
		memcpy(md->primaries, g->primaries, sizeof(md->primaries));
	}
	if (fields & UHD_HDR_SET_WHITE) {
		memcpy(md->white_point, g->white_point, sizeof(md->white_point));
	}
	md->max_luminance =
	        fields & UHD_HDR_SET_MAX_LUMINANCE ? g->max_luminance : md->max_luminance;
	md->min_luminance =
	        fields & UHD_HDR_SET_MIN_LUMINANCE ? g->min_luminance : md->min_luminance;
	cll->max_cll = fields & UHD_HDR_SET_MAX_CLL ? given->content_light.max_cll : cll->max_cll;
	cll->max_fall =
	        fields & UHD_HDR_SET_MAX_FALL ? given->content_light.max_fall : cll->max_fall;
	char why[WHY_SIZE];
	if (check_pairs_with_stream &&
	    (fields & (UHD_HDR_SET_MAX_LUMINANCE | UHD_HDR_SET_MIN_LUMINANCE)) &&
	    !uhd_hdr_luminance_ok(md->max_luminance, md->min_luminance, why, sizeof(why))) {
		uhd_error("--hdr-metadata: with the stream's other value, %s; give both max= "
		          "and min=",
		          why);
		return -EINVAL;
	}
	if (check_pairs_with_stream && (fields & (UHD_HDR_SET_MAX_CLL | UHD_HDR_SET_MAX_FALL)) &&
	    !uhd_hdr_light_ok(cll, why, sizeof(why))) {
		uhd_error("--hdr-metadata: with the stream's other value, %s; give both maxcll= "
		          "and maxfall=",
		          why);
		return -EINVAL;
	}
	return 0;
}

/* ---- The blob ---- */

static uint16_t code(double value, double steps)
{
	return (uint16_t)lround(value * steps);
}

static void fill_blob(struct hdr_output_metadata *m, enum uhd_hdr_eotf eotf,
                      const struct uhd_mastering_display *md, const struct uhd_content_light *cll)
{
	memset(m, 0, sizeof(*m)); /* the padding too: the blob is compared byte by byte */
	m->metadata_type = 0;     /* Static Metadata Type 1 */
	struct hdr_metadata_infoframe *f = &m->hdmi_metadata_type1;
	f->eotf = (uint8_t)eotf;
	f->metadata_type = 0;
	for (int i = 0; i < 3; i++) {
		f->display_primaries[i].x = code(md->primaries[i][0], CHROMATICITY_STEPS);
		f->display_primaries[i].y = code(md->primaries[i][1], CHROMATICITY_STEPS);
	}
	f->white_point.x = code(md->white_point[0], CHROMATICITY_STEPS);
	f->white_point.y = code(md->white_point[1], CHROMATICITY_STEPS);
	f->max_display_mastering_luminance = code(md->max_luminance, 1.0);
	f->min_display_mastering_luminance = code(md->min_luminance, MIN_LUMINANCE_STEPS);
	f->max_cll = (uint16_t)cll->max_cll;
	f->max_fall = (uint16_t)cll->max_fall;
}

/* The EOTF to signal, or -1 for none. */
static int eotf_for(const struct uhd_colour *colour, enum uhd_hdr_mode mode)
{
	switch (mode) {
	case UHD_HDR_PQ: return UHD_EOTF_ST2084;
	case UHD_HDR_HLG: return UHD_EOTF_HLG;
	case UHD_HDR_AUTO:
		if (colour->transfer == UHD_TRANSFER_PQ) {
			return UHD_EOTF_ST2084;
		}
		return colour->transfer == UHD_TRANSFER_HLG ? UHD_EOTF_HLG : -1;
	default: return -1;
	}
}

static int check_signal_args(const struct uhd_colour *colour, enum uhd_hdr_mode mode,
                             const struct uhd_hdr_signal *out)
{
	if (!colour || !out) {
		uhd_error("HDR signalling: the stream colour and the output must be given (NULL)");
		return -EINVAL;
	}
	if ((unsigned)mode > UHD_HDR_HLG) {
		uhd_error("HDR signalling: unknown mode %d; use auto, off, pq or hlg", (int)mode);
		return -EINVAL;
	}
	return 0;
}

int uhd_hdr_signal_for(const struct uhd_colour *colour, enum uhd_hdr_mode mode,
                       const char *override, struct uhd_hdr_signal *out)
{
	int ret = check_signal_args(colour, mode, out);
	if (ret < 0) {
		return ret;
	}
	memset(out, 0, sizeof(*out));
	struct uhd_hdr_override given = {0};
	if (override && (ret = uhd_hdr_metadata_parse(override, &given)) < 0) {
		return ret;
	}
	int eotf = eotf_for(colour, mode);
	if (eotf < 0) {
		if (override && mode == UHD_HDR_OFF) {
			add_note(out, "--hdr-metadata ignored: --hdr off");
		} else if (override) {
			add_note(out,
			         "--hdr-metadata ignored: the stream's transfer is %s, not PQ or "
			         "HLG (--hdr pq or hlg forces HDR)",
			         uhd_transfer_name(colour->transfer));
		}
		return 0;
	}
	struct uhd_mastering_display md = {0};
	struct uhd_content_light cll = {0};
	if (eotf == UHD_EOTF_ST2084) {
		stream_mastering(colour, given.fields, &md, out);
		stream_content_light(colour, given.fields, &cll, out);
	}
	ret = apply_override(&given, eotf == UHD_EOTF_ST2084, &md, &cll);
	if (ret < 0) {
		memset(out, 0, sizeof(*out));
		return ret;
	}
	out->send = true;
	fill_blob(&out->metadata, (enum uhd_hdr_eotf)eotf, &md, &cll);
	return 0;
}
