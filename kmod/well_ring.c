// SPDX-License-Identifier: GPL-2.0
/*
 * well_ring.c - the kernel side of a /dev/well ring and its trust boundary.
 *
 * The user maps the shared struct well and may write anything into it at
 * any time. The kernel therefore runs its producers on a private struct
 * well (ring->kw): geometry, block memory and every counter it acts on are
 * kernel memory the user cannot reach. Two values cross the boundary:
 *
 *   in:  shared->tx.tail, the blocks the consumer gave back. well_ring_pull()
 *        reads it once, checks it lies in [kw.tx.tail, published] (the
 *        consumer can only give back what it was given) and only then
 *        stores it into kw.tx.tail, where the core's well_reserve() finds
 *        it. Anything else marks the ring broken.
 *   out: shared->rx.tail, the blocks producers finished. Producers release
 *        into kw.rx with the core functions; well_ring_publish() copies
 *        kw.rx.tail out under pub_lock, so the published value never goes
 *        backwards even when producers publish concurrently.
 *
 * poll() also reads shared->rx.head once and checks it against the same
 * window. No loop depends on a value read from shared memory, and every
 * block address comes from kw's geometry.
 *
 * Acquire/release pairs across the boundary (the core's own pairs, A1/R1
 * to A3/R4, are in core/well.c):
 *   K1  pull: load-acquire of shared->tx.tail pairs with the consumer's
 *       R1 (store-release or CAS in well_release_*() into &shared->tx):
 *       its reads of the blocks finish before producers overwrite them.
 *   K2  pull: store-release of kw.tx.tail pairs with A1 in well_reserve()
 *       on kw.tx in producers, passing K1 on to them.
 *   K3  publish: load-acquire of kw.rx.tail pairs with R1/R4 of the
 *       producers' releases into kw.rx: their block writes come with it.
 *   K4  publish: store-release of shared->rx.tail pairs with A1 in the
 *       consumer's well_reserve() on &shared->rx.
 *   K5  need_wakeup (Dekker): a producer stores need_wakeup = 1, smp_mb(),
 *       then pulls shared->tx.tail; the consumer releases into tx.tail,
 *       fences, then reads need_wakeup. One of them sees the other, so a
 *       producer never sleeps on room the consumer made without a
 *       WELL_IOC_WAKE on its way.
 *   K6  poll: publish stores under pub_lock before wq_has_sleeper()'s
 *       smp_mb(); poll() adds itself to poll_wq before reading under
 *       pub_lock. A block published after poll() looked is woken for.
 *   K7  ready: CREATE stores ring->ready with release after filling the
 *       ring; mmap and ioctls load it with acquire before using it.
 *
 * A ring created with WELL_CREATE_READ has no shared consumer: read()
 * reserves from kw.rx (A1 pairs with the producers' R1/R4) and releases
 * into kw.tx (R1 pairs with A1 in the producers' reserve); nothing crosses
 * a boundary, so pull has nothing to take in.
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/sched.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include "well_ring.h"
#include "well_prod.h"
#include "well_obj.h"

static unsigned long max_ring_kib = 64 * 1024;
module_param(max_ring_kib, ulong, 0644);
MODULE_PARM_DESC(max_ring_kib, "largest ring data size in KiB (default 65536)");

static unsigned long max_total_kib = 256 * 1024;
module_param(max_total_kib, ulong, 0644);
MODULE_PARM_DESC(max_total_kib, "data of all rings together in KiB (default 262144)");

static atomic_long_t well_total_bytes = ATOMIC_LONG_INIT(0);

/**
 * well_ring_alloc() - an empty ring for a newly opened file.
 *
 * From ffma, or kzalloc() as the fallback (see kmod/well_obj.c).
 *
 * Return: the ring, or NULL without memory.
 */
struct well_ring *well_ring_alloc(void)
{
	struct well_ring *ring;
	bool slab;

	ring = well_obj_alloc(WELL_OBJ_RING, &slab);
	if (!ring)
		return NULL;
	ring->slab = slab;
	mutex_init(&ring->lock);
	mutex_init(&ring->read_lock);
	spin_lock_init(&ring->pub_lock);
	init_waitqueue_head(&ring->prod_wq);
	init_waitqueue_head(&ring->poll_wq);
	atomic64_set(&ring->waits, 0);
	atomic64_set(&ring->wakes, 0);
	return ring;
}

/**
 * well_ring_free() - stop the producers and free a ring.
 * @ring: the ring of a file being released. No mapping of it is left: each
 *        mapping holds a reference to the file, so release runs after the
 *        last munmap().
 */
void well_ring_free(struct well_ring *ring)
{
	mutex_lock(&ring->lock);
	well_prods_stop(ring);
	mutex_unlock(&ring->lock);
	if (ring->kw.mem) {
		vfree(ring->kw.mem);
		atomic_long_sub(ring->data_size, &well_total_bytes);
	}
	vfree(ring->meta);
	well_obj_free(WELL_OBJ_RING, ring, ring->slab);
}

/**
 * well_ring_ready() - whether CREATE has set up the ring.
 * @ring: the ring.
 *
 * Return: true once the geometry and memory may be used.
 */
bool well_ring_ready(const struct well_ring *ring)
{
	/* K7: pairs with the store-release at the end of CREATE. */
	return smp_load_acquire(&ring->ready);
}

static int well_ring_charge(size_t bytes)
{
	long limit = min_t(unsigned long, max_total_kib, LONG_MAX >> 10) << 10;

	if (bytes > (max_ring_kib << 10))
		return -E2BIG;
	if (atomic_long_add_return(bytes, &well_total_bytes) > limit) {
		atomic_long_sub(bytes, &well_total_bytes);
		return -ENOSPC;
	}
	return 0;
}

/**
 * well_ring_create() - give a ring its geometry and memory.
 * @ring: a ring without memory; the caller holds ring->lock.
 * @blk_size: bytes per block, a power of two in [WELL_BLK_MIN, WELL_BLK_MAX].
 * @blk_count: blocks, a power of two in [1, WELL_COUNT_MAX].
 * @flags: WELL_CREATE_* bits.
 *
 * Memory is zeroed and charged to the caller's memory cgroup.
 *
 * Return: 0, -EBUSY when the ring exists, -EINVAL for a bad geometry,
 * -E2BIG above max_ring_kib, -ENOSPC above max_total_kib, -ENOMEM.
 */
int well_ring_create(struct well_ring *ring, u32 blk_size, u32 blk_count,
		     u32 flags)
{
	size_t bytes;
	int err;

	BUILD_BUG_ON(sizeof(struct well_page) > PAGE_SIZE);
	BUILD_BUG_ON(sizeof(struct well) > PAGE_SIZE);

	if (ring->meta)
		return -EBUSY;
	if (flags & ~WELL_CREATE_READ)
		return -EINVAL;
	if (!is_power_of_2(blk_size) || blk_size < WELL_BLK_MIN ||
	    blk_size > WELL_BLK_MAX || !is_power_of_2(blk_count) ||
	    blk_count > WELL_COUNT_MAX)
		return -EINVAL;
	err = well_params(blk_size, blk_count, &ring->kw);
	if (err)
		return err;
	bytes = PAGE_ALIGN(well_size(&ring->kw));
	err = well_ring_charge(bytes);
	if (err)
		return err;

	ring->kw.mem = __vmalloc(bytes, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	ring->meta = __vmalloc(2 * PAGE_SIZE, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!ring->kw.mem || !ring->meta) {
		vfree(ring->kw.mem);
		vfree(ring->meta);
		ring->kw.mem = NULL;
		ring->meta = NULL;
		atomic_long_sub(bytes, &well_total_bytes);
		return -ENOMEM;
	}
	ring->data_size = bytes;
	ring->read_mode = flags & WELL_CREATE_READ;
	well_init(&ring->kw, ring->kw.mem);

	ring->page = ring->meta;
	ring->page->magic = WELL_PAGE_MAGIC;
	ring->page->version = WELL_PAGE_VERSION;
	ring->page->blk_size = blk_size;
	ring->page->blk_count = blk_count;

	/* The user's copy: same geometry and counters, no kernel address. */
	ring->shared = ring->meta + PAGE_SIZE;
	*ring->shared = ring->kw;
	ring->shared->mem = NULL;

	/* K7: pairs with the load-acquire in well_ring_ready(). */
	smp_store_release(&ring->ready, true);
	return 0;
}

/* Caller holds pub_lock. */
static void well_ring_break_locked(struct well_ring *ring)
{
	WRITE_ONCE(ring->broken, true);
	WRITE_ONCE(ring->page->broken, 1);
}

static void well_ring_wake_all(struct well_ring *ring)
{
	wake_up_interruptible_all(&ring->prod_wq);
	wake_up_interruptible_poll(&ring->poll_wq, EPOLLERR);
}

/*
 * Take in the blocks the consumer gave back. The only read of
 * shared->tx.tail; bounded: no loop, one lock.
 */
static void well_ring_pull(struct well_ring *ring)
{
	unsigned long flags;
	size_t acc, tail;
	bool broke = false;

	if (ring->read_mode)
		return;
	spin_lock_irqsave(&ring->pub_lock, flags);
	if (!ring->broken) {
		/* Written only here, under pub_lock. */
		acc = well_load_relaxed(&ring->kw.tx.tail);
		/* K1: pairs with the consumer's R1 into &shared->tx. */
		tail = well_load_acquire(&ring->shared->tx.tail);
		if (tail - acc > ring->published - acc) {
			well_ring_break_locked(ring);
			broke = true;
		} else if (tail != acc) {
			/* K2: pairs with A1 in well_reserve() on kw.tx. */
			well_store_release(&ring->kw.tx.tail, tail);
		}
	}
	spin_unlock_irqrestore(&ring->pub_lock, flags);
	if (broke)
		well_ring_wake_all(ring);
}

/* Copy kw.rx.tail out to the consumer and wake its poll(). */
static void well_ring_publish(struct well_ring *ring)
{
	unsigned long flags;
	size_t tail;

	spin_lock_irqsave(&ring->pub_lock, flags);
	/* K3: pairs with R1/R4 of the producers' releases into kw.rx. */
	tail = well_load_acquire(&ring->kw.rx.tail);
	if (tail != ring->published) {
		ring->published = tail;
		/* K4: pairs with A1 in the consumer's reserve on shared rx. */
		well_store_release(&ring->shared->rx.tail, tail);
	}
	spin_unlock_irqrestore(&ring->pub_lock, flags);
	/* K6: wq_has_sleeper()'s smp_mb() pairs with poll()'s queueing. */
	if (wq_has_sleeper(&ring->poll_wq))
		wake_up_interruptible_poll(&ring->poll_wq, EPOLLIN | EPOLLRDNORM);
}

/**
 * well_ring_is_broken() - whether the ring was found inconsistent.
 * @ring: the ring.
 *
 * Return: true once the consumer's counters were found out of range; the
 * ring then accepts no more blocks.
 */
bool well_ring_is_broken(const struct well_ring *ring)
{
	return READ_ONCE(ring->broken);
}
EXPORT_SYMBOL_GPL(well_ring_is_broken);

/**
 * well_ring_blk_size() - bytes per block of a ring.
 * @ring: a ring from well_ring_get().
 *
 * Return: the block size.
 */
size_t well_ring_blk_size(const struct well_ring *ring)
{
	return well_blk_size(&ring->kw);
}
EXPORT_SYMBOL_GPL(well_ring_blk_size);

/**
 * well_ring_reserve() - reserve blocks to produce into.
 * @ring: a ring from well_ring_get().
 * @pos: where to store the position token.
 * @max: most blocks wanted.
 *
 * Safe in any context, including hard interrupts, and with any number of
 * concurrent producers. Never sleeps, never waits.
 *
 * Return: blocks reserved; 0 when the ring is full or broken.
 */
size_t well_ring_reserve(struct well_ring *ring, size_t *pos, size_t max)
{
	size_t n;

	if (well_ring_is_broken(ring))
		return 0;
	n = well_reserve(&ring->kw.tx, pos, max);
	if (n)
		return n;
	well_ring_pull(ring);
	return well_reserve(&ring->kw.tx, pos, max);
}
EXPORT_SYMBOL_GPL(well_ring_reserve);

/**
 * well_ring_reserve_single() - well_ring_reserve() for a lone producer.
 * @ring: the ring; no other producer runs.
 * @pos: where to store the position token.
 * @max: most blocks wanted.
 *
 * Return: blocks reserved; 0 when the ring is full or broken.
 */
size_t well_ring_reserve_single(struct well_ring *ring, size_t *pos,
				size_t max)
{
	size_t n;

	if (well_ring_is_broken(ring))
		return 0;
	n = well_reserve_single(&ring->kw.tx, pos, max);
	if (n)
		return n;
	well_ring_pull(ring);
	return well_reserve_single(&ring->kw.tx, pos, max);
}

/**
 * well_ring_block() - kernel address of a reserved block.
 * @ring: the ring.
 * @pos: the position token of the reservation.
 * @i: index within the reservation.
 *
 * The block is shared with user space: the user may change it at any time,
 * so never trust what is read back from it.
 *
 * Return: pointer to well_ring_blk_size() bytes.
 */
void *well_ring_block(const struct well_ring *ring, size_t pos, size_t i)
{
	return well_access(pos, i, &ring->kw);
}
EXPORT_SYMBOL_GPL(well_ring_block);

/**
 * well_ring_release() - hand written blocks to the consumer.
 * @ring: the ring.
 * @pos: the position token of the reservation.
 * @count: the amount reserved.
 *
 * Reservations land in the order they were made: this fails while an
 * earlier reservation is unreleased. Retry later; never spin on it where
 * the holder of the earlier one cannot run (in an interrupt, keep the
 * reservation and retry on the next one).
 *
 * Return: true when released.
 */
bool well_ring_release(struct well_ring *ring, size_t pos, size_t count)
{
	if (!well_release_multi(&ring->kw.rx, count, pos))
		return false;
	well_ring_publish(ring);
	return true;
}
EXPORT_SYMBOL_GPL(well_ring_release);

/**
 * well_ring_release_single() - well_ring_release() for a lone producer.
 * @ring: the ring.
 * @count: the amount of the oldest unreleased reservation.
 */
void well_ring_release_single(struct well_ring *ring, size_t count)
{
	well_release_single(&ring->kw.rx, count);
	well_ring_publish(ring);
}

/**
 * well_ring_room() - wait condition of a producer thread on a full ring.
 * @ring: the ring.
 *
 * Raises need_wakeup before looking (K5), so the consumer's next release
 * is followed by WELL_IOC_WAKE. Called again after every wakeup, so a flag
 * cleared by WAKE is raised again while the ring stays full.
 *
 * Return: true when blocks can be reserved or the ring is broken.
 */
bool well_ring_room(struct well_ring *ring)
{
	WRITE_ONCE(ring->page->need_wakeup, 1);
	/* K5: pairs with the consumer's fence between release and flag. */
	smp_mb();
	return well_ring_writable(ring) || well_ring_is_broken(ring);
}

/**
 * well_ring_writable() - blocks producers could reserve now, for poll().
 * @ring: a ready ring.
 *
 * Return: the free blocks, after taking in what the consumer gave back.
 */
size_t well_ring_writable(struct well_ring *ring)
{
	well_ring_pull(ring);
	return well_peek(&ring->kw.tx);
}

/**
 * well_ring_wake() - WELL_IOC_WAKE: the consumer made room.
 * @ring: the ring.
 */
void well_ring_wake(struct well_ring *ring)
{
	atomic64_inc(&ring->wakes);
	WRITE_ONCE(ring->page->need_wakeup, 0);
	/* Clear before waking: a woken producer that finds no room sets it. */
	smp_mb();
	wake_up_interruptible_all(&ring->prod_wq);
	wake_up_interruptible_poll(&ring->poll_wq, EPOLLOUT | EPOLLWRNORM);
}

/**
 * well_ring_readable() - blocks the consumer can reserve, for poll().
 * @ring: a ready ring.
 *
 * Reads the consumer's rx.head once and marks the ring broken when it is
 * outside [blocks taken back, blocks published]. A read_mode ring has no
 * shared consumer: its private rx side answers.
 *
 * Return: blocks readable; 0 when broken.
 */
size_t well_ring_readable(struct well_ring *ring)
{
	unsigned long flags;
	size_t acc, head, n = 0;
	bool broke = false;

	if (ring->read_mode)
		return well_peek(&ring->kw.rx);

	spin_lock_irqsave(&ring->pub_lock, flags);
	if (!ring->broken) {
		acc = well_load_relaxed(&ring->kw.tx.tail);
		head = well_load_relaxed(&ring->shared->rx.head);
		if (head - acc > ring->published - acc) {
			well_ring_break_locked(ring);
			broke = true;
		} else {
			n = ring->published - head;
		}
	}
	spin_unlock_irqrestore(&ring->pub_lock, flags);
	if (broke)
		well_ring_wake_all(ring);
	return n;
}

/**
 * well_ring_counts() - blocks published and taken back, for statistics.
 * @ring: a ready ring.
 * @published: where to store the blocks ever published.
 * @accepted: where to store the blocks ever taken back.
 */
void well_ring_counts(struct well_ring *ring, size_t *published,
		      size_t *accepted)
{
	unsigned long flags;

	well_ring_pull(ring);
	spin_lock_irqsave(&ring->pub_lock, flags);
	*published = ring->published;
	*accepted = well_load_relaxed(&ring->kw.tx.tail);
	spin_unlock_irqrestore(&ring->pub_lock, flags);
}

/* Wait condition of read(): blocks to copy, or nothing more will come. */
static bool well_ring_read_ready(struct well_ring *ring)
{
	return well_peek(&ring->kw.rx) || well_ring_is_broken(ring);
}

/**
 * well_ring_read() - read() of a WELL_CREATE_READ ring: copy whole blocks.
 * @ring: a ready ring in read_mode.
 * @buf: the user buffer.
 * @count: its size; whole blocks only.
 * @nonblock: fail with -EAGAIN instead of waiting for blocks.
 *
 * One copy_to_user() per block: the copying path the mmap'ed ring is
 * compared with. The blocks are consumed even when a copy faults.
 *
 * Return: bytes copied, -EINVAL for a buffer smaller than a block,
 * -EAGAIN, -ERESTARTSYS, -EFAULT.
 */
ssize_t well_ring_read(struct well_ring *ring, char __user *buf,
		       size_t count, bool nonblock)
{
	size_t bs = well_blk_size(&ring->kw), want = count / bs, pos, n, i;
	ssize_t done = 0;
	int err;

	if (!want)
		return -EINVAL;
	if (mutex_lock_interruptible(&ring->read_lock))
		return -ERESTARTSYS;
	/* The only consumer: the single-reserver fast path applies. */
	n = well_reserve_single(&ring->kw.rx, &pos, want);
	while (!n) {
		mutex_unlock(&ring->read_lock);
		if (nonblock)
			return -EAGAIN;
		err = wait_event_interruptible(ring->poll_wq,
					       well_ring_read_ready(ring));
		if (err)
			return err;
		if (mutex_lock_interruptible(&ring->read_lock))
			return -ERESTARTSYS;
		n = well_reserve_single(&ring->kw.rx, &pos, want);
	}
	for (i = 0; i < n; i++) {
		if (copy_to_user(buf + i * bs, well_ring_block(ring, pos, i),
				 bs))
			break;
		done += bs;
	}
	/* R1: pairs with A1 in the producers' reserve on kw.tx. */
	well_release_single(&ring->kw.tx, n);
	mutex_unlock(&ring->read_lock);
	/* wq_has_sleeper()'s smp_mb() orders the release before the check. */
	if (wq_has_sleeper(&ring->prod_wq))
		wake_up_interruptible_all(&ring->prod_wq);
	return done ? done : -EFAULT;
}
