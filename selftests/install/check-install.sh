#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Install libwell into a staging directory and use it the way a user would:
# build examples/*.c and the README example with pkg-config, once against
# libwell.a (fully static) and once against libwell.so, and run them. Also
# check that libwell.so exports nothing but well_* and ffma_* symbols.
# Also: the tools and their section 1 pages, a section 3 page for every
# function libwell.map exports, each page rendered by man -l without a
# warning; ldconfig run only for a real install into a system directory;
# make uninstall leaving no file behind.
# With liburing (pkg-config finds it), the same for libwell-uring and
# well-uring.pc; an example whose "Build:" line names
# `pkg-config --cflags --libs PKG` is built with PKG's flags.
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

uring=""
pkg-config --exists liburing 2>/dev/null && uring=y
syspc=$(pkg-config --variable pc_path pkg-config)
rm -rf "$work" "$stage"
mkdir -p "$work/bin"
echo "TAP version 13"

# A build directory of its own, so the staged well.pc is generated with
# PREFIX=/usr whatever PREFIX the calling make used; the kernel-doc the
# calling make extracted, when there is one.
kdoc=$out/kernel-doc/linux-source-6.1/scripts/kernel-doc
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" \
		OUT="$work/build" ${KERNEL_DOC:+KERNEL_DOC="$KERNEL_DOC"} "$@"
}
[ -x "$kdoc" ] && KERNEL_DOC=$kdoc
mk DESTDIR="$stage" PREFIX=/usr install >"$work/log" 2>&1
check "make install DESTDIR=$stage PREFIX=/usr" || exit 1

# The tools, and a page for each tool and each exported function
# (well-record only with liburing).
tools="well-demo well-consume${uring:+ well-record}"
missing=""
for t in $tools; do
	[ -x "$stage/usr/bin/$t" ] || missing="$missing bin/$t"
	[ -f "$stage/usr/share/man/man1/$t.1" ] || missing="$missing man1/$t.1"
done
if [ -z "$missing" ]; then
	tap 0 "tools in bin/ with their section 1 pages"
else
	tap 1 "tools in bin/ with their section 1 pages" "missing:$missing"
fi
# Each tool's page names every long option its --help lists.
for t in $tools; do
	opts=$("$stage/usr/bin/$t" --help 2>&1 | grep -o -- '--[a-z][a-z-]*' | sort -u)
	LC_ALL=C MANWIDTH=80 man -l "$stage/usr/share/man/man1/$t.1" 2>/dev/null |
		col -b >"$work/page"
	absent=""
	for o in $opts; do
		grep -q -F -- "$o" "$work/page" || absent="$absent $o"
	done
	if [ -n "$opts" ] && [ -z "$absent" ]; then
		tap 0 "$t.1 documents the $(echo "$opts" | wc -w) long options of $t --help"
	else
		tap 1 "$t.1 documents every long option of $t --help" \
			"absent:${absent:- --help lists no option}"
	fi
done
maps="user/libwell.map${uring:+ user/libwell-uring.map}"
# shellcheck disable=SC2086
funcs=$(sed -n 's/^[[:space:]]*\([a-z_][a-z0-9_]*\);$/\1/p' $maps)
missing=""
for fn in $funcs; do
	[ -f "$stage/usr/share/man/man3/$fn.3" ] || missing="$missing $fn"
done
if [ -n "$funcs" ] && [ -z "$missing" ]; then
	tap 0 "a section 3 page for each of the $(echo "$funcs" | wc -w) functions of $maps"
else
	tap 1 "a section 3 page for each function of libwell.map" \
		"missing:${missing:- the map lists no function}"
fi
bad=""
pages=0
for page in "$stage"/usr/share/man/man[13]/*; do
	pages=$((pages + 1))
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" \
		>"$work/page" 2>"$work/log"
	if [ -s "$work/log" ] || ! grep -q . "$work/page"; then
		bad="$bad $(basename "$page")"
		sed 's/^/  /' "$work/log" >>"$work/man.log"
	fi
done
if [ -z "$bad" ]; then
	tap 0 "man -l renders all $pages pages without a warning"
else
	tap 1 "man -l renders all $pages pages without a warning" "bad:$bad" \
		"$(cat "$work/man.log")"
fi
if grep -q '^\.TH "well_init" 3 ' "$stage/usr/share/man/man3/well_init.3" &&
		grep -q '^\.B #include <well.h>$' \
			"$stage/usr/share/man/man3/well_init.3" &&
		grep -q '^\.B #include <well/dev.h>$' \
			"$stage/usr/share/man/man3/well_dev_open.3"; then
	tap 0 "section 3 pages: .TH in section 3, #include of the right header"
else
	tap 1 "section 3 pages: .TH in section 3, #include of the right header" \
		"$(head -5 "$stage/usr/share/man/man3/well_init.3")"
fi

missing=""
for f in include/well.h include/well/atomic.h include/ffma.h lib/libwell.a lib/libwell.so \
	 lib/libwell.so.0 lib/pkgconfig/well.pc \
	 ${uring:+include/well/uring.h lib/libwell-uring.a lib/libwell-uring.so \
	 lib/libwell-uring.so.0 lib/pkgconfig/well-uring.pc}; do
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

# Exported symbols of library $1 (version script $2): the version node,
# and functions matching the extended regex $3 ($4 says which in words).
check_exports() {
	so=$stage/usr/lib/$1
	nodes=$(sed -n 's/^\([A-Za-z0-9_.]*\) *{.*/\1/p' "$2")
	bad=$(nm -D --defined-only "$so" |
		awk '{ sub(/@.*/, "", $3); print $2, $3 }' |
		while read -r type name; do
			if [ "$type" = A ]; then
				echo "$nodes" | grep -qx "$name" || echo "$name"
			else
				echo "$name" | grep -Eqx "$3" || echo "$name"
			fi
		done)
	if [ -z "$bad" ]; then
		tap 0 "$1 exports only $4 symbols"
	else
		tap 1 "$1 exports only $4 symbols" \
			"also exported: $(echo "$bad" | tr '\n' ' ')"
	fi
}

# Every function header $2 declares (not inline) is exported by $1, and
# those source $3 declares if given (core/well_export.h: well.h's inline
# hot path, exported too).
check_declared() {
	exported=$(nm -D --defined-only "$stage/usr/lib/$1" |
		awk '{ sub(/@.*/, "", $3); print $3 }')
	absent=$(sed -n '/^static/d; s/^[a-z].*[ *]\(well_[a-z_]*\)(.*/\1/p' \
			"$stage/usr/include/$2" ${3:+"$3"} | while read -r fn; do
		echo "$exported" | grep -qx "$fn" || printf ' %s' "$fn"
	done)
	if [ -z "$absent" ]; then
		tap 0 "$1 exports every function of $2"
	else
		tap 1 "$1 exports every function of $2" "absent:$absent"
	fi
}

check_exports libwell.so user/libwell.map "(well|ffma)_.*" "well_* and ffma_*"
check_declared libwell.so well.h core/well_export.h
if [ -n "$uring" ]; then
	check_exports libwell-uring.so user/libwell-uring.map "well_uring_.*" \
		"well_uring_*"
	check_declared libwell-uring.so well/uring.h
	# liburing.pc is found where the system keeps it.
	PKG_CONFIG_LIBDIR=$PKG_CONFIG_LIBDIR:$syspc
	flags=$(pkg-config --cflags --libs well-uring 2>&1 | sed 's/ *$//')
	case "$flags" in
	"-I$stage/usr/include -L$stage/usr/lib -lwell-uring -lwell "*"-luring")
		tap 0 "pkg-config --cflags --libs well-uring" ;;
	*)	tap 1 "pkg-config --cflags --libs well-uring" "got:  $flags" ;;
	esac
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
	pkg=$(sed -n 's/.*Build:.*pkg-config --cflags --libs \([a-z-]*\).*/\1/p' \
		"$src" | head -n 1)
	pkg=${pkg:-well}
	if [ "$pkg" = well-uring ] && [ -z "$uring" ]; then
		n=$((n + 1))
		echo "ok $n - $name # SKIP liburing not found by pkg-config"
		continue
	fi

	# shellcheck disable=SC2046,SC2086
	$cc $cflags -static -o "$bin.static" "$src" \
		$(pkg-config --static --cflags --libs "$pkg") >"$work/log" 2>&1
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
		$(pkg-config --cflags --libs "$pkg") >"$work/log" 2>&1
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

# C++, strict C11, ThreadSanitizer and helgrind: selftests/install/lang.sh.
# shellcheck source=selftests/install/lang.sh
. "$top/selftests/install/lang.sh"

# ldconfig: for a real install into a directory of the dynamic linker
# (the commands make would run, printed with -n), never with DESTDIR.
for args in "PREFIX=/usr/local:yes" "PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu:yes" \
	    "PREFIX=/usr/local DESTDIR=$stage:no" "PREFIX=$work/opt:no"; do
	want=${args##*:}
	# shellcheck disable=SC2086
	mk -n LDCONFIG=ldconfig-ran ${args%:*} install >"$work/log" 2>&1
	if grep -qx 'ldconfig-ran' "$work/log"; then got=yes; else got=no; fi
	if [ "$got" = "$want" ]; then
		tap 0 "make install ${args%:*}: ldconfig $want"
	else
		tap 1 "make install ${args%:*}: ldconfig $want" "got: $got"
	fi
done

# make uninstall leaves no file, and no directory of the project's own.
mk DESTDIR="$stage" PREFIX=/usr uninstall >"$work/log" 2>&1
check "make uninstall DESTDIR=$stage PREFIX=/usr"
left=$(find "$stage" ! -type d; find "$stage/usr/include" -type d -name well)
if [ -z "$left" ]; then
	tap 0 "make uninstall removes every file make install wrote"
else
	tap 1 "make uninstall removes every file make install wrote" \
		"left: $(echo "$left" | tr '\n' ' ')"
fi

# Another PREFIX, BINDIR and MANDIR given: install and uninstall agree.
rm -rf "$stage"
mk DESTDIR="$stage" PREFIX=/opt/well BINDIR=/opt/well/sbin \
	MANDIR=/opt/man install >"$work/log" 2>&1 &&
	[ -x "$stage/opt/well/sbin/well-demo" ] &&
	[ -f "$stage/opt/man/man3/well_init.3" ] &&
	[ -f "$stage/opt/well/lib/libwell.so.0" ] &&
	mk DESTDIR="$stage" PREFIX=/opt/well BINDIR=/opt/well/sbin \
		MANDIR=/opt/man uninstall >>"$work/log" 2>&1 &&
	[ -z "$(find "$stage" ! -type d)" ]
check "PREFIX=/opt/well BINDIR= MANDIR=: install, then uninstall leaves no file"

echo "1..$n"
[ "$failed" = 0 ]
