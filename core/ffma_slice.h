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
 * @owner: allocator the slice belongs to; &ffma_large_owner for a large
 *         block (ffma_mem_alloc() above FFMA_MEM_MAX); NULL while the
 *         slice sits in a cache.
 * @self: token of the owner's thread (well_self()), FFMA_NOBODY while
 *        nobody owns the allocator: a freer that finds its own token here
 *        is the owner, with no need to look at the allocator.
 * @key: the allocator's key for free-list links (see ffma_link()).
 * @object_size: bytes per object, for ffma_usable_size().
 * @node: NUMA node the memory was asked from.
 * @free: most recently freed object; each free object's first word holds
 *        the (encoded) link to the one freed before it, NULL ends the list.
 * @bump: objects from here on have never been handed out.
 * @end: end of the last object; of the mapping for a large block.
 * @inuse: objects of this slice in use (owner writes, anyone reads).
 * @is_cur: whether the slice is its owner's current slice.
 * @prev: previous slice on the owner's partial or full list.
 * @next: next slice on that list.
 * @used: debug builds (FFMA_DEBUG): one bit per object, set while in use;
 *        changed atomically, by remote freers too.
 *
 * The first cache line is read by every thread that frees into the slice;
 * the second is the owner's, written on each alloc and free.
 */
struct ffma_slice {
	struct ffma *owner;
	struct well_atomic self;
	uintptr_t key;
	size_t object_size;
	int node;

	WELL_LINE_ALIGNED char *free;
	char *bump;
	char *end;
	struct well_atomic inuse;
	bool is_cur;
	struct ffma_slice *prev;
	struct ffma_slice *next;

#ifdef FFMA_DEBUG
	WELL_LINE_ALIGNED struct well_atomic used[];
#endif
};

/*
 * Slice token of an allocator nobody owns: not 0, which is the token of
 * every thread that never owned anything, and no thread's token.
 */
#define FFMA_NOBODY		((size_t)-1)

/* Bits per word of struct ffma_slice.used. */
#define FFMA_USED_BITS		(8 * sizeof(size_t))

/* The owner of every large block: no thread ever owns it. */
extern struct ffma ffma_large_owner;

static inline struct ffma_slice *ffma_slice_of(const void *ptr)
{
	return (struct ffma_slice *)((uintptr_t)ptr & ~(FFMA_SLICE_SIZE - 1));
}

struct ffma_slice *ffma_slice_get(int node);
void ffma_slice_put(struct ffma_slice *slice);
bool ffma_slice_known(const struct ffma_slice *slice);
void ffma_slice_register(struct ffma_slice *slice);
void ffma_slice_unregister(struct ffma_slice *slice);
void ffma_cache_lock_all(void);
void ffma_cache_unlock_all(void);
void ffma_forget(struct ffma *ffma);
void *ffma_large_wrap(void *map, size_t len, size_t size);

#endif /* FFMA_SLICE_H */
