#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Pack the VM's initramfs: busybox (static), scripts/vm/init.sh as /init,
# scripts/vm/leak.sh, kernel modules in /lib/modules, test programs in
# /tests. With -c, the VM runs COMMAND instead of the tests (run mode);
# -b adds a program to /bin, with the shared libraries it needs (a tool
# the command, or a test, runs); -m adds a module of the kernel itself
# (virtio_blk, ext4) from /lib/modules/KREL (-k) with the modules it
# depends on, uncompressed, into /lib/kmods, named in load order in
# /lib/kmods/order (init.sh loads them first in run mode); modules built
# into that kernel are skipped.
# Usage: mkinitramfs.sh -o OUT.cpio.gz [-c COMMAND] [-b PROGRAM]...
#                       [-k KREL -m MODULE...] FILE...
#   FILE: *.ko goes to /lib/modules, anything else to /tests.
set -eu
here=$(dirname "$0")
out=""
cmd=""
bins=""
krel=""
kmods=""
while getopts o:c:b:k:m: opt; do
	case $opt in
	o) out=$OPTARG ;;
	c) cmd=$OPTARG ;;
	b) bins="$bins $OPTARG" ;;
	k) krel=$OPTARG ;;
	m) kmods="$kmods $OPTARG" ;;
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

# Kernel modules: each after the ones it needs. modules.dep lists every
# module a module needs, each after the ones that need it: loaded from the
# end of the list.
if [ -n "$kmods" ]; then
	mdir=/lib/modules/$krel
	[ -n "$krel" ] && [ -r "$mdir/modules.dep" ] ||
		{ echo "$0: -m needs -k KREL with $mdir/modules.dep" >&2; exit 1; }
	mkdir -p "$root/lib/kmods"
	: > "$root/lib/kmods/order"
	for m in $kmods; do
		# module names spell - and _ alike
		pat=$(echo "$m" | sed 's/[-_]/[-_]/g')
		line=$(grep -E "(^|/)$pat\.ko(\.xz|\.zst|\.gz)?:" \
		       "$mdir/modules.dep" || true)
		if [ -z "$line" ]; then
			grep -qE "(^|/)$pat\.ko\$" "$mdir/modules.builtin" &&
				continue
			echo "$0: no module $m in $mdir" >&2
			exit 1
		fi
		for path in $(echo "$line" | awk -F': *' '{
				n = split($2, d, " ")
				for (i = n; i >= 1; i--)
					print d[i]
				print $1
			}'); do
			name=$(basename "$path" | sed 's/\.ko.*$//')
			grep -qx "$name" "$root/lib/kmods/order" && continue
			case $path in
			*.xz) xz -dc "$mdir/$path" ;;
			*.zst) zstd -dc "$mdir/$path" ;;
			*.gz) gzip -dc "$mdir/$path" ;;
			*) cat "$mdir/$path" ;;
			esac > "$root/lib/kmods/$name.ko"
			echo "$name" >> "$root/lib/kmods/order"
		done
	done
fi

mkdir -p "$(dirname "$out")"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
