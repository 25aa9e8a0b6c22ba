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
 * @stack: for large objects (a stack of 16-bit indices fits in the header
 *         page, see ffma_layout()), the free objects' indices, the most
 *         recently freed last, kept out of the objects so that a free does
 *         not touch the object's cache line; NULL otherwise (@free's list).
 *         With a stack, @free is the one object freed last (not linked,
 *         not on the stack), so alloc/free pairs never touch the stack.
 * @data: the first object.
 * @nfree: indices on @stack.
 * @cap: room on @stack: the objects per slice.
 * @inv: 2^32 / @object_size rounded up: an object's index is its offset
 *       from @data times @inv, shifted right by 32 (exact up to 2^32 /
 *       @object_size objects, far more than a slice holds).
 * @is_cur: whether the slice is its owner's current slice.
 * @fast: whether the inline fast paths of <ffma.h> may use the slice: true
 *        in a release build of the user-space library for every slice an
 *        allocator holds, always false otherwise (debug, FFMA_NO_HARDEN,
 *        kernel, large blocks).
 * @huge: whether huge pages were asked for (ffma_pages_hugepage()); kept
 *        while the slice is cached, cleared by a purge.
 * @discarded: whether the pages of the free objects went back to the
 *             system since @seen last changed (ffma_discard_idle()).
 * @prev: previous slice on the owner's partial or full list.
 * @next: next slice on that list.
 * @seen: @nfree + 1 at the owner's last look for idle free pages, 0 when
 *        the slice was not mostly empty then.
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
	uint16_t *stack;
	char *data;
	uint32_t nfree;
	uint32_t cap;
	uint32_t inv;
	bool is_cur;
	bool fast;
	bool huge;
	bool discarded;
	struct ffma_slice *prev;
	struct ffma_slice *next;
	uint32_t seen;

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

static inline struct ffma_slice *ffma_slice_of(const void *ptr)
{
	return (struct ffma_slice *)((uintptr_t)ptr & ~(FFMA_SLICE_SIZE - 1));
}

/* The owner of every large block: no thread ever owns it. */
extern struct ffma ffma_large_owner;
/* The current slice of an allocator that has none yet (core/ffma.c). */
extern struct ffma_slice ffma_no_slice;

/* Allocations between two looks at the remote stack, at most. */
#define FFMA_BUDGET	256
/**
 * struct ffma - an allocator of objects of one size.
 * @cur: slice the owner allocates from; &ffma_no_slice before the first.
 * @budget: allocations left before the next ffma_collect(). The fast
 *          path counts its allocations here only: ffma_alloc_slow() adds
 *          them to @cur's @inuse (@base - @budget of them).
 * @size: bytes per object, a multiple of FFMA_OBJECT_MIN.
 * @parked: objects in use in slices other than @cur.
 * @base: @budget when the fast path's allocations were last added to
 *        @cur's @inuse (FFMA_BUDGET after ffma_alloc_slow(), less when a
 *        free found @inuse at zero: ffma_free_parked()).
 * @key: random key of the free-list link encoding, copied into each slice.
 * @partial: slices other than @cur with free objects.
 * @full: slices other than @cur without free objects.
 * @slices: slices the allocator holds.
 * @data_off: offset of the first object in a slice, page-aligned.
 * @count: objects per slice.
 * @stack_off: offset of each slice's index stack (struct ffma_slice's
 *             @stack), 0 when the class links its free objects instead.
 * @inv: the slices' @inv.
 * @looked: ffma_now_ms() of the last look for idle free pages.
 * @self: owner token (well_self() of the owner), 0 while disowned; the
 *        slices carry a copy for freers.
 * @remote: stack of objects freed by other threads, linked through their
 *          first word (encoded as in the slices).
 *
 * The first line is the owner's (freers read the slice header, not this);
 * the second is written by other threads.
 */
struct ffma {
	struct well_atomic cur;
	struct well_atomic budget;
	size_t size;
	struct well_atomic parked;
	uintptr_t key;
	struct well_atomic base;
	struct ffma_slice *partial;
	struct ffma_slice *full;
	struct well_atomic slices;
	uint32_t data_off;
	uint32_t count;
	uint32_t stack_off;
	uint32_t inv;
	uint64_t looked;
	struct well_atomic self;

	WELL_LINE_ALIGNED struct well_atomic remote;
};

/*
 * The words <ffma.h>'s inline paths read are where it says (ABI 1; user
 * space only, and sparse does not place _Alignas members).
 */
#ifndef __KERNEL__
#define FFMA_FAST_AT(type, pub, f)					\
	WELL_STATIC_ASSERT(offsetof(type, f) == offsetof(pub, f) &&	\
			   sizeof(((type *)0)->f) == sizeof(((pub *)0)->f), \
			   "inline ABI: " #type "." #f)
FFMA_FAST_AT(struct ffma, struct ffma_fast, cur);
FFMA_FAST_AT(struct ffma, struct ffma_fast, budget);
FFMA_FAST_AT(struct ffma, struct ffma_fast, size);
FFMA_FAST_AT(struct ffma, struct ffma_fast, parked);
FFMA_FAST_AT(struct ffma_slice, struct ffma_slice_fast, owner);
FFMA_FAST_AT(struct ffma_slice, struct ffma_slice_fast, self);
FFMA_FAST_AT(struct ffma_slice, struct ffma_slice_fast, key);
FFMA_FAST_AT(struct ffma_slice, struct ffma_slice_fast, free);
FFMA_FAST_AT(struct ffma_slice, struct ffma_slice_fast, bump);
FFMA_FAST_AT(struct ffma_slice, struct ffma_slice_fast, end);
FFMA_FAST_AT(struct ffma_slice, struct ffma_slice_fast, inuse);
FFMA_FAST_AT(struct ffma_slice, struct ffma_slice_fast, stack);
FFMA_FAST_AT(struct ffma_slice, struct ffma_slice_fast, data);
FFMA_FAST_AT(struct ffma_slice, struct ffma_slice_fast, nfree);
FFMA_FAST_AT(struct ffma_slice, struct ffma_slice_fast, cap);
FFMA_FAST_AT(struct ffma_slice, struct ffma_slice_fast, inv);
FFMA_FAST_AT(struct ffma_slice, struct ffma_slice_fast, is_cur);
FFMA_FAST_AT(struct ffma_slice, struct ffma_slice_fast, fast);
#endif

static inline struct ffma_slice *ffma_cur(const struct ffma *ffma)
{
	/* Only the owner writes @cur; metric readers take a snapshot. */
	return (struct ffma_slice *)well_load_relaxed(&ffma->cur);
}

/*
 * A free-list link as stored at @where: @next XOR the key XOR @where, so
 * that the same link looks different in every object (hardened builds).
 */
static inline uintptr_t ffma_link(uintptr_t key, const void *where,
				  const void *next)
{
#ifdef FFMA_NO_HARDEN
	(void)key;
	(void)where;
	return (uintptr_t)next;
#else
	return (uintptr_t)next ^ key ^ (uintptr_t)where;
#endif
}

/* The link stored at @where, decoded. */
static inline char *ffma_next(uintptr_t key, const void *where)
{
	return (char *)ffma_link(key, where,
				 (const void *)*(const uintptr_t *)where);
}

void *ffma_alloc_slow(struct ffma *ffma);

/* The index on @s's stack of object @ptr. */
static inline uint16_t ffma_stack_index(const struct ffma_slice *s,
					const void *ptr)
{
	return (uint16_t)(((uint64_t)((const char *)ptr - s->data) * s->inv) >>
			  32);
}

/*
 * The most recently freed object on @s's index stack (@s->nfree > 0), or
 * NULL for an index past the objects (only a wild write into the header
 * makes one).
 */
static inline char *ffma_stack_pop(struct ffma_slice *s)
{
	uint32_t n = s->nfree - 1;
	uint16_t idx = s->stack[n];

	if (WELL_UNLIKELY(idx >= s->cap))
		return NULL;
	s->nfree = n;
	return s->data + (size_t)idx * s->object_size;
}

/* What the fast path does before it gives up: for direct slow calls. */
static inline void ffma_alloc_enter(struct ffma *ffma)
{
	well_store_relaxed(&ffma->budget,
			   well_load_relaxed(&ffma->budget) - 1);
}
void ffma_free_parked(struct ffma *ffma, struct ffma_slice *s, size_t n);
void ffma_free_other(struct ffma_slice *s, void *ptr);

/*
 * The fast paths of ffma_alloc() and ffma_free() (release builds), inline
 * here so that the size-class calls of each host (ffma_mem_alloc() and
 * ffma_mem_free()) make no call at all on them. @slow is what
 * ffma_alloc_fast() tail-calls off its fast path: ffma_alloc_slow(), or a
 * host's wrapper of it that also sets errno. ffma_alloc_slow() expects
 * @budget decremented for the allocation it makes (ffma_alloc_enter()).
 */
static inline void *ffma_alloc_fast(struct ffma *ffma,
				    void *(*slow)(struct ffma *ffma))
{
	struct ffma_slice *s = ffma_cur(ffma);
	size_t budget = well_load_relaxed(&ffma->budget) - 1;
	char *p;

	/* Only the owner writes it; metric readers take a snapshot. */
	well_store_relaxed(&ffma->budget, budget);
	if (WELL_UNLIKELY(!budget))
		return slow(ffma);
	p = s->free;
	if (p && s->stack) {
		/* The last object freed, held out of the stack. */
		s->free = NULL;
	} else if (p) {
		char *next = ffma_next(s->key, p);

#ifndef FFMA_NO_HARDEN
		/* A free list never leaves its slice. */
		if (WELL_UNLIKELY(((uintptr_t)next ^ (uintptr_t)p) >>
				  FFMA_SLICE_SHIFT && next))
			return slow(ffma);
#endif
		s->free = next;
	} else if (s->nfree) {
		p = ffma_stack_pop(s);
		if (WELL_UNLIKELY(!p))
			return slow(ffma);
	} else if (WELL_LIKELY(s->bump != s->end)) {
		p = s->bump;
		s->bump = p + ffma->size;
	} else {
		return slow(ffma);
	}
	/* Counted in @budget, added to @s->inuse by ffma_alloc_slow(). */
	return p;
}

static inline void *ffma_alloc_inline(struct ffma *ffma)
{
	return ffma_alloc_fast(ffma, ffma_alloc_slow);
}

/*
 * Free @ptr into @s; the caller owns @s (debug checks already done). A
 * slice other than the current one counts in @parked too, and changes
 * lists when it was full or becomes empty: ffma_free_parked(), which also
 * takes a current slice whose count reaches zero.
 */
static inline void ffma_free_local(struct ffma_slice *s, void *ptr)
{
	size_t n = well_load_relaxed(&s->inuse) - 1;
	bool had;

	if (s->stack) {
		char *head = s->free;
		uint32_t k = s->nfree;

		had = head || k;
		if (head) {
			/* Past @cap only by a double free: keep it whole. */
			if (WELL_UNLIKELY(k + 1 >= s->cap)) {
				ffma_report("ffma_free: double free", ptr);
				return;
			}
			s->stack[k] = ffma_stack_index(s, head);
			s->nfree = k + 1;
		}
		s->free = ptr;
	} else {
		char *head = s->free;

		had = head;
		*(uintptr_t *)ptr = ffma_link(s->key, ptr, head);
		s->free = ptr;
	}
	well_store_relaxed(&s->inuse, n);
	if (!s->is_cur) {
		/* Not full before (free objects), not empty now: @parked only. */
		if (WELL_LIKELY(had && n)) {
			struct well_atomic *parked = &s->owner->parked;

			/* Only the owner writes it; readers take snapshots. */
			well_store_relaxed(parked,
					   well_load_relaxed(parked) - 1);
			return;
		}
		ffma_free_parked(s->owner, s, n);
	} else if (WELL_UNLIKELY(!n)) {
		ffma_free_parked(s->owner, s, n);
	}
}

static inline void ffma_free_inline(void *ptr)
{
	struct ffma_slice *s = ffma_slice_of(ptr);

	if (WELL_UNLIKELY(!ptr))
		return;
	/* The owner's token: a plain word, no data handed over by it. */
	if (WELL_UNLIKELY(well_load_relaxed(&s->self) != well_self())) {
		ffma_free_other(s, ptr);
		return;
	}
	ffma_free_local(s, ptr);
}



struct ffma_slice *ffma_slice_get(int node, bool huge);
void ffma_slice_put(struct ffma_slice *slice);
bool ffma_slice_known(const struct ffma_slice *slice);
void ffma_slice_register(struct ffma_slice *slice);
void ffma_slice_unregister(struct ffma_slice *slice);
void ffma_cache_lock_all(void);
void ffma_cache_unlock_all(void);
void ffma_forget(struct ffma *ffma);
void *ffma_large_wrap(void *map, size_t len, size_t size);

#endif /* FFMA_SLICE_H */
