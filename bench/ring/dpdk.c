// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dpdk.c - DPDK's rte_ring in the ring benchmark: its put, get and set-up.
 *
 * The ring holds the items themselves (the _elem API, esize 8 or 64). The
 * producer writes a batch into a staging array that rte_ring copies in;
 * the consumer has rte_ring copy a batch out and reads it there. SP/SC
 * cases use rte_ring_sp_enqueue_burst_elem() and the sc dequeue on a ring
 * made with RING_F_SP_ENQ | RING_F_SC_DEQ, MP/MC cases the mp/mc calls on
 * a ring made with no flags. The ring lives in our own memory, set up with
 * rte_ring_get_memsize_elem() and rte_ring_init(): no EAL.
 */
#include <stdio.h>
#include <stdlib.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "driver.h"

/* Move up to @want items, from number @seq on, into the ring. */
RING_INLINE size_t dpdk_put(void *r, struct ring_stage *st, uint64_t seq,
			    size_t want, size_t words, bool multi)
{
	unsigned int esize = words * sizeof(uint64_t), done;
	const uint64_t *from;

	if (st->off == st->len) {
		for (size_t i = 0; i < want; i++)
			ring_item_fill(st->buf + i * words, words, seq + i);
		st->off = 0;
		st->len = want;
	}
	from = st->buf + st->off * words;
	if (multi)
		done = rte_ring_mp_enqueue_burst_elem(r, from, esize,
						      st->len - st->off, NULL);
	else
		done = rte_ring_sp_enqueue_burst_elem(r, from, esize,
						      st->len - st->off, NULL);
	st->off += done;
	return done;
}

/* Take up to @want items out of the ring, adding their words to @sum. */
RING_INLINE size_t dpdk_get(void *r, size_t want, size_t words,
			    bool multi, uint64_t *sum)
{
	uint64_t buf[RING_MAX_BATCH * RING_MAX_WORDS];
	unsigned int esize = words * sizeof(uint64_t), got;

	if (multi)
		got = rte_ring_mc_dequeue_burst_elem(r, buf, esize, want, NULL);
	else
		got = rte_ring_sc_dequeue_burst_elem(r, buf, esize, want, NULL);
	for (size_t i = 0; i < got; i++)
		*sum += ring_item_sum(buf + i * words, words);
	return got;
}

static void *dpdk_make(const struct ring_case *c)
{
	unsigned int esize = c->words * sizeof(uint64_t);
	unsigned int flags = c->multi ? 0 : RING_F_SP_ENQ | RING_F_SC_DEQ;
	ssize_t size = rte_ring_get_memsize_elem(esize, RING_SLOTS);
	struct rte_ring *r;

	if (size < 0) {
		fprintf(stderr, "ring_bench: rte_ring_get_memsize_elem: %zd\n",
			size);
		return NULL;
	}
	r = ring_alloc(size);
	if (rte_ring_init(r, "ring_bench", RING_SLOTS, flags)) {
		fprintf(stderr, "ring_bench: rte_ring_init failed\n");
		free(r);
		return NULL;
	}
	return r;
}

RING_PEER(dpdk, "rte_ring", dpdk_put, dpdk_get, dpdk_make, free);
