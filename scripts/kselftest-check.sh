#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# make check's kselftest step, as TAP: selftests/ run the kselftest way,
# read from the runner's TAP lines (6.1's run_kselftest.sh exits 0 even
# when a test fails, so its status proves nothing):
#   1. make kselftest (make -C selftests run_tests): every program of the
#      collection reported; host programs pass; module programs
#      (selftests/vm/) skip where /dev/well is absent, pass where present
#   2. make kselftest-install: run_kselftest.sh, kselftest/, and a
#      kselftest-list.txt naming every program, each installed
#   3. run_kselftest.sh in the install: as 1
#   4. run_kselftest.sh with one test made to fail: its "not ok" line is
#      there, whatever the exit status
# Usage: kselftest-check.sh MAKE OUT   (from the source tree)
set -u
make=$1
out=$2
inst=$out/kselftest_install
# shellcheck source=scripts/tap.sh
. "$(dirname "$0")/tap.sh"
log=$(mktemp)
res=$(mktemp)
trap 'rm -f "$log" "$res"' EXIT

progs=$($make -s --no-print-directory -C selftests OUT="$out" \
	COLLECTION=well emit_tests | sed -n 's/^well://p')
modules=$(for f in selftests/vm/*.c; do basename "$f" .c; done)
[ -e /dev/well ] && dev=present || dev=absent

# verdicts LOG: what went wrong in a runner's LOG, one line each.
verdicts() {
	for p in $progs; do
		line=$(grep -E "^(not )?ok [0-9]+ selftests: [^ ]+: $p( |$)" "$1")
		mod=no
		echo "$modules" | grep -qx "$p" && mod=yes
		case "$line" in
		"")	echo "$p: no result line" ;;
		"not ok"*) echo "$p: $line" ;;
		*"# SKIP"*)
			[ "$mod" = yes ] && [ "$dev" = absent ] ||
				echo "$p: skipped: $line" ;;
		*)	[ "$mod" = yes ] && [ "$dev" = absent ] &&
				echo "$p: ran without /dev/well: $line" ;;
		esac
	done
}

# summary LOG: "N programs: N passed, N skipped".
summary() {
	echo "$(echo "$progs" | wc -w) programs:" \
		"$(grep -Ec '^ok [0-9]+ selftests: .*[^P]$' "$1") passed," \
		"$(grep -Ec '^ok [0-9]+ selftests: .*# SKIP$' "$1") skipped" \
		"(/dev/well $dev)"
}

# check DESC LOG: one TAP line from verdicts; the log on failure.
check() {
	verdicts "$2" >"$res"
	if [ -s "$res" ]; then
		tap 1 "$1"
		sed 's/^/# /' "$res"
		sed 's/^/# | /' "$2"
		return 1
	fi
	tap 0 "$1: $(summary "$2")"
}

$make -s --no-print-directory kselftest OUT="$out" >"$log" 2>&1
check "kselftest: make -C selftests run_tests" "$log"

rm -rf "$inst"
$make -s --no-print-directory kselftest-install OUT="$out" \
	KSFT_INSTALL_PATH="$inst" >"$log" 2>&1
why=""
for f in run_kselftest.sh kselftest/runner.sh kselftest-list.txt; do
	[ -e "$inst/$f" ] || why="$why $f missing;"
done
for p in $progs; do
	grep -qx "well:$p" "$inst/kselftest-list.txt" 2>/dev/null ||
		why="$why well:$p not listed;"
	[ -x "$inst/well/$p" ] || why="$why well/$p not installed;"
done
if [ -z "$why" ]; then
	tap 0 "kselftest: make kselftest-install: run_kselftest.sh and $(echo "$progs" | wc -w) programs in kselftest-list.txt"
else
	tap 1 "kselftest: make kselftest-install" "$why"
	sed 's/^/# | /' "$log"
fi

(cd "$inst" && ./run_kselftest.sh) >"$log" 2>&1
check "kselftest: run_kselftest.sh in the install" "$log"

(cd "$inst" && KSELFTEST_WELL_TOOLS_SH_ARGS=/nonexistent \
	./run_kselftest.sh -t well:well_tools.sh) >"$log" 2>&1
rc=$?
grep -q '^not ok 1 selftests: well: well_tools.sh' "$log"
tap_log $? "kselftest: a failing test is a 'not ok' line (run_kselftest.sh exited $rc)" \
	"$log"
[ "$failed" = 0 ]
