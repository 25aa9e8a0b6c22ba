#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# checkpatch.pl over the C sources of kmod/, core/, include/ and the test
# modules' own files (selftests/kmod/; the scenarios they share with the
# host are kselftest_harness.h code, not kernel code), as one TAP
# line: "ok" only with no error and no warning.
# Usage: checkpatch.sh CHECKPATCH_PL WORKDIR   (from the source tree)
set -u
# shellcheck source=scripts/tap.sh
. "$(dirname "$0")/../tap.sh"
checkpatch=$1
work=$2
mkdir -p "$work"
files=$(find kmod core include selftests/kmod -name '*.[ch]' 2>/dev/null | sort)
count=$(echo "$files" | wc -l)
# An out-of-tree module supports several kernels, so its compat header
# compares LINUX_VERSION_CODE (which checkpatch also takes for a constant).
# core/ is shared with user space, which has no noinline or __aligned
# macros: it spells the attributes out.
# The uapi header installs as linux/well.h; checkpatch applies its uapi
# rules (__inline__ for strict C89 users, and more) by path, so it reads
# that one from a copy under include/uapi/.
# Run from $work: checkpatch may leave a cache file in its directory.
mkdir -p "$work/include/uapi/linux"
set --
for f in $files; do
	case $f in
	include/linux/*)
		cp "$f" "$work/include/uapi/linux/"
		set -- "$@" "$work/include/uapi/linux/${f#include/linux/}" ;;
	*)	set -- "$@" "$PWD/$f" ;;
	esac
done
# Two files get exceptions of their own, run apart:
# - kmod/core_export.c exports functions of core/, which is shared with
#   user space and so has no EXPORT_SYMBOL next to its definitions;
# - selftests/kmod/kstm_harness.h reproduces kselftest_harness.h's macro
#   API for the scenarios: ASSERT_* returns from the test, FIXTURE() is a
#   declaration and a struct head, FIXTURE_VARIANT_ADD() ends in "=", and
#   "FIXTURE_DATA(f) *self" reads to checkpatch as a product.
export_file=$PWD/kmod/core_export.c
harness_file=$PWD/selftests/kmod/kstm_harness.h
cp_run() {	# [checkpatch options] FILE...
	(cd "$work" && perl "$checkpatch" --no-tree --terse --show-types \
		--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
		--ignore PREFER_DEFINED_ATTRIBUTE_MACRO "$@")
}
{
	for f; do
		shift
		case $f in
		"$export_file"|"$harness_file") ;;
		*)	set -- "$@" "$f" ;;
		esac
	done
	cp_run -f "$@"
	[ -e "$export_file" ] && cp_run --ignore EXPORT_SYMBOL -f "$export_file"
	[ -e "$harness_file" ] && cp_run --ignore MACRO_WITH_FLOW_CONTROL \
		--ignore MULTISTATEMENT_MACRO_USE_DO_WHILE,COMPLEX_MACRO,SPACING \
		-f "$harness_file"
} > "$work/checkpatch.log" 2>&1
tap_clean "checkpatch.pl over $count files" "$work/checkpatch.log"
