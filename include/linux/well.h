/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * well.h - user API of /dev/well: rings of blocks shared between kernel
 * producers and user-space consumers through mmap.
 *
 * Each open file of /dev/well owns at most one ring. WELL_IOC_CREATE sets
 * its geometry; the reply gives three regions to mmap (MAP_SHARED, never
 * PROT_EXEC), each at its offset with exactly its size:
 *   page  read-only struct well_page: geometry and flags the kernel sets.
 *   ctrl  read-write struct well (core/well.h): the shared counters.
 *   data  read-write blk_count blocks of blk_size bytes.
 * Documentation/well/kmod.rst describes the protocol and the trust
 * boundary.
 *
 * A ring created with WELL_CREATE_READ is consumed with read() instead.
 * A ring created with WELL_CREATE_USER has its data in the caller's own
 * memory, pinned by the kernel: only page and ctrl are mapped.
 *
 * Every ioctl structure starts with @size, set by the caller to the size
 * it knows. The kernel accepts smaller structures down to the first
 * published version and larger ones whose extra bytes are zero, and
 * writes back at most @size bytes.
 */
#ifndef _UAPI_LINUX_WELL_H
#define _UAPI_LINUX_WELL_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* Magic 'x': unused in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define WELL_IOC_MAGIC		'x'

#define WELL_BLK_MIN		32		/* holds struct well_blk_hdr */
#define WELL_BLK_MAX		(1U << 20)
#define WELL_COUNT_MAX		(1U << 24)
#define WELL_PRODUCERS_MAX	16
#define WELL_PAGE_MAGIC		0x6c6c6577	/* "well" */
#define WELL_PAGE_VERSION	1

/*
 * struct well_ring_desc.flags: the ring is consumed with read(), which
 * copies whole blocks out (one copy_to_user() per block); nothing can be
 * mapped. The copying baseline the mmap'ed ring is measured against.
 */
#define WELL_CREATE_READ	(1U << 0)

/*
 * struct well_ring_desc.flags: the data region is the caller's memory,
 * data_size bytes at data_addr (page-aligned; data_size at least the
 * ring's bytes rounded up to pages), instead of memory the module
 * allocates. The kernel pins the ring's pages (FOLL_LONGTERM, counted
 * against RLIMIT_MEMLOCK) until the ring is freed and produces into
 * them; the data offset cannot be mapped (EACCES): the caller already
 * has it. Anonymous, memfd (shmem) and hugetlbfs memory work. Needs a
 * structure of at least WELL_RING_DESC_SIZE_VER1 bytes; not together
 * with WELL_CREATE_READ.
 */
#define WELL_CREATE_USER	(1U << 1)

/**
 * struct well_ring_desc - geometry of a ring and where to map it.
 * @size: sizeof(struct well_ring_desc) as the caller knows it.
 * @flags: WELL_CREATE_* bits (CREATE); output of INFO.
 * @blk_size: bytes per block: a power of two in [WELL_BLK_MIN,
 *            WELL_BLK_MAX]. Input of CREATE, output of INFO.
 * @blk_count: blocks: a power of two in [1, WELL_COUNT_MAX]. Input of
 *             CREATE, output of INFO.
 * @page_off: mmap offset of the read-only struct well_page (output).
 * @page_size: its length (output).
 * @ctrl_off: mmap offset of the shared struct well (output).
 * @ctrl_size: its length (output).
 * @data_off: mmap offset of the blocks (output); not mappable with
 *            WELL_CREATE_USER.
 * @data_size: its length (output). With WELL_CREATE_USER also an input:
 *             the bytes at @data_addr, at least the ring's bytes rounded
 *             up to pages; the reply gives the bytes pinned (the ring's,
 *             rounded up to pages).
 * @data_addr: with WELL_CREATE_USER, the page-aligned user address of
 *             the data (input of CREATE, output of INFO); otherwise 0.
 */
struct well_ring_desc {
	__u32 size;
	__u32 flags;
	__u32 blk_size;
	__u32 blk_count;
	__u64 page_off;
	__u64 page_size;
	__u64 ctrl_off;
	__u64 ctrl_size;
	__u64 data_off;
	__u64 data_size;
	__u64 data_addr;
};

/*
 * The whole first version, up to data_size. In well 0.1.0 it read 56,
 * short of data_size; the kernel still accepts 56 and then writes back
 * only the first 56 bytes.
 */
#define WELL_RING_DESC_SIZE_VER0	64
/* With data_addr (WELL_CREATE_USER). */
#define WELL_RING_DESC_SIZE_VER1	72

/* struct well_start.flags */
#define WELL_START_TIMER	(1U << 0)	/* last producer: an hrtimer */
#define WELL_START_EMPTY	(1U << 1)	/* headers only: len 0 */

/**
 * struct well_start - start kernel producers on the ring.
 * @size: sizeof(struct well_start) as the caller knows it.
 * @flags: WELL_START_* bits.
 * @producers: producers in [1, WELL_PRODUCERS_MAX]; with WELL_START_TIMER
 *             the last one runs in an hrtimer callback (atomic context),
 *             the others in kthreads.
 * @batch: most blocks per reservation; 0 picks 16.
 * @blocks: blocks each producer writes; 0 = until WELL_IOC_STOP.
 * @timer_ns: hrtimer period; 0 picks 100000 (100 us).
 */
struct well_start {
	__u32 size;
	__u32 flags;
	__u32 producers;
	__u32 batch;
	__u64 blocks;
	__u64 timer_ns;
};

#define WELL_START_SIZE_VER0	32

/* struct well_stats.flags */
#define WELL_STATS_RUNNING	(1U << 0)	/* producers started */
#define WELL_STATS_BROKEN	(1U << 1)	/* ring found inconsistent */
#define WELL_STATS_SINGLE	(1U << 2)	/* producers use *_single() */

/**
 * struct well_stats - counters of a ring (output of WELL_IOC_STATS).
 * @size: sizeof(struct well_stats) as the caller knows it.
 * @flags: WELL_STATS_* bits.
 * @published: blocks ever handed to the consumer (shared rx.tail).
 * @accepted: blocks ever taken back from the consumer (shared tx.tail).
 * @waits: times a producer thread found the ring full and waited.
 * @wakes: WELL_IOC_WAKE calls.
 * @timer_runs: hrtimer producer callbacks.
 * @timer_full: callbacks that found the ring full.
 */
struct well_stats {
	__u32 size;
	__u32 flags;
	__u64 published;
	__u64 accepted;
	__u64 waits;
	__u64 wakes;
	__u64 timer_runs;
	__u64 timer_full;
};

#define WELL_STATS_SIZE_VER0	56

/**
 * struct well_page - the read-only page (mmap offset page_off).
 * @magic: WELL_PAGE_MAGIC.
 * @version: WELL_PAGE_VERSION.
 * @blk_size: bytes per block.
 * @blk_count: blocks in the ring.
 * @need_wakeup: non-zero when a producer waits for room; the consumer
 *               calls WELL_IOC_WAKE after a release that finds it set.
 * @broken: non-zero once the kernel found the shared counters
 *          inconsistent; the ring is dead.
 */
struct well_page {
	__u32 magic;
	__u32 version;
	__u32 blk_size;
	__u32 blk_count;
	__u32 need_wakeup;
	__u32 broken;
};

/**
 * struct well_blk_hdr - start of every block written by kernel producers.
 * @producer: index of the producer, below well_start.producers.
 * @len: payload bytes following the header, at most blk_size - 24.
 * @seq: the producer's block number, from 0 without gaps.
 * @csum: well_csum_start() then well_csum_step() over the payload.
 * @pad: zero.
 */
struct well_blk_hdr {
	__u32 producer;
	__u32 len;
	__u64 seq;
	__u32 csum;
	__u32 pad;
};

/**
 * well_csum_step() - fold one payload byte into a checksum (FNV-1a).
 * @c: the checksum so far.
 * @b: the byte.
 *
 * Return: the new checksum.
 */
static __inline__ __u32 well_csum_step(__u32 c, __u8 b)
{
	return (c ^ b) * 16777619U;
}

/**
 * well_csum_start() - checksum of a block header, before its payload.
 * @producer: struct well_blk_hdr.producer.
 * @seq: struct well_blk_hdr.seq.
 * @len: struct well_blk_hdr.len.
 *
 * Return: the checksum to continue with well_csum_step().
 */
static __inline__ __u32 well_csum_start(__u32 producer, __u64 seq, __u32 len)
{
	__u32 c = 2166136261U;
	int i;

	for (i = 0; i < 4; i++)
		c = well_csum_step(c, (__u8)(producer >> (8 * i)));
	for (i = 0; i < 4; i++)
		c = well_csum_step(c, (__u8)(len >> (8 * i)));
	for (i = 0; i < 8; i++)
		c = well_csum_step(c, (__u8)(seq >> (8 * i)));
	return c;
}

#define WELL_IOC_CREATE	_IOWR(WELL_IOC_MAGIC, 0x00, struct well_ring_desc)
#define WELL_IOC_INFO	_IOWR(WELL_IOC_MAGIC, 0x01, struct well_ring_desc)
#define WELL_IOC_START	_IOW(WELL_IOC_MAGIC, 0x02, struct well_start)
#define WELL_IOC_STOP	_IO(WELL_IOC_MAGIC, 0x03)
#define WELL_IOC_WAKE	_IO(WELL_IOC_MAGIC, 0x04)
#define WELL_IOC_STATS	_IOWR(WELL_IOC_MAGIC, 0x05, struct well_stats)

#endif /* _UAPI_LINUX_WELL_H */
