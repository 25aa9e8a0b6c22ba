# SPDX-License-Identifier: GPL-2.0 OR MIT
# shellcheck shell=sh
# The one TAP emitter, sourced by every shell step of make check (the lint
# and install checks on the host, /init and well-leak in the VM). Lines
# are numbered from 1; $failed counts the "not ok" ones, for the script's
# exit status. scripts/run-tests.sh is the one counter over all steps.
n=0
failed=0

# tap STATUS DESCRIPTION [COMMENT...]: "ok" when STATUS is 0; each
# COMMENT follows as a "# " line.
tap() {
	st=$1
	desc=$2
	shift 2
	n=$((n + 1))
	if [ "$st" = 0 ]; then
		echo "ok $n - $desc"
		return 0
	fi
	echo "not ok $n - $desc"
	failed=$((failed + 1))
	for line in "$@"; do
		echo "# $line"
	done
	return 1
}

# tap_log STATUS DESCRIPTION LOG: as tap, with LOG as the comment on failure.
tap_log() {
	if [ "$1" = 0 ]; then
		tap 0 "$2"
		return 0
	fi
	tap "$1" "$2"
	sed 's/^/# /' "$3"
	return 1
}

# tap_clean DESCRIPTION LOG: "ok" when LOG has no warning or error.
tap_clean() {
	if grep -Eq 'warning:|error:|WARNING|ERROR|Error [0-9]' "$2"; then
		tap_log 1 "$1" "$2"
		return 1
	fi
	tap 0 "$1"
}
