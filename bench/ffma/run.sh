#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# make bench-ffma: runs the ffma_bench processes one after another (each
# runs its allocators interleaved, in rounds) and prints the tables,
# made by bench/table.awk from their records (kept in DIR/ffma.raw).
#   ffma_bench            libwell.so as pkg-config links it; ffma_mem,
#                         ffma, mimalloc, glibc in one process
#   ffma_bench-static     the same with libwell.a: the rows "... static"
#   ffma_bench-jemalloc   jemalloc (it replaces malloc), with ffma beside
#   ffma_bench-tcmalloc   tcmalloc, likewise
#   ffma_bench -m         resident memory, each run in a fresh process
# Each binary runs PROCS times, in turn with the others, ROUNDS rounds a
# process: an allocator's state can differ from one process to the next
# (mimalloc's burst rate did, threefold, steady within each process), so
# the rounds of all its processes are pooled (round P.R) and the
# brackets show that spread too.
# Usage: bench/ffma/run.sh DIR [ROUNDS [PROCS]]
set -eu
dir=$1
rounds=${2:-4}
procs=${3:-3}
here=$(dirname "$0")
raw=$dir/ffma.raw
one=$dir/ffma.one

# run P BINARY [ARGS]: process P of BINARY; its rounds become P.ROUND.
run() {
	p=$1
	shift
	"$@" -r "$rounds" > "$one"
	awk -v p="$p" 'BEGIN { FS = OFS = "\t" }
		$1 == "rec" { $3 = p "." $3 } { print }' "$one"
}

# table RAW CAPTION-LINE1 [OPTIONS]: the caption, then the table of RAW.
table() {
	file=$1
	first=$2
	shift 2
	{
		printf 'note\t%s\nnote\t%s;\nnote\t%s\n' "$first" "$ratio" "$when"
		cat "$file"
	} | awk -f "$here/../table.awk" "$@"
}

load=$(cut -d' ' -f1-3 /proc/loadavg)
model=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
{
	for w in pair burst xthread; do
		for s in 16 64 128 1024 4096; do
			printf 'row\t%s %s\nrow\t%s %s static\n' $w $s $w $s
		done
	done
	p=1
	while [ "$p" -le "$procs" ]; do
		run "$p" "$dir/ffma_bench"
		run "$p" "$dir/ffma_bench-static" -s " static"
		run "$p" "$dir/ffma_bench-jemalloc"
		run "$p" "$dir/ffma_bench-tcmalloc"
		p=$((p + 1))
	done
} > "$raw"
rm -f "$one"
"$dir/ffma_bench" -m > "$dir/ffma-mem.raw"

when="from \`\`make bench-ffma\`\` on $(date -u '+%Y-%m-%d %H:%M UTC'),"
when="$when $(nproc) CPUs ($model), load average $load at the start,"
when="$when $(cut -d' ' -f1-3 /proc/loadavg) at the end."
ratio="ratios: median of the per-round ratios [lowest, highest]"

per_s="million objects allocated and freed per second"
med="median of $procs processes x $rounds interleaved rounds"
table "$raw" "ffma_mem_alloc/ffma_mem_free: $per_s, $med" \
	-v subject=ffma_mem -v scale=1e-6 \
	-v peers="ffma_mem mimalloc glibc jemalloc tcmalloc" \
	-v ratios="mimalloc glibc jemalloc tcmalloc"
echo
table "$raw" "ffma_create/ffma_alloc/ffma_free (one handle per size): $per_s, $med" \
	-v subject=ffma -v scale=1e-6 -v peers="ffma mimalloc glibc" \
	-v ratios="mimalloc glibc jemalloc tcmalloc"
echo
table "$dir/ffma-mem.raw" \
	"Resident MiB added (lower is better), median of 3 rounds, each run in a process of its own" \
	-v subject=ffma_mem -v vfmt=%.2f -v peers="ffma_mem mimalloc glibc" \
	-v ratios="mimalloc glibc"
