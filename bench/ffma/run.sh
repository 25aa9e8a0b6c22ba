#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Run bench/ffma_bench once per allocator and print reStructuredText
# tables: ops/s of each allocator, then the ratio of ffma (fixed-size API)
# and ffma_mem (size classes) to each peer.
# Usage: bench/ffma_bench.sh DIR   (DIR holds ffma_bench-<malloc>)
set -eu
dir=$1
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
"$dir/ffma_bench-glibc" glibc ops ffma >>"$raw"
"$dir/ffma_bench-glibc" glibc ops ffma_mem >>"$raw"
for m in glibc mimalloc jemalloc tcmalloc; do
	"$dir/ffma_bench-$m" "$m" ops malloc >>"$raw"
done
"$dir/ffma_bench-glibc" glibc rss ffma >>"$raw"
"$dir/ffma_bench-glibc" glibc rss ffma_mem >>"$raw"
for m in glibc mimalloc jemalloc tcmalloc; do
	"$dir/ffma_bench-$m" "$m" rss malloc >>"$raw"
done

awk -F '\t' '
{
	if (!($1 in seen)) {
		seen[$1] = 1
		order[++n] = $1
	}
	v[$1, $2] = $3
}
function rule(w, cols,    i, s) {
	s = ""
	for (i = 1; i <= cols; i++)
		s = s sprintf("%-*s ", w, substr("==================", 1, w))
	sub(/ +$/, "", s)
	print s
}
function row(w, cols, c,    i, s) {
	s = ""
	for (i = 1; i <= cols; i++)
		s = s sprintf("%-*s ", w, c[i])
	sub(/ +$/, "", s)
	print s
}
# The head of a table with a column per allocator (al[1..na]).
function allocators_header(    i) {
	rule(12, na + 1)
	c[1] = "workload"
	for (i = 1; i <= na; i++)
		c[i + 1] = al[i]
	row(12, na + 1, c)
	rule(12, na + 1)
}
END {
	na = split("ffma ffma_mem glibc mimalloc jemalloc tcmalloc", al, " ")
	np = split("glibc mimalloc jemalloc tcmalloc", peer, " ")
	print "Millions of operations per second (best of 5 rounds)"
	print ""
	allocators_header()
	for (k = 1; k <= n; k++) {
		if (order[k] ~ /^rss/)
			continue
		c[1] = order[k]
		for (i = 1; i <= na; i++)
			c[i + 1] = sprintf("%.1f", v[order[k], al[i]] / 1e6)
		row(12, na + 1, c)
	}
	rule(12, na + 1)
	print ""
	print "Ratio to each peer: ffma / peer, ffma_mem / peer"
	print ""
	rule(12, 2 * np + 1)
	c[1] = "workload"
	for (i = 1; i <= np; i++) {
		c[2 * i] = "ffma/" substr(peer[i], 1, 6)
		c[2 * i + 1] = "mem/" substr(peer[i], 1, 7)
	}
	row(12, 2 * np + 1, c)
	rule(12, 2 * np + 1)
	for (k = 1; k <= n; k++) {
		if (order[k] ~ /^rss/)
			continue
		c[1] = order[k]
		for (i = 1; i <= np; i++) {
			p = v[order[k], peer[i]]
			c[2 * i] = sprintf("%.2f", v[order[k], "ffma"] / p)
			c[2 * i + 1] = sprintf("%.2f", v[order[k], "ffma_mem"] / p)
		}
		row(12, 2 * np + 1, c)
	}
	rule(12, 2 * np + 1)
	print ""
	print "Resident MiB added by 10^6 live 64-byte objects"
	print ""
	allocators_header()
	c[1] = "rss-64"
	for (i = 1; i <= na; i++)
		c[i + 1] = v["rss-64", al[i]]
	row(12, na + 1, c)
	rule(12, na + 1)
}' "$raw"
