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

/**
 * struct well_side - one side (tx or rx) of a well.
 * @head: blocks ever reserved from this side (reservers write it).
 * @seen: reservers' cached copy of @tail, refreshed only when it looks
 *        short; saves reading the other side's cache line on every call.
 * @bias: blocks available on this side before any release: the block count
 *        on tx, 0 on rx.
 * @limit: the block count; an amount above it is never available.
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

int well_params(size_t blk_size, size_t blk_count, struct well *out);
int well_init(struct well *w, void *mem);
void well_deinit(struct well *w);

size_t well_size(const struct well *w);
size_t well_blk_size(const struct well *w);
size_t well_blk_count(const struct well *w);

size_t well_reserve(struct well_side *from, size_t *pos, size_t max);
size_t well_reserve_single(struct well_side *from, size_t *pos, size_t max);
size_t well_peek(const struct well_side *from);

void well_release_single(struct well_side *to, size_t count);
size_t well_release_multi(struct well_side *to, size_t count, size_t pos);

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

#endif /* WELL_H */
