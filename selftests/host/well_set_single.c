// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well_set_single(): after it, well_reserve() on that side is
 * well_reserve_single(). Checked exactly: the same amounts and positions
 * as well_reserve_single() on a twin well, no compare-and-swap at all
 * (counted through well/atomic.h's test hook, in this program's inline
 * copy of the hot path), the other side unaffected, well_init() clearing
 * the declaration, and the seed's first example (well_reserve() then
 * well_release_single() on both sides) moving numbered blocks between
 * two threads without a single CAS.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

/* Every CAS of this program's inline hot path goes through cas_hook(). */
static void cas_hook(const void *word);
#define WELL_TEST_CAS_HOOK(a)	cas_hook(a)
#include <sched.h>
#include "kselftest_harness.h"
#include <well.h>

/* CAS counts on each side of the watched well, from any thread. */
static const struct well_side *cas_tx, *cas_rx;
static size_t cas_on_tx, cas_on_rx, cas_other;

static bool cas_in(const void *word, const struct well_side *side)
{
	const char *p = (const char *)word;

	return side && p >= (const char *)side &&
	       p < (const char *)side + sizeof(*side);
}

static void cas_hook(const void *word)
{
	size_t *count = &cas_other;

	if (cas_in(word, cas_tx))
		count = &cas_on_tx;
	else if (cas_in(word, cas_rx))
		count = &cas_on_rx;
	__atomic_fetch_add(count, 1, __ATOMIC_RELAXED);
}

#define BLK_COUNT	16
#define UNTOUCHED	((size_t)0xdeadbeef)

static size_t cas_count(size_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static void cas_watch(struct well *w)
{
	cas_tx = &w->tx;
	cas_rx = &w->rx;
	__atomic_store_n(&cas_on_tx, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&cas_on_rx, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&cas_other, 0, __ATOMIC_RELAXED);
}

FIXTURE(ring) {
	struct well w;
	uint64_t mem[BLK_COUNT];
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, well_params(sizeof(uint64_t), BLK_COUNT, &self->w));
	ASSERT_EQ(0, well_init(&self->w, self->mem));
	cas_watch(&self->w);
}

FIXTURE_TEARDOWN(ring)
{
	well_deinit(&self->w);
}

/* The hook works: plain well_reserve() pays one CAS per reservation. */
TEST_F(ring, undeclared_reserve_cases_once_per_call)
{
	size_t pos, i;

	for (i = 0; i < 5; i++) {
		ASSERT_EQ(3, well_reserve(&self->w.tx, &pos, 3));
		ASSERT_EQ(3 * i, pos);
		well_release_single(&self->w.rx, 3);
		ASSERT_EQ(3, well_reserve(&self->w.rx, &pos, 3));
		well_release_single(&self->w.tx, 3);
	}
	EXPECT_EQ(5, cas_count(&cas_on_tx));
	EXPECT_EQ(5, cas_count(&cas_on_rx));
	EXPECT_EQ(0, cas_count(&cas_other));
}

/* Declared: no CAS on either side, whatever the amounts. */
TEST_F(ring, declared_reserve_never_cases)
{
	size_t pos, got, sent = 0, recvd = 0, i;

	well_set_single(&self->w.tx);
	well_set_single(&self->w.rx);
	for (i = 0; i < 200; i++) {
		got = well_reserve(&self->w.tx, &pos, 1 + i % 7);
		ASSERT_EQ(sent, got ? pos : sent);
		sent += got;
		well_release_single(&self->w.rx, got);
		got = well_reserve(&self->w.rx, &pos, i % 3 ? (size_t)-1 : 2);
		ASSERT_EQ(recvd, got ? pos : recvd);
		recvd += got;
		well_release_single(&self->w.tx, got);
	}
	EXPECT_GT(sent, 200);
	EXPECT_EQ(sent, recvd + well_peek(&self->w.rx));
	EXPECT_EQ(0, cas_count(&cas_on_tx));
	EXPECT_EQ(0, cas_count(&cas_on_rx));
	/* release_multi still does its CAS: only reserve changed. */
	ASSERT_EQ(1, well_reserve(&self->w.tx, &pos, 1));
	EXPECT_EQ(1, well_release_multi(&self->w.rx, 1, pos));
	EXPECT_EQ(1, cas_count(&cas_on_rx));
	EXPECT_EQ(0, cas_count(&cas_on_tx));
}

/* One side declared: the other keeps the multi-reserver path. */
TEST_F(ring, one_side_only)
{
	size_t pos;

	well_set_single(&self->w.tx);
	ASSERT_EQ(4, well_reserve(&self->w.tx, &pos, 4));
	well_release_single(&self->w.rx, 4);
	ASSERT_EQ(4, well_reserve(&self->w.rx, &pos, (size_t)-1));
	EXPECT_EQ(0, cas_count(&cas_on_tx));
	EXPECT_EQ(1, cas_count(&cas_on_rx));
}

/* well_init() forgets the declaration; well_set_single(NULL) is a no-op. */
TEST_F(ring, init_clears)
{
	size_t pos;

	well_set_single(NULL);
	well_set_single(&self->w.tx);
	ASSERT_EQ(0, well_init(&self->w, self->mem));
	ASSERT_EQ(1, well_reserve(&self->w.tx, &pos, 1));
	EXPECT_EQ(0, pos);
	EXPECT_EQ(1, cas_count(&cas_on_tx));
}

/*
 * Exactly well_reserve_single(): a twin well driven by it gets the same
 * amount and position, and leaves *pos alone in the same cases, for a
 * seeded sequence of requests and releases of every size, (size_t)-1 and
 * 0 included.
 */
TEST_F(ring, same_as_reserve_single)
{
	struct well twin;
	uint64_t twin_mem[BLK_COUNT];
	size_t held_tx = 0, held_rx = 0, i;
	unsigned int seed = 12345;

	ASSERT_EQ(0, well_params(sizeof(uint64_t), BLK_COUNT, &twin));
	ASSERT_EQ(0, well_init(&twin, twin_mem));
	well_set_single(&self->w.tx);
	well_set_single(&self->w.rx);
	for (i = 0; i < 5000; i++) {
		int tx = rand_r(&seed) & 1;
		size_t max = (size_t)rand_r(&seed) % (BLK_COUNT + 3);
		size_t a = UNTOUCHED, b = UNTOUCHED, ga, gb;

		if (max == BLK_COUNT + 2)
			max = (size_t)-1;
		ga = well_reserve(tx ? &self->w.tx : &self->w.rx, &a, max);
		gb = well_reserve_single(tx ? &twin.tx : &twin.rx, &b, max);
		ASSERT_EQ(gb, ga);
		ASSERT_EQ(b, a);
		ASSERT_EQ(well_peek(&twin.tx), well_peek(&self->w.tx));
		ASSERT_EQ(well_peek(&twin.rx), well_peek(&self->w.rx));
		if (tx)
			held_tx += ga;
		else
			held_rx += ga;
		/* Release some of what each side holds, oldest first. */
		if (held_tx && rand_r(&seed) % 3) {
			size_t n = 1 + (size_t)rand_r(&seed) % held_tx;

			well_release_single(&self->w.rx, n);
			well_release_single(&twin.rx, n);
			held_tx -= n;
		}
		if (held_rx && rand_r(&seed) % 3) {
			size_t n = 1 + (size_t)rand_r(&seed) % held_rx;

			well_release_single(&self->w.tx, n);
			well_release_single(&twin.tx, n);
			held_rx -= n;
		}
	}
	EXPECT_EQ(0, cas_count(&cas_on_tx));
	EXPECT_EQ(0, cas_count(&cas_on_rx));
}

/* The seed's first example, with both sides declared, in two threads. */
#define EXAMPLE_BLOCKS	200000

static void *example_producer(void *arg)
{
	struct well *w = arg;
	size_t sent = 0, pos, n, i;

	while (sent < EXAMPLE_BLOCKS) {
		n = well_reserve(&w->tx, &pos, 42);
		if (!n) {
			sched_yield();
			continue;
		}
		for (i = 0; i < n && sent < EXAMPLE_BLOCKS; i++)
			*WELL_DEREF(uint64_t, pos, i, w) = sent++;
		for (; i < n; i++)
			*WELL_DEREF(uint64_t, pos, i, w) = UINT64_MAX;
		/* Reserved from tx, so release into rx. */
		well_release_single(&w->rx, n);
	}
	return NULL;
}

TEST_F(ring, seed_example_two_threads)
{
	pthread_t tid;
	uint64_t want = 0;
	size_t pos, n, i;

	well_set_single(&self->w.tx);
	well_set_single(&self->w.rx);
	ASSERT_EQ(0, pthread_create(&tid, NULL, example_producer, &self->w));
	while (want < EXAMPLE_BLOCKS) {
		n = well_reserve(&self->w.rx, &pos, 42);
		if (!n)
			sched_yield();
		for (i = 0; i < n; i++) {
			uint64_t v = *WELL_DEREF(uint64_t, pos, i, &self->w);

			if (want < EXAMPLE_BLOCKS) {
				ASSERT_EQ(want, v);
				want++;
			} else {
				ASSERT_EQ(UINT64_MAX, v);
			}
		}
		well_release_single(&self->w.tx, n);
	}
	ASSERT_EQ(0, pthread_join(tid, NULL));
	EXPECT_EQ(0, cas_count(&cas_on_tx));
	EXPECT_EQ(0, cas_count(&cas_on_rx));
	EXPECT_EQ(0, cas_count(&cas_other));
}

TEST_HARNESS_MAIN
