// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma remote frees come back within a bounded number of the owner's
 * allocations, even when the owner's fast path never runs dry: an owner
 * that allocates and frees one object in a loop still takes back (and
 * reuses) what another thread freed, within 256 allocations.
 */
#include <pthread.h>
#include <stdint.h>
#include "kselftest_harness.h"
#include <ffma.h>

#define FREED		100
#define BOUND		256

static void *free_them(void *arg)
{
	void **obj = arg;
	int i;

	for (i = 0; i < FREED; i++)
		ffma_free(obj[i]);
	return NULL;
}

/* Alloc+free pairs until objects_inuse() drops to @want; the count. */
static int pairs_until(struct ffma *a, size_t want, int limit)
{
	int n;

	for (n = 1; n <= limit; n++) {
		ffma_free(ffma_alloc(a));
		if (ffma_objects_inuse(a) == want)
			return n;
	}
	return -1;
}

TEST(fixed_api_pairs_take_back_remote_frees)
{
	struct ffma *a = ffma_create(64);
	void *obj[FREED], *seen;
	pthread_t t;
	int i, n;

	ASSERT_NE(NULL, a);
	for (i = 0; i < FREED; i++)
		obj[i] = ffma_alloc(a);
	/* Warm the fast path: one object freed locally, then reused. */
	ffma_free(ffma_alloc(a));
	ASSERT_EQ(0, pthread_create(&t, NULL, free_them, obj));
	pthread_join(t, NULL);
	EXPECT_EQ(FREED, ffma_objects_inuse(a));
	n = pairs_until(a, 0, 100000);
	EXPECT_LT(0, n);
	EXPECT_GE(BOUND, n);
	/* The remote frees are reused before fresh memory. */
	seen = ffma_alloc(a);
	for (i = 0; i < FREED && obj[i] != seen; i++)
		;
	EXPECT_GT(FREED, i);
	ffma_free(seen);
	ffma_destroy(a);
}

static void *free_one(void *p)
{
	ffma_mem_free(p);
	return NULL;
}

TEST(size_classes_take_back_remote_frees)
{
	void *p = ffma_mem_alloc(128), *q;
	pthread_t t;
	int n, found = 0;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, pthread_create(&t, NULL, free_one, p));
	pthread_join(t, NULL);
	/* Pairs on another object of the class: p must come back. */
	for (n = 0; n < 2 * BOUND && !found; n++) {
		q = ffma_mem_alloc(128);
		found = q == p;
		ffma_mem_free(q);
	}
	EXPECT_TRUE(found);
	EXPECT_GE(BOUND + 1, n);
}

TEST_HARNESS_MAIN
