#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""End to end: `uhdpipe check` against peers nobody here wrote.

- PSNR (and MSE) per channel and average against ffmpeg's psnr filter, within
  1e-6 dB + 2^-23 relative (ffmpeg's float32), on 8-bit and 16-bit RGB pairs
  (and gray ones, which uhdpipe expands to R = G = B, so ffmpeg's single y
  plane stands for all three channels).
- SSIM against skimage.metrics.structural_similarity (Gaussian window, sigma
  1.5, population covariances) on the BT.709 luma, within 2e-5, on real
  content (skimage's camera, astronaut and coffee) with Gaussian noise at a few
  levels, 16-bit versions, and odd-sized crops.
- The same on 16-bit BT.2020 PQ and HLG pairs (cICP 9/16 and 9/18): SSIM and
  MS-SSIM on the BT.2020 luma (0.2627, 0.6780, 0.0593, the Y row of BT.2020's
  RGB -> XYZ matrix; skimage is given that luma), PSNR against ffmpeg. Their
  noise differs per channel, so luma made with the BT.709 weights moves SSIM
  by far more than the tolerance.
- MS-SSIM against a double-precision model written below from the definition
  in include/uhdpipe/quality.h and Wang, Simoncelli & Bovik 2003, within 1e-5.
  The model's scale-1 SSIM must equal skimage's SSIM within 1e-9 (self-check).

The PNGs are written by the small encoder below (no cICP chunk: BT.709 SDR)
and read back with ffmpeg to make sure they hold the intended code values.

usage: e2e_peers.py [UHDPIPE]      (default: $UHDPIPE)
       e2e_peers.py --self-test    (only the harness checks; no uhdpipe needed)
Exit 0 when all pass, 1 when any fails, 77 (skip) without numpy/skimage/ffmpeg.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

try:
    import numpy as np
    import skimage.data
    from skimage.metrics import structural_similarity
except ImportError as error:
    print(f"SKIP: numpy and scikit-image are needed ({error})")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ssim_model import model_msssim  # noqa: E402

LUMA = {"bt709": (0.2126, 0.7152, 0.0722),   # BT.709 Table item 3.2 / 3.3
        "bt2020": (0.2627, 0.6780, 0.0593)}  # BT.2020 Table 4 (non-constant luminance)
CICP = {"pq": (9, 16), "hlg": (9, 18)}      # H.273: BT.2020 primaries; PQ, HLG
# ffmpeg's PSNR is float32 (relative 2^-24) printed with 6 decimals: uhdpipe's
# exact value must round to it. Largest difference measured: 2e-6 dB at 42.7 dB.
PSNR_TOL = 1e-6      # dB, on top of FLOAT32_REL
MSE_REL_TOL = 1e-5   # uhdpipe's MSE is exact; allows for a 6-digit JSON rendering
# ffmpeg 5.1's psnr filter exports its metadata through a float parameter
# (set_meta(..., float d)) printed with %f: the values it reports are the
# double-precision ones rounded to float32 (relative 2^-24), then to 6 decimals.
FLOAT32_REL = 2.0 ** -23
# Largest differences measured on lavapipe (float32 sums on the GPU against
# float64 here), 2026-12-06: SSIM 9.8e-6, MS-SSIM 3.8e-6 (coffee_rgb8_noise20);
# the HDR pairs 2.1e-6 and 8e-7. Twice that, rounded up:
SSIM_TOL = 2e-5
MSSSIM_TOL = 1e-5
MODEL_SELF_TOL = 1e-9
METRICS = "psnr,ssim,msssim"

# Pixel formats ffmpeg's psnr filter may work in for our PNGs such that it sees
# exactly our code values. ffmpeg 5.1 negotiates gbrp for rgb24 PNGs, gbrp16le
# for rgb48be, keeps gray, and gray16le for gray16be: each is a lossless
# repacking (interleaved to planar, big- to little-endian) of the same integer
# code values, so ffmpeg and uhdpipe compare the same numbers. A conversion to
# anything else (e.g. a YUV format) would make the comparison meaningless, so
# the negotiated format is read from ffmpeg's verbose log on every run and
# checked, and ffmpeg's MSE is also checked against one computed here.
LOSSLESS_FORMATS = {8: {"gbrp", "gray"}, 16: {"gbrp16le", "gbrp16be", "gray16le", "gray16be"}}


# --- PNG encoder: png_write.py ---------------------------------------------------

from png_write import write_png  # noqa: E402  (after the numpy check)


def read_back(path, img, bits):
    """Decodes path with ffmpeg; returns None if it holds img, else a message."""
    fmt = {(8, 3): "rgb24", (16, 3): "rgb48be", (8, 2): "gray", (16, 2): "gray16be"}[
        (bits, img.ndim)]
    run = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "rawvideo",
                          "-pix_fmt", fmt, "-"], capture_output=True)
    if run.returncode != 0:
        return f"ffmpeg could not decode it: {run.stderr.decode(errors='replace').strip()}"
    got = np.frombuffer(run.stdout, ">u2" if bits == 16 else "u1")
    if got.size != img.size:
        return f"ffmpeg decoded {got.size} samples, want {img.size}"
    bad = np.count_nonzero(got.reshape(img.shape).astype(np.int64) != img)
    return f"{bad} samples differ after decoding" if bad else None


# --- Test pairs ----------------------------------------------------------------

class Pair:
    def __init__(self, name, ref, test, bits, transfer=None):
        self.name, self.bits = name, bits
        # SDR pairs carry no cICP (BT.709); HDR ones say BT.2020 and PQ or HLG.
        self.cicp = CICP[transfer] if transfer else None
        self.weights = LUMA["bt2020" if transfer else "bt709"]
        self.ref = np.asarray(ref, np.int64)
        self.test = np.asarray(test, np.int64)
        assert self.ref.shape == self.test.shape
        self.peak = (1 << bits) - 1

    def describe(self):
        h, w = self.ref.shape[:2]
        kind = "RGB" if self.ref.ndim == 3 else "gray"
        tags = f", cICP {self.cicp[0]}/{self.cicp[1]}" if self.cicp else ""
        return f"{self.name} ({w}x{h} {self.bits}-bit {kind}{tags})"

    def luma(self, img, weights=None):
        """Y' of the code values with the primaries' luma weights (gray counts
        as R = G = B), float64."""
        kr, kg, kb = weights or self.weights
        img = img.astype(np.float64)
        if img.ndim == 2:
            return kr * img + kg * img + kb * img
        return kr * img[..., 0] + kg * img[..., 1] + kb * img[..., 2]


def noisy(ref, sigma, bits, seed):
    rng = np.random.default_rng(seed)
    test = np.rint(ref + rng.normal(0.0, sigma, ref.shape))
    return np.clip(test, 0, (1 << bits) - 1).astype(np.int64)


def make_pairs():
    pairs = []
    camera = skimage.data.camera().astype(np.int64)        # 512x512 gray
    astronaut = skimage.data.astronaut().astype(np.int64)  # 512x512 RGB
    coffee = skimage.data.coffee().astype(np.int64)        # 600x400 RGB

    # Synthetic PSNR pairs: unequal errors per channel, one identical channel
    # (infinite PSNR), and full-scale errors whose squared sums need 64 bits.
    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:200, 0:320]
    ref = np.stack([x * 255 // 319, y * 255 // 199, (x + y) * 255 // 518], axis=-1)
    ref = np.clip(ref + rng.integers(-20, 21, ref.shape), 0, 255)
    test = ref.copy()
    test[..., 0] = noisy(ref[..., 0], 3.0, 8, 2)
    test[..., 1] = noisy(ref[..., 1], 12.0, 8, 3)
    test[5:9, 7:40, 0] = 255 - test[5:9, 7:40, 0]
    pairs.append(Pair("synthetic_rgb8_b_identical", ref, test, 8))

    ref = rng.integers(0, 65536, (180, 300, 3))
    test = np.stack([noisy(ref[..., c], s, 16, 10 + c)
                     for c, s in enumerate((100.0, 1000.0, 20000.0))], axis=-1)
    test[0:3, :, 1] = 65535 - ref[0:3, :, 1]
    pairs.append(Pair("synthetic_rgb16_full_range", ref, test, 16))

    # Real content with noise, 8-bit.
    for sigma, seed in ((2.0, 21), (10.0, 22), (30.0, 23)):
        pairs.append(Pair(f"camera_gray8_noise{sigma:g}", camera, noisy(camera, sigma, 8, seed), 8))
    for sigma, seed in ((2.0, 31), (10.0, 32), (30.0, 33)):
        pairs.append(Pair(f"astronaut_rgb8_noise{sigma:g}", astronaut,
                          noisy(astronaut, sigma, 8, seed), 8))
    for sigma, seed in ((5.0, 41), (20.0, 42)):
        pairs.append(Pair(f"coffee_rgb8_noise{sigma:g}", coffee, noisy(coffee, sigma, 8, seed), 8))

    # 16-bit: code values scaled by 257 (0..255 -> 0..65535), noise in 16-bit units.
    for sigma, seed in ((500.0, 51), (4000.0, 52)):
        ref = astronaut * 257
        pairs.append(Pair(f"astronaut_rgb16_noise{sigma:g}", ref, noisy(ref, sigma, 16, seed), 16))
    ref = camera * 257
    pairs.append(Pair("camera_gray16_noise1500", ref, noisy(ref, 1500.0, 16, 61), 16))

    # Odd-sized crops. 333x217: odd sizes at most MS-SSIM scales.
    ref = astronaut[140:357, 101:434]
    pairs.append(Pair("astronaut_rgb8_crop333x217_noise8", ref, noisy(ref, 8.0, 8, 71), 8))
    # Near the 161x161 minimum, odd at every scale down to 12x12: edge handling
    # weighs more (flooring the sizes, or padding with zeros instead of repeating
    # the last row/column, moves MS-SSIM here by 4e-4 and 1.4e-4).
    ref = astronaut[60:237, 180:359]
    pairs.append(Pair("astronaut_rgb8_crop179x177_noise8", ref, noisy(ref, 8.0, 8, 72), 8))

    # HDR: 16-bit BT.2020 PQ and HLG code values (the metrics work on the
    # non-linear codes, as for SDR), noise strongest in red and blue so that
    # the luma weights matter. Coffee's 600x400 is odd at MS-SSIM's coarser scales.
    for transfer, img, sigmas, seed in (("pq", astronaut, (3000.0, 300.0, 5000.0), 81),
                                        ("hlg", coffee, (2500.0, 400.0, 4000.0), 82),
                                        ("pq", coffee, (800.0, 100.0, 1200.0), 83)):
        ref = img * 257
        test = np.stack([noisy(ref[..., c], sigma, 16, seed + 10 * c)
                         for c, sigma in enumerate(sigmas)], axis=-1)
        name = f"{'astronaut' if img is astronaut else 'coffee'}_{transfer}_bt2020_rgb16_" \
               f"noise{sigmas[0]:g}"
        pairs.append(Pair(name, ref, test, 16, transfer))
    return pairs


# --- Reference PSNR and ffmpeg -------------------------------------------------

def numpy_psnr(pair):
    diff = pair.test - pair.ref
    n = diff.shape[0] * diff.shape[1]
    if diff.ndim == 2:
        diff = diff[..., None].repeat(3, axis=-1)
    mse = [float(np.sum(diff[..., c] * diff[..., c])) / n for c in range(3)]
    mse.append(sum(mse) / 3)

    def psnr(m):
        return float("inf") if m == 0 else 10 * np.log10(pair.peak ** 2 / m)
    keys = ("r", "g", "b", "average")
    return dict(zip(keys, mse)), {k: psnr(m) for k, m in zip(keys, mse)}


def ffmpeg_psnr(work, pair, test_png, ref_png):
    """Returns (mse, psnr, formats) from ffmpeg's psnr filter (main = test,
    reference = ref); formats: the pixel formats the filter ran on."""
    meta = f"psnr_{pair.name}.txt"  # relative (cwd=work): nothing to escape in the graph
    run = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-v", "verbose",
                          "-i", test_png, "-i", ref_png, "-lavfi",
                          f"[0:v][1:v]psnr,metadata=mode=print:file={meta}", "-f", "null", "-"],
                         cwd=work, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"ffmpeg exited {run.returncode}: {run.stderr[-2000:]}")
    formats = set(re.findall(r"fmt:\w+ sar:\S+ -> w:\d+ h:\d+ fmt:(\w+)", run.stderr))
    if not formats:  # no auto-inserted conversion: the filter takes the decoded format
        formats = set(re.findall(r"graph \d+ input from stream \d+:\d+ @ \S+\] "
                                 r"w:\d+ h:\d+ pixfmt:(\w+)", run.stderr))
    values = {}
    with open(os.path.join(work, meta)) as text:
        for line in text:
            match = re.match(r"lavfi\.psnr\.(mse|psnr)(?:\.(\w+)|_avg)=(\S+)$", line.strip())
            if match:
                kind, plane, value = match.groups()
                values[(kind, plane or "average")] = float(value)  # float("inf") works
    mse, psnr = {}, {}
    for key in ("r", "g", "b", "average"):
        plane = "y" if ("mse", "y") in values and key != "average" else key
        mse[key] = values[("mse", plane)]
        psnr[key] = values[("psnr", plane)]
    return mse, psnr, formats


# --- Independent MS-SSIM model (float64): tests/ssim_model.py ----------------

def skimage_ssim(pair):
    return float(structural_similarity(pair.luma(pair.ref), pair.luma(pair.test),
                                       gaussian_weights=True, sigma=1.5,
                                       use_sample_covariance=False, data_range=pair.peak))


# --- Cases ---------------------------------------------------------------------

class Case:
    def __init__(self, name):
        self.name, self.failures, self.notes = name, [], []

    def compare(self, pair, metric, got, want, tol=0.0, rel=0.0, what="uhdpipe", peer="peer",
                quiet=False):
        """Passes when |got - want| <= tol + rel * |want| (equal infinities pass)."""
        got = float("inf") if got is None else float(got)
        limit = tol + rel * abs(want)
        if got == want or abs(got - want) <= limit:
            if not quiet:
                self.notes.append(f"{metric} {got:.8f} vs {want:.8f} "
                                  f"(diff {got - want if got != want else 0.0:.2g})")
            return
        shown = f"tolerance {tol:g}" if not rel else f"relative tolerance {rel:g}" if not tol \
            else f"tolerance {tol:g} + relative {rel:g}, i.e. {limit:.3g}"
        self.failures.append(f"{pair.describe()}: {metric}: {what} {got!r}, {peer} {want!r} "
                             f"(|diff| {abs(got - want):.3g} > {shown})")


def uhdpipe_check(uhdpipe, work, pair, test_png, ref_png):
    out = os.path.join(work, f"report_{pair.name}.json")
    cmd = [uhdpipe, "check", test_png, "--ref", ref_png, "--metrics", METRICS,
           "--report-json", out, "-q"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if run.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited {run.returncode}: {run.stderr.strip()}")
    with open(out) as report:
        return json.load(report)["frames"][0]


def check_pair(uhdpipe, work, pair, cases):
    test_png = os.path.join(work, f"test_{pair.name}.png")
    ref_png = os.path.join(work, f"ref_{pair.name}.png")
    write_png(test_png, pair.test, pair.bits, pair.cicp)
    write_png(ref_png, pair.ref, pair.bits, pair.cicp)

    # Harness self-checks: the PNGs, ffmpeg's representation and numbers, the model.
    harness = Case(f"harness/{pair.name}")
    cases.append(harness)
    for png, img in ((test_png, pair.test), (ref_png, pair.ref)):
        problem = read_back(png, img, pair.bits)
        if problem:
            harness.failures.append(f"{pair.describe()}: PNG encoder: {png}: {problem}")
    np_mse, np_psnr = numpy_psnr(pair)
    try:
        ff_mse, ff_psnr, formats = ffmpeg_psnr(work, pair, test_png, ref_png)
    except (RuntimeError, OSError, KeyError) as error:
        harness.failures.append(f"{pair.describe()}: ffmpeg psnr: {error!r}")
        ff_mse = ff_psnr = None
    else:
        if not formats or not formats <= LOSSLESS_FORMATS[pair.bits]:
            harness.failures.append(f"{pair.describe()}: ffmpeg's psnr ran on "
                                    f"{sorted(formats)}, not a lossless repacking of the "
                                    f"code values")
        harness.notes.append(f"ffmpeg format {','.join(sorted(formats))}")
        for key in ("r", "g", "b", "average"):
            harness.compare(pair, f"mse.{key}", ff_mse[key], np_mse[key], 1e-6, FLOAT32_REL,
                            "ffmpeg", "numpy", quiet=True)
            harness.compare(pair, f"psnr.{key}", ff_psnr[key], np_psnr[key], 1e-6, FLOAT32_REL,
                            "ffmpeg", "numpy", quiet=True)
    x, y = pair.luma(pair.ref) / pair.peak, pair.luma(pair.test) / pair.peak
    ms, model_ssim = model_msssim(x, y)
    sk_ssim = skimage_ssim(pair)
    harness.compare(pair, "scale-1 ssim", model_ssim, sk_ssim, MODEL_SELF_TOL,
                    what="model", peer="skimage")
    if pair.cicp:
        # The pair must tell the luma weights apart, or it tests nothing about them.
        other = float(structural_similarity(pair.luma(pair.ref, LUMA["bt709"]),
                                            pair.luma(pair.test, LUMA["bt709"]),
                                            gaussian_weights=True, sigma=1.5,
                                            use_sample_covariance=False,
                                            data_range=pair.peak))
        if abs(other - sk_ssim) <= 10 * SSIM_TOL:
            harness.failures.append(f"{pair.describe()}: SSIM on BT.709 luma {other:.6f} is "
                                    f"within 10x the tolerance of BT.2020's {sk_ssim:.6f}")
        harness.notes.append(f"ssim on BT.709 luma would be {other:.6f}")

    if uhdpipe is None:
        return
    psnr, ssim, msssim = Case(f"psnr/{pair.name}"), Case(f"ssim/{pair.name}"), \
        Case(f"msssim/{pair.name}")
    cases.extend((psnr, ssim, msssim))
    try:
        frame = uhdpipe_check(uhdpipe, work, pair, test_png, ref_png)
    except (RuntimeError, OSError, ValueError, KeyError, IndexError,
            subprocess.TimeoutExpired) as error:
        for case in (psnr, ssim, msssim):
            case.failures.append(f"{pair.describe()}: uhdpipe check: {error}")
        return

    def psnr_checks():
        if ff_psnr is None:
            raise ValueError("no ffmpeg values to compare with (see the harness case)")
        for key in ("r", "g", "b", "average"):
            psnr.compare(pair, f"psnr.{key}", frame["psnr"][key], ff_psnr[key], PSNR_TOL,
                         FLOAT32_REL, peer="ffmpeg")
        for key in ("r", "g", "b"):
            psnr.compare(pair, f"mse.{key}", frame["mse"][key], ff_mse[key], rel=MSE_REL_TOL,
                         peer="ffmpeg", quiet=True)

    for case, checks in ((psnr, psnr_checks),
                         (ssim, lambda: ssim.compare(pair, "ssim", frame["ssim"], sk_ssim,
                                                     SSIM_TOL, peer="skimage")),
                         (msssim, lambda: msssim.compare(pair, "msssim", frame["msssim"], ms,
                                                         MSSSIM_TOL, peer="model"))):
        try:
            checks()
        except (KeyError, TypeError, ValueError) as error:
            case.failures.append(f"{pair.describe()}: cannot compare ({error!r}); "
                                 f"frames[0] is {json.dumps(frame)[:300]}")


def print_case(case):
    print(f"{'FAIL' if case.failures else 'ok':4} {case.name}: {'; '.join(case.notes)}")
    for failure in case.failures:
        print(f"FAIL: {case.name}: {failure}")
    sys.stdout.flush()


def main():
    self_test = sys.argv[1:] == ["--self-test"]
    uhdpipe = None if self_test else (sys.argv[1] if len(sys.argv) > 1
                                      else os.environ.get("UHDPIPE"))
    if not self_test and not uhdpipe:
        print("usage: e2e_peers.py [UHDPIPE | --self-test] (or set $UHDPIPE)")
        return 2
    if not shutil.which("ffmpeg"):
        print("SKIP: ffmpeg (the PSNR peer) is not installed")
        return 77
    os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
    cases = []
    with tempfile.TemporaryDirectory(prefix="e2e_peers_") as work:
        for pair in make_pairs():
            done = len(cases)
            check_pair(uhdpipe, work, pair, cases)
            for case in cases[done:]:
                print_case(case)
    failed = sum(bool(case.failures) for case in cases)
    print(f"{len(cases) - failed} cases passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
