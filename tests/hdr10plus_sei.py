# SPDX-License-Identifier: MIT
"""HEVC clips carrying SMPTE ST 2094-40 (HDR10+) metadata, for tests.

Debian's x265 is built without HDR10+ support (its dhdr10-info option is
ignored), so the metadata is written here: one SEI prefix NAL unit per picture
(payload type 4, user_data_registered_itu_t_t35) put in front of the picture's
first slice in x265's Annex B output, then remuxed into Matroska by ffmpeg.

The payload follows the syntax of ST 2094-40 Annex A as carried by the
ITU-T T.35 message of CTA-861-G: country code 0xB5, terminal provider code
0x003C, provider-oriented code 0x0001, application identifier 4. Values are
given as the integer codes of the syntax; write_clip() returns them so a test
can compare what a reader reports with what was written.
"""
import subprocess


class BitWriter:
    def __init__(self):
        self.value, self.bits = 0, 0

    def put(self, value, bits):
        if not 0 <= value < (1 << bits):
            raise ValueError(f"{value} does not fit in {bits} bits")
        self.value = (self.value << bits) | value
        self.bits += bits

    def bytes(self):
        pad = (-self.bits) % 8
        return (self.value << pad).to_bytes((self.bits + pad) // 8, "big")


def window_geometry(b, w):
    """Windows after the first: their rectangle and ellipse (ST 2094-40 A.2)."""
    for key in ("upper_left_x", "upper_left_y", "lower_right_x", "lower_right_y",
                "center_x", "center_y"):
        b.put(w["geometry"][key], 16)
    b.put(w["geometry"]["rotation_angle"], 8)
    for key in ("semimajor_internal", "semimajor_external", "semiminor_external"):
        b.put(w["geometry"][key], 16)
    b.put(w["geometry"]["overlap_process_option"], 1)


def t35_payload(m):
    """The user_data_registered_itu_t_t35 payload of one frame's metadata m."""
    b = BitWriter()
    b.put(0xB5, 8)
    b.put(0x003C, 16)
    b.put(0x0001, 16)
    b.put(4, 8)                                  # application_identifier
    b.put(m["application_version"], 8)
    b.put(len(m["windows"]), 2)
    for w in m["windows"][1:]:
        window_geometry(b, w)
    b.put(m["targeted_system_display_maximum_luminance"], 27)
    b.put(0, 1)                                  # no actual peak luminance table
    for w in m["windows"]:
        for value in w["maxscl"]:
            b.put(value, 17)
        b.put(w["average_maxrgb"], 17)
        b.put(len(w["distribution"]), 4)
        for percentage, percentile in w["distribution"]:
            b.put(percentage, 7)
            b.put(percentile, 17)
        b.put(w["fraction_bright_pixels"], 10)
    b.put(0, 1)                                  # no mastering display peak table
    for w in m["windows"]:
        b.put(1 if w["knee"] else 0, 1)          # tone_mapping_flag
        if w["knee"]:
            b.put(w["knee"][0], 12)
            b.put(w["knee"][1], 12)
            b.put(len(w["anchors"]), 4)
            for anchor in w["anchors"]:
                b.put(anchor, 10)
        b.put(0 if w["saturation"] is None else 1, 1)
        if w["saturation"] is not None:
            b.put(w["saturation"], 6)
    return b.bytes()


def escape(rbsp):
    """Emulation prevention: no 0x000000..0x000003 inside a NAL unit."""
    out, zeros = bytearray(), 0
    for byte in rbsp:
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


def sei_nal(payload):
    body = bytearray([4])                        # payloadType 4
    size = len(payload)
    while size >= 255:
        body.append(255)
        size -= 255
    body.append(size)
    body += payload
    body.append(0x80)                            # rbsp_trailing_bits
    return b"\x00\x00\x00\x01" + bytes([39 << 1, 1]) + escape(bytes(body))


def nal_units(stream):
    """The Annex B stream cut before each start code (leading zero included)."""
    starts, at = [], 0
    while (found := stream.find(b"\x00\x00\x01", at)) >= 0:
        starts.append(found - 1 if found > 0 and stream[found - 1] == 0 else found)
        at = found + 3
    return [stream[s:e] for s, e in zip(starts, starts[1:] + [len(stream)])]


def first_slices(units):
    """Indices of the NAL units that start a picture (VCL, first_slice_segment_in_pic_flag)."""
    for i, unit in enumerate(units):
        header = unit.index(b"\x00\x00\x01") + 3
        if (unit[header] >> 1) & 0x3F < 32 and unit[header + 2] & 0x80:
            yield i


def write_clip(path, metadata, size="256x144", work_hevc=None):
    """An HEVC Main 10 PQ clip of len(metadata) frames in Matroska; frame i carries
    metadata[i] (None: no HDR10+ on that frame). Returns the metadata."""
    hevc = work_hevc or str(path) + ".hevc"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size={size}:rate=25", "-frames:v", str(len(metadata)),
                    "-pix_fmt", "yuv420p10le", "-c:v", "libx265", "-x265-params",
                    "log-level=error:bframes=0", "-color_primaries", "bt2020", "-color_trc",
                    "smpte2084", "-colorspace", "bt2020nc", "-f", "hevc", hevc],
                   check=True, timeout=120)
    units = nal_units(open(hevc, "rb").read())
    starts = list(first_slices(units))
    if len(starts) != len(metadata):
        raise RuntimeError(f"{hevc}: {len(starts)} pictures, {len(metadata)} wanted")
    out = bytearray()
    for i, unit in enumerate(units):
        if i in starts and metadata[starts.index(i)] is not None:
            out += sei_nal(t35_payload(metadata[starts.index(i)]))
        out += unit
    with open(hevc, "wb") as f:
        f.write(out)
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-r", "25", "-i", hevc, "-c",
                    "copy", str(path)], check=True, timeout=120)
    return metadata
