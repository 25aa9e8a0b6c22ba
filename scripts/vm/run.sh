#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Boot a kernel with an initramfs from scripts/vm/mkinitramfs.sh under qemu
# (TCG, 2 vCPUs unless -s) and bring its results back from the serial console.
# Test mode: prints the guest's TAP lines numbered in one sequence, and
#   fails unless the guest left through isa-debug-exit with success (qemu
#   status 1). A panic (status 0), a timeout or a missing end mark is one
#   more "not ok" line.
# Run mode (-r): prints the command's output; exits with its status.
# -d IMAGE: a raw disk image as the guest's virtio disk (/dev/vda), with
#   cache=unsafe: the guest's writes and flushes end in the host's page
#   cache, so a guest's disk run measures the guest, not the host's disk.
# -T single|multi: TCG's threading (default multi: one host thread per
#   vCPU, real concurrency). Under multi, QEMU 7.2 (Debian 12) breaks the
#   kernel's text patching: an "Oops: int3" in __schedule (6.12), a hang
#   (6.1) once the sched_switch tracepoint is turned on and off
#   (Documentation/testing.rst, toggle-tp.sh); single runs the vCPUs in turn.
# -l FILE: when the boot went wrong (a panic, a timeout, no end mark), the
#   whole serial console is kept in FILE, so an oops seen once can be read.
# Usage: run.sh [-t SECONDS] [-r] [-s VCPUS] [-T THREAD] [-d IMAGE] [-l FILE]
#               -k KERNEL -i INITRAMFS
set -u
limit=540
disk=""
runmode=0
smp=2
thread=multi
kernel=""
initrd=""
keep=""
while getopts t:rs:T:d:l:k:i: opt; do
	case $opt in
	t) limit=$OPTARG ;;
	r) runmode=1 ;;
	s) smp=$OPTARG ;;
	T) thread=$OPTARG ;;
	d) disk=$OPTARG ;;
	l) keep=$OPTARG ;;
	k) kernel=$OPTARG ;;
	i) initrd=$OPTARG ;;
	*) exit 2 ;;
	esac
done
if [ -z "$kernel" ] || [ -z "$initrd" ]; then
	echo "usage: $0 [-t SECONDS] [-r] [-s VCPUS] [-T THREAD] [-d IMAGE]" \
		"[-l FILE]" \
		"-k KERNEL -i INITRAMFS" >&2
	exit 2
fi

# loglevel=4: only errors and worse reach the console, so kernel messages
# seldom split a TAP line; a WARN panics (panic_on_warn) and the guest
# prints the kernel log when anything failed.
set --
[ -n "$disk" ] &&
	set -- -drive "file=$disk,format=raw,if=virtio,cache=unsafe,aio=threads"
raw=$(mktemp)
log=$(mktemp)
trap 'rm -f "$raw" "$log"' EXIT
start=$(date +%s)
timeout -k 10 "$limit" qemu-system-x86_64 -accel "tcg,thread=$thread" -smp "$smp" \
	-m 1G -nographic -no-reboot -nic none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$kernel" -initrd "$initrd" "$@" \
	-append "console=ttyS0 loglevel=4 panic=-1 oops=panic panic_on_warn=1" \
	< /dev/null > "$raw" 2>&1
rc=$?
elapsed=$(($(date +%s) - start))
tr -d '\r' < "$raw" > "$log"

# Why the VM did not finish cleanly, or nothing.
problem=""
case $rc in
1|3) ;;
0) problem="kernel panic or reboot (qemu status 0)" ;;
124|137) problem="timed out after $limit s" ;;
*) problem="qemu failed with status $rc" ;;
esac
[ -z "$problem" ] && ! grep -q '^@@vm \(end\|run end\)' "$log" &&
	problem="the guest stopped before its end mark"

if [ -n "$problem" ] && [ -n "$keep" ]; then
	mkdir -p "$(dirname "$keep")" && cp "$log" "$keep" &&
		echo "vm: $problem; the serial console is in $keep" >&2
fi

uptime_at() {	# MARK: guest uptime printed with it
	sed -n "s/^@@vm $1 .*uptime=\([0-9.]*\).*/\1/p" "$log" | head -n 1
}

if [ $runmode = 1 ]; then
	sed -n '/^@@vm run begin/,/^@@vm run end/p' "$log" | sed '1d;$d'
	status=$(sed -n 's/^@@vm run end \([0-9]*\).*/\1/p' "$log")
	grep '^# tainted=' "$log"
	if [ -n "$problem" ] || [ -z "$status" ]; then
		echo "vm: ${problem:-no exit status from the command}" >&2
		tail -n 60 "$log" | sed 's/^/# /' >&2
		exit 1
	fi
	exit "$status"
fi

out=$(awk '
	/^(not )?ok [0-9]/ {
		k++
		sub(/ok [0-9]+/, "ok " k)
		print
		next
	}
	/^#/ { print }
	END { print k + 0 > "/dev/stderr" }' "$log" 2>"$raw")
count=$(cat "$raw")
[ -n "$out" ] && echo "$out"
if [ -n "$problem" ]; then
	count=$((count + 1))
	echo "not ok $count - vm: $problem"
	echo "# last lines of the serial console:"
	tail -n 80 "$log" | sed 's/^/# /'
fi
echo "1..$count"
echo "# vm: $(sed -n 's/^@@vm begin \([^ ]*\).*/\1/p' "$log") booted in" \
	"$(uptime_at begin) s, done at $(uptime_at end) s (guest uptime);" \
	"qemu ran $elapsed s"
[ -z "$problem" ] && [ $rc = 1 ] && ! echo "$out" | grep -q '^not ok'
