#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# In the VM: turn the sched_switch trace event on and off for SECONDS
# (default 60) while two pipes keep both vCPUs switching, with no module
# of ours involved. Each turn patches the tracepoint's static key and
# static call in __schedule() (text_poke_bp(): int3, then the new bytes).
# Under QEMU 7.2's multi-threaded TCG the kernel oopses ("Oops: int3",
# __schedule) within seconds on 6.12; with -T single it does not
# (Documentation/testing.rst). Prints the rounds done; 0 when it lived.
# Usage (host): make vm-run VM_CMD='toggle-tp.sh 60' \
#		VM_BINS=scripts/vm/toggle-tp.sh [VM_TCG=single]
secs=${1:-60}
ev=/sys/kernel/tracing/events/sched/sched_switch/enable
[ -e "$ev" ] || mount -t tracefs tracefs /sys/kernel/tracing || exit 1
yes | cat > /dev/null &
p1=$!
yes | cat > /dev/null &
p2=$!
end=$(($(cut -d. -f1 /proc/uptime) + secs))
i=0
while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
	echo 1 > "$ev" && echo 0 > "$ev" || exit 1
	i=$((i + 1))
	[ $((i % 100)) = 0 ] && echo "# round $i"
done
kill "$p1" "$p2"
echo "toggle-tp: $i rounds in $secs s, tainted=$(cat /proc/sys/kernel/tainted)"
