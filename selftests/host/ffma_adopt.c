// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma_adopt(): of any number of threads adopting one disowned allocator
 * at once, exactly one wins, and only the winner owns it; an allocator
 * with an owner cannot be adopted.
 */
#include <pthread.h>
#include <stdatomic.h>
#include "kselftest_harness.h"
#include <ffma.h>

#define ADOPTERS	4
#define ROUNDS		200

struct race {
	struct ffma *a;
	atomic_int ready;
	atomic_int go;
	atomic_int wins;
	atomic_int tried;
};

static void *adopter(void *arg)
{
	struct race *r = arg;

	atomic_fetch_add(&r->ready, 1);
	while (!atomic_load(&r->go))
		;
	if (ffma_adopt(r->a)) {
		atomic_fetch_add(&r->wins, 1);
		atomic_fetch_add(&r->tried, 1);
		/* The winner owns it: alloc and free locally. */
		ffma_free(ffma_alloc(r->a));
		/* Once every other adopter has lost, disown it again. */
		while (atomic_load(&r->tried) < ADOPTERS)
			;
		return ffma_disown(r->a) ? NULL : (void *)1;
	}
	atomic_fetch_add(&r->tried, 1);
	return NULL;
}

TEST(one_of_many_wins)
{
	struct race r = { 0 };
	pthread_t t[ADOPTERS];
	void *keep, *ret;
	int round, i, winners;

	r.a = ffma_create(32);
	ASSERT_NE(NULL, r.a);
	keep = ffma_alloc(r.a);
	ASSERT_NE(NULL, keep);
	for (round = 0; round < ROUNDS; round++) {
		ASSERT_FALSE(ffma_disown(r.a));
		atomic_store(&r.ready, 0);
		atomic_store(&r.go, 0);
		atomic_store(&r.wins, 0);
		atomic_store(&r.tried, 0);
		for (i = 0; i < ADOPTERS; i++)
			ASSERT_EQ(0, pthread_create(&t[i], NULL, adopter, &r));
		while (atomic_load(&r.ready) < ADOPTERS)
			;
		atomic_store(&r.go, 1);
		winners = 0;
		for (i = 0; i < ADOPTERS; i++) {
			pthread_join(t[i], &ret);
			winners += ret != NULL;
		}
		ASSERT_EQ(1, atomic_load(&r.wins));
		ASSERT_EQ(1, winners);
		/* The winner disowned it again: ours once more. */
		ASSERT_TRUE(ffma_adopt(r.a));
		ASSERT_FALSE(ffma_adopt(r.a));
	}
	ffma_free(keep);
	ffma_destroy(r.a);
}

TEST(owned_cannot_be_adopted)
{
	struct ffma *a = ffma_create(32);

	ASSERT_NE(NULL, a);
	EXPECT_FALSE(ffma_adopt(a));
	ffma_destroy(a);
}

TEST_HARNESS_MAIN
