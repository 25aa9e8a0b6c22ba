// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well.c - the well in the ring benchmark: its put, get and set-up.
 *
 * Items live in the blocks: the producer writes each one in place and the
 * consumer reads it in place, one block per item (8 or 64 bytes), walking
 * each reservation's contiguous runs from well_span().
 * SP/SC cases use well_reserve_single() and well_release_single() on both
 * sides, MP/MC cases well_reserve() and well_release_multi(). The seed-*
 * and decl-* cases are SP/SC with well_reserve(), on sides left as
 * well_init() sets them up or declared with well_set_single().
 */
#include <stdio.h>
#include <stdlib.h>

#include <well.h>
#include "driver.h"

/* The well, and whether SP/SC calls well_reserve() (seed-*, decl-*). */
struct well_ring {
	struct well w;
	bool reserve_any;
};

/* Move up to @want items, from number @seq on, into the ring. */
RING_INLINE size_t well_put(void *ring, struct ring_stage *st, uint64_t seq,
			    size_t want, size_t words, bool multi)
{
	struct well_ring *r = ring;
	struct well *w = &r->w;
	size_t pos, got;

	(void)st;	/* well's items are written in place */

	if (multi || r->reserve_any)
		got = well_reserve(&w->tx, &pos, want);
	else
		got = well_reserve_single(&w->tx, &pos, want);
	if (!got)
		return 0;
	for (size_t done = 0, run; done < got; done += run) {
		uint64_t *blk = well_span(w, pos + done, got - done, &run);

		for (size_t i = 0; i < run; i++)
			ring_item_fill(blk + i * words, words, seq + done + i);
	}
	if (multi) {
		while (!well_release_multi(&w->rx, got, pos))
			ring_relax();
	} else {
		well_release_single(&w->rx, got);
	}
	return got;
}

/* Take up to @want items out of the ring, adding their words to @sum. */
RING_INLINE size_t well_get(void *ring, size_t want, size_t words,
			    bool multi, uint64_t *sum)
{
	struct well_ring *r = ring;
	struct well *w = &r->w;
	size_t pos, got;

	if (multi || r->reserve_any)
		got = well_reserve(&w->rx, &pos, want);
	else
		got = well_reserve_single(&w->rx, &pos, want);
	if (!got)
		return 0;
	for (size_t done = 0, run; done < got; done += run) {
		const uint64_t *blk = well_span(w, pos + done, got - done,
						&run);

		for (size_t i = 0; i < run; i++)
			*sum += ring_item_sum(blk + i * words, words);
	}
	if (multi) {
		while (!well_release_multi(&w->tx, got, pos))
			ring_relax();
	} else {
		well_release_single(&w->tx, got);
	}
	return got;
}

static void *well_make(const struct ring_case *c)
{
	struct well_ring *r = ring_alloc(sizeof(*r));
	struct well *w = &r->w;

	if (well_params(c->words * sizeof(uint64_t), RING_SLOTS, w) ||
	    well_blk_count(w) != RING_SLOTS ||
	    well_init(w, ring_alloc(well_size(w)))) {
		fprintf(stderr, "ring_bench: well set-up failed\n");
		free(r);
		return NULL;
	}
	r->reserve_any = c->seed != 0;
	if (c->seed == 2) {
		well_set_single(&w->tx);
		well_set_single(&w->rx);
	}
	return r;
}

static void well_unmake(void *ring)
{
	struct well_ring *r = ring;

	free(r->w.mem);
	well_deinit(&r->w);
	free(r);
}

RING_PEER(well, "well", well_put, well_get, well_make, well_unmake);
