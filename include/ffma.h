/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ffma.h - a fast slab allocator for fixed-size objects.
 *
 * An allocator (struct ffma) hands out objects of one size from slices:
 * 2 MiB blocks aligned to their size (a huge page where one is to be had).
 * A slice starts with its header; the objects follow, from a page-aligned
 * offset. The slice of any object is its address with the low 21 bits
 * cleared.
 *
 * An allocator has one owner: the thread (user space) or CPU (kernel) that
 * created or adopted it. Only the owner calls ffma_alloc(); any thread may
 * call ffma_free(). Frees from other threads go onto a lock-free stack
 * that the owner takes back at least every 256 allocations and whenever
 * its current slice runs out. Slices that become empty go to a bounded
 * per-node cache shared by all allocators.
 *
 * Documentation/ffma/design.rst describes the layout and the orderings.
 */
#ifndef FFMA_H
#define FFMA_H

#include "well/atomic.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FFMA_SLICE_SHIFT	21
#define FFMA_SLICE_SIZE		((size_t)1 << FFMA_SLICE_SHIFT)
/* Objects start on this boundary inside a slice. */
#define FFMA_PAGE_SIZE		((size_t)4096)
/* Smallest object, and the granule object sizes are rounded up to. */
#define FFMA_OBJECT_MIN		((size_t)16)
/* Largest object ffma_create() accepts: one per slice. */
#define FFMA_OBJECT_MAX		(FFMA_SLICE_SIZE / 2)
/*
 * Metadata bits per object outside the object: none. A free object holds
 * the free-list link in its first word; debug builds (FFMA_DEBUG) add one
 * in-use bit per object after the slice header.
 */
#ifdef FFMA_DEBUG
#define FFMA_META_BITS		1
#else
#define FFMA_META_BITS		0
#endif
/*
 * Empty slices each node's cache keeps: its recent peak of slices in use,
 * at least FFMA_CACHE_SLICES and at most FFMA_CACHE_MAX; back to the floor
 * after a second without use (Documentation/ffma/design.rst).
 */
#define FFMA_CACHE_SLICES	32
#define FFMA_CACHE_MAX		256
/* Nodes with a cache of their own; higher node ids share them modulo. */
#define FFMA_NODES		8

struct ffma;

struct ffma *ffma_create(size_t object_size);
void ffma_destroy(struct ffma *ffma);
void *ffma_alloc(struct ffma *ffma);
void ffma_free(void *ptr);
void ffma_collect(struct ffma *ffma);
bool ffma_disown(struct ffma *ffma);
bool ffma_adopt(struct ffma *ffma);

size_t ffma_object_size(const struct ffma *ffma);
size_t ffma_objects_per_slice(const struct ffma *ffma);
size_t ffma_data_offset(const struct ffma *ffma);
size_t ffma_objects_inuse(const struct ffma *ffma);
size_t ffma_slices_inuse(const struct ffma *ffma);
size_t ffma_slice_objects_inuse(const void *ptr);
size_t ffma_usable_size(const void *ptr);
size_t ffma_cached_slices(void);
void ffma_cache_drain(void);
void ffma_cache_trim(void);

/*
 * Size classes: powers of two from FFMA_MEM_MIN to FFMA_MEM_MAX, one
 * allocator per class and thread (user space) or CPU (kernel). Larger
 * sizes are large blocks, each a mapping of its own in user space (freed
 * by ffma_mem_free() or ffma_free() like the others); the kernel fails
 * them for now.
 */
#define FFMA_MEM_MIN		((size_t)16)
#define FFMA_MEM_MAX		((size_t)65536)
#define FFMA_MEM_CLASSES	13

/**
 * ffma_mem_class() - the size class ffma_mem_alloc() serves @size from.
 * @size: bytes.
 *
 * Return: 0 up to 16 bytes, then one more per power of two: 12 for 64 KiB,
 * more for large blocks (above FFMA_MEM_MAX).
 */
static inline unsigned int ffma_mem_class(size_t size)
{
	if (size <= FFMA_MEM_MIN)
		return 0;
	return 8 * sizeof(long) - __builtin_clzl(size - 1) - 4;
}

/* Per thread or per CPU: user/ffma_thread.c and kmod/ffma_classes.c. */
void *ffma_mem_alloc(size_t size);
void ffma_mem_free(void *ptr);
/* On top of those two, the same everywhere: core/ffma_mem.c. */
void *ffma_mem_alloc_zero(size_t size);
void *ffma_mem_realloc(void *ptr, size_t size);
void ffma_mem_reclaim(void);

#ifdef __cplusplus
}
#endif

#endif /* FFMA_H */
