// SPDX-License-Identifier: GPL-2.0
/*
 * ffma_test.ko - core/ffma checked inside the kernel at load time, per CPU,
 * on the very objects well.ko ships: it calls the core and the kernel's
 * ffma host through well.ko's exports (kmod/core_export.c), so it shares
 * well.ko's slice cache; it runs while well.ko is loaded and idle.
 *
 * In the style of kselftest_module.h: each check prints one TAP line and
 * init fails with -EINVAL when any check failed. The checks: slice layout
 * of each CPU's allocator, objects across several slices freed back on
 * each CPU, frees from a kthread bound to another CPU (every object
 * checked, every owner ends with none in use), the size classes with
 * kvmalloc() above 64 KiB, frees in hard irq context that empty a slice,
 * the shrinker's scan, and a hotplug cycle of CPU 1 when it is online.
 * Then, as "rec" lines only (no timing is asserted), ffma against
 * kmem_cache_alloc()/kmem_cache_free() and kmem_cache_alloc_bulk().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/irq_work.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include "kselftest_module.h"
#include "ffma_port.h"
#include "ffma_pcpu.h"
#include "ffma_classes.h"

KSTM_MODULE_GLOBALS();

#define XOBJECTS	20000

static void __init check(bool ok, const char *what, unsigned int cpu)
{
	total_tests++;
	if (!ok)
		failed_tests++;
	pr_info("%s %u - cpu %u: %s\n", ok ? "ok" : "not ok", total_tests,
		cpu, what);
}

struct layout {
	size_t size;
	size_t count;
};

static const struct layout layouts[] __initconst = {
	{ 16, 130816 }, { 64, 32704 }, { 128, 16352 }, { 1024, 2044 },
	{ 65536, 31 },
};

static void __init test_layout(void)
{
	unsigned int i, cpu;

	for (i = 0; i < ARRAY_SIZE(layouts); i++) {
		struct ffma_pcpu *pc = ffma_pcpu_create(layouts[i].size);
		bool ok;

		for_each_online_cpu(cpu) {
			struct ffma *f = pc ? ffma_pcpu_of(pc, cpu) : NULL;

			ok = f && ffma_object_size(f) == layouts[i].size &&
			     ffma_objects_per_slice(f) == layouts[i].count &&
			     ffma_data_offset(f) == FFMA_PAGE_SIZE;
			check(ok, "objects per slice and data offset", cpu);
		}
		ffma_pcpu_destroy(pc);
	}
}

struct slices_job {
	struct ffma_pcpu *pc;
	void **obj;
	size_t n;
};

/* Bound to one CPU: objects over several slices, freed on the same CPU. */
static long __init slices_on(void *arg)
{
	struct slices_job *job = arg;
	size_t i, bad = 0;

	for (i = 0; i < job->n; i++) {
		job->obj[i] = ffma_pcpu_alloc(job->pc, GFP_KERNEL);
		if (!job->obj[i])
			return -ENOMEM;
		memset(job->obj[i], (int)i, 1024);
	}
	for (i = 0; i < job->n; i++) {
		if (((unsigned char *)job->obj[i])[1023] != (unsigned char)i)
			bad++;
		ffma_pcpu_free(job->obj[i]);
	}
	return bad ? -EIO : 0;
}

static void __init test_slices(void)
{
	struct slices_job job = { .n = 3 * 2044 + 5 };
	unsigned int cpu;

	job.pc = ffma_pcpu_create(1024);
	job.obj = kvmalloc_array(job.n, sizeof(*job.obj), GFP_KERNEL);
	if (!job.pc || !job.obj) {
		check(false, "slices: setup", 0);
		goto out;
	}
	for_each_online_cpu(cpu) {
		struct ffma *f = ffma_pcpu_of(job.pc, cpu);
		long ret = work_on_cpu(cpu, slices_on, &job);

		check(!ret, "4 slices of 1024-byte objects, contents kept",
		      cpu);
		check(ffma_objects_inuse(f) == 0 && ffma_slices_inuse(f) == 1,
		      "all freed: no object in use, one slice kept", cpu);
		/* CPUs of one node share its cache: at least these three. */
		check(ffma_cached_slices() >= 3,
		      "three emptied slices back in the cache", cpu);
	}
out:
	kvfree(job.obj);
	ffma_pcpu_destroy(job.pc);
}

struct xjob {
	struct ffma_pcpu *pc;
	u64 *obj[XOBJECTS];
	unsigned int owner;
	size_t bad;
	struct completion done;
};

static u64 __init xword(unsigned int owner, size_t i, unsigned int k)
{
	return ((u64)owner << 48) ^ ((u64)i << 8) ^ k;
}

static int __init xalloc_fn(void *arg)
{
	struct xjob *job = arg;
	size_t i;
	unsigned int k;

	for (i = 0; i < XOBJECTS; i++) {
		job->obj[i] = ffma_pcpu_alloc(job->pc, GFP_KERNEL);
		if (!job->obj[i]) {
			job->bad++;
			continue;
		}
		for (k = 0; k < 8; k++)
			job->obj[i][k] = xword(job->owner, i, k);
	}
	complete(&job->done);
	return 0;
}

static int __init xfree_fn(void *arg)
{
	struct xjob *job = arg;
	size_t i;
	unsigned int k;

	for (i = 0; i < XOBJECTS; i++) {
		if (!job->obj[i])
			continue;
		for (k = 0; k < 8; k++)
			if (job->obj[i][k] != xword(job->owner, i, k)) {
				job->bad++;
				break;
			}
		ffma_pcpu_free(job->obj[i]);
	}
	complete(&job->done);
	return 0;
}

/* Run @fn for each job in a kthread bound to @cpu_of(job), wait for all. */
static bool __init xrun(struct xjob **jobs, unsigned int n,
			int (*fn)(void *), unsigned int shift)
{
	unsigned int i;
	bool ok = true;

	for (i = 0; i < n; i++) {
		struct task_struct *t = kthread_create(fn, jobs[i], "ffma_test");

		reinit_completion(&jobs[i]->done);
		if (IS_ERR(t)) {
			ok = false;
			complete(&jobs[i]->done);
			continue;
		}
		kthread_bind(t, cpumask_nth((i + shift) % n, cpu_online_mask));
		wake_up_process(t);
	}
	for (i = 0; i < n; i++)
		wait_for_completion(&jobs[i]->done);
	return ok;
}

static void __init test_cross_cpu(void)
{
	unsigned int n = num_online_cpus(), i, cpu;
	struct ffma_pcpu *pc = ffma_pcpu_create(64);
	struct xjob **jobs = kcalloc(n, sizeof(*jobs), GFP_KERNEL);
	bool ok = pc && jobs;

	for (i = 0; ok && i < n; i++) {
		jobs[i] = kvzalloc(sizeof(*jobs[i]), GFP_KERNEL);
		if (!jobs[i]) {
			ok = false;
			break;
		}
		jobs[i]->pc = pc;
		jobs[i]->owner = cpumask_nth(i, cpu_online_mask);
		init_completion(&jobs[i]->done);
	}
	if (!ok) {
		check(false, "cross-cpu: setup", 0);
		goto out;
	}
	/* Job i allocates on CPU i, then is freed on CPU i + 1. */
	ok = xrun(jobs, n, xalloc_fn, 0) && xrun(jobs, n, xfree_fn, 1);
	check(ok, "cross-cpu: kthreads bound to each CPU ran", 0);
	ffma_pcpu_collect(pc);
	for (i = 0; i < n; i++) {
		struct ffma *f;

		cpu = jobs[i]->owner;
		f = ffma_pcpu_of(pc, cpu);
		check(!jobs[i]->bad,
		      "cross-cpu: 20000 objects checked word by word", cpu);
		check(ffma_objects_inuse(f) == 0 && ffma_slices_inuse(f) == 1,
		      "cross-cpu: owner took every remote free back", cpu);
	}
out:
	for (i = 0; jobs && i < n; i++)
		kvfree(jobs[i]);
	kfree(jobs);
	ffma_pcpu_destroy(pc);
}

static long __init classes_on(void *arg)
{
	static const size_t sizes[] __initconst = { 1, 16, 17, 100, 1024,
						    4097, 65536 };
	static const size_t usable[] __initconst = { 16, 16, 32, 128, 1024,
						     8192, 65536 };
	unsigned char *p, *q;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = ffma_mem_alloc_zero(sizes[i]);
		if (!p || ffma_usable_size(p) != usable[i] || p[sizes[i] - 1])
			return -EINVAL;
		ffma_mem_free(p);
	}
	/* Above FFMA_MEM_MAX: kvmalloc(), kmalloc-backed then vmalloc. */
	for (i = 0; i < 2; i++) {
		size_t big = i ? 8 << 20 : FFMA_MEM_MAX + 1;

		p = ffma_mem_alloc(big);
		if (!p || is_vmalloc_addr(p) != !!i)
			return -ENOMEM;
		memset(p, 0x5a, big);
		if (p[big - 1] != 0x5a)
			return -EINVAL;
		ffma_mem_free(p);
	}
	p = ffma_mem_alloc(40);
	if (!p)
		return -ENOMEM;
	memset(p, 0x3c, 40);
	q = ffma_mem_realloc(p, 64);
	if (q != p)
		return -EINVAL;
	p = ffma_mem_realloc(q, 3000);
	if (!p || ffma_usable_size(p) != 4096 || p[0] != 0x3c || p[39] != 0x3c)
		return -EINVAL;
	ffma_mem_free(p);
	return 0;
}

static void __init test_classes(void)
{
	unsigned int cpu;

	if (ffma_mem_init()) {
		check(false, "size classes: setup", 0);
		return;
	}
	for_each_online_cpu(cpu)
		check(!work_on_cpu(cpu, classes_on, NULL),
		      "size classes: sizes, zeroing, realloc, kvmalloc above 64 KiB",
		      cpu);
	ffma_mem_exit();
}

/* 64 KiB objects: 31 a slice; two full slices, the first freed in irq. */
#define IRQ_OBJECTS	62

struct irq_job {
	struct ffma_pcpu *pc;
	struct irq_work work;
	void *obj[IRQ_OBJECTS];
	bool hardirq;
};

static void __init irq_free_fn(struct irq_work *work)
{
	struct irq_job *job = container_of(work, struct irq_job, work);
	unsigned int i;

	job->hardirq = in_hardirq() && irqs_disabled();
	for (i = 0; i < IRQ_OBJECTS / 2; i++)
		ffma_pcpu_free(job->obj[i]);
}

static long __init irq_on(void *arg)
{
	struct irq_job *job = arg;
	struct ffma *f = ffma_pcpu_of(job->pc, raw_smp_processor_id());
	unsigned int i;

	for (i = 0; i < IRQ_OBJECTS; i++) {
		job->obj[i] = ffma_pcpu_alloc(job->pc, GFP_KERNEL);
		if (!job->obj[i])
			return -ENOMEM;
	}
	if (ffma_slices_inuse(f) != 2)
		return -EINVAL;
	init_irq_work(&job->work, irq_free_fn);
	irq_work_queue(&job->work);
	irq_work_sync(&job->work);
	if (!job->hardirq || ffma_slices_inuse(f) != 1 ||
	    ffma_objects_inuse(f) != IRQ_OBJECTS / 2)
		return -EIO;
	for (i = IRQ_OBJECTS / 2; i < IRQ_OBJECTS; i++)
		ffma_pcpu_free(job->obj[i]);
	return ffma_objects_inuse(f) ? -EIO : 0;
}

static void __init test_irq(void)
{
	struct irq_job *job = kzalloc(sizeof(*job), GFP_KERNEL);
	unsigned int cpu;

	job->pc = job ? ffma_pcpu_create(65536) : NULL;
	if (!job || !job->pc) {
		check(false, "irq: setup", 0);
		goto out;
	}
	for_each_online_cpu(cpu)
		check(!work_on_cpu(cpu, irq_on, job),
		      "frees in hard irq empty a slice into the cache", cpu);
	ffma_pcpu_destroy(job->pc);
out:
	kfree(job);
}

static void __init test_shrink(void)
{
	struct slices_job job = { .n = 3 * 2044 + 5 };
	unsigned long pages;
	size_t cached;

	job.pc = ffma_pcpu_create(1024);
	job.obj = kvmalloc_array(job.n, sizeof(*job.obj), GFP_KERNEL);
	if (!job.pc || !job.obj ||
	    work_on_cpu(cpumask_first(cpu_online_mask), slices_on, &job)) {
		check(false, "shrinker: setup", 0);
		goto out;
	}
	cached = ffma_cached_slices();
	pages = ffma_pages_shrink();
	check(cached >= 3 && ffma_cached_slices() == 0 &&
	      pages >= cached * (FFMA_SLICE_SIZE / PAGE_SIZE),
	      "shrinker scan frees every cached slice", 0);
out:
	kvfree(job.obj);
	ffma_pcpu_destroy(job.pc);
}

#define HP_OBJECTS	1000
static void *hp_obj[HP_OBJECTS] __initdata;

static long __init hp_alloc_on(void *arg)
{
	struct ffma_pcpu *pc = arg;
	unsigned int i;

	for (i = 0; i < HP_OBJECTS; i++) {
		hp_obj[i] = ffma_pcpu_alloc(pc, GFP_KERNEL);
		if (!hp_obj[i])
			return -ENOMEM;
	}
	return 0;
}

static long __init hp_free_on(void *arg)
{
	unsigned int i;

	for (i = 0; i < HP_OBJECTS; i++)
		ffma_pcpu_free(hp_obj[i]);
	return 0;
}

/* CPU 1 goes offline and comes back, twice: with objects freed while
 * it is away (collected by another CPU), then with objects kept.
 */
static void __init test_hotplug(void)
{
	struct ffma_pcpu *pc = ffma_pcpu_create(64), *late = NULL;
	struct ffma *f;
	bool ok;

	if (num_online_cpus() < 2 || !cpu_online(1)) {
		pr_info("# SKIP hotplug: no CPU 1 online\n");
		goto out;
	}
	ok = pc && !work_on_cpu(1, hp_alloc_on, pc);
	f = ok ? ffma_pcpu_of(pc, 1) : NULL;
	ok = ok && !remove_cpu(1);
	check(ok && ffma_pcpu_of(pc, 1) == f && ffma_objects_inuse(f) ==
	      HP_OBJECTS, "hotplug: offline CPU keeps its objects", 1);
	if (!ok)
		goto out;
	hp_free_on(NULL);
	ffma_pcpu_collect(pc);
	check(!ffma_pcpu_of(pc, 1),
	      "hotplug: offline CPU's remote frees collected, emptied", 1);
	late = ffma_pcpu_create(128);
	check(late && !ffma_pcpu_of(late, 1),
	      "hotplug: created while CPU 1 is offline", 1);
	ok = !add_cpu(1);
	check(ok && ffma_pcpu_of(pc, 1) && late && ffma_pcpu_of(late, 1),
	      "hotplug: CPU 1 back online gets allocators", 1);
	if (!ok)
		goto out;
	ok = !work_on_cpu(1, hp_alloc_on, late);
	f = ffma_pcpu_of(late, 1);
	ok = ok && !remove_cpu(1) && !add_cpu(1);
	check(ok && ffma_pcpu_of(late, 1) == f &&
	      !work_on_cpu(1, hp_free_on, NULL) && ffma_objects_inuse(f) == 0,
	      "hotplug: CPU back online adopts its allocator, frees locally",
	      1);
out:
	ffma_pcpu_destroy(late);
	ffma_pcpu_destroy(pc);
}

/*
 * The kernel bench: ffma_pcpu against kmem_cache_alloc()/kmem_cache_free()
 * and, for bursts, kmem_cache_alloc_bulk()/kmem_cache_free_bulk(), all in
 * this module on the CPU it runs on. Each round runs every peer once, the
 * order rotating by one each round; each run prints
 * "rec<TAB>CASE<TAB>ROUND<TAB>PEER<TAB>OPS/S" (an op: one alloc and its
 * free) for bench/table.awk (make bench-ffma-kernel).
 */
#define BENCH_ROUNDS	5
#define BENCH_BURST	4096
#define BENCH_BURSTS	40

enum bench_peer { BP_FFMA, BP_KMEM, BP_BULK, BP_PEERS };

static const char * const bench_names[BP_PEERS] __initconst = {
	"ffma_pcpu", "kmem_cache", "kmem_cache_bulk",
};

static void *bench_obj[BENCH_BURST] __initdata;

/* Alloc+free pairs, or bursts of BENCH_BURST; ns for @ops, 0 on failure. */
static u64 __init bench_run(enum bench_peer peer, bool burst,
			    struct ffma_pcpu *pc, struct kmem_cache *kc,
			    long ops)
{
	u64 t0 = ktime_get_ns();
	long i, j;

	if (!burst) {
		for (i = 0; i < ops; i++) {
			char *p = peer == BP_FFMA ? ffma_pcpu_alloc(pc, GFP_KERNEL)
						  : kmem_cache_alloc(kc,
								     GFP_KERNEL);

			if (!p)
				return 0;
			*p = (char)i;
			if (peer == BP_FFMA)
				ffma_pcpu_free(p);
			else
				kmem_cache_free(kc, p);
		}
		return ktime_get_ns() - t0;
	}
	for (i = 0; i < ops / BENCH_BURST; i++) {
		if (peer == BP_BULK) {
			if (kmem_cache_alloc_bulk(kc, GFP_KERNEL, BENCH_BURST,
						  bench_obj) != BENCH_BURST)
				return 0;
			for (j = 0; j < BENCH_BURST; j++)
				*(char *)bench_obj[j] = (char)j;
			kmem_cache_free_bulk(kc, BENCH_BURST, bench_obj);
			continue;
		}
		for (j = 0; j < BENCH_BURST; j++) {
			bench_obj[j] = peer == BP_FFMA ?
				ffma_pcpu_alloc(pc, GFP_KERNEL) :
				kmem_cache_alloc(kc, GFP_KERNEL);
			if (!bench_obj[j])
				return 0;
			*(char *)bench_obj[j] = (char)j;
		}
		for (j = 0; j < BENCH_BURST; j++) {
			if (peer == BP_FFMA)
				ffma_pcpu_free(bench_obj[j]);
			else
				kmem_cache_free(kc, bench_obj[j]);
		}
	}
	return ktime_get_ns() - t0;
}

static void __init bench_case(size_t size, bool burst)
{
	struct kmem_cache *kc = kmem_cache_create("ffma_bench", size, 0, 0,
						  NULL);
	struct ffma_pcpu *pc = ffma_pcpu_create(size);
	unsigned int npeers = burst ? BP_PEERS : BP_BULK, r, k;
	long ops = BENCH_BURST * BENCH_BURSTS;

	if (!kc || !pc)
		goto out;
	/* Warm-up: slices and slabs in place before the first round. */
	for (k = 0; k < npeers; k++)
		bench_run(k, true, pc, kc, BENCH_BURST);
	for (r = 0; r < BENCH_ROUNDS; r++) {
		for (k = 0; k < npeers; k++) {
			enum bench_peer peer = (r + k) % npeers;
			u64 ns = bench_run(peer, burst, pc, kc, ops);

			pr_info("rec\t%s %zu B\t%u\t%s\t%llu\n",
				burst ? "burst 4096" : "pair", size, r,
				bench_names[peer],
				ns ? div64_u64((u64)ops * NSEC_PER_SEC, ns) : 0);
		}
	}
out:
	ffma_pcpu_destroy(pc);
	kmem_cache_destroy(kc);
}

static void __init bench(void)
{
	static const size_t sizes[] __initconst = { 64, 1024 };
	unsigned int i;

	pr_info("note\tffma_test.ko in the VM (qemu TCG, 2 vCPUs), million ops/s (an alloc and its free), %u interleaved rounds, rotating order\n",
		BENCH_ROUNDS);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		bench_case(sizes[i], false);
		bench_case(sizes[i], true);
	}
}

static void __init selftest(void)
{
	test_layout();
	test_slices();
	test_cross_cpu();
	test_classes();
	test_irq();
	test_shrink();
	test_hotplug();
	bench();
	ffma_pages_drain();
	check(ffma_cached_slices() == 0,
	      "every cached slice freed before unload", raw_smp_processor_id());
}

KSTM_MODULE_LOADERS(ffma_test);
MODULE_DESCRIPTION("In-kernel tests of the ffma allocator core");
MODULE_LICENSE("GPL");
