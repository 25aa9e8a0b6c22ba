/* SPDX-License-Identifier: GPL-2.0 */
/*
 * well_ring.h - a /dev/well ring as the rest of well.ko sees it.
 *
 * struct well_ring is private to kmod/well_ring.c, which alone reads and
 * writes it; the file layer (kmod/well_file.c) and the load generator
 * (kmod/well_loadgen.c) use these functions and those of well_kapi.h.
 * Documentation/well/kmod.rst describes the design; the comment at the top
 * of kmod/well_ring.c lists every acquire/release pair.
 */
#ifndef WELL_RING_H
#define WELL_RING_H

#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/types.h>
#include "well_kapi.h"

struct well_stats;

/* The regions of a ring that user space maps. */
enum well_ring_region {
	WELL_RING_PAGE,		/* struct well_page, read-only */
	WELL_RING_CTRL,		/* the shared struct well */
	WELL_RING_DATA,		/* the blocks */
};

/* Life of a ring, driven by the file that owns it. */
int well_ring_init(const struct file_operations *fops, size_t priv_size);
struct well_ring *well_ring_alloc(void);
void *well_ring_priv(struct well_ring *ring);
void well_ring_free(struct well_ring *ring);
int well_ring_create(struct well_ring *ring, u32 blk_size, u32 blk_count,
		     u32 flags, u64 uaddr, u64 ulen,
		     int (*reply)(struct well_ring *ring, void *arg), void *arg);

/* Read-only views, once well_ring_ready(). */
bool well_ring_ready(const struct well_ring *ring);
bool well_ring_read_mode(const struct well_ring *ring);
bool well_ring_user_mem(const struct well_ring *ring, u64 *uaddr);
void *well_ring_region(const struct well_ring *ring,
		       enum well_ring_region region, size_t *len);
void well_ring_stats(struct well_ring *ring, struct well_stats *st);

/* The consumer's side, for the file operations. */
__poll_t well_ring_poll(struct well_ring *ring, struct file *file,
			poll_table *wait);
ssize_t well_ring_read(struct well_ring *ring, char __user *buf,
		       size_t count, bool nonblock);
void well_ring_wake(struct well_ring *ring);

/* The module's own producers, besides well_kapi.h. */
bool well_ring_claim_single(struct well_ring *ring);
void well_ring_unclaim_single(struct well_ring *ring);
size_t well_ring_reserve_single(struct well_ring *ring, size_t *pos,
				size_t max);
void well_ring_release_single(struct well_ring *ring, size_t count);
void well_ring_wait_room(struct well_ring *ring);

#endif /* WELL_RING_H */
