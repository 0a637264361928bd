# SPDX-License-Identifier: MIT
"""A minimal PNG encoder for the tests (numpy arrays in, 8/16-bit gray or RGB
out, optional cICP chunk): PIL cannot write 16-bit RGB."""
import struct
import zlib

import numpy as np


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_png(path, img, bits, cicp=None):
    """img: (h, w) gray or (h, w, 3) RGB integer code values; bits 8 or 16;
    cicp: optional (primaries, transfer) code points, written full range."""
    assert bits in (8, 16) and img.ndim in (2, 3)
    assert img.min() >= 0 and img.max() <= (1 << bits) - 1
    height, width = img.shape[:2]
    colour_type = 2 if img.ndim == 3 else 0
    samples = img.astype(">u2" if bits == 16 else "u1").reshape(height, -1)
    rows = samples.view(np.uint8).reshape(height, -1)
    raw = np.concatenate([np.zeros((height, 1), np.uint8), rows], axis=1)  # filter 0
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        out.write(png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bits,
                                                  colour_type, 0, 0, 0)))
        if cicp:
            out.write(png_chunk(b"cICP", bytes([cicp[0], cicp[1], 0, 1])))
        out.write(png_chunk(b"IDAT", zlib.compress(raw.tobytes(), 6)))
        out.write(png_chunk(b"IEND", b""))
