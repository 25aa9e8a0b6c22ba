// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well_reserve_exact() under concurrent reservers: 4 threads reserve
 * records of 3 blocks; each record arrives whole and in one piece (no two
 * interleave) and in order per producer. Also built with TSan.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include "kselftest_harness.h"
#include <well.h>

/* 4 threads, records of 3 blocks, a 64-block ring, one consumer. */
#define THREADS		4
#define PER_THREAD	5000
#define REC_BLKS	3
#define BIG_COUNT	64

struct shared {
	struct well w;
	uint64_t mem[BIG_COUNT];
};

struct worker {
	struct shared *s;
	unsigned int id;
};

static void *producer(void *arg)
{
	struct worker *wk = arg;
	struct well *w = &wk->s->w;
	uint64_t seq;
	size_t pos, i;

	for (seq = 0; seq < PER_THREAD; seq++) {
		while (!well_reserve_exact(&w->tx, &pos, REC_BLKS))
			sched_yield();
		for (i = 0; i < REC_BLKS; i++)
			*(uint64_t *)well_access(pos, i, w) =
				(uint64_t)wk->id << 48 | seq << 8 | i;
		while (!well_release_multi(&w->rx, REC_BLKS, pos))
			sched_yield();
	}
	return NULL;
}

TEST(concurrent_records_arrive_whole)
{
	static struct shared s;
	struct worker wk[THREADS];
	pthread_t t[THREADS];
	uint64_t next[THREADS] = { 0 }, total = 0;
	size_t pos, i;
	unsigned int k;

	ASSERT_EQ(0, well_params(8, BIG_COUNT, &s.w));
	ASSERT_EQ(0, well_init(&s.w, s.mem));
	for (k = 0; k < THREADS; k++) {
		wk[k].s = &s;
		wk[k].id = k;
		ASSERT_EQ(0, pthread_create(&t[k], NULL, producer, &wk[k]));
	}
	while (total < THREADS * PER_THREAD) {
		uint64_t v, id, seq;

		if (!well_reserve_single(&s.w.rx, &pos, REC_BLKS)) {
			sched_yield();
			continue;
		}
		v = *(uint64_t *)well_access(pos, 0, &s.w);
		id = v >> 48;
		seq = (v >> 8) & 0xffffffffffULL;
		ASSERT_LT(id, THREADS);
		ASSERT_EQ(next[id], seq);
		for (i = 0; i < REC_BLKS; i++)
			ASSERT_EQ(id << 48 | seq << 8 | i,
				  *(uint64_t *)well_access(pos, i, &s.w));
		next[id]++;
		well_release_single(&s.w.tx, REC_BLKS);
		total++;
	}
	for (k = 0; k < THREADS; k++) {
		ASSERT_EQ(0, pthread_join(t[k], NULL));
		EXPECT_EQ(PER_THREAD, next[k]);
	}
}

TEST_HARNESS_MAIN
