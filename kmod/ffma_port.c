// SPDX-License-Identifier: GPL-2.0
/*
 * ffma_port.c - the kernel's side of core/port.h: the pages core/ffma
 * allocates from, and its misuse report. user/port.c is the same contract
 * in user space.
 *
 * Slices are order-9 compound pages (2 MiB, naturally aligned). core/ffma
 * runs with interrupts off in the kernel (kmod/ffma_pcpu.c), where the page
 * allocator must not be called (on PREEMPT_RT its zone locks sleep), so:
 *
 * - ffma_pages_alloc() of a slice only takes one from a small reserve; the
 *   reserve is filled by ffma_pages_reserve(), which ffma_pcpu_alloc()
 *   calls with interrupts as its caller had them and with its caller's
 *   gfp flags, as SLUB allocates a new slab outside its local lock;
 * - ffma_pages_free() never frees: it puts the memory on a lock-free list
 *   (the link lives in the memory itself) and a work item frees it in
 *   process context.
 *
 * Fallback when no 2 MiB page is to be had: the allocation fails with NULL
 * and the caller uses kmalloc() for that object; ffma cannot use memory
 * that is not 2 MiB aligned, since it finds a slice by masking the
 * object's address.
 *
 * A shrinker gives the slices cached by core/ffma_cache.c back under
 * memory pressure (ffma_pages_shrink()).
 */
#include <linux/bug.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/topology.h>
#include <linux/workqueue.h>
#include "ffma.h"
#include "port.h"
#include "ffma_port.h"
#include "well_kcompat.h"

#define FFMA_ORDER	(FFMA_SLICE_SHIFT - PAGE_SHIFT)
#define FFMA_RESERVE	4

/* Raw: taken with interrupts off, also on PREEMPT_RT. */
static DEFINE_RAW_SPINLOCK(ffma_reserve_lock);
static void *ffma_reserve[FFMA_RESERVE];
static unsigned int ffma_reserved;

/**
 * struct ffma_deferred - memory waiting to be freed, written over its start.
 * @node: link in ffma_deferred_list.
 * @size: the size ffma_pages_alloc() was asked for.
 */
struct ffma_deferred {
	struct llist_node node;
	size_t size;
};

static LLIST_HEAD(ffma_deferred_list);

static void ffma_deferred_fn(struct work_struct *work);
static DECLARE_WORK(ffma_deferred_work, ffma_deferred_fn);

static void ffma_pages_release(void *addr, size_t size)
{
	if (size == FFMA_SLICE_SIZE)
		__free_pages(virt_to_page(addr), FFMA_ORDER);
	else
		kfree(addr);
}

/* Process context, interrupts on: free what ffma_pages_free() deferred. */
static unsigned long ffma_deferred_flush(void)
{
	struct llist_node *list = llist_del_all(&ffma_deferred_list);
	struct ffma_deferred *d, *next;
	unsigned long pages = 0;

	llist_for_each_entry_safe(d, next, list, node) {
		if (d->size == FFMA_SLICE_SIZE)
			pages += 1UL << FFMA_ORDER;
		ffma_pages_release(d, d->size);
	}
	return pages;
}

static void ffma_deferred_fn(struct work_struct *work)
{
	ffma_deferred_flush();
}

static void *ffma_reserve_take(void)
{
	unsigned long flags;
	void *mem = NULL;

	raw_spin_lock_irqsave(&ffma_reserve_lock, flags);
	if (ffma_reserved)
		mem = ffma_reserve[--ffma_reserved];
	raw_spin_unlock_irqrestore(&ffma_reserve_lock, flags);
	return mem;
}

/**
 * ffma_pages_reserve() - add a slice to the reserve.
 * @gfp: the flags of the allocation that needs it (GFP_KERNEL may sleep,
 *       GFP_ATOMIC or GFP_NOWAIT do not).
 *
 * Runs in the caller's context with interrupts as the caller has them:
 * never inside ffma's own interrupts-off sections. The next
 * ffma_pages_alloc() of a slice takes it, whatever context that runs in.
 *
 * Return: false when no 2 MiB page was to be had with @gfp.
 */
bool ffma_pages_reserve(gfp_t gfp)
{
	struct page *page = alloc_pages_node(numa_node_id(),
					     (gfp & ~__GFP_ZERO) | __GFP_COMP |
					     __GFP_NOWARN, FFMA_ORDER);
	unsigned long flags;

	if (!page)
		return false;
	raw_spin_lock_irqsave(&ffma_reserve_lock, flags);
	if (ffma_reserved < FFMA_RESERVE) {
		ffma_reserve[ffma_reserved++] = page_address(page);
		page = NULL;
	}
	raw_spin_unlock_irqrestore(&ffma_reserve_lock, flags);
	if (page)
		__free_pages(page, FFMA_ORDER);
	return true;
}

/**
 * ffma_pages_shrink() - give the slices cached by core/ffma back.
 *
 * Process context, interrupts on (the shrinker's scan, module exit). The
 * cache is emptied with interrupts off, as every cache operation is; the
 * pages are freed after interrupts are back on.
 *
 * Return: the pages freed, including any deferred frees pending.
 */
unsigned long ffma_pages_shrink(void)
{
	unsigned long flags;

	local_irq_save(flags);
	ffma_cache_drain();
	local_irq_restore(flags);
	return ffma_deferred_flush();
}

static unsigned long ffma_shrink_count(struct shrinker *s,
				       struct shrink_control *sc)
{
	unsigned long n = ffma_cached_slices();

	return n ? n << FFMA_ORDER : SHRINK_EMPTY;
}

static unsigned long ffma_shrink_scan(struct shrinker *s,
				      struct shrink_control *sc)
{
	unsigned long pages = ffma_pages_shrink();

	return pages ? pages : SHRINK_STOP;
}

static struct shrinker *ffma_shrinker;

/**
 * ffma_pages_init() - register the shrinker of the slice cache.
 *
 * Process context; kmod/ffma_pcpu.c calls it before the first allocator
 * is created.
 *
 * Return: 0 or -ENOMEM.
 */
int ffma_pages_init(void)
{
	ffma_shrinker = well_shrinker_create("well-ffma", ffma_shrink_count,
					     ffma_shrink_scan);
	return ffma_shrinker ? 0 : -ENOMEM;
}

/**
 * ffma_pages_exit() - unregister the shrinker; after the last allocator.
 */
void ffma_pages_exit(void)
{
	well_shrinker_destroy(ffma_shrinker);
	ffma_shrinker = NULL;
}

/**
 * ffma_pages_drain() - free the slices cached by core/ffma and the reserve.
 *
 * Process context, interrupts on. For module exit, after every allocator
 * is destroyed: memory a cache still holds, and frees still deferred,
 * would otherwise outlive the module.
 */
void ffma_pages_drain(void)
{
	void *mem;

	ffma_pages_shrink();
	flush_work(&ffma_deferred_work);
	ffma_deferred_flush();
	while ((mem = ffma_reserve_take()))
		__free_pages(virt_to_page(mem), FFMA_ORDER);
}

/**
 * ffma_pages_alloc() - memory for core/ffma.
 * @size: FFMA_SLICE_SIZE for a slice, else a page multiple.
 * @node: NUMA node to take it from; a hint.
 *
 * A slice comes from the reserve only (any context, no page allocator
 * call). Anything else is an allocator's own struct, asked for by
 * ffma_create() in process context only (kmod/ffma_pcpu.c): GFP_KERNEL.
 *
 * Return: the memory, or NULL.
 */
void *ffma_pages_alloc(size_t size, int node)
{
	if (size != FFMA_SLICE_SIZE)
		return kzalloc_node(size, GFP_KERNEL, node);
	return ffma_reserve_take();
}

/**
 * ffma_pages_free() - give back memory from ffma_pages_alloc().
 * @addr: the memory.
 * @size: the size asked for.
 *
 * Any context: the memory is freed later, by a work item.
 */
void ffma_pages_free(void *addr, size_t size)
{
	struct ffma_deferred *d = addr;

	d->size = size;
	/* llist_add() is a cmpxchg loop, paired with llist_del_all(). */
	if (llist_add(&d->node, &ffma_deferred_list))
		schedule_work(&ffma_deferred_work);
}

/**
 * ffma_pages_node() - NUMA node of the running CPU.
 *
 * Return: the node.
 */
int ffma_pages_node(void)
{
	return numa_node_id();
}

/**
 * ffma_report() - warn about a misuse found by a debug build.
 * @what: what is wrong.
 * @ptr: the pointer concerned.
 */
void ffma_report(const char *what, const void *ptr)
{
	WARN(1, "ffma: %s: %p\n", what, ptr);
}
