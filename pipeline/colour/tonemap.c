/* SPDX-License-Identifier: MIT */
/* The --target plan (tonemap.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/json.h"
#include "hdr_metadata.h"
#include "primaries.h"
#include "tonemap.h"

#define DEFAULT_PQ_PEAK  1000.0 /* cd/m2: a common HDR display */
#define DEFAULT_SDR_PEAK 100.0  /* cd/m2: BT.2035's SDR reference display */
/* BT.2408's reference display for HLG <-> PQ: 1000 cd/m2, system gamma 1.2. */
#define HLG_REFERENCE_PEAK 1000.0
/* BT.2100's system gamma formula holds for displays of 400 to 2000 cd/m2. */
#define HLG_PEAK_MIN 400.0
#define HLG_PEAK_MAX 2000.0

const char *uhd_target_name(enum uhd_target_transfer transfer)
{
	switch (transfer) {
	case UHD_TARGET_PQ: return "pq";
	case UHD_TARGET_SDR: return "sdr";
	case UHD_TARGET_HLG: return "hlg";
	default: return "source";
	}
}

int uhd_target_parse(const char *text, struct uhd_target *target)
{
	static const struct {
		const char *name;
		enum uhd_target_transfer transfer;
	} names[] = {{"source", UHD_TARGET_SOURCE},
	             {"pq", UHD_TARGET_PQ},
	             {"sdr", UHD_TARGET_SDR},
	             {"hlg", UHD_TARGET_HLG}};
	const char *colon = text ? strchr(text, ':') : NULL;
	size_t length = text ? (colon ? (size_t)(colon - text) : strlen(text)) : 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (length != strlen(names[i].name) || strncmp(text, names[i].name, length) != 0) {
			continue;
		}
		double peak = 0.0;
		if (colon) {
			char *end;
			peak = strtod(colon + 1, &end);
			if (end == colon + 1 || *end || !(peak >= 1.0 && peak <= UHD_HDR_PQ_PEAK) ||
			    names[i].transfer == UHD_TARGET_SOURCE) {
				return -EINVAL;
			}
		}
		target->transfer = names[i].transfer;
		target->peak = peak;
		return 0;
	}
	return -EINVAL;
}

/* The source's luminance range: the mastering display's (or MaxCLL as the
 * peak when asked and known), else BT.2390's usual assumption of a
 * 1000 cd/m2 grade. */
static void source_range(const struct uhd_colour *source, const struct uhd_target *target,
                         struct uhd_tonemap_plan *plan)
{
	if (plan->source_hlg) {
		plan->source_black = 0.0;
		plan->source_peak = HLG_REFERENCE_PEAK;
		plan->source_peak_from = "HLG reference display (BT.2408)";
		return;
	}
	plan->source_black = 0.0;
	plan->source_peak = UHD_HDR_DEFAULT_MAX_LUMINANCE;
	plan->source_peak_from = "default";
	char why[160];
	if (source->has_mastering &&
	    uhd_hdr_luminance_ok(source->mastering.max_luminance, source->mastering.min_luminance,
	                         why, sizeof(why))) {
		plan->source_black = source->mastering.min_luminance;
		plan->source_peak = source->mastering.max_luminance;
		plan->source_peak_from = "mastering display";
	}
	if (target->source == UHD_TONEMAP_SOURCE_MAXCLL && source->has_content_light &&
	    source->content_light.max_cll > plan->source_black) {
		plan->source_peak = source->content_light.max_cll;
		plan->source_peak_from = "MaxCLL";
	}
	if (strcmp(plan->source_peak_from, "default") == 0) {
		snprintf(plan->note, sizeof(plan->note),
		         "the stream has no usable mastering display luminance: tone mapping from "
		         "the default range 0 to %.0f cd/m2",
		         plan->source_peak);
	}
}

/* BT.2390's EETF constants on the normalised PQ scale of the source range. */
static void eetf_constants(struct uhd_tonemap_plan *plan)
{
	plan->pq_black = uhd_pq_inverse_eotf(plan->source_black);
	plan->pq_range = uhd_pq_inverse_eotf(plan->source_peak) - plan->pq_black;
	plan->min_lum = (uhd_pq_inverse_eotf(plan->target_black) - plan->pq_black) / plan->pq_range;
	plan->max_lum = (uhd_pq_inverse_eotf(plan->target_peak) - plan->pq_black) / plan->pq_range;
	plan->knee_start = 1.5 * plan->max_lum - 0.5;
}

void uhd_tonemap_output_colour(const struct uhd_tonemap_plan *plan, struct uhd_colour *colour)
{
	if (plan->mode == UHD_TONEMAP_NONE) {
		return;
	}
	colour->has_content_light = false; /* the graded light levels no longer hold */
	if (plan->mode == UHD_TONEMAP_PQ_TO_PQ) {
		if (!colour->has_mastering) {
			uhd_hdr_default_mastering(&colour->mastering);
		}
		colour->has_mastering = true;
		colour->mastering.max_luminance = fmin(plan->source_peak, plan->target_peak);
		colour->mastering.min_luminance =
		        fmax(plan->target_black, UHD_HDR_DEFAULT_MIN_LUMINANCE);
		colour->transfer = UHD_TRANSFER_PQ;
		return;
	}
	colour->has_mastering = false;
	if (plan->mode == UHD_TONEMAP_PQ_TO_HLG) {
		colour->transfer = UHD_TRANSFER_HLG;
		return;
	}
	colour->transfer = UHD_TRANSFER_BT709;
	colour->primaries = plan->target_primaries;
}

/* --target hlg: BT.2020 pictures for a display BT.2100's gamma formula holds for. */
static int plan_hlg_target(const struct uhd_colour *source, struct uhd_tonemap_plan *plan,
                           char *why, size_t why_size)
{
	if (plan->target_peak < HLG_PEAK_MIN || plan->target_peak > HLG_PEAK_MAX) {
		snprintf(
		        why, why_size,
		        "--target hlg:%g: BT.2100's HLG system gamma holds for displays of %.0f to "
		        "%.0f cd/m2; give a peak in that range",
		        plan->target_peak, HLG_PEAK_MIN, HLG_PEAK_MAX);
		return -ENOTSUP;
	}
	if (source->primaries != UHD_PRIMARIES_BT2020) {
		snprintf(why, why_size,
		         "--target hlg makes BT.2020 pictures, and this stream's primaries are %s "
		         "(no gamut mapping into BT.2020 is offered): leave --target out",
		         uhd_primaries_name(source->primaries));
		return -ENOTSUP;
	}
	plan->hlg_gamma = 1.2 + 0.42 * log10(plan->target_peak / 1000.0);
	return 0;
}

int uhd_tonemap_plan(const struct uhd_colour *source, const struct uhd_target *target,
                     struct uhd_tonemap_plan *plan, char *why, size_t why_size)
{
	memset(plan, 0, sizeof(*plan));
	plan->output = *source;
	int primaries = target->primaries ? target->primaries : UHD_PRIMARIES_BT709;
	if (target->transfer == UHD_TARGET_SOURCE) {
		return 0;
	}
	if (!(target->peak == 0.0 || (target->peak >= 1.0 && target->peak <= UHD_HDR_PQ_PEAK)) ||
	    (primaries != UHD_PRIMARIES_BT709 && primaries != UHD_PRIMARIES_BT2020)) {
		snprintf(why, why_size,
		         "the target peak must be 1 to 10000 cd/m2 and the SDR "
		         "primaries bt709 or bt2020");
		return -EINVAL;
	}
	bool hlg = source->transfer == UHD_TRANSFER_HLG;
	bool sdr_source = source->transfer != UHD_TRANSFER_PQ && !hlg;
	if ((target->transfer == UHD_TARGET_SDR && sdr_source) ||
	    (target->transfer == UHD_TARGET_HLG && hlg)) {
		/* HLG is scene-referred: each display applies its own OOTF, so an HLG
		 * signal is already right for any HLG display. */
		snprintf(plan->note, sizeof(plan->note),
		         "--target %s: the stream is already %s (transfer %s), so its pictures "
		         "are passed on unchanged",
		         uhd_target_name(target->transfer), hlg ? "HLG" : "SDR",
		         uhd_transfer_name(source->transfer));
		return 0;
	}
	if (sdr_source) {
		snprintf(why, why_size,
		         "--target %s converts PQ and HLG streams; this one's transfer is %s (SDR "
		         "is not expanded to HDR): leave --target out to pass its code values "
		         "through",
		         uhd_target_name(target->transfer), uhd_transfer_name(source->transfer));
		return -ENOTSUP;
	}
	if (hlg && source->primaries != UHD_PRIMARIES_BT2020) {
		snprintf(why, why_size,
		         "--target %s takes HLG as BT.2100 defines it, in BT.2020 primaries, and "
		         "this stream's are %s: leave --target out",
		         uhd_target_name(target->transfer), uhd_primaries_name(source->primaries));
		return -ENOTSUP;
	}
	plan->source_hlg = hlg;
	plan->mode = target->transfer == UHD_TARGET_PQ    ? UHD_TONEMAP_PQ_TO_PQ
	             : target->transfer == UHD_TARGET_SDR ? UHD_TONEMAP_PQ_TO_SDR
	                                                  : UHD_TONEMAP_PQ_TO_HLG;
	plan->target_peak = target->peak > 0.0                    ? target->peak
	                    : plan->mode == UHD_TONEMAP_PQ_TO_SDR ? DEFAULT_SDR_PEAK
	                                                          : DEFAULT_PQ_PEAK;
	plan->target_black = 0.0;
	int ret = plan->mode == UHD_TONEMAP_PQ_TO_HLG ? plan_hlg_target(source, plan, why, why_size)
	                                              : 0;
	if (ret < 0) {
		return ret;
	}
	source_range(source, target, plan);
	if (plan->target_peak >= plan->source_peak && plan->note[0] == '\0') {
		snprintf(plan->note, sizeof(plan->note),
		         "the target peak %.0f cd/m2 is at or above the source's %.0f (%s): the "
		         "EETF keeps the signal up to the source's peak and clips what lies above",
		         plan->target_peak, plan->source_peak, plan->source_peak_from);
	}
	eetf_constants(plan);
	if (plan->knee_start < 0.0) {
		/* BT.2390's knee starts at KS = 1.5 maxLum - 0.5: below maxLum = 1/3
		 * the spline would start below black. */
		double lowest = uhd_pq_eotf(plan->pq_black + plan->pq_range / 3.0);
		snprintf(why, why_size,
		         "--target %s:%g is below what the BT.2390 EETF maps this stream's range "
		         "(%g to %g cd/m2, %s) to: give a peak of at least %.1f cd/m2",
		         uhd_target_name(target->transfer), plan->target_peak, plan->source_black,
		         plan->source_peak, plan->source_peak_from, ceil(lowest * 10.0) / 10.0);
		return -ENOTSUP;
	}
	int to = plan->mode == UHD_TONEMAP_PQ_TO_SDR ? primaries : source->primaries;
	if (!uhd_primaries_conversion(source->primaries, to, plan->gamut) &&
	    plan->mode == UHD_TONEMAP_PQ_TO_SDR) {
		snprintf(why, why_size,
		         "--target sdr maps the gamut from the stream's primaries, and uhdpipe has "
		         "no chromaticities for '%s' (H.273 code %d): leave --target out",
		         uhd_primaries_name(source->primaries), source->primaries);
		return -ENOTSUP;
	}
	plan->target_primaries = to;
	uhd_tonemap_output_colour(plan, &plan->output);
	return 0;
}

static uint32_t float_bits(double value)
{
	float f = (float)value;
	uint32_t bits;
	memcpy(&bits, &f, sizeof(bits));
	return bits;
}

void uhd_tonemap_spec(const struct uhd_tonemap_plan *plan, uint32_t values[UHD_TONEMAP_SPEC_COUNT])
{
	values[0] = (uint32_t)plan->mode;
	values[1] = float_bits(plan->pq_black);
	values[2] = float_bits(plan->mode ? plan->pq_range : 1.0);
	values[3] = float_bits(plan->min_lum);
	values[4] = float_bits(plan->max_lum);
	values[5] = float_bits(plan->knee_start);
	values[6] = float_bits(plan->target_peak);
	for (int i = 0; i < 9; i++) {
		values[7 + i] = float_bits(plan->mode ? plan->gamut[i / 3][i % 3] : (i % 4 == 0));
	}
	values[16] = plan->source_hlg ? 1u : 0u;
	values[17] = float_bits(plan->mode == UHD_TONEMAP_PQ_TO_HLG ? plan->target_peak : 1000.0);
	values[18] = float_bits(plan->mode == UHD_TONEMAP_PQ_TO_HLG ? plan->hlg_gamma : 1.2);
}

const char *uhd_tonemap_method(const struct uhd_tonemap_plan *plan)
{
	switch (plan->mode) {
	case UHD_TONEMAP_PQ_TO_PQ: return plan->source_hlg ? "hlg-eotf+bt2390-eetf" : "bt2390-eetf";
	case UHD_TONEMAP_PQ_TO_SDR:
		return plan->source_hlg ? "hlg-eotf+bt2390-eetf+linear-clip+bt1886-inverse"
		                        : "bt2390-eetf+linear-clip+bt1886-inverse";
	case UHD_TONEMAP_PQ_TO_HLG: return "bt2390-eetf+hlg-inverse-eotf";
	default: return "none";
	}
}

void uhd_tonemap_json(struct uhd_json *json, const char *key, const struct uhd_colour *source,
                      const struct uhd_target *t)
{
	struct uhd_tonemap_plan plan;
	char why[512];
	bool planned = source && uhd_tonemap_plan(source, t, &plan, why, sizeof(why)) == 0;
	uhd_json_object_begin(json, key);
	uhd_json_string(json, "transfer", uhd_target_name(t->transfer));
	uhd_json_double(json, "peak", planned && plan.mode ? plan.target_peak : t->peak);
	uhd_json_string(json, "tonemap_source",
	                t->source == UHD_TONEMAP_SOURCE_MAXCLL ? "maxcll" : "mastering");
	uhd_json_string(json, "method", planned ? uhd_tonemap_method(&plan) : "none");
	if (planned && plan.mode != UHD_TONEMAP_NONE) {
		uhd_json_string(json, "primaries", uhd_primaries_name(plan.output.primaries));
		uhd_json_string(json, "output_transfer", uhd_transfer_name(plan.output.transfer));
		uhd_json_double(json, "source_black", plan.source_black);
		uhd_json_double(json, "source_peak", plan.source_peak);
		uhd_json_string(json, "source_peak_from", plan.source_peak_from);
		uhd_json_double(json, "target_black", plan.target_black);
		uhd_json_double(json, "min_lum", plan.min_lum);
		uhd_json_double(json, "max_lum", plan.max_lum);
		uhd_json_double(json, "knee_start", plan.knee_start);
	}
	if (planned && plan.note[0]) {
		uhd_json_string(json, "note", plan.note);
	}
	uhd_json_object_end(json);
}
