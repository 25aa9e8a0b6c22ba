// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ring_well.c - the well in the ring benchmark.
 *
 * Items live in the blocks: the producer writes each one in place and the
 * consumer reads it in place, one block per item (8 or 64 bytes), walking
 * each reservation's contiguous runs from well_span().
 * SP/SC cases use well_reserve_single() and well_release_single() on both
 * sides, MP/MC cases well_reserve() and well_release_multi().
 */
#include <stdio.h>
#include <stdlib.h>

#include <well.h>
#include "ring_harness.h"

/* Move up to @want items, from number @seq on, into the ring. */
RING_INLINE size_t well_put(struct well *w, uint64_t seq, size_t want,
			    size_t words, bool multi)
{
	size_t pos, got;

	if (multi)
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
RING_INLINE size_t well_get(struct well *w, size_t want, size_t words,
			    bool multi, uint64_t *sum)
{
	size_t pos, got;

	if (multi)
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

RING_INLINE void well_produce(struct ring_ctx *ctx, size_t words, bool multi)
{
	struct well *w = ctx->ring;
	uint64_t items = ctx->c->items, seq = 0;
	size_t batch = ctx->c->batch;

	ring_go(ctx, true);
	while (seq < items) {
		size_t got = well_put(w, seq, ring_min(batch, items - seq),
				      words, multi);

		if (!got)
			ring_relax();
		seq += got;
	}
	ring_done(ctx, true);
}

RING_INLINE void well_consume(struct ring_ctx *ctx, size_t words, bool multi)
{
	struct well *w = ctx->ring;
	uint64_t items = ctx->c->items, seen = 0, sum = 0;
	size_t batch = ctx->c->batch;

	ring_go(ctx, false);
	while (seen < items) {
		size_t got = well_get(w, ring_min(batch, items - seen), words,
				      multi, &sum);

		if (!got)
			ring_relax();
		seen += got;
	}
	ring_done(ctx, false);
	ctx->sum = sum;
}

RING_INLINE void well_shuttle(struct ring_ctx *ctx, size_t words, bool multi)
{
	struct well *w = ctx->ring;
	uint64_t items = ctx->c->items, seq = 0, sum = 0;
	size_t batch = ctx->c->batch;

	while (seq < items) {
		seq += well_put(w, seq, ring_min(batch, items - seq), words,
				multi);
		well_get(w, batch, words, multi, &sum);
	}
	ctx->sum = sum;
}

static void *well_producer(void *arg)
{
	struct ring_ctx *ctx = arg;

	RING_SPECIALISE(well_produce, ctx);
	return NULL;
}

static void *well_consumer(void *arg)
{
	struct ring_ctx *ctx = arg;

	RING_SPECIALISE(well_consume, ctx);
	return NULL;
}

static struct well *well_make(const struct ring_case *c)
{
	struct well *w = ring_alloc(sizeof(*w));

	if (well_params(c->words * sizeof(uint64_t), RING_SLOTS, w) ||
	    well_blk_count(w) != RING_SLOTS ||
	    well_init(w, ring_alloc(well_size(w)))) {
		fprintf(stderr, "ring_bench: well set-up failed\n");
		free(w);
		return NULL;
	}
	return w;
}

static void well_unmake(struct well *w)
{
	free(w->mem);
	well_deinit(w);
	free(w);
}

static int well_run(const struct ring_case *c, struct ring_result *res)
{
	struct ring_ctx ctx = { .c = c };
	struct well *w = well_make(c);

	if (!w)
		return -1;
	ctx.ring = w;
	ring_pair(&ctx, well_producer, well_consumer, res);
	well_unmake(w);
	return 0;
}

static int well_serial(const struct ring_case *c, struct ring_result *res)
{
	struct ring_ctx ctx = { .c = c };
	struct well *w = well_make(c);

	if (!w)
		return -1;
	ctx.ring = w;
	ctx.t0 = ring_now_ns();
	RING_SPECIALISE(well_shuttle, &ctx);
	res->ns = ring_now_ns() - ctx.t0;
	res->sum = ctx.sum;
	res->switches = 0;
	well_unmake(w);
	return 0;
}

const struct ring_impl ring_impl_well = {
	.name = "well",
	.run = well_run,
	.serial = well_serial,
};
