#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# /init of the test VM (busybox). Prints TAP on the serial console: the
#   insmod/rmmod leak cycles of well.ko on the fresh kernel; then, with
#   well.ko loaded, the lines of each *_test.ko (copied from the kernel
#   log; they call the core through well.ko's exports, and are unloaded
#   again before well.ko), then, with well_probe.ko loaded too (when
#   built; its own leak cycles, well.ko loaded, run first), the test
#   programs of /tests; then the taint check.
# Run mode (/cmd exists): loads the kernel's own modules of /lib/kmods
# (mkinitramfs.sh -m: a virtio disk's driver, a file system) in the order
# of /lib/kmods/order, then well.ko, and runs that command instead.
# Leaves through isa-debug-exit: 0 when all passed (qemu exits 1), else 1
# (qemu exits 3). Lines starting "@@vm" are for scripts/vm/run.sh.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp

# shellcheck source=scripts/tap.sh
. /lib/tap.sh

leave() {	# CODE
	sync
	printf '%b' "\\0$(printf %o "$1")" |
		dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	echo "@@vm isa-debug-exit did not stop the VM"
	poweroff -f
}

taint_check() {
	t=$(cat /proc/sys/kernel/tainted)
	# D (128): an oops happened; W (512): a WARN fired.
	tap $((t & 640)) "kernel not tainted D or W (tainted=$t)"
}

# The kernel log lines of test module $1: TAP kept, the rest as comments.
# When init fails, busybox insmod tries a second syscall: keep one run.
module_tap() {
	dmesg | sed -n "s/^.*$1: //p" | awk '
		/^loaded\.$/ && runs++ { exit }
		/^(not )?ok [0-9]/ || /^#/ { print; next }
		{ print "# " $0 }'
}

# Each *_test.ko runs its checks when loaded (kselftest_module.h style)
# and is unloaded at once: none is left to hold well.ko.
test_modules() {
	for ko in /lib/modules/*_test.ko; do
		[ -e "$ko" ] || continue
		name=${ko##*/}
		name=${name%.ko}
		echo "# === $name.ko"
		insmod "$ko"
		rc=$?
		out=$(module_tap "$name")
		echo "$out"
		failed=$((failed + $(echo "$out" | grep -c '^not ok')))
		tap $rc "$name.ko init returned $rc"
		[ $rc = 0 ] && rmmod "$name"
	done
}

run_tests() {
	for t in /tests/*; do
		[ -x "$t" ] || continue
		echo "# === ${t##*/}"
		# Through tee, so what a test printed before a crash is seen.
		{ timeout 300 "$t" 2>&1; echo $? > /tmp/rc; } | tee /tmp/out
		rc=$(cat /tmp/rc)
		f=$(grep -c '^not ok' /tmp/out)
		failed=$((failed + f))
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
			tap 1 "${t##*/} exited with status $rc"
		fi
	done
}

run_command() {
	if [ -e /lib/kmods/order ]; then
		while read -r m; do
			insmod "/lib/kmods/$m.ko" ||
				echo "# insmod $m.ko failed"
		done < /lib/kmods/order
	fi
	[ -e /lib/modules/well.ko ] && insmod /lib/modules/well.ko
	[ -e /lib/modules/well_probe.ko ] && insmod /lib/modules/well_probe.ko
	echo "@@vm run begin"
	sh /cmd
	rc=$?
	echo "@@vm run end $rc"
	echo "# tainted=$(cat /proc/sys/kernel/tainted)"
	leave $((rc != 0))
}

uptime() {
	cut -d' ' -f1 /proc/uptime
}

# A line of its own: the firmware's last words end without a newline.
echo
echo "@@vm begin $(uname -r) uptime=$(uptime)"
[ -e /cmd ] && run_command
if [ -e /lib/modules/well.ko ]; then
	# The load/unload leak cycles first, on a quiet kernel: what the
	# tests leave behind in other subsystems (io_uring's deferred
	# teardown, page cache) moves MemFree by megabytes for a while and
	# would hide or fake a leak of the module's own.
	# Each cycle also runs a ring in the caller's memory when the test
	# program is there: its pinned pages and vmap() must come back.
	cycle=true
	[ -x /tests/dev_umem ] && cycle="/tests/dev_umem --cycle"
	well-leak /lib/modules/well.ko 40 "$cycle"
	rc=$?
	[ $rc = 0 ] || failed=$((failed + 1))
	insmod /lib/modules/well.ko
	tap $? "insmod well.ko"
	if [ -e /lib/modules/well_probe.ko ]; then
		# The cycles of the module on well.ko's exports, also on a
		# quiet kernel, well.ko loaded.
		well-leak /lib/modules/well_probe.ko 10
		rc=$?
		[ $rc = 0 ] || failed=$((failed + 1))
	fi
	test_modules
	if [ -e /lib/modules/well_probe.ko ]; then
		insmod /lib/modules/well_probe.ko
		tap $? "insmod well_probe.ko (after well.ko)"
	fi
	run_tests
	if [ -e /lib/modules/well_probe.ko ]; then
		rmmod well_probe
		tap $? "rmmod well_probe"
	fi
	rmmod well
	tap $? "rmmod well"
else
	echo "# well.ko not built: no test module can load, programs only"
	run_tests
fi
taint_check
if [ $failed != 0 ]; then
	echo "# $failed failed; kernel log:"
	dmesg | sed 's/^/# /'
fi
echo "@@vm end uptime=$(uptime)"
leave $((failed != 0))
