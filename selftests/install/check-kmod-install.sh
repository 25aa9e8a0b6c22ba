#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# make kmod-install without a VM: for each kernel (6.1, 6.12), well.ko
# says the library's VERSION (modinfo), kmod-install DESTDIR= stages the
# module and the udev rule and nothing else, the commands it would run
# without DESTDIR create the group and run depmod (make -n), and
# kmod-uninstall removes what it staged.
# Usage: selftests/install/check-kmod-install.sh OUT   (from the source tree)
set -u
mkdir -p "$1" && out=$(cd "$1" && pwd) || exit 1
top=$PWD
work=$out/kmod-install-check
# shellcheck source=scripts/tap.sh
. "$top/scripts/tap.sh"

mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory \
		-C "$top" OUT="$out" "$@"
}

rm -rf "$work"
mkdir -p "$work"
echo "TAP version 13"
version=$(sed -n 's/^VERSION[[:space:]]*:=[[:space:]]*//p' mk/config.mk)
for kver in 6.1 6.12; do
	stage=$work/stage-$kver
	mk -s kmod-install KVER=$kver DESTDIR="$stage" >"$work/log" 2>&1
	tap_log $? "$kver: make kmod-install DESTDIR=" "$work/log" || continue
	ko=$(find "$stage/lib/modules" -name well.ko)
	rel=$(echo "$ko" | sed -n 's|.*/lib/modules/\([^/]*\)/updates/well.ko$|\1|p')
	files=$(cd "$stage" && find . ! -type d | sort | tr '\n' ' ')
	want="./etc/udev/rules.d/60-well.rules ./lib/modules/$rel/updates/well.ko "
	if [ -n "$rel" ] && [ "$files" = "$want" ]; then
		tap 0 "$kver: staged well.ko for $rel and the udev rule, nothing else"
	else
		tap 1 "$kver: staged well.ko and the udev rule, nothing else" \
			"got:  $files" "want: $want"
	fi
	got=$(modinfo -F version "$ko" 2>&1)
	if [ "$got" = "$version" ]; then
		tap 0 "$kver: modinfo -F version well.ko is $version"
	else
		tap 1 "$kver: modinfo -F version well.ko is $version" "got: $got"
	fi
	got=$(modinfo -F vermagic "$ko" 2>&1 | cut -d' ' -f1)
	if [ "$got" = "$rel" ]; then
		tap 0 "$kver: vermagic names $rel"
	else
		tap 1 "$kver: vermagic names $rel" "got: $got"
	fi
	cmp -s kmod/60-well.rules "$stage/etc/udev/rules.d/60-well.rules"
	tap $? "$kver: the udev rule is kmod/60-well.rules"

	# What a real install would run; with DESTDIR none of it.
	mk -n kmod-install KVER=$kver >"$work/real" 2>&1
	mk -n kmod-install KVER=$kver DESTDIR="$stage" >"$work/staged" 2>&1
	if grep -q 'groupadd --system well' "$work/real" &&
			grep -q "^depmod -a $rel\$" "$work/real" &&
			! grep -q 'groupadd\|^depmod' "$work/staged"; then
		tap 0 "$kver: groupadd and depmod without DESTDIR only"
	else
		tap 1 "$kver: groupadd and depmod without DESTDIR only" \
			"real: $(grep 'groupadd\|depmod' "$work/real" | tr '\n' ' ')" \
			"staged: $(grep 'groupadd\|depmod' "$work/staged" | tr '\n' ' ')"
	fi

	mk -s kmod-uninstall KVER=$kver DESTDIR="$stage" >"$work/log" 2>&1 &&
		[ -z "$(find "$stage" ! -type d)" ]
	tap_log $? "$kver: make kmod-uninstall DESTDIR= leaves no file" "$work/log"
done
echo "1..$n"
[ "$failed" = 0 ]
