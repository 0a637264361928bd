# SPDX-License-Identifier: MIT
"""A float64 model of SSIM and MS-SSIM as uhdpipe defines them (docs/quality.md),
written from the papers for the tests, independent of the shaders: an 11x11
Gaussian window (sigma 1.5) over the windows lying inside the image, K1 0.01,
K2 0.03 on signals 0..1, population covariances; MS-SSIM over five scales of
2x2 means (the last row/column repeated for odd sizes), the contrast-structure
terms of scales 0-3 and the SSIM of scale 4 with Wang, Simoncelli and Bovik's
(2003) weights, a negative term counted as 0.

Used by tests/e2e_peers.py (R'G'B' luma) and tests/e2e_check_yuv_ssim.py (decoded
luma planes).
"""
import numpy as np

MSSSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def gaussian_taps(sigma=1.5, radius=5):
    k = np.arange(-radius, radius + 1, dtype=np.float64)
    g = np.exp(-k * k / (2 * sigma * sigma))
    return g / g.sum()


def window_means(img, taps):
    """Gaussian-weighted mean of every 11x11 window lying inside img."""
    n = len(taps)
    h, w = img.shape
    if h < n or w < n:
        raise ValueError(f"{w}x{h} holds no {n}x{n} window")
    cols = sum(taps[i] * img[i:h - n + 1 + i, :] for i in range(n))
    return sum(taps[i] * cols[:, i:w - n + 1 + i] for i in range(n))


def ssim_and_cs(x, y):
    """Means of the SSIM and contrast-structure maps of luma planes in 0..1."""
    taps = gaussian_taps()
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    mx, my = window_means(x, taps), window_means(y, taps)
    vx = window_means(x * x, taps) - mx * mx
    vy = window_means(y * y, taps) - my * my
    cxy = window_means(x * y, taps) - mx * my
    cs = (2 * cxy + c2) / (vx + vy + c2)
    ssim = (2 * mx * my + c1) / (mx * mx + my * my + c1) * cs
    return float(ssim.mean()), float(cs.mean())


def halve(img):
    """2x2 mean to ceil(n/2), the last row/column repeated for odd sizes."""
    if img.shape[0] % 2:
        img = np.vstack([img, img[-1:]])
    if img.shape[1] % 2:
        img = np.hstack([img, img[:, -1:]])
    return 0.25 * (img[0::2, 0::2] + img[1::2, 0::2] + img[0::2, 1::2] + img[1::2, 1::2])


def model_msssim(x, y):
    """Returns (MS-SSIM, scale-1 SSIM) of luma planes in 0..1."""
    product, first_ssim = 1.0, None
    for scale, weight in enumerate(MSSSIM_WEIGHTS):
        if scale:
            x, y = halve(x), halve(y)
        ssim, cs = ssim_and_cs(x, y)
        if first_ssim is None:
            first_ssim = ssim
        term = ssim if scale == len(MSSSIM_WEIGHTS) - 1 else cs
        product *= max(term, 0.0) ** weight
    return product, first_ssim
