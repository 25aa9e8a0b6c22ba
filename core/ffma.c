// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma.c - fixed-size objects from 2 MiB slices.
 *
 * The owner allocates from its current slice: the most recently freed
 * object first (a LIFO list linked through the first word of each free
 * object), then objects never used (a bump pointer). When the current
 * slice has neither, the owner takes back the objects other threads freed,
 * then moves on to a slice with free objects (the partial list), then to
 * an empty slice from the cache. Slices without free objects wait on the
 * full list; a slice that becomes empty, other than the current one, goes
 * back to the cache.
 *
 * Orderings (Documentation/ffma/design.rst has the full table):
 *   R5  a thread freeing an object it does not own links it onto the
 *       owner's @remote stack with a CAS (release), after its last access
 *       to the object.
 *   A5  the owner takes the whole stack with a CAS (acquire) before it
 *       reads the links and hands the objects out again. R5 -> A5 orders
 *       the freer's accesses before the next user's.
 *   R6/A6  ffma_disown() stores @self = 0 with release; ffma_adopt() loads
 *       it with acquire, so the adopter sees the lists the old owner left.
 */
#include "ffma_slice.h"

/*
 * Bump allocation stops at each boundary of this many bytes to take back
 * remote frees first: objects freed by other threads are reused while
 * still in cache, instead of the owner walking through fresh memory.
 */
#define FFMA_SPAN	((uintptr_t)65536)

/**
 * struct ffma - an allocator of objects of one size.
 * @self: owner token (well_self() of the owner), 0 while disowned.
 * @size: bytes per object, a multiple of FFMA_OBJECT_MIN.
 * @data_off: offset of the first object in a slice, page-aligned.
 * @count: objects per slice.
 * @cur: slice the owner allocates from, NULL before the first alloc.
 * @partial: slices other than @cur with free objects.
 * @full: slices other than @cur without free objects.
 * @inuse: objects handed out and not yet freed back to the owner.
 * @slices: slices the allocator holds.
 * @remote: stack of objects freed by other threads, linked through their
 *          first word.
 *
 * The first line is read by every freer; the second is the owner's; the
 * third is written by other threads.
 */
struct ffma {
	struct well_atomic self;
	size_t size;
	uint32_t data_off;
	uint32_t count;

	WELL_LINE_ALIGNED struct ffma_slice *cur;
	struct ffma_slice *partial;
	struct ffma_slice *full;
	struct well_atomic inuse;
	struct well_atomic slices;

	WELL_LINE_ALIGNED struct well_atomic remote;
};

WELL_STATIC_ASSERT(sizeof(struct ffma) <= FFMA_PAGE_SIZE,
		   "an allocator fits in one page");
WELL_STATIC_ASSERT(sizeof(struct ffma_slice) <= 2 * WELL_LINE,
		   "a slice header takes two cache lines");
WELL_STATIC_ASSERT(sizeof(void *) <= FFMA_OBJECT_MIN,
		   "a free object holds the free-list link");

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
static uint32_t ffma_layout(size_t size, uint32_t *data_off)
{
	size_t hdr = sizeof(struct ffma_slice);
	size_t n = (FFMA_SLICE_SIZE - hdr) * 8 / (size * 8 + FFMA_META_BITS);
	size_t off;

	for (;;) {
		off = (hdr + (n * FFMA_META_BITS + 63) / 64 * 8 +
		       FFMA_PAGE_SIZE - 1) & ~(FFMA_PAGE_SIZE - 1);
		if (off + n * size <= FFMA_SLICE_SIZE)
			break;
		n--;
	}
	*data_off = off;
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
	ffma->count = ffma_layout(size, &ffma->data_off);
	ffma->cur = NULL;
	ffma->partial = NULL;
	ffma->full = NULL;
	well_store_relaxed(&ffma->inuse, 0);
	well_store_relaxed(&ffma->slices, 0);
	well_store_relaxed(&ffma->remote, 0);
	well_store_relaxed(&ffma->self, well_self());
	return ffma;
}

static void ffma_slice_release(struct ffma *ffma, struct ffma_slice *s)
{
	s->owner = NULL;
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
	if (!ffma)
		return;
	if (ffma->cur)
		ffma_slice_release(ffma, ffma->cur);
	ffma_release_list(ffma, ffma->partial);
	ffma_release_list(ffma, ffma->full);
	ffma_pages_free(ffma, FFMA_PAGE_SIZE);
}

#ifdef FFMA_DEBUG
static size_t ffma_index(struct ffma *ffma, struct ffma_slice *s,
			 const void *ptr)
{
	return ((const char *)ptr - (const char *)s - ffma->data_off) /
	       ffma->size;
}

/* Whether @ptr is the start of an object @s has handed out. */
static bool ffma_is_object(struct ffma *ffma, struct ffma_slice *s,
			   const void *ptr)
{
	const char *p = ptr, *data = (const char *)s + ffma->data_off;

	return p >= data && p < s->bump && !((p - data) % ffma->size);
}

static bool ffma_bit(struct ffma_slice *s, size_t idx)
{
	return s->used[idx / 64] >> (idx % 64) & 1;
}

static void ffma_flip(struct ffma_slice *s, size_t idx)
{
	s->used[idx / 64] ^= (uint64_t)1 << (idx % 64);
}

/*
 * @p comes off the free list: it must be free, and the link it holds must
 * be a free object or NULL; a write after free shows up here.
 */
static bool ffma_check_alloc(struct ffma *ffma, struct ffma_slice *s,
			     char *p)
{
	char *next = *(char **)p;

	if (ffma_bit(s, ffma_index(ffma, s, p)) ||
	    (next && (!ffma_is_object(ffma, s, next) ||
		      ffma_bit(s, ffma_index(ffma, s, next))))) {
		ffma_report("ffma_alloc: free list corrupted (write after free?)",
			    p);
		return false;
	}
	return true;
}
#endif

/*
 * An object from @s, NULL when it has no free one or, with @span_stop,
 * when the bump pointer enters a new FFMA_SPAN: the caller then looks for
 * remote frees before it touches fresh memory.
 */
static inline void *ffma_pop(struct ffma *ffma, struct ffma_slice *s,
			     bool span_stop)
{
	char *p = s->free;

	if (p) {
#ifdef FFMA_DEBUG
		if (!ffma_check_alloc(ffma, s, p))
			return NULL;
#endif
		s->free = *(char **)p;
	} else if (s->bump != s->end &&
		   !(span_stop &&
		     ((uintptr_t)s->bump & (FFMA_SPAN - 1)) < ffma->size)) {
		p = s->bump;
		s->bump = p + ffma->size;
	} else {
		return NULL;
	}
#ifdef FFMA_DEBUG
	ffma_flip(s, ffma_index(ffma, s, p));
#endif
	ffma_add(&s->inuse, 1);
	ffma_add(&ffma->inuse, 1);
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

#ifdef FFMA_DEBUG
/* Whether @ptr may be freed into @s; reports and says no otherwise. */
static bool ffma_check_free(struct ffma *ffma, struct ffma_slice *s,
			    const void *ptr)
{
	if (!ffma_is_object(ffma, s, ptr)) {
		ffma_report("ffma_free: not the start of an object", ptr);
		return false;
	}
	if (!ffma_bit(s, ffma_index(ffma, s, ptr))) {
		ffma_report("ffma_free: double free", ptr);
		return false;
	}
	ffma_flip(s, ffma_index(ffma, s, ptr));
	return true;
}
#endif

/* Free @ptr into @s; the caller owns @ffma. False when debug refused. */
static inline bool ffma_free_local(struct ffma *ffma, struct ffma_slice *s,
				   void *ptr)
{
	size_t n;

#ifdef FFMA_DEBUG
	if (!ffma_check_free(ffma, s, ptr))
		return false;
#endif
	*(char **)ptr = s->free;
	s->free = ptr;
	n = well_load_relaxed(&s->inuse) - 1;
	well_store_relaxed(&s->inuse, n);
	ffma_add(&ffma->inuse, -1);
	if (WELL_UNLIKELY(s != ffma->cur) &&
	    (n == 0 || n + 1 == ffma->count))
		ffma_slice_changed(ffma, s, n);
	return true;
}

/**
 * ffma_collect() - take back the objects other threads freed.
 * @ffma: an allocator the caller owns.
 *
 * ffma_alloc() does this by itself when its current slice runs out; call
 * it to bring the metrics up to date or to release emptied slices sooner.
 */
void ffma_collect(struct ffma *ffma)
{
	size_t head = well_load_relaxed(&ffma->remote);

	if (!head)
		return;
	/* A5: pairs with R5 in ffma_free_remote(); only we empty the stack. */
	while (!well_cas_acq_rel(&ffma->remote, &head, 0))
		;
	while (head) {
		void *ptr = (void *)head;

		head = *(size_t *)ptr;
		if (!ffma_free_local(ffma, ffma_slice_of(ptr), ptr))
			return;
	}
}

static void ffma_slice_init(struct ffma *ffma, struct ffma_slice *s)
{
	s->owner = ffma;
	s->object_size = ffma->size;
	s->prev = NULL;
	s->next = NULL;
	s->free = NULL;
	s->bump = (char *)s + ffma->data_off;
	s->end = s->bump + (size_t)ffma->count * ffma->size;
	well_store_relaxed(&s->inuse, 0);
#ifdef FFMA_DEBUG
	{
		size_t i;

		for (i = 0; i < (ffma->count + 63) / 64; i++)
			s->used[i] = 0;
	}
#endif
	ffma_add(&ffma->slices, 1);
}

static WELL_NOINLINE void *ffma_alloc_slow(struct ffma *ffma)
{
	struct ffma_slice *s = ffma->cur;
	void *p;

	ffma_collect(ffma);
	if (s) {
		p = ffma_pop(ffma, s, false);
		if (p)
			return p;
		ffma_list_add(&ffma->full, s);
	}
	s = ffma->partial;
	if (s) {
		ffma_list_del(&ffma->partial, s);
	} else {
		s = ffma_slice_get(ffma_pages_node());
		if (!s) {
			ffma->cur = NULL;
			return NULL;
		}
		ffma_slice_init(ffma, s);
	}
	ffma->cur = s;
	return ffma_pop(ffma, s, false);
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
	struct ffma_slice *s = ffma->cur;
	void *p;

#ifdef FFMA_DEBUG
	if (well_load_relaxed(&ffma->self) != well_self()) {
		ffma_report("allocation by a thread that does not own the allocator",
			    ffma);
		return NULL;
	}
#endif
	if (WELL_LIKELY(s)) {
		p = ffma_pop(ffma, s, true);
		if (WELL_LIKELY(p))
			return p;
	}
	return ffma_alloc_slow(ffma);
}

static void ffma_free_remote(struct ffma *ffma, void *ptr)
{
	size_t head = well_load_relaxed(&ffma->remote);

	do {
		*(size_t *)ptr = head;
		/* R5: pairs with A5 in ffma_collect(). */
	} while (!well_cas_acq_rel(&ffma->remote, &head, (size_t)ptr));
}

#ifdef FFMA_DEBUG
/* The owner of @s, or NULL (reported) when @ptr is no object of ours. */
static struct ffma *ffma_check_slice(struct ffma_slice *s, const void *ptr)
{
	if (!ffma_slice_known(s)) {
		ffma_report("ffma_free: pointer not from ffma", ptr);
		return NULL;
	}
	if (!s->owner)
		ffma_report("ffma_free: pointer into a free slice", ptr);
	return s->owner;
}
#endif

/**
 * ffma_free() - give an object back to its allocator.
 * @ptr: an object from ffma_alloc(), or NULL.
 *
 * Any thread may call it. The owner puts the object first in line for reuse;
 * another thread pushes the object onto the owner's lock-free stack of
 * remote frees. Debug builds report double frees and foreign pointers.
 */
void ffma_free(void *ptr)
{
	struct ffma_slice *s = ffma_slice_of(ptr);
	struct ffma *ffma;

	if (!ptr)
		return;
#ifdef FFMA_DEBUG
	ffma = ffma_check_slice(s, ptr);
	if (!ffma)
		return;
#else
	ffma = s->owner;
#endif
	if (WELL_LIKELY(well_load_relaxed(&ffma->self) == well_self()))
		ffma_free_local(ffma, s, ptr);
	else
		ffma_free_remote(ffma, ptr);
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
	if (!well_load_relaxed(&ffma->inuse)) {
		ffma_destroy(ffma);
		return true;
	}
	/* R6: pairs with A6 in ffma_adopt(). */
	well_store_release(&ffma->self, 0);
	return false;
}

/**
 * ffma_adopt() - become the owner of an allocator left by ffma_disown().
 * @ffma: the allocator; the caller makes sure only it adopts it.
 */
void ffma_adopt(struct ffma *ffma)
{
	/* A6: pairs with R6 in ffma_disown(). */
	well_load_acquire(&ffma->self);
	well_store_relaxed(&ffma->self, well_self());
}

/**
 * ffma_forget() - leave an allocator ownerless and untouched for good.
 * @ffma: an allocator whose owner no longer exists and whose lists may be
 *        half-updated: a thread other than the forking one, seen from a
 *        fork() child.
 *
 * Nobody owns or adopts it afterwards: its objects stay valid, frees into
 * it pile up on its remote stack, and its memory is not reused.
 */
void ffma_forget(struct ffma *ffma)
{
	/* The child is single-threaded here: nothing to pair with. */
	well_store_relaxed(&ffma->self, 0);
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
 * (ffma_collect()).
 *
 * Return: a snapshot of the count.
 */
size_t ffma_objects_inuse(const struct ffma *ffma)
{
	return well_load_relaxed(&ffma->inuse);
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
	return well_load_relaxed(&ffma_slice_of(ptr)->inuse);
}

/**
 * ffma_usable_size() - bytes the caller may use at an object.
 * @ptr: an object from ffma_alloc() or ffma_mem_alloc().
 *
 * Return: the object size of its allocator.
 */
size_t ffma_usable_size(const void *ptr)
{
	return ffma_slice_of(ptr)->object_size;
}
