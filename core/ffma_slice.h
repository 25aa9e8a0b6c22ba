/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ffma_slice.h - the header at the start of every ffma slice, and the
 * per-node cache of empty slices. Private to core/ffma*.c.
 */
#ifndef FFMA_SLICE_H
#define FFMA_SLICE_H

#include "ffma.h"
#include "port.h"

/**
 * struct ffma_slice - header of a slice, at its start.
 * @owner: allocator the slice belongs to; NULL while it sits in a cache.
 * @object_size: bytes per object, for ffma_usable_size().
 * @node: NUMA node the memory was asked from.
 * @prev: previous slice on the owner's partial or full list.
 * @next: next slice on that list.
 * @free: most recently freed object; each free object's first word links
 *        to the one freed before it, NULL ends the list.
 * @bump: objects from here on have never been handed out.
 * @end: end of the last object.
 * @inuse: objects of this slice in use (owner writes, anyone reads).
 * @used: debug builds (FFMA_DEBUG): one bit per object, set while in use.
 *
 * The first cache line is read by every thread that frees into the slice;
 * the second is written by the owner on each alloc and free.
 */
struct ffma_slice {
	struct ffma *owner;
	size_t object_size;
	int node;

	WELL_LINE_ALIGNED struct ffma_slice *prev;
	struct ffma_slice *next;
	char *free;
	char *bump;
	char *end;
	struct well_atomic inuse;

#ifdef FFMA_DEBUG
	WELL_LINE_ALIGNED uint64_t used[];
#endif
};

static inline struct ffma_slice *ffma_slice_of(const void *ptr)
{
	return (struct ffma_slice *)((uintptr_t)ptr & ~(FFMA_SLICE_SIZE - 1));
}

struct ffma_slice *ffma_slice_get(int node);
void ffma_slice_put(struct ffma_slice *slice);
bool ffma_slice_known(const struct ffma_slice *slice);
void ffma_cache_lock_all(void);
void ffma_cache_unlock_all(void);
void ffma_forget(struct ffma *ffma);

#endif /* FFMA_SLICE_H */
