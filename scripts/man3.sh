#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Write the section 3 man page of one public function from its kernel-doc
# comment, with the kernel's scripts/kernel-doc (extracted from Debian's
# linux-source at build time, never committed). kernel-doc writes a
# section 9 page of the "Kernel Hacker's Manual"; this makes it a libwell
# page of section 3 whose synopsis names the header to include.
# Usage: scripts/man3.sh KERNEL_DOC VERSION FUNCTION OUT   (from the tree)
set -eu
kdoc=$1
version=$2
fn=$3
out=$4

# The one source with "FUNCTION() - " opening a kernel-doc comment, and
# the public header that declares or defines it.
src=$(grep -l "^ \* $fn() - " include/*.h include/*/*.h core/*.c user/*.c)
if [ "$(echo "$src" | wc -w)" != 1 ]; then
	echo "man3: $fn: want one kernel-doc comment, found in: ${src:-none}" >&2
	exit 1
fi
hdr=$(cd include && grep -rlE "[ *]$fn\(|define $fn\(" --include='*.h' . |
	sed 's|^\./||' | sort | head -n 1)
if [ -z "$hdr" ]; then
	echo "man3: $fn: declared in no header of include/" >&2
	exit 1
fi

# The page's date: the package's (SOURCE_DATE_EPOCH) when there is one.
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
	KBUILD_BUILD_TIMESTAMP=@$SOURCE_DATE_EPOCH
	export KBUILD_BUILD_TIMESTAMP
fi
"$kdoc" -man -function "$fn" "$src" >"$out.tmp"
if ! grep -q '^\.TH ' "$out.tmp"; then
	echo "man3: $fn: kernel-doc wrote no page from $src" >&2
	rm -f "$out.tmp"
	exit 1
fi
# .TH NAME 3 DATE SOURCE MANUAL; "@arg" of the one-line summary in italics
# as kernel-doc does in the body; the #include line heads the synopsis.
sed -e "s/^\.TH \"\([^\"]*\)\" 9 \"[^\"]*\" \"\([^\"]*\)\" .*/.TH \"\1\" 3 \"\2\" \"well $version\" \"libwell Manual\"/" \
    -e '/^\.SH NAME$/{n;s/@\([A-Za-z_][A-Za-z0-9_]*\)/\\fI\1\\fP/g;}' \
    -e "s|^\.SH SYNOPSIS\$|.SH SYNOPSIS\\n.B #include <$hdr>\\n.sp|" \
    "$out.tmp" >"$out"
rm -f "$out.tmp"
