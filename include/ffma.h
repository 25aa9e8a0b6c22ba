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

/**
 * struct ffma_fast - the start of every allocator, as the inline
 * ffma_alloc() of this header reads it (inline ABI version 1).
 * @cur: the current slice, a struct ffma_slice_fast.
 * @budget: allocations left before the owner looks at its remote frees;
 *          the inline path takes only what leaves at least one.
 * @size: bytes per object.
 * @parked: objects in use in the allocator's slices other than @cur.
 *
 * The rest of struct ffma is private. Owner-only words: the inline paths
 * run in the owner, like the functions they stand for.
 */
struct ffma_fast {
	struct well_atomic cur;
	struct well_atomic budget;
	size_t size;
	struct well_atomic parked;
};

/**
 * struct ffma_slice_fast - the start of every slice, as the inline
 * ffma_alloc() and ffma_free() of this header read it (inline ABI
 * version 1).
 * @owner: the allocator holding the slice (a struct ffma_fast).
 * @self: the owner's thread token (well_token): a freer with this token
 *        owns the object.
 * @key: the key of the free-list link encoding.
 * @free: the most recently freed object; its first word holds the link
 *        to the next, stored as next ^ @key ^ the object's address.
 * @bump: objects from here on were never handed out since the slice was
 *        taken or emptied.
 * @end: the end of the last object.
 * @inuse: objects in use, less the inline path's allocations since the
 *         library last counted them (see @budget): a free that would
 *         bring it to zero calls the library.
 * @stack: NULL when free objects are linked through @free; else (large
 *         objects) @free is the one object freed last (no link in it) and
 *         the stack holds the indices of the others, the most recently
 *         freed at @nfree - 1.
 * @data: the first object; object i is at @data + i * the object size.
 * @nfree: indices on @stack.
 * @cap: objects in the slice: room on @stack, and the bound of an index.
 * @inv: 2^32 / the object size, rounded up: an object's index is its
 *       offset from @data times @inv, shifted right by 32.
 * @is_cur: whether the slice is its allocator's current slice.
 * @fast: whether the inline paths may use the slice at all: set only by
 *        a library whose ffma_alloc() and ffma_free() do exactly what
 *        they do. A debug build, or a later library with another layout,
 *        leaves it false so that every call goes to the library.
 *
 * The rest of the slice header is private.
 */
struct ffma_slice_fast {
	void *owner;
	struct well_atomic self;
	uintptr_t key;

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
};

/*
 * FFMA_INLINE is 1 when this header compiles the fast paths of
 * ffma_alloc() and ffma_free() into the caller (user space, release
 * builds): then the two names are macros for ffma_inline_alloc() and
 * ffma_inline_free(), which call the library's functions, still
 * exported under their own names, for everything but the common case.
 * Never in the kernel, under ASan, TSan, MSan or valgrind's client
 * requests (WELL_VALGRIND), which must see every allocation the library
 * makes, or with FFMA_NO_INLINE defined.
 */
#if !defined(__KERNEL__) && !defined(FFMA_NO_INLINE) && \
	!defined(FFMA_DEBUG) && !defined(FFMA_NO_HARDEN) && \
	!defined(WELL_VALGRIND) && !defined(__SANITIZE_ADDRESS__) && \
	!defined(__SANITIZE_THREAD__)
#if defined(__has_feature)
#if !__has_feature(address_sanitizer) && !__has_feature(thread_sanitizer) && \
	!__has_feature(memory_sanitizer)
#define FFMA_INLINE		1
#endif
#else
#define FFMA_INLINE		1
#endif
#endif
#ifndef FFMA_INLINE
#define FFMA_INLINE		0
#endif

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

#if FFMA_INLINE
/* The calling thread's owner token (libwell.so, inline ABI version 1). */
extern __thread uintptr_t well_token
	__attribute__((__tls_model__("initial-exec")));

/*
 * A free-list link: a word that may sit in an object of any type. The two
 * functions below are always inlined: that is their point, and gcc would
 * otherwise keep ffma_inline_free() out of line in loops.
 */
typedef uintptr_t __attribute__((__may_alias__)) ffma_link_word;

/**
 * ffma_inline_alloc() - ffma_alloc(), its common case compiled inline.
 * @ffma: an allocator the calling thread owns.
 *
 * Pops the current slice's free list (or index stack) or bumps its
 * pointer, counting the allocation in @budget; anything else (no current
 * slice, budget spent, slice exhausted, a link that leaves its slice, an
 * index past its objects) is the library's ffma_alloc().
 *
 * Return: as ffma_alloc().
 */
static inline __attribute__((__always_inline__))
void *ffma_inline_alloc(struct ffma *ffma)
{
	struct ffma_fast *f = (struct ffma_fast *)(void *)ffma;
	struct ffma_slice_fast *s =
		(struct ffma_slice_fast *)well_load_relaxed(&f->cur);
	size_t budget = well_load_relaxed(&f->budget);
	char *p;

	if (__builtin_expect(!s->fast || budget <= 1, 0))
		return (ffma_alloc)(ffma);
	p = s->free;
	if (p && s->stack) {
		s->free = NULL;
	} else if (p) {
		uintptr_t next = *(ffma_link_word *)p ^ s->key ^ (uintptr_t)p;

		/* A link out of its slice: the library reports it. */
		if (__builtin_expect((next ^ (uintptr_t)p) >>
				     FFMA_SLICE_SHIFT && next, 0))
			return (ffma_alloc)(ffma);
		s->free = (char *)next;
	} else if (s->nfree) {
		uint32_t n = s->nfree - 1;
		uint16_t idx = s->stack[n];

		if (__builtin_expect(idx >= s->cap, 0))
			return (ffma_alloc)(ffma);
		s->nfree = n;
		p = s->data + (size_t)idx * f->size;
	} else if (__builtin_expect(s->bump != s->end, 1)) {
		p = s->bump;
		s->bump = p + f->size;
	} else {
		return (ffma_alloc)(ffma);
	}
	/* Only the owner writes it; metric readers take a snapshot. */
	well_store_relaxed(&f->budget, budget - 1);
	return p;
}

/**
 * ffma_inline_free() - ffma_free(), its common case compiled inline.
 * @ptr: as for ffma_free().
 *
 * The owner's free pushes @ptr (or its index) on its slice's free list,
 * and counts it in @parked when that is not the current slice; anything
 * else (NULL, another thread's object, a large block, a full slice
 * getting its first free object, a slice's count reaching zero, a full
 * index stack) is the library's ffma_free().
 */
static inline __attribute__((__always_inline__))
void ffma_inline_free(void *ptr)
{
	struct ffma_slice_fast *s = (struct ffma_slice_fast *)
		((uintptr_t)ptr & ~(FFMA_SLICE_SIZE - 1));
	char *head;
	size_t n;

	/* The owner's token: a plain word, no data handed over by it. */
	if (__builtin_expect(!ptr || well_load_relaxed(&s->self) != well_token ||
			     !s->fast, 0)) {
		(ffma_free)(ptr);
		return;
	}
	n = well_load_relaxed(&s->inuse) - 1;
	head = s->free;
	if (s->stack) {
		uint32_t k = s->nfree;

		/*
		 * Empty now, a full slice that gets a free object (lists
		 * change), or no room (a double free): the library.
		 */
		if (__builtin_expect(!n || (head ? k + 1 >= s->cap :
					    !k && !s->is_cur), 0)) {
			(ffma_free)(ptr);
			return;
		}
		/* @free holds the last object freed, the stack the rest. */
		if (head) {
			s->stack[k] = (uint16_t)(((uint64_t)(head - s->data) *
						  s->inv) >> 32);
			s->nfree = k + 1;
		}
		s->free = (char *)ptr;
	} else {
		/* Empty now, or a full slice getting a free object. */
		if (__builtin_expect(!n || (!head && !s->is_cur), 0)) {
			(ffma_free)(ptr);
			return;
		}
		*(ffma_link_word *)ptr = (uintptr_t)head ^ s->key ^
					 (uintptr_t)ptr;
		s->free = (char *)ptr;
	}
	well_store_relaxed(&s->inuse, n);
	if (!s->is_cur) {
		struct ffma_fast *f = (struct ffma_fast *)s->owner;

		/* Only the owner writes it; metric readers take a snapshot. */
		well_store_relaxed(&f->parked,
				   well_load_relaxed(&f->parked) - 1);
	}
}

#define ffma_alloc(ffma)	ffma_inline_alloc(ffma)
#define ffma_free(ptr)		ffma_inline_free(ptr)
#endif /* FFMA_INLINE */

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
