#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# checkpatch.pl over the C sources of kmod/, core/ and include/, as one TAP
# line: "ok" only with no error and no warning.
# Usage: checkpatch.sh CHECKPATCH_PL WORKDIR   (from the source tree)
set -u
checkpatch=$1
work=$2
mkdir -p "$work"
files=$(find kmod core include -name '*.[ch]' 2>/dev/null | sort)
count=$(echo "$files" | wc -l)
# An out-of-tree module supports several kernels, so its compat header
# compares LINUX_VERSION_CODE (which checkpatch also takes for a constant).
# core/ is shared with user space, which has no noinline or __aligned
# macros: it spells the attributes out.
# Run from $work: checkpatch may leave a cache file in its directory.
set --
for f in $files; do
	set -- "$@" "$PWD/$f"
done
(cd "$work" && perl "$checkpatch" --no-tree --terse --show-types \
	--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
	--ignore PREFER_DEFINED_ATTRIBUTE_MACRO -f "$@") \
	> "$work/checkpatch.log" 2>&1
if grep -Eq 'WARNING|ERROR' "$work/checkpatch.log"; then
	echo "not ok 1 - checkpatch.pl over $count files"
	grep -E 'WARNING|ERROR' "$work/checkpatch.log" | sed 's/^/# /'
	exit 1
fi
echo "ok 1 - checkpatch.pl over $count files"
