#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every colour path of docs/conversion.md, through the GPU and the double model.

    e2e_colour_paths.py TEST_GPU_MODEL WORKDIR     (needs $UHDPIPE, set by meson)

Makes small lossless clips (x264 for 8 and 10 bits, x265 for 12) whose H.273
tags are written into the bitstream's VUI by ffmpeg's h264_metadata and
hevc_metadata filters (FFV1 in Matroska, tagged by the muxer, for a truly
unspecified siting: H.264 and HEVC infer left-sited chroma when the VUI is
silent, H.264 E.2.1, and HEVC ignores the siting of 4:2:2 and 4:4:4): every matrix uhdpipe converts (BT.709, FCC, BT.470 B/G,
SMPTE 170M, SMPTE 240M, BT.2020 non-constant luminance), every chroma siting
(left, centre, top-left, top, bottom-left, bottom, unspecified), 4:2:0, 4:2:2
and 4:4:4, narrow and full range, 8, 10 and 12 bits, in a covering set rather
than every combination. ffprobe must read back the tags each clip was made
with; test_gpu_model then converts each clip on the GPU and compares every
output sample with the double-precision model (tests/cpu_model.c), which
takes the tags from this list, not from uhdpipe's parsing (that must agree).
Chroma noise makes a wrong siting or matrix show at once.

A BT.2020 constant-luminance clip is refused as unsupported (exit 4), naming
the matrix: uhdpipe converts none, and must not show it as if it were NCL.
"""
import json
import os
import subprocess
import sys

UHDPIPE = os.environ["UHDPIPE"]
SIZE = (162, 92)   # even (4:2:0 in x264), not a multiple of 16 or 8
OUT = "245x139"    # an odd, non-integer upscale: both chroma directions interpolate

# name, pixel format, encoder, H.273 matrix, full range, chroma_sample_loc_type
# written (None: none), and the siting the clip then has (None: unspecified)
CASES = [
    ("420p8_bt709_tv_left", "yuv420p", "x264", 1, False, 0, 0),
    ("420p8_fcc_pc_center", "yuv420p", "x264", 4, True, 1, 1),
    ("420p10_240m_tv_topleft", "yuv420p10le", "x264", 7, False, 2, 2),
    ("420p10_bt2020nc_pc_top", "yuv420p10le", "x264", 9, True, 3, 3),
    ("420p8_bt470bg_tv_bottomleft", "yuv420p", "x264", 5, False, 4, 4),
    ("420p10_smpte170m_pc_bottom", "yuv420p10le", "x264", 6, True, 5, 5),
    ("420p8_bt709_tv_inferred_left", "yuv420p", "x264", 1, False, None, 0),
    ("420p10_bt709_tv_unspecified", "yuv420p10le", "ffv1", 1, False, None, None),
    ("422p10_bt709_pc_left", "yuv422p10le", "x264", 1, True, 0, 0),
    ("422p8_fcc_tv_center", "yuv422p", "x264", 4, False, 1, 1),
    ("444p8_240m_pc", "yuv444p", "x264", 7, True, None, 0),
    ("444p10_bt2020nc_tv", "yuv444p10le", "x264", 9, False, None, 0),
    ("420p12_bt2020nc_pc_bottom", "yuv420p12le", "x265", 9, True, 5, 5),
    ("422p12_bt709_tv", "yuv422p12le", "x265", 1, False, None, None),
    ("444p12_fcc_pc", "yuv444p12le", "x265", 4, True, None, None),
]
FFPROBE_MATRIX = {1: "bt709", 4: "fcc", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m",
                  9: "bt2020nc", 10: "bt2020c"}
EXTENSION = {"x264": "h264", "x265": "hevc", "ffv1": "mkv"}
FFPROBE_SITING = ["left", "center", "topleft", "top", "bottomleft", "bottom"]


def make_clip(path, pix_fmt, encoder, matrix, full, siting):
    """Lossless clip with the tags in its VUI; primaries and transfer BT.709
    (BT.2020 with the BT.2020 matrices): the conversion to R'G'B' uses neither."""
    primaries, transfer = (9, 14) if matrix in (9, 10) else (1, 1)
    tags = {"colour_primaries": primaries, "transfer_characteristics": transfer,
            "matrix_coefficients": matrix, "video_full_range_flag": int(full)}
    if siting is not None:
        tags["chroma_sample_loc_type"] = siting
    if encoder == "ffv1":  # the muxer writes the tags; no siting element
        assert siting is None
        codec = ["-c:v", "ffv1", "-color_primaries", str(primaries), "-color_trc",
                 str(transfer), "-colorspace", str(matrix), "-color_range", "pc" if full else "tv"]
    else:
        codec = ["-c:v", "libx264", "-qp", "0"] if encoder == "x264" else \
            ["-c:v", "libx265", "-x265-params", "lossless=1:log-level=error"]
        codec += ["-bsf:v", ("h264" if encoder == "x264" else "hevc") + "_metadata=" +
                  ":".join(f"{k}={v}" for k, v in tags.items())]
    source = f"testsrc2=size={SIZE[0]}x{SIZE[1]}:rate=25,noise=alls=60:allf=t"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", source,
                    "-frames:v", "2", "-pix_fmt", pix_fmt, *codec, path], check=True)


def ffprobe_tags(path):
    run = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=pix_fmt,color_space,color_range,chroma_location",
                          "-of", "json", path], capture_output=True, text=True, check=True)
    return json.loads(run.stdout)["streams"][0]


def check_tags(name, path, pix_fmt, matrix, full, siting):
    got = ffprobe_tags(path)
    if got.get("pix_fmt", "").startswith("yuvj"):  # ffmpeg's name for full-range 8-bit
        got["pix_fmt"] = "yuv" + got["pix_fmt"][4:]
    got.setdefault("chroma_location", "unspecified")  # ffprobe leaves it out then
    want = {"pix_fmt": pix_fmt, "color_space": FFPROBE_MATRIX[matrix],
            "color_range": "pc" if full else "tv",
            "chroma_location": "unspecified" if siting is None else FFPROBE_SITING[siting]}
    wrong = {k: got.get(k) for k, v in want.items() if got.get(k) != v}
    if wrong:
        return f"FAIL {name}: ffprobe reads {wrong}, the clip was made with {want}"
    return None


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    model, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    failures, compared = [], 0
    for name, pix_fmt, encoder, matrix, full, written, siting in CASES:
        path = os.path.join(work, f"{name}.{EXTENSION[encoder]}")
        make_clip(path, pix_fmt, encoder, matrix, full, written)
        problem = check_tags(name, path, pix_fmt, matrix, full, siting)
        if problem:
            failures.append(problem)
            continue
        tags = [f"matrix={matrix}", f"range={'pc' if full else 'tv'}",
                f"siting={'unspecified' if siting is None else siting}"]
        run = subprocess.run([model, path, OUT, "2", "bicubic", *tags], capture_output=True,
                             text=True)
        sys.stdout.write(run.stdout)
        if run.returncode != 0:
            failures.append(f"FAIL {name}: test_gpu_model exited {run.returncode}:\n"
                            f"{run.stdout[-3000:]}{run.stderr[-2000:]}")
        else:
            compared += 1

    # BT.2020 constant luminance: refused, not converted as something else.
    path = os.path.join(work, "420p10_bt2020c_tv.h264")
    make_clip(path, "yuv420p10le", "x264", 10, False, None)
    problem = check_tags("420p10_bt2020c_tv", path, "yuv420p10le", 10, False, 0)
    run = subprocess.run([UHDPIPE, "play", path, "-o", "null", "-q"], capture_output=True,
                         text=True)
    if problem:
        failures.append(problem)
    elif run.returncode != 4 or "constant" not in run.stderr.lower():
        failures.append(f"FAIL 420p10_bt2020c_tv: play exited {run.returncode}, want 4 "
                        f"with a message naming constant luminance: {run.stderr.strip()}")
    for failure in failures:
        print(failure)
    print(f"colour paths: {compared} of {len(CASES)} clips compared with the model, "
          f"BT.2020 CL {'refused' if run.returncode == 4 else 'NOT refused'}; "
          f"{len(failures)} failure(s)")
    return 1 if failures or compared != len(CASES) else 0


if __name__ == "__main__":
    sys.exit(main())
