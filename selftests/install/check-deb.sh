#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# The Debian packages: make deb (dpkg-buildpackage -b -us -uc of a copy of
# the tree), lintian without an error, what each package holds (dpkg-deb),
# then all of them unpacked into a scratch root (dpkg -x) and used there:
# the examples built with its pkg-config (well, or well-uring when their
# Build: line says so) and run on its libwell.so.0, the tools run, the pages read, well.ko built by dkms from its /usr/src.
# Usage: selftests/install/check-deb.sh OUT   (from the source tree, as root)
set -u
# dkms and dpkg-buildpackage run as a user runs them, from a clean shell:
# not with the calling make's flags (make CC=clang check must not reach
# the kernel build or the package build).
unset MAKEFLAGS MFLAGS MAKELEVEL
mkdir -p "$1" && out=$(cd "$1" && pwd) || exit 1
top=$PWD
deb=$out/deb
work=$out/deb-check
root=$work/root
# shellcheck source=scripts/tap.sh
. "$top/scripts/tap.sh"

rm -rf "$work"
mkdir -p "$work/bin"
echo "TAP version 13"
version=$(sed -n 's/^VERSION[[:space:]]*:=[[:space:]]*//p' mk/config.mk)
debver=$(dpkg-parsechangelog -S Version)
if [ "${debver%-*}" = "$version" ]; then
	tap 0 "debian/changelog's upstream version is VERSION ($version)"
else
	tap 1 "debian/changelog's upstream version is VERSION ($version)" \
		"debian/changelog: $debver"
fi

start=$(date +%s)
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" OUT="$out" deb \
	>"$work/log" 2>&1
tap_log $? "make deb: dpkg-buildpackage -b -us -uc ($(($(date +%s) - start)) s)" \
	"$work/log" || { echo "1..$n"; exit 1; }

ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
missing=""
for p in libwell0_${debver}_$arch libwell-uring0_${debver}_$arch \
	 libwell-dev_${debver}_$arch \
	 well-tools_${debver}_$arch well-dkms_${debver}_all; do
	[ -f "$deb/$p.deb" ] || missing="$missing $p.deb"
done
if [ -z "$missing" ]; then
	tap 0 "libwell0, libwell-uring0, libwell-dev, well-tools and well-dkms $debver built"
else
	tap 1 "libwell0, libwell-uring0, libwell-dev, well-tools and well-dkms built" \
		"missing:$missing" "built: $(cd "$deb" && echo *.deb)"
	echo "1..$n"
	exit 1
fi

start=$(date +%s)
lintian --fail-on error "$deb"/well_"${debver}"_"$arch".changes \
	>"$work/lintian" 2>&1
st=$?
grep -q '^E: ' "$work/lintian" && st=1
tap_log $st "lintian: no error ($(($(date +%s) - start)) s)" "$work/lintian"

# has PACKAGE PATH...: the package holds each PATH (file or link).
has() {
	p=$1
	shift
	dpkg-deb -c "$deb/${p}_${debver}_$( [ "$p" = well-dkms ] && echo all || echo "$arch").deb" |
		awk '{ sub(/^\.\//, "/", $6); print $6 }' >"$work/contents"
	absent=""
	for f in "$@"; do
		grep -qx "$f" "$work/contents" || absent="$absent $f"
	done
	[ -z "$absent" ] && return 0
	echo "absent:$absent" >"$work/log"
	return 1
}

# libwell0: the shared library and nothing else of the project.
lib=/usr/lib/$ma
has libwell0 "$lib/libwell.so.0" "$lib/libwell.so.$version"
tap_log $? "libwell0: $lib/libwell.so.0 and libwell.so.$version" "$work/log"
extra=$(grep -v -e '/$' -e "^/usr/share/doc/libwell0/" -e "^$lib/libwell.so.0" \
	"$work/contents")
[ -z "$extra" ]
tap $? "libwell0: nothing else" "also: $extra"
dpkg-deb -f "$deb/libwell0_${debver}_$arch.deb" Depends | grep -q libc6
tap $? "libwell0 depends on libc6"

# libwell-uring0: the io_uring layer's shared library and nothing else.
has libwell-uring0 "$lib/libwell-uring.so.0" "$lib/libwell-uring.so.$version"
tap_log $? "libwell-uring0: $lib/libwell-uring.so.0 and libwell-uring.so.$version" \
	"$work/log"
extra=$(grep -v -e '/$' -e "^/usr/share/doc/libwell-uring0/" \
	-e "^$lib/libwell-uring.so.0" "$work/contents")
[ -z "$extra" ]
tap $? "libwell-uring0: nothing else" "also: $extra"
dpkg-deb -f "$deb/libwell-uring0_${debver}_$arch.deb" Depends | grep -q liburing2
tap $? "libwell-uring0 depends on liburing2"

# libwell-dev: headers, libwell.a, the link, well.pc, a page per function.
hdrs=$(cd include && find . -name '*.h' | sed 's|^\.|/usr/include|')
pages=$(sed -n 's|^[[:space:]]*\([a-z_][a-z0-9_]*\);$|/usr/share/man/man3/\1.3.gz|p' \
	user/libwell.map user/libwell-uring.map)
# shellcheck disable=SC2086
has libwell-dev $hdrs "$lib/libwell.a" "$lib/libwell.so" "$lib/pkgconfig/well.pc" \
	"$lib/libwell-uring.a" "$lib/libwell-uring.so" \
	"$lib/pkgconfig/well-uring.pc" $pages
tap_log $? "libwell-dev: $(echo "$hdrs" | wc -w) headers, libwell{,-uring}.a and .so, well.pc, well-uring.pc, $(echo "$pages" | wc -w) section 3 pages" \
	"$work/log"
dpkg-deb -f "$deb/libwell-dev_${debver}_$arch.deb" Depends |
	grep -q "libwell0 (= $debver)"
tap $? "libwell-dev depends on libwell0 (= $debver)"

has well-tools /usr/bin/well-demo /usr/bin/well-consume \
	/usr/share/man/man1/well-demo.1.gz /usr/share/man/man1/well-consume.1.gz
tap_log $? "well-tools: the tools and their section 1 pages" "$work/log"

# well-dkms: what make dkms-src installs, and the udev rule.
src=/usr/src/well-$version
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" \
	DESTDIR="$work/dkms-src" dkms-src >/dev/null 2>&1
want=$(cd "$work/dkms-src" && find . -type f | sed 's|^\.||' | sort)
# shellcheck disable=SC2086
has well-dkms $want /lib/udev/rules.d/60-well.rules
tap_log $? "well-dkms: the $(echo "$want" | wc -w) files of make dkms-src in $src, the udev rule" \
	"$work/log"
tests=$(grep -E "^$src/(selftests|kmod/test)/" "$work/contents")
[ -z "$tests" ]
tap $? "well-dkms: no in-kernel test sources" "$tests"
dpkg-deb -f "$deb/well-dkms_${debver}_all.deb" Depends | grep -q dkms
tap $? "well-dkms depends on dkms"
mkdir -p "$work/ctl"
dpkg-deb -e "$deb/well-dkms_${debver}_all.deb" "$work/ctl"
grep -q 'addgroup --system --quiet well' "$work/ctl/postinst" &&
	grep -q 'dkms' "$work/ctl/postinst" && grep -q 'dkms' "$work/ctl/prerm"
tap $? "well-dkms: postinst creates the group and runs dkms, prerm removes"

# All of them unpacked into a scratch root and used there.
for f in "$deb"/libwell0_*.deb "$deb"/libwell-uring0_*.deb \
	 "$deb"/libwell-dev_*.deb "$deb"/well-tools_*.deb \
	 "$deb"/well-dkms_*.deb; do
	dpkg -x "$f" "$root" || tap 1 "dpkg -x $(basename "$f")"
done
PKG_CONFIG_SYSROOT_DIR=$root
# liburing.pc (of liburing-dev, which libwell-dev depends on) where the
# system keeps it.
PKG_CONFIG_LIBDIR=$root$lib/pkgconfig:$(pkg-config --variable pc_path pkg-config)
export PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR
for ex in examples/*.c; do
	name=$(basename "$ex" .c)
	pkg=$(sed -n 's/.*Build:.*pkg-config --cflags --libs \([a-z-]*\).*/\1/p' \
		"$ex" | head -n 1)
	# shellcheck disable=SC2046
	${CC:-cc} -std=gnu11 -O2 -Wall -Werror -o "$work/bin/$name" "$ex" \
		$(pkg-config --cflags --libs "${pkg:-well}") >"$work/log" 2>&1 &&
		LD_LIBRARY_PATH=$root$lib "$work/bin/$name" >>"$work/log" 2>&1
	tap_log $? "$name: built with the unpacked libwell-dev, runs on libwell0" \
		"$work/log"
done
"$root/usr/bin/well-demo" -n 100000 >"$work/log" 2>&1 &&
	grep -q 'verification passed' "$work/log"
tap_log $? "the unpacked well-demo runs and verifies" "$work/log"
LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l \
	"$root/usr/share/man/man3/well_reserve.3.gz" \
	"$root/usr/share/man/man1/well-consume.1.gz" >"$work/page" 2>"$work/log" &&
	[ ! -s "$work/log" ] && grep -q 'well_reserve' "$work/page"
tap_log $? "the unpacked pages render with man -l" "$work/log"

# dkms builds the packaged sources (6.1 here; check-dkms.sh does both).
rel=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory \
	-C "$top" kmod-release KVER=6.1)
mkdir -p "$work/dkms"
trees="--dkmstree $work/dkms --sourcetree $root/usr/src"
# shellcheck disable=SC2086
{ dkms add -m well -v "$version" $trees &&
  dkms build -m well -v "$version" -k "$rel" $trees; } >"$work/log" 2>&1 &&
	[ "$(modinfo -F version "$work/dkms/well/$version/$rel/$(uname -m)/module/well.ko" 2>&1)" = "$version" ]
tap_log $? "dkms builds the packaged sources for $rel; modinfo says $version" \
	"$work/log"
echo "1..$n"
[ "$failed" = 0 ]
