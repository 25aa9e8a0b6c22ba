#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Runs inside the VM (make bench-kmod-record, a VM with a virtio disk):
# kernel producers into a /dev/well ring, every block written to a file
# by three peers, one process each:
#   well-record  io_uring writes straight from the mapped ring
#   read+write   record-read: read() from a WELL_CREATE_READ ring into a
#                buffer, write() of the buffer
#   mmap+write   record-mmap: write() of each reservation's contiguous
#                spans straight from the mapped ring
#   well-record -m anon  the ring in well-record's own anonymous memory,
#                registered as io_uring fixed buffers (WRITE_FIXED): only
#                when this well.ko takes caller memory (checked first)
# Cases: 4 KiB and 64 KiB blocks, to tmpfs, to ext4 on the virtio disk
# (/dev/vda, made on the host) and to ext4 with O_DIRECT (not tmpfs: it
# refuses O_DIRECT on 6.1); 1 MiB blocks to ext4 with O_DIRECT, in
# requests as large as at 64 KiB. Every run moves MIB MiB through a ring of
# 16 MiB, with fdatasync() inside the timed run (-s), after the old file
# was removed and the page cache dropped. The cases are interleaved over
# the rounds, the order of the peers turns by one each round.
# Prints records for bench/table.awk (make bench-kmod-record formats them
# on the host): "rec" lines MB/s, "cpurec" lines CPU seconds per GB of
# the writing process (getrusage: io_uring's workers count, the kernel
# producers do not), "thrrec" lines CPU seconds per GB of its main
# thread alone (the consumer; the rest is io-wq workers'), "bprec" lines
# blocks per write request. Round 1 also reads each peer's file back and
# checks every block (the peers' -v) and prints well-record's io-wq
# workers; every run checks the file's size.
# Usage: record.sh [ROUNDS [MIB [PRODUCERS]]]   default: 5 256 1
set -u
rounds=${1:-5}
mib=${2:-256}
producers=${3:-1}
ring=$((16 << 20))
bytes=$((mib << 20))
failed=0

# insmod virtio_blk created /dev/vda before it returned (init.sh).
[ -b /dev/vda ] || { echo "# no /dev/vda: no virtio disk" >&2; exit 1; }
mkdir -p /mnt/disk /mnt/tmpfs
mount -t ext4 /dev/vda /mnt/disk || exit 1
mount -t tmpfs -o size=$((mib + 16))m tmpfs /mnt/tmpfs || exit 1

peer_cmd() {	# PEER
	case $1 in
	rec) echo well-record ;;
	anon) echo well-record -m anon ;;
	read) echo record-read ;;
	mmap) echo record-mmap ;;
	esac
}

peer_name() {	# PEER
	case $1 in
	rec) echo well-record ;;
	anon) echo well-record -m anon ;;
	read) echo read+write ;;
	mmap) echo mmap+write ;;
	esac
}

target_name() {	# TARGET
	case $1 in
	tmpfs) echo tmpfs ;;
	disk) echo ext4 ;;
	direct) echo ext4 O_DIRECT ;;
	esac
}

# One run: prints its records (MB/s 0 and no other record: it failed).
run_case() {	# SIZE TARGET PEER
	case $2 in
	tmpfs) file=/mnt/tmpfs/rec.out; direct="" ;;
	disk) file=/mnt/disk/rec.out; direct="" ;;
	direct) file=/mnt/disk/rec.out; direct=-d ;;
	esac
	verify=""
	case $3 in
	read|mmap) [ "$r" = 1 ] && verify=-v ;;
	esac
	rm -f /mnt/tmpfs/rec.out /mnt/disk/rec.out
	sync
	echo 3 > /proc/sys/vm/drop_caches
	out=$($(peer_cmd "$3") -p "$producers" -n $((bytes / $1 / producers)) \
	      -b "$1" -c $((ring / $1)) -o "$file" -s $direct $verify 2>&1)
	rc=$?
	fsize=$(stat -c %s "$file" 2>/dev/null)
	rate=$(echo "$out" |
	       sed -n 's/^[^:]*: [0-9]* blocks, .* s: \([0-9.]*\) MB\/s$/\1/p')
	cpu=$(echo "$out" |
	      sed -n 's/^[^:]*: CPU .*: \([0-9.]*\) s per GB$/\1/p')
	thr=$(echo "$out" |
	      sed -n 's/^[^:]*: CPU in this thread \([0-9.]*\) s, .*/\1/p')
	per=$(echo "$out" |
	      sed -n 's/^[^:]*: [0-9]* writes, \([0-9.]*\) blocks each$/\1/p')
	if [ "$1" -ge 1048576 ]; then
		c="$(($1 >> 20)) MiB, $(target_name "$2")"
	else
		c="$(($1 >> 10)) KiB, $(target_name "$2")"
	fi
	# How well-record writes: WRITE_FIXED or plain WRITE, and why.
	m=$(echo "$out" | sed -n 's/^well-record: .* memory, .* bytes: //p')
	case $3 in
	rec) note_rec=${note_rec:-$m} ;;
	anon) note_anon=${note_anon:-$m} ;;
	esac
	if [ $rc != 0 ] || [ -z "$rate" ] || [ -z "$cpu" ] || [ -z "$thr" ] ||
	   [ "$fsize" != $((bytes / $1 / producers * producers * $1)) ]; then
		echo "# FAILED: $(peer_name "$3"), $c, round $r (status $rc," \
		     "file size $fsize):" >&2
		echo "$out" | sed 's/^/#   /' >&2
		rate=0
		failed=1
	else
		printf 'cpurec\t%s\t%s\t%s\t%s\n' "$c" "$r" \
			"$(peer_name "$3")" "$cpu"
		printf 'thrrec\t%s\t%s\t%s\t%s\n' "$c" "$r" \
			"$(peer_name "$3")" \
			"$(awk -v t="$thr" -v b="$bytes" 'BEGIN {
				printf "%.3f", t / (b / 1e9) }')"
		printf 'bprec\t%s\t%s\t%s\t%s\n' "$c" "$r" \
			"$(peer_name "$3")" "$per"
	fi
	printf 'rec\t%s\t%s\t%s\t%s\n' "$c" "$r" "$(peer_name "$3")" "$rate"
	[ -n "$verify" ] && echo "$out" | grep ': verify ' | sed 's/^/# /'
	# Round 1: how well-record's writes went (IOSQE_ASYNC, io-wq workers).
	case $3 in
	rec|anon) [ "$r" = 1 ] && echo "$out" |
		sed -n "s/^well-record: writes /# $(peer_name "$3"), $c: writes /p" ;;
	esac
}

# SIZE:TARGET; 1 MiB blocks with O_DIRECT only, in requests of the same
# 2 MiB as at 64 KiB: CPU per GB that does not follow the block size.
cases="4096:tmpfs 4096:disk 4096:direct 65536:tmpfs 65536:disk 65536:direct
1048576:direct"
note_rec=""
note_anon=""
all="rec read mmap"
if well-record -m anon -n 64 -o /mnt/tmpfs/probe.out >/dev/null 2>&1; then
	all="$all anon"
else
	echo "# well-record -m anon: not taken by this well.ko, left out"
fi
rm -f /mnt/tmpfs/probe.out
npeers=$(echo $all | wc -w)
r=1
while [ "$r" -le "$rounds" ]; do
	# The peers' order turns by one each round.
	set -- $all
	k=1
	while [ $k -lt $(((r - 1) % npeers + 1)) ]; do
		first=$1
		shift
		set -- "$@" "$first"
		k=$((k + 1))
	done
	peers="$*"
	for sz_t in $cases; do
		for p in $peers; do
			run_case "${sz_t%:*}" "${sz_t#*:}" "$p"
		done
	done
	echo "# round $r of $rounds done, uptime $(cut -d' ' -f1 /proc/uptime) s"
	r=$((r + 1))
done
umount /mnt/disk

for kind in note cpunote thrnote bpnote; do
	case $kind in
	note) what="MB/s (higher is better)" ;;
	cpunote) what="CPU seconds per GB written (lower is better)" ;;
	thrnote) what="CPU seconds per GB in the main thread (the rest: io-wq workers)" ;;
	bpnote) what="Blocks per write request" ;;
	esac
	printf '%s\t%s\n' "$kind" "$what: median (lowest..highest) of"
	printf '%s\t%s\n' "$kind" "$rounds interleaved rounds of $mib MiB,\
 $producers kernel producer(s), a 16 MiB ring, fdatasync() timed;"
	ratios="well-record/...: median [lowest, highest] of the per-round ratios."
	[ $kind = bpnote ] &&
		ratios="At most an eighth of the ring (512, 32 or 2 blocks)."
	[ $kind = thrnote ] &&
		ratios="The peers have one thread: theirs is all of their CPU."
	printf '%s\t%s\n' "$kind" "$ratios well-record: $note_rec."
	[ -n "$note_anon" ] &&
		printf '%s\t%s\n' "$kind" "well-record -m anon: $note_anon."
done

# Fail when a run failed.
[ "$failed" = 0 ]
