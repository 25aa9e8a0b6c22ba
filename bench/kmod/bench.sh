#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Runs inside the VM (make bench-kmod): kernel producers into a /dev/well
# ring, consumed through the mapping and through read(), 64-byte and 4 KiB
# blocks, one and two producers. Every case moves the same number of
# blocks. The cases are interleaved over the rounds, the order of the
# three consumers turns by one each round. Prints records for
# bench/table.awk (make bench-kmod formats them on the host): a rate is
# the median of its rounds, a ratio the median of the per-round ratios.
# Usage: bench.sh [ROUNDS [BLOCKS [WELL-CONSUME OPTIONS]]]
#   default: 5 rounds, 300000 blocks, -e (header-only blocks)
set -u
rounds=${1:-5}
blocks=${2:-300000}
opts=${3--e}
failed=0

mode_opts() {	# MODE
	case $1 in
	mmap) ;;
	read1) echo "-r -R" ;;
	readb) echo "-r" ;;
	esac
}

mode_name() {	# MODE
	case $1 in
	mmap) echo "mmap" ;;
	read1) echo "read() 1" ;;
	readb) echo "read() N" ;;
	esac
}

# One run: prints its record (RATE 0: it failed).
run_case() {	# SIZE PRODUCERS MODE
	out=$(well-consume $opts -b "$1" -p "$2" -n $((blocks / $2)) \
	      $(mode_opts "$3") 2>&1)
	rate=$(echo "$out" | sed -n 's/^well-consume: \([0-9]*\) blocks\/s.*/\1/p')
	if ! echo "$out" | grep -q 'verification OK' || [ -z "$rate" ]; then
		echo "$out" | sed 's/^/# /' >&2
		rate=0
		failed=1
	fi
	printf 'rec\t%s B, %sp\t%s\t%s\t%s\n' "$1" "$2" "$r" \
		"$(mode_name "$3")" "$rate"
}

echo "note	Blocks per second, median of $rounds interleaved rounds" \
     "of $blocks blocks (well-consume $opts);"
echo "note	read() 1: one block per call; read() N: 64 KiB per call;"
echo "note	mmap/...: median of the per-round ratios [lowest, highest]."
r=1
while [ "$r" -le "$rounds" ]; do
	case $((r % 3)) in
	1) modes="mmap read1 readb" ;;
	2) modes="read1 readb mmap" ;;
	0) modes="readb mmap read1" ;;
	esac
	for size in 64 4096; do
		for p in 1 2; do
			for m in $modes; do
				run_case "$size" "$p" "$m"
			done
		done
	done
	echo "# round $r of $rounds done, uptime $(cut -d' ' -f1 /proc/uptime) s"
	r=$((r + 1))
done

# Fail when a run failed its verification.
[ "$failed" = 0 ]
