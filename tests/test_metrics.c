/* SPDX-License-Identifier: MIT */
/*
 * GPU metrics against values known in closed form or computed here in double
 * precision from the standards: exact PSNR of a synthetic 8K frame (sums that
 * would drift in float over 33 million pixels), max difference, differing
 * pixel count, and deltaE ITP of colour pairs (ITU-R BT.2124, with SMPTE
 * ST 2084, BT.2100 HLG and BT.1886 decoding written out below).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "uhdpipe/uhdpipe.h"

/* ---- the independent double-precision model ---- */

static double st2084_eotf(double e) /* ST 2084 equation 4.2 */
{
	const double m1 = 2610.0 / 16384, m2 = 2523.0 / 4096 * 128;
	const double c1 = 3424.0 / 4096, c2 = 2413.0 / 4096 * 32, c3 = 2392.0 / 4096 * 32;
	double p = pow(e, 1 / m2);
	double v = p - c1 > 0 ? p - c1 : 0;
	return 10000 * pow(v / (c2 - c3 * p), 1 / m1);
}

static double st2084_inverse(double y) /* cd/m2 -> signal */
{
	const double m1 = 2610.0 / 16384, m2 = 2523.0 / 4096 * 128;
	const double c1 = 3424.0 / 4096, c2 = 2413.0 / 4096 * 32, c3 = 2392.0 / 4096 * 32;
	double l = pow(y / 10000, m1);
	return pow((c1 + c2 * l) / (1 + c3 * l), m2);
}

static double hlg_scene(double e) /* BT.2100 Table 5 inverse OETF */
{
	const double a = 0.17883277, b = 1 - 4 * a, c = 0.5 - a * log(4 * a);
	return e <= 0.5 ? e * e / 3 : (exp((e - c) / a) + b) / 12;
}

enum transfer { SDR, PQ, HLG };

/* Code values (full range) -> BT.2020 display light, cd/m2. */
static void display_light(const double signal[3], enum transfer t, bool bt709, double out[3])
{
	/* BT.2087 linear BT.709 -> BT.2020 */
	static const double to2020[3][3] = {
	        {0.627403895934699, 0.329283038377884, 0.043313065687417},
	        {0.069097289358232, 0.919540395075459, 0.011362315566309},
	        {0.016391438875150, 0.088013307877226, 0.895595253247624}};
	double rgb[3];
	if (t == PQ) {
		for (int i = 0; i < 3; i++) {
			rgb[i] = st2084_eotf(signal[i]);
		}
	} else if (t == HLG) { /* OOTF: 1000 cd/m2 display, gamma 1.2, black 0 */
		double s[3];
		for (int i = 0; i < 3; i++) {
			s[i] = hlg_scene(signal[i]);
		}
		double ys = 0.2627 * s[0] + 0.6780 * s[1] + 0.0593 * s[2];
		for (int i = 0; i < 3; i++) {
			rgb[i] = ys > 0 ? 1000 * pow(ys, 0.2) * s[i] : 0;
		}
	} else { /* BT.1886, Lw 100, Lb 0 */
		for (int i = 0; i < 3; i++) {
			rgb[i] = 100 * pow(signal[i], 2.4);
		}
	}
	for (int r = 0; r < 3; r++) {
		out[r] = bt709 ? to2020[r][0] * rgb[0] + to2020[r][1] * rgb[1] +
		                         to2020[r][2] * rgb[2]
		               : rgb[r];
	}
}

static void ictcp(const double rgb[3], double itp[3])
{
	double l = (1688 * rgb[0] + 2146 * rgb[1] + 262 * rgb[2]) / 4096;
	double m = (683 * rgb[0] + 2951 * rgb[1] + 462 * rgb[2]) / 4096;
	double s = (99 * rgb[0] + 309 * rgb[1] + 3688 * rgb[2]) / 4096;
	double lp = st2084_inverse(l), mp = st2084_inverse(m), sp = st2084_inverse(s);
	itp[0] = 0.5 * lp + 0.5 * mp;
	itp[1] = (6610 * lp - 13613 * mp + 7003 * sp) / 4096;
	itp[2] = (17933 * lp - 17390 * mp - 543 * sp) / 4096;
}

/* BT.2124 equation 1 */
static double delta_itp(const uint16_t a[3], const uint16_t b[3], enum transfer t, bool bt709)
{
	double sa[3], sb[3], la[3], lb[3], ia[3], ib[3];
	for (int i = 0; i < 3; i++) {
		sa[i] = a[i] / 65535.0;
		sb[i] = b[i] / 65535.0;
	}
	display_light(sa, t, bt709, la);
	display_light(sb, t, bt709, lb);
	ictcp(la, ia);
	ictcp(lb, ib);
	double di = ia[0] - ib[0], dt = 0.5 * (ia[1] - ib[1]), dp = ia[2] - ib[2];
	return 720 * sqrt(di * di + dt * dt + dp * dp);
}

/* ---- images ---- */

struct picture {
	struct uhd_image image;
	uint8_t *pixels;
};

static void picture_init(struct picture *p, int w, int h, enum transfer t, bool bt709)
{
	p->pixels = calloc((size_t)w * h, 6);
	p->image = (struct uhd_image){.width = w,
	                              .height = h,
	                              .bits = 16,
	                              .channels = 3,
	                              .stride = (size_t)w * 6,
	                              .data = p->pixels};
	p->image.colour.primaries = bt709 ? UHD_PRIMARIES_BT709 : UHD_PRIMARIES_BT2020;
	p->image.colour.transfer = t == PQ    ? UHD_TRANSFER_PQ
	                           : t == HLG ? UHD_TRANSFER_HLG
	                                      : UHD_TRANSFER_BT709;
	p->image.colour.matrix = UHD_MATRIX_RGB;
	p->image.colour.range = UHD_RANGE_FULL;
}

static void put(struct picture *p, int x, int y, const uint16_t rgb[3])
{
	uint8_t *px = p->pixels + (size_t)y * p->image.stride + (size_t)x * 6;
	for (int c = 0; c < 3; c++) {
		px[2 * c] = (uint8_t)(rgb[c] >> 8); /* big-endian, as PNG */
		px[2 * c + 1] = (uint8_t)rgb[c];
	}
}

static struct uhd_comparer *make_comparer(struct uhd_context *ctx, int w, int h, unsigned metrics)
{
	struct uhd_compare_params params = UHD_COMPARE_DEFAULTS;
	params.width = w;
	params.height = h;
	params.metrics = metrics;
	struct uhd_comparer *cmp = NULL;
	int ret = uhd_comparer_create(ctx, &params, &cmp);
	CHECK(ret == 0, "creating a %dx%d comparer failed (%d)", w, h, ret);
	return cmp;
}

/* 8K frame, G off by d everywhere and by 2d at one pixel: PSNR, max difference
 * and count are known exactly. A float accumulator would drift here. */
static void test_exact_psnr_8k(struct uhd_context *ctx)
{
	const int w = 7680, h = 4320, d = 3, x0 = 5001, y0 = 3333;
	struct picture ref, test;
	picture_init(&ref, w, h, PQ, false);
	picture_init(&test, w, h, PQ, false);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			uint16_t v = (uint16_t)(1000 + (x * 7 + y * 13) % 60000);
			uint16_t a[3] = {v, (uint16_t)(v + 17), (uint16_t)(65535 - v)};
			uint16_t b[3] = {a[0], (uint16_t)(a[1] + (x == x0 && y == y0 ? 2 * d : d)),
			                 a[2]};
			put(&ref, x, y, a);
			put(&test, x, y, b);
		}
	}
	struct uhd_comparer *cmp = make_comparer(ctx, w, h, UHD_METRIC_PSNR | UHD_METRIC_DIFF);
	struct uhd_metrics m;
	int ret = cmp ? uhd_comparer_run(cmp, &ref.image, &test.image, &m) : -1;
	CHECK(ret == 0, "8K comparison failed (%d)", ret);
	double n = (double)w * h;
	double mse_g = (d * d * (n - 1) + 4.0 * d * d) / n;
	CHECK_NEAR(m.mse[1], mse_g, 1e-12, "8K MSE of G");
	CHECK(m.mse[0] == 0 && m.mse[2] == 0, "R and B are identical, MSE %g %g", m.mse[0],
	      m.mse[2]);
	CHECK_NEAR(m.psnr[1], 10 * log10(65535.0 * 65535.0 / mse_g), 1e-9, "8K PSNR of G");
	CHECK_NEAR(m.psnr_avg, 10 * log10(65535.0 * 65535.0 / (mse_g / 3)), 1e-9, "8K PSNR avg");
	CHECK(isinf(m.psnr[0]), "PSNR of identical R is %g, expected inf", m.psnr[0]);
	CHECK(m.max_diff == 2 * d && m.max_diff_x == x0 && m.max_diff_y == y0,
	      "max difference %u at (%d,%d), expected %d at (%d,%d)", m.max_diff, m.max_diff_x,
	      m.max_diff_y, 2 * d, x0, y0);
	CHECK(m.diff_pixels == (uint64_t)n, "differing pixels %llu, expected %.0f",
	      (unsigned long long)m.diff_pixels, n);
	uhd_comparer_destroy(&cmp);
	free(ref.pixels);
	free(test.pixels);
}

struct pair {
	const char *what;
	enum transfer t;
	bool bt709;
	uint16_t a[3], b[3];
};

/* Single pixels: the metric's mean, max and p99 all equal that pixel's value. */
static void test_itp_pairs(struct uhd_context *ctx)
{
	static const struct pair pairs[] = {
	        {"PQ near black", PQ, false, {1024, 1024, 1024}, {1100, 1024, 1024}},
	        {"PQ black vs first step", PQ, false, {0, 0, 0}, {64, 64, 64}},
	        {"PQ 100 cd/m2 grey, blue shift",
	         PQ,
	         false,
	         {33000, 33000, 33000},
	         {33000, 33000, 34000}},
	        {"PQ near peak", PQ, false, {65000, 65000, 65000}, {65535, 65535, 65535}},
	        {"PQ saturated red vs orange", PQ, false, {50000, 0, 0}, {50000, 20000, 0}},
	        {"HLG near black", HLG, false, {600, 600, 600}, {700, 600, 600}},
	        {"HLG mid grey", HLG, false, {24000, 24000, 24000}, {24400, 24000, 23600}},
	        {"HLG near peak", HLG, false, {64000, 64000, 64000}, {65535, 65535, 65535}},
	        {"SDR BT.709 near black", SDR, true, {500, 500, 500}, {560, 500, 500}},
	        {"SDR BT.709 white vs off-white",
	         SDR,
	         true,
	         {65535, 65535, 65535},
	         {65535, 65535, 62000}},
	        {"SDR BT.709 green vs cyan-ish", SDR, true, {0, 40000, 0}, {0, 40000, 9000}},
	        {"identical", PQ, false, {12345, 23456, 34567}, {12345, 23456, 34567}},
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const struct pair *p = &pairs[i];
		struct picture ref, test;
		picture_init(&ref, 1, 1, p->t, p->bt709);
		picture_init(&test, 1, 1, p->t, p->bt709);
		put(&ref, 0, 0, p->a);
		put(&test, 0, 0, p->b);
		struct uhd_comparer *cmp = make_comparer(ctx, 1, 1, UHD_METRIC_DELTAITP);
		struct uhd_metrics m;
		int ret = cmp ? uhd_comparer_run(cmp, &ref.image, &test.image, &m) : -1;
		double expected = delta_itp(p->a, p->b, p->t, p->bt709);
		/* float32 on the GPU against the double model: measured at most 8e-5
		 * (HLG mid grey 3.26109 vs 3.26101, PQ near black 6e-5 on 0.96) */
		double tol = 1e-4 * expected + 1e-4;
		CHECK(ret == 0, "%s: comparison failed (%d)", p->what, ret);
		CHECK(fabs(m.ditp_mean - expected) <= tol && fabs(m.ditp_max - expected) <= tol,
		      "%s: deltaE ITP mean %.6f max %.6f, expected %.6f (tolerance %.4f)", p->what,
		      m.ditp_mean, m.ditp_max, expected, tol);
		CHECK(expected != 0 || (m.ditp_mean == 0 && m.ditp_max == 0 && m.ditp_p99 == 0),
		      "%s: identical pixels must give exactly 0, got %g", p->what, m.ditp_max);
		/* p99 is a half float: 2^-11 relative resolution */
		CHECK(fabs(m.ditp_p99 - expected) <= tol + expected / 2048,
		      "%s: deltaE ITP p99 %.6f, expected %.6f", p->what, m.ditp_p99, expected);
		printf("%-32s deltaE ITP %10.5f (model %10.5f)\n", p->what, m.ditp_mean, expected);
		uhd_comparer_destroy(&cmp);
		free(ref.pixels);
		free(test.pixels);
	}
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* A 331x187 frame of random pairs around three levels: mean, max and the
 * nearest-rank p99 against the model's per-pixel values. */
static void test_itp_statistics(struct uhd_context *ctx, enum transfer t, bool bt709)
{
	const int w = 331, h = 187, n = w * h;
	struct picture ref, test;
	picture_init(&ref, w, h, t, bt709);
	picture_init(&test, w, h, t, bt709);
	double *values = malloc(sizeof(double) * n), sum = 0, max = 0;
	unsigned seed = 12345;
	for (int i = 0; i < n; i++) {
		static const int levels[3] = {800, 30000, 63000};
		uint16_t a[3], b[3];
		for (int c = 0; c < 3; c++) {
			seed = seed * 1103515245u + 12345u;
			a[c] = (uint16_t)(levels[i % 3] + (seed >> 16) % 2000);
			seed = seed * 1103515245u + 12345u;
			b[c] = (uint16_t)(a[c] + (seed >> 16) % (i % 97 == 0 ? 3000 : 300));
		}
		put(&ref, i % w, i / w, a);
		put(&test, i % w, i / w, b);
		values[i] = delta_itp(a, b, t, bt709);
		sum += values[i];
		max = values[i] > max ? values[i] : max;
	}
	qsort(values, n, sizeof(double), compare_doubles);
	double p99 = values[n - n / 100 - 1];
	struct uhd_comparer *cmp = make_comparer(ctx, w, h, UHD_METRIC_DELTAITP);
	struct uhd_metrics m;
	int ret = cmp ? uhd_comparer_run(cmp, &ref.image, &test.image, &m) : -1;
	CHECK(ret == 0, "statistics comparison failed (%d)", ret);
	const char *name = t == PQ ? "PQ" : t == HLG ? "HLG" : "SDR";
	printf("%s statistics: mean %.5f/%.5f p99 %.5f/%.5f max %.5f/%.5f (GPU/model)\n", name,
	       m.ditp_mean, sum / n, m.ditp_p99, p99, m.ditp_max, max);
	CHECK(fabs(m.ditp_mean - sum / n) <= 1e-4 * sum / n + 1e-4, "%s mean %.6f vs %.6f", name,
	      m.ditp_mean, sum / n);
	CHECK(fabs(m.ditp_max - max) <= 1e-4 * max + 1e-4, "%s max %.6f vs %.6f", name, m.ditp_max,
	      max);
	/* nearest rank of half-float values: within two half-float steps */
	CHECK(fabs(m.ditp_p99 - p99) <= p99 / 1024 + 0.002, "%s p99 %.6f vs %.6f", name, m.ditp_p99,
	      p99);
	uhd_comparer_destroy(&cmp);
	free(values);
	free(ref.pixels);
	free(test.pixels);
}

static void test_bad_input(struct uhd_context *ctx)
{
	struct uhd_compare_params params = UHD_COMPARE_DEFAULTS;
	params.width = 100;
	params.height = 100;
	struct uhd_comparer *cmp = NULL;
	CHECK(uhd_comparer_create(ctx, &params, &cmp) == -EINVAL && !cmp,
	      "MS-SSIM on 100x100 must be refused");
	params.metrics = UHD_METRIC_PSNR;
	params.bits = 10;
	CHECK(uhd_comparer_create(ctx, &params, &cmp) == -EINVAL, "10-bit container refused");
	unsigned metrics;
	const char *bad = NULL;
	CHECK(uhd_metrics_from_names("psnr,SSIM,deltaitp", &metrics, &bad) == 0 &&
	              metrics == (UHD_METRIC_PSNR | UHD_METRIC_SSIM | UHD_METRIC_DELTAITP),
	      "metric names parsed to %#x", metrics);
	CHECK(uhd_metrics_from_names("psnr,vmaf", &metrics, &bad) == -EINVAL &&
	              strcmp(bad, "vmaf") == 0,
	      "unknown metric named");
}

int main(void)
{
	struct uhd_context_params cp = UHD_CONTEXT_DEFAULTS;
	cp.validation = true;
	struct uhd_context *ctx = NULL;
	if (uhd_context_create(&cp, &ctx) < 0) {
		printf("SKIP: no Vulkan device\n");
		return UHD_TEST_SKIP;
	}
	test_bad_input(ctx);
	test_itp_pairs(ctx);
	test_itp_statistics(ctx, PQ, false);
	test_itp_statistics(ctx, HLG, false);
	test_itp_statistics(ctx, SDR, true);
	test_exact_psnr_8k(ctx);
	uhd_context_destroy(&ctx);
	/* after the device is gone, so objects left alive count too */
	unsigned messages = uhd_validation_messages_total();
	CHECK(messages == 0, "%u Vulkan validation messages", messages);
	return test_finish("test_metrics");
}
