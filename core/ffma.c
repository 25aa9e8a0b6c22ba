// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma.c - fixed-size objects from 2 MiB slices.
 *
 * The owner allocates from its current slice: the most recently freed
 * object first (a LIFO list linked through the first word of each free
 * object), then objects never used (a bump pointer). Every FFMA_BUDGET
 * allocations, and whenever the current slice has nothing left, the owner
 * takes back the objects other threads freed (ffma_collect()), so remote
 * frees are reused within a bounded number of its operations however
 * well its fast path is fed. When the current slice is exhausted the
 * owner moves on to a slice with free objects (the partial list), then to
 * an empty slice from the cache. Slices without free objects wait on the
 * full list; a slice that becomes empty, other than the current one, goes
 * back to the cache.
 *
 * A freer tells whether it owns the object from the slice header alone:
 * the owner's token is copied into every slice it holds (@self), so the
 * local free touches the object and the slice header and nothing else.
 *
 * Free-list links are stored encoded (ffma_link()): XORed with a random
 * key of the allocator and with the address they are stored at, as SLUB's
 * CONFIG_SLAB_FREELIST_HARDENED does. A stray write into a free object
 * then decodes to an address outside the slice, which the owner checks
 * before following it; a forged link needs the key. FFMA_NO_HARDEN turns
 * both off (Documentation/ffma/design.rst has the measured cost).
 *
 * Orderings (Documentation/ffma/design.rst has the full table):
 *   R5  a thread freeing an object it does not own links it onto the
 *       owner's @remote stack with a CAS (release), after its last access
 *       to the object.
 *   A5  the owner takes the whole stack with a CAS (acquire) before it
 *       reads the links and hands the objects out again. R5 -> A5 orders
 *       the freer's accesses before the next user's.
 *   R6/A6  ffma_disown() stores @self = 0 with release; ffma_adopt() takes
 *       it with a CAS (acquire), so the adopter sees the lists the old
 *       owner left, and only one adopter wins.
 */
/* This file defines ffma_alloc() and ffma_free(): not <ffma.h>'s macros. */
#define FFMA_NO_INLINE
#include "ffma_slice.h"

/* What debug and hardened checks report (ffma_report()). */
#define FFMA_BAD_LIST	"ffma_alloc: free list corrupted (write after free?)"
#define FFMA_BAD_REMOTE	\
	"ffma_collect: remote free list corrupted (write after free?)"
#define FFMA_FOREIGN	"ffma_free: pointer not from ffma"
#define FFMA_FOREIGN_SIZE "ffma_usable_size: pointer not from ffma"

/*
 * Whether the inline fast paths of <ffma.h> may take the current slice
 * (struct ffma_slice's @fast): not in builds whose ffma_alloc() and
 * ffma_free() do more than they do.
 */
#if defined(FFMA_DEBUG) || defined(FFMA_NO_HARDEN) || defined(__KERNEL__)
#define FFMA_FAST	false
#else
#define FFMA_FAST	true
#endif

/* @self of an allocator ffma_forget() left: no thread's token, not 0. */
#define FFMA_FORGOTTEN	FFMA_NOBODY

WELL_STATIC_ASSERT(sizeof(struct ffma) <= FFMA_PAGE_SIZE,
		   "an allocator fits in one page");
WELL_STATIC_ASSERT(sizeof(struct ffma_slice) <= 2 * WELL_LINE,
		   "a slice header takes two cache lines");
WELL_STATIC_ASSERT(sizeof(void *) <= FFMA_OBJECT_MIN,
		   "a free object holds the free-list link");

/*
 * The current slice of an allocator before its first allocation: nothing
 * free, nothing to bump, so the first ffma_alloc() takes the slow path
 * without a NULL test on the fast one. Never written.
 */
struct ffma_slice ffma_no_slice;

/* The owner of large blocks; its @self is 0, so no freer owns it. */
struct ffma ffma_large_owner;

static inline void ffma_add(struct well_atomic *counter, size_t delta)
{
	/* Only the owner writes the counters; readers take snapshots. */
	well_store_relaxed(counter, well_load_relaxed(counter) + delta);
}

static void ffma_list_add(struct ffma_slice **head, struct ffma_slice *s)
{
	s->prev = NULL;
	s->next = *head;
	if (*head)
		(*head)->prev = s;
	*head = s;
}

static void ffma_list_del(struct ffma_slice **head, struct ffma_slice *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		*head = s->next;
	if (s->next)
		s->next->prev = s->prev;
}

/*
 * Objects per slice for @size: the most that fit after the header and
 * their metadata bits, with the objects starting on a page boundary.
 */
static uint32_t ffma_layout(size_t size, uint32_t *data_off,
			    uint32_t *stack_off)
{
	size_t hdr = sizeof(struct ffma_slice);
	size_t n = (FFMA_SLICE_SIZE - hdr) * 8 / (size * 8 + FFMA_META_BITS);
	size_t off, used;

	for (;;) {
		used = hdr + (n * FFMA_META_BITS + 63) / 64 * 8;
		off = (used + FFMA_PAGE_SIZE - 1) & ~(FFMA_PAGE_SIZE - 1);
		if (off + n * size <= FFMA_SLICE_SIZE)
			break;
		n--;
	}
	*data_off = off;
	/*
	 * Free objects on an index stack in the rest of the header page
	 * when it holds one index per object (about 1.1 KiB objects and up):
	 * frees then touch the header, not the object.
	 */
	*stack_off = used + n * sizeof(uint16_t) <= off ? used : 0;
	return n;
}

/**
 * ffma_create() - make an allocator owned by the calling thread (or CPU).
 * @object_size: bytes per object, 1 to FFMA_OBJECT_MAX; rounded up to a
 *               multiple of FFMA_OBJECT_MIN, which is also the alignment.
 *
 * Takes no slice yet: the first ffma_alloc() does.
 *
 * Return: the allocator, or NULL for a size out of range or no memory.
 */
struct ffma *ffma_create(size_t object_size)
{
	struct ffma *ffma;
	size_t size;

	if (!object_size || object_size > FFMA_OBJECT_MAX)
		return NULL;
	size = (object_size + FFMA_OBJECT_MIN - 1) & ~(FFMA_OBJECT_MIN - 1);
	ffma = ffma_pages_alloc(FFMA_PAGE_SIZE, ffma_pages_node());
	if (!ffma)
		return NULL;
	ffma->size = size;
	ffma->count = ffma_layout(size, &ffma->data_off, &ffma->stack_off);
	/* floor(2^32 / size) + 1 (2^32 / size for a power of two). */
	ffma->inv = 0xffffffffu / (uint32_t)size + 1;
	/* Odd: any aligned value written over a link decodes misaligned. */
	ffma->key = well_random() | 1;
	well_store_relaxed(&ffma->cur, (uintptr_t)&ffma_no_slice);
	well_store_relaxed(&ffma->budget, FFMA_BUDGET);
	well_store_relaxed(&ffma->base, FFMA_BUDGET);
	ffma->looked = 0;
	ffma->partial = NULL;
	ffma->full = NULL;
	well_store_relaxed(&ffma->parked, 0);
	well_store_relaxed(&ffma->slices, 0);
	well_store_relaxed(&ffma->remote, 0);
	well_store_relaxed(&ffma->self, well_self_claim());
	return ffma;
}

static void ffma_slice_release(struct ffma *ffma, struct ffma_slice *s)
{
	s->owner = NULL;
	well_store_relaxed(&s->self, FFMA_NOBODY);
	ffma_add(&ffma->slices, -1);
	ffma_slice_put(s);
}

static void ffma_release_list(struct ffma *ffma, struct ffma_slice *s)
{
	while (s) {
		struct ffma_slice *next = s->next;

		ffma_slice_release(ffma, s);
		s = next;
	}
}

/**
 * ffma_destroy() - give every slice of an allocator back, and the allocator.
 * @ffma: the allocator, or NULL; nobody may use it or its objects any more.
 */
void ffma_destroy(struct ffma *ffma)
{
	struct ffma_slice *cur;

	if (!ffma)
		return;
	cur = ffma_cur(ffma);
	if (cur != &ffma_no_slice)
		ffma_slice_release(ffma, cur);
	ffma_release_list(ffma, ffma->partial);
	ffma_release_list(ffma, ffma->full);
	ffma_pages_free(ffma, FFMA_PAGE_SIZE);
}

#ifdef FFMA_DEBUG
static size_t ffma_index(const struct ffma_slice *s, const void *ptr,
			 size_t data_off)
{
	return ((const char *)ptr - (const char *)s - data_off) /
	       s->object_size;
}

/* Whether @ptr is the start of an object slot of @s below @limit. */
static bool ffma_is_slot(const struct ffma_slice *s, const void *ptr,
			 size_t data_off, const char *limit)
{
	const char *p = ptr, *data = (const char *)s + data_off;

	return p >= data && p < limit && !((p - data) % s->object_size);
}

/*
 * Set (@set) or clear the in-use bit of object @idx atomically: remote
 * freers clear bits while the owner sets and clears others in the same
 * word. Return: the bit's old value.
 */
static bool ffma_bit_change(struct ffma_slice *s, size_t idx, bool set)
{
	struct well_atomic *w = &s->used[idx / FFMA_USED_BITS];
	size_t bit = (size_t)1 << (idx % FFMA_USED_BITS);
	size_t old = well_load_relaxed(w);

	/* Debug bookkeeping only: the object itself is handed over by R5/A5. */
	while (!well_cas_acq_rel(w, &old, set ? old | bit : old & ~bit))
		;
	return old & bit;
}

static bool ffma_bit(struct ffma_slice *s, size_t idx)
{
	return well_load_relaxed(&s->used[idx / FFMA_USED_BITS]) >>
	       (idx % FFMA_USED_BITS) & 1;
}

/*
 * @p comes off the free list: it must be free, and the link it holds must
 * be a free object or NULL; a write after free shows up here.
 */
static bool ffma_check_alloc(struct ffma *ffma, struct ffma_slice *s,
			     char *p)
{
	char *next = ffma_next(s->key, p);

	if (ffma_bit(s, ffma_index(s, p, ffma->data_off)) ||
	    (next && (!ffma_is_slot(s, next, ffma->data_off, s->bump) ||
		      ffma_bit(s, ffma_index(s, next, ffma->data_off))))) {
		ffma_report(FFMA_BAD_LIST, p);
		return false;
	}
	return true;
}

/*
 * @ptr is being freed into @s, by the owner or another thread: it must be
 * the start of an object in use. Its bit is cleared now, by whoever
 * frees, so a second free from any thread is caught.
 */
static bool ffma_check_free(struct ffma_slice *s, const void *ptr,
			    size_t data_off, const char *limit)
{
	if (!ffma_is_slot(s, ptr, data_off, limit)) {
		ffma_report("ffma_free: not the start of an object", ptr);
		return false;
	}
	if (!ffma_bit_change(s, ffma_index(s, ptr, data_off), false)) {
		ffma_report("ffma_free: double free", ptr);
		return false;
	}
	return true;
}
#endif

/* An object from @s, NULL when it has none left. */
static inline void *ffma_pop(struct ffma *ffma, struct ffma_slice *s)
{
	char *p = s->free;

	if (p && s->stack) {
		/* The last object freed, held out of the stack. */
		s->free = NULL;
#ifdef FFMA_DEBUG
		if (ffma_bit(s, ffma_index(s, p, ffma->data_off))) {
			ffma_report(FFMA_BAD_LIST, p);
			return NULL;
		}
#endif
	} else if (p) {
		char *next = ffma_next(s->key, p);

#ifdef FFMA_DEBUG
		if (!ffma_check_alloc(ffma, s, p))
			return NULL;
#endif
#ifndef FFMA_NO_HARDEN
		/* A free list never leaves its slice. */
		if (WELL_UNLIKELY(((uintptr_t)next ^ (uintptr_t)p) >>
				  FFMA_SLICE_SHIFT && next)) {
			ffma_report(FFMA_BAD_LIST, p);
			return NULL;
		}
#endif
		s->free = next;
	} else if (s->nfree) {
		p = ffma_stack_pop(s);
		if (!p) {
			ffma_report(FFMA_BAD_LIST, s);
			return NULL;
		}
#ifdef FFMA_DEBUG
		if (ffma_bit(s, ffma_index(s, p, ffma->data_off))) {
			ffma_report(FFMA_BAD_LIST, p);
			return NULL;
		}
#endif
	} else if (s->bump != s->end) {
		p = s->bump;
		s->bump = p + ffma->size;
	} else {
		return NULL;
	}
#ifdef FFMA_DEBUG
	ffma_bit_change(s, ffma_index(s, p, ffma->data_off), true);
#endif
	ffma_add(&s->inuse, 1);
	return p;
}

/*
 * A slice that is not @cur lost its last object (@n == 0) or got its
 * first free object (@n == count - 1): move it between lists or release
 * it.
 */
static void ffma_slice_changed(struct ffma *ffma, struct ffma_slice *s,
			       size_t n)
{
	ffma_list_del(n + 1 == ffma->count ? &ffma->full : &ffma->partial, s);
	if (n)
		ffma_list_add(&ffma->partial, s);
	else
		ffma_slice_release(ffma, s);
}

#ifndef FFMA_DEBUG
/*
 * The current slice @s with no object in use: hand its objects out from
 * the start again, in address order, as from a fresh slice (a bump
 * pointer has no load to wait for, a free list has one per object).
 */
static void ffma_slice_rewind(struct ffma *ffma, struct ffma_slice *s)
{
	s->free = NULL;
	s->nfree = 0;
	s->bump = (char *)s + ffma->data_off;
}
#endif

/*
 * A free by the owner that made @inuse of its slice @n: into a slice that
 * is not its current one, or @n == 0 in the current one. There, @n leaves
 * out the fast path's allocations since @base; add them, and when none is
 * in use the slice is rewound. Another zero comes within FFMA_BUDGET
 * frees, or at the true zero.
 */
WELL_NOINLINE void ffma_free_parked(struct ffma *ffma,
					   struct ffma_slice *s, size_t n)
{
	if (s->is_cur) {
		size_t budget = well_load_relaxed(&ffma->budget);

		n += well_load_relaxed(&ffma->base) - budget;
		well_store_relaxed(&s->inuse, n);
		well_store_relaxed(&ffma->base, budget);
#ifndef FFMA_DEBUG
		/* Debug builds keep the list: its order tells double frees. */
		if (!n)
			ffma_slice_rewind(ffma, s);
#endif
		return;
	}
	ffma_add(&ffma->parked, -1);
	if (n == 0 || n + 1 == ffma->count)
		ffma_slice_changed(ffma, s, n);
}


#ifdef FFMA_DEBUG
/* Whether @p, a link off the remote stack, can be an object freed to us. */
static bool ffma_check_remote(struct ffma *ffma, const char *p)
{
	struct ffma_slice *s = ffma_slice_of(p);

	return ffma_slice_known(s) && s->owner == ffma &&
	       ffma_is_slot(s, p, ffma->data_off, s->bump) &&
	       !ffma_bit(s, ffma_index(s, p, ffma->data_off));
}
#endif

/*
 * Milliseconds a mostly empty slice keeps the pages of its free objects
 * after its free objects last changed.
 */
#define FFMA_SPARSE_MS	50

/*
 * Give back the whole pages inside the free objects of @s: those on its
 * index stack and the one held in @free. Runs of adjacent free objects
 * go in one call.
 */
static void ffma_slice_discard(struct ffma *ffma, struct ffma_slice *s)
{
	size_t map[(FFMA_SLICE_SIZE / FFMA_PAGE_SIZE + FFMA_USED_BITS - 1) /
		   FFMA_USED_BITS] = { 0 };
	uint32_t i, j, idx;

	for (i = 0; i < s->nfree; i++) {
		idx = s->stack[i];
		if (idx < s->cap)
			map[idx / FFMA_USED_BITS] |= (size_t)1 <<
						     (idx % FFMA_USED_BITS);
	}
	if (s->free) {
		idx = ffma_stack_index(s, s->free);
		map[idx / FFMA_USED_BITS] |= (size_t)1 << (idx % FFMA_USED_BITS);
	}
	for (i = 0; i < s->cap; i = j + 1) {
		uintptr_t lo, hi;

		for (j = i; j < s->cap &&
		     map[j / FFMA_USED_BITS] >> (j % FFMA_USED_BITS) & 1; j++)
			;
		if (j == i)
			continue;
		lo = ((uintptr_t)s->data + (size_t)i * ffma->size +
		      FFMA_PAGE_SIZE - 1) & ~(FFMA_PAGE_SIZE - 1);
		hi = ((uintptr_t)s->data + (size_t)j * ffma->size) &
		     ~(FFMA_PAGE_SIZE - 1);
		if (lo < hi)
			ffma_pages_discard((void *)lo, hi - lo);
	}
}

/*
 * Free pages inside live slices go back after idling: at most every
 * FFMA_SPARSE_MS, the owner looks at its partial slices of objects of a
 * page or more (index stacks, so no link lives in a free object); one at
 * most a quarter in use whose free objects did not change since the last
 * look gives back the pages inside them. Small objects' free lists are
 * links inside the objects: their pages are not given back.
 */
static void ffma_discard_idle(struct ffma *ffma)
{
	struct ffma_slice *s;
	uint64_t now;

	if (ffma->size < FFMA_PAGE_SIZE || !ffma->stack_off)
		return;
	now = ffma_now_ms();
	if (now - ffma->looked < FFMA_SPARSE_MS)
		return;
	ffma->looked = now;
	for (s = ffma->partial; s; s = s->next) {
		uint32_t seen = s->nfree + 1;

		if (well_load_relaxed(&s->inuse) * 4 > s->cap) {
			s->seen = 0;
			continue;
		}
		if (s->seen != seen) {
			s->seen = seen;
			s->discarded = false;
			continue;
		}
		if (!s->discarded) {
			ffma_slice_discard(ffma, s);
			s->discarded = true;
		}
	}
}

/**
 * ffma_collect() - take back the objects other threads freed.
 * @ffma: an allocator the caller owns.
 *
 * ffma_alloc() does this by itself every FFMA_BUDGET (256) allocations
 * and when its current slice runs out; call it to bring the metrics up to
 * date or to release emptied slices sooner. It also gives back the pages
 * of free objects of a page or more in slices that have stayed mostly
 * empty since its last look (at most every 50 ms).
 */
void ffma_collect(struct ffma *ffma)
{
	size_t head = well_load_relaxed(&ffma->remote);
	char *p;

	ffma_discard_idle(ffma);
	if (!head)
		return;
	/* A5: pairs with R5 in ffma_free_remote(); only we empty the stack. */
	while (!well_cas_acq_rel(&ffma->remote, &head, 0))
		;
	/* For ThreadSanitizer: A5 above, pairs with R5's release. */
	ffma_race_acquire(&ffma->remote);
	p = (char *)head;
	while (p) {
		char *next = ffma_next(ffma->key, p);

#ifdef FFMA_DEBUG
		if (next && !ffma_check_remote(ffma, next)) {
			ffma_report(FFMA_BAD_REMOTE, p);
			return;
		}
#endif
#ifndef FFMA_NO_HARDEN
		if (WELL_UNLIKELY((uintptr_t)next & (FFMA_OBJECT_MIN - 1))) {
			ffma_report(FFMA_BAD_REMOTE, p);
			return;
		}
#endif
		ffma_free_local(ffma_slice_of(p), p);
		p = next;
	}
}

static void ffma_slice_init(struct ffma *ffma, struct ffma_slice *s)
{
	s->owner = ffma;
	well_store_relaxed(&s->self, well_load_relaxed(&ffma->self));
	s->key = ffma->key;
	s->object_size = ffma->size;
	s->prev = NULL;
	s->next = NULL;
	s->free = NULL;
	s->is_cur = false;
	s->stack = ffma->stack_off ?
		   (uint16_t *)((char *)s + ffma->stack_off) : NULL;
	s->data = (char *)s + ffma->data_off;
	s->nfree = 0;
	s->cap = ffma->count;
	s->inv = ffma->inv;
	s->seen = 0;
	s->discarded = false;
	s->fast = FFMA_FAST;
	/*
	 * @huge is kept from the slice's last use, or set by ffma_slice_get()
	 * before a slice without pages was touched. A cached slice that kept
	 * small pages asks now, from an allocator's second slice on: the
	 * class is well used (khugepaged collapses what is faulted in).
	 */
	if (!s->huge && well_load_relaxed(&ffma->slices)) {
		s->huge = true;
		ffma_pages_hugepage(s, FFMA_SLICE_SIZE);
	}
	s->bump = (char *)s + ffma->data_off;
	s->end = s->bump + (size_t)ffma->count * ffma->size;
	well_store_relaxed(&s->inuse, 0);
#ifdef FFMA_DEBUG
	{
		size_t i;

		for (i = 0; i < (ffma->count + FFMA_USED_BITS - 1) /
				FFMA_USED_BITS; i++)
			well_store_relaxed(&s->used[i], 0);
	}
#endif
	ffma_add(&ffma->slices, 1);
}

/* ffma_alloc() when the fast path cannot: see ffma_alloc_inline(). */
WELL_NOINLINE void *ffma_alloc_slow(struct ffma *ffma)
{
	struct ffma_slice *s = ffma_cur(ffma);
	void *p;

	/* The fast path's allocations since the last time, minus this one. */
	if (s != &ffma_no_slice)
		ffma_add(&s->inuse, well_load_relaxed(&ffma->base) - 1 -
			 well_load_relaxed(&ffma->budget));
	well_store_relaxed(&ffma->budget, FFMA_BUDGET);
	well_store_relaxed(&ffma->base, FFMA_BUDGET);
	ffma_collect(ffma);
	/* Huge pages only for a slice half handed out at least once. */
	if (WELL_UNLIKELY(!s->huge && s->bump - (char *)s >
			  (ptrdiff_t)(FFMA_SLICE_SIZE / 2))) {
		s->huge = true;
		ffma_pages_hugepage(s, FFMA_SLICE_SIZE);
	}
	p = ffma_pop(ffma, s);
	if (p)
		return p;
	if (s != &ffma_no_slice) {
		/* Exhausted: every object of it is in use. */
		s->is_cur = false;
		ffma_add(&ffma->parked, well_load_relaxed(&s->inuse));
		ffma_list_add(&ffma->full, s);
	}
	s = ffma->partial;
	if (s) {
		ffma_list_del(&ffma->partial, s);
		ffma_add(&ffma->parked, -well_load_relaxed(&s->inuse));
	} else {
		/* Huge pages from the second slice on: the class is used. */
		s = ffma_slice_get(ffma_pages_node(),
				   well_load_relaxed(&ffma->slices));
		if (!s) {
			well_store_relaxed(&ffma->cur,
					   (uintptr_t)&ffma_no_slice);
			return NULL;
		}
		ffma_slice_init(ffma, s);
	}
	s->is_cur = true;
	well_store_relaxed(&ffma->cur, (uintptr_t)s);
	return ffma_pop(ffma, s);
}

/**
 * ffma_alloc() - an object from an allocator.
 * @ffma: an allocator the calling thread (or CPU) owns.
 *
 * O(1): the most recently freed object of the current slice first.
 *
 * Return: the object, aligned to FFMA_OBJECT_MIN (to its size for powers
 * of two up to FFMA_PAGE_SIZE), contents undefined; NULL when no memory
 * is to be had.
 */
void *ffma_alloc(struct ffma *ffma)
{
#ifdef FFMA_DEBUG
	if (well_load_relaxed(&ffma->self) != well_self()) {
		ffma_report("allocation by a thread that does not own the allocator",
			    ffma);
		return NULL;
	}
	ffma_alloc_enter(ffma);
	return ffma_alloc_slow(ffma);
#else
	return ffma_alloc_inline(ffma);
#endif
}

static void ffma_free_remote(struct ffma *ffma, void *ptr)
{
	size_t head = well_load_relaxed(&ffma->remote);

	/* For ThreadSanitizer: R5 below, pairs with A5's acquire. */
	ffma_race_release(&ffma->remote);
	do {
		*(uintptr_t *)ptr = ffma_link(ffma_slice_of(ptr)->key, ptr,
					      (void *)head);
		/* R5: pairs with A5 in ffma_collect(). */
	} while (!well_cas_acq_rel(&ffma->remote, &head, (size_t)ptr));
}

/* A free by a thread that does not own the slice of @ptr. */
WELL_NOINLINE void ffma_free_other(struct ffma_slice *s, void *ptr)
{
	struct ffma *ffma = s->owner;

	if (ffma == &ffma_large_owner) {
		ffma_slice_unregister(s);
		ffma_large_unmap(s, (size_t)(s->end - (char *)s));
		return;
	}
#ifdef FFMA_DEBUG
	if (!ffma_check_free(s, ptr, ffma->data_off, s->end))
		return;
#endif
	ffma_free_remote(ffma, ptr);
}

#ifdef FFMA_DEBUG
/* The owner of @s, or NULL (reported) when @ptr is no object of ours. */
static struct ffma *ffma_check_slice(struct ffma_slice *s, const void *ptr,
				     const char *what)
{
	if (!ffma_slice_known(s)) {
		ffma_report(what, ptr);
		return NULL;
	}
	if (!s->owner)
		ffma_report("ffma_free: pointer into a free slice", ptr);
	return s->owner;
}
#endif

/**
 * ffma_free() - give an object back to its allocator.
 * @ptr: an object from ffma_alloc() or any ffma_mem_* call, or NULL.
 *
 * Any thread may call it. The owner puts the object first in line for reuse;
 * another thread pushes the object onto the owner's lock-free stack of
 * remote frees. Debug builds report double frees (from any thread) and
 * foreign pointers.
 */
void ffma_free(void *ptr)
{
#ifdef FFMA_DEBUG
	struct ffma_slice *s = ffma_slice_of(ptr);

	if (WELL_UNLIKELY(!ptr))
		return;
	if (!ffma_check_slice(s, ptr, FFMA_FOREIGN))
		return;
	if (s->owner != &ffma_large_owner &&
	    well_load_relaxed(&s->self) == well_self()) {
		if (ffma_check_free(s, ptr, s->owner->data_off, s->bump))
			ffma_free_local(s, ptr);
		return;
	}
	ffma_free_other(s, ptr);
#else
	ffma_free_inline(ptr);
#endif
}

/* Give every slice of @ffma the owner token @tok. */
static void ffma_set_self(struct ffma *ffma, size_t tok)
{
	struct ffma_slice *s, *cur = ffma_cur(ffma);

	/* Read by freers to tell the owner: a plain token, no data. */
	if (cur != &ffma_no_slice)
		well_store_relaxed(&cur->self, tok);
	for (s = ffma->partial; s; s = s->next)
		well_store_relaxed(&s->self, tok);
	for (s = ffma->full; s; s = s->next)
		well_store_relaxed(&s->self, tok);
}

/**
 * ffma_disown() - let go of an allocator, e.g. when its owner thread ends.
 * @ffma: an allocator the caller owns.
 *
 * Takes back remote frees first. An allocator with no object in use is
 * destroyed; otherwise it stays, ownerless, and frees into it pile up on
 * its remote stack until a thread calls ffma_adopt().
 *
 * Return: true when @ffma was destroyed.
 */
bool ffma_disown(struct ffma *ffma)
{
	ffma_collect(ffma);
	if (!ffma_objects_inuse(ffma)) {
		ffma_destroy(ffma);
		return true;
	}
	ffma_set_self(ffma, FFMA_NOBODY);
	/* R6: pairs with A6 in ffma_adopt(). */
	well_store_release(&ffma->self, 0);
	return false;
}

/**
 * ffma_adopt() - become the owner of an allocator left by ffma_disown().
 * @ffma: the allocator.
 *
 * Any number of threads may try at once: exactly one wins.
 *
 * Return: true when the caller now owns @ffma; false when it has an owner
 * (another adopter won, or it was never disowned).
 */
bool ffma_adopt(struct ffma *ffma)
{
	size_t none = 0, tok = well_self_claim();

	/* A6: pairs with R6 in ffma_disown(); one CAS from 0 succeeds. */
	if (!well_cas_acq_rel(&ffma->self, &none, tok))
		return false;
	ffma_set_self(ffma, tok);
	return true;
}

/**
 * ffma_forget() - leave an allocator ownerless and untouched for good.
 * @ffma: an allocator whose owner no longer exists and whose lists may be
 *        half-updated: a thread other than the forking one, seen from a
 *        fork() child.
 *
 * Nobody owns or adopts it afterwards (its token is never given to a
 * thread again, and it is on no orphan list): its objects stay valid,
 * frees into it pile up on its remote stack, and its memory is not
 * reused. Its lists are not walked: they may be inconsistent.
 */
void ffma_forget(struct ffma *ffma)
{
	/* The child is single-threaded here: nothing to pair with. */
	well_store_relaxed(&ffma->self, FFMA_FORGOTTEN);
}

/**
 * ffma_large_wrap() - make a mapping into a large block ffma_free() knows.
 * @map: the mapping, aligned to FFMA_SLICE_SIZE.
 * @len: its length, more than FFMA_PAGE_SIZE + @size.
 * @size: bytes the caller asked for.
 *
 * The header takes the first page; ffma_free() of the block, from any
 * thread, calls ffma_large_unmap(@map, @len).
 *
 * Return: the block, FFMA_PAGE_SIZE into @map.
 */
void *ffma_large_wrap(void *map, size_t len, size_t size)
{
	struct ffma_slice *s = map;

	s->owner = &ffma_large_owner;
	well_store_relaxed(&s->self, FFMA_NOBODY);
	s->key = 0;
	s->object_size = len - FFMA_PAGE_SIZE;
	s->node = 0;
	s->free = NULL;
	s->bump = (char *)map + FFMA_PAGE_SIZE + size;
	s->end = (char *)map + len;
	well_store_relaxed(&s->inuse, 1);
	s->is_cur = false;
	s->fast = false;
	s->huge = false;
	s->stack = NULL;
	s->data = (char *)map + FFMA_PAGE_SIZE;
	s->nfree = 0;
	s->cap = 1;
	s->inv = 0;
	ffma_slice_register(s);
	return (char *)map + FFMA_PAGE_SIZE;
}

/**
 * ffma_object_size() - bytes per object.
 * @ffma: the allocator.
 *
 * Return: the size asked for, rounded up to a multiple of FFMA_OBJECT_MIN.
 */
size_t ffma_object_size(const struct ffma *ffma)
{
	return ffma->size;
}

/**
 * ffma_objects_per_slice() - objects one slice holds.
 * @ffma: the allocator.
 *
 * Return: the count, fixed by the object size.
 */
size_t ffma_objects_per_slice(const struct ffma *ffma)
{
	return ffma->count;
}

/**
 * ffma_data_offset() - offset of the first object in each slice.
 * @ffma: the allocator.
 *
 * Return: a multiple of FFMA_PAGE_SIZE; the header comes before.
 */
size_t ffma_data_offset(const struct ffma *ffma)
{
	return ffma->data_off;
}

/**
 * ffma_objects_inuse() - objects of an allocator in use.
 * @ffma: the allocator.
 *
 * Objects other threads freed count until the owner takes them back
 * (ffma_collect()). Exact for the owner; another thread gets a snapshot
 * that may be off while the owner switches slices.
 *
 * Return: a snapshot of the count.
 */
size_t ffma_objects_inuse(const struct ffma *ffma)
{
	return well_load_relaxed(&ffma->parked) +
	       well_load_relaxed(&ffma_cur(ffma)->inuse) +
	       well_load_relaxed(&ffma->base) -
	       well_load_relaxed(&ffma->budget);
}

/**
 * ffma_slices_inuse() - slices an allocator holds.
 * @ffma: the allocator.
 *
 * Includes the current slice, which stays even when it becomes empty.
 *
 * Return: a snapshot of the count.
 */
size_t ffma_slices_inuse(const struct ffma *ffma)
{
	return well_load_relaxed(&ffma->slices);
}

/**
 * ffma_slice_objects_inuse() - objects in use in the slice of an object.
 * @ptr: any object of the slice.
 *
 * Return: a snapshot of the count.
 */
size_t ffma_slice_objects_inuse(const void *ptr)
{
	const struct ffma_slice *s = ffma_slice_of(ptr);
	size_t n = well_load_relaxed(&s->inuse);

	/* The current slice's latest allocations are counted in @budget. */
	if (s->is_cur)
		n += well_load_relaxed(&s->owner->base) -
		     well_load_relaxed(&s->owner->budget);
	return n;
}

/**
 * ffma_usable_size() - bytes the caller may use at an object.
 * @ptr: an object from ffma_alloc() or ffma_mem_alloc().
 *
 * Return: the object size of its allocator.
 */
size_t ffma_usable_size(const void *ptr)
{
	struct ffma_slice *s = ffma_slice_of(ptr);

#ifdef FFMA_DEBUG
	if (!ffma_check_slice(s, ptr, FFMA_FOREIGN_SIZE))
		return 0;
#endif
	return s->object_size;
}
