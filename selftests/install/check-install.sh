#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Install libwell into a staging directory and use it the way a user would:
# build examples/*.c and the README example with pkg-config, once against
# libwell.a (fully static) and once against libwell.so, and run them. Also
# check that libwell.so exports nothing but well_* and ffma_* symbols.
# Prints TAP; exits non-zero when a check fails.
# Usage: selftests/install/check-install.sh OUT   (from the source tree)
set -u
out=$1
top=$PWD
work=$out/install-check
stage=$out/stage
cc=${CC:-cc}
cflags="-std=gnu11 -O2 -Wall -Wextra -Werror"
# shellcheck source=scripts/tap.sh
. "$top/scripts/tap.sh"

# Report the last command's status, with its log when it failed.
check() {
	tap_log $? "$1" "$work/log"
}

rm -rf "$work" "$stage"
mkdir -p "$work/bin"
echo "TAP version 13"

# A build directory of its own, so the staged well.pc is generated with
# PREFIX=/usr whatever PREFIX the calling make used.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" \
	OUT="$work/build" DESTDIR="$stage" PREFIX=/usr install \
	>"$work/log" 2>&1
check "make install DESTDIR=$stage PREFIX=/usr" || exit 1

missing=""
for f in include/well.h include/well/atomic.h include/ffma.h lib/libwell.a lib/libwell.so \
	 lib/libwell.so.0 lib/pkgconfig/well.pc; do
	[ -e "$stage/usr/$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then
	tap 0 "installed headers, libraries and well.pc"
else
	tap 1 "installed headers, libraries and well.pc" "missing:$missing"
fi

# pkg-config sees only the staged well.pc and prefixes its paths with the
# staging directory.
PKG_CONFIG_SYSROOT_DIR=$stage
PKG_CONFIG_LIBDIR=$stage/usr/lib/pkgconfig
export PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR
flags=$(pkg-config --cflags --libs well 2>&1 | sed 's/ *$//')
want="-I$stage/usr/include -L$stage/usr/lib -lwell"
if [ "$flags" = "$want" ]; then
	tap 0 "pkg-config --cflags --libs well"
else
	tap 1 "pkg-config --cflags --libs well" "got:  $flags" "want: $want"
fi

# Exported symbols: the version node, and well_* or ffma_* functions.
so=$stage/usr/lib/libwell.so
nodes=$(sed -n 's/^\([A-Za-z0-9_]*\) *{.*/\1/p' user/libwell.map)
bad=$(nm -D --defined-only "$so" | awk '{ sub(/@.*/, "", $3); print $2, $3 }' |
	while read -r type name; do
		case "$type $name" in
		"A "*)	echo "$nodes" | grep -qx "$name" || echo "$name" ;;
		*" well_"* | *" ffma_"*) ;;
		*)	echo "$name" ;;
		esac
	done)
if [ -z "$bad" ]; then
	tap 0 "libwell.so exports only well_* and ffma_* symbols"
else
	tap 1 "libwell.so exports only well_* and ffma_* symbols" \
		"also exported: $(echo "$bad" | tr '\n' ' ')"
fi

# Every function well.h declares (not inline) is exported.
exported=$(nm -D --defined-only "$so" | awk '{ sub(/@.*/, "", $3); print $3 }')
absent=$(sed -n '/^static/d; s/^[a-z].*[ *]\(well_[a-z_]*\)(.*/\1/p' \
		"$stage/usr/include/well.h" | while read -r fn; do
	echo "$exported" | grep -qx "$fn" || printf ' %s' "$fn"
done)
if [ -z "$absent" ]; then
	tap 0 "libwell.so exports every function of well.h"
else
	tap 1 "libwell.so exports every function of well.h" "absent:$absent"
fi

# The README's example: the fenced block after "<!-- example: readme -->".
readme=$work/readme_example.c
awk '/^<!-- example: readme -->$/ { mark = 1; next }
     mark == 1 && /^```c$/ { mark = 2; next }
     mark == 1 { exit }
     mark == 2 && /^```$/ { exit }
     mark == 2 { print }' README.md >"$readme"
if [ -s "$readme" ]; then
	tap 0 "README.md has a C example after <!-- example: readme -->"
else
	tap 1 "README.md has a C example after <!-- example: readme -->" \
		"no \`\`\`c block right after that marker line"
fi

# Build and run each program against libwell.a and libwell.so.
for src in examples/*.c "$readme"; do
	[ -s "$src" ] || continue
	name=$(basename "$src" .c)
	bin=$work/bin/$name

	# shellcheck disable=SC2046,SC2086
	$cc $cflags -static -o "$bin.static" "$src" \
		$(pkg-config --static --cflags --libs well) >"$work/log" 2>&1
	if check "$name: build against libwell.a"; then
		if readelf -d "$bin.static" 2>/dev/null | grep -q NEEDED; then
			tap 1 "$name: static binary has no shared libraries" \
				"$(readelf -d "$bin.static" | grep NEEDED)"
		else
			tap 0 "$name: static binary has no shared libraries"
		fi
		"$bin.static" >"$work/log" 2>&1
		check "$name: runs (static)"
	fi

	# shellcheck disable=SC2046,SC2086
	$cc $cflags -o "$bin.shared" "$src" \
		$(pkg-config --cflags --libs well) >"$work/log" 2>&1
	if check "$name: build against libwell.so"; then
		if readelf -d "$bin.shared" | grep NEEDED |
				grep -q '\[libwell\.so\.0\]'; then
			tap 0 "$name: links libwell.so.0"
		else
			tap 1 "$name: links libwell.so.0" \
				"$(readelf -d "$bin.shared" | grep NEEDED)"
		fi
		LD_LIBRARY_PATH=$stage/usr/lib "$bin.shared" >"$work/log" 2>&1
		check "$name: runs (shared)"
	fi
done

# Every installed header compiles on its own, the uapi one included.
for hdr in $(cd "$stage/usr/include" && find . -name '*.h' | sed 's|^\./||'); do
	printf '#include <%s>\nint main(void) { return 0; }\n' "$hdr" \
		>"$work/header.c"
	$cc $cflags -Werror -o "$work/header" "$work/header.c" \
		$(pkg-config --cflags --libs well) >"$work/log" 2>&1
	check "installed header $hdr compiles"
done

echo "1..$n"
[ "$failed" = 0 ]
