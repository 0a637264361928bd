#!/bin/busybox sh
# SPDX-License-Identifier: MIT
# /init of the test guest (see build-initramfs.sh). The host shares its root
# filesystem (tag "hostroot", read-only) and one writable folder (tag "job")
# that holds job.sh; the folder is mounted at the same path as on the host,
# so paths in the job mean the same inside and out. The job's exit status
# goes to rc in that folder, then the guest powers off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for module in $(cat /lib/modules/load-order); do
	insmod "/lib/modules/$module" || echo "kms-vm: insmod $module failed"
done
job=
for word in $(cat /proc/cmdline); do
	case $word in uhd.job=*) job=${word#uhd.job=} ;; esac
done
new=/host
nine="trans=virtio,version=9p2000.L,msize=512000,cache=loose"
if ! mount -t 9p -o "ro,$nine" hostroot "$new"; then
	echo "kms-vm: cannot mount the host's root filesystem"
	poweroff -f
fi
mount -t proc proc "$new/proc"
mount -t sysfs sysfs "$new/sys"
mount -t devtmpfs devtmpfs "$new/dev"
mount -t debugfs debugfs "$new/sys/kernel/debug"
# The host's /tmp stays visible (read-only, like everything else: a build or
# clone may live there); the guest's own scratch space is /run (TMPDIR).
mount -t tmpfs -o size=90% tmpfs "$new/run"
mount -t 9p -o "$nine" job "$new$job"
echo "kms-vm: guest ready at $(cut -d' ' -f1 /proc/uptime) s"
chroot "$new" /bin/sh -c "cd '$job' && exec /bin/sh ./job.sh"
echo $? >"$new$job/rc.tmp"
mv "$new$job/rc.tmp" "$new$job/rc"
umount "$new$job"
sync
poweroff -f
