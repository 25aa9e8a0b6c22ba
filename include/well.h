/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * well.h - a lock-free ring of power-of-two blocks.
 *
 * A well moves blocks between a tx side (producers) and an rx side
 * (consumers). Threads reserve an amount of blocks from one side, access
 * them through the position token the reservation returned, and release
 * them into the other side. The library never allocates and never touches
 * the block memory: the caller provides well_size() bytes to well_init().
 *
 * Each side keeps two counters on separate cache lines:
 *   head - blocks ever reserved from this side; written only by the side's
 *          reservers, next to their cached copy of tail.
 *   tail - blocks ever released into this side; written only by the other
 *          side's releasers.
 * Blocks available to reserve = tail + bias - head, where bias is the block
 * count on tx (all blocks start free) and 0 on rx. Every cache line thus
 * has one class of writer. Documentation/well/memory-model.rst lists each
 * acquire/release pair.
 */
#ifndef WELL_H
#define WELL_H

#include "well/atomic.h"
#include "well/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct well_side - one side (tx or rx) of a well.
 * @head: blocks ever reserved from this side (reservers write it).
 * @seen: reservers' cached copy of @tail, refreshed only when it looks
 *        short; saves reading the other side's cache line on every call.
 * @bias: blocks available on this side before any release: the block count
 *        on tx, 0 on rx.
 * @limit: the block count; an amount above it is never available. Its top
 *         bit, WELL_SIDE_SINGLE, is set by well_set_single(): well_reserve()
 *         on this side then takes the single-reserver path. (A bit of a
 *         word every library's well_init() writes, not a new field, so a
 *         program built with these headers runs right on an older
 *         libwell.so too.)
 * @tail: blocks ever released into this side (the other side writes it).
 *
 * Callers only take its address (&w->tx, &w->rx); the members belong
 * to the library.
 */
struct well_side {
	WELL_LINE_ALIGNED struct well_atomic head;
	struct well_atomic seen;
	size_t bias;
	size_t limit;
	WELL_LINE_ALIGNED struct well_atomic tail;
};

/**
 * struct well - a ring of blk_count blocks of blk_size bytes.
 * @blk_size: bytes per block, a power of two.
 * @blk_count: blocks in the ring, a power of two.
 * @blk_mask: blk_count - 1.
 * @blk_shift: log2(blk_size).
 * @mem: the caller's memory, well_size() bytes.
 * @tx: the producers' side: reserve from it, release into @rx.
 * @rx: the consumers' side: reserve from it, release into @tx.
 *
 * The read-only geometry and each side live on separate cache lines.
 * Set up with well_params() then well_init().
 */
struct well {
	WELL_LINE_ALIGNED size_t blk_size;
	size_t blk_count;
	size_t blk_mask;
	unsigned int blk_shift;
	void *mem;
	struct well_side tx;
	struct well_side rx;
};

/*
 * One layout in C, C++ and the kernel: the same offsets whatever the
 * language, so a structure one compiled and another uses (the /dev/well
 * ctrl page, a C++ program linked with libwell) agree. On LP64 a side is
 * 256 bytes and a well 640.
 */
WELL_STATIC_ASSERT(offsetof(struct well_side, head) == 0 &&
		   offsetof(struct well_side, seen) == sizeof(size_t) &&
		   offsetof(struct well_side, bias) == 2 * sizeof(size_t) &&
		   offsetof(struct well_side, limit) == 3 * sizeof(size_t),
		   "well_side: the reservers' words in one line");
WELL_STATIC_ASSERT(offsetof(struct well_side, tail) == WELL_LINE &&
		   sizeof(struct well_side) == 2 * WELL_LINE,
		   "well_side: tail on a line of its own");
WELL_STATIC_ASSERT(offsetof(struct well, blk_size) == 0 &&
		   offsetof(struct well, blk_count) == sizeof(size_t) &&
		   offsetof(struct well, blk_mask) == 2 * sizeof(size_t) &&
		   offsetof(struct well, blk_shift) == 3 * sizeof(size_t) &&
		   offsetof(struct well, mem) == 4 * sizeof(size_t),
		   "well: the geometry in the first line");
WELL_STATIC_ASSERT(offsetof(struct well, tx) == WELL_LINE &&
		   offsetof(struct well, rx) == 3 * WELL_LINE &&
		   sizeof(struct well) == 5 * WELL_LINE,
		   "well: geometry, tx and rx each on lines of their own");

int well_params(size_t blk_size, size_t blk_count, struct well *out);
int well_init(struct well *w, void *mem);
void well_deinit(struct well *w);

size_t well_size(const struct well *w);
size_t well_blk_size(const struct well *w);
size_t well_blk_count(const struct well *w);

/* well_side.limit: the side has one reserver (well_set_single()). */
#define WELL_SIDE_SINGLE	(~((size_t)-1 >> 1))

void well_set_single(struct well_side *from);

/**
 * well_reserve_exact() - reserve exactly @n blocks from a side, or none.
 * @from: the side to reserve from (&w->tx to produce, &w->rx to consume).
 * @pos: where to store the position token for well_access() and release.
 * @n: blocks wanted, all or nothing; at least 1.
 *
 * For a record that spans @n blocks: the blocks get consecutive positions
 * (well_access(@pos, 0 .. @n - 1)); in memory they may wrap from the end
 * to the start once, as any reservation may. Safe with any number of
 * threads reserving from @from at once, with well_reserve() among them.
 * Never waits. An @n above the block count can never be satisfied.
 *
 * Return: @n, or 0 when fewer than @n blocks are available or @n is 0
 * (*@pos untouched).
 */
size_t well_reserve_exact(struct well_side *from, size_t *pos, size_t n);

/*
 * The hot path (reserve, release, peek) is defined below, static inline,
 * so a program's own compiler inlines it and, under -fsanitize=thread,
 * instruments its atomics: ThreadSanitizer then sees each hand-over of
 * blocks. libwell exports the same functions out of line (core/well.c),
 * for binaries linked before and for other languages.
 */

/**
 * well_access() - address of block @i of the reservation at @pos.
 * @pos: the position token well_reserve() returned.
 * @i: index within the reservation, below the amount reserved.
 * @w: the well.
 *
 * Blocks of one reservation may wrap from the end of the memory to its
 * start, so address them one at a time.
 *
 * Return: pointer to the block; never dereferenced by the library.
 */
static inline void *well_access(size_t pos, size_t i, const struct well *w)
{
	return (char *)w->mem + (((pos + i) & w->blk_mask) << w->blk_shift);
}

/**
 * well_span() - the blocks of a reservation that follow each other in memory.
 * @w: the well.
 * @pos: position token of the first block wanted (a reservation's @pos plus
 *       the blocks already walked).
 * @n: blocks wanted from @pos on, at least 1.
 * @run: set to how many of them, 1 to @n, are contiguous from the result.
 *
 * Lets a loop over a reservation walk a plain pointer in steps of the block
 * size, at most twice per reservation (before and after the wrap), with the
 * geometry read once instead of once per block::
 *
 *	for (done = 0; done < got; done += run) {
 *		char *p = well_span(w, pos + done, got - done, &run);
 *
 *		for (j = 0; j < run; j++, p += well_blk_size(w))
 *			use(p);
 *	}
 *
 * Return: address of block @pos; never dereferenced by the library.
 */
static inline void *well_span(const struct well *w, size_t pos, size_t n,
			      size_t *run)
{
	size_t first = pos & w->blk_mask;
	size_t room = w->blk_count - first;

	*run = n < room ? n : room;
	return (char *)w->mem + (first << w->blk_shift);
}

/**
 * WELL_DEREF() - block @i of the reservation at @pos, as a @type pointer.
 * @type: the structure the block holds.
 * @pos: the position token well_reserve() returned.
 * @i: index within the reservation.
 * @w: the well.
 */
#define WELL_DEREF(type, pos, i, w)	((type *)well_access(pos, i, w))

/**
 * well_amount() - blocks available to a reserver that saw @head.
 * @sym: the side.
 * @tail: a value of @sym's tail (or its cached copy, seen).
 * @head: the reserver's value of @sym's head.
 *
 * A helper of the functions below, not for callers. Counters only grow,
 * so a stale @tail gives a smaller, safe amount; a value outside
 * [0, limit] (a seen older than @head, or a scribbled counter) means
 * nothing is available.
 *
 * Return: tail + bias - head, or 0 when that is out of range.
 */
static inline size_t well_amount(const struct well_side *sym, size_t tail,
				 size_t head)
{
	size_t amount = tail + sym->bias - head;

	return amount <= (sym->limit & ~WELL_SIDE_SINGLE) ? amount : 0;
}

/**
 * well_min() - the smaller of two sizes.
 * @a: one.
 * @b: the other.
 *
 * A helper of the functions below, not for callers.
 *
 * Return: @a or @b, whichever is smaller.
 */
static inline size_t well_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

/**
 * well_reserve_single() - well_reserve() for a side with one reserver.
 * @from: the side to reserve from; no other thread reserves from it.
 * @pos: where to store the position token.
 * @max: most blocks wanted; (size_t)-1 for all that are available.
 *
 * The fast path for a single producer or a single consumer: no atomic
 * read-modify-write. Do not mix with well_reserve() on the same side,
 * unless the side was declared with well_set_single(), where both are the
 * same function.
 *
 * Return: blocks reserved, 0 when none are available (*@pos untouched).
 */
static inline size_t well_reserve_single(struct well_side *from, size_t *pos,
					 size_t max)
{
	size_t head = well_load_relaxed(&from->head);
	size_t tail = well_load_relaxed(&from->seen);
	size_t amount = well_amount(from, tail, head);

	if (amount < max) {
		/* A1: pairs with R1 in the other side's releasers. */
		tail = well_load_acquire(&from->tail);
		well_store_relaxed(&from->seen, tail);
		amount = well_amount(from, tail, head);
	}
	amount = well_min(amount, max);
	if (!amount)
		return 0;
	/* Only this thread writes @head: no ordering needed. */
	well_store_relaxed(&from->head, head + amount);
	*pos = head;
	return amount;
}

/**
 * well_reserve() - reserve up to @max blocks from one side of a well.
 * @from: the side to reserve from (&w->tx to produce, &w->rx to consume).
 * @pos: where to store the position token for well_access() and release.
 * @max: most blocks wanted; (size_t)-1 for all that are available.
 *
 * Safe with any number of threads reserving from @from at once. Never
 * waits: scheduling decisions belong to the caller. On a side declared
 * with well_set_single() it is well_reserve_single(): no compare-and-swap.
 *
 * Return: blocks reserved, 0 when none are available (*@pos untouched).
 */
static inline size_t well_reserve(struct well_side *from, size_t *pos,
				  size_t max)
{
	size_t head, amount;

	/* Set before the well was shared; never changes while in use. */
	if (from->limit & WELL_SIDE_SINGLE)
		return well_reserve_single(from, pos, max);
	/* A2: pairs with the R2 CAS below in other reservers. */
	head = well_load_acquire(&from->head);
	do {
		/* A3: pairs with R3 below in other reservers. */
		size_t tail = well_load_acquire(&from->seen);

		amount = well_amount(from, tail, head);
		if (amount < max) {
			/* A1: pairs with R1 in the other side's releasers. */
			size_t fresh = well_load_acquire(&from->tail);

			if (fresh != tail) {
				/* R3: pairs with A3 above in other reservers. */
				well_store_release(&from->seen, fresh);
				amount = well_amount(from, fresh, head);
			}
		}
		amount = well_min(amount, max);
		if (!amount)
			return 0;
		/* R2/A2: pairs with the A2 load above in other reservers. */
	} while (!well_cas_acq_rel(&from->head, &head, head + amount));

	*pos = head;
	return amount;
}

/**
 * well_peek() - blocks available to reserve from a side, without reserving.
 * @from: the side to look at.
 *
 * A snapshot: other threads may change it before the caller acts on it.
 *
 * Return: blocks a well_reserve() on @from could get now.
 */
static inline size_t well_peek(const struct well_side *from)
{
	size_t head = well_load_relaxed(&from->head);

	/* A1: pairs with R1; a caller may reserve on the strength of this. */
	return well_amount(from, well_load_acquire(&from->tail), head);
}

/**
 * well_release_single() - release blocks into a side with one releaser.
 * @to: the side that receives the blocks (&w->rx after reserving from
 *      tx, &w->tx after reserving from rx).
 * @count: blocks to release, the amount of the caller's reservation.
 *
 * Only valid when a single thread releases into @to: reservations are then
 * released in the order they were made.
 */
static inline void well_release_single(struct well_side *to, size_t count)
{
	/* Only this thread writes @tail: a plain read of its own value. */
	size_t tail = well_load_relaxed(&to->tail);

	/* R1: pairs with A1 in the reservers of @to. */
	well_store_release(&to->tail, tail + count);
}

/**
 * well_release_multi() - release a reservation when several threads release.
 * @to: the side that receives the blocks.
 * @count: blocks to release, the amount of the reservation.
 * @pos: the reservation's position token.
 *
 * Reservations must be released in the order they were made; this fails
 * while an earlier one is still held, and succeeds once it has landed. Any
 * thread may release a reservation abandoned by another, given its @pos and
 * @count.
 *
 * Return: @count on success, 0 while an earlier reservation is unreleased
 * (or when @count is 0).
 */
static inline size_t well_release_multi(struct well_side *to, size_t count,
					size_t pos)
{
	size_t expected = pos;

	if (!count)
		return 0;
	/* R1 and R4: pairs with A1 in reservers and with earlier releasers. */
	return well_cas_acq_rel(&to->tail, &expected, pos + count) ? count : 0;
}

#ifdef __cplusplus
}
#endif

#endif /* WELL_H */
