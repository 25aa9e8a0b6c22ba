// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * handover.c - blocks handed between threads through a well, in plain
 * memory, the way a user's program does it: built against the installed
 * library and run under ThreadSanitizer by check-install.sh, where any
 * report fails the check (the hand-over is correct, so a report is a
 * false one).
 *
 * Runs SPSC (both sides declared with well_set_single(), then
 * well_reserve() and well_release_single(): the seed's first example),
 * SPMC, MPSC and MPMC (well_reserve() and well_release_multi() where a
 * side has several threads). Producers write every word of each block;
 * consumers check them, then scribble over the block before giving it
 * back, so a producer's next write races with them unless the release
 * orders it. Every item must arrive exactly once: exit 0, else 1.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <well.h>

#define WORDS		8	/* 64-byte blocks */
#define ITEMS		20000	/* per configuration */
#define MAX_THREADS	3

struct run {
	struct well w;
	unsigned int producers;
	unsigned int consumers;
	size_t consumed;	/* items taken by all consumers (atomic) */
	unsigned char seen[ITEMS];	/* each item's arrivals */
	int bad;		/* items that failed the check (atomic) */
};

struct worker {
	struct run *run;
	unsigned int id;
	pthread_t tid;
};

/* Release into @to, retrying while an earlier reservation is held. */
static void release(struct well_side *to, size_t n, size_t pos, bool multi)
{
	if (!multi) {
		well_release_single(to, n);
		return;
	}
	while (!well_release_multi(to, n, pos))
		sched_yield();
}

static void *produce(void *arg)
{
	struct worker *me = arg;
	struct run *r = me->run;
	bool multi = r->producers > 1;
	uint64_t item = me->id;	/* items id, id + P, id + 2P, ... */
	size_t pos, n, i, k;

	while (item < ITEMS) {
		n = well_reserve(&r->w.tx, &pos, 4);
		if (!n) {
			sched_yield();
			continue;
		}
		for (i = 0; i < n; i++) {
			uint64_t *blk = WELL_DEREF(uint64_t, pos, i, &r->w);
			uint64_t v = item < ITEMS ? item : UINT64_MAX;

			for (k = 0; k < WORDS; k++)
				blk[k] = v + k;
			if (item < ITEMS)
				item += r->producers;
		}
		/* Reserved from tx, so release into rx. */
		release(&r->w.rx, n, pos, multi);
	}
	return NULL;
}

static void *consume(void *arg)
{
	struct worker *me = arg;
	struct run *r = me->run;
	bool multi = r->consumers > 1;
	size_t pos, n, i, k;

	while (__atomic_load_n(&r->consumed, __ATOMIC_RELAXED) < ITEMS) {
		n = well_reserve(&r->w.rx, &pos, 3);
		if (!n) {
			sched_yield();
			continue;
		}
		for (i = 0; i < n; i++) {
			uint64_t *blk = WELL_DEREF(uint64_t, pos, i, &r->w);
			uint64_t v = blk[0];
			bool ok = v < ITEMS || v == UINT64_MAX;

			for (k = 1; k < WORDS; k++)
				ok &= blk[k] == v + k;
			if (ok && v < ITEMS) {
				/* Distinct items: distinct bytes of seen[]. */
				r->seen[v]++;
				__atomic_fetch_add(&r->consumed, 1,
						   __ATOMIC_RELAXED);
			}
			if (!ok)
				__atomic_fetch_add(&r->bad, 1,
						   __ATOMIC_RELAXED);
			memset(blk, 0xa5, WORDS * sizeof(*blk));
		}
		/* Reserved from rx, so release into tx. */
		release(&r->w.tx, n, pos, multi);
	}
	return NULL;
}

static int run_one(unsigned int producers, unsigned int consumers)
{
	static struct run r;
	struct worker p[MAX_THREADS], c[MAX_THREADS];
	void *mem;
	unsigned int i, lost = 0, twice = 0;

	memset(&r, 0, sizeof(r));
	r.producers = producers;
	r.consumers = consumers;
	if (well_params(WORDS * sizeof(uint64_t), 16, &r.w))
		return 1;
	mem = malloc(well_size(&r.w));
	if (!mem || well_init(&r.w, mem))
		return 1;
	if (producers == 1)
		well_set_single(&r.w.tx);
	if (consumers == 1)
		well_set_single(&r.w.rx);
	for (i = 0; i < consumers; i++) {
		c[i].run = &r;
		c[i].id = i;
		if (pthread_create(&c[i].tid, NULL, consume, &c[i]))
			return 1;
	}
	for (i = 0; i < producers; i++) {
		p[i].run = &r;
		p[i].id = i;
		if (pthread_create(&p[i].tid, NULL, produce, &p[i]))
			return 1;
	}
	for (i = 0; i < producers; i++)
		pthread_join(p[i].tid, NULL);
	for (i = 0; i < consumers; i++)
		pthread_join(c[i].tid, NULL);
	for (i = 0; i < ITEMS; i++) {
		lost += !r.seen[i];
		twice += r.seen[i] > 1;
	}
	printf("%u producers, %u consumers: %zu items, %u lost, %u twice, %d bad\n",
	       producers, consumers, r.consumed, lost, twice, r.bad);
	well_deinit(&r.w);
	free(mem);
	return lost || twice || r.bad;
}

int main(void)
{
	int failed = 0;

	failed |= run_one(1, 1);
	failed |= run_one(1, 3);
	failed |= run_one(3, 1);
	failed |= run_one(3, 3);
	return failed;
}
