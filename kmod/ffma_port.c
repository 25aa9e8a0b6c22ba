// SPDX-License-Identifier: GPL-2.0
/*
 * ffma_port.c - the kernel's side of core/port.h: the pages core/ffma
 * allocates from, and its misuse report. user/port.c is the same contract
 * in user space.
 *
 * Slices are order-9 compound pages (2 MiB, naturally aligned) from
 * alloc_pages_node() on the node of the running CPU. A per-CPU allocator
 * (kmod/ffma_pcpu.c) is used with interrupts off, where the page allocator
 * must not sleep, so a slice is first asked for with GFP_NOWAIT. When that
 * fails and the caller may sleep, ffma_pcpu_alloc() turns interrupts back
 * on, puts a slice taken with GFP_KERNEL (reclaim and compaction allowed)
 * in a small reserve (ffma_pages_reserve()), and tries once more.
 * Fallback when no 2 MiB page is to be had even then: the allocation fails
 * with NULL and the caller uses kmalloc() for that object; ffma cannot use
 * memory that is not 2 MiB aligned, since it finds a slice by masking the
 * object's address.
 */
#include <linux/bug.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/topology.h>
#include "ffma.h"
#include "port.h"
#include "ffma_port.h"

#define FFMA_ORDER	(FFMA_SLICE_SHIFT - PAGE_SHIFT)
#define FFMA_RESERVE	4

static DEFINE_SPINLOCK(ffma_reserve_lock);
static void *ffma_reserve[FFMA_RESERVE];
static unsigned int ffma_reserved;

static void *ffma_reserve_take(void)
{
	unsigned long flags;
	void *mem = NULL;

	spin_lock_irqsave(&ffma_reserve_lock, flags);
	if (ffma_reserved)
		mem = ffma_reserve[--ffma_reserved];
	spin_unlock_irqrestore(&ffma_reserve_lock, flags);
	return mem;
}

/**
 * ffma_pages_reserve() - add a slice to the reserve, sleeping if need be.
 *
 * Process context, interrupts on. The next ffma_pages_alloc() of a slice
 * takes it, whatever context that runs in.
 *
 * Return: false when no 2 MiB page came even with reclaim.
 */
bool ffma_pages_reserve(void)
{
	struct page *page = alloc_pages_node(numa_node_id(),
					     GFP_KERNEL | __GFP_COMP |
					     __GFP_NOWARN, FFMA_ORDER);
	unsigned long flags;

	if (!page)
		return false;
	spin_lock_irqsave(&ffma_reserve_lock, flags);
	if (ffma_reserved < FFMA_RESERVE) {
		ffma_reserve[ffma_reserved++] = page_address(page);
		page = NULL;
	}
	spin_unlock_irqrestore(&ffma_reserve_lock, flags);
	if (page)
		__free_pages(page, FFMA_ORDER);
	return true;
}

/**
 * ffma_pages_drain() - free the slices cached by core/ffma and the reserve.
 *
 * For module exit, after every allocator is destroyed: memory a cache
 * still holds would otherwise outlive the module.
 */
void ffma_pages_drain(void)
{
	void *mem;

	ffma_cache_drain();
	while ((mem = ffma_reserve_take()))
		__free_pages(virt_to_page(mem), FFMA_ORDER);
}

/**
 * ffma_pages_alloc() - memory for core/ffma.
 * @size: FFMA_SLICE_SIZE for a slice, else a page multiple.
 * @node: NUMA node to take it from.
 *
 * Sleeps only when the caller is preemptible.
 *
 * Return: the memory, or NULL.
 */
void *ffma_pages_alloc(size_t size, int node)
{
	gfp_t gfp = preemptible() ? GFP_KERNEL : GFP_NOWAIT;
	struct page *page;
	void *mem;

	if (size != FFMA_SLICE_SIZE)
		return kzalloc(size, gfp);
	mem = ffma_reserve_take();
	if (mem)
		return mem;
	page = alloc_pages_node(node, gfp | __GFP_COMP | __GFP_NOWARN,
				FFMA_ORDER);
	return page ? page_address(page) : NULL;
}

/**
 * ffma_pages_free() - give back memory from ffma_pages_alloc().
 * @addr: the memory.
 * @size: the size asked for.
 */
void ffma_pages_free(void *addr, size_t size)
{
	if (size == FFMA_SLICE_SIZE)
		__free_pages(virt_to_page(addr), FFMA_ORDER);
	else
		kfree(addr);
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

