/* SPDX-License-Identifier: MIT */
/* JUnit XML for CI systems: one testsuite per comparison, one testcase per
 * frame with its metrics as properties; a failure names the metric, its value
 * and the threshold. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check_run.h"
#include "../common/utf8.h"
#include "../common/atomic_file.h"
#include "junit.h"

static void xml_text(FILE *file, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", file); break;
		case '<': fputs("&lt;", file); break;
		case '>': fputs("&gt;", file); break;
		case '"': fputs("&quot;", file); break;
		case '\'': fputs("&apos;", file); break;
		default:
			if (*p >= 0x80) {
				size_t n = uhd_utf8_length(p);
				n ? (void)fwrite(p, 1, n, file) : (void)fputs("\xef\xbf\xbd", file);
				p += n ? n - 1 : 0; /* invalid bytes become U+FFFD */
			} else if (*p >= 0x20 || *p == '\n' || *p == '\t') {
				fputc(*p, file); /* other control characters are not XML */
			}
		}
	}
}

static void property(FILE *file, const char *name, const char *value)
{
	fprintf(file, "      <property name=\"%s\" value=\"", name);
	xml_text(file, value);
	fputs("\"/>\n", file);
}

/* A metric's property; an infinite PSNR (identical frames) is "inf". */
static void metric_property(FILE *file, const char *name, double value)
{
	char text[32];
	snprintf(text, sizeof(text), isfinite(value) ? "%.6g" : "inf", value);
	fprintf(file, "        <property name=\"%s\" value=\"%s\"/>\n", name, text);
}

/* What was measured, for passing frames too (Jenkins and GitLab show testcase
 * properties). */
static void frame_properties(FILE *file, const struct check_frame *f)
{
	const struct uhd_metrics *m = &f->metrics;
	fputs("\n      <properties>\n", file);
	if (m->computed & UHD_METRIC_PSNR) {
		metric_property(file, "psnr", m->psnr_avg);
	}
	if (m->computed & UHD_METRIC_SSIM) {
		metric_property(file, "ssim", m->ssim);
	}
	if (m->computed & UHD_METRIC_MSSSIM) {
		metric_property(file, "msssim", m->msssim);
	}
	if (m->computed & UHD_METRIC_DELTAITP) {
		metric_property(file, "deltaitp_mean", m->ditp_mean);
		metric_property(file, "deltaitp_p99", m->ditp_p99);
	}
	if (m->computed & UHD_METRIC_DIFF) {
		metric_property(file, "max_diff", m->max_diff);
	}
	fprintf(file, "        <property name=\"checksum_match\" value=\"%s\"/>\n",
	        f->checksum_match ? "true" : "false");
	fputs("      </properties>", file);
}

/* JUnit readers split classname at dots into package and class (Jenkins
 * shows "mkv vs clip" under a package "/data/a"): dots become underscores. */
static void classname(FILE *file, const char *suite)
{
	char name[1024];
	snprintf(name, sizeof(name), "%s", suite);
	for (char *p = name; *p; p++) {
		*p = *p == '.' ? '_' : *p;
	}
	xml_text(file, name);
}

static void testcase_frame(FILE *file, const struct check_report *report, const char *suite,
                           const struct check_frame *f)
{
	fprintf(file, "    <testcase classname=\"");
	classname(file, suite);
	fprintf(file, "\" name=\"frame-%06lld\" time=\"%.3f\">", (long long)f->input_frame,
	        (f->render_ms + f->compare_ms) / 1e3);
	frame_properties(file, f);
	char lines[7][160];
	int n = uhd_check_failure_lines(report, f, lines);
	if (n) {
		fputs("\n      <failure type=\"threshold\" message=\"", file);
		xml_text(file, lines[0]);
		fputs("\">", file);
		for (int i = 0; i < n; i++) {
			xml_text(file, lines[i]);
			fputc('\n', file);
		}
		fputs("</failure>", file);
	}
	fputs("\n    </testcase>\n", file);
}

/* A testcase for a failure of the run as a whole (mismatch, error, interrupt). */
static void testcase_run(FILE *file, const char *suite, const char *name, const char *element,
                         const char *message)
{
	fputs("    <testcase classname=\"", file);
	classname(file, suite);
	fprintf(file, "\" name=\"%s\">\n      <%s message=\"", name, element);
	xml_text(file, message);
	fprintf(file, "\"/>\n    </testcase>\n");
}

static int count_failures(const struct check_report *report)
{
	int failures = report->mismatch ? 1 : 0;
	for (int64_t i = 0; i < report->frame_count; i++) {
		failures += report->frames[i].failures != 0;
	}
	return failures;
}

/* Frames, plus the testcases for a mismatch and for a run error. */
static int count_tests(const struct check_report *report)
{
	return (int)report->frame_count + (report->mismatch ? 1 : 0) + (report->error ? 1 : 0);
}

void uhd_junit_suite(FILE *file, const struct check_report *report)
{
	const struct uhd_check_params *p = report->params;
	char name[1024];
	snprintf(name, sizeof(name), "%s", p->suite_name ? p->suite_name : "");
	if (!*name) {
		snprintf(name, sizeof(name), "%s vs %s", p->input, p->ref);
	}
	bool errored = report->error != NULL;
	int tests = count_tests(report);
	fputs("  <testsuite name=\"", file);
	xml_text(file, name);
	fprintf(file, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%.3f\">\n", tests,
	        count_failures(report), errored ? 1 : 0, report->seconds);
	fputs("    <properties>\n", file);
	property(file, "input", p->input);
	property(file, "reference", p->ref);
	property(file, "complete", report->complete ? "true" : "false");
	property(file, "device", report->device);
	fputs("    </properties>\n", file);
	for (int64_t i = 0; i < report->frame_count; i++) {
		testcase_frame(file, report, name, &report->frames[i]);
	}
	if (report->mismatch) {
		testcase_run(file, name, "frames", "failure", report->mismatch);
	}
	if (errored) {
		testcase_run(file, name, "run", "error", report->error);
	}
	fputs("  </testsuite>\n", file);
}

int uhd_junit_write(const struct check_report *const *reports, int count, const char *path)
{
	struct uhd_atomic_file f;
	int ret = uhd_atomic_open(&f, path, "JUnit report");
	if (ret < 0) {
		return ret;
	}
	int tests = 0, failures = 0, errors = 0;
	for (int i = 0; i < count; i++) {
		tests += count_tests(reports[i]);
		failures += count_failures(reports[i]);
		errors += reports[i]->error != NULL;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f.file);
	fprintf(f.file,
	        "<testsuites name=\"uhdpipe check\" tests=\"%d\" failures=\"%d\" errors=\"%d\">\n",
	        tests, failures, errors);
	for (int i = 0; i < count; i++) {
		uhd_junit_suite(f.file, reports[i]);
	}
	fputs("</testsuites>\n", f.file);
	return uhd_atomic_commit(&f, "JUnit report");
}

int uhd_check_report_write_junit(const struct check_report *report, const char *path)
{
	return uhd_junit_write(&report, 1, path);
}
