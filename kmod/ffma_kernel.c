// SPDX-License-Identifier: GPL-2.0
/*
 * ffma_kernel.c - what core/ffma needs from the kernel, and allocators per
 * CPU on top of it.
 *
 * Slices are order-9 compound pages (2 MiB, naturally aligned) from
 * alloc_pages_node() on the node of the running CPU. A per-CPU allocator
 * is used with interrupts off, where the page allocator must not sleep,
 * so a slice is first asked for with GFP_NOWAIT. When that fails and the
 * caller may sleep, ffma_pcpu_alloc() turns interrupts back on, puts a
 * slice taken with GFP_KERNEL (reclaim and compaction allowed) in a small
 * reserve, and tries once more. Fallback when no 2 MiB page is to be had
 * even then: the allocation fails with NULL and the caller uses kmalloc()
 * for that object; ffma cannot use memory that is not 2 MiB aligned, since
 * it finds a slice by masking the object's address.
 */
#include <linux/bug.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/topology.h>
#include <linux/workqueue.h>
#include "ffma_kernel.h"

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

/* Add a slice to the reserve, sleeping if need be; false if none came. */
static bool ffma_reserve_fill(void)
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

/**
 * struct ffma_pcpu - allocators of one object size, one per CPU.
 * @ffma: each CPU's allocator, owned by that CPU; NULL for CPUs that were
 *        offline at creation.
 * @size: the object size.
 */
struct ffma_pcpu {
	struct ffma * __percpu *ffma;
	size_t size;
};

/* Runs bound to one CPU: the allocator it creates belongs to that CPU. */
static long ffma_pcpu_create_on(void *arg)
{
	struct ffma_pcpu *pc = arg;
	struct ffma *ffma = ffma_create(pc->size);

	*per_cpu_ptr(pc->ffma, raw_smp_processor_id()) = ffma;
	return ffma ? 0 : -ENOMEM;
}

/**
 * ffma_pcpu_create() - an allocator of @object_size bytes on each CPU.
 * @object_size: bytes per object, 1 to FFMA_OBJECT_MAX.
 *
 * Process context. CPUs brought online later have no allocator: an
 * allocation there returns NULL.
 *
 * Return: the allocators, or NULL.
 */
struct ffma_pcpu *ffma_pcpu_create(size_t object_size)
{
	struct ffma_pcpu *pc = kzalloc(sizeof(*pc), GFP_KERNEL);
	unsigned int cpu;

	if (!pc)
		return NULL;
	pc->size = object_size;
	pc->ffma = alloc_percpu(struct ffma *);
	if (!pc->ffma) {
		kfree(pc);
		return NULL;
	}
	for_each_online_cpu(cpu) {
		if (work_on_cpu(cpu, ffma_pcpu_create_on, pc)) {
			ffma_pcpu_destroy(pc);
			return NULL;
		}
	}
	return pc;
}

/**
 * ffma_pcpu_destroy() - give back every slice of every CPU's allocator.
 * @pc: the allocators, or NULL; no object of theirs is used any more.
 */
void ffma_pcpu_destroy(struct ffma_pcpu *pc)
{
	unsigned int cpu;

	if (!pc)
		return;
	for_each_possible_cpu(cpu)
		ffma_destroy(*per_cpu_ptr(pc->ffma, cpu));
	free_percpu(pc->ffma);
	kfree(pc);
}

static void *ffma_pcpu_try(struct ffma_pcpu *pc)
{
	unsigned long flags;
	struct ffma *ffma;
	void *ptr = NULL;

	local_irq_save(flags);
	ffma = *this_cpu_ptr(pc->ffma);
	if (ffma)
		ptr = ffma_alloc(ffma);
	local_irq_restore(flags);
	return ptr;
}

/**
 * ffma_pcpu_alloc() - an object from the running CPU's allocator.
 * @pc: the allocators.
 *
 * Any context; sleeps (for a new slice) only when the caller may.
 *
 * Return: the object, or NULL when no 2 MiB page is to be had.
 */
void *ffma_pcpu_alloc(struct ffma_pcpu *pc)
{
	bool may_sleep = preemptible();
	void *ptr = ffma_pcpu_try(pc);

	if (!ptr && may_sleep && ffma_reserve_fill())
		ptr = ffma_pcpu_try(pc);
	return ptr;
}

/**
 * ffma_pcpu_free() - free an object of a per-CPU allocator, on any CPU.
 * @ptr: the object, or NULL.
 *
 * Any context. On another CPU than the owner's, the object goes onto the
 * owner's remote stack.
 */
void ffma_pcpu_free(void *ptr)
{
	unsigned long flags;

	local_irq_save(flags);
	ffma_free(ptr);
	local_irq_restore(flags);
}

static long ffma_pcpu_collect_on(void *arg)
{
	struct ffma_pcpu *pc = arg;
	unsigned long flags;
	struct ffma *ffma;

	local_irq_save(flags);
	ffma = *this_cpu_ptr(pc->ffma);
	if (ffma)
		ffma_collect(ffma);
	local_irq_restore(flags);
	return 0;
}

/**
 * ffma_pcpu_collect() - let each CPU take back what others freed into it.
 * @pc: the allocators.
 *
 * Process context; runs on each online CPU in turn.
 */
void ffma_pcpu_collect(struct ffma_pcpu *pc)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		work_on_cpu(cpu, ffma_pcpu_collect_on, pc);
}

/**
 * ffma_pcpu_of() - the allocator of one CPU, for its metrics.
 * @pc: the allocators.
 * @cpu: the CPU.
 *
 * Return: the allocator, NULL for a CPU that has none.
 */
struct ffma *ffma_pcpu_of(struct ffma_pcpu *pc, unsigned int cpu)
{
	return *per_cpu_ptr(pc->ffma, cpu);
}

static struct ffma_pcpu *ffma_classes[FFMA_MEM_CLASSES];

/**
 * ffma_mem_init() - create the per-CPU allocators of the size classes.
 *
 * Process context. Takes no slice until the first allocation.
 *
 * Return: 0 or -ENOMEM.
 */
int ffma_mem_init(void)
{
	unsigned int c;

	for (c = 0; c < FFMA_MEM_CLASSES; c++) {
		ffma_classes[c] = ffma_pcpu_create(FFMA_MEM_MIN << c);
		if (!ffma_classes[c]) {
			ffma_mem_exit();
			return -ENOMEM;
		}
	}
	return 0;
}

/**
 * ffma_mem_exit() - destroy the size classes; no object of theirs is used.
 */
void ffma_mem_exit(void)
{
	unsigned int c;

	for (c = 0; c < FFMA_MEM_CLASSES; c++) {
		ffma_pcpu_destroy(ffma_classes[c]);
		ffma_classes[c] = NULL;
	}
}

/**
 * ffma_mem_alloc() - memory from the running CPU's allocator of a class.
 * @size: bytes, up to FFMA_MEM_MAX.
 *
 * Return: the memory, or NULL for a size above FFMA_MEM_MAX or no memory.
 */
void *ffma_mem_alloc(size_t size)
{
	if (size > FFMA_MEM_MAX)
		return NULL;
	return ffma_pcpu_alloc(ffma_classes[ffma_mem_class(size)]);
}

/**
 * ffma_mem_free() - free memory of the size classes, on any CPU.
 * @ptr: the memory, or NULL.
 */
void ffma_mem_free(void *ptr)
{
	ffma_pcpu_free(ptr);
}
