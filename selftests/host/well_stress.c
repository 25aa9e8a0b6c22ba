// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Producers and consumers move checksummed records through a small ring
 * in random batches: SPSC with the _single calls, MPSC, SPMC and MPMC with
 * well_reserve() and well_release_multi() on the sides that have several
 * threads. Consumers check every record and poison it before handing the
 * block back; at the end every record must have been consumed exactly once.
 */
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include <well.h>
#include "well_crew.h"
#include "well_fail.h"
#include "well_seed.h"
#include "well_sides.h"

#define MAX_BATCH	24

struct rec {
	uint64_t producer;
	uint64_t seq;
	uint64_t payload;
	uint64_t check;
};

/* One thread; the consumer fields count what it took from each producer. */
struct worker {
	struct well_crew_hand hand;
	unsigned int id;
	uint64_t rng;
	uint64_t *count;
	uint64_t *sum;
	uint64_t *next;
	uint8_t *seen;
	struct well_fail fail;
};

FIXTURE(stress) {
	struct well_crew s;
	struct worker *workers;
};

FIXTURE_VARIANT(stress) {
	unsigned int producers;
	unsigned int consumers;
	size_t blk_count;
	uint64_t per_producer;
	size_t start;
};

FIXTURE_VARIANT_ADD(stress, spsc) {
	.producers = 1, .consumers = 1, .blk_count = 64,
	.per_producer = 800000,
};

FIXTURE_VARIANT_ADD(stress, mpsc) {
	.producers = 3, .consumers = 1, .blk_count = 64,
	.per_producer = 200000,
};

FIXTURE_VARIANT_ADD(stress, spmc) {
	.producers = 1, .consumers = 3, .blk_count = 64,
	.per_producer = 600000,
};

FIXTURE_VARIANT_ADD(stress, mpmc) {
	.producers = 2, .consumers = 2, .blk_count = 32,
	.per_producer = 300000,
};

/* Rings of one and two blocks: always full or empty. */
FIXTURE_VARIANT_ADD(stress, spsc_one) {
	.producers = 1, .consumers = 1, .blk_count = 1,
	.per_producer = 100000,
};

FIXTURE_VARIANT_ADD(stress, mpmc_two) {
	.producers = 2, .consumers = 2, .blk_count = 2,
	.per_producer = 50000,
};

/* MPMC again, with counters that cross SIZE_MAX halfway through. */
FIXTURE_VARIANT_ADD(stress, mpmc_top) {
	.producers = 2, .consumers = 2, .blk_count = 32,
	.per_producer = 150000, .start = SIZE_MAX - 150000,
};

FIXTURE_SETUP(stress)
{
	struct well_crew *s = &self->s;
	unsigned int nr = variant->producers + variant->consumers;
	uint64_t seed = well_seed(_metadata->name);
	unsigned int i;

	ASSERT_EQ(0, well_crew_init(s, sizeof(struct rec), variant->blk_count,
				    variant->producers, variant->consumers,
				    variant->per_producer));
	well_start_at(&s->w, variant->start);
	self->workers = calloc(nr, sizeof(*self->workers));
	ASSERT_NE(NULL, self->workers);
	for (i = 0; i < nr; i++) {
		struct worker *wk = &self->workers[i];

		wk->id = i < s->producers ? i : i - s->producers;
		wk->rng = seed ^ ((uint64_t)i << 56);
		if (i < s->producers)
			continue;
		wk->count = calloc(s->producers, sizeof(uint64_t));
		wk->sum = calloc(s->producers, sizeof(uint64_t));
		wk->next = calloc(s->producers, sizeof(uint64_t));
		wk->seen = calloc(s->producers, s->per_producer);
		ASSERT_TRUE(wk->count && wk->sum && wk->next && wk->seen);
	}
}

FIXTURE_TEARDOWN(stress)
{
	struct well_crew *s = &self->s;
	unsigned int i;

	for (i = 0; self->workers && i < s->producers + s->consumers; i++) {
		free(self->workers[i].count);
		free(self->workers[i].sum);
		free(self->workers[i].next);
		free(self->workers[i].seen);
	}
	free(self->workers);
	well_crew_deinit(s);
}

static uint64_t rec_check(const struct rec *r)
{
	uint64_t x = r->producer << 48 ^ r->seq;

	x = well_seed_mix(&x) ^ r->payload;
	return well_seed_mix(&x);
}

static void *producer(void *arg)
{
	struct worker *wk = arg;
	struct well_crew *s = wk->hand.crew;
	bool multi = s->producers > 1;
	uint64_t seq = 0, n = s->per_producer;
	size_t pos, got, i, want;

	while (seq < n) {
		want = 1 + well_seed_below(&wk->rng, MAX_BATCH);
		if (want > n - seq)
			want = n - seq;
		while (!(got = well_take(&s->w.tx, &pos, want, multi)))
			sched_yield();
		for (i = 0; i < got; i++) {
			struct rec *r = WELL_DEREF(struct rec, pos, i, &s->w);

			r->producer = wk->id;
			r->seq = seq++;
			r->payload = well_seed_mix(&wk->rng);
			r->check = rec_check(r);
			well_dawdle(&wk->rng);
		}
		well_give(&s->w.rx, got, pos, multi);
	}
	return NULL;
}

/* Check one record, count it, and poison its block. */
static void consume(struct worker *wk, struct rec *r)
{
	struct well_crew *s = wk->hand.crew;
	uint64_t p = r->producer, seq = r->seq;

	if (r->check != rec_check(r) || p >= s->producers ||
	    seq >= s->per_producer) {
		well_fail(&wk->fail, "bad record: producer %ju seq %ju",
			  (uintmax_t)p, (uintmax_t)seq);
	} else {
		if (seq < wk->next[p])
			well_fail(&wk->fail, "producer %ju: seq %ju after %ju",
				  (uintmax_t)p, (uintmax_t)seq,
				  (uintmax_t)wk->next[p] - 1);
		wk->next[p] = seq + 1;
		wk->count[p]++;
		wk->sum[p] += seq;
		wk->seen[p * s->per_producer + seq]++;
	}
	memset(r, 0xff, sizeof(*r));
}

static void *consumer(void *arg)
{
	struct worker *wk = arg;
	struct well_crew *s = wk->hand.crew;
	bool multi = s->consumers > 1;
	size_t pos, got, i, want;

	while (well_crew_busy(s)) {
		/* One batch in eight takes everything there is. */
		if (!well_seed_below(&wk->rng, 8))
			want = (size_t)-1;
		else
			want = 1 + well_seed_below(&wk->rng, MAX_BATCH);
		got = well_take(&s->w.rx, &pos, want, multi);
		if (!got) {
			sched_yield();
			continue;
		}
		for (i = 0; i < got; i++) {
			consume(wk, WELL_DEREF(struct rec, pos, i, &s->w));
			well_dawdle(&wk->rng);
		}
		well_give(&s->w.tx, got, pos, multi);
		well_crew_consumed(s, got);
	}
	return NULL;
}

TEST_F_TIMEOUT(stress, every_record_once, 120)
{
	struct well_crew *s = &self->s;
	struct worker *wk = self->workers;
	unsigned int nr = s->producers + s->consumers, i, c;
	uint64_t n = s->per_producer, p, seq;

	ASSERT_EQ(0, well_crew_run(s, wk, sizeof(*wk), producer, consumer));

	for (i = s->producers; i < nr; i++)
		EXPECT_EQ(0, wk[i].fail.errors)
			TH_LOG("consumer %u: %s", i - s->producers,
			       wk[i].fail.why);
	EXPECT_EQ(s->producers * n, well_crew_total(s));
	for (p = 0; p < s->producers; p++) {
		uint64_t count = 0, sum = 0, wrong = 0;

		for (i = s->producers; i < nr; i++) {
			count += wk[i].count[p];
			sum += wk[i].sum[p];
		}
		EXPECT_EQ(n, count) TH_LOG("producer %ju", (uintmax_t)p);
		EXPECT_EQ(n * (n - 1) / 2, sum)
			TH_LOG("producer %ju", (uintmax_t)p);
		for (seq = 0; seq < n; seq++) {
			unsigned int times = 0;

			for (c = s->producers; c < nr; c++)
				times += wk[c].seen[p * n + seq];
			wrong += times != 1;
		}
		EXPECT_EQ(0, wrong)
			TH_LOG("producer %ju: records not seen exactly once",
			       (uintmax_t)p);
	}
	EXPECT_EQ(well_blk_count(&s->w), well_peek(&s->w.tx));
	EXPECT_EQ(0, well_peek(&s->w.rx));
}

TEST_HARNESS_MAIN
