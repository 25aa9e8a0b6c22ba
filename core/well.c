// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well.c - reserve and release on a lock-free ring of blocks.
 *
 * Orderings (Documentation/well/memory-model.rst has the full table):
 *   R1  release into a side: store-release (single) or CAS acq_rel (multi)
 *       of @tail, after the releaser's reads and writes of its blocks.
 *   A1  reserve: load-acquire of @tail, before the reserver touches the
 *       blocks it gets. R1 -> A1 hands the blocks over, in either
 *       direction: producers' writes reach consumers, and consumers' reads
 *       finish before producers overwrite.
 *   R2/A2  multi reservers publish @head with CAS acq_rel and load it with
 *       acquire, so a reserver never sees a @head newer than the @tail
 *       (or @seen) that justified it: the amount cannot underflow.
 *   R3/A3  multi reservers publish @seen with store-release and load it
 *       with acquire, so a block claimed on a cached @tail carries R1.
 *   R4  release_multi's CAS on @tail acquires the previous releaser's
 *       release and releases its own: the consumer that acquires the
 *       newest @tail sees the blocks of every earlier releaser.
 */
#include "well.h"
#include "port.h"

WELL_STATIC_ASSERT(sizeof(size_t) == sizeof(void *), "size_t holds a pointer");
WELL_STATIC_ASSERT(offsetof(struct well, tx) % WELL_LINE == 0,
		   "tx starts a cache line");
WELL_STATIC_ASSERT(offsetof(struct well, rx) % WELL_LINE == 0,
		   "rx starts a cache line");
WELL_STATIC_ASSERT(offsetof(struct well, mem) < offsetof(struct well, tx),
		   "geometry shares no line with tx");
WELL_STATIC_ASSERT(offsetof(struct well_side, tail) -
		   offsetof(struct well_side, head) >= WELL_LINE,
		   "head and tail are written by different sides");
WELL_STATIC_ASSERT(offsetof(struct well_side, tail) % WELL_LINE == 0,
		   "tail starts a cache line");

/* Largest block count: counters stay far from wrapping ambiguity. */
#define WELL_MAX_COUNT	(((size_t)-1 >> 2) + 1)

/* Round @v up to a power of two; 0 when it does not fit in size_t. */
static size_t well_roundup_pow2(size_t v)
{
	size_t p = 1;

	while (p < v) {
		if (p > ((size_t)-1 >> 1))
			return 0;
		p <<= 1;
	}
	return p;
}

static unsigned int well_log2(size_t pow2)
{
	unsigned int shift = 0;

	while (pow2 >>= 1)
		shift++;
	return shift;
}

/**
 * well_params() - compute the geometry of a well.
 * @blk_size: minimum bytes per block; rounded up to a power of two.
 * @blk_count: minimum number of blocks; rounded up to a power of two.
 * @out: the well to set up; left untouched on error.
 *
 * Return: 0, -EINVAL for a zero size or count, -EOVERFLOW when the rounded
 * sizes or their product do not fit (block count above 2^62 on 64-bit).
 */
int well_params(size_t blk_size, size_t blk_count, struct well *out)
{
	size_t size, count;

	if (!out || !blk_size || !blk_count)
		return -WELL_EINVAL;
	size = well_roundup_pow2(blk_size);
	count = well_roundup_pow2(blk_count);
	if (!size || !count || count > WELL_MAX_COUNT ||
	    size > (size_t)-1 / count)
		return -WELL_EOVERFLOW;

	out->blk_size = size;
	out->blk_count = count;
	out->blk_mask = count - 1;
	out->blk_shift = well_log2(size);
	out->mem = NULL;
	return 0;
}

static void well_sym_init(struct well_side *sym, size_t bias, size_t limit)
{
	well_store_relaxed(&sym->head, 0);
	well_store_relaxed(&sym->seen, 0);
	well_store_relaxed(&sym->tail, 0);
	sym->bias = bias;
	sym->limit = limit;
}

/**
 * well_init() - make a well ready for use over @mem.
 * @w: a well set up by well_params().
 * @mem: well_size(@w) bytes owned by the caller; never touched here.
 *
 * All blocks start on the tx side. Not safe against concurrent use of @w:
 * publish @w to other threads after this returns.
 *
 * Return: 0, or -EINVAL when @mem is NULL or @w has no geometry.
 */
int well_init(struct well *w, void *mem)
{
	if (!w || !mem || !w->blk_count)
		return -WELL_EINVAL;
	w->mem = mem;
	well_sym_init(&w->tx, w->blk_count, w->blk_count);
	well_sym_init(&w->rx, 0, w->blk_count);
	return 0;
}

/**
 * well_deinit() - forget the memory of a well.
 * @w: the well; no thread may use it any more.
 *
 * The caller frees the memory it gave to well_init().
 */
void well_deinit(struct well *w)
{
	if (w)
		w->mem = NULL;
}

/**
 * well_size() - bytes of memory the caller provides to well_init().
 * @w: a well set up by well_params().
 *
 * Return: blk_size * blk_count.
 */
size_t well_size(const struct well *w)
{
	return w->blk_size * w->blk_count;
}

/**
 * well_blk_size() - bytes per block.
 * @w: a well set up by well_params().
 *
 * Return: the block size, a power of two.
 */
size_t well_blk_size(const struct well *w)
{
	return w->blk_size;
}

/**
 * well_blk_count() - blocks in the ring.
 * @w: a well set up by well_params().
 *
 * Return: the block count, a power of two.
 */
size_t well_blk_count(const struct well *w)
{
	return w->blk_count;
}

/*
 * Blocks available to a reserver that saw @head, given a @tail value.
 * Counters only grow, so a stale @tail gives a smaller, safe amount; a
 * value outside [0, limit] (a @seen older than @head, or a scribbled
 * counter) means nothing is available.
 */
static inline size_t well_amount(const struct well_side *sym, size_t tail,
				 size_t head)
{
	size_t amount = tail + sym->bias - head;

	return amount <= sym->limit ? amount : 0;
}

static inline size_t well_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

/**
 * well_reserve() - reserve up to @max blocks from one side of a well.
 * @from: the side to reserve from (&w->tx to produce, &w->rx to consume).
 * @pos: where to store the position token for well_access() and release.
 * @max: most blocks wanted; (size_t)-1 for all that are available.
 *
 * Safe with any number of threads reserving from @from at once. Never
 * waits: scheduling decisions belong to the caller.
 *
 * Return: blocks reserved, 0 when none are available (*@pos untouched).
 */
size_t well_reserve(struct well_side *from, size_t *pos, size_t max)
{
	/* A2: pairs with the R2 CAS below in other reservers. */
	size_t head = well_load_acquire(&from->head);
	size_t amount;

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
 * well_reserve_single() - well_reserve() for a side with one reserver.
 * @from: the side to reserve from; no other thread reserves from it.
 * @pos: where to store the position token.
 * @max: most blocks wanted; (size_t)-1 for all that are available.
 *
 * The fast path for a single producer or a single consumer: no atomic
 * read-modify-write. Do not mix with well_reserve() on the same side.
 *
 * Return: blocks reserved, 0 when none are available (*@pos untouched).
 */
size_t well_reserve_single(struct well_side *from, size_t *pos, size_t max)
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
 * well_peek() - blocks available to reserve from a side, without reserving.
 * @from: the side to look at.
 *
 * A snapshot: other threads may change it before the caller acts on it.
 *
 * Return: blocks a well_reserve() on @from could get now.
 */
size_t well_peek(const struct well_side *from)
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
void well_release_single(struct well_side *to, size_t count)
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
size_t well_release_multi(struct well_side *to, size_t count, size_t pos)
{
	size_t expected = pos;

	if (!count)
		return 0;
	/* R1 and R4: pairs with A1 in reservers and with earlier releasers. */
	return well_cas_acq_rel(&to->tail, &expected, pos + count) ? count : 0;
}
