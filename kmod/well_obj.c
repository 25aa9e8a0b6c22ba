// SPDX-License-Identifier: GPL-2.0
/*
 * well_obj.c - the module's fixed-size objects from ffma.
 *
 * Each kind of object (struct well_ring, struct well_loadgen) has a per-CPU
 * ffma allocator (kmod/ffma_pcpu.c). An object comes from the running
 * CPU's allocator; when that has no slice and no 2 MiB page is to be had,
 * or on a CPU brought online after module load (it has no allocator), the
 * object comes from kzalloc() instead and the caller keeps the flag that
 * says so, for well_obj_free(). The module parameter ffma=N sends every
 * new object to kzalloc(): the fallback path, for tests.
 *
 * Contexts: objects are allocated in process context and freed in process
 * context (file release, WELL_IOC_STOP), on any CPU; ffma_pcpu_free()
 * accepts any context but NMI.
 *
 * Memory cgroups: kzalloc()ed objects are charged to the caller's memcg;
 * ffma objects are not. A slice holds objects of many rings, opened by
 * processes of any cgroup, and outlives all of them in ffma's cache:
 * charging its 2 MiB to whichever cgroup happened to take it first would
 * be wrong for everyone else and pin that cgroup after it is gone. The
 * big memory of a ring (data and control pages) stays charged.
 *
 * Slices are pages, which kmemleak neither tracks nor scans: each ffma
 * object is registered with it, so that the pointers a ring holds (to its
 * vmalloc()ed memory) are seen. KASAN does not watch ffma objects.
 *
 * Read-only parameters report the objects in use, for tests: after every
 * ring is closed, ffma_objects and slab_objects are 0.
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/kmemleak.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "ffma_port.h"
#include "ffma_pcpu.h"
#include "well_obj.h"

static bool use_ffma = true;
module_param_named(ffma, use_ffma, bool, 0644);
MODULE_PARM_DESC(ffma, "rings and producers from ffma (default Y) or kzalloc");

static struct ffma_pcpu *well_obj_pc[WELL_OBJ_KINDS];
static size_t well_obj_size[WELL_OBJ_KINDS];
static atomic_long_t well_obj_slab = ATOMIC_LONG_INIT(0);

/**
 * well_obj_init() - create the allocator of one kind of object.
 * @kind: the kind.
 * @size: bytes per object.
 *
 * Process context, at module load. Takes no slice yet.
 *
 * Return: 0 or -ENOMEM.
 */
int well_obj_init(enum well_obj_kind kind, size_t size)
{
	well_obj_size[kind] = size;
	well_obj_pc[kind] = ffma_pcpu_create(size);
	return well_obj_pc[kind] ? 0 : -ENOMEM;
}

/**
 * well_obj_exit() - destroy the allocators and give every slice back.
 *
 * At module unload (or a failed load): no object is in use any more.
 */
void well_obj_exit(void)
{
	unsigned int k;

	for (k = 0; k < WELL_OBJ_KINDS; k++) {
		ffma_pcpu_destroy(well_obj_pc[k]);
		well_obj_pc[k] = NULL;
	}
	ffma_pages_drain();
}

/**
 * well_obj_alloc() - a zeroed object of one kind.
 * @kind: the kind.
 * @slab: set to true when the object came from kzalloc().
 *
 * Process context; may sleep.
 *
 * Return: the object, or NULL without memory.
 */
void *well_obj_alloc(enum well_obj_kind kind, bool *slab)
{
	size_t size = well_obj_size[kind];
	void *obj = NULL;

	if (READ_ONCE(use_ffma))
		obj = ffma_pcpu_alloc(well_obj_pc[kind], GFP_KERNEL);
	*slab = !obj;
	if (obj) {
		memset(obj, 0, size);
		kmemleak_alloc(obj, size, 1, GFP_KERNEL);
		return obj;
	}
	obj = kzalloc(size, GFP_KERNEL_ACCOUNT);
	if (obj)
		atomic_long_inc(&well_obj_slab);
	return obj;
}

/**
 * well_obj_free() - free an object of well_obj_alloc(), on any CPU.
 * @kind: its kind.
 * @obj: the object.
 * @slab: the flag well_obj_alloc() set for it.
 */
void well_obj_free(enum well_obj_kind kind, void *obj, bool slab)
{
	if (!slab) {
		kmemleak_free(obj);
		ffma_pcpu_free(obj);
		return;
	}
	kfree(obj);
	atomic_long_dec(&well_obj_slab);
}

/* Sum a metric over every kind and online CPU, remote frees taken back. */
static size_t well_obj_sum(size_t (*metric)(const struct ffma *ffma))
{
	unsigned int cpu, k;
	size_t sum = 0;

	for (k = 0; k < WELL_OBJ_KINDS; k++) {
		if (!well_obj_pc[k])
			continue;
		ffma_pcpu_collect(well_obj_pc[k]);
		for_each_online_cpu(cpu) {
			struct ffma *ffma = ffma_pcpu_of(well_obj_pc[k], cpu);

			if (ffma)
				sum += metric(ffma);
		}
	}
	return sum;
}

static int well_obj_get_objects(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%zu\n", well_obj_sum(ffma_objects_inuse));
}

static int well_obj_get_slices(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%zu\n", well_obj_sum(ffma_slices_inuse));
}

static int well_obj_get_slab(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&well_obj_slab));
}

static const struct kernel_param_ops well_obj_objects_ops = {
	.get = well_obj_get_objects,
};

static const struct kernel_param_ops well_obj_slices_ops = {
	.get = well_obj_get_slices,
};

static const struct kernel_param_ops well_obj_slab_ops = {
	.get = well_obj_get_slab,
};

module_param_cb(ffma_objects, &well_obj_objects_ops, NULL, 0400);
MODULE_PARM_DESC(ffma_objects, "ffma objects in use (read-only)");
module_param_cb(ffma_slices, &well_obj_slices_ops, NULL, 0400);
MODULE_PARM_DESC(ffma_slices, "ffma slices held (read-only)");
module_param_cb(slab_objects, &well_obj_slab_ops, NULL, 0400);
MODULE_PARM_DESC(slab_objects, "kzalloc fallback objects in use (read-only)");
