/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ffma_slice.h - the header at the start of every ffma slice, and the
 * per-node cache of empty slices. Private to core/ffma*.c.
 */
#ifndef FFMA_SLICE_H
#define FFMA_SLICE_H

#include "ffma.h"

/*
 * Slot word of a free slot with no successor, and (FFMA_DEBUG) of a slot
 * in use.
 */
#define FFMA_NONE	((uint32_t)-1)
#define FFMA_INUSE	((uint32_t)-2)

/**
 * struct ffma_slice - header of a slice; the slot words follow it.
 * @owner: allocator the slice belongs to; NULL while it sits in a cache.
 * @object_size: bytes per object, for ffma_usable_size().
 * @node: NUMA node the memory was asked from.
 * @prev: previous slice on the owner's partial or full list.
 * @next: next slice on that list.
 * @free_head: most recently freed slot, FFMA_NONE when there is none.
 * @bump: slots from here on have never been handed out.
 * @inuse: objects of this slice in use (owner writes, anyone reads).
 * @slot: one word per object: the next free slot while the slot is free,
 *        FFMA_INUSE (debug builds) while it is in use.
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
	uint32_t free_head;
	uint32_t bump;
	struct well_atomic inuse;
	WELL_LINE_ALIGNED uint32_t slot[];
};

static inline struct ffma_slice *ffma_slice_of(const void *ptr)
{
	return (struct ffma_slice *)((uintptr_t)ptr & ~(FFMA_SLICE_SIZE - 1));
}

struct ffma_slice *ffma_slice_get(int node);
void ffma_slice_put(struct ffma_slice *slice);
bool ffma_slice_known(const struct ffma_slice *slice);

#endif /* FFMA_SLICE_H */
