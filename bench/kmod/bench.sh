#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Runs inside the VM (make bench-kmod): kernel producers into a /dev/well
# ring, consumed through the mapping and through read(), 64-byte and 4 KiB
# blocks, one and two producers. Every case moves the same number of
# blocks. The cases are interleaved over the rounds, the order of the
# three consumers turns by one each round; a rate is the median of its
# rounds, a ratio the median of the per-round ratios. Prints an RST table.
# Usage: kmod_bench.sh [ROUNDS [BLOCKS [WELL-CONSUME OPTIONS]]]
#   default: 5 rounds, 300000 blocks, -e (header-only blocks)
set -u
rounds=${1:-5}
blocks=${2:-300000}
opts=${3--e}
raw=/tmp/kmod_bench.raw
: > "$raw"

mode_opts() {	# MODE
	case $1 in
	mmap) ;;
	read1) echo "-r -R" ;;
	readb) echo "-r" ;;
	esac
}

# One run: appends "ROUND SIZE PRODUCERS MODE RATE" (RATE 0: it failed).
run_case() {	# SIZE PRODUCERS MODE
	out=$(well-consume $opts -b "$1" -p "$2" -n $((blocks / $2)) \
	      $(mode_opts "$3") 2>&1)
	rate=$(echo "$out" | sed -n 's/^well-consume: \([0-9]*\) blocks\/s.*/\1/p')
	if ! echo "$out" | grep -q 'verification OK' || [ -z "$rate" ]; then
		echo "$out" | sed 's/^/# /' >&2
		rate=0
	fi
	echo "$r $1 $2 $3 $rate" >> "$raw"
}

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

echo "# $blocks blocks per run, well-consume $opts, $rounds rounds;" \
     "items/s and ratios: medians of the rounds"
echo "# raw: round size producers mode items/s, in run order"
sed 's/^/#   /' "$raw"
echo "# read() 1: one block per call; read() N: 64 KiB per call;" \
     "x 1, x N: mmap over them"

# Per case: the median rate of each mode over the rounds, and the median
# of the per-round ratios (runs of one round ran close together in time).
awk -v rounds="$rounds" '
	function median(a, n,	i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function med_rate(c, m,	r, n, a) {
		n = 0
		for (r = 1; r <= rounds; r++)
			a[++n] = rate[r, c, m]
		return median(a, n)
	}
	function med_ratio(c, m,	r, n, a) {
		n = 0
		for (r = 1; r <= rounds; r++)
			if (rate[r, c, m] > 0)
				a[++n] = rate[r, c, "mmap"] / rate[r, c, m]
		return n ? sprintf("%.1f", median(a, n)) : "-"
	}
	{ rate[$1, $2 " " $3, $4] = $5 }
	END {
		line = "==========  =========  =========  =========  " \
		       "======  ======"
		print line
		printf "%-10s  %9s  %9s  %9s  %6s  %6s\n", "case", "mmap",
		       "read() 1", "read() N", "x 1", "x N"
		print line
		split("64 4096", sizes, " ")
		for (i = 1; i <= 2; i++)
			for (p = 1; p <= 2; p++) {
				c = sizes[i] " " p
				printf "%-10s  %9.0f  %9.0f  %9.0f  %6s  %6s\n",
				       sizes[i] " B, " p "p", med_rate(c, "mmap"),
				       med_rate(c, "read1"), med_rate(c, "readb"),
				       med_ratio(c, "read1"), med_ratio(c, "readb")
			}
		print line
	}' "$raw"

# Fail when a run failed its verification.
! grep -q ' 0$' "$raw"
