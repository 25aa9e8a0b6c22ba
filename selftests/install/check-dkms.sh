#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Debian's dkms on the tree's dkms.conf, for 6.1 and 6.12: make dkms-src
# stages the sources, then dkms add, build, install and remove run in a
# dkms tree, source tree and install tree of their own (nothing lands in
# /var/lib/dkms or /lib/modules; dkms signs with its MOK key of
# /var/lib/dkms, made on first use, and runs depmod). The installed
# well.ko must say the library's VERSION. dkms.conf's PACKAGE_VERSION is
# mk/config.mk's VERSION.
# Usage: selftests/install/check-dkms.sh OUT   (from the source tree, as root)
set -u
# dkms and dpkg-buildpackage run as a user runs them, from a clean shell:
# not with the calling make's flags (make CC=clang check must not reach
# the kernel build or the package build).
unset MAKEFLAGS MFLAGS MAKELEVEL
mkdir -p "$1" && out=$(cd "$1" && pwd) || exit 1
top=$PWD
work=$out/dkms-check
# shellcheck source=scripts/tap.sh
. "$top/scripts/tap.sh"

rm -rf "$work"
mkdir -p "$work/tree" "$work/inst"
echo "TAP version 13"
version=$(sed -n 's/^VERSION[[:space:]]*:=[[:space:]]*//p' mk/config.mk)
conf=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
if [ "$conf" = "$version" ]; then
	tap 0 "dkms.conf PACKAGE_VERSION is VERSION ($version)"
else
	tap 1 "dkms.conf PACKAGE_VERSION is VERSION ($version)" "got: $conf"
fi
if ! command -v dkms >/dev/null; then
	tap 1 "dkms is installed" "run make deps-pkg"
	echo "1..$n"
	exit 1
fi

env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" \
	DESTDIR="$work/src" dkms-src >"$work/log" 2>&1
tap_log $? "make dkms-src DESTDIR=" "$work/log" || { echo "1..$n"; exit 1; }
trees="--dkmstree $work/tree --sourcetree $work/src/usr/src --installtree $work/inst"
mod="-m well -v $version"

# shellcheck disable=SC2086
dkms add $mod $trees >"$work/log" 2>&1
tap_log $? "dkms add well/$version" "$work/log"
for kver in 6.1 6.12; do
	rel=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory \
		-C "$top" kmod-release KVER="$kver")
	if [ -z "$rel" ] || [ ! -d "/lib/modules/$rel/build" ]; then
		tap 1 "$kver: kernel headers installed" "run make deps"
		continue
	fi
	mkdir -p "$work/inst/$rel"
	start=$(date +%s)
	# shellcheck disable=SC2086
	dkms build $mod -k "$rel" $trees >"$work/log" 2>&1
	tap_log $? "$kver: dkms build -k $rel ($(($(date +%s) - start)) s)" \
		"$work/log" || continue
	# shellcheck disable=SC2086
	dkms install $mod -k "$rel" $trees >"$work/log" 2>&1
	tap_log $? "$kver: dkms install -k $rel" "$work/log" || continue
	ko=$(find "$work/inst/$rel" -name 'well.ko*')
	case "$ko" in
	*/updates/dkms/well.ko*) tap 0 "$kver: well.ko in updates/dkms/" ;;
	*) tap 1 "$kver: well.ko in updates/dkms/" "found: $ko" ;;
	esac
	got=$(modinfo -F version "$ko" 2>&1)
	if [ "$got" = "$version" ]; then
		tap 0 "$kver: modinfo -F version is $version"
	else
		tap 1 "$kver: modinfo -F version is $version" "got: $got"
	fi
	# Debian's dkms signs with its MOK key (made on first use).
	got=$(modinfo -F signer "$ko" 2>&1)
	if [ -n "$got" ]; then
		tap 0 "$kver: signed by \"$got\""
	else
		tap 1 "$kver: signed by dkms's MOK key" "modinfo -F signer is empty"
	fi
	probe=$(find "$work/inst/$rel" -name 'well_probe.ko*')
	case "$probe" in
	*/updates/dkms/well_probe.ko*)
		tap 0 "$kver: well_probe.ko in updates/dkms/" ;;
	*) tap 1 "$kver: well_probe.ko in updates/dkms/" "found: $probe" ;;
	esac
	# Only the two modules: no in-kernel test module from a dkms build.
	others=$(find "$work/tree/well/$version/$rel" -name '*.ko*' \
		! -name 'well.ko*' ! -name 'well_probe.ko*')
	if [ -z "$others" ]; then
		tap 0 "$kver: dkms built well.ko and well_probe.ko alone"
	else
		tap 1 "$kver: dkms built well.ko and well_probe.ko alone" \
			"also: $others"
	fi
	# shellcheck disable=SC2086
	dkms status $mod -k "$rel" $trees >"$work/log" 2>&1
	grep -q ": installed" "$work/log"
	tap_log $? "$kver: dkms status says installed" "$work/log"
done
# shellcheck disable=SC2086
dkms remove $mod --all $trees >"$work/log" 2>&1 &&
	[ -z "$(find "$work/inst" -name 'well.ko*')" ] &&
	[ ! -e "$work/tree/well" ]
tap_log $? "dkms remove --all: no module left" "$work/log"
echo "1..$n"
[ "$failed" = 0 ]
