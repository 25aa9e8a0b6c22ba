#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Instructions per item of each ring, free of the machine's noise: runs
# ring_bench -s (one thread: a batch in, then a batch out) under valgrind
# for two item counts and divides the difference. Counts both sides' work:
# the ring calls, writing the item and summing it.
# Prints records; make bench-icount turns them into the table.
# Usage: bench/ring/icount.sh PATH/TO/ring_bench
set -eu
bench=$1
small=65536
large=262144
cases="spsc-8B-b1 spsc-8B-b8 spsc-8B-b32 spsc-64B-b1 spsc-64B-b8 spsc-64B-b32
mpmc-8B-b1 mpmc-8B-b8 mpmc-8B-b32 mpmc-64B-b1 mpmc-64B-b8 mpmc-64B-b32"
peers="well rte_ring ck_ring"

# Instructions of one serial run.
irefs() {
	valgrind --tool=cachegrind --cache-sim=no \
		--cachegrind-out-file=/dev/null \
		"$bench" -s -r 1 -n "$1" -c "$2" -i "$3" 2>&1 |
		awk '/I *refs:/ { gsub(",", "", $NF); print $NF }'
}

# Records for bench/table.awk: one round, deterministic.
echo "note	Instructions per item, producer and consumer together" \
     "(valgrind, one thread; lower is better)."
for c in $cases; do
	for p in $peers; do
		a=$(irefs $small "$c" "$p")
		b=$(irefs $large "$c" "$p")
		awk -v a="$a" -v b="$b" -v n=$((large - small)) -v c="$c" \
			-v p="$p" 'BEGIN { printf "rec\t%s\t1\t%s\t%.1f\n", c, p, (b - a) / n }'
	done
done
