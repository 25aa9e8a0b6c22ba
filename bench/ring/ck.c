// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ck.c - Concurrency Kit's ck_ring in the ring benchmark: its put, get
 * and set-up.
 *
 * ck_ring's pointer interface holds 8 bytes; CK_RING_PROTOTYPE() gives
 * typed rings that hold items of any size, used here for both 8- and
 * 64-byte items. ck_ring moves one item per call and has no batch call:
 * a batch of N is N calls, stopping early when the ring is full or empty.
 * The producer writes each item on its stack and ck_ring copies it into
 * the slot; the consumer has ck_ring copy it out and reads the copy. SP/SC
 * cases use the spsc calls, MP/MC cases the mpmc calls.
 */
#include <stdio.h>
#include <stdlib.h>

#include <ck_ring.h>

#include "driver.h"

struct ck_item8 {
	uint64_t w[1];
};

struct ck_item64 {
	uint64_t w[RING_MAX_WORDS];
};

CK_RING_PROTOTYPE(item8, ck_item8)
CK_RING_PROTOTYPE(item64, ck_item64)

/* A ring and its slots. */
struct ck_bench_ring {
	struct ck_ring ring;
	void *slots;
};

/* Move one item into the ring; false when it is full. */
RING_INLINE bool ck_put1(struct ck_bench_ring *r, uint64_t seq, size_t words,
			 bool multi)
{
	if (words == 1) {
		struct ck_item8 it;

		ring_item_fill(&it, words, seq);
		if (multi)
			return ck_ring_enqueue_mpmc_item8(&r->ring, r->slots,
							  &it);
		return ck_ring_enqueue_spsc_item8(&r->ring, r->slots, &it);
	}
	struct ck_item64 it;

	ring_item_fill(&it, words, seq);
	if (multi)
		return ck_ring_enqueue_mpmc_item64(&r->ring, r->slots, &it);
	return ck_ring_enqueue_spsc_item64(&r->ring, r->slots, &it);
}

/* Take one item out of the ring and add its words to @sum. */
RING_INLINE bool ck_get1(struct ck_bench_ring *r, size_t words, bool multi,
			 uint64_t *sum)
{
	bool ok;

	if (words == 1) {
		struct ck_item8 it;

		if (multi)
			ok = ck_ring_dequeue_mpmc_item8(&r->ring, r->slots, &it);
		else
			ok = ck_ring_dequeue_spsc_item8(&r->ring, r->slots, &it);
		if (ok)
			*sum += ring_item_sum(&it, words);
	} else {
		struct ck_item64 it;

		if (multi)
			ok = ck_ring_dequeue_mpmc_item64(&r->ring, r->slots,
							 &it);
		else
			ok = ck_ring_dequeue_spsc_item64(&r->ring, r->slots,
							 &it);
		if (ok)
			*sum += ring_item_sum(&it, words);
	}
	return ok;
}

/* Move up to @want items, from number @seq on, into the ring. */
RING_INLINE size_t ck_put(void *ring, struct ring_stage *st, uint64_t seq,
			  size_t want, size_t words, bool multi)
{
	struct ck_bench_ring *r = ring;
	size_t i;

	(void)st;	/* ck_ring copies each item from the stack */
	for (i = 0; i < want; i++)
		if (!ck_put1(r, seq + i, words, multi))
			break;
	return i;
}

/* Take up to @want items out of the ring, adding their words to @sum. */
RING_INLINE size_t ck_get(void *ring, size_t want, size_t words, bool multi,
			  uint64_t *sum)
{
	struct ck_bench_ring *r = ring;
	size_t i;

	for (i = 0; i < want; i++)
		if (!ck_get1(r, words, multi, sum))
			break;
	return i;
}

static void *ck_make(const struct ring_case *c)
{
	struct ck_bench_ring *r = ring_alloc(sizeof(*r));

	ck_ring_init(&r->ring, RING_SLOTS);
	r->slots = ring_alloc(RING_SLOTS * c->words * sizeof(uint64_t));
	return r;
}

static void ck_unmake(void *ring)
{
	struct ck_bench_ring *r = ring;

	free(r->slots);
	free(r);
}

RING_PEER(ck, "ck_ring", ck_put, ck_get, ck_make, ck_unmake);
