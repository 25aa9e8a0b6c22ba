// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well.c - set-up of a lock-free ring of blocks, and the out-of-line copy
 * of the hot path that include/well.h defines inline (reserve, release,
 * peek), so that libwell exports every function of well.h.
 *
 * Orderings of the hot path (Documentation/well/memory-model.rst has the
 * full table; each tag is a comment at its operation in well.h):
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
/* well.h, with the hot path's names free for the exported copies below. */
#include "well_export.h"
#include "port.h"

WELL_STATIC_ASSERT(sizeof(size_t) == sizeof(void *), "size_t holds a pointer");

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
 * All blocks start on the tx side, and both sides take any number of
 * reservers (see well_set_single()). Not safe against concurrent use of
 * @w: publish @w to other threads after this returns.
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
 * well_set_single() - declare that one thread at a time reserves from a side.
 * @from: a side of a well just set up by well_init() (&w->tx for a single
 *        producer, &w->rx for a single consumer).
 *
 * From then on well_reserve() on @from is well_reserve_single(): no
 * compare-and-swap, no retry loop. Like rte_ring's single-producer and
 * single-consumer flags, it is a promise by the caller: two threads that
 * reserve from @from at once, through either function, would get the same
 * blocks. The reserver may change, when the caller orders the hand-over
 * (a lock, a thread join). Call it after well_init(), which clears it,
 * and before the well is shared with other threads; releases are not
 * affected (pick well_release_single() or well_release_multi() as before).
 */
void well_set_single(struct well_side *from)
{
	if (from)
		from->limit |= WELL_SIDE_SINGLE;
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
 * The exported copies of well.h's hot path, for binaries that call the
 * library (older ones, other languages); well.h has their kernel-doc.
 */
size_t well_reserve(struct well_side *from, size_t *pos, size_t max)
{
	return well_reserve_inline(from, pos, max);
}

size_t well_reserve_single(struct well_side *from, size_t *pos, size_t max)
{
	return well_reserve_single_inline(from, pos, max);
}

/* well_reserve_exact(): kernel-doc in include/well.h. */
size_t well_reserve_exact(struct well_side *from, size_t *pos, size_t n)
{
	/* A2: pairs with the R2 CAS below in other reservers. */
	size_t head = well_load_acquire(&from->head);
	size_t amount;

	if (!n)
		return 0;
	do {
		/* A3: pairs with R3 below in other reservers. */
		size_t tail = well_load_acquire(&from->seen);

		amount = well_amount(from, tail, head);
		if (amount < n) {
			/* A1: pairs with R1 in the other side's releasers. */
			size_t fresh = well_load_acquire(&from->tail);

			if (fresh != tail) {
				/* R3: pairs with A3 above in other reservers. */
				well_store_release(&from->seen, fresh);
				amount = well_amount(from, fresh, head);
			}
		}
		if (amount < n)
			return 0;
		/* R2/A2: pairs with the A2 load above in other reservers. */
	} while (!well_cas_acq_rel(&from->head, &head, head + n));

	*pos = head;
	return n;
}

size_t well_peek(const struct well_side *from)
{
	return well_peek_inline(from);
}

void well_release_single(struct well_side *to, size_t count)
{
	well_release_single_inline(to, count);
}

size_t well_release_multi(struct well_side *to, size_t count, size_t pos)
{
	return well_release_multi_inline(to, count, pos);
}
