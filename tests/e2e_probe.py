#!/usr/bin/env python3
"""End to end: `uhdpipe probe --json` against vulkaninfo (a peer nobody here
wrote) for every device vulkaninfo lists: name, API version, type, and the
limits uhdpipe sizes its buffers by; and the device probe marks as default is
the one `uhdpipe play` picks.

usage: e2e_probe.py UHDPIPE CLIP
"""
import json
import re
import subprocess
import sys

TYPES = {"PHYSICAL_DEVICE_TYPE_CPU": "cpu", "PHYSICAL_DEVICE_TYPE_DISCRETE_GPU": "discrete",
         "PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU": "integrated",
         "PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU": "virtual", "PHYSICAL_DEVICE_TYPE_OTHER": "other"}


def vulkaninfo_devices():
    text = subprocess.run(["vulkaninfo"], capture_output=True, text=True).stdout
    devices = []
    for block in re.split(r"\nGPU\d+:\n", text)[1:]:
        field = lambda name: re.search(r"^\s*" + name + r"\s*=\s*(.+)$", block, re.M).group(1)
        devices.append({
            "name": field("deviceName").strip(),
            "api_version": field("apiVersion").split()[0],
            "type": TYPES[field("deviceType").strip()],
            "max_image_dimension_2d": int(field("maxImageDimension2D")),
            "max_storage_buffer_range": int(field("maxStorageBufferRange")),
            "max_storage_buffers_per_stage": int(field("maxPerStageDescriptorStorageBuffers")),
            "external_memory_host": "VK_EXT_external_memory_host " in block,
            "external_memory_dma_buf": "VK_EXT_external_memory_dma_buf " in block,
            "drm_format_modifier": "VK_EXT_image_drm_format_modifier " in block,
        })
    return devices


def main():
    uhdpipe, clip = sys.argv[1:3]
    failures = []
    probe = json.loads(subprocess.run([uhdpipe, "probe", "--json"], check=True,
                                      capture_output=True, text=True).stdout)
    ours = probe["vulkan_devices"]
    peer = vulkaninfo_devices()
    if len(ours) != len(peer) or not peer:
        failures.append(f"probe lists {len(ours)} devices, vulkaninfo {len(peer)}")
    for mine, theirs in zip(ours, peer):
        for key, value in theirs.items():
            if mine[key] != value:
                failures.append(f"device {mine['index']}: {key} is {mine[key]}, vulkaninfo "
                                f"says {value}")
    default = [d["name"] for d in ours if d["default"]]
    play = subprocess.run([uhdpipe, "play", clip, "-o", "null"], capture_output=True, text=True)
    if len(default) != 1 or f"Vulkan device {default[0]})" not in play.stdout:
        failures.append(f"default {default} but play says: {play.stdout.strip()}")
    for failure in failures:
        print("FAIL:", failure)
    print(f"{len(ours)} device(s) compared with vulkaninfo")
    print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
