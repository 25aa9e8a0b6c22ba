// SPDX-License-Identifier: GPL-2.0
/*
 * ffma_pcpu.c - core/ffma allocators per CPU, the kernel's counterpart of
 * user/ffma_thread.c's allocators per thread.
 *
 * Each online CPU has its own struct ffma, created on that CPU; every call
 * into core/ffma runs with interrupts off on the running CPU, which makes
 * an allocator (and the slice cache, whose lock an interrupt on the same
 * CPU would otherwise spin on forever) exclusive to one context at a time.
 * A free on another CPU goes onto the owner's remote stack (core/ffma.c).
 * When the running CPU's allocator needs a slice and the page port's
 * reserve is empty, ffma_pcpu_alloc() fills it with interrupts back as
 * the caller had them and the caller's gfp flags, and tries once more.
 *
 * CPU hotplug: a multi-instance cpuhp state creates the allocator of a CPU
 * that comes online later on that CPU (or adopts the one it disowned when
 * it went offline), and disowns the allocator of a CPU going offline:
 * ffma_pcpu_collect() then adopts it on the calling CPU, takes back the
 * frees other CPUs made into it, and destroys it once it is empty.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/workqueue.h>
#include "ffma_port.h"
#include "ffma_pcpu.h"

/**
 * struct ffma_pcpu - allocators of one object size, one per CPU.
 * @ffma: each CPU's allocator, owned by that CPU while it is online; an
 *        offline CPU's is disowned until collected empty (then NULL).
 * @size: the object size.
 * @node: link in the cpuhp state's instances.
 */
struct ffma_pcpu {
	struct ffma * __percpu *ffma;
	size_t size;
	struct hlist_node node;
};

/* Serialises the set-up and removal of the cpuhp state and the shrinker. */
static DEFINE_MUTEX(ffma_pcpu_lock);
static unsigned int ffma_pcpu_users;
static enum cpuhp_state ffma_pcpu_state;

/* cpuhp: runs on @cpu, coming online, in process context. */
static int ffma_pcpu_online(unsigned int cpu, struct hlist_node *node)
{
	struct ffma_pcpu *pc = hlist_entry(node, struct ffma_pcpu, node);
	struct ffma **slot = per_cpu_ptr(pc->ffma, cpu);
	unsigned long flags;
	struct ffma *ffma;
	bool ok = true;

	local_irq_save(flags);
	ffma = *slot;
	if (ffma)
		ok = ffma_adopt(ffma);
	local_irq_restore(flags);
	if (ffma)
		return ok ? 0 : -EBUSY;
	/* Interrupts on: ffma_create() allocates with GFP_KERNEL. */
	ffma = ffma_create(pc->size);
	if (!ffma)
		return -ENOMEM;
	local_irq_save(flags);
	*slot = ffma;
	local_irq_restore(flags);
	return 0;
}

/* cpuhp: runs on @cpu, going offline, in process context. */
static int ffma_pcpu_offline(unsigned int cpu, struct hlist_node *node)
{
	struct ffma_pcpu *pc = hlist_entry(node, struct ffma_pcpu, node);
	struct ffma **slot = per_cpu_ptr(pc->ffma, cpu);
	unsigned long flags;

	local_irq_save(flags);
	if (*slot && ffma_disown(*slot))
		*slot = NULL;
	local_irq_restore(flags);
	return 0;
}

static int ffma_pcpu_get(void)
{
	int ret = 0;

	mutex_lock(&ffma_pcpu_lock);
	if (!ffma_pcpu_users) {
		ret = ffma_pages_init();
		if (!ret) {
			ret = cpuhp_setup_state_multi(CPUHP_AP_ONLINE_DYN,
						      "well/ffma:online",
						      ffma_pcpu_online,
						      ffma_pcpu_offline);
			if (ret < 0) {
				ffma_pages_exit();
			} else {
				ffma_pcpu_state = ret;
				ret = 0;
			}
		}
	}
	if (!ret)
		ffma_pcpu_users++;
	mutex_unlock(&ffma_pcpu_lock);
	return ret;
}

static void ffma_pcpu_put(void)
{
	mutex_lock(&ffma_pcpu_lock);
	if (!--ffma_pcpu_users) {
		cpuhp_remove_multi_state(ffma_pcpu_state);
		ffma_pages_exit();
	}
	mutex_unlock(&ffma_pcpu_lock);
}

/* Runs bound to one CPU: the allocator it creates belongs to that CPU. */
static long ffma_pcpu_create_on(void *arg)
{
	struct ffma_pcpu *pc = arg;
	struct ffma *ffma = ffma_create(pc->size);
	unsigned long flags;

	local_irq_save(flags);
	*this_cpu_ptr(pc->ffma) = ffma;
	local_irq_restore(flags);
	return ffma ? 0 : -ENOMEM;
}

static void ffma_pcpu_free_all(struct ffma_pcpu *pc)
{
	unsigned long flags;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		/* Interrupts off: ffma_destroy() puts slices in the cache. */
		local_irq_save(flags);
		ffma_destroy(*per_cpu_ptr(pc->ffma, cpu));
		local_irq_restore(flags);
	}
	free_percpu(pc->ffma);
	kfree(pc);
}

/**
 * ffma_pcpu_create() - an allocator of @object_size bytes on each CPU.
 * @object_size: bytes per object, 1 to FFMA_OBJECT_MAX.
 *
 * Process context, may sleep. Creates each online CPU's allocator on that
 * CPU under cpus_read_lock(); a CPU that comes online later gets its
 * allocator from the cpuhp callback.
 *
 * Return: the allocators, or NULL.
 */
struct ffma_pcpu *ffma_pcpu_create(size_t object_size)
{
	struct ffma_pcpu *pc;
	unsigned int cpu;

	if (ffma_pcpu_get())
		return NULL;
	pc = kzalloc(sizeof(*pc), GFP_KERNEL);
	if (!pc)
		goto put;
	pc->size = object_size;
	pc->ffma = alloc_percpu(struct ffma *);
	if (!pc->ffma) {
		kfree(pc);
		goto put;
	}
	/*
	 * The instance first: a CPU that comes online from here on gets its
	 * allocator from ffma_pcpu_online(); those online under the lock get
	 * theirs here (the callbacks run under the write side of that lock).
	 */
	if (cpuhp_state_add_instance_nocalls(ffma_pcpu_state, &pc->node)) {
		ffma_pcpu_free_all(pc);
		goto put;
	}
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		if (!*per_cpu_ptr(pc->ffma, cpu) &&
		    work_on_cpu(cpu, ffma_pcpu_create_on, pc)) {
			cpus_read_unlock();
			ffma_pcpu_destroy(pc);
			return NULL;
		}
	}
	cpus_read_unlock();
	return pc;
put:
	ffma_pcpu_put();
	return NULL;
}

/**
 * ffma_pcpu_destroy() - give back every slice of every CPU's allocator.
 * @pc: the allocators, or NULL; no object of theirs is used any more.
 *
 * Process context, may sleep.
 */
void ffma_pcpu_destroy(struct ffma_pcpu *pc)
{
	if (!pc)
		return;
	cpuhp_state_remove_instance_nocalls(ffma_pcpu_state, &pc->node);
	ffma_pcpu_free_all(pc);
	ffma_pcpu_put();
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
 * @gfp: as for kmem_cache_alloc(): GFP_KERNEL where the caller may sleep,
 *       GFP_ATOMIC or GFP_NOWAIT where it may not. Used only when a new
 *       2 MiB slice is needed; __GFP_ZERO is ignored.
 *
 * Any context @gfp allows. The page allocator is called with interrupts
 * as the caller has them, never inside ffma's interrupts-off section.
 *
 * Return: the object, or NULL when no 2 MiB page is to be had with @gfp.
 */
void *ffma_pcpu_alloc(struct ffma_pcpu *pc, gfp_t gfp)
{
	void *ptr = ffma_pcpu_try(pc);

	if (!ptr && ffma_pages_reserve(gfp))
		ptr = ffma_pcpu_try(pc);
	return ptr;
}

/**
 * ffma_pcpu_free() - free an object of a per-CPU allocator, on any CPU.
 * @ptr: the object, or NULL.
 *
 * Any context, hard interrupts included. On another CPU than the owner's,
 * the object goes onto the owner's remote stack.
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
 * Process context, may sleep; runs on each online CPU in turn. The
 * allocator an offline CPU left behind is adopted by the calling CPU for
 * the time of its collect, and destroyed when it has nothing in use.
 */
void ffma_pcpu_collect(struct ffma_pcpu *pc)
{
	unsigned long flags;
	unsigned int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		work_on_cpu(cpu, ffma_pcpu_collect_on, pc);
	for_each_possible_cpu(cpu) {
		struct ffma **slot = per_cpu_ptr(pc->ffma, cpu);

		if (cpu_online(cpu))
			continue;
		local_irq_save(flags);
		/* ffma_disown() collects, then destroys it or lets it go. */
		if (*slot && ffma_adopt(*slot) && ffma_disown(*slot))
			*slot = NULL;
		local_irq_restore(flags);
	}
	cpus_read_unlock();
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
