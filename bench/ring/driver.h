/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * driver.h - the loops every ring peer runs, written once.
 *
 * A peer (well.c, dpdk.c, ck.c) supplies two inline functions,
 *
 *   size_t put(void *ring, struct ring_stage *st, uint64_t seq,
 *              size_t want, size_t words, bool multi);
 *	moves up to @want items, numbered from @seq, into the ring and
 *	returns how many it moved (0: full);
 *   size_t get(void *ring, size_t want, size_t words, bool multi,
 *              uint64_t *sum);
 *	takes up to @want items out, adding every word to *@sum, and
 *	returns how many it took (0: empty);
 *
 * plus its make and unmake, and names them in RING_PEER(). The driver below
 * is always_inline and gets put and get as constants, so each peer's
 * loops are compiled with its own put/get inlined, once per item size and
 * code path (RING_SPECIALISE()): the same code as a loop written by hand
 * in the peer's file.
 */
#ifndef RING_DRIVER_H
#define RING_DRIVER_H

#include "harness.h"

/**
 * struct ring_stage - items the producer has written but the ring has not
 * taken yet; for a peer that copies items in from a buffer of its
 * caller's (rte_ring). The others ignore it, and it costs them nothing.
 * @buf: the items.
 * @off: the first item not yet taken.
 * @len: items written.
 */
struct ring_stage {
	uint64_t buf[RING_MAX_BATCH * RING_MAX_WORDS];
	size_t off;
	size_t len;
};

typedef size_t ring_put_fn(void *ring, struct ring_stage *st, uint64_t seq,
			   size_t want, size_t words, bool multi);
typedef size_t ring_get_fn(void *ring, size_t want, size_t words,
			   bool multi, uint64_t *sum);

/* The producer's thread: every item of the case, in batches. */
RING_INLINE void ring_produce(struct ring_ctx *ctx, size_t words, bool multi,
			      ring_put_fn *put)
{
	struct ring_stage st = { .off = 0, .len = 0 };
	uint64_t items = ctx->c->items, seq = 0;
	size_t batch = ctx->c->batch;
	void *ring = ctx->ring;

	ring_go(ctx, true);
	while (seq < items) {
		size_t done = put(ring, &st, seq,
				  ring_min(batch, items - seq), words, multi);

		if (!done)
			ring_relax();
		seq += done;
	}
	ring_done(ctx, true);
}

/* The consumer's thread: every item of the case, summed. */
RING_INLINE void ring_consume(struct ring_ctx *ctx, size_t words, bool multi,
			      ring_get_fn *get)
{
	uint64_t items = ctx->c->items, seen = 0, sum = 0;
	size_t batch = ctx->c->batch;
	void *ring = ctx->ring;

	ring_go(ctx, false);
	while (seen < items) {
		size_t got = get(ring, ring_min(batch, items - seen),
				 words, multi, &sum);

		if (!got)
			ring_relax();
		seen += got;
	}
	ring_done(ctx, false);
	ctx->sum = sum;
}

/* One thread: a batch in, then a batch out (ring_bench -s). */
RING_INLINE void ring_shuttle(struct ring_ctx *ctx, size_t words, bool multi,
			      ring_put_fn *put, ring_get_fn *get)
{
	struct ring_stage st = { .off = 0, .len = 0 };
	uint64_t items = ctx->c->items, seq = 0, sum = 0;
	size_t batch = ctx->c->batch;
	void *ring = ctx->ring;

	while (seq < items) {
		seq += put(ring, &st, seq, ring_min(batch, items - seq), words,
			   multi);
		get(ring, batch, words, multi, &sum);
	}
	ctx->sum = sum;
}

/*
 * RING_PEER() - the thread functions of a peer and its struct ring_impl,
 * ring_impl_@id, named @title in the table.
 */
#define RING_PEER(id, title, put_fn, get_fn, make_fn, unmake_fn)			\
static void *id##_producer(void *arg)					\
{									\
	RING_SPECIALISE(ring_produce, (struct ring_ctx *)arg, put_fn);	\
	return NULL;							\
}									\
static void *id##_consumer(void *arg)					\
{									\
	RING_SPECIALISE(ring_consume, (struct ring_ctx *)arg, get_fn);	\
	return NULL;							\
}									\
static void id##_shuttle(struct ring_ctx *ctx)				\
{									\
	RING_SPECIALISE(ring_shuttle, ctx, put_fn, get_fn);			\
}									\
const struct ring_impl ring_impl_##id = {				\
	.name = title,							\
	.make = make_fn,							\
	.unmake = unmake_fn,						\
	.producer = id##_producer,					\
	.consumer = id##_consumer,					\
	.shuttle = id##_shuttle,					\
}

#endif /* RING_DRIVER_H */
