/* SPDX-License-Identifier: MIT */
/* The check run's reports: JSON (schema in docs/reports.md, "Check report") and JUnit
 * XML, one testcase per frame. Both are written atomically. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check_run.h"
#include "../colour/tonemap.h"
#include "../common/atomic_file.h"
#include "../common/json.h"

int uhd_check_failure_lines(const struct check_report *report, const struct check_frame *f,
                            char lines[7][160])
{
	const struct uhd_thresholds *t = &report->params->thresholds;
	const struct uhd_metrics *m = &f->metrics;
	int n = 0;
	if (f->failures & FAIL_PSNR) {
		snprintf(lines[n++], 160, "psnr %.4f dB is below --min-psnr %g", m->psnr_avg,
		         t->min_psnr);
	}
	if (f->failures & FAIL_SSIM) {
		snprintf(lines[n++], 160, "ssim %.6f is below --min-ssim %g", m->ssim, t->min_ssim);
	}
	if (f->failures & FAIL_MSSSIM) {
		snprintf(lines[n++], 160, "msssim %.6f is below --min-msssim %g", m->msssim,
		         t->min_msssim);
	}
	if (f->failures & FAIL_DELTAITP) {
		snprintf(lines[n++], 160,
		         "deltaitp mean %.4f is above --max-deltaitp %g (max %.4f at %d,%d)",
		         m->ditp_mean, t->max_deltaitp, m->ditp_max, m->ditp_max_x, m->ditp_max_y);
	}
	if (f->failures & FAIL_DELTAITP_P99) {
		snprintf(lines[n++], 160, "deltaitp p99 %.4f is above --max-deltaitp-p99 %g",
		         m->ditp_p99, t->max_deltaitp_p99);
	}
	if (f->failures & FAIL_DIFF) {
		snprintf(lines[n++], 160,
		         "max difference %u at pixel (%d,%d) is above --max-diff %" PRId64
		         " (%" PRIu64 " pixels differ)",
		         m->max_diff, m->max_diff_x, m->max_diff_y, t->max_diff, m->diff_pixels);
	}
	if ((f->failures & FAIL_EXACT) && report->params->domain == UHD_CHECK_DOMAIN_YUV) {
		snprintf(lines[n++], 160,
		         "checksum %016" PRIx64 " differs from the reference's %016" PRIx64
		         " (--exact); planes that differ:%s%s%s",
		         f->input_checksum, f->ref_checksum, m->mse[0] > 0 ? " Y" : "",
		         m->mse[1] > 0 ? " Cb" : "", m->mse[2] > 0 ? " Cr" : "");
	} else if (f->failures & FAIL_EXACT) {
		snprintf(lines[n++], 160,
		         "checksum %016" PRIx64 " differs from the reference's %016" PRIx64
		         " (--exact); %" PRIu64 " pixels differ, the first largest difference "
		         "%u at (%d,%d)",
		         f->input_checksum, f->ref_checksum, m->diff_pixels, m->max_diff,
		         m->max_diff_x, m->max_diff_y);
	}
	return n;
}

static void write_frame_metrics(struct uhd_json *json, const struct check_report *report,
                                const struct check_frame *f)
{
	const struct uhd_metrics *m = &f->metrics;
	bool yuv = report->params->domain == UHD_CHECK_DOMAIN_YUV;
	if (m->computed & UHD_METRIC_PSNR) {
		static const char *rgb[3] = {"r", "g", "b"}, *planes[3] = {"y", "cb", "cr"};
		const char *const *names = yuv ? planes : rgb;
		uhd_json_object_begin(json, "psnr");
		for (int c = 0; c < 3; c++) {
			uhd_json_double(json, names[c], m->psnr[c]);
		}
		uhd_json_double(json, "average", m->psnr_avg);
		if (yuv) {
			uhd_json_double(json, "average_611", f->psnr_611);
		}
		uhd_json_object_end(json);
		uhd_json_object_begin(json, "mse");
		for (int c = 0; c < 3; c++) {
			uhd_json_double(json, names[c], m->mse[c]);
		}
		uhd_json_object_end(json);
	}
	if (m->computed & UHD_METRIC_SSIM) {
		uhd_json_double(json, "ssim", m->ssim);
	}
	if (m->computed & UHD_METRIC_MSSSIM) {
		uhd_json_double(json, "msssim", m->msssim);
	}
	if (m->computed & UHD_METRIC_DELTAITP) {
		uhd_json_object_begin(json, "deltaitp");
		uhd_json_double(json, "mean", m->ditp_mean);
		uhd_json_double(json, "p99", m->ditp_p99);
		uhd_json_double(json, "max", m->ditp_max);
		uhd_json_int(json, "max_x", m->ditp_max_x);
		uhd_json_int(json, "max_y", m->ditp_max_y);
		uhd_json_object_end(json);
	}
	if (m->computed & UHD_METRIC_DIFF) {
		uhd_json_int(json, "max_diff", m->max_diff);
		uhd_json_int(json, "max_diff_x", m->max_diff_x);
		uhd_json_int(json, "max_diff_y", m->max_diff_y);
		uhd_json_int(json, "diff_pixels", (int64_t)m->diff_pixels);
	}
}

static void write_diff_images(struct uhd_json *json, const struct check_report *report,
                              const struct check_frame *f)
{
	char path[4200];
	uhd_json_object_begin(json, "diff_images");
	snprintf(path, sizeof(path), "%s/frame-%06" PRId64 "-heat.png", report->params->diff_dir,
	         f->input_frame);
	uhd_json_string(json, "heat", path);
	snprintf(path, sizeof(path), "%s/frame-%06" PRId64 "-worst.png", report->params->diff_dir,
	         f->input_frame);
	uhd_json_string(json, "worst", path);
	uhd_json_string(json, "heat_metric", f->heat_metric);
	uhd_json_double(json, "heat_scale", f->heat_scale);
	uhd_json_array_begin(json, "worst_region");
	for (int i = 0; i < 4; i++) {
		uhd_json_int(json, NULL, f->worst[i]);
	}
	uhd_json_array_end(json);
	uhd_json_object_end(json);
}

static void write_frame(struct uhd_json *json, const struct check_report *report,
                        const struct check_frame *f)
{
	char hex[17], lines[7][160];
	uhd_json_object_begin(json, NULL);
	uhd_json_int(json, "index", f->index);
	uhd_json_int(json, "input_frame", f->input_frame);
	uhd_json_int(json, "ref_frame", f->ref_frame);
	uhd_json_bool(json, "passed", f->failures == 0);
	uhd_json_array_begin(json, "failures");
	int n = uhd_check_failure_lines(report, f, lines);
	for (int i = 0; i < n; i++) {
		uhd_json_string(json, NULL, lines[i]);
	}
	uhd_json_array_end(json);
	f->input_pts == INT64_MIN ? uhd_json_null(json, "input_pts")
	                          : uhd_json_int(json, "input_pts", f->input_pts);
	f->ref_pts == INT64_MIN ? uhd_json_null(json, "ref_pts")
	                        : uhd_json_int(json, "ref_pts", f->ref_pts);
	uhd_json_bool(json, "checksum_match", f->checksum_match);
	snprintf(hex, sizeof(hex), "%016" PRIx64, f->input_checksum);
	uhd_json_string(json, "checksum_xxh3", hex);
	snprintf(hex, sizeof(hex), "%016" PRIx64, f->ref_checksum);
	uhd_json_string(json, "ref_checksum_xxh3", hex);
	write_frame_metrics(json, report, f);
	if (f->has_diff_images) {
		write_diff_images(json, report, f);
	}
	uhd_json_object_begin(json, "ms");
	uhd_json_double(json, "render", f->render_ms);
	uhd_json_double(json, "compare", f->compare_ms);
	uhd_json_double(json, "gpu", f->metrics.gpu_ms);
	uhd_json_object_end(json);
	uhd_json_object_end(json);
}

/* Value of a metric by which frames are ranked; larger is worse. */
static double badness(const struct check_frame *f, int metric)
{
	const struct uhd_metrics *m = &f->metrics;
	switch (metric) {
	case 0: return -m->psnr_avg;
	case 1: return -m->ssim;
	case 2: return -m->msssim;
	case 3: return m->ditp_mean;
	case 4: return m->ditp_p99;
	default: return m->max_diff;
	}
}

static void write_worst(struct uhd_json *json, const struct check_report *report)
{
	static const struct {
		const char *name;
		unsigned metric;
		bool negate;
	} metrics[6] = {{"psnr", UHD_METRIC_PSNR, true},       {"ssim", UHD_METRIC_SSIM, true},
	                {"msssim", UHD_METRIC_MSSSIM, true},   {"deltaitp", UHD_METRIC_DELTAITP},
	                {"deltaitp_p99", UHD_METRIC_DELTAITP}, {"max_diff", UHD_METRIC_DIFF}};
	uhd_json_object_begin(json, "worst");
	for (int k = 0; k < 6; k++) {
		int64_t worst = -1;
		for (int64_t i = 0; i < report->frame_count; i++) {
			const struct check_frame *f = &report->frames[i];
			if ((f->metrics.computed & metrics[k].metric) &&
			    (worst < 0 || badness(f, k) > badness(&report->frames[worst], k))) {
				worst = i;
			}
		}
		if (worst < 0) {
			continue;
		}
		double value = badness(&report->frames[worst], k);
		uhd_json_object_begin(json, metrics[k].name);
		uhd_json_int(json, "frame", report->frames[worst].input_frame);
		uhd_json_double(json, "value", metrics[k].negate ? -value : value);
		uhd_json_object_end(json);
	}
	uhd_json_object_end(json);
}

static void write_thresholds(struct uhd_json *json, const struct uhd_thresholds *t)
{
	uhd_json_object_begin(json, "thresholds");
	uhd_json_double(json, "min_psnr", t->min_psnr);
	uhd_json_double(json, "min_ssim", t->min_ssim);
	uhd_json_double(json, "min_msssim", t->min_msssim);
	uhd_json_double(json, "max_deltaitp", t->max_deltaitp);
	uhd_json_double(json, "max_deltaitp_p99", t->max_deltaitp_p99);
	t->max_diff < 0 ? uhd_json_null(json, "max_diff")
	                : uhd_json_int(json, "max_diff", t->max_diff);
	uhd_json_bool(json, "exact", t->exact);
	uhd_json_object_end(json);
}

static void write_header(struct uhd_json *json, const struct check_report *report)
{
	const struct uhd_check_params *p = report->params;
	uhd_json_header(json, "uhdpipe check");
	uhd_json_bool(json, "complete", report->complete);
	uhd_json_bool(json, "passed", report->passed);
	report->error ? uhd_json_string(json, "error", report->error)
	              : uhd_json_null(json, "error");
	report->mismatch ? uhd_json_string(json, "mismatch", report->mismatch)
	                 : uhd_json_null(json, "mismatch");
	bool yuv = p->domain == UHD_CHECK_DOMAIN_YUV;
	uhd_json_string(json, "domain",
	                yuv                                  ? "yuv"
	                : p->domain == UHD_CHECK_DOMAIN_AUTO ? "auto"
	                                                     : "rgb");
	uhd_json_string(json, "domain_reason", report->domain_reason);
	yuv && report->psnr_peak > 0 ? uhd_json_double(json, "psnr_peak", report->psnr_peak)
	                             : uhd_json_null(json, "psnr_peak");
	uhd_json_object_begin(json, "input");
	uhd_json_string(json, "path", p->input);
	uhd_json_string(json, "kind", report->input_kind);
	uhd_json_object_end(json);
	uhd_json_object_begin(json, "reference");
	uhd_json_string(json, "path", p->ref);
	uhd_json_string(json, "kind", report->ref_kind);
	uhd_json_object_end(json);
	const struct uhd_render_options *o = &report->options;
	uhd_json_object_begin(json, "options");
	uhd_json_int(json, "width", o->convert.width);
	uhd_json_int(json, "height", o->convert.height);
	uhd_json_string(json, "scaler", uhd_scaler_name(o->convert.scaler));
	uhd_json_int(json, "start", o->start);
	uhd_json_int(json, "frames", o->frames);
	uhd_json_string(json, "rotate", o->rotate ? "auto" : "none");
	uhd_json_string(json, "device", report->device);
	if (o->convert.target.transfer != UHD_TARGET_SOURCE) {
		uhd_tonemap_json(json, "target",
		                 report->has_input_colour ? &report->input_colour : NULL,
		                 &o->convert.target);
	}
	uhd_json_object_end(json);
	static const char *names[5] = {"psnr", "ssim", "msssim", "deltaitp", "diff"};
	uhd_json_array_begin(json, "metrics");
	for (int i = 0; i < 5; i++) {
		if (p->metrics & (1u << i)) {
			uhd_json_string(json, NULL, names[i]);
		}
	}
	uhd_json_array_end(json);
	write_thresholds(json, &p->thresholds);
}

static void write_totals(struct uhd_json *json, const struct check_report *report)
{
	int64_t failed = 0;
	for (int64_t i = 0; i < report->frame_count; i++) {
		failed += report->frames[i].failures != 0;
	}
	uhd_json_object_begin(json, "totals");
	uhd_json_int(json, "frames", report->frame_count);
	uhd_json_int(json, "failed_frames", failed);
	uhd_json_double(json, "seconds", report->seconds);
	uhd_json_double(json, "fps",
	                report->seconds > 0 ? report->frame_count / report->seconds : 0);
	uhd_json_object_end(json);
}

void uhd_check_report_json_object(struct uhd_json *json, const char *key,
                                  const struct check_report *report)
{
	uhd_json_object_begin(json, key);
	write_header(json, report);
	uhd_json_array_begin(json, "frames");
	for (int64_t i = 0; i < report->frame_count; i++) {
		write_frame(json, report, &report->frames[i]);
	}
	uhd_json_array_end(json);
	write_worst(json, report);
	write_totals(json, report);
	uhd_json_object_end(json);
}

int uhd_check_report_write_json(const struct check_report *report, const char *path)
{
	struct uhd_atomic_file f;
	int ret = uhd_atomic_open(&f, path, "report");
	if (ret < 0) {
		return ret;
	}
	struct uhd_json json;
	uhd_json_init(&json, f.file, true);
	uhd_check_report_json_object(&json, NULL, report);
	fputc('\n', f.file);
	return uhd_atomic_commit(&f, "report");
}
