#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# make run on a host whose kernel loads modules: load well.ko (unless it is
# loaded already), stream kernel-produced blocks to the consumer tool, print
# the taint state, and unload the module if this script loaded it.
# Usage: scripts/run-native.sh WELL_KO WELL_CONSUME [consumer options...]
set -eu
ko=$1
consume=$2
shift 2
loaded=0
if ! grep -q '^well ' /proc/modules; then
	echo "run: insmod $ko"
	insmod "$ko"
	loaded=1
fi
# udev may take a moment to create the node; wait for it, bounded.
tries=0
while [ ! -c /dev/well ] && [ "$tries" -lt 50 ]; do
	tries=$((tries + 1))
	sleep 0.1
done
status=0
echo "run: $consume $*"
"$consume" "$@" || status=$?
echo "run: kernel tainted=$(cat /proc/sys/kernel/tainted)" \
     "(D=128 oops, W=512 warning; O/E=4096/8192 are this out-of-tree module)"
if [ "$loaded" = 1 ]; then
	rmmod well
	echo "run: rmmod well"
fi
exit "$status"
