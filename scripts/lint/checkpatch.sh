#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# checkpatch.pl over the C sources of kmod/, core/ and include/, as one TAP
# line: "ok" only with no error and no warning.
# Usage: checkpatch.sh CHECKPATCH_PL WORKDIR   (from the source tree)
set -u
# shellcheck source=scripts/tap.sh
. "$(dirname "$0")/../tap.sh"
checkpatch=$1
work=$2
mkdir -p "$work"
files=$(find kmod core include -name '*.[ch]' 2>/dev/null | sort)
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
(cd "$work" && perl "$checkpatch" --no-tree --terse --show-types \
	--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
	--ignore PREFER_DEFINED_ATTRIBUTE_MACRO -f "$@") \
	> "$work/checkpatch.log" 2>&1
tap_clean "checkpatch.pl over $count files" "$work/checkpatch.log"
