// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ring_ck.c - Concurrency Kit's ck_ring in the ring benchmark.
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

#include "ring_harness.h"

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
RING_INLINE size_t ck_put(struct ck_bench_ring *r, uint64_t seq, size_t want,
			  size_t words, bool multi)
{
	size_t i;

	for (i = 0; i < want; i++)
		if (!ck_put1(r, seq + i, words, multi))
			break;
	return i;
}

/* Take up to @want items out of the ring, adding their words to @sum. */
RING_INLINE size_t ck_get(struct ck_bench_ring *r, size_t want, size_t words,
			  bool multi, uint64_t *sum)
{
	size_t i;

	for (i = 0; i < want; i++)
		if (!ck_get1(r, words, multi, sum))
			break;
	return i;
}

RING_INLINE void ck_produce(struct ring_ctx *ctx, size_t words, bool multi)
{
	struct ck_bench_ring *r = ctx->ring;
	uint64_t items = ctx->c->items, seq = 0;
	size_t batch = ctx->c->batch;

	ring_go(ctx, true);
	while (seq < items) {
		size_t done = ck_put(r, seq, ring_min(batch, items - seq),
				     words, multi);

		if (!done)
			ring_relax();
		seq += done;
	}
	ring_done(ctx, true);
}

RING_INLINE void ck_consume(struct ring_ctx *ctx, size_t words, bool multi)
{
	struct ck_bench_ring *r = ctx->ring;
	uint64_t items = ctx->c->items, seen = 0, sum = 0;
	size_t batch = ctx->c->batch;

	ring_go(ctx, false);
	while (seen < items) {
		size_t got = ck_get(r, ring_min(batch, items - seen), words,
				    multi, &sum);

		if (!got)
			ring_relax();
		seen += got;
	}
	ring_done(ctx, false);
	ctx->sum = sum;
}

RING_INLINE void ck_shuttle(struct ring_ctx *ctx, size_t words, bool multi)
{
	struct ck_bench_ring *r = ctx->ring;
	uint64_t items = ctx->c->items, seq = 0, sum = 0;
	size_t batch = ctx->c->batch;

	while (seq < items) {
		seq += ck_put(r, seq, ring_min(batch, items - seq), words,
			      multi);
		ck_get(r, batch, words, multi, &sum);
	}
	ctx->sum = sum;
}

static void *ck_producer(void *arg)
{
	struct ring_ctx *ctx = arg;

	RING_SPECIALISE(ck_produce, ctx);
	return NULL;
}

static void *ck_consumer(void *arg)
{
	struct ring_ctx *ctx = arg;

	RING_SPECIALISE(ck_consume, ctx);
	return NULL;
}

static struct ck_bench_ring *ck_make(const struct ring_case *c)
{
	struct ck_bench_ring *r = ring_alloc(sizeof(*r));

	ck_ring_init(&r->ring, RING_SLOTS);
	r->slots = ring_alloc(RING_SLOTS * c->words * sizeof(uint64_t));
	return r;
}

static void ck_unmake(struct ck_bench_ring *r)
{
	free(r->slots);
	free(r);
}

static int ck_run(const struct ring_case *c, struct ring_result *res)
{
	struct ring_ctx ctx = { .c = c };
	struct ck_bench_ring *r = ck_make(c);

	ctx.ring = r;
	ring_pair(&ctx, ck_producer, ck_consumer, res);
	ck_unmake(r);
	return 0;
}

static int ck_serial(const struct ring_case *c, struct ring_result *res)
{
	struct ring_ctx ctx = { .c = c };
	struct ck_bench_ring *r = ck_make(c);

	ctx.ring = r;
	ctx.t0 = ring_now_ns();
	RING_SPECIALISE(ck_shuttle, &ctx);
	res->ns = ring_now_ns() - ctx.t0;
	res->sum = ctx.sum;
	res->switches = 0;
	ck_unmake(r);
	return 0;
}

const struct ring_impl ring_impl_ck = {
	.name = "ck_ring",
	.run = ck_run,
	.serial = ck_serial,
};
