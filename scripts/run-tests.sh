#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Run test programs, pass their TAP through, and end with one line
# "N passed, N failed". A program that exits non-zero without reporting a
# failed test counts as one failure of its own.
# Usage: scripts/run-tests.sh [-t SECONDS] LABEL:COMMAND...
set -u
limit=600
if [ "${1:-}" = "-t" ]; then
	limit=$2
	shift 2
fi
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for spec in "$@"; do
	label=${spec%%:*}
	cmd=${spec#*:}
	echo "# === $label: $cmd"
	timeout -k 10 "$limit" sh -c "$cmd" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -c '^ok [0-9]' "$log")
	f=$(grep -c '^not ok [0-9]' "$log")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $label exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
