/* SPDX-License-Identifier: MIT */
/*
 * GPU test patterns against the standards, independently of the renderer's
 * own tables: every expected code value below is either a number tabulated by
 * the standard (the table cited next to it, as transcribed in the project's
 * standards notes) or derived here in double precision from the formulas of
 * SMPTE ST 2084 (PQ), ITU-R BT.2100 (HLG, quantisation), BT.1886 and BT.709.
 * Region boundaries are computed here from the standards' proportions with the
 * rounding rule the API promises, x = floor(size * p / q + 1/2), and checked to
 * reproduce the pixel positions the standards tabulate at 1920, 3840 and 7680.
 *
 * Every pixel of the bars and PLUGE images is compared with the model, region
 * by region: one check per region, whose failure names the pattern, format,
 * region, pixel, channel, expected and actual code values.
 *
 * Conventions tested (include/uhdpipe/pattern.h):
 * - samples are R'G'B' code values; 8-bit formats in 8-bit samples, 10/12-bit
 *   in 16-bit samples by left bit replication (code = sample >> (16 - bits)),
 *   big-endian as every uhd_image carries them (convert.h, quality.h; the PNG
 *   writer passes rows through), significant_bits = bits;
 * - BT.2111-3 (05/2025): PQ "set B" values (58% = 203 cd/m2 exactly), HLG as
 *   tabulated; narrow 12-bit codes are 4 x the 10-bit ones; the PQ BT.709
 *   bars of band 5 are checked within one 10-bit code (4 at 12 bits) because
 *   transcriptions of the tables disagree by one code there; HLG ones exact.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "uhdpipe/pattern.h"
#include "uhdpipe/uhdpipe.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

enum { SDR = UHD_TRANSFER_BT709, PQ = UHD_TRANSFER_PQ, HLG = UHD_TRANSFER_HLG };
enum { NARROW = UHD_RANGE_LIMITED, FULL = UHD_RANGE_FULL };

/* ===================== the independent double-precision model ===================== */

/* floor(size * p / q + 1/2), exactly, for p, q >= 0 */
static int bx(int size, int p, int q)
{
	return (int)(((int64_t)2 * size * p + q) / ((int64_t)2 * q));
}

/* BT.2100 Round(x) = Sign(x) Floor(|x| + 0.5) */
static long round_bt2100(double x)
{
	return x < 0 ? -(long)floor(-x + 0.5) : (long)floor(x + 0.5);
}

/* BT.2100 Table 9 / BT.709 item 5.3: quantisation of a non-linear signal E'. */
static int quantise(double e, int bits, bool full)
{
	if (full) {
		return (int)round_bt2100((double)((1 << bits) - 1) * e);
	}
	return (int)round_bt2100((219.0 * e + 16.0) * (double)(1 << (bits - 8)));
}

/* SMPTE ST 2084 equation 5.2, the inverse EOTF: cd/m2 -> E' */
static double pq_inverse(double cd)
{
	const double m1 = 2610.0 / 16384, m2 = 2523.0 / 4096 * 128;
	const double c1 = 3424.0 / 4096, c2 = 2413.0 / 4096 * 32, c3 = 2392.0 / 4096 * 32;
	double y = pow(cd / 10000, m1);
	return pow((c1 + c2 * y) / (1 + c3 * y), m2);
}

/* SMPTE ST 2084 equation 5.1, the EOTF: E' -> cd/m2 */
static double pq_eotf(double e)
{
	const double m1 = 2610.0 / 16384, m2 = 2523.0 / 4096 * 128;
	const double c1 = 3424.0 / 4096, c2 = 2413.0 / 4096 * 32, c3 = 2392.0 / 4096 * 32;
	double p = pow(e, 1 / m2);
	return 10000 * pow(fmax(p - c1, 0) / (c2 - c3 * p), 1 / m1);
}

/* BT.2100 Table 5, HLG OETF: scene light E in 0..1 -> E' */
static double hlg_oetf(double e)
{
	const double a = 0.17883277, b = 1 - 4 * a, c = 0.5 - a * log(4 * a);
	return e <= 1.0 / 12 ? sqrt(3 * e) : a * log(12 * e - b) + c;
}

/* BT.2100 Table 5, inverse HLG OOTF for a nominal peak Lw = 1000 cd/m2,
 * gamma 1.2, black 0: display light (BT.2020 RGB, cd/m2) -> E' per channel. */
static void hlg_from_display(const double fd[3], double out[3])
{
	const double lw = 1000, gamma = 1.2;
	double yd = 0.2627 * fd[0] + 0.6780 * fd[1] + 0.0593 * fd[2];
	double ys = pow(yd / lw, 1 / gamma);
	for (int i = 0; i < 3; i++) {
		double es = yd > 0 ? fd[i] / (lw * pow(ys, gamma - 1)) : 0;
		out[i] = hlg_oetf(es);
	}
}

/* BT.1886 with Lw = 100 cd/m2, Lb = 0, gamma 2.4: cd/m2 -> E' */
static double bt1886_inverse(double cd)
{
	return pow(cd / 100, 1 / 2.4);
}

static void mat_inverse(const double m[3][3], double out[3][3])
{
	double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
	             m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
	             m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
	for (int r = 0; r < 3; r++) {
		for (int c = 0; c < 3; c++) {
			int r1 = (c + 1) % 3, r2 = (c + 2) % 3, c1 = (r + 1) % 3, c2 = (r + 2) % 3;
			out[r][c] = (m[r1][c1] * m[r2][c2] - m[r1][c2] * m[r2][c1]) / det;
		}
	}
}

/* RGB -> XYZ from chromaticities (SMPTE RP 177): primaries R, G, B and white. */
static void npm(const double xy[4][2], double m[3][3])
{
	double p[3][3], inv[3][3], w[3], s[3];
	for (int i = 0; i < 3; i++) {
		p[0][i] = xy[i][0] / xy[i][1];
		p[1][i] = 1;
		p[2][i] = (1 - xy[i][0] - xy[i][1]) / xy[i][1];
	}
	w[0] = xy[3][0] / xy[3][1];
	w[1] = 1;
	w[2] = (1 - xy[3][0] - xy[3][1]) / xy[3][1];
	mat_inverse(p, inv);
	for (int i = 0; i < 3; i++) {
		s[i] = inv[i][0] * w[0] + inv[i][1] * w[1] + inv[i][2] * w[2];
	}
	for (int r = 0; r < 3; r++) {
		for (int c = 0; c < 3; c++) {
			m[r][c] = p[r][c] * s[c];
		}
	}
}

/* Linear BT.709 RGB -> linear BT.2020 RGB, from the primaries of BT.709
 * (Table 1 item 1.3) and BT.2020 (Table 3 item 3.3), D65 white. */
static double m709_to_2020[3][3];

static void derive_709_to_2020(void)
{
	static const double p709[4][2] = {
	        {0.640, 0.330}, {0.300, 0.600}, {0.150, 0.060}, {0.3127, 0.3290}};
	static const double p2020[4][2] = {
	        {0.708, 0.292}, {0.170, 0.797}, {0.131, 0.046}, {0.3127, 0.3290}};
	double a[3][3], b[3][3], binv[3][3];
	npm(p709, a);
	npm(p2020, b);
	mat_inverse(b, binv);
	for (int r = 0; r < 3; r++) {
		for (int c = 0; c < 3; c++) {
			m709_to_2020[r][c] =
			        binv[r][0] * a[0][c] + binv[r][1] * a[1][c] + binv[r][2] * a[2][c];
		}
	}
	/* cross-check against the matrix ITU-R BT.2087-0 equation 6 publishes */
	static const double bt2087[3][3] = {
	        {0.6274, 0.3293, 0.0433}, {0.0691, 0.9195, 0.0114}, {0.0164, 0.0880, 0.8956}};
	for (int r = 0; r < 3; r++) {
		for (int c = 0; c < 3; c++) {
			CHECK(fabs(m709_to_2020[r][c] - bt2087[r][c]) < 1e-4,
			      "model: derived BT.709->BT.2020 [%d][%d] = %.6f, BT.2087 gives %.4f",
			      r, c, m709_to_2020[r][c], bt2087[r][c]);
		}
	}
}

/* ===================== rendering and reading samples ===================== */

static struct uhd_context *ctx;
static struct uhd_pattern_renderer *renderer;
static struct uhd_pattern_format renderer_format;
static bool have_renderer;
static int renders, le_renders;
static bool order_reported;
static double render_seconds;

struct shot {
	char what[200]; /* "SPEC, 10-bit PQ narrow 1920x1080" */
	struct uhd_pattern_format f;
	struct uhd_image img;
	bool le; /* 16-bit samples came little-endian (reported once) */
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static struct uhd_pattern_format format(int w, int h, int bits, int transfer, int range)
{
	struct uhd_pattern_format f = UHD_PATTERN_FORMAT_DEFAULTS;
	f.width = w;
	f.height = h;
	f.bits = bits;
	f.transfer = transfer;
	f.range = (enum uhd_range)range;
	return f;
}

static const char *describe(const struct uhd_pattern_format *f, char *buf, size_t size)
{
	snprintf(buf, size, "%d-bit %s %s %dx%d", f->bits,
	         f->transfer == PQ    ? "PQ"
	         : f->transfer == HLG ? "HLG"
	                              : "SDR",
	         f->range == UHD_RANGE_FULL ? "full" : "narrow", f->width, f->height);
	return buf;
}

static bool same_format(const struct uhd_pattern_format *a, const struct uhd_pattern_format *b)
{
	return a->width == b->width && a->height == b->height && a->bits == b->bits &&
	       a->transfer == b->transfer && a->range == b->range;
}

/* Reads sample (x, y, c) as a code value of the format's bit depth. */
static inline unsigned code_at(const struct shot *s, int x, int y, int c)
{
	const uint8_t *row = s->img.data + (size_t)y * s->img.stride;
	if (s->img.bits == 8) {
		return row[(size_t)x * 3 + (size_t)c];
	}
	const uint8_t *p = row + ((size_t)x * 3 + (size_t)c) * 2;
	unsigned v = s->le ? (unsigned)(p[0] | p[1] << 8) : (unsigned)(p[0] << 8 | p[1]);
	return v >> (16 - s->f.bits);
}

/* Counts 16-bit samples whose low bits are not the code's top bits replicated
 * (PNG's left bit replication), reading them in the given byte order. */
static long replication_errors(const struct shot *s, bool le, int *ex, int *ey, unsigned *ev)
{
	const int bits = s->f.bits;
	const unsigned mask = (1u << (16 - bits)) - 1;
	long bad = 0;
	for (int y = 0; y < s->img.height; y++) {
		const uint8_t *row = s->img.data + (size_t)y * s->img.stride;
		for (int i = 0; i < s->img.width * 3; i++) {
			const uint8_t *p = row + 2 * (size_t)i;
			unsigned v =
			        le ? (unsigned)(p[0] | p[1] << 8) : (unsigned)(p[0] << 8 | p[1]);
			if ((v & mask) != v >> bits) {
				if (bad++ == 0 && ex) {
					*ex = i / 3;
					*ey = y;
					*ev = v;
				}
			}
		}
	}
	return bad;
}

/* The image's container and colour description, and the sample encoding. */
static bool check_container(struct shot *s)
{
	const struct uhd_image *im = &s->img;
	const struct uhd_pattern_format *f = &s->f;
	int want_bits = f->bits == 8 ? 8 : 16;
	bool ok = im->data != NULL && im->width == f->width && im->height == f->height &&
	          im->channels == 3 && im->bits == want_bits &&
	          im->stride >= (size_t)im->width * 3 * (size_t)(want_bits / 8);
	CHECK(ok,
	      "%s: image %dx%d, %d channels of %d bits, stride %zu; expected %dx%d, 3 x %d bits",
	      s->what, im->width, im->height, im->channels, im->bits, im->stride, f->width,
	      f->height, want_bits);
	if (!ok) {
		return false;
	}
	if (f->bits > 8) {
		CHECK(im->significant_bits == f->bits, "%s: significant_bits %d, expected %d",
		      s->what, im->significant_bits, f->bits);
	}
	int primaries = f->transfer == SDR ? UHD_PRIMARIES_BT709 : UHD_PRIMARIES_BT2020;
	CHECK(uhd_pattern_primaries(f) == primaries && im->colour.primaries == primaries &&
	              (int)im->colour.transfer == f->transfer && im->colour.range == f->range &&
	              im->colour.matrix == UHD_MATRIX_RGB,
	      "%s: image colour primaries %d transfer %d range %d matrix %d, expected %d %d %d RGB",
	      s->what, (int)im->colour.primaries, (int)im->colour.transfer, (int)im->colour.range,
	      (int)im->colour.matrix, primaries, f->transfer, (int)f->range);
	if (f->bits == 8) {
		return true;
	}
	int ex = 0, ey = 0;
	unsigned ev = 0;
	long be_bad = replication_errors(s, false, &ex, &ey, &ev);
	if (be_bad == 0) {
		return true;
	}
	long le_bad = replication_errors(s, true, NULL, NULL, NULL);
	if (le_bad == 0) {
		/* One root cause: say it once, then read the samples the way they
		 * came so that the value checks stay informative. */
		s->le = true;
		le_renders++;
		if (!order_reported) {
			order_reported = true;
			CHECK(false,
			      "%s: 16-bit samples are little-endian; uhd_image carries them "
			      "big-endian as PNG stores them (convert.h, quality.h; the PNG writer "
			      "passes rows through). E.g. (%d,%d) R reads 0x%04x big-endian. "
			      "Value checks below read them little-endian",
			      s->what, ex, ey, ev);
		}
		return true;
	}
	CHECK(be_bad == 0,
	      "%s: %ld samples are not left-bit-replicated %d-bit codes, first at "
	      "(%d,%d): 0x%04x",
	      s->what, be_bad, f->bits, ex, ey, ev);
	return true;
}

static bool render(const char *spec, struct uhd_pattern_format f, struct shot *s)
{
	char fd[64], err[512] = "";
	memset(s, 0, sizeof(*s));
	s->f = f;
	snprintf(s->what, sizeof(s->what), "%s, %s", spec, describe(&f, fd, sizeof(fd)));
	struct uhd_pattern *p = NULL;
	int ret = uhd_pattern_parse(spec, &f, &p, err, sizeof(err));
	CHECK(ret == 0 && p, "%s: parse failed (%d): %s", s->what, ret, err);
	if (ret != 0 || !p) {
		return false;
	}
	CHECK(same_format(uhd_pattern_format(p), &f), "%s: the pattern's format differs", s->what);
	if (!have_renderer || !same_format(&renderer_format, &f)) {
		uhd_pattern_renderer_destroy(&renderer);
		have_renderer = false;
		ret = uhd_pattern_renderer_create(ctx, &f, &renderer);
		CHECK(ret == 0 && renderer, "%s: renderer_create failed (%d)", s->what, ret);
		if (ret != 0) {
			uhd_pattern_destroy(&p);
			return false;
		}
		have_renderer = true;
		renderer_format = f;
	}
	double t0 = now();
	ret = uhd_pattern_render(renderer, p, &s->img);
	double dt = now() - t0;
	render_seconds += dt;
	renders++;
	printf("  render %-60s %6.2f s\n", s->what, dt);
	fflush(stdout);
	uhd_pattern_destroy(&p);
	CHECK(ret == 0, "%s: render failed (%d)", s->what, ret);
	if (ret != 0) {
		return false;
	}
	return check_container(s);
}

/* ===================== region layouts ===================== */

struct rect {
	int x0, x1, y0, y1;
	int lo[3], hi[3]; /* accepted code range per channel */
	char name[72];
};

struct layout {
	struct rect *r;
	int n, cap;
	const char *cite; /* the table the values come from */
};

static void add_range(struct layout *l, int x0, int x1, int y0, int y1, const int lo[3],
                      const int hi[3], const char *fmt, ...)
{
	if (x0 >= x1 || y0 >= y1) {
		return; /* empty at this size */
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->r = realloc(l->r, (size_t)l->cap * sizeof(*l->r));
		if (!l->r) {
			abort();
		}
	}
	struct rect *r = &l->r[l->n++];
	*r = (struct rect){.x0 = x0, .x1 = x1, .y0 = y0, .y1 = y1};
	memcpy(r->lo, lo, sizeof(r->lo));
	memcpy(r->hi, hi, sizeof(r->hi));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->name, sizeof(r->name), fmt, ap);
	va_end(ap);
}

#define ADD(l, x0, x1, y0, y1, rgb, tol, ...)                                                      \
	do {                                                                                       \
		int lo_[3], hi_[3];                                                                \
		for (int c_ = 0; c_ < 3; c_++) {                                                   \
			lo_[c_] = (rgb)[c_] - (tol);                                               \
			hi_[c_] = (rgb)[c_] + (tol);                                               \
		}                                                                                  \
		add_range(l, x0, x1, y0, y1, lo_, hi_, __VA_ARGS__);                               \
	} while (0)

static void layout_free(struct layout *l)
{
	free(l->r);
	*l = (struct layout){0};
}

static void grey(int v, int out[3])
{
	out[0] = out[1] = out[2] = v;
}

/* Every pixel against the layout; one check per region. */
static void check_layout(const struct shot *s, const struct layout *l)
{
	const int w = s->f.width, h = s->f.height;
	/* the model covers the picture exactly once */
	uint8_t *seen = calloc(((size_t)w * h + 7) / 8, 1);
	long covered = 0, twice = 0;
	for (int i = 0; i < l->n; i++) {
		const struct rect *r = &l->r[i];
		for (int y = r->y0; y < r->y1; y++) {
			for (int x = r->x0; x < r->x1; x++) {
				size_t k = (size_t)y * w + x;
				if (seen[k / 8] & (1u << (k % 8))) {
					twice++;
				}
				seen[k / 8] |= (uint8_t)(1u << (k % 8));
				covered++;
			}
		}
	}
	free(seen);
	CHECK(covered == (long)w * h && twice == 0,
	      "model error: %s layout covers %ld of %ld pixels, %ld twice", s->what, covered,
	      (long)w * h, twice);
	int shown = 0, more = 0;
	for (int i = 0; i < l->n; i++) {
		const struct rect *r = &l->r[i];
		long bad = 0;
		int fx = 0, fy = 0, fc = 0;
		unsigned got = 0;
		for (int y = r->y0; y < r->y1; y++) {
			for (int x = r->x0; x < r->x1; x++) {
				for (int c = 0; c < 3; c++) {
					unsigned v = code_at(s, x, y, c);
					if ((int)v < r->lo[c] || (int)v > r->hi[c]) {
						if (bad++ == 0) {
							fx = x;
							fy = y;
							fc = c;
							got = v;
						}
					}
				}
			}
		}
		if (bad && shown == 20) { /* one line for the rest */
			more++;
			continue;
		}
		shown += bad != 0;
		char expect[48];
		if (r->lo[fc] == r->hi[fc]) {
			snprintf(expect, sizeof(expect), "%d", r->lo[fc]);
		} else {
			snprintf(expect, sizeof(expect), "%d..%d", r->lo[fc], r->hi[fc]);
		}
		CHECK(bad == 0,
		      "%s: region '%s' (%s) x %d..%d, y %d..%d: %ld samples differ; first at "
		      "(%d,%d) channel %c: expected %s, got %u",
		      s->what, r->name, l->cite, r->x0, r->x1 - 1, r->y0, r->y1 - 1, bad, fx, fy,
		      "RGB"[fc], expect, got);
	}
	CHECK(more == 0, "%s: %d more regions differ (not shown)", s->what, more);
}

/* ===================== ITU-R BT.2111-3 colour bars ===================== */

/* Levels of one format, 10-bit values from BT.2111-3 Table 2 (HLG narrow),
 * Table 3 (PQ narrow) and Table 4 (PQ full); narrow 12-bit = 4 x 10-bit;
 * full 12-bit as Table 4 tabulates it. */
struct b2111 {
	char cite[96];
	int white, black, grey40, bar;
	int stair[13]; /* -7%, 0%, 10% .. 100%, 109% */
	int pluge[3];  /* -2%, +2%, +4% */
	int bt709[6][3];
};

/* BT.2111-3 band 5, 75% BT.709 Y C G M R B bars in BT.2020, PQ, 10-bit, as
 * transcribed from Tables 3 (narrow) and 4 (full) */
static const int pqn709[6][3] = {{568, 571, 381}, {484, 566, 571}, {474, 564, 368},
                                 {536, 361, 564}, {530, 350, 256}, {317, 236, 562}};
static const int pqf709[6][3] = {{589, 592, 370}, {491, 586, 592}, {478, 584, 355},
                                 {551, 347, 584}, {544, 334, 225}, {296, 201, 582}};

/* How BT.2111-3 derives those bars: 100% BT.709 colours through the BT.2087
 * matrix as published (four decimals), scaled to the display light of the
 * 58% PQ signal (not 203 cd/m2: that gives 569/572/... one code higher). */
static void b2111_pq_bt709_model(int bits, bool full, int out[6][3])
{
	static const double m[3][3] = {
	        {0.6274, 0.3293, 0.0433}, {0.0691, 0.9195, 0.0114}, {0.0164, 0.0880, 0.8956}};
	static const int rgb[6][3] = {{1, 1, 0}, {0, 1, 1}, {0, 1, 0},
	                              {1, 0, 1}, {1, 0, 0}, {0, 0, 1}};
	double white = pq_eotf(0.58);
	for (int b = 0; b < 6; b++) {
		for (int r = 0; r < 3; r++) {
			double lin =
			        m[r][0] * rgb[b][0] + m[r][1] * rgb[b][1] + m[r][2] * rgb[b][2];
			out[b][r] = quantise(pq_inverse(lin * white), bits, full);
		}
	}
}

static void b2111_levels(const struct uhd_pattern_format *f, struct b2111 *L)
{
	/* Tables 2 and 3, narrow range (HLG and PQ share all but the bars) */
	static const int stair_narrow[13] = {4,   64,  152, 239, 327, 414, 502,
	                                     590, 677, 765, 852, 940, 1019};
	/* Table 4, PQ full range: -7% and 109% clip to 0 and 1023 */
	static const int stair_full10[13] = {0,   0,   102, 205, 307,  409, 512,
	                                     614, 716, 818, 921, 1023, 1023};
	static const int stair_full12[13] = {0,    0,    410,  819,  1229, 1638, 2048,
	                                     2457, 2867, 3276, 3686, 4095, 4095};
	/* 75% BT.709 Y, C, G, M, R, B bars of band 5 */
	static const int hlg709[6][3] = {{713, 719, 316}, {538, 709, 718},
	                                 {512, 706, 296}, {651, 286, 705},
	                                 {639, 269, 164}, {227, 147, 702}}; /* T2 */
	int pqf709_12[6][3]; /* not in our transcription: the model that gives T3/T4 */
	b2111_pq_bt709_model(12, true, pqf709_12);
	memset(L, 0, sizeof(*L));
	bool full = f->range == UHD_RANGE_FULL;
	if (!full) {
		int k = f->bits == 12 ? 4 : 1;
		snprintf(L->cite, sizeof(L->cite), "BT.2111-3 Table %s%s, Table 1 geometry",
		         f->transfer == HLG ? "2 (HLG narrow)" : "3 (PQ narrow)",
		         k == 4 ? " x4 for 12-bit" : "");
		L->white = 940 * k;
		L->black = 64 * k;
		L->grey40 = 414 * k;
		L->bar = (f->transfer == HLG ? 721 : 572) * k; /* 75% HLG / 58% PQ */
		for (int i = 0; i < 13; i++) {
			L->stair[i] = stair_narrow[i] * k;
		}
		L->pluge[0] = 48 * k; /* BT.814 "slightly darker" */
		L->pluge[1] = 80 * k; /* BT.814 "slightly lighter" */
		L->pluge[2] = 99 * k;
		const int(*t)[3] = f->transfer == HLG ? hlg709 : pqn709;
		for (int i = 0; i < 6; i++) {
			for (int c = 0; c < 3; c++) {
				L->bt709[i][c] = t[i][c] * k;
			}
		}
	} else if (f->bits == 10) {
		snprintf(L->cite, sizeof(L->cite), "BT.2111-3 Table 4 (PQ full), Table 1 geometry");
		L->white = 1023;
		L->black = 0;
		L->grey40 = 409;
		L->bar = 593;
		memcpy(L->stair, stair_full10, sizeof(L->stair));
		L->pluge[0] = 0;
		L->pluge[1] = 19;
		L->pluge[2] = 41;
		memcpy(L->bt709, pqf709, sizeof(L->bt709));
	} else {
		snprintf(L->cite, sizeof(L->cite),
		         "BT.2111-3 Table 4 (PQ full, 12-bit column), Table 1 geometry");
		L->white = 4095;
		L->black = 0;
		L->grey40 = 1638;
		L->bar = 2375; /* 58% of 4095 */
		memcpy(L->stair, stair_full12, sizeof(L->stair));
		L->pluge[0] = 0;
		L->pluge[1] = 75;
		L->pluge[2] = 164;
		memcpy(L->bt709, pqf709_12, sizeof(L->bt709));
	}
}

static void rgb_of(int mask, int hi, int lo, int out[3])
{
	out[0] = mask & 4 ? hi : lo;
	out[1] = mask & 2 ? hi : lo;
	out[2] = mask & 1 ? hi : lo;
}

/* Table 1 column positions, in pixels at a = 1920 */
static const int b2111_bars_x[10] = {0, 240, 446, 652, 858, 1062, 1268, 1474, 1680, 1920};
static const int b2111_stair_x[16] = {0,    240,  446,  549,  652,  755,  858,  960,
                                      1062, 1165, 1268, 1371, 1474, 1577, 1680, 1920};
static const int b2111_band5_x[16] = {0,   80,  160, 240,  376,  446,  514,  584,
                                      652, 722, 960, 1398, 1680, 1760, 1840, 1920};

static void b2111_layout(const struct uhd_pattern_format *f, struct layout *l)
{
	struct b2111 L;
	b2111_levels(f, &L);
	const int W = f->width, H = f->height;
	const bool full = f->range == UHD_RANGE_FULL;
	static char cite[96];
	snprintf(cite, sizeof(cite), "%s", L.cite);
	l->cite = cite;
	/* bands: 1/12, 6/12, 1/12, 1/12, 3/12 of b (Table 1) */
	const int y1 = bx(H, 1, 12), y2 = bx(H, 7, 12), y3 = bx(H, 8, 12), y4 = bx(H, 9, 12);
	static const int masks[7] = {7, 6, 3, 2, 5, 4, 1}; /* W Y C G M R B */
	static const char *names[7] = {"white",   "yellow", "cyan", "green",
	                               "magenta", "red",    "blue"};
	int v[3];
	/* bands 1 and 2: c | d d d e d d d | c, 40% grey side columns */
	for (int i = 0; i < 9; i++) {
		int x0 = bx(W, b2111_bars_x[i], 1920), x1 = bx(W, b2111_bars_x[i + 1], 1920);
		if (i == 0 || i == 8) {
			grey(L.grey40, v);
			ADD(l, x0, x1, 0, y2, v, 0, "bands 1-2 %s 40%% grey", i ? "right" : "left");
			continue;
		}
		rgb_of(masks[i - 1], L.white, L.black, v);
		ADD(l, x0, x1, 0, y1, v, 0, "band 1 100%% %s", names[i - 1]);
		rgb_of(masks[i - 1], L.bar, L.black, v);
		ADD(l, x0, x1, y1, y2, v, 0, "band 2 %s %s", f->transfer == HLG ? "75%" : "58%",
		    names[i - 1]);
	}
	/* band 3: bar-level sides, -7%, 0% .. 100%, 109% */
	for (int i = 0; i < 15; i++) {
		int x0 = bx(W, b2111_stair_x[i], 1920), x1 = bx(W, b2111_stair_x[i + 1], 1920);
		if (i == 0 || i == 14) {
			grey(L.bar, v);
			ADD(l, x0, x1, y2, y3, v, 0, "band 3 %s side", i ? "right" : "left");
		} else {
			grey(L.stair[i - 1], v);
			ADD(l, x0, x1, y2, y3, v, 0, "band 3 stair step %d", i - 1);
		}
	}
	/* band 4: ramp, Table 5 (narrow) / Table 6 (full), one code per 1920th */
	if (!full) {
		int k = f->bits == 12 ? 4 : 1;
		grey(L.black, v);
		ADD(l, 0, bx(W, 240, 1920), y3, y4, v, 0, "band 4 0%% black");
		grey(4 * k, v);
		ADD(l, bx(W, 240, 1920), bx(W, 799, 1920), y3, y4, v, 0, "band 4 -7%% (B)");
		for (int x = 799; x < 1813; x++) {
			grey((5 + x - 799) * k, v);
			ADD(l, bx(W, x, 1920), bx(W, x + 1, 1920), y3, y4, v, 0,
			    "band 4 ramp at x1920=%d", x);
		}
		grey(1019 * k, v);
		ADD(l, bx(W, 1813, 1920), W, y3, y4, v, 0, "band 4 109%% (D)");
	} else {
		grey(0, v);
		ADD(l, 0, bx(W, 858, 1920), y3, y4, v, 0, "band 4 0%% black and B");
		for (int x = 858; x < 1880; x++) {
			int code = x - 857;
			if (f->bits == 10) {
				grey(code, v);
				ADD(l, bx(W, x, 1920), bx(W, x + 1, 1920), y3, y4, v, 0,
				    "band 4 ramp at x1920=%d", x);
			} else { /* 12-bit full ramp codes: not tabulated in our sources */
				int lo[3] = {4 * code, 4 * code, 4 * code};
				int hi[3] = {4 * code + 3, 4 * code + 3, 4 * code + 3};
				add_range(l, bx(W, x, 1920), bx(W, x + 1, 1920), y3, y4, lo, hi,
				          "band 4 ramp at x1920=%d (12-bit: 4k..4k+3)", x);
			}
		}
		int top = f->bits == 10 ? 1023 : 4095;
		int lo[3] = {f->bits == 10 ? 1023 : 4092, 0, 0}, hi[3] = {top, top, top};
		lo[1] = lo[2] = lo[0];
		add_range(l, bx(W, 1880, 1920), W, y3, y4, lo, hi, "band 4 100%% (D)");
	}
	/* band 5: BT.709 Y C G | f | PLUGE g h g h g | i | j | k | BT.709 M R B */
	for (int i = 0; i < 15; i++) {
		int x0 = bx(W, b2111_band5_x[i], 1920), x1 = bx(W, b2111_band5_x[i + 1], 1920);
		static const char *bt709_names[6] = {"yellow",  "cyan", "green",
		                                     "magenta", "red",  "blue"};
		if (i < 3 || i >= 12) {
			int b = i < 3 ? i : i - 9;
			ADD(l, x0, x1, y4, H, L.bt709[b], 0, "band 5 75%% BT.709 %s",
			    bt709_names[b]);
			continue;
		}
		static const char *what[] = {"f 0%",  "g -2%", "h 0%",    "g +2%", "h 0%",
		                             "g +4%", "i 0%",  "j white", "k 0%"};
		int level = L.black;
		switch (i) {
		case 4: level = L.pluge[0]; break;
		case 6: level = L.pluge[1]; break;
		case 8: level = L.pluge[2]; break;
		case 10: level = L.bar; break;
		default: break;
		}
		grey(level, v);
		ADD(l, x0, x1, y4, H, v, 0, "band 5 %s", what[i - 3]);
	}
}

/* The model's boundaries reproduce the widths BT.2111-3 Table 1 tabulates
 * (letters a..k) and the stair and ramp widths of Tables 1 and 5. */
static void b2111_model_selfcheck(void)
{
	for (int s = 1; s <= 4; s *= 2) {
		int W = 1920 * s, H = 1080 * s;
#define X(p) bx(W, p, 1920)
		int got[] = {X(240) - X(0),
		             X(446) - X(240),
		             X(1062) - X(858),
		             X(376) - X(240),
		             X(446) - X(376),
		             X(514) - X(446),
		             X(960) - X(722),
		             X(1398) - X(960),
		             X(1680) - X(1398),
		             X(80) - X(0),
		             bx(H, 1, 12),
		             bx(H, 7, 12) - bx(H, 1, 12),
		             bx(H, 8, 12) - bx(H, 7, 12),
		             bx(H, 9, 12) - bx(H, 8, 12),
		             H - bx(H, 9, 12),
		             X(799) - X(240),
		             X(1813) - X(799),
		             W - X(1813),
		             X(549) - X(446),
		             X(960) - X(858)};
		/* Table 1: c d e f g h i j k, BT.709 bar c/3; bands b/12, b/2, b/12,
		 * b/12, b/4; Table 5: B = 559, C = 1014, D = 107; stair 103, 102 */
		int want[] = {240, 206, 204, 136, 70,  68,  238,  438, 282, 80,
		              90,  540, 90,  90,  270, 559, 1014, 107, 103, 102};
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			CHECK(got[i] == want[i] * s,
			      "model: BT.2111 Table 1 width #%zu at %dx%d: %d, tabulated %d", i, W,
			      H, got[i], want[i] * s);
		}
#undef X
	}
	/* Tables 3/4 tabulate the PQ bars at 58% of the signal range: 572 narrow,
	 * 593 full (10-bit), 2288 narrow 12-bit; the model of band 5 that the
	 * tables come from must reproduce them code for code. */
	CHECK(quantise(0.58, 10, false) == 572 && quantise(0.58, 10, true) == 593 &&
	              quantise(0.58, 12, false) == 2288,
	      "model: 58%% PQ gives %d / %d / %d, Tables 3/4 give 572 / 593 / 2288",
	      quantise(0.58, 10, false), quantise(0.58, 10, true), quantise(0.58, 12, false));
	for (int full = 0; full < 2; full++) {
		int got[6][3];
		b2111_pq_bt709_model(10, full, got);
		const int(*want)[3] = full ? pqf709 : pqn709;
		for (int b = 0; b < 6; b++) {
			for (int c = 0; c < 3; c++) {
				CHECK(got[b][c] == want[b][c],
				      "model: BT.2111 band 5 PQ %s bar %d channel %d: model %d, "
				      "Table %d gives %d",
				      full ? "full" : "narrow", b, c, got[b][c], full ? 4 : 3,
				      want[b][c]);
			}
		}
	}
	/* Table 2: 75% HLG */
	CHECK(quantise(0.75, 10, false) == 721, "model: 75%% narrow 10-bit = %d",
	      quantise(0.75, 10, false));
}

static void test_bt2111(int w, int h, int bits, int transfer, int range)
{
	struct shot s;
	struct uhd_pattern_format f = format(w, h, bits, transfer, range);
	if (!render("bt2111-bars", f, &s)) {
		return;
	}
	struct layout l = {0};
	b2111_layout(&f, &l);
	check_layout(&s, &l);
	layout_free(&l);
	/* for the record: how the PQ BT.709 bars compare with set B exactly */
	if (transfer == PQ && w == 1920) {
		struct b2111 L;
		b2111_levels(&f, &L);
		char line[400] = "";
		size_t off = 0;
		int y = (bx(h, 9, 12) + h) / 2;
		for (int b = 0; b < 6; b++) {
			int x = bx(w, b < 3 ? 40 + 80 * b : 1720 + 80 * (b - 3), 1920);
			off += (size_t)snprintf(line + off, sizeof(line) - off, " %c%+d%+d%+d",
			                        "YCGMRB"[b],
			                        (int)code_at(&s, x, y, 0) - L.bt709[b][0],
			                        (int)code_at(&s, x, y, 1) - L.bt709[b][1],
			                        (int)code_at(&s, x, y, 2) - L.bt709[b][2]);
		}
		printf("  info: %s: BT.709 bars minus Table %s set B (R,G,B):%s\n", s.what,
		       range == FULL ? "4" : "3", line);
	}
	/* the ramp at a few x, spelled out (Table 5 / Table 6). Each 1920th X of the
	 * width covers pixels [bx(w, X), bx(w, X + 1)); below 1920 pixels some of
	 * these are empty (their code, or the last black pixel, is not shown at
	 * that width), so only non-empty ones are spelled out. */
	int yr = (bx(h, 8, 12) + bx(h, 9, 12)) / 2;
	if (range == NARROW && bits == 10) {
		static const int xs[] = {799, 800, 858, 1000, 1500, 1812, 1813};
		static const int codes[] = {5, 6, 64, 206, 706, 1018, 1019};
		for (int i = 0; i < 7; i++) {
			int x = bx(w, xs[i], 1920);
			if (x == bx(w, xs[i] + 1, 1920)) {
				continue;
			}
			unsigned got = code_at(&s, x, yr, 1);
			CHECK(got == (unsigned)codes[i],
			      "%s: ramp (Table 5) at (%d,%d) [x1920=%d] channel G: expected %d, "
			      "got %u",
			      s.what, x, yr, xs[i], codes[i], got);
		}
	} else if (range == FULL && bits == 10) {
		static const int xs[] = {857, 858, 859, 1369, 1879, 1880};
		static const int codes[] = {0, 1, 2, 512, 1022, 1023};
		for (int i = 0; i < 6; i++) {
			int x = bx(w, xs[i], 1920);
			if (x == bx(w, xs[i] + 1, 1920)) {
				continue;
			}
			unsigned got = code_at(&s, x, yr, 1);
			CHECK(got == (unsigned)codes[i],
			      "%s: ramp (Table 6) at (%d,%d) [x1920=%d] channel G: expected %d, "
			      "got %u",
			      s.what, x, yr, xs[i], codes[i], got);
		}
	}
}

/* ===================== SMPTE RP 219-1 colour bars ===================== */

static int pct(double p, int bits)
{
	return quantise(p / 100, bits, false); /* BT.709 narrow-range quantisation */
}

static void rp219_model_selfcheck(void)
{
	/* RP 219 (as transcribed, standards notes 2.2): 8-, 10- and 12-bit levels */
	static const double p[] = {40, 75, 100, 0, 15, -2, 2, 4};
	static const int t8[] = {104, 180, 235, 16, 49, 12, 20, 25};
	static const int t10[] = {414, 721, 940, 64, 195, 46, 82, 99};
	static const int t12[] = {1658, 2884, 3760, 256, 782, 186, 326, 396};
	for (int i = 0; i < 8; i++) {
		CHECK(pct(p[i], 8) == t8[i] && pct(p[i], 10) == t10[i] && pct(p[i], 12) == t12[i],
		      "model: %g%% quantises to %d/%d/%d, RP 219 tabulates %d/%d/%d", p[i],
		      pct(p[i], 8), pct(p[i], 10), pct(p[i], 12), t8[i], t10[i], t12[i]);
	}
}

/* Proportions in 56ths of the width: d = a/8 = 7/56, c = 3a/28 = 6/56. */
static void rp219_layout(const struct uhd_pattern_format *f, bool chip100, struct layout *l)
{
	const int W = f->width, H = f->height, n = f->bits;
	const int g40 = pct(40, n), w75 = pct(75, n), w100 = pct(100, n), k0 = pct(0, n);
	const int g15 = pct(15, n), m2 = pct(-2, n), p2 = pct(2, n), p4 = pct(4, n);
	const int y7 = bx(H, 7, 12), y8 = bx(H, 8, 12), y9 = bx(H, 9, 12);
	l->cite = "SMPTE RP 219-1 pattern 1-4 layout (d = a/8, c = 3a/28), BT.709 quantisation";
	int v[3];
#define XS(k) bx(W, k, 56)
	/* pattern 1: 40% grey d | 75% W Y C G M R B (c each) | 40% grey d */
	static const int masks[7] = {7, 6, 3, 2, 5, 4, 1};
	static const char *names[7] = {"white",   "yellow", "cyan", "green",
	                               "magenta", "red",    "blue"};
	grey(g40, v);
	ADD(l, 0, XS(7), 0, y7, v, 0, "pattern 1 left 40%% grey");
	ADD(l, XS(49), W, 0, y7, v, 0, "pattern 1 right 40%% grey");
	for (int i = 0; i < 7; i++) {
		rgb_of(masks[i], w75, k0, v);
		ADD(l, XS(7 + 6 * i), XS(13 + 6 * i), 0, y7, v, 0, "pattern 1 75%% %s", names[i]);
	}
	/* pattern 2: 100% cyan d | chip c | 75% white 6c | 100% blue d */
	rgb_of(3, w100, k0, v);
	ADD(l, 0, XS(7), y7, y8, v, 0, "pattern 2 100%% cyan");
	grey(chip100 ? w100 : w75, v);
	ADD(l, XS(7), XS(13), y7, y8, v, 0, "pattern 2 %s white chip", chip100 ? "100%" : "75%");
	grey(w75, v);
	ADD(l, XS(13), XS(49), y7, y8, v, 0, "pattern 2 75%% white");
	rgb_of(1, w100, k0, v);
	ADD(l, XS(49), W, y7, y8, v, 0, "pattern 2 100%% blue");
	/* pattern 3: 100% yellow d | 0% black c | Y ramp 5c | 100% white c | 100% red d */
	rgb_of(6, w100, k0, v);
	ADD(l, 0, XS(7), y8, y9, v, 0, "pattern 3 100%% yellow");
	grey(k0, v);
	ADD(l, XS(7), XS(13), y8, y9, v, 0, "pattern 3 0%% black");
	int r0 = XS(13), r1 = XS(43), span = r1 - r0;
	for (int x = r0; x < r1; x++) {
		/* any ramp from 0% to 100% over the span: between the signal at the
		 * pixel's two edges, each rounded outwards */
		double a = k0 + (double)(w100 - k0) * (x - r0) / span;
		double b = k0 + (double)(w100 - k0) * (x - r0 + 1) / span;
		int lo[3], hi[3];
		grey((int)floor(a), lo);
		grey((int)ceil(b), hi);
		add_range(l, x, x + 1, y8, y9, lo, hi, "pattern 3 Y ramp pixel %d of %d", x - r0,
		          span);
	}
	grey(w100, v);
	ADD(l, XS(43), XS(49), y8, y9, v, 0, "pattern 3 100%% white");
	rgb_of(4, w100, k0, v);
	ADD(l, XS(49), W, y8, y9, v, 0, "pattern 3 100%% red");
	/* pattern 4: 15% d | 0% 3c/2 | 100% 2c | 0% 5c/6 | -2 0 +2 0 +4 (c/3) | 0% c | 15% d */
	static const int x4[12] = {0, 7, 16, 28, 33, 35, 37, 39, 41, 43, 49, 56};
	const int lv4[11] = {g15, k0, w100, k0, m2, k0, p2, k0, p4, k0, g15};
	static const char *n4[11] = {"15% grey",  "0% black", "100% white", "0% black",
	                             "-2% PLUGE", "0% PLUGE", "+2% PLUGE",  "0% PLUGE",
	                             "+4% PLUGE", "0% black", "15% grey"};
	for (int i = 0; i < 11; i++) {
		grey(lv4[i], v);
		ADD(l, XS(x4[i]), i == 10 ? W : XS(x4[i + 1]), y9, H, v, 0, "pattern 4 %s", n4[i]);
	}
#undef XS
}

static void test_rp219(int w, int h, int bits, bool chip100)
{
	struct shot s;
	struct uhd_pattern_format f = format(w, h, bits, SDR, NARROW);
	if (!render(chip100 ? "smpte-bars chip=100" : "smpte-bars", f, &s)) {
		return;
	}
	struct layout l = {0};
	rp219_layout(&f, chip100, &l);
	check_layout(&s, &l);
	layout_free(&l);
	/* the Y ramp rises monotonically (each pixel's range is in the layout) */
	int y = (bx(h, 8, 12) + bx(h, 9, 12)) / 2, r0 = bx(w, 13, 56), r1 = bx(w, 43, 56);
	long down = 0;
	for (int x = r0 + 1; x < r1; x++) {
		down += code_at(&s, x, y, 1) < code_at(&s, x - 1, y, 1);
	}
	CHECK(down == 0, "%s: Y ramp (%d,%d)..(%d,%d): %ld steps down", s.what, r0, y, r1 - 1, y,
	      down);
}

/* ===================== ITU-R BT.814-4 Annex 2 PLUGE ===================== */

/* Columns k/80 of the width: Sb 13, Sc+1 25, Sd 37, Se+1 43, Sf 55, Sg+1 67;
 * rows n/1080 of the height: Lb 324, Lc 345, Ld+1 = Le 468, Lf+1 = Lg 612,
 * Lh+1 735, Li+1 756; stripes: 39 slots of 10/1080 from 345 to 735. */
static void pluge_levels(const struct uhd_pattern_format *f, int lv[4])
{
	/* BT.814-4 Table 3 (10-bit): black 64, slightly lighter 80, slightly
	 * darker 48, higher level 940 SDR / 399 HDR; 12-bit x4; 8-bit /4
	 * (computed: narrow-range codes scale by 2^(n-8); 8-bit darker 12 is
	 * also RP 219's 8-bit -2%) */
	lv[0] = 64;
	lv[1] = 80;
	lv[2] = 48;
	lv[3] = f->transfer == SDR ? 940 : 399;
	for (int i = 0; i < 4; i++) {
		lv[i] = f->bits == 12 ? lv[i] * 4 : f->bits == 8 ? lv[i] / 4 : lv[i];
	}
}

static void pluge_layout(const struct uhd_pattern_format *f, struct layout *l)
{
	const int W = f->width, H = f->height;
	int lv[4];
	pluge_levels(f, lv);
	l->cite = "BT.814-4 Annex 2 Tables 2-3 positions and levels";
	int rows[48], nr = 0;
	rows[nr++] = 0;
	rows[nr++] = 324;
	for (int j = 0; j <= 39; j++) {
		rows[nr++] = 345 + 10 * j;
	}
	rows[nr++] = 468;
	rows[nr++] = 612;
	rows[nr++] = 756;
	rows[nr++] = 1080;
	for (int i = 1; i < nr; i++) { /* insertion sort */
		for (int j = i; j > 0 && rows[j] < rows[j - 1]; j--) {
			int t = rows[j];
			rows[j] = rows[j - 1];
			rows[j - 1] = t;
		}
	}
	static const int xs[8] = {0, 13, 25, 37, 43, 55, 67, 80};
	for (int b = 0; b + 1 < nr; b++) {
		int n0 = rows[b], n1 = rows[b + 1];
		if (n0 == n1) {
			continue;
		}
		int y0 = bx(H, n0, 1080), y1 = bx(H, n1, 1080);
		int col[7] = {lv[0], lv[0], lv[0], lv[0], lv[0], lv[0], lv[0]};
		const char *what[7] = {"background", "stripe gap", "background", "background",
		                       "background", "background", "background"};
		if (n0 >= 345 && n1 <= 735) {
			int slot = (n0 - 345) / 10;
			if (slot % 2 == 0) {
				col[1] = slot <= 18 ? lv[1] : lv[2];
				what[1] = slot <= 18 ? "left stripe, slightly lighter"
				                     : "left stripe, slightly darker";
			}
		} else {
			what[1] = "background";
		}
		if (n0 >= 468 && n1 <= 612) {
			col[3] = lv[3];
			what[3] = "centre box, higher level";
		}
		if (n0 >= 324 && n1 <= 468) {
			col[5] = lv[1];
			what[5] = "right upper box, slightly lighter";
		} else if (n0 >= 612 && n1 <= 756) {
			col[5] = lv[2];
			what[5] = "right lower box, slightly darker";
		}
		for (int c = 0; c < 7; c++) {
			int v[3];
			grey(col[c], v);
			ADD(l, bx(W, xs[c], 80), bx(W, xs[c + 1], 80), y0, y1, v, 0,
			    "%s, rows %d..%d/1080", what[c], n0, n1);
		}
	}
}

static void pluge_model_selfcheck(void)
{
	/* BT.814-4 Annex 2: sample and line numbers at HD, UHD and 8K */
	static const int S[3][6] = {{312, 599, 888, 1031, 1320, 1607},
	                            {624, 1199, 1776, 2063, 2640, 3215},
	                            {1248, 2399, 3552, 4127, 5280, 6431}};
	static const int L[3][9] = {{324, 345, 467, 468, 611, 612, 734, 755, 1079},
	                            {648, 690, 935, 936, 1223, 1224, 1469, 1511, 2159},
	                            {1296, 1380, 1871, 1872, 2447, 2448, 2939, 3023, 4319}};
	for (int s = 0; s < 3; s++) {
		int W = 1920 << s, H = 1080 << s;
		int gs[6] = {bx(W, 13, 80),     bx(W, 25, 80) - 1, bx(W, 37, 80),
		             bx(W, 43, 80) - 1, bx(W, 55, 80),     bx(W, 67, 80) - 1};
		int gl[9] = {bx(H, 324, 1080),     bx(H, 345, 1080),     bx(H, 468, 1080) - 1,
		             bx(H, 468, 1080),     bx(H, 612, 1080) - 1, bx(H, 612, 1080),
		             bx(H, 735, 1080) - 1, bx(H, 756, 1080) - 1, H - 1};
		for (int i = 0; i < 6; i++) {
			CHECK(gs[i] == S[s][i], "model: BT.814 S%c at width %d: %d, tabulated %d",
			      'b' + i, W, gs[i], S[s][i]);
		}
		for (int i = 0; i < 9; i++) {
			CHECK(gl[i] == L[s][i], "model: BT.814 L%c at height %d: %d, tabulated %d",
			      'b' + i, H, gl[i], L[s][i]);
		}
		/* stripes 10 / 20 / 40 lines */
		CHECK(bx(H, 355, 1080) - bx(H, 345, 1080) == 10 << s, "model: stripe height");
	}
}

static void test_pluge(int w, int h, int bits, int transfer, const char *spec)
{
	struct shot s;
	struct uhd_pattern_format f = format(w, h, bits, transfer, NARROW);
	if (!render(spec, f, &s)) {
		return;
	}
	struct layout l = {0};
	pluge_layout(&f, &l);
	check_layout(&s, &l);
	layout_free(&l);
}

/* ===================== ramp and staircase ===================== */

static int white_code(const struct uhd_pattern_format *f)
{
	return f->range == UHD_RANGE_FULL ? (1 << f->bits) - 1 : 235 << (f->bits - 8);
}

static int black_code(const struct uhd_pattern_format *f)
{
	return f->range == UHD_RANGE_FULL ? 0 : 16 << (f->bits - 8);
}

/* A ramp from..to along x (or y), grey (channel < 0) or one channel lit: every
 * line across the ramp identical; along it the codes start at from, end at
 * to, rise by 0 or 1 from pixel to pixel (no dithering, nothing skipped), and
 * each code fills floor(N / n) or ceil(N / n) pixels, N pixels, n codes. The
 * unlit channels are constant. */
static void check_ramp(const struct shot *s, bool vertical, int from, int to, int channel,
                       int y_from, int y_to)
{
	const int W = s->f.width, N = vertical ? y_to - y_from : W;
	const int n = to - from + 1, lit = channel < 0 ? 1 : channel;
	const int across0 = vertical ? 0 : y_from, across1 = vertical ? W : y_to;
	unsigned *ref = calloc((size_t)N * 3, sizeof(unsigned));
	long differ = 0, unlit_bad = 0;
	int fx = 0, fy = 0, fc = 0;
	for (int a = across0; a < across1; a++) {
		for (int i = 0; i < N; i++) {
			int x = vertical ? a : i, y = vertical ? y_from + i : a;
			unsigned v[3];
			for (int c = 0; c < 3; c++) {
				v[c] = code_at(s, x, y, c);
				if (a == across0) {
					ref[3 * i + c] = v[c];
				} else if (v[c] != ref[3 * i + c] && differ++ == 0) {
					fx = x;
					fy = y;
					fc = c;
				}
			}
			for (int c = 0; c < 3; c++) {
				/* grey: R = G = B; one channel: the others as at pixel 0 */
				if (channel < 0 ? v[c] != v[1] : c != channel && v[c] != ref[c]) {
					unlit_bad++;
				}
			}
		}
	}
	CHECK(differ == 0,
	      "%s: %ld samples differ from the first line across the ramp, first at "
	      "(%d,%d) channel %c",
	      s->what, differ, fx, fy, "RGB"[fc]);
	CHECK(unlit_bad == 0, "%s: %ld samples of the %s differ", s->what, unlit_bad,
	      channel < 0 ? "grey ramp have R, G, B unequal" : "unlit channels are not constant;");
	int *count = calloc((size_t)n, sizeof(int));
	long jumps = 0, outside = 0;
	int fj = -1;
	for (int i = 0; i < N; i++) {
		unsigned v = ref[3 * i + lit];
		if (v < (unsigned)from || v > (unsigned)to) {
			outside++;
		} else {
			count[v - (unsigned)from]++;
		}
		if (i > 0 && v != ref[3 * (i - 1) + lit] && v != ref[3 * (i - 1) + lit] + 1) {
			if (jumps++ == 0) {
				fj = i;
			}
		}
	}
	CHECK(ref[lit] == (unsigned)from && ref[3 * (N - 1) + lit] == (unsigned)to,
	      "%s: ramp runs %u..%u, expected %d..%d", s->what, ref[lit], ref[3 * (N - 1) + lit],
	      from, to);
	CHECK(jumps == 0,
	      "%s: %ld steps other than 0 or +1 along the ramp, first at pixel %d: "
	      "%u after %u",
	      s->what, jumps, fj, fj > 0 ? ref[3 * fj + lit] : 0,
	      fj > 0 ? ref[3 * (fj - 1) + lit] : 0);
	int lo = N / n, hi = (N + n - 1) / n, wrong = 0, first_wrong = -1;
	for (int k = 0; k < n; k++) {
		if (count[k] < lo || count[k] > hi) {
			if (wrong++ == 0) {
				first_wrong = k;
			}
		}
	}
	CHECK(wrong == 0 && outside == 0,
	      "%s: %d codes of %d..%d not present %d..%d times (first: code %d, %d times), %ld "
	      "outside",
	      s->what, wrong, from, to, lo, hi, first_wrong + from,
	      first_wrong >= 0 ? count[first_wrong] : 0, outside);
	free(count);
	free(ref);
}

static void test_ramps(void)
{
	struct shot s;
	/* every 10-bit code 7 or 8 times across 7680 (7680/1024 = 7.5) */
	if (render("ramp", format(7680, 8, 10, PQ, NARROW), &s)) {
		check_ramp(&s, false, 0, 1023, -1, 0, 8);
	}
	/* exactly once at 1024 wide; 12-bit at 4096; 8-bit at 256 */
	if (render("ramp", format(1024, 4, 10, HLG, NARROW), &s)) {
		check_ramp(&s, false, 0, 1023, -1, 0, 4);
	}
	if (render("ramp", format(4096, 2, 12, PQ, FULL), &s)) {
		check_ramp(&s, false, 0, 4095, -1, 0, 2);
	}
	if (render("ramp", format(256, 2, 8, SDR, NARROW), &s)) {
		check_ramp(&s, false, 0, 255, -1, 0, 2);
	}
	if (render("ramp direction=v", format(8, 1024, 10, PQ, NARROW), &s)) {
		check_ramp(&s, true, 0, 1023, -1, 0, 1024);
	}
	if (render("ramp from=64 to=940", format(877, 2, 10, PQ, NARROW), &s)) {
		check_ramp(&s, false, 64, 940, -1, 0, 2);
	}
	if (render("ramp channel=red", format(1024, 2, 10, PQ, NARROW), &s)) {
		check_ramp(&s, false, 0, 1023, 0, 0, 2);
	}
	if (render("ramp channel=blue from=4 to=1019", format(2000, 2, 10, HLG, NARROW), &s)) {
		check_ramp(&s, false, 4, 1019, 2, 0, 2);
	}
	/* all: grey, red, green, blue bands, quarters of the height */
	if (render("ramp channel=all", format(1024, 8, 10, PQ, NARROW), &s)) {
		for (int b = 0; b < 4; b++) {
			check_ramp(&s, false, 0, 1023, b - 1, bx(8, b, 4), bx(8, b + 1, 4));
		}
	}
}

static void check_staircase(const struct shot *s, int steps, const int *codes, bool vertical)
{
	struct layout l = {0};
	l.cite = "equal steps, boundaries floor(size k / N + 1/2), BT.709/BT.2100 quantisation";
	int W = s->f.width, H = s->f.height, v[3];
	for (int k = 0; k < steps; k++) {
		grey(codes[k], v);
		if (vertical) {
			ADD(&l, 0, W, bx(H, k, steps), bx(H, k + 1, steps), v, 0, "step %d", k);
		} else {
			ADD(&l, bx(W, k, steps), bx(W, k + 1, steps), 0, H, v, 0, "step %d", k);
		}
	}
	check_layout(s, &l);
	layout_free(&l);
}

static void test_staircases(void)
{
	struct shot s;
	int codes[16];
	/* default: 11 steps 0%..100% (BT.2111 Table 3 narrow stair values) */
	struct uhd_pattern_format f = format(1920, 8, 10, PQ, NARROW);
	for (int k = 0; k < 11; k++) {
		codes[k] = quantise(k / 10.0, 10, false);
	}
	static const int table3[11] = {64, 152, 239, 327, 414, 502, 590, 677, 765, 852, 940};
	CHECK(memcmp(codes, table3, sizeof(table3)) == 0, "model: 10%% steps differ from Table 3");
	if (render("staircase", f, &s)) {
		check_staircase(&s, 11, codes, false);
	}
	/* 8-bit SDR (50% = 125.5 rounds to 126 by BT.709's Round) */
	f = format(1001, 4, 8, SDR, NARROW);
	for (int k = 0; k < 11; k++) {
		codes[k] = quantise(k / 10.0, 8, false);
	}
	if (render("staircase", f, &s)) {
		check_staircase(&s, 11, codes, false);
	}
	/* full range, code values, vertical */
	f = format(6, 1000, 10, PQ, FULL);
	for (int k = 0; k < 5; k++) {
		codes[k] = 100 + 200 * k;
	}
	if (render("staircase steps=5 from=100 to=900 direction=v", f, &s)) {
		check_staircase(&s, 5, codes, true);
	}
	/* 12-bit: 16 steps 0%..100% full range */
	f = format(4000, 4, 12, HLG, FULL);
	for (int k = 0; k < 16; k++) {
		codes[k] = quantise(k / 15.0, 12, true);
	}
	if (render("staircase steps=16", f, &s)) {
		check_staircase(&s, 16, codes, false);
	}
}

/* ===================== window and field ===================== */

/* The window is one rectangle of the window colour on the background, its
 * area within one pixel around the edge of percent of the screen, centred to
 * within a pixel. (The window's shape is not specified; only area and
 * centring are checked.) */
static void check_window(const struct shot *s, const int win[3], const int bg[3], double percent)
{
	const int W = s->f.width, H = s->f.height;
	int x0 = W, x1 = -1, y0 = H, y1 = -1;
	for (int y = 0; y < H; y++) {
		for (int x = 0; x < W; x++) {
			if (code_at(s, x, y, 0) != (unsigned)bg[0] ||
			    code_at(s, x, y, 1) != (unsigned)bg[1] ||
			    code_at(s, x, y, 2) != (unsigned)bg[2]) {
				x0 = x < x0 ? x : x0;
				x1 = x > x1 ? x : x1;
				y0 = y < y0 ? y : y0;
				y1 = y > y1 ? y : y1;
			}
		}
	}
	CHECK(x1 >= 0, "%s: no window found", s->what);
	if (x1 < 0) {
		return;
	}
	x1++;
	y1++;
	struct layout l = {0};
	l.cite = "window colour inside the bounding box of non-background pixels";
	ADD(&l, x0, x1, y0, y1, win, 0, "window");
	ADD(&l, 0, W, 0, y0, bg, 0, "background above");
	ADD(&l, 0, W, y1, H, bg, 0, "background below");
	ADD(&l, 0, x0, y0, y1, bg, 0, "background left");
	ADD(&l, x1, W, y0, y1, bg, 0, "background right");
	check_layout(s, &l);
	layout_free(&l);
	double area = (double)(x1 - x0) * (y1 - y0), want = percent / 100 * W * H;
	CHECK(fabs(area - want) <= (x1 - x0) + (y1 - y0) + 1,
	      "%s: window %dx%d at (%d,%d) has %.0f pixels, %.3f%% of the screen; expected %g%%",
	      s->what, x1 - x0, y1 - y0, x0, y0, area, 100 * area / W / H, percent);
	CHECK(abs(x0 - (W - x1)) <= 1 && abs(y0 - (H - y1)) <= 1,
	      "%s: window x %d..%d, y %d..%d is not centred in %dx%d", s->what, x0, x1 - 1, y0,
	      y1 - 1, W, H);
}

static void check_field(const struct shot *s, const int v[3], const char *cite)
{
	struct layout l = {0};
	l.cite = cite;
	ADD(&l, 0, s->f.width, 0, s->f.height, v, 0, "field");
	check_layout(s, &l);
	layout_free(&l);
}

static void test_windows_and_fields(void)
{
	struct shot s;
	int v[3], bg[3];
	/* 1000 cd/m2 in PQ: ST 2084 inverse EOTF of 0.1, narrow 10-bit */
	int pq1000 = quantise(pq_inverse(1000), 10, false);
	printf("  derived: PQ 1000 cd/m2 = E' %.6f -> %d (narrow 10-bit)\n", pq_inverse(1000),
	       pq1000);
	struct uhd_pattern_format f = format(1920, 1080, 10, PQ, NARROW);
	grey(pq1000, v);
	grey(64, bg);
	if (render("window level=1000cd", f, &s)) {
		check_window(&s, v, bg, 10);
	}
	/* 100 cd/m2 HLG: BT.2100 inverse OOTF at Lw 1000, gamma 1.2, then the OETF */
	double fd[3] = {100, 100, 100}, e[3];
	hlg_from_display(fd, e);
	int hlg100 = quantise(e[0], 10, false);
	printf("  derived: HLG 100 cd/m2 = E' %.6f -> %d (narrow 10-bit)\n", e[0], hlg100);
	f = format(1920, 1080, 10, HLG, NARROW);
	grey(hlg100, v);
	if (render("window level=100cd percent=25", f, &s)) {
		check_window(&s, v, bg, 25);
	}
	/* SDR, BT.1886 at Lw 100: 100 cd/m2 is 100%, 50 cd/m2 is 0.5^(1/2.4) */
	f = format(1920, 1080, 10, SDR, NARROW);
	grey(940, v);
	if (render("window level=100cd percent=1", f, &s)) {
		check_window(&s, v, bg, 1);
	}
	f = format(1001, 563, 8, SDR, NARROW);
	grey(quantise(bt1886_inverse(50), 8, false), v);
	grey(16, bg);
	if (render("window level=50cd percent=40", f, &s)) {
		check_window(&s, v, bg, 40);
	}
	/* a 2000 cd/m2 window on a 5 cd/m2 background, PQ full 12-bit */
	f = format(3840, 2160, 12, PQ, FULL);
	grey(quantise(pq_inverse(2000), 12, true), v);
	grey(quantise(pq_inverse(5), 12, true), bg);
	if (render("window level=2000cd background=5cd percent=2", f, &s)) {
		check_window(&s, v, bg, 2);
	}
	/* percent=100 is the whole screen */
	f = format(640, 360, 10, PQ, NARROW);
	grey(940, v);
	if (render("window percent=100", f, &s)) {
		check_field(&s, v, "100% window");
	}

	/* fields: cd/m2 with BT.709 primaries into BT.2020 (matrix derived above) */
	const double lin709[3] = {100, 50, 20};
	double d2020[3];
	for (int r = 0; r < 3; r++) {
		d2020[r] = m709_to_2020[r][0] * lin709[0] + m709_to_2020[r][1] * lin709[1] +
		           m709_to_2020[r][2] * lin709[2];
	}
	for (int c = 0; c < 3; c++) {
		v[c] = quantise(pq_inverse(d2020[c]), 10, false);
	}
	printf("  derived: BT.709 (100,50,20) cd/m2 in BT.2020 = (%.4f,%.4f,%.4f) -> PQ %d,%d,%d\n",
	       d2020[0], d2020[1], d2020[2], v[0], v[1], v[2]);
	f = format(96, 54, 10, PQ, NARROW);
	if (render("field colour=100cd,50cd,20cd primaries=bt709", f, &s)) {
		check_field(&s, v, "ST 2084 of the BT.709->BT.2020 display light");
	}
	hlg_from_display(d2020, e);
	for (int c = 0; c < 3; c++) {
		v[c] = quantise(e[c], 10, false);
	}
	printf("  derived: the same in HLG -> %d,%d,%d\n", v[0], v[1], v[2]);
	f = format(96, 54, 10, HLG, NARROW);
	if (render("field colour=100cd,50cd,20cd primaries=bt709", f, &s)) {
		check_field(&s, v, "BT.2100 inverse HLG OOTF (Lw 1000, gamma 1.2) and OETF");
	}
	/* 203 cd/m2 grey in PQ is the 58% of BT.2111-3 Table 3 / Table 4 */
	grey(573, v);
	if (render("field colour=203cd", format(96, 54, 10, PQ, NARROW), &s)) {
		check_field(&s, v, "BT.2111-3 Table 3 58% = 203 cd/m2");
	}
	grey(2378, v);
	if (render("field colour=203cd", format(96, 54, 12, PQ, FULL), &s)) {
		check_field(&s, v, "BT.2111-3 Table 4 58% = 203 cd/m2, 12-bit");
	}
	/* a named colour, a signal level and code values */
	v[0] = 940;
	v[1] = v[2] = 64;
	if (render("field colour=red", format(96, 54, 10, HLG, NARROW), &s)) {
		check_field(&s, v, "100% red, BT.2100 narrow");
	}
	grey(721, v);
	if (render("field colour=75%", format(96, 54, 10, HLG, NARROW), &s)) {
		check_field(&s, v, "BT.2111-3 Table 2 75% HLG");
	}
	v[0] = 1;
	v[1] = 2000;
	v[2] = 4095;
	if (render("field colour=1,2000,4095", format(96, 54, 12, PQ, FULL), &s)) {
		check_field(&s, v, "code values");
	}
	/* SDR 8-bit: 50 cd/m2 grey by BT.1886 */
	grey(quantise(bt1886_inverse(50), 8, false), v);
	if (render("field colour=50cd", format(96, 54, 8, SDR, NARROW), &s)) {
		check_field(&s, v, "BT.1886 inverse, Lw 100, gamma 2.4");
	}
}

/* ===================== checkerboard, grid, pixel ===================== */

static void check_checkerboard(const struct shot *s, int cols, int rows, const int a[3],
                               const int b[3])
{
	struct layout l = {0};
	l.cite = "cells at floor(size k / N + 1/2), top-left cell a";
	int W = s->f.width, H = s->f.height;
	for (int j = 0; j < rows; j++) {
		for (int i = 0; i < cols; i++) {
			ADD(&l, bx(W, i, cols), bx(W, i + 1, cols), bx(H, j, rows),
			    bx(H, j + 1, rows), (i + j) % 2 ? b : a, 0, "cell %d,%d", i, j);
		}
	}
	check_layout(s, &l);
	layout_free(&l);
}

static void check_grid(const struct shot *s, int cols, int rows, int line, const int lc[3],
                       const int bg[3])
{
	const int W = s->f.width, H = s->f.height;
	bool *vl = calloc((size_t)W, 1), *hl = calloc((size_t)H, 1);
	/* lines crossing a row in the middle of the first cell row, and a column
	 * in the middle of the first cell column */
	for (int dir = 0; dir < 2; dir++) {
		int n = dir ? rows : cols, N = dir ? H : W;
		int at = dir ? bx(W, 1, cols) / 2 : bx(H, 1, rows) / 2;
		bool *mark = dir ? hl : vl;
		int runs = 0, bad_width = 0, bad_place = 0;
		char where[200] = "";
		for (int i = 0; i < N;) {
			int x = dir ? at : i, y = dir ? i : at;
			bool on = code_at(s, x, y, 0) == (unsigned)lc[0] &&
			          code_at(s, x, y, 1) == (unsigned)lc[1] &&
			          code_at(s, x, y, 2) == (unsigned)lc[2];
			if (!on) {
				i++;
				continue;
			}
			int start = i;
			while (i < N &&
			       code_at(s, dir ? at : i, dir ? i : at, 0) == (unsigned)lc[0] &&
			       code_at(s, dir ? at : i, dir ? i : at, 1) == (unsigned)lc[1] &&
			       code_at(s, dir ? at : i, dir ? i : at, 2) == (unsigned)lc[2]) {
				mark[i++] = true;
			}
			/* run k's centre within a pixel of N k / n; the edges flush */
			double centre = start + (i - start) / 2.0, ideal = (double)N * runs / n;
			bool placed = runs == 0   ? start == 0
			              : runs == n ? i == N
			                          : fabs(centre - ideal) <= 1;
			if (i - start != line && bad_width++ == 0) {
				snprintf(where, sizeof(where), "line %d at %d..%d is %d wide", runs,
				         start, i - 1, i - start);
			}
			if (!placed && bad_place++ == 0 && !where[0]) {
				snprintf(where, sizeof(where),
				         "line %d at %d..%d, ideal centre %.2f", runs, start, i - 1,
				         ideal);
			}
			runs++;
		}
		CHECK(runs == n + 1 && bad_width == 0 && bad_place == 0,
		      "%s: %s lines: %d found (expected %d), %d of the wrong width (%d), %d "
		      "misplaced; "
		      "%s",
		      s->what, dir ? "horizontal" : "vertical", runs, n + 1, bad_width, line,
		      bad_place, where);
	}
	/* every pixel: line colour on a line row or column, else background */
	struct layout l = {0};
	l.cite = "grid: full-length lines on cell boundaries, edges included";
	for (int y = 0; y < H;) {
		int y1 = y;
		while (y1 < H && hl[y1] == hl[y]) {
			y1++;
		}
		for (int x = 0; x < W;) {
			int x1 = x;
			while (x1 < W && vl[x1] == vl[x]) {
				x1++;
			}
			bool on = hl[y] || vl[x];
			ADD(&l, x, x1, y, y1, on ? lc : bg, 0, on ? "line" : "background");
			x = x1;
		}
		y = y1;
	}
	check_layout(s, &l);
	layout_free(&l);
	free(vl);
	free(hl);
}

static void check_pixel(const struct shot *s, const char *mode, int period, const int a[3],
                        const int b[3], const int black[3])
{
	struct layout l = {0};
	l.cite = "pixel structure";
	int W = s->f.width, H = s->f.height;
	for (int y = 0; y < H; y += period) {
		for (int x = 0; x < W; x += period) {
			int i = x / period, j = y / period, v[3];
			int x1 = x + period < W ? x + period : W,
			    y1 = y + period < H ? y + period : H;
			if (!strcmp(mode, "columns")) {
				memcpy(v, i % 2 ? b : a, sizeof(v));
			} else if (!strcmp(mode, "rows")) {
				memcpy(v, j % 2 ? b : a, sizeof(v));
			} else if (!strcmp(mode, "dots")) {
				memcpy(v, (i + j) % 2 ? b : a, sizeof(v));
			} else { /* subpixel: column i lights R, G, B in turn at a's level */
				memcpy(v, black, sizeof(v));
				v[i % 3] = a[i % 3];
			}
			ADD(&l, x, x1, y, y1, v, 0, "%s cell %d,%d", mode, i, j);
		}
	}
	check_layout(s, &l);
	layout_free(&l);
}

/* ===================== zone plate ===================== */

/* The model: r from the picture centre to the pixel centre,
 * level = low + round((high - low) (1 + cos(pi r^2 / (2 R))) / 2), whose local
 * frequency r / (2 R) reaches Nyquist at r = R. Tolerance: 1 code (the GPU
 * evaluates the cosine in single precision). Also exactly symmetric. */
static void check_zoneplate(const struct shot *s, double radius, int low, int high)
{
	const int W = s->f.width, H = s->f.height;
	long bad = 0, asym = 0;
	int shown = 0;
	for (int y = 0; y < H; y++) {
		double dy = y + 0.5 - H / 2.0;
		for (int x = 0; x < W; x++) {
			double dx = x + 0.5 - W / 2.0, r2 = dx * dx + dy * dy;
			double e = low + (high - low) * (1 + cos(M_PI * r2 / (2 * radius))) / 2;
			long want = round_bt2100(e);
			for (int c = 0; c < 3; c++) {
				unsigned got = code_at(s, x, y, c);
				if (labs((long)got - want) > 1) {
					bad++;
					if (shown < 5) {
						shown++;
						CHECK(labs((long)got - want) <= 1,
						      "%s: zone plate at (%d,%d) channel %c: "
						      "expected %ld "
						      "(model %.3f) +-1, got %u",
						      s->what, x, y, "RGB"[c], want, e, got);
					}
				}
			}
			asym += code_at(s, x, y, 1) != code_at(s, W - 1 - x, y, 1) ||
			        code_at(s, x, y, 1) != code_at(s, x, H - 1 - y, 1);
		}
	}
	CHECK(bad == 0, "%s: %ld samples more than 1 code from the zone-plate model", s->what, bad);
	CHECK(asym == 0, "%s: %ld pixels differ from their mirror images", s->what, asym);
}

/* ===================== uniformity markers ===================== */

/* Markers centred on the centres of an n x n grid of equal areas, x at
 * W (2i+1) / (2n): each marker's centroid within a pixel of it, its arms
 * reaching `size` pixels (+-1), nothing else but the field colour. */
static void check_uniformity(const struct shot *s, int n, int size, const int field[3],
                             const int marker[3])
{
	const int W = s->f.width, H = s->f.height;
	double sx[25] = {0}, sy[25] = {0};
	long cnt[25] = {0}, other = 0, stray = 0;
	int reach_x[25] = {0}, reach_y[25] = {0};
	int ox = -1, oy = -1;
	for (int y = 0; y < H; y++) {
		for (int x = 0; x < W; x++) {
			unsigned v[3] = {code_at(s, x, y, 0), code_at(s, x, y, 1),
			                 code_at(s, x, y, 2)};
			if (v[0] == (unsigned)field[0] && v[1] == (unsigned)field[1] &&
			    v[2] == (unsigned)field[2]) {
				continue;
			}
			if (v[0] != (unsigned)marker[0] || v[1] != (unsigned)marker[1] ||
			    v[2] != (unsigned)marker[2]) {
				if (other++ == 0) {
					ox = x;
					oy = y;
				}
				continue;
			}
			int i = x * n / W, j = y * n / H, k = j * n + i;
			double cx = (double)W * (2 * i + 1) / (2 * n),
			       cy = (double)H * (2 * j + 1) / (2 * n);
			double ddx = x + 0.5 - cx, ddy = y + 0.5 - cy;
			if (fabs(ddx) > size + 2 || fabs(ddy) > size + 2) {
				stray++;
				continue;
			}
			cnt[k]++;
			sx[k] += ddx;
			sy[k] += ddy;
			int ax = (int)fabs(ddx < 0 ? ddx - 0.5 : ddx + 0.5);
			int ay = (int)fabs(ddy < 0 ? ddy - 0.5 : ddy + 0.5);
			reach_x[k] = ax > reach_x[k] ? ax : reach_x[k];
			reach_y[k] = ay > reach_y[k] ? ay : reach_y[k];
		}
	}
	CHECK(other == 0, "%s: %ld pixels are neither field nor marker colour, first at (%d,%d)",
	      s->what, other, ox, oy);
	CHECK(stray == 0, "%s: %ld marker pixels further than %d from every point", s->what, stray,
	      size + 2);
	for (int k = 0; k < n * n; k++) {
		int i = k % n, j = k / n;
		double mx = cnt[k] ? sx[k] / cnt[k] : 1e9, my = cnt[k] ? sy[k] / cnt[k] : 1e9;
		CHECK(cnt[k] > 0 && fabs(mx) <= 1 && fabs(my) <= 1,
		      "%s: marker %d,%d (ideal centre %.2f,%.2f): %ld pixels, centroid off by "
		      "%.2f,%.2f",
		      s->what, i, j, (double)W * (2 * i + 1) / (2 * n),
		      (double)H * (2 * j + 1) / (2 * n), cnt[k], mx, my);
		CHECK(abs(reach_x[k] - size) <= 1 && abs(reach_y[k] - size) <= 1,
		      "%s: marker %d,%d arms reach %d,%d pixels, expected %d", s->what, i, j,
		      reach_x[k], reach_y[k], size);
	}
}

/* ===================== one format: every pattern ===================== */

/* Every pattern at one format, with its default parameters, checked where a
 * model is cheap (the bars and PLUGE have their own tests). */
static void test_all_patterns(struct uhd_pattern_format f)
{
	struct shot s;
	const int wc = white_code(&f), kc = black_code(&f);
	int white[3], black[3];
	grey(wc, white);
	grey(kc, black);
	char fd[64], err[512];
	describe(&f, fd, sizeof(fd));
	/* the refusal of the bars the format does not have */
	const char *refused = f.transfer == SDR ? "bt2111-bars" : "smpte-bars";
	struct uhd_pattern *p = NULL;
	int ret = uhd_pattern_parse(refused, &f, &p, err, sizeof(err));
	CHECK(ret == -EINVAL && p == NULL &&
	              strstr(err, f.transfer == SDR ? "smpte-bars" : "bt2111-bars"),
	      "%s at %s: expected -EINVAL with a pointer to the other bars, got %d: %s", refused,
	      fd, ret, err);
	uhd_pattern_destroy(&p);
	if (f.transfer == SDR) {
		test_rp219(f.width, f.height, f.bits, false);
	} else {
		test_bt2111(f.width, f.height, f.bits, f.transfer, f.range);
	}
	test_pluge(f.width, f.height, f.bits, f.transfer, "pluge");
	if (render("ramp", f, &s)) {
		check_ramp(&s, false, 0, (1 << f.bits) - 1, -1, 0, f.height);
	}
	if (render("staircase", f, &s)) {
		int codes[11];
		for (int k = 0; k < 11; k++) {
			codes[k] = quantise(k / 10.0, f.bits, f.range == UHD_RANGE_FULL);
		}
		check_staircase(&s, 11, codes, false);
	}
	if (render("window", f, &s)) {
		check_window(&s, white, black, 10);
	}
	if (render("field", f, &s)) {
		check_field(&s, white, "100% white");
	}
	if (render("checkerboard", f, &s)) {
		check_checkerboard(&s, 4, 4, white, black);
	}
	if (render("grid", f, &s)) {
		check_grid(&s, 16, 9, 1, white, black);
	}
	if (render("crosshatch", f, &s)) {
		check_grid(&s, 16, 9, 1, white, black);
	}
	if (render("pixel", f, &s)) {
		check_pixel(&s, "columns", 1, white, black, black);
	}
	if (render("zoneplate", f, &s)) {
		check_zoneplate(&s, f.height / 2.0, kc, wc);
	}
	if (render("uniformity", f, &s)) {
		check_uniformity(&s, 3, f.height / 40, white, black);
	}
}

static void test_structures(void)
{
	struct shot s;
	int a[3], b[3], k[3];
	/* ANSI 4 x 4 checkerboard, 8-bit SDR */
	struct uhd_pattern_format f = format(1001, 563, 8, SDR, NARROW);
	grey(235, a);
	grey(16, b);
	grey(16, k);
	if (render("checkerboard columns=7 rows=3 a=red b=50%", f, &s)) {
		int red[3] = {235, 16, 16}, half[3];
		grey(quantise(0.5, 8, false), half);
		check_checkerboard(&s, 7, 3, red, half);
	}
	if (render("grid columns=7 rows=5 line=3 colour=green background=10%", f, &s)) {
		int green[3] = {16, 235, 16}, bg[3];
		grey(quantise(0.1, 8, false), bg);
		check_grid(&s, 7, 5, 3, green, bg);
	}
	/* pixel modes at 10-bit PQ narrow */
	f = format(67, 37, 10, PQ, NARROW);
	grey(940, a);
	grey(64, b);
	grey(64, k);
	static const char *modes[] = {"columns", "rows", "dots", "subpixel"};
	for (int i = 0; i < 4; i++) {
		for (int period = 1; period <= 3; period += 2) {
			char spec[64];
			snprintf(spec, sizeof(spec), "pixel mode=%s period=%d", modes[i], period);
			if (render(spec, f, &s)) {
				check_pixel(&s, modes[i], period, a, b, k);
			}
		}
	}
	if (render("pixel mode=dots a=1000 b=4", f, &s)) {
		int hi[3] = {1000, 1000, 1000}, lo[3] = {4, 4, 4};
		check_pixel(&s, "dots", 1, hi, lo, k);
	}
	/* zone plate, 10-bit PQ narrow 0%..100%, an odd size and radius */
	f = format(1001, 563, 10, PQ, NARROW);
	if (render("zoneplate radius=300", f, &s)) {
		check_zoneplate(&s, 300, 64, 940);
	}
	f = format(1920, 1080, 12, HLG, NARROW);
	if (render("zoneplate low=10% high=90%", f, &s)) {
		check_zoneplate(&s, 540, quantise(0.1, 12, false), quantise(0.9, 12, false));
	}
	/* uniformity: 25 points at an odd size, a dark field with white markers */
	f = format(1001, 563, 10, HLG, NARROW);
	grey(quantise(0.10, 10, false), a);
	grey(940, b);
	if (render("uniformity points=25 colour=10% size=12", f, &s)) {
		check_uniformity(&s, 5, 12, a, b);
	}
	grey(721, a);
	grey(64, b);
	if (render("uniformity points=9 colour=75% size=20", f, &s)) {
		check_uniformity(&s, 3, 20, a, b);
	}
}

/* ===================== bad input ===================== */

static void expect_error(const char *spec, struct uhd_pattern_format f, int want_ret,
                         const char *must1, const char *must2)
{
	char err[512] = "", fd[64];
	struct uhd_pattern *p = (struct uhd_pattern *)&err; /* must come back NULL */
	int ret = uhd_pattern_parse(spec, &f, &p, err, sizeof(err));
	CHECK(ret == want_ret && p == NULL && err[0] && (!must1 || strstr(err, must1)) &&
	              (!must2 || strstr(err, must2)),
	      "'%s' at %s: expected %d naming '%s' and '%s', got %d (%s): %s", spec,
	      describe(&f, fd, sizeof(fd)), want_ret, must1 ? must1 : "", must2 ? must2 : "", ret,
	      p ? "pattern not NULL" : "NULL", err);
	if (ret == 0) {
		uhd_pattern_destroy(&p);
	}
}

static void test_bad_input(void)
{
	struct uhd_pattern_format f = format(1920, 1080, 10, PQ, NARROW);
	static const char *names[] = {"bt2111-bars", "smpte-bars", "pluge", "ramp",
	                              "staircase",   "window",     "field", "checkerboard",
	                              "grid",        "crosshatch", "pixel", "zoneplate",
	                              "uniformity"};
	char err[1024] = "";
	struct uhd_pattern *p = NULL;
	int ret = uhd_pattern_parse("nosuch", &f, &p, err, sizeof(err));
	bool all = true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		all = all && strstr(err, names[i]) != NULL;
	}
	CHECK(ret == -EINVAL && p == NULL && strstr(err, "nosuch") && all,
	      "unknown pattern: expected -EINVAL naming it and listing the patterns, got %d: %s",
	      ret, err);
	/* pattern.h: -EINVAL for a value out of range, the error naming the
	 * parameter and its range */
	expect_error("checkerboard columns=0", f, -EINVAL, "columns", "1..4096");
	expect_error("checkerboard rows=4097", f, -EINVAL, "rows", "1..4096");
	expect_error("staircase steps=1", f, -EINVAL, "steps", "2..4096");
	expect_error("window percent=200", f, -EINVAL, "percent", "0.01..100");
	expect_error("window percent=0", f, -EINVAL, "percent", "0.01..100");
	expect_error("grid line=0", f, -EINVAL, "line", "1..256");
	expect_error("grid columns=501", f, -EINVAL, "columns", "1..500");
	expect_error("pixel period=65", f, -EINVAL, "period", "1..64");
	expect_error("zoneplate radius=0", f, -EINVAL, "radius", "1..65536");
	expect_error("uniformity size=5000", f, -EINVAL, "size", "1..4096");
	expect_error("field colour=1024", f, -EINVAL, "colour", "0..1023");
	expect_error("ramp from=-1", f, -EINVAL, "from", NULL);
	/* unknown or malformed parameters and values */
	expect_error("field foo=1", f, -EINVAL, "foo", NULL);
	expect_error("field colour=mauve", f, -EINVAL, "colour", NULL);
	expect_error("pixel mode=spiral", f, -EINVAL, "mode", NULL);
	expect_error("uniformity points=16", f, -EINVAL, "points", NULL);
	expect_error("ramp direction=d", f, -EINVAL, "direction", NULL);
	expect_error("smpte-bars chip=50", format(1920, 1080, 10, SDR, NARROW), -EINVAL, "chip",
	             NULL);
	/* the documented refusals */
	expect_error("bt2111-bars", format(1920, 1080, 10, SDR, NARROW), -EINVAL, "smpte-bars",
	             NULL);
	expect_error("bt2111-bars", format(1920, 1080, 8, PQ, NARROW), -EINVAL, NULL, NULL);
	expect_error("smpte-bars", format(1920, 1080, 10, PQ, NARROW), -EINVAL, "bt2111-bars",
	             NULL);
	expect_error("smpte-bars", format(1920, 1080, 10, HLG, NARROW), -EINVAL, "bt2111-bars",
	             NULL);
	/* formats outside the documented ranges */
	expect_error("field", format(0, 1080, 10, PQ, NARROW), -EINVAL, NULL, NULL);
	expect_error("field", format(16385, 1080, 10, PQ, NARROW), -EINVAL, NULL, NULL);
	expect_error("field", format(1920, 1080, 9, PQ, NARROW), -EINVAL, NULL, NULL);
	/* the catalogue names every pattern */
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (mem) {
		uhd_pattern_list(mem);
		fclose(mem);
		bool listed = true;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			listed = listed && strstr(text, names[i]) != NULL;
		}
		CHECK(listed && strstr(text, "BT.2111") && strstr(text, "RP 219") &&
		              strstr(text, "BT.814"),
		      "uhd_pattern_list does not name every pattern and standard");
		free(text);
	}
	/* the canonical spec spells out every parameter and parses again to the
	 * same spec (pattern.h: "its canonical spec with every parameter spelled
	 * out") */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct uhd_pattern_format g = i == 1 ? format(1920, 1080, 10, SDR, NARROW) : f;
		ret = uhd_pattern_parse(names[i], &g, &p, err, sizeof(err));
		CHECK(ret == 0, "'%s' does not parse: %s", names[i], err);
		if (ret != 0) {
			continue;
		}
		char spec[512];
		snprintf(spec, sizeof(spec), "%s", uhd_pattern_spec(p));
		CHECK(!strcmp(uhd_pattern_name(p), names[i]), "name of '%s' is '%s'", names[i],
		      uhd_pattern_name(p));
		uhd_pattern_destroy(&p);
		ret = uhd_pattern_parse(spec, &g, &p, err, sizeof(err));
		CHECK(ret == 0 && !strcmp(uhd_pattern_spec(p), spec),
		      "canonical spec '%s' does not parse back to itself (%d): %s", spec, ret,
		      ret ? err : uhd_pattern_spec(p));
		uhd_pattern_destroy(&p);
	}
	ret = uhd_pattern_parse("window level=1000cd", &f, &p, err, sizeof(err));
	if (ret == 0) {
		CHECK(strstr(uhd_pattern_spec(p), "percent=10") &&
		              strstr(uhd_pattern_spec(p), "level=1000cd") &&
		              strstr(uhd_pattern_spec(p), "background="),
		      "canonical spec '%s' of 'window level=1000cd'", uhd_pattern_spec(p));
		uhd_pattern_destroy(&p);
	}
}

/* uhd_pattern_renderer_create with a format outside pattern.h's ranges must
 * fail, not crash: each try runs in a child process (before this process
 * has a Vulkan context), so a crash is reported rather than fatal. */
static void expect_renderer_refuses(struct uhd_pattern_format f)
{
	char fd[64];
	describe(&f, fd, sizeof(fd));
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		struct uhd_context_params cp = UHD_CONTEXT_DEFAULTS;
		struct uhd_context *c = NULL;
		if (uhd_context_create(&cp, &c) < 0) {
			_exit(UHD_TEST_SKIP);
		}
		struct uhd_pattern_renderer *r = NULL;
		int ret = uhd_pattern_renderer_create(c, &f, &r);
		uhd_pattern_renderer_destroy(&r);
		uhd_context_destroy(&c);
		_exit(ret < 0 ? 0 : 1);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		return;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == UHD_TEST_SKIP) {
		return;
	}
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "uhd_pattern_renderer_create(%s, bits %d): %s (pattern.h: width/height 1..16384, "
	      "bits 8, 10 or 12)",
	      fd, f.bits,
	      WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "accepted the format");
}

/* ===================== main ===================== */

int main(void)
{
	double t0 = now();
	/* the model against the tabulated numbers, before any GPU work */
	derive_709_to_2020();
	b2111_model_selfcheck();
	rp219_model_selfcheck();
	pluge_model_selfcheck();
	test_bad_input();
	expect_renderer_refuses(format(0, 1080, 10, PQ, NARROW));
	expect_renderer_refuses(format(1920, 0, 10, PQ, NARROW));
	expect_renderer_refuses(format(-5, 1080, 10, PQ, NARROW));
	expect_renderer_refuses(format(16385, 16, 10, PQ, NARROW));
	expect_renderer_refuses(format(1920, 1080, 9, PQ, NARROW));
	expect_renderer_refuses(format(1920, 1080, 16, PQ, NARROW));

	struct uhd_context_params cp = UHD_CONTEXT_DEFAULTS;
	cp.validation = true;
	if (uhd_context_create(&cp, &ctx) < 0) {
		printf("SKIP: no Vulkan device\n");
		return UHD_TEST_SKIP;
	}

	/* 1. BT.2111-3 bars: Tables 1-6 */
	static const int fmts[5][3] = {{10, PQ, NARROW},
	                               {10, HLG, NARROW},
	                               {12, PQ, NARROW},
	                               {10, PQ, FULL},
	                               {12, PQ, FULL}};
	for (int i = 0; i < 5; i++) {
		test_bt2111(1920, 1080, fmts[i][0], fmts[i][1], fmts[i][2]);
	}
	for (int i = 0; i < 5; i++) {
		test_bt2111(3840, 2160, fmts[i][0], fmts[i][1], fmts[i][2]);
	}
	for (int i = 1; i < 5; i++) { /* 10-bit PQ narrow 8K: in test_all_patterns */
		test_bt2111(7680, 4320, fmts[i][0], fmts[i][1], fmts[i][2]);
	}

	/* 2. RP 219-1 bars, SDR (1920x1080 8-bit: in test_all_patterns) */
	test_rp219(3840, 2160, 10, false);
	test_rp219(1920, 1080, 12, true);

	/* 3. BT.814-4 Annex 2 PLUGE */
	test_pluge(1920, 1080, 10, SDR, "pluge");
	test_pluge(3840, 2160, 10, PQ, "pluge");
	test_pluge(7680, 4320, 12, HLG, "pluge");

	/* 4. odd sizes: every boundary at the rounding rule */
	test_bt2111(1001, 563, 10, PQ, NARROW);
	test_bt2111(1001, 563, 12, HLG, NARROW);
	test_bt2111(1001, 563, 10, PQ, FULL);
	test_bt2111(2999, 1687, 10, HLG, NARROW);
	test_rp219(1001, 563, 10, false);
	test_rp219(2999, 1687, 8, true);
	test_pluge(1001, 563, 10, SDR, "pluge");
	test_pluge(1001, 563, 12, PQ, "pluge");
	test_pluge(2999, 1687, 8, SDR, "pluge");

	/* 5. ramps, staircases, windows, fields, structures */
	test_ramps();
	test_staircases();
	test_windows_and_fields();
	test_structures();

	/* a pattern parsed for another format is refused, not rendered */
	{
		struct uhd_pattern_format f = format(640, 360, 10, PQ, NARROW);
		struct uhd_pattern_format g = format(1920, 1080, 10, PQ, NARROW);
		struct shot s;
		if (render("field", f, &s)) { /* the renderer now has format f */
			struct uhd_pattern *p = NULL;
			char err[256];
			if (uhd_pattern_parse("field", &g, &p, err, sizeof(err)) == 0) {
				struct uhd_image im = {0};
				int ret = uhd_pattern_render(renderer, p, &im);
				CHECK(ret == -EINVAL,
				      "rendering a 1920x1080 pattern on a 640x360 "
				      "renderer returned %d, expected -EINVAL",
				      ret);
				uhd_pattern_destroy(&p);
			}
		}
	}

	/* 6. every pattern at 8K 10-bit PQ and at 1080 8-bit SDR */
	test_all_patterns(format(7680, 4320, 10, PQ, NARROW));
	test_all_patterns(format(1920, 1080, 8, SDR, NARROW));

	uhd_pattern_renderer_destroy(&renderer);
	uhd_context_destroy(&ctx);
	unsigned messages = uhd_validation_messages_total();
	CHECK(messages == 0, "%u Vulkan validation messages", messages);
	CHECK(le_renders == 0, "%d of %d renders delivered 16-bit samples little-endian",
	      le_renders, renders);
	printf("test_patterns: %d renders, %.1f s rendering, %.1f s in all\n", renders,
	       render_seconds, now() - t0);
	return test_finish("test_patterns");
}
