#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# make check's release step, as TAP: the version is one number everywhere
# (mk/config.mk's VERSION, include/well/version.h, NEWS, the tools, the
# library's file name), the soname and the exported symbols are what
# Documentation/stability.rst promises, and every SPDX identifier in the
# tree has its text in LICENSES/.
# Usage: release-check.sh VERSION SOVERSION OUT CC   (from the source tree)
set -u
version=$1
soversion=$2
out=$3
cc=$4
# shellcheck source=scripts/tap.sh
. "$(dirname "$0")/tap.sh"
h=include/well/version.h

macro() {
	sed -n "s/^#define $1[[:space:]]*\\(.*\\)$/\\1/p" "$h"
}
hv=$(macro WELL_VERSION_MAJOR).$(macro WELL_VERSION_MINOR).$(macro WELL_VERSION_PATCH)
tap "$([ "$hv" = "$version" ]; echo $?)" \
	"release: $h numbers $hv match VERSION $version (mk/config.mk)" \
	"change WELL_VERSION_MAJOR/MINOR/PATCH or VERSION"
hs=$(macro WELL_VERSION_STRING)
tap "$([ "$hs" = "\"$version\"" ]; echo $?)" \
	"release: WELL_VERSION_STRING $hs is \"$version\""

maj=${version%%.*}
rest=${version#*.}
min=${rest%%.*}
pat=${rest#*.}
printf '#include <well.h>\n_Static_assert(WELL_VERSION == WELL_VERSION_NUM(%s, %s, %s) && WELL_VERSION_NUM(0, 2, 0) > WELL_VERSION_NUM(0, 1, 9), "version");\n' \
	"$maj" "$min" "$pat" >"$out/version_check.c"
$cc -std=c11 -pedantic-errors -Iinclude -fsyntax-only "$out/version_check.c" \
	>"$out/version_check.log" 2>&1
tap_log $? "release: <well.h> gives WELL_VERSION == WELL_VERSION_NUM($maj, $min, $pat)" \
	"$out/version_check.log"

# NEWS: the newest released section is this version (an unreleased one
# may sit above it).
top=$(sed -n 's/^\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\) (.*)$/\1/p' NEWS |
	head -n 1)
tap "$([ "$top" = "$version" ]; echo $?)" \
	"release: NEWS's newest release section is $version" "found: '$top'"

for t in well-consume well-demo; do
	got=$("$out/bin/$t" --version 2>&1)
	tap "$([ "$got" = "$t (well) $version" ]; echo $?)" \
		"release: $t --version says $version" "got: $got"
done

# check_lib NAME MAP: $out/lib/NAME.so.$version has soname
# NAME.so.$soversion and exports exactly the globals of the version
# script MAP, each in its node.
check_lib() {
	so=$out/lib/$1.so.$version
	soname=$(readelf -d "$so" 2>/dev/null |
		sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')
	tap "$([ "$soname" = "$1.so.$soversion" ]; echo $?)" \
		"release: $1.so.$version has soname $1.so.$soversion" \
		"soname: '$soname'"

	# Each global in the node the map lists it in: the first (WELL_0)
	# and those later releases added (WELL_0.2 { ... } WELL_0;).
	node=$(sed -n 's/^\([A-Za-z0-9_.]*\) *{.*/\1/p' "$2" | head -n 1)
	awk '/^[A-Za-z0-9_.]+ *\{/ { node = $1 }
	     /global:/ { g = 1; next }
	     /local:|^}/ { g = 0 }
	     g && /^[[:space:]]*[a-z_0-9]+;([[:space:]]*\/\*.*\*\/)?$/ {
		sub(/;.*/, ""); print $1 "@@" node }' \
		"$2" | sort >"$out/map.syms"
	nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sort \
		>"$out/so.syms"
	diff "$out/map.syms" "$out/so.syms" >"$out/syms.diff"
	tap_log "$([ ! -s "$out/syms.diff" ]; echo $?)" \
		"release: $1.so exports exactly $2, each in its node from $node on" \
		"$out/syms.diff"
}
check_lib libwell user/libwell.map
# libwell-uring is built only where pkg-config finds liburing.
if pkg-config --exists liburing 2>/dev/null; then
	check_lib libwell-uring user/libwell-uring.map
fi

# Licences: every identifier of every file's SPDX line (on its first
# line, or its second after #!) has a text.
missing=""
for id in $(git ls-files 2>/dev/null | while read -r f; do
			sed -n '1,2s/.*SPDX-License-Identifier: //p' "$f"
		done | sed 's/\*\/.*//; s/-->.*//' |
		tr '()' '  ' | tr ' ' '\n' | grep -Ev '^(|OR|AND|WITH)$' |
		sort -u); do
	grep -qx "Valid-License-Identifier: $id" LICENSES/preferred/* \
		LICENSES/exceptions/* 2>/dev/null ||
	grep -qx "SPDX-Exception-Identifier: $id" LICENSES/exceptions/* \
		2>/dev/null || missing="$missing $id"
done
tap "$([ -z "$missing" ]; echo $?)" \
	"release: every SPDX identifier in the tree has its text in LICENSES/" \
	"no text for:$missing"
[ "$failed" = 0 ]
