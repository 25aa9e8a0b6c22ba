#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# The modules' compiler and sparse lint, as TAP: a fresh build with W=1,
# then sparse over every module source (C=2). Each is "ok" only with no
# warning at all.
# Usage: kbuild-lint.sh KDIR KSFT_DIR WORKDIR [KCC]   (from the source tree)
# KCC is the kernel's compiler (default gcc), whatever CC the caller's
# make has in its MAKEFLAGS.
set -u
kdir=$1
ksft=$2
work=$3
kcc=${4:-gcc}
kernel=$(basename "$(readlink -f "$kdir")")
# shellcheck source=scripts/tap.sh
. "$(dirname "$0")/../tap.sh"

rm -rf "$work"
mkdir -p "$work"
set --
for d in Kbuild kmod core include selftests/kmod selftests/scenarios \
	selftests/lib; do
	[ -e "$d" ] && set -- "$@" "$d"
done
rsync -aR --include='*/' --include='*.[chS]' --include=Kbuild --exclude='*' \
	"$@" "$work/"
# BTF needs vmlinux, absent from header packages: its notice is no warning.
make -C "$kdir" M="$work" KSFT_DIR="$ksft" CC="$kcc" W=1 modules 2>&1 |
	grep -v 'Skipping BTF generation' > "$work/w1.log"
tap_clean "kmod: $kernel: W=1 build without warnings" "$work/w1.log"
make -C "$kdir" M="$work" KSFT_DIR="$ksft" CC="$kcc" C=2 modules 2>&1 |
	grep -v 'Skipping BTF generation' > "$work/sparse.log"
tap_clean "kmod: $kernel: sparse (C=2) without warnings" "$work/sparse.log"
[ "$failed" = 0 ]
