#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Runs inside the VM (make bench-kmod-scale): kernel producer scaling. 1, 2 and
# 4 load-generator threads (4 oversubscribe the VM's 2 vCPUs) write
# header-only 64-byte blocks into one mapped ring, which well-consume
# drains and verifies, for two builds of well.ko in the same boot: this
# tree's (lock-free publish) and a baseline (/bin/well-base.ko, built from
# KMOD_BENCH_BASE: the pub_lock version). Each round loads each module
# once, in an order that alternates by round, and runs every producer
# count on it, in an order that turns by round. A rate is the median of
# the rounds with min and max; a ratio the median (min, max) of the
# per-round ratios new/base. Prints an RST table.
# Usage: scale.sh [ROUNDS [BLOCKS]]   default: 7 rounds, 4000000 blocks
set -u
rounds=${1:-7}
blocks=${2:-4000000}
raw=/tmp/kmod_scale.raw
: > "$raw"

load() {	# new|base
	# init.sh loaded well_probe.ko (when built) on well.ko: it goes first.
	rmmod well_probe 2>/dev/null
	rmmod well 2>/dev/null
	case $1 in
	new) insmod /lib/modules/well.ko ;;
	base) insmod /bin/well-base.ko ;;
	esac
}

# One run: appends "ROUND MODULE PRODUCERS RATE" (RATE 0: it failed).
run_case() {	# MODULE PRODUCERS
	out=$(well-consume -e -b 64 -c 4096 -p "$2" -n $((blocks / $2)) 2>&1)
	rate=$(echo "$out" | sed -n 's/^well-consume: \([0-9]*\) blocks\/s.*/\1/p')
	if ! echo "$out" | grep -q 'verification OK' || [ -z "$rate" ]; then
		echo "$out" | sed 's/^/# /' >&2
		rate=0
	fi
	echo "$r $1 $2 $rate" >> "$raw"
}

r=1
while [ "$r" -le "$rounds" ]; do
	case $((r % 2)) in
	1) mods="new base" ;;
	0) mods="base new" ;;
	esac
	case $((r % 3)) in
	1) counts="1 2 4" ;;
	2) counts="2 4 1" ;;
	0) counts="4 1 2" ;;
	esac
	for m in $mods; do
		load "$m" || { echo "# insmod $m failed" >&2; exit 1; }
		for p in $counts; do
			run_case "$m" "$p"
		done
	done
	echo "# round $r of $rounds done, uptime $(cut -d' ' -f1 /proc/uptime) s"
	r=$((r + 1))
done
load new

echo "# $blocks blocks of 64 B (headers only) per run, ring of 4096," \
     "$rounds rounds, $(grep -c ^processor /proc/cpuinfo) vCPUs"
echo "# raw: round module producers blocks/s, in run order"
sed 's/^/#   /' "$raw"

awk -v rounds="$rounds" '
	function sort(a, n,	i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
	}
	function median(a, n) {
		sort(a, n)
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function rates(p, m,	r, n, a) {
		n = 0
		for (r = 1; r <= rounds; r++)
			a[++n] = rate[r, m, p]
		sort(a, n)
		return sprintf("%.0f (%.0f-%.0f)", median(a, n), a[1], a[n])
	}
	function ratios(p,	r, n, a) {
		n = 0
		for (r = 1; r <= rounds; r++)
			if (rate[r, "base", p] > 0)
				a[++n] = rate[r, "new", p] / rate[r, "base", p]
		if (!n)
			return "-"
		sort(a, n)
		return sprintf("%.2f (%.2f-%.2f)", median(a, n), a[1], a[n])
	}
	{ rate[$1, $2, $3] = $4 }
	END {
		line = "=========  ==============================  " \
		       "==============================  ================="
		print line
		printf "%-9s  %-30s  %-30s  %s\n", "producers",
		       "lock-free, blocks/s", "pub_lock, blocks/s",
		       "ratio"
		print line
		split("1 2 4", ps, " ")
		for (i = 1; i <= 3; i++)
			printf "%-9s  %-30s  %-30s  %s\n", ps[i],
			       rates(ps[i], "new"), rates(ps[i], "base"),
			       ratios(ps[i])
		print line
	}' "$raw"

# Fail when a run failed its verification.
! grep -q ' 0$' "$raw"
