// SPDX-License-Identifier: GPL-2.0
/*
 * well_ring.c - the kernel side of a /dev/well ring and its trust boundary.
 *
 * The middle of the module (Documentation/well/kmod.rst, "Files"). The
 * file layer (kmod/well_file.c) owns each ring through well_ring.h.
 * Producers write into it: other modules through well_kapi.h, whose
 * functions are implemented here, and the module's load generator
 * (kmod/well_loadgen.c) through those and the lone-producer part of
 * well_ring.h. struct well_ring is defined here and only this file reads
 * or writes its fields; the owner keeps its own data in the ring's owner
 * area (well_ring_priv()). Nothing here calls up: well_ring_free()
 * expects the owner to have stopped every producer it started.
 *
 * The user maps the shared struct well and may write anything into it at
 * any time. The kernel therefore runs its producers on a private struct
 * well (ring->kw): geometry, block memory and every counter it acts on are
 * kernel memory the user cannot reach. Two values cross the boundary:
 *
 *   in:  shared->tx.tail, the blocks the consumer gave back. well_ring_pull()
 *        reads it once, checks it lies in [kw.tx.tail, kw.rx.tail] (the
 *        consumer can only give back what producers released) and only then
 *        moves kw.tx.tail forward to it with a cmpxchg, where the core's
 *        well_reserve() finds it. Anything else marks the ring broken.
 *   out: shared->rx.tail, the blocks producers finished. Producers release
 *        into kw.rx with the core functions (in reservation order), so
 *        the private kw.rx.tail only grows; well_ring_publish() moves the
 *        shared rx.tail forward to the newest kw.rx.tail with a cmpxchg,
 *        so the published value never goes backwards even when producers
 *        publish concurrently.
 *
 * No lock is taken on the producer side: reserve, release, pull and
 * publish are cmpxchg loops that end when the value is where it should be
 * or, for the shared word the user may scribble on, after a bounded number
 * of tries. So they are safe in process, softirq, hardirq and NMI context,
 * including an NMI that interrupts another producer on the same CPU.
 * Wakeups from NMI context, or with interrupts off, go through an irq_work.
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
 *   K2  pull: the cmpxchg (acq_rel) of kw.tx.tail pairs with A1 in
 *       well_reserve() on kw.tx in producers, passing K1 on to them, and
 *       with the K2 cmpxchg of concurrent pullers.
 *   K3  publish: load-acquire of kw.rx.tail pairs with R1/R4 of the
 *       producers' releases into kw.rx: their block writes come with it.
 *       Pull, poll and STATS load kw.rx.tail with acquire for the same
 *       pair.
 *   K4  publish: the cmpxchg (acq_rel) of shared->rx.tail pairs with A1
 *       in the consumer's well_reserve() on &shared->rx (K3 passed on).
 *   K5  need_wakeup (Dekker): a producer (or poll()) stores
 *       need_wakeup = 1, smp_mb(), then pulls shared->tx.tail; the
 *       consumer releases into tx.tail, fences, then reads need_wakeup.
 *       One of them sees the other, so a producer never sleeps on room
 *       the consumer made without a WELL_IOC_WAKE on its way.
 *   K6  poll (Dekker): a releaser's cmpxchg of kw.rx.tail (a kernel
 *       cmpxchg() that succeeds is fully ordered: a full barrier; the
 *       lone producer's store is followed by smp_mb()), then after
 *       publishing it looks at poll_wq and the consumer's shared->rx.head;
 *       well_ring_poll() adds itself to poll_wq, smp_mb(), then loads
 *       kw.rx.tail. The consumer moved rx.head before it polled. Only
 *       the releaser that moved kw.rx.tail from the value a sleeping
 *       poll() saw (and so finds rx.head at that value: the consumer had
 *       taken everything) wakes it; later releasers see rx.head behind
 *       and skip the wakeup, as the first one already made it. A block
 *       released after poll() looked is always woken for.
 *   K7  ready: CREATE stores ring->ready with release after filling the
 *       ring; mmap, read, poll, ioctls and well_ring_get() load it with
 *       acquire (well_ring_ready()) before using it.
 *
 * A ring created with WELL_CREATE_READ has no shared consumer: read()
 * reserves from kw.rx (A1 pairs with the producers' R1/R4) and releases
 * into kw.tx (R1 pairs with A1 in the producers' reserve); nothing crosses
 * a boundary, so pull has nothing to take in.
 */
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/vmalloc.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/well.h>
#include "well.h"
#include "well_ring.h"
#include "well_obj.h"
#include "well_kmem.h"
#include "well_umem.h"

/**
 * struct well_ring - one ring, owned by one open file of /dev/well.
 * @lock: serialises CREATE, well_ring_get()/put() and the single claim
 *        (@ext_refs, @single).
 * @kw: kernel-private well: geometry, @kw.mem (the data blocks) and the
 *      producers' counters. The user never sees or writes it.
 * @shared: the struct well the user maps read-write (ctrl region). The
 *          kernel writes shared->rx.tail and reads shared->tx.tail (and
 *          shared->rx.head in poll), nothing else.
 * @page: the page the user maps read-only (geometry, flags).
 * @meta: vmalloc'ed @page followed by @shared, two pages.
 * @data_size: bytes of @kw.mem, a whole number of pages.
 * @kmem: without WELL_CREATE_USER, the module's pages @kw.mem maps
 *        (kmod/well_kmem.c); zeroed for the caller's memory.
 * @umem: with WELL_CREATE_USER, the caller's pages @kw.mem maps
 *        (kmod/well_umem.c); zeroed for the module's own memory.
 * @read_mode: consumed by read() (WELL_CREATE_READ): the consumer side
 *             is kernel-private too and nothing is mapped.
 * @read_lock: serialises read(), the only consumer of a read_mode ring.
 * @ready: set (release) once CREATE has filled everything above.
 * @broken: the consumer's counters were found inconsistent: no more
 *          producing, ioctls fail with -EIO, poll reports EPOLLERR.
 * @single: a lone producer uses the *_single() functions
 *          (well_ring_claim_single()); no other producer may run.
 * @ext_refs: users of the exported API (well_ring_get()).
 * @prod_wq: producer threads waiting for room.
 * @room_lock: serialises the writes of need_wakeup with @room_waiters and
 *             @poll_out (process context only: never on a producer's
 *             reserve or release).
 * @room_waiters: producer threads in well_ring_wait_room().
 * @poll_out: a poll() found no room and raised need_wakeup; WAKE clears it.
 * @poll_wq: poll()/epoll and read() waiters.
 * @wake_work: wakes @poll_wq (and @prod_wq when broken) for a producer in
 *             NMI context, which cannot take the wait queues' locks.
 * @waits: producer waits on a full ring (WELL_IOC_STATS).
 * @wakes: WELL_IOC_WAKE calls.
 * @slab: the ring came from kzalloc(), not ffma (kmod/well_obj.c).
 * @priv: the owner's area, well_ring_init()'s @priv_size bytes.
 */
struct well_ring {
	struct mutex lock;
	struct well kw;
	struct well *shared;
	struct well_page *page;
	void *meta;
	size_t data_size;
	struct well_kmem kmem;
	struct well_umem umem;
	bool read_mode;
	struct mutex read_lock;
	bool ready;
	bool broken;
	bool single;
	unsigned int ext_refs;
	wait_queue_head_t prod_wq;
	spinlock_t room_lock;
	unsigned int room_waiters;
	bool poll_out;
	wait_queue_head_t poll_wq;
	struct irq_work wake_work;
	atomic64_t waits;
	atomic64_t wakes;
	bool slab;
	u8 priv[] __aligned(ARCH_KMALLOC_MINALIGN);
};

/*
 * Tries of a cmpxchg loop on a counter. Honest concurrent updaters make a
 * try fail only by moving the counter forward, and there are at most a
 * few per CPU (task, softirq, hardirq, NMI); the bound only matters when
 * the user scribbles on a shared counter, and then only for that user.
 */
#define WELL_CAS_TRIES		(4 * nr_cpu_ids + 4)

/* Longest sleep of a producer thread on a full ring before it looks again. */
#define WELL_ROOM_RECHECK_MS	10

/* Largest value of the KiB parameters whose << 10 fits a long. */
#define WELL_KIB_MAX		(LONG_MAX >> 10)

static unsigned long max_ring_kib = 64 * 1024;
module_param(max_ring_kib, ulong, 0644);
MODULE_PARM_DESC(max_ring_kib, "largest ring data size in KiB (default 65536)");

static unsigned long max_total_kib = 256 * 1024;
module_param(max_total_kib, ulong, 0644);
MODULE_PARM_DESC(max_total_kib, "data of all rings together in KiB (default 262144)");

static atomic_long_t well_total_bytes = ATOMIC_LONG_INIT(0);

/* The files whose private_data is a ring: well_ring_get() takes no other. */
static const struct file_operations *well_ring_fops;

/**
 * well_ring_init() - create the allocator of rings, at module load.
 * @fops: the file operations of the files that own rings, each with its
 *        ring in file->private_data; well_ring_get() accepts only those.
 * @priv_size: bytes the owner keeps with each ring (well_ring_priv()).
 *
 * Return: 0 or -ENOMEM.
 */
int well_ring_init(const struct file_operations *fops, size_t priv_size)
{
	well_ring_fops = fops;
	return well_obj_init(WELL_OBJ_RING, sizeof(struct well_ring) + priv_size);
}

static void well_ring_wake_all(struct well_ring *ring)
{
	wake_up_interruptible_all(&ring->prod_wq);
	wake_up_interruptible_poll(&ring->poll_wq, EPOLLERR);
}

/* The wakeups a producer with interrupts off (or in NMI) left for later. */
static void well_ring_wake_work(struct irq_work *work)
{
	struct well_ring *ring = container_of(work, struct well_ring,
					      wake_work);

	if (well_ring_is_broken(ring))
		well_ring_wake_all(ring);
	else if (wq_has_sleeper(&ring->poll_wq))
		wake_up_interruptible_poll(&ring->poll_wq, EPOLLIN | EPOLLRDNORM);
}

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
	init_waitqueue_head(&ring->prod_wq);
	spin_lock_init(&ring->room_lock);
	init_waitqueue_head(&ring->poll_wq);
	init_irq_work(&ring->wake_work, well_ring_wake_work);
	atomic64_set(&ring->waits, 0);
	atomic64_set(&ring->wakes, 0);
	return ring;
}

/**
 * well_ring_priv() - the owner's area of a ring.
 * @ring: the ring.
 *
 * Return: well_ring_init()'s @priv_size bytes, zeroed by well_ring_alloc(),
 * aligned as kmalloc() memory is.
 */
void *well_ring_priv(struct well_ring *ring)
{
	return ring->priv;
}

/* Give back the data: the module's memory, or the caller's pages. */
static void well_ring_free_data(struct well_ring *ring)
{
	if (ring->umem.vaddr) {
		well_umem_unpin(&ring->umem);
	} else if (ring->kmem.vaddr) {
		well_kmem_free(&ring->kmem);
		atomic_long_sub(ring->data_size, &well_total_bytes);
	}
	ring->kw.mem = NULL;
}

/**
 * well_ring_free() - free a ring.
 * @ring: the ring of a file being released. Its owner has stopped every
 *        producer it started; no other module holds it (well_ring_get()
 *        users hold the file). No mapping of it is left: each mapping holds
 *        a reference to the file, so release runs after the last munmap().
 */
void well_ring_free(struct well_ring *ring)
{
	/* A wakeup queued by a producer in NMI context may still be pending. */
	irq_work_sync(&ring->wake_work);
	well_ring_free_data(ring);
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

/*
 * max_ring_kib bounds every ring (the page array and the vmap() of a
 * user-memory ring too); max_total_kib only the module's own memory: the
 * caller's pages are bounded by RLIMIT_MEMLOCK instead.
 */
static int well_ring_charge(size_t bytes, bool user_mem)
{
	/* Both clamped, so << 10 cannot wrap whatever root wrote. */
	unsigned long ring_max = min_t(unsigned long, max_ring_kib,
				       WELL_KIB_MAX) << 10;
	long limit = min_t(unsigned long, max_total_kib, WELL_KIB_MAX) << 10;

	if (bytes > ring_max)
		return -E2BIG;
	if (user_mem)
		return 0;
	/*
	 * A budget, not a handover: fully ordered add_return against other
	 * CREATEs' (and the frees' sub), no data depends on it.
	 */
	if (atomic_long_add_return(bytes, &well_total_bytes) > limit) {
		atomic_long_sub(bytes, &well_total_bytes);
		return -ENOSPC;
	}
	return 0;
}

/**
 * well_ring_read_mode() - whether the ring is consumed by read().
 * @ring: a ready ring.
 *
 * Return: true for a WELL_CREATE_READ ring, which is never mapped.
 */
bool well_ring_read_mode(const struct well_ring *ring)
{
	return ring->read_mode;
}

/**
 * well_ring_blk_count() - blocks of a ring.
 * @ring: a ready ring (one from well_ring_get() is).
 *
 * Return: the block count.
 */
size_t well_ring_blk_count(const struct well_ring *ring)
{
	return well_blk_count(&ring->kw);
}
EXPORT_SYMBOL_GPL(well_ring_blk_count);

/**
 * well_ring_region() - the memory behind one mappable region.
 * @ring: a ready, mappable ring.
 * @region: which region.
 * @len: where to store its length, a whole number of pages.
 *
 * Return: its start in the kernel, page-aligned: vmalloc()ed for the page
 * and ctrl regions, the vmap() of the module's pages for the data (of
 * the caller's pages for a user-memory ring: not to be mapped).
 */
void *well_ring_region(const struct well_ring *ring,
		       enum well_ring_region region, size_t *len)
{
	switch (region) {
	case WELL_RING_PAGE:
		*len = PAGE_SIZE;
		return ring->page;
	case WELL_RING_CTRL:
		*len = PAGE_SIZE;
		return ring->shared;
	case WELL_RING_DATA:
	default:
		*len = ring->data_size;
		return ring->kw.mem;
	}
}

/**
 * well_ring_user_mem() - whether the data is the caller's memory.
 * @ring: a ready ring.
 * @uaddr: where to store the user address of the data, or 0.
 *
 * Return: true for a WELL_CREATE_USER ring, whose data is never mapped.
 */
bool well_ring_user_mem(const struct well_ring *ring, u64 *uaddr)
{
	*uaddr = ring->umem.uaddr;
	return ring->umem.vaddr;
}

/* The data: the caller's pages at @uaddr, or the module's zeroed memory. */
static int well_ring_alloc_data(struct well_ring *ring, size_t bytes,
				u32 flags, u64 uaddr)
{
	int err;

	if (flags & WELL_CREATE_USER) {
		err = well_umem_pin(&ring->umem, uaddr, bytes);
		ring->kw.mem = ring->umem.vaddr;
		return err;
	}
	/*
	 * Charged to the caller's memory cgroup; above what the cgroup (or
	 * the system) can give, -ENOMEM without an OOM kill or a report in
	 * the log (kmod/well_kmem.c).
	 */
	err = well_kmem_alloc(&ring->kmem, bytes);
	ring->kw.mem = ring->kmem.vaddr;
	return err;
}

static int well_ring_create_locked(struct well_ring *ring, u32 blk_size,
				   u32 blk_count, u32 flags, u64 uaddr,
				   u64 ulen)
{
	size_t bytes;
	int err;

	BUILD_BUG_ON(sizeof(struct well_page) > PAGE_SIZE);
	BUILD_BUG_ON(sizeof(struct well) > PAGE_SIZE);

	if (ring->meta)
		return -EBUSY;
	if (flags & ~(WELL_CREATE_READ | WELL_CREATE_USER) ||
	    (flags & WELL_CREATE_READ && flags & WELL_CREATE_USER) ||
	    (!(flags & WELL_CREATE_USER) && uaddr))
		return -EINVAL;
	if (!is_power_of_2(blk_size) || blk_size < WELL_BLK_MIN ||
	    blk_size > WELL_BLK_MAX || !is_power_of_2(blk_count) ||
	    blk_count > WELL_COUNT_MAX)
		return -EINVAL;
	err = well_params(blk_size, blk_count, &ring->kw);
	if (err)
		return err;
	bytes = PAGE_ALIGN(well_size(&ring->kw));
	if (flags & WELL_CREATE_USER && ulen < bytes)
		return -EINVAL;
	err = well_ring_charge(bytes, flags & WELL_CREATE_USER);
	if (err)
		return err;
	ring->data_size = bytes;
	ring->meta = __vmalloc(2 * PAGE_SIZE, GFP_KERNEL_ACCOUNT | __GFP_ZERO |
			       __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	err = ring->meta ? well_ring_alloc_data(ring, bytes, flags, uaddr) :
		-ENOMEM;
	if (err) {
		/* Nothing was pinned, kw.mem is NULL: undo the charge only. */
		if (!(flags & WELL_CREATE_USER))
			atomic_long_sub(bytes, &well_total_bytes);
		vfree(ring->meta);
		ring->meta = NULL;
		ring->data_size = 0;
		return err;
	}
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
	return 0;
}

/* Undo well_ring_create_locked(): the ring was never ready. */
static void well_ring_uncreate_locked(struct well_ring *ring)
{
	well_ring_free_data(ring);
	vfree(ring->meta);
	ring->meta = NULL;
	ring->page = NULL;
	ring->shared = NULL;
	ring->data_size = 0;
	ring->read_mode = false;
}

/**
 * well_ring_create() - WELL_IOC_CREATE: give a ring its geometry and memory.
 * @ring: a ring; once created it cannot be created again.
 * @blk_size: bytes per block, a power of two in [WELL_BLK_MIN, WELL_BLK_MAX].
 * @blk_count: blocks, a power of two in [1, WELL_COUNT_MAX].
 * @flags: WELL_CREATE_* bits.
 * @uaddr: with WELL_CREATE_USER, the page-aligned user address of the
 *         data; else 0.
 * @ulen: with WELL_CREATE_USER, the bytes at @uaddr; else ignored.
 * @reply: called with @arg once the ring is filled in and before anyone
 *         else can use it (process context, may fault); a non-zero return
 *         undoes the creation and is returned.
 * @arg: passed to @reply.
 *
 * The module's memory is zeroed and charged to the caller's memory
 * cgroup; the caller's memory (WELL_CREATE_USER) is pinned as it is and
 * charged to its RLIMIT_MEMLOCK (kmod/well_umem.c). The ring becomes
 * ready only after @reply succeeded, so a CREATE whose reply cannot be
 * copied out leaves no ring behind (and nothing pinned).
 *
 * Return: 0, -EBUSY when the ring exists, -EINVAL for a bad geometry,
 * flags, or user memory (unaligned, shorter than the ring), -E2BIG above
 * max_ring_kib, -ENOSPC above max_total_kib, -ENOMEM, the errors of
 * well_umem_pin(), or the error of @reply.
 */
int well_ring_create(struct well_ring *ring, u32 blk_size, u32 blk_count,
		     u32 flags, u64 uaddr, u64 ulen,
		     int (*reply)(struct well_ring *ring, void *arg), void *arg)
{
	int err;

	mutex_lock(&ring->lock);
	err = well_ring_create_locked(ring, blk_size, blk_count, flags, uaddr,
				      ulen);
	if (!err) {
		err = reply(ring, arg);
		if (err)
			well_ring_uncreate_locked(ring);
		else
			/* K7: pairs with the load-acquire in well_ring_ready(). */
			smp_store_release(&ring->ready, true);
	}
	mutex_unlock(&ring->lock);
	return err;
}

/**
 * well_ring_get() - the ring of an open /dev/well file, to produce into.
 * @file: a file of /dev/well; the caller holds a reference to it (e.g.
 *        from fget()) until well_ring_put().
 *
 * The ring may be shared with the module's load generator; a lone
 * generator producer started before this call makes it fail with -EBUSY.
 *
 * Context: process context (takes a mutex).
 *
 * Return: the ring, or ERR_PTR(-EBADF) when @file is not /dev/well,
 * -ENXIO before WELL_IOC_CREATE, -EIO when broken, -EBUSY.
 */
struct well_ring *well_ring_get(struct file *file)
{
	struct well_ring *ring;
	int err = 0;

	if (!well_ring_fops || file->f_op != well_ring_fops)
		return ERR_PTR(-EBADF);
	ring = file->private_data;
	if (!well_ring_ready(ring))
		return ERR_PTR(-ENXIO);
	mutex_lock(&ring->lock);
	if (ring->single)
		err = -EBUSY;
	else if (well_ring_is_broken(ring))
		err = -EIO;
	else
		ring->ext_refs++;
	mutex_unlock(&ring->lock);
	return err ? ERR_PTR(err) : ring;
}
EXPORT_SYMBOL_GPL(well_ring_get);

/**
 * well_ring_put() - end the use of a ring from well_ring_get().
 * @ring: the ring; release every reservation first.
 *
 * Context: process context (takes a mutex).
 */
void well_ring_put(struct well_ring *ring)
{
	mutex_lock(&ring->lock);
	ring->ext_refs--;
	mutex_unlock(&ring->lock);
}
EXPORT_SYMBOL_GPL(well_ring_put);

/**
 * well_ring_claim_single() - become the ring's only producer.
 * @ring: a ready ring.
 *
 * Succeeds only while no user of well_ring_get() holds the ring, and makes
 * well_ring_get() fail with -EBUSY until well_ring_unclaim_single(). The
 * claimer may then use well_ring_reserve_single() and
 * well_ring_release_single(); it must not start other producers.
 *
 * Return: true when claimed.
 */
bool well_ring_claim_single(struct well_ring *ring)
{
	bool ok;

	mutex_lock(&ring->lock);
	ok = !ring->ext_refs;
	if (ok)
		ring->single = true;
	mutex_unlock(&ring->lock);
	return ok;
}

/**
 * well_ring_unclaim_single() - end a well_ring_claim_single().
 * @ring: the ring; the lone producer has stopped.
 */
void well_ring_unclaim_single(struct well_ring *ring)
{
	mutex_lock(&ring->lock);
	ring->single = false;
	mutex_unlock(&ring->lock);
}

/*
 * Wake whoever a state change concerns. A waker takes the wait queue's
 * lock and the scheduler's run queue locks, so from NMI, and wherever
 * interrupts are off (a hard interrupt, or a probe in the scheduler that
 * runs with a run queue lock held, such as sched_switch), the wakeup is
 * left to an irq_work. Callers have checked that a wakeup is due.
 */
static void well_ring_kick(struct well_ring *ring, bool broke)
{
	if (in_nmi() || irqs_disabled()) {
		irq_work_queue(&ring->wake_work);
		return;
	}
	if (broke)
		well_ring_wake_all(ring);
	else
		wake_up_interruptible_poll(&ring->poll_wq, EPOLLIN | EPOLLRDNORM);
}

/*
 * The consumer's counters are out of range: stop producing for good. Plain
 * stores: every reader only needs to see them eventually, and a producer
 * that misses them still finds nothing the consumer gave back.
 */
static void well_ring_break(struct well_ring *ring)
{
	/* Pairs with READ_ONCE() in well_ring_is_broken(); no ordering. */
	WRITE_ONCE(ring->broken, true);
	/* Read by the user only; the kernel never reads it back. */
	WRITE_ONCE(ring->page->broken, 1);
	well_ring_kick(ring, true);
}

/* Whether counter value @a is behind @b (wrap-safe). */
static bool well_before(size_t a, size_t b)
{
	return (long)(a - b) < 0;
}

/*
 * Take in the blocks the consumer gave back. The only read of
 * shared->tx.tail; no lock, and bounded: one read of the shared value,
 * then a cmpxchg loop on the private kw.tx.tail that ends as soon as it
 * is at or beyond the validated value.
 */
static void well_ring_pull(struct well_ring *ring)
{
	size_t acc, tail, rel;
	unsigned int tries;

	if (ring->read_mode || well_ring_is_broken(ring))
		return;
	/* K2: pairs with the K2 cmpxchg below in other pullers. */
	acc = well_load_acquire(&ring->kw.tx.tail);
	/* K1: pairs with the consumer's R1 into &shared->tx. */
	tail = well_load_acquire(&ring->shared->tx.tail);
	/*
	 * K3: pairs with R1/R4 of the releases into kw.rx. Loaded after the
	 * shared tail, so an honest tail is within it: the consumer gives
	 * back only blocks it was handed, and those were released.
	 */
	rel = well_load_acquire(&ring->kw.rx.tail);
	if (tail - acc > rel - acc) {
		well_ring_break(ring);
		return;
	}
	for (tries = 0; tries < WELL_CAS_TRIES && well_before(acc, tail);
	     tries++) {
		/*
		 * K2: pairs with A1 in well_reserve() on kw.tx and with other
		 * pullers; a failure reloads @acc with acquire.
		 */
		if (well_cas_acq_rel(&ring->kw.tx.tail, &acc, tail))
			break;
	}
}

/*
 * After a release moved kw.rx.tail forward from @from (and publish): wake
 * a poll() or read() that may sleep on it (K6). A mapped ring's consumer
 * can only sleep with nothing left to take, rx.head == @from; behind it,
 * it is awake (or was woken by the releaser that moved kw.rx.tail from
 * where it stopped). rx.head is the user's: a wrong value costs the user
 * its own wakeups, nothing else.
 */
static void well_ring_wake_rx(struct well_ring *ring, size_t from)
{
	/*
	 * K6: the caller's release of kw.rx.tail is fully ordered before
	 * these loads (a successful cmpxchg, or the lone producer's
	 * smp_mb()); pairs with the smp_mb() after poll_wait() in
	 * well_ring_poll().
	 */
	if (!waitqueue_active(&ring->poll_wq))
		return;
	/* K6: ordered by that release; the value is only compared. */
	if (!ring->read_mode &&
	    well_load_relaxed(&ring->shared->rx.head) != from)
		return;
	well_ring_kick(ring, false);
}

/*
 * Hand kw.rx.tail to the consumer after a release that moved it from
 * @from: move the shared rx.tail forward to the newest kw.rx.tail, only
 * ever forward (a cmpxchg from a value to a later one), then wake the
 * consumer if due. The user may write the shared rx.tail at any time; its
 * value is only compared with, never used as a count or an address, and
 * the loop ends after WELL_CAS_TRIES.
 */
static void well_ring_publish(struct well_ring *ring, size_t from)
{
	size_t tail, cur;
	unsigned int tries;

	/*
	 * Only a guess for the first cmpxchg, which orders (K4): the value is
	 * never trusted, so relaxed; pairs with nothing.
	 */
	cur = well_load_relaxed(&ring->shared->rx.tail);
	for (tries = 0; tries < WELL_CAS_TRIES; tries++) {
		/* K3: pairs with R1/R4 of the producers' releases into kw.rx. */
		tail = well_load_acquire(&ring->kw.rx.tail);
		if (!well_before(cur, tail))
			break;
		/*
		 * K4: pairs with A1 in the consumer's well_reserve() on
		 * &shared->rx; a failure reloads @cur (someone else moved it).
		 */
		if (well_cas_acq_rel(&ring->shared->rx.tail, &cur, tail))
			break;
	}
	well_ring_wake_rx(ring, from);
}

/**
 * well_ring_is_broken() - whether the ring was found inconsistent.
 * @ring: the ring.
 *
 * Context: any: process, softirq, hardirq, NMI.
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
 * Context: any: process, softirq, hardirq, NMI.
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
 * Safe with any number of concurrent producers, in any context. Never
 * sleeps, never waits, takes no lock: the pull of what the consumer gave
 * back is a bounded cmpxchg loop.
 *
 * Context: any: process, softirq, hardirq, NMI (also an NMI that
 * interrupted another producer of the same ring on the same CPU).
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
 * well_ring_reserve_exact() - reserve exactly @n blocks, or none.
 * @ring: a ring from well_ring_get().
 * @pos: where to store the position token.
 * @n: blocks wanted, all or nothing (a record spanning @n blocks).
 *
 * well_reserve_exact() on the producers' side: the blocks have consecutive
 * positions, well_ring_block(@ring, *@pos, 0 .. @n - 1). Same contexts as
 * well_ring_reserve(); never sleeps, never waits.
 *
 * Return: @n, or 0 when fewer than @n blocks are free or the ring is broken.
 */
size_t well_ring_reserve_exact(struct well_ring *ring, size_t *pos, size_t n)
{
	if (well_ring_is_broken(ring))
		return 0;
	if (well_reserve_exact(&ring->kw.tx, pos, n))
		return n;
	well_ring_pull(ring);
	return well_reserve_exact(&ring->kw.tx, pos, n);
}
EXPORT_SYMBOL_GPL(well_ring_reserve_exact);

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
 * Context: any: process, softirq, hardirq, NMI.
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
 * Publishes without a lock (well_ring_publish(): bounded cmpxchg loops),
 * so a nested context never waits for the one it interrupted. Wakes the
 * consumer's poll() when it had taken everything before; with interrupts
 * off or in NMI context (where the caller may hold a run queue lock)
 * through an irq_work. A release that succeeds is a full memory barrier
 * after the blocks are handed over (a successful kernel cmpxchg() is
 * fully ordered), so a caller needs no smp_mb() of its own between a
 * release and its next load (well_probe.ko's hand-on of releases).
 *
 * Context: any: process, softirq, hardirq, NMI (also an NMI that
 * interrupted another producer of the same ring on the same CPU).
 *
 * Return: true when released.
 */
bool well_ring_release(struct well_ring *ring, size_t pos, size_t count)
{
	if (!well_release_multi(&ring->kw.rx, count, pos))
		return false;
	/* Moved kw.rx.tail from @pos (R1/R4: a fully ordered cmpxchg). */
	well_ring_publish(ring, pos);
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
	/* The lone producer is the only writer of kw.rx.tail: no pair. */
	size_t from = well_load_relaxed(&ring->kw.rx.tail);

	well_release_single(&ring->kw.rx, count);
	/* K6: orders the release before the wakeup's loads, as a cmpxchg. */
	smp_mb();
	well_ring_publish(ring, from);
}

/* Blocks producers could reserve now, after taking in what came back. */
static size_t well_ring_writable(struct well_ring *ring)
{
	well_ring_pull(ring);
	return well_peek(&ring->kw.tx);
}

/*
 * Raise need_wakeup (K5) for a sleeper of kind @poll (a poll() waiting for
 * EPOLLOUT) or a producer thread, under room_lock so that a thread ending
 * its wait cannot lower it over a sleeper that just raised it.
 */
static void well_ring_raise(struct well_ring *ring, bool poll)
{
	spin_lock(&ring->room_lock);
	if (poll)
		ring->poll_out = true;
	/* K5: pairs with the consumer's load after its fence (smp_mb below). */
	WRITE_ONCE(ring->page->need_wakeup, 1);
	spin_unlock(&ring->room_lock);
	/* K5: pairs with the consumer's fence between release and flag. */
	smp_mb();
}

/*
 * Wait condition of a producer thread on a full ring: true when blocks can
 * be reserved or the ring is broken. Looks first; only a ring still full
 * raises need_wakeup (K5) before looking again, so the consumer's next
 * release is followed by WELL_IOC_WAKE. Evaluated again after every
 * wakeup, so a flag cleared by WAKE is raised again while the ring stays
 * full, and a producer woken to room leaves it lowered.
 */
static bool well_ring_room(struct well_ring *ring)
{
	if (well_ring_writable(ring) || well_ring_is_broken(ring))
		return true;
	well_ring_raise(ring, false);
	return well_ring_writable(ring) || well_ring_is_broken(ring);
}

/**
 * well_ring_wait_room() - sleep until a full ring has room.
 * @ring: the ring.
 *
 * For producer kthreads only (process context): counted in
 * WELL_IOC_STATS' waits; returns when blocks can be reserved, the ring is
 * broken, kthread_stop() was called or a signal came. Looks for room
 * every WELL_ROOM_RECHECK_MS even unwoken: a consumer that gave blocks
 * back without WELL_IOC_WAKE (it closed its fd and kept the mappings)
 * still sees producers resume within that time. The last thread to stop waiting lowers need_wakeup unless a
 * poll() waits for EPOLLOUT.
 */
void well_ring_wait_room(struct well_ring *ring)
{
	/* A statistic: pairs with nothing (STATS' atomic64_read()). */
	atomic64_inc(&ring->waits);
	spin_lock(&ring->room_lock);
	ring->room_waiters++;
	spin_unlock(&ring->room_lock);
	/* Timed out (0): look again; room, stop or a signal end the wait. */
	while (!wait_event_interruptible_timeout(ring->prod_wq,
						 kthread_should_stop() ||
						 well_ring_room(ring),
						 msecs_to_jiffies(WELL_ROOM_RECHECK_MS)))
		;
	spin_lock(&ring->room_lock);
	/* Nobody sleeps: no K5 pair needed, a stale 1 costs one WAKE. */
	if (!--ring->room_waiters && !ring->poll_out)
		WRITE_ONCE(ring->page->need_wakeup, 0);
	spin_unlock(&ring->room_lock);
}

/**
 * well_ring_wake() - WELL_IOC_WAKE: the consumer made room.
 * @ring: the ring.
 */
void well_ring_wake(struct well_ring *ring)
{
	/* A statistic: pairs with nothing (STATS' atomic64_read()). */
	atomic64_inc(&ring->wakes);
	spin_lock(&ring->room_lock);
	ring->poll_out = false;
	/* Ordered before the wakeups by the smp_mb() below. */
	WRITE_ONCE(ring->page->need_wakeup, 0);
	spin_unlock(&ring->room_lock);
	/*
	 * Clear before waking: a woken producer or poll() that finds no room
	 * raises it again.
	 */
	smp_mb();
	wake_up_interruptible_all(&ring->prod_wq);
	wake_up_interruptible_poll(&ring->poll_wq, EPOLLOUT | EPOLLWRNORM);
}

/*
 * Blocks the consumer can reserve, for poll(); 0 when broken. Reads the
 * consumer's rx.head once and marks the ring broken when it is outside
 * [blocks taken back, blocks published]. A read_mode ring has no shared
 * consumer: its private rx side answers.
 */
static size_t well_ring_readable(struct well_ring *ring)
{
	size_t acc, head, rel;

	if (ring->read_mode)
		return well_peek(&ring->kw.rx);
	if (well_ring_is_broken(ring))
		return 0;
	/* K2: pairs with the pullers' cmpxchg of kw.tx.tail. */
	acc = well_load_acquire(&ring->kw.tx.tail);
	head = well_load_relaxed(&ring->shared->rx.head);
	/* K3, K6: pairs with R1/R4 of the releases into kw.rx. */
	rel = well_load_acquire(&ring->kw.rx.tail);
	if (head - acc > rel - acc) {
		well_ring_break(ring);
		return 0;
	}
	return rel - head;
}

/**
 * well_ring_poll() - poll() of a ready ring.
 * @ring: the ring.
 * @file: the file polled.
 * @wait: the poll table.
 *
 * Return: EPOLLIN when blocks are published and not reserved, EPOLLOUT
 * when producers have room, EPOLLERR alone when broken. Without room,
 * raises need_wakeup, so that the consumer's next release is followed by
 * WELL_IOC_WAKE, which wakes the poller.
 */
__poll_t well_ring_poll(struct well_ring *ring, struct file *file,
			poll_table *wait)
{
	__poll_t mask = 0;

	poll_wait(file, &ring->poll_wq, wait);
	/*
	 * K6: queued (and rx.head moved by the consumer) before kw.rx.tail
	 * is loaded; pairs with the releaser's full barrier before
	 * well_ring_wake_rx().
	 */
	smp_mb();
	if (well_ring_readable(ring))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (well_ring_writable(ring)) {
		mask |= EPOLLOUT | EPOLLWRNORM;
	} else if (!ring->read_mode) {
		/*
		 * A full mapped ring gains room only by the consumer's
		 * release, which calls WELL_IOC_WAKE (waking poll_wq) when
		 * it finds need_wakeup raised (K5): raise it, then look again.
		 * read() wakes poll_wq itself.
		 */
		well_ring_raise(ring, true);
		if (well_ring_writable(ring))
			mask |= EPOLLOUT | EPOLLWRNORM;
	}
	if (well_ring_is_broken(ring))
		mask = EPOLLERR;
	return mask;
}

/**
 * well_ring_stats() - the ring's part of a WELL_IOC_STATS reply.
 * @ring: a ready ring.
 * @st: the reply: published, accepted, waits, wakes and WELL_STATS_BROKEN
 *      are filled in; the rest is left as it is.
 */
void well_ring_stats(struct well_ring *ring, struct well_stats *st)
{
	well_ring_pull(ring);
	/* K3: pairs with R1/R4 of the releases into kw.rx. */
	st->published = well_load_acquire(&ring->kw.rx.tail);
	/* K2: pairs with the pullers' cmpxchg of kw.tx.tail. */
	st->accepted = well_load_acquire(&ring->kw.tx.tail);
	st->waits = atomic64_read(&ring->waits);
	st->wakes = atomic64_read(&ring->wakes);
	if (well_ring_is_broken(ring))
		st->flags |= WELL_STATS_BROKEN;
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
 * compared with. Only the blocks copied whole are consumed: when a copy
 * faults, that block and the ones after it stay in the ring for the next
 * read().
 *
 * Return: bytes copied, -EINVAL for a buffer smaller than a block,
 * -EAGAIN, -ERESTARTSYS, -EFAULT when not even the first block could be
 * copied.
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
	/*
	 * Give the blocks not copied back to the rx side: read_lock makes
	 * this the only reserver of kw.rx and nobody else reads its head, so
	 * moving the head back over blocks handed to no one undoes their
	 * reservation.
	 */
	if (i < n)
		/* Only this reserver reads it (read_lock): pairs with nothing. */
		well_store_relaxed(&ring->kw.rx.head, pos + i);
	/* R1: pairs with A1 in the producers' reserve on kw.tx. */
	if (i)
		well_release_single(&ring->kw.tx, i);
	mutex_unlock(&ring->read_lock);
	/* wq_has_sleeper()'s smp_mb() orders the release before the check. */
	if (i && wq_has_sleeper(&ring->prod_wq))
		wake_up_interruptible_all(&ring->prod_wq);
	/* poll() waiting for EPOLLOUT: room came without WELL_IOC_WAKE. */
	if (i && wq_has_sleeper(&ring->poll_wq))
		wake_up_interruptible_poll(&ring->poll_wq, EPOLLOUT | EPOLLWRNORM);
	return done ? done : -EFAULT;
}
