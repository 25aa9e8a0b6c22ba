// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The return path: consumers write a reply into each block they reserved
 * from rx and release it into tx; a producer that later reserves the block
 * from tx finds the reply there. The block at position q carries request q
 * to the consumers and reply ~q back, so a producer reserving position q
 * must find reply ~(q - blk_count), from the previous lap.
 */
#include "scenario.h"
#include <well.h>

static uint64_t reply(uint64_t q)
{
	return ~q;
}

TEST(reply_comes_back_to_tx)
{
	uint64_t mem[8];
	struct well w;
	size_t pos, i;

	ASSERT_EQ(0, well_params(sizeof(uint64_t), 8, &w));
	ASSERT_EQ(0, well_init(&w, mem));
	ASSERT_EQ(4, well_reserve(&w.tx, &pos, 4));
	for (i = 0; i < 4; i++)
		*WELL_DEREF(uint64_t, pos, i, &w) = pos + i;
	well_release_single(&w.rx, 4);

	ASSERT_EQ(4, well_reserve(&w.rx, &pos, (size_t)-1));
	for (i = 0; i < 4; i++) {
		uint64_t *b = WELL_DEREF(uint64_t, pos, i, &w);

		ASSERT_EQ(pos + i, *b);
		*b = reply(*b);
	}
	well_release_single(&w.tx, 4);

	/* Positions 4..7 were never used; 8..11 are the replied blocks. */
	ASSERT_EQ(8, well_reserve(&w.tx, &pos, (size_t)-1));
	ASSERT_EQ(4, pos);
	for (i = 4; i < 8; i++)
		EXPECT_EQ(reply(pos + i - 8), *WELL_DEREF(uint64_t, pos, i, &w));
}

KSTM_SCENARIO(well_return)
{
	KSTM_RUN(reply_comes_back_to_tx);
}

#ifndef __KERNEL__
/* Host only: producer and consumer threads (pthread, C11 atomics). */
#include "well_crew.h"
#include "well_fail.h"
#include "well_seed.h"
#include "well_sides.h"

#define MAX_BATCH	12

struct worker {
	struct well_crew_hand hand;
	uint64_t rng;
	uint64_t replies;
	struct well_fail fail;
};

FIXTURE(ring) {
	struct well_crew s;
	struct worker *workers;
};

FIXTURE_VARIANT(ring) {
	unsigned int producers;
	unsigned int consumers;
};

FIXTURE_VARIANT_ADD(ring, spsc) {
	.producers = 1, .consumers = 1,
};

FIXTURE_VARIANT_ADD(ring, mpmc) {
	.producers = 2, .consumers = 2,
};

FIXTURE_SETUP(ring)
{
	unsigned int nr = variant->producers + variant->consumers, i;
	uint64_t seed = well_seed(_metadata->name);

	ASSERT_EQ(0, well_crew_init(&self->s, sizeof(uint64_t), 32,
				    variant->producers, variant->consumers,
				    300000 / variant->producers));
	self->workers = calloc(nr, sizeof(*self->workers));
	ASSERT_NE(NULL, self->workers);
	for (i = 0; i < nr; i++)
		self->workers[i].rng = seed ^ ((uint64_t)i << 56);
}

FIXTURE_TEARDOWN(ring)
{
	free(self->workers);
	well_crew_deinit(&self->s);
}

static void *producer(void *arg)
{
	struct worker *wk = arg;
	struct well_crew *s = wk->hand.crew;
	bool multi = s->producers > 1;
	size_t count = well_blk_count(&s->w);
	uint64_t left = s->per_producer;
	size_t pos, got, i, want;

	while (left) {
		want = 1 + well_seed_below(&wk->rng, MAX_BATCH);
		if (want > left)
			want = left;
		while (!(got = well_take(&s->w.tx, &pos, want, multi)))
			sched_yield();
		for (i = 0; i < got; i++) {
			uint64_t *b = WELL_DEREF(uint64_t, pos, i, &s->w);
			uint64_t q = pos + i;

			if (q >= count) {
				if (*b != reply(q - count))
					well_fail(&wk->fail,
						  "position %ju: %#jx",
						  (uintmax_t)q,
						  (uintmax_t)*b);
				wk->replies++;
			}
			*b = q;
			well_dawdle(&wk->rng);
		}
		left -= got;
		well_give(&s->w.rx, got, pos, multi);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	struct worker *wk = arg;
	struct well_crew *s = wk->hand.crew;
	bool multi = s->consumers > 1;
	size_t pos, got, i;

	while (well_crew_busy(s)) {
		got = well_take(&s->w.rx, &pos,
				1 + well_seed_below(&wk->rng, MAX_BATCH),
				multi);
		if (!got) {
			sched_yield();
			continue;
		}
		for (i = 0; i < got; i++) {
			uint64_t *b = WELL_DEREF(uint64_t, pos, i, &s->w);

			if (*b != pos + i)
				well_fail(&wk->fail, "position %zu: %#jx",
					  pos + i, (uintmax_t)*b);
			*b = reply(pos + i);
			well_dawdle(&wk->rng);
		}
		well_give(&s->w.tx, got, pos, multi);
		well_crew_consumed(s, got);
	}
	return NULL;
}

TEST_F_TIMEOUT(ring, producers_find_replies, 120)
{
	struct well_crew *s = &self->s;
	struct worker *wk = self->workers;
	unsigned int nr = s->producers + s->consumers, i;
	size_t count = well_blk_count(&s->w), pos, j;
	uint64_t total = s->producers * s->per_producer, replies = 0;

	ASSERT_EQ(0, well_crew_run(s, wk, sizeof(*wk), producer, consumer));
	for (i = 0; i < nr; i++) {
		EXPECT_EQ(0, wk[i].fail.errors)
			TH_LOG("%s %u: %s", i < s->producers ?
			       "producer" : "consumer",
			       i < s->producers ? i : i - s->producers,
			       wk[i].fail.why);
		replies += wk[i].replies;
	}
	/* Every position past the first lap found the reply it expected. */
	EXPECT_EQ(total - count, replies);

	/* The last lap's replies wait on tx. */
	ASSERT_EQ(count, well_reserve(&s->w.tx, &pos, (size_t)-1));
	ASSERT_EQ(total, pos);
	for (j = 0; j < count; j++)
		EXPECT_EQ(reply(pos + j - count),
			  *WELL_DEREF(uint64_t, pos, j, &s->w));
}

#endif /* __KERNEL__ */

TEST_HARNESS_MAIN
