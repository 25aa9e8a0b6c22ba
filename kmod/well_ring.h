/* SPDX-License-Identifier: GPL-2.0 */
/*
 * well_ring.h - a /dev/well ring: kernel-private state and the in-kernel
 * producer API exported to other modules.
 *
 * Documentation/well/kmod.rst describes the design; the comment at the top
 * of kmod/well_ring.c lists every acquire/release pair.
 */
#ifndef WELL_RING_H
#define WELL_RING_H

#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/atomic.h>
#include <linux/well.h>
#include "well.h"

struct well_prods;

/**
 * struct well_ring - one ring, owned by one open file of /dev/well.
 * @lock: serialises CREATE, START and STOP.
 * @pub_lock: guards the kernel side of the trust boundary: @kw.tx.tail
 *            (blocks taken back from the consumer), @published, @broken
 *            and the writes of the need_wakeup flag.
 * @kw: kernel-private well: geometry, @kw.mem (the data blocks) and the
 *      producers' counters. The user never sees or writes it.
 * @shared: the struct well the user maps read-write (ctrl region). The
 *          kernel writes shared->rx.tail and reads shared->tx.tail (and
 *          shared->rx.head in poll), nothing else.
 * @page: the page the user maps read-only (geometry, flags).
 * @meta: vmalloc'ed @page followed by @shared, two pages.
 * @data_size: bytes of @kw.mem, a whole number of pages.
 * @published: the rx.tail last stored to @shared; only grows.
 * @read_mode: consumed by read() (WELL_CREATE_READ): the consumer side
 *             is kernel-private too and nothing is mapped.
 * @read_lock: serialises read(), the only consumer of a read_mode ring.
 * @ready: set (release) once CREATE has filled everything above.
 * @broken: the consumer's counters were found inconsistent: no more
 *          producing, ioctls fail with -EIO, poll reports EPOLLERR.
 * @single: running producers use the *_single() core functions.
 * @ext_refs: users of the exported API (well_ring_get()).
 * @prods: running producers, or NULL.
 * @prod_wq: producer threads waiting for room.
 * @poll_wq: poll()/epoll waiters.
 * @waits: producer waits on a full ring (WELL_IOC_STATS).
 * @wakes: WELL_IOC_WAKE calls.
 * @slab: the ring came from kzalloc(), not ffma (kmod/well_obj.c).
 */
struct well_ring {
	struct mutex lock;
	spinlock_t pub_lock;
	struct well kw;
	struct well *shared;
	struct well_page *page;
	void *meta;
	size_t data_size;
	size_t published;
	bool read_mode;
	struct mutex read_lock;
	bool ready;
	bool broken;
	bool single;
	unsigned int ext_refs;
	struct well_prods *prods;
	wait_queue_head_t prod_wq;
	wait_queue_head_t poll_wq;
	atomic64_t waits;
	atomic64_t wakes;
	bool slab;
};

/* Exported: produce into the ring of an open /dev/well file. */
struct well_ring *well_ring_get(struct file *file);
void well_ring_put(struct well_ring *ring);
size_t well_ring_blk_size(const struct well_ring *ring);
size_t well_ring_reserve(struct well_ring *ring, size_t *pos, size_t max);
void *well_ring_block(const struct well_ring *ring, size_t pos, size_t i);
bool well_ring_release(struct well_ring *ring, size_t pos, size_t count);
bool well_ring_is_broken(const struct well_ring *ring);

/* Module-internal. */
struct well_ring *well_ring_alloc(void);
void well_ring_free(struct well_ring *ring);
int well_ring_create(struct well_ring *ring, u32 blk_size, u32 blk_count,
		     u32 flags);
bool well_ring_ready(const struct well_ring *ring);
size_t well_ring_reserve_single(struct well_ring *ring, size_t *pos,
				size_t max);
void well_ring_release_single(struct well_ring *ring, size_t count);
bool well_ring_room(struct well_ring *ring);
size_t well_ring_writable(struct well_ring *ring);
void well_ring_wake(struct well_ring *ring);
size_t well_ring_readable(struct well_ring *ring);
ssize_t well_ring_read(struct well_ring *ring, char __user *buf,
		       size_t count, bool nonblock);
void well_ring_counts(struct well_ring *ring, size_t *published,
		      size_t *accepted);

#endif /* WELL_RING_H */
