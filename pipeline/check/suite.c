/* SPDX-License-Identifier: MIT */
/*
 * Suites: a JSON file of (input, ref, thresholds) entries, run one after the
 * other, or a deterministic 1/N of them (--shard I/N, as CI matrices and the
 * GTEST_SHARD_* variables ask). One JUnit testsuite per entry.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "../common/atomic_file.h"
#include "../common/json.h"
#include "../common/json_read.h"
#include "junit.h"
#include "check_run.h"
#include "suite.h"

static int suite_error(const char *path, const char *what, size_t entry)
{
	if (entry == SIZE_MAX) {
		uhd_error("suite '%s': %s", path, what);
	} else {
		uhd_error("suite '%s', entry %zu: %s", path, entry, what);
	}
	return -EINVAL;
}

/* A path of the suite file, relative to the file's folder unless absolute. */
static void resolve_path(const char *suite, const char *path, char *out, size_t size)
{
	const char *slash = strrchr(suite, '/');
	if (path[0] == '/' || !slash) {
		snprintf(out, size, "%s", path);
	} else {
		snprintf(out, size, "%.*s/%s", (int)(slash - suite), suite, path);
	}
}

static bool get_threshold(const json_t *object, const char *key, double *out)
{
	const json_t *v = json_object_get(object, key);
	if (!v) {
		return true;
	}
	if (json_is_string(v) && strcmp(json_string_value(v), "off") == 0) {
		*out = NAN;
		return true;
	}
	return uhd_json_get_number(object, key, out);
}

/* Thresholds and metrics of a "defaults" object or an entry. A "metrics" list
 * replaces the one before; a threshold set (not "off") has its metric
 * computed whatever the list says, as on the command line. */
static const char *apply_thresholds(const json_t *o, struct uhd_check_params *p)
{
	static const struct {
		const char *key;
		size_t offset;
		unsigned metric;
	} table[] = {
	        {"min_psnr", offsetof(struct uhd_thresholds, min_psnr), UHD_METRIC_PSNR},
	        {"min_ssim", offsetof(struct uhd_thresholds, min_ssim), UHD_METRIC_SSIM},
	        {"min_msssim", offsetof(struct uhd_thresholds, min_msssim), UHD_METRIC_MSSSIM},
	        {"max_deltaitp", offsetof(struct uhd_thresholds, max_deltaitp),
	         UHD_METRIC_DELTAITP},
	        {"max_deltaitp_p99", offsetof(struct uhd_thresholds, max_deltaitp_p99),
	         UHD_METRIC_DELTAITP},
	};
	struct uhd_thresholds *t = &p->thresholds;
	const char *metrics, *bad;
	if (uhd_json_get_string(o, "metrics", &metrics)) {
		if (uhd_metrics_from_names(metrics, &p->metrics, &bad) < 0) {
			return "metrics names an unknown metric (psnr, ssim, msssim, deltaitp, "
			       "diff, "
			       "all)";
		}
		p->metrics_given = true;
	}
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		double *value = (double *)((char *)t + table[i].offset);
		if (!get_threshold(o, table[i].key, value)) {
			return "a threshold is neither a number nor \"off\"";
		}
		if (json_object_get(o, table[i].key) && !isnan(*value)) {
			p->thresholds_given |= table[i].metric;
		}
	}
	double max_diff = t->max_diff < 0 ? NAN : (double)t->max_diff;
	if (!get_threshold(o, "max_diff", &max_diff) ||
	    (!isnan(max_diff) && (max_diff < 0 || max_diff > 1e9 || max_diff != floor(max_diff)))) {
		return "max_diff is neither a whole number >= 0 nor \"off\"";
	}
	t->max_diff = isnan(max_diff) ? -1 : (int64_t)max_diff;
	p->thresholds_given |=
	        json_object_get(o, "max_diff") && t->max_diff >= 0 ? UHD_METRIC_DIFF : 0;
	if (json_object_get(o, "exact") && !uhd_json_get_bool(o, "exact", &t->exact)) {
		return "exact is not true or false";
	}
	p->thresholds_given |= t->exact ? UHD_METRIC_DIFF : 0;
	return NULL;
}

static const char *apply_render(const json_t *o, struct uhd_check_params *p)
{
	const char *text;
	int64_t value;
	if (uhd_json_get_string(o, "size", &text)) {
		if (sscanf(text, "%dx%d", &p->convert.width, &p->convert.height) != 2 ||
		    p->convert.width <= 0 || p->convert.height <= 0) {
			return "size is not WxH";
		}
		p->size_given = true;
	}
	if (uhd_json_get_string(o, "scaler", &text)) {
		if (uhd_scaler_from_name(text, &p->convert.scaler) < 0) {
			return "scaler is not nearest, bilinear, bicubic or lanczos3";
		}
		p->scaler_given = true;
	}
	if (uhd_json_get_string(o, "target", &text)) {
		if (uhd_target_parse(text, &p->convert.target) < 0) {
			return "target is not source, pq[:PEAK], sdr[:PEAK] or hlg[:PEAK]";
		}
	}
	if (uhd_json_get_string(o, "domain", &text)) {
		if (uhd_check_domain_from_name(text, &p->domain) < 0) {
			return "domain is not auto, rgb or yuv";
		}
	}
	if (json_object_get(o, "start")) {
		if (!uhd_json_get_int(o, "start", &value) || value < 0) {
			return "start is not a whole number >= 0";
		}
		p->start = value;
		p->start_given = true;
	}
	if (json_object_get(o, "frames")) {
		if (!uhd_json_get_int(o, "frames", &value) || value < 1) {
			return "frames is not a whole number >= 1";
		}
		p->frames = value;
		p->frames_given = true;
	}
	return NULL;
}

/* Entries share --diff-dir: each writes into a folder named after it, with
 * anything but letters, digits, '-', '_' and (not first) '.' replaced by '_',
 * so no name reaches outside DIR. */
static void diff_dir_of(const char *dir, const char *name, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/", dir);
	for (const char *c = name; *c && n > 0 && (size_t)n + 1 < size; c++) {
		bool plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		             (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
		             (*c == '.' && c != name);
		out[n++] = plain ? *c : '_';
	}
	if (n > 0 && (size_t)n < size) {
		out[n] = '\0';
	}
}

static int read_entry(const char *path, const json_t *item, size_t i,
                      const struct uhd_check_params *defaults, struct suite_entry *e)
{
	const char *input, *ref, *name = NULL, *what;
	if (!json_is_object(item) || !uhd_json_get_string(item, "input", &input) ||
	    !uhd_json_get_string(item, "ref", &ref)) {
		return suite_error(path, "needs \"input\" and \"ref\" strings", i);
	}
	if (strcmp(input, "-") == 0 || strcmp(ref, "-") == 0) {
		return suite_error(path, "'-' (stdin) is no input in a suite: give files", i);
	}
	e->params = *defaults;
	if ((what = apply_thresholds(item, &e->params)) ||
	    (what = apply_render(item, &e->params))) {
		return suite_error(path, what, i);
	}
	resolve_path(path, input, e->input, sizeof(e->input));
	resolve_path(path, ref, e->ref, sizeof(e->ref));
	uhd_json_get_string(item, "name", &name);
	snprintf(e->name, sizeof(e->name), "%s", name ? name : input);
	e->params.input = e->input;
	e->params.ref = e->ref;
	if (defaults->diff_dir) {
		diff_dir_of(defaults->diff_dir, e->name, e->diff_dir, sizeof(e->diff_dir));
		e->params.diff_dir = e->diff_dir;
	}
	e->params.suite_name = e->name;
	e->params.report_path = NULL;
	e->params.junit_path = NULL;
	return 0;
}

int uhd_suite_read(const struct uhd_suite_params *sp, struct suite_entry **entries, size_t *count)
{
	char error[256];
	json_t *root = NULL;
	int ret = uhd_json_load_file(sp->path, &root, error, sizeof(error));
	if (ret < 0) {
		uhd_error("suite '%s': %s", sp->path, error);
		return ret == -ENOENT ? -ENOENT : -EINVAL;
	}
	const json_t *list = json_object_get(root, "entries");
	struct uhd_check_params defaults = sp->base;
	const json_t *d = json_object_get(root, "defaults");
	const char *what = NULL;
	size_t n = json_array_size(list);
	if (n == 0) {
		what = "needs a non-empty \"entries\" array";
	} else if (d && !json_is_object(d)) {
		what = "\"defaults\" must be an object of options, like an entry's";
	} else if (d && !(what = apply_thresholds(d, &defaults))) {
		what = apply_render(d, &defaults);
	}
	*entries = what ? NULL : calloc(n, sizeof(**entries));
	if (!what && !*entries) {
		ret = -ENOMEM;
	}
	for (size_t i = 0; !what && ret == 0 && i < n; i++) {
		ret = read_entry(sp->path, json_array_get(list, i), i, &defaults, &(*entries)[i]);
	}
	if (ret < 0) {
		free(*entries);
		*entries = NULL;
	}
	*count = what || ret < 0 ? 0 : n;
	json_decref(root);
	return what ? suite_error(sp->path, what, SIZE_MAX) : ret;
}

static void note(struct uhd_suite_result *r, const char *name, const char *text)
{
	if (!r->message[0]) {
		snprintf(r->message, sizeof(r->message), "%.200s: %.300s", name, text);
	}
}

static void run_entry(struct suite_entry *e, struct uhd_suite_result *r, struct check_gpu *gpu)
{
	struct uhd_check_result result;
	int ret = uhd_check_execute(&e->params, &result, &e->report, gpu);
	e->ran = true;
	r->run++;
	r->validation_messages += result.validation_messages;
	if (ret == -EINTR) {
		r->interrupted = true;
	} else if (ret < 0) {
		r->errored++;
		if (!r->first_error) {
			r->first_error = ret;
			r->first_error_stage = result.failed_stage;
		}
		note(r, e->name, e->report.error ? e->report.error : strerror(-ret));
	} else if (result.passed) {
		r->passed++;
	} else {
		r->failed++;
		note(r, e->name, result.message);
	}
}

static int write_json(const struct uhd_suite_params *sp, const struct uhd_suite_result *r,
                      const struct suite_entry *entries, size_t count)
{
	struct uhd_atomic_file f;
	int ret = uhd_atomic_open(&f, sp->report_path, "report");
	if (ret < 0) {
		return ret;
	}
	struct uhd_json json;
	uhd_json_init(&json, f.file, true);
	uhd_json_object_begin(&json, NULL);
	uhd_json_header(&json, "uhdpipe check --suite");
	uhd_json_string(&json, "suite", sp->path);
	uhd_json_object_begin(&json, "shard");
	uhd_json_int(&json, "index", sp->shard_index);
	uhd_json_int(&json, "count", sp->shard_count);
	uhd_json_object_end(&json);
	uhd_json_bool(&json, "complete", !r->interrupted);
	uhd_json_bool(&json, "passed", !r->interrupted && r->passed == r->run);
	uhd_json_array_begin(&json, "entries");
	for (size_t i = 0; i < count; i++) {
		if (entries[i].ran) {
			uhd_json_object_begin(&json, NULL);
			uhd_json_string(&json, "name", entries[i].name);
			uhd_json_int(&json, "entry", (int64_t)i);
			uhd_check_report_json_object(&json, "check", &entries[i].report);
			uhd_json_object_end(&json);
		}
	}
	uhd_json_array_end(&json);
	uhd_json_object_begin(&json, "totals");
	uhd_json_int(&json, "entries", r->entries);
	uhd_json_int(&json, "run", r->run);
	uhd_json_int(&json, "passed", r->passed);
	uhd_json_int(&json, "failed", r->failed);
	uhd_json_int(&json, "errored", r->errored);
	uhd_json_object_end(&json);
	uhd_json_object_end(&json);
	fputc('\n', f.file);
	return uhd_atomic_commit(&f, "report");
}

static int write_junit(const struct uhd_suite_params *sp, const struct suite_entry *entries,
                       size_t count)
{
	const struct check_report **reports = calloc(count ? count : 1, sizeof(*reports));
	if (!reports) {
		return -ENOMEM;
	}
	int n = 0;
	for (size_t i = 0; i < count; i++) {
		if (entries[i].ran) {
			reports[n++] = &entries[i].report;
		}
	}
	int ret = uhd_junit_write(reports, n, sp->junit_path);
	free(reports);
	return ret;
}

int uhd_suite_run(const struct uhd_suite_params *sp, struct uhd_suite_result *r)
{
	memset(r, 0, sizeof(*r));
	struct suite_entry *entries = NULL;
	size_t count = 0;
	if (sp->shard_count < 1 || sp->shard_index < 0 || sp->shard_index >= sp->shard_count) {
		uhd_error("shard %d/%d does not exist: give I/N with 0 <= I < N", sp->shard_index,
		          sp->shard_count);
		return -EINVAL;
	}
	int ret = uhd_suite_read(sp, &entries, &count);
	if (ret < 0) {
		r->bad_suite = true;
		return -EINVAL;
	}
	for (size_t i = (size_t)sp->shard_index; i < count; i += (size_t)sp->shard_count) {
		r->entries++;
	}
	/* One Vulkan context, and the comparers of the entry before, for all entries. */
	struct check_gpu gpu = {0};
	for (size_t i = (size_t)sp->shard_index; i < count; i += (size_t)sp->shard_count) {
		if (sp->base.cancel && *sp->base.cancel) {
			r->interrupted = true;
			break;
		}
		run_entry(&entries[i], r, &gpu);
		if (r->interrupted) {
			break;
		}
	}
	check_gpu_finish(&gpu);
	int written = sp->report_path ? write_json(sp, r, entries, count) : 0;
	int junit = sp->junit_path ? write_junit(sp, entries, count) : 0;
	written = written ? written : junit;
	for (size_t i = 0; i < count; i++) {
		uhd_check_report_finish(&entries[i].report);
	}
	free(entries);
	if (r->interrupted) {
		return -EINTR;
	}
	return written;
}
