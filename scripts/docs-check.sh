#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# make check's docs step, as TAP: make docs (sphinx-build -W) succeeds, and
# the API pages document every symbol libwell.so and libwell-uring.so
# export (user/libwell.map, user/libwell-uring.map) and every structure and inline function of the
# headers they cover.
# Usage: docs-check.sh MAKE HTML_DIR   (from the source tree)
set -u
make=$1
html=$2
# shellcheck source=scripts/tap.sh
. "$(dirname "$0")/tap.sh"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

$make -s --no-print-directory docs >"$log" 2>&1
tap_log $? "docs: make docs (sphinx-build -W) without a warning" "$log" ||
	exit 1

# documented NAME...: the names without an entry (id="c.NAME") in the API
# pages.
documented() {
	for name in "$@"; do
		grep -q "id=\"c\.$name\"" "$html"/api/*.html || echo "$name"
	done
}

for map in user/libwell.map user/libwell-uring.map; do
	# shellcheck disable=SC2046
	missing=$(documented $(sed -n 's/^[[:space:]]*\([a-z_0-9]*\);$/\1/p' \
		"$map"))
	tap "$([ -z "$missing" ]; echo $?)" \
		"docs: every symbol of $map in the API reference" \
		"undocumented: $missing"
done

for h in include/well.h include/ffma.h include/well/dev.h \
		include/well/uring.h include/linux/well.h \
		include/linux/well_probe.h; do
	# shellcheck disable=SC2046
	missing=$(documented $(sed -n \
		-e 's/^struct \([a-z_0-9]*\) {.*/\1/p' \
		-e 's/^static inline [^(]*[ *]\([a-z_0-9]*\)(.*/\1/p' "$h"))
	tap "$([ -z "$missing" ]; echo $?)" \
		"docs: $h: every structure and inline function documented" \
		"undocumented: $missing"
done
[ "$failed" = 0 ]
