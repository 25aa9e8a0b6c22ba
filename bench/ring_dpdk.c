// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ring_dpdk.c - DPDK's rte_ring in the ring benchmark.
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

#include "ring_harness.h"

/* The producer's items written but not yet taken by the ring. */
struct dpdk_stage {
	uint64_t buf[RING_MAX_BATCH * RING_MAX_WORDS];
	size_t off;
	size_t len;
};

/* Move up to @want items, from number @seq on, into the ring. */
RING_INLINE size_t dpdk_put(struct rte_ring *r, struct dpdk_stage *st,
			    uint64_t seq, size_t want, size_t words,
			    bool multi)
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
RING_INLINE size_t dpdk_get(struct rte_ring *r, size_t want, size_t words,
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

RING_INLINE void dpdk_produce(struct ring_ctx *ctx, size_t words, bool multi)
{
	struct rte_ring *r = ctx->ring;
	struct dpdk_stage st = { .off = 0, .len = 0 };
	uint64_t items = ctx->c->items, seq = 0;
	size_t batch = ctx->c->batch;

	ring_go(ctx, true);
	while (seq < items) {
		size_t done = dpdk_put(r, &st, seq,
				       ring_min(batch, items - seq), words,
				       multi);

		if (!done)
			ring_relax();
		seq += done;
	}
	ring_done(ctx, true);
}

RING_INLINE void dpdk_consume(struct ring_ctx *ctx, size_t words, bool multi)
{
	struct rte_ring *r = ctx->ring;
	uint64_t items = ctx->c->items, seen = 0, sum = 0;
	size_t batch = ctx->c->batch;

	ring_go(ctx, false);
	while (seen < items) {
		size_t got = dpdk_get(r, ring_min(batch, items - seen), words,
				      multi, &sum);

		if (!got)
			ring_relax();
		seen += got;
	}
	ring_done(ctx, false);
	ctx->sum = sum;
}

RING_INLINE void dpdk_shuttle(struct ring_ctx *ctx, size_t words, bool multi)
{
	struct rte_ring *r = ctx->ring;
	struct dpdk_stage st = { .off = 0, .len = 0 };
	uint64_t items = ctx->c->items, seq = 0, sum = 0;
	size_t batch = ctx->c->batch;

	while (seq < items) {
		seq += dpdk_put(r, &st, seq, ring_min(batch, items - seq),
				words, multi);
		dpdk_get(r, batch, words, multi, &sum);
	}
	ctx->sum = sum;
}

static void *dpdk_producer(void *arg)
{
	struct ring_ctx *ctx = arg;

	RING_SPECIALISE(dpdk_produce, ctx);
	return NULL;
}

static void *dpdk_consumer(void *arg)
{
	struct ring_ctx *ctx = arg;

	RING_SPECIALISE(dpdk_consume, ctx);
	return NULL;
}

static struct rte_ring *dpdk_make(const struct ring_case *c)
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

static int dpdk_run(const struct ring_case *c, struct ring_result *res)
{
	struct ring_ctx ctx = { .c = c };
	struct rte_ring *r = dpdk_make(c);

	if (!r)
		return -1;
	ctx.ring = r;
	ring_pair(&ctx, dpdk_producer, dpdk_consumer, res);
	free(r);
	return 0;
}

static int dpdk_serial(const struct ring_case *c, struct ring_result *res)
{
	struct ring_ctx ctx = { .c = c };
	struct rte_ring *r = dpdk_make(c);

	if (!r)
		return -1;
	ctx.ring = r;
	ctx.t0 = ring_now_ns();
	RING_SPECIALISE(dpdk_shuttle, &ctx);
	res->ns = ring_now_ns() - ctx.t0;
	res->sum = ctx.sum;
	res->switches = 0;
	free(r);
	return 0;
}

const struct ring_impl ring_impl_dpdk = {
	.name = "rte_ring",
	.run = dpdk_run,
	.serial = dpdk_serial,
};
