// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma size classes when threads end: objects a finished thread allocated
 * stay valid, other threads free them, and their slices come back; an
 * allocator left with live objects is adopted by the next thread that
 * needs its class.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include "kselftest_harness.h"
#include <ffma.h>

#define LIVE	1000

struct batch {
	size_t size;
	uint32_t *obj[LIVE];
};

static void *allocate_and_exit(void *arg)
{
	struct batch *b = arg;
	size_t i, k;

	for (i = 0; i < LIVE; i++) {
		b->obj[i] = ffma_mem_alloc(b->size);
		if (!b->obj[i])
			return arg;
		for (k = 0; k < b->size / 4; k++)
			b->obj[i][k] = (uint32_t)(i * 1000003 + k);
	}
	return NULL;
}

static int intact(const struct batch *b, size_t i)
{
	size_t k;

	for (k = 0; k < b->size / 4; k++)
		if (b->obj[i][k] != (uint32_t)(i * 1000003 + k))
			return 0;
	return 1;
}

static void *free_all(void *arg)
{
	struct batch *b = arg;
	size_t i;

	for (i = 0; i < LIVE; i++) {
		if (!intact(b, i))
			return arg;
		ffma_mem_free(b->obj[i]);
	}
	return NULL;
}

static void *allocate_free_exit(void *arg)
{
	return allocate_and_exit(arg) ? arg : free_all(arg);
}

static void *spawn(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	void *ret = arg;

	if (!pthread_create(&t, NULL, fn, arg))
		pthread_join(t, &ret);
	return ret;
}

TEST(freed_by_another_thread_after_exit)
{
	static struct batch small = { .size = 64 }, big = { .size = 4096 };

	ASSERT_EQ(NULL, spawn(allocate_and_exit, &small));
	ASSERT_EQ(NULL, spawn(allocate_and_exit, &big));
	/* Both threads are gone; their allocators hold live objects. */
	EXPECT_EQ(0, ffma_cached_slices());
	ASSERT_EQ(NULL, spawn(free_all, &small));
	ASSERT_EQ(NULL, spawn(free_all, &big));
	/* The frees wait in the orphans until someone reclaims them. */
	EXPECT_EQ(0, ffma_cached_slices());
	ffma_mem_reclaim();
	/* One slice of 64-byte objects, two of 4096-byte ones. */
	EXPECT_EQ(3, ffma_cached_slices());
}

TEST(freed_by_main_then_reclaimed)
{
	static struct batch b = { .size = 256 };

	ASSERT_EQ(NULL, spawn(allocate_and_exit, &b));
	ASSERT_EQ(NULL, free_all(&b));
	EXPECT_EQ(0, ffma_cached_slices());
	ffma_mem_reclaim();
	EXPECT_EQ(1, ffma_cached_slices());
}

TEST(orphan_adopted_by_next_thread)
{
	static struct batch first = { .size = 128 }, second = { .size = 128 };
	size_t i, j;

	ASSERT_EQ(NULL, spawn(allocate_and_exit, &first));
	/* The second thread adopts the first one's allocator. */
	ASSERT_EQ(NULL, spawn(allocate_and_exit, &second));
	EXPECT_EQ((uintptr_t)first.obj[0] & ~(FFMA_SLICE_SIZE - 1),
		  (uintptr_t)second.obj[0] & ~(FFMA_SLICE_SIZE - 1));
	for (i = 0; i < LIVE; i++)
		for (j = 0; j < LIVE; j++)
			ASSERT_NE(first.obj[i], second.obj[j]);
	for (i = 0; i < LIVE; i++)
		ASSERT_TRUE(intact(&first, i));
	ASSERT_EQ(NULL, free_all(&first));
	ASSERT_EQ(NULL, free_all(&second));
	ffma_mem_reclaim();
	EXPECT_EQ(1, ffma_cached_slices());
}

TEST(empty_allocator_destroyed_at_exit)
{
	static struct batch b = { .size = 32 };

	ASSERT_EQ(NULL, spawn(allocate_free_exit, &b));
	EXPECT_EQ(1, ffma_cached_slices());
}

TEST(exit_reclaims_orphans)
{
	static struct batch b = { .size = 512 }, other = { .size = 16 };

	ASSERT_EQ(NULL, spawn(allocate_and_exit, &b));
	ASSERT_EQ(NULL, free_all(&b));
	EXPECT_EQ(0, ffma_cached_slices());
	/* Any thread that used ffma reclaims the orphans when it ends. */
	ASSERT_EQ(NULL, spawn(allocate_free_exit, &other));
	EXPECT_EQ(2, ffma_cached_slices());
}

TEST_HARNESS_MAIN
