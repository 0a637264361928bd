#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End to end: `uhdpipe probe --json` against vulkaninfo (a peer nobody here
wrote) for every device vulkaninfo lists: name, API version, type, and the
limits uhdpipe sizes its buffers by; and the device probe marks as default is
the one `uhdpipe play` picks. The DRM half: one entry per /dev/dri/card*
node, and on a machine without any, exit 0 with the one "DRM: no DRM device"
line and "drm": {"devices": [], "error": ...} in JSON.

usage: e2e_probe.py UHDPIPE CLIP
"""
import glob
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


NO_DRM_LINE = ("DRM: no DRM device (no /dev/dri/card*): KMS output is not available here; "
               "use -o png:DIR")


def check_drm(uhdpipe, probe, failures):
    """The DRM half against the card nodes this machine has."""
    drm = probe.get("drm")
    if not isinstance(drm, dict) or not isinstance(drm.get("devices"), list):
        failures.append(f"probe --json has no drm.devices list: {drm!r}")
        return
    text = subprocess.run([uhdpipe, "probe"], capture_output=True, text=True)
    if text.returncode != 0:
        failures.append(f"probe (text) exits {text.returncode}: {text.stderr.strip()}")
    cards = sorted(glob.glob("/dev/dri/card[0-9]*"), key=lambda p: int(p[len("/dev/dri/card"):]))
    if not cards:
        if drm["devices"] != [] or drm.get("error") != "no DRM device":
            failures.append(f"no /dev/dri/card*, but drm is {drm!r}")
        if NO_DRM_LINE not in text.stdout.splitlines():
            failures.append(f"no /dev/dri/card*, but probe does not say {NO_DRM_LINE!r}")
        return
    paths = [device.get("path") for device in drm["devices"]]
    if paths != cards:
        failures.append(f"drm.devices are {paths}, the card nodes {cards}")
    for device in drm["devices"]:
        if "error" not in device and not {"driver", "caps", "connectors", "crtcs",
                                          "planes"} <= device.keys():
            failures.append(f"{device.get('path')}: neither an error nor a full description")


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
    check_drm(uhdpipe, probe, failures)
    default = [d["name"] for d in ours if d["default"]]
    play = subprocess.run([uhdpipe, "play", clip, "-o", "null"], capture_output=True, text=True)
    if len(default) != 1 or f"Vulkan device {default[0]})" not in play.stdout:
        failures.append(f"default {default} but play says: {play.stdout.strip()}")
    for failure in failures:
        print("FAIL:", failure)
    print(f"{len(ours)} device(s) compared with vulkaninfo, "
          f"{len(probe.get('drm', {}).get('devices', []))} DRM device(s) checked")
    print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
