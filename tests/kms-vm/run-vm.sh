#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs one command inside a qemu guest with a real Linux kernel and the vkms
# KMS driver, and exits with the command's status. The guest sees the host's
# files read-only (so the command runs the host's uhdpipe build and Vulkan
# driver) and JOB_DIR read-write at the same path; the command runs in
# JOB_DIR. Output of the command goes to JOB_DIR/out.log and to stdout.
#
# Usage: tests/kms-vm/run-vm.sh WORK JOB_DIR COMMAND...
# Environment: KMS_VM_MEM (MiB, default 6144), KMS_VM_TIMEOUT (s, default 600),
# KMS_VM_ACCEL=tcg|kvm (default tcg: a nested /dev/kvm hangs the booting
# kernel on these machines; kvm is for hosts with real VT-x).
# KMS_VM_SMP: virtual CPUs (default 2).
# Variables named UHD_*, VK_*, LP_* and MESA_* are passed on; TMPDIR, HOME,
# XDG_RUNTIME_DIR and XDG_CACHE_HOME are under the guest's writable /run.
# Exit: the command's status, or 125 when the guest gave no verdict (boot
# failure, time-out), with the serial log on stderr.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(cd "$1" && pwd)"
job="$(mkdir -p "$2" && cd "$2" && pwd)"
shift 2
case "${KMS_VM_ACCEL:-tcg}" in
tcg) accel=(-accel tcg,thread=multi -cpu "${KMS_VM_CPU:-max}") ;;
kvm) accel=(-enable-kvm -cpu host) ;;
*) echo "run-vm: KMS_VM_ACCEL must be tcg or kvm" >&2; exit 125 ;;
esac
{
    echo "export PATH=/usr/sbin:/usr/bin:/sbin:/bin"
    env | grep -E '^(UHD_|VK_|LP_|MESA_)' | while IFS= read -r line; do
        printf 'export %q\n' "$line"
    done
    # The host's files are read-only in the guest: scratch space is its /run.
    # Mesa keeps its shader cache under the home folder that /etc/passwd names
    # (the host's, read-only here), so without XDG_CACHE_HOME every run in the
    # guest compiled every shader again (about 4 s of each run under TCG).
    echo "export TMPDIR=/run XDG_RUNTIME_DIR=/run HOME=/run XDG_CACHE_HOME=/run/cache"
    printf 'exec'
    printf ' %q' "$@"
    printf ' >out.log 2>&1\n'
} >"$job/job.sh"
rm -f "$job/rc" "$job/out.log"
timeout "${KMS_VM_TIMEOUT:-600}" qemu-system-x86_64 "${accel[@]}" -M pc \
    -m "${KMS_VM_MEM:-6144}" -smp "${KMS_VM_SMP:-2}" -nodefaults -no-user-config -display none \
    -serial file:"$job/serial.log" -no-reboot \
    -kernel "$work/vmlinuz" -initrd "$work/initramfs.cpio.gz" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -virtfs local,path="$job",mount_tag=job,security_model=none \
    -append "console=ttyS0 panic=-1 loglevel=4 uhd.job=$job vkms.enable_writeback=1" \
    </dev/null >"$job/qemu.log" 2>&1
qemu_rc=$?
cat "$job/out.log" 2>/dev/null
if [[ ! -f "$job/rc" ]]; then
    echo "run-vm: the guest gave no verdict (qemu exit $qemu_rc); serial log:" >&2
    tail -n 40 "$job/serial.log" "$job/qemu.log" >&2
    exit 125
fi
exit "$(cat "$job/rc")"
