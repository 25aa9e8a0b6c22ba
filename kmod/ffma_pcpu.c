// SPDX-License-Identifier: GPL-2.0
/*
 * ffma_pcpu.c - core/ffma allocators per CPU, the kernel's counterpart of
 * user/ffma_thread.c's allocators per thread.
 *
 * Each CPU online at creation gets its own struct ffma, created on that
 * CPU; allocation uses the running CPU's one with interrupts off. A free on
 * another CPU goes onto the owner's remote stack (core/ffma.c). When the
 * running CPU's allocator needs a slice and the page allocator has none
 * without sleeping, ffma_pcpu_alloc() fills the page port's reserve
 * (kmod/ffma_port.c) where it may sleep and tries once more.
 */
#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/workqueue.h>
#include "ffma_port.h"
#include "ffma_pcpu.h"

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

	if (!ptr && may_sleep && ffma_pages_reserve())
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
