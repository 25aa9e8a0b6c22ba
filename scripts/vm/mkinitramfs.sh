#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Pack the VM's initramfs: busybox (static), scripts/vm/init.sh as /init,
# scripts/vm/leak.sh, kernel modules in /lib/modules, test programs in
# /tests. With -c, the VM runs COMMAND instead of the tests (run mode);
# -b adds a program to /bin, with the shared libraries it needs (a tool
# the command, or a test, runs).
# Usage: mkinitramfs.sh -o OUT.cpio.gz [-c COMMAND] [-b PROGRAM]... FILE...
#   FILE: *.ko goes to /lib/modules, anything else to /tests.
set -eu
here=$(dirname "$0")
out=""
cmd=""
bins=""
while getopts o:c:b: opt; do
	case $opt in
	o) out=$OPTARG ;;
	c) cmd=$OPTARG ;;
	b) bins="$bins $OPTARG" ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$out" ] || { echo "usage: $0 -o OUT [-c CMD] [-b BIN]... FILE..." >&2; exit 2; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/lib/modules" "$root/tests" "$root/proc" \
	"$root/sys" "$root/dev" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
cp "$here/init.sh" "$root/init"
cp "$here/leak.sh" "$root/bin/well-leak"
cp "$here/../tap.sh" "$root/lib/tap.sh"
chmod 755 "$root/init" "$root/bin/well-leak"

for f in "$@"; do
	case $f in
	*.ko) cp "$f" "$root/lib/modules/" ;;
	*) cp "$f" "$root/tests/" ;;
	esac
done

# Run mode: the command.
[ -z "$cmd" ] || printf '%s\n' "$cmd" > "$root/cmd"
# The programs the command or the tests run, with their libraries.
for b in $bins; do
	cp "$b" "$root/bin/"
	for lib in $(ldd "$b" 2>/dev/null |
		     awk '$2 == "=>" && $3 ~ /^\// { print $3 }
			  $1 ~ /^\// { print $1 }'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done

mkdir -p "$(dirname "$out")"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
