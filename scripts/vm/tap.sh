# SPDX-License-Identifier: GPL-2.0 OR MIT
# shellcheck shell=sh
# Inside the VM, sourced by /init and well-leak: TAP lines numbered from 1,
# with $failed counting the failures.
n=0
failed=0

tap() {	# STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
