// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma cross-thread frees, xmalloc-test style: producer threads allocate
 * and fill objects, consumer threads check and free them. Every object is
 * checked word by word; each owner ends with every object back and its
 * other slices released. Seeded and bounded: a fixed number of objects.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include <ffma.h>
#include <well.h>

#define MAX_SIDE	4
#define RING		256
#define OBJECTS		60000

struct chan {
	struct well ring;
	void *slot[RING];
};

struct run {
	int producers;
	int consumers;
	bool classes;		/* ffma_mem_alloc of seeded sizes, or ffma_alloc */
	struct chan chan[MAX_SIDE][MAX_SIDE];
	atomic_int consumers_done;
	atomic_size_t bad;	/* objects whose contents were wrong */
	atomic_size_t leftover;	/* objects an owner did not get back */
	atomic_size_t max_slices;
};

struct side {
	struct run *run;
	int id;
};

static uint64_t word(uint64_t i, int producer, int k)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ull + producer * 131 + k;

	x ^= x >> 29;
	return x * 0xbf58476d1ce4e5b9ull;
}

/* Seeded size for object @i of @producer: 16 to 1024 bytes. */
static size_t size_of(uint64_t i, int producer)
{
	return 16 + word(i, producer, 99) % 1009;
}

static void send(struct chan *c, void *p)
{
	size_t pos;

	while (!well_reserve_single(&c->ring.tx, &pos, 1))
		sched_yield();
	*WELL_DEREF(void *, pos, 0, &c->ring) = p;
	well_release_single(&c->ring.rx, 1);
}

static void *producer(void *arg)
{
	struct side *side = arg;
	struct run *run = side->run;
	struct ffma *a = run->classes ? NULL : ffma_create(64);
	size_t slices, max = 0;
	uint64_t i;

	for (i = 0; i < OBJECTS; i++) {
		size_t size = run->classes ? size_of(i, side->id) : 64;
		uint64_t *p = run->classes ? ffma_mem_alloc(size) :
					     ffma_alloc(a);
		size_t k;

		if (!p)
			abort();
		p[0] = i;
		for (k = 1; k < size / 8; k++)
			p[k] = word(i, side->id, k);
		send(&run->chan[side->id][i % run->consumers], p);
		if (a) {
			slices = ffma_slices_inuse(a);
			max = slices > max ? slices : max;
		}
	}
	/* Acquire: pairs with each consumer's release when it is done. */
	while (atomic_load_explicit(&run->consumers_done,
				    memory_order_acquire) < run->consumers)
		sched_yield();
	if (a) {
		ffma_collect(a);
		if (ffma_objects_inuse(a) || ffma_slices_inuse(a) != 1)
			atomic_fetch_add(&run->leftover, 1);
		/* Statistics after the run: any order will do. */
		if (max > atomic_load_explicit(&run->max_slices,
					       memory_order_relaxed))
			atomic_store_explicit(&run->max_slices, max,
					      memory_order_relaxed);
		ffma_destroy(a);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	struct side *side = arg;
	struct run *run = side->run;
	size_t expect = 0, got = 0, bad = 0;
	int p;

	for (p = 0; p < run->producers; p++)
		expect += (OBJECTS - side->id + run->consumers - 1) /
			  run->consumers;
	while (got < expect) {
		bool idle = true;

		for (p = 0; p < run->producers; p++) {
			struct chan *c = &run->chan[p][side->id];
			uint64_t *obj;
			size_t pos, size, k;

			if (!well_reserve_single(&c->ring.rx, &pos, 1))
				continue;
			obj = *WELL_DEREF(void *, pos, 0, &c->ring);
			well_release_single(&c->ring.tx, 1);
			size = run->classes ? size_of(obj[0], p) : 64;
			for (k = 1; k < size / 8; k++)
				if (obj[k] != word(obj[0], p, k)) {
					bad++;
					break;
				}
			if (run->classes)
				ffma_mem_free(obj);
			else
				ffma_free(obj);
			got++;
			idle = false;
		}
		if (idle)
			sched_yield();
	}
	atomic_fetch_add(&run->bad, bad);
	/* Release: pairs with the producers' acquire. */
	atomic_fetch_add_explicit(&run->consumers_done, 1,
				  memory_order_release);
	return NULL;
}

static void run_threads(struct __test_metadata *_metadata, int producers,
			int consumers, bool classes)
{
	struct run *run = calloc(1, sizeof(*run));
	struct side ps[MAX_SIDE], cs[MAX_SIDE];
	pthread_t pt[MAX_SIDE], ct[MAX_SIDE];
	int p, c;

	ASSERT_NE(NULL, run);
	run->producers = producers;
	run->consumers = consumers;
	run->classes = classes;
	for (p = 0; p < producers; p++)
		for (c = 0; c < consumers; c++) {
			ASSERT_EQ(0, well_params(sizeof(void *), RING,
						 &run->chan[p][c].ring));
			ASSERT_EQ(0, well_init(&run->chan[p][c].ring,
					       run->chan[p][c].slot));
		}
	for (c = 0; c < consumers; c++) {
		cs[c] = (struct side){ run, c };
		ASSERT_EQ(0, pthread_create(&ct[c], NULL, consumer, &cs[c]));
	}
	for (p = 0; p < producers; p++) {
		ps[p] = (struct side){ run, p };
		ASSERT_EQ(0, pthread_create(&pt[p], NULL, producer, &ps[p]));
	}
	for (p = 0; p < producers; p++)
		pthread_join(pt[p], NULL);
	for (c = 0; c < consumers; c++)
		pthread_join(ct[c], NULL);
	EXPECT_EQ(0, atomic_load(&run->bad));
	EXPECT_EQ(0, atomic_load(&run->leftover));
	if (!classes) {
		/* Remote frees were reused: far fewer slices than objects. */
		EXPECT_LE(atomic_load(&run->max_slices), 2);
	}
	free(run);
}

TEST(two_allocate_two_free)
{
	run_threads(_metadata, 2, 2, false);
}

TEST(one_allocates_three_free)
{
	run_threads(_metadata, 1, 3, false);
}

TEST(classes_two_allocate_two_free)
{
	run_threads(_metadata, 2, 2, true);
	/* The producers ended: their emptied allocators gave slices back. */
	EXPECT_LT(0, ffma_cached_slices());
}

TEST_HARNESS_MAIN
