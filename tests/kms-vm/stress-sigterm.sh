#!/bin/sh
# SPDX-License-Identifier: MIT
# A stress run for the vkms guest, not part of the suite: N times, start a
# `pattern -o kms` run, poll `uhdpipe probe` until its modeset shows, wait a
# random 0..1.2 s, send SIGTERM; append each run's exit code, the report's
# "restored" and its stderr to results.txt. Every line should read "rc 130
# restored True". It found the probe/run DRM-master race (docs/testing.md).
# Usage, from the repository root after the kms_vm test has built its guest:
#   tests/kms-vm/run-vm.sh build/kms-vm JOB sh "$PWD/tests/kms-vm/stress-sigterm.sh" \
#       "$PWD/build/uhdpipe" 30 run
U=$1 N=$2 tag=$3
i=0
while [ "$i" -lt "$N" ]; do
    $U pattern ramp --size 1280x720 -o kms --frames 100000 --report "$tag-$i.json" \
        >/dev/null 2>"$tag-$i.err" &
    pid=$!
    n=0
    until $U probe --json >p.json 2>/dev/null && python3 -c '
import json, sys
c = json.load(open("p.json"))["drm"]["devices"][0]["crtcs"][0]
sys.exit(0 if (c.get("mode") or {}).get("width") == 1280 else 1)' || [ "$n" -ge 60 ]; do
        sleep 0.2
        n=$((n + 1))
    done
    python3 -c 'import random, time; time.sleep(random.uniform(0, 1.2))'
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    restored=$(python3 -c '
import json, sys
try:
    print(json.load(open(sys.argv[1]))["output"]["display"].get("restored"))
except Exception:
    print("noreport")' "$tag-$i.json")
    echo "$tag $i rc $rc restored $restored err $(tr '\n' ' ' <"$tag-$i.err" | cut -c1-200)" \
        >>results.txt
    i=$((i + 1))
done
