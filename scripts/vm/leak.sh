#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Inside the VM: load and unload a module many times and check that memory
# comes back. Prints TAP; exits 1 when a check failed.
# Usage: well-leak MODULE.ko [CYCLES_PER_WINDOW [COMMAND]]
# COMMAND, when given, runs after each insmod, before the rmmod, and must
# succeed: what it makes the module allocate (well.ko: a ring in the
# caller's memory, pinned and vmap()ed, "dev_umem --cycle") must come back
# too. Its process per cycle makes MemFree noisier (measured on 6.1 and
# 6.12 in 40-cycle windows: a window shrank it by up to 8 MiB or grew it
# by up to 18; both windows shrank it by at most 4.3 and 2.5 MiB), so with
# a COMMAND the MemFree limit is 32 MiB, and a 4 MiB ring whose pages
# stayed pinned moves MemFree by 160 MiB a window. VmallocUsed counts only
# vmalloc()'s own pages, not a vmap() of other pages: the areas of
# /proc/vmallocinfo are counted too (a check fails when both windows add
# more than 8; a vmap() left behind per cycle adds 40).
#
# After 5 warm-up cycles (the first loads fill caches for good), memory is
# sampled at A, after one window of cycles at B, after a second at C, each
# time after dropping the page cache, compacting memory (which drains the
# per-CPU free page lists) and shrinking every slab cache. A leak grows
# both windows alike; noise does not. Measured on Debian's 6.1 under TCG,
# 40-cycle windows of a module that allocates nothing and of well.ko moved
# Slab by -156..+160 kB, VmallocUsed by +-16 kB and MemFree mostly by 0 to
# 500 kB, once by 3.5 MB, a change in one window undone or not repeated in
# the next (caches of short-lived processes: mm_struct, names_cache, filp;
# per-CPU page lists). A check fails only when BOTH windows pass its limit:
# Slab 256 kB, VmallocUsed 64 kB, MemFree 2048 kB, i.e. a leak of 6.4 kB of
# slab, of one vmalloc page, or of 51 kB of pages per cycle (a module that
# leaks an 8 kB kmalloc and a vmalloc page per load fails with Slab +340
# and +436 kB, VmallocUsed +176 and +176 kB). The set of
# slab caches must be the same at C as at A: a module's kmem_cache is never
# left behind.
mod=$1
per=${2:-40}
cmd=${3:-true}
memfree_limit=2048
[ "$cmd" = true ] || memfree_limit=32768
name=$(basename "$mod" .ko)
# shellcheck source=scripts/tap.sh
. /lib/tap.sh

cycles() {	# COUNT: insmod + rmmod; prints how many failed
	i=0
	bad=0
	while [ $i -lt "$1" ]; do
		if insmod "$mod"; then
			$cmd || bad=$((bad + 1))
			rmmod "$name" || bad=$((bad + 1))
		else
			bad=$((bad + 1))
		fi
		i=$((i + 1))
	done
	echo $bad
}

sample() {	# TAG: meminfo and slab cache names into /tmp/leak.TAG.*
	sync
	echo 3 > /proc/sys/vm/drop_caches
	{ echo 1 > /proc/sys/vm/compact_memory; } 2>/dev/null
	for s in /sys/kernel/slab/*/shrink; do
		echo 1 > "$s"
	done 2>/dev/null
	grep -E '^(MemFree|Slab|VmallocUsed):' /proc/meminfo > "/tmp/leak.$1.mem"
	echo "VmapAreas: $(grep -c . /proc/vmallocinfo)" >> "/tmp/leak.$1.mem"
	ls /sys/kernel/slab > "/tmp/leak.$1.caches"
}

kb() {	# TAG FIELD
	awk -v f="$2:" '$1 == f { print $2 }' "/tmp/leak.$1.mem"
}

grows() {	# FIELD LIMIT SIGN [UNIT]: 0 unless both windows moved past LIMIT
	ab=$(($3 * ($(kb B "$1") - $(kb A "$1"))))
	bc=$(($3 * ($(kb C "$1") - $(kb B "$1"))))
	[ "$3" = 1 ] && how=grew || how=shrank
	u=${4:-kB}
	echo "# $1 $how by $ab $u, then $bc $u (limit $2 $u each)"
	[ $ab -gt "$2" ] && [ $bc -gt "$2" ] && return 1
	return 0
}

bad=$(cycles 5)
sample A
bad=$((bad + $(cycles "$per")))
sample B
bad=$((bad + $(cycles "$per")))
sample C
what=""
[ "$cmd" = true ] || what=" with '$cmd'"
tap $bad "$((2 * per + 5)) insmod/rmmod cycles of $name$what ($bad failed)"
grows Slab 256 1
tap $? "$name cycles: Slab does not grow in both windows"
grows VmallocUsed 64 1
tap $? "$name cycles: VmallocUsed does not grow in both windows"
grows MemFree $memfree_limit -1
tap $? "$name cycles: MemFree does not shrink in both windows"
grows VmapAreas 8 1 areas
tap $? "$name cycles: /proc/vmallocinfo areas do not grow in both windows"
diff /tmp/leak.A.caches /tmp/leak.C.caches | sed -n 's/^[-+][^-+]/# &/p'
cmp -s /tmp/leak.A.caches /tmp/leak.C.caches
tap $? "$name cycles: the same slab caches before and after"
exit $((failed != 0))
