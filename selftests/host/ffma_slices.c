// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma across slices: objects spread over several slices, contents kept,
 * metrics back to zero and empty slices back to the bounded cache; freed
 * slots reused first.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include <ffma.h>

static uint32_t tag(size_t i)
{
	return (uint32_t)(i * 2654435761u) ^ 0xa5a5a5a5u;
}

TEST(four_slices_free_all)
{
	struct ffma *a = ffma_create(16);
	size_t per, n, i;
	uint32_t **p;

	ASSERT_NE(NULL, a);
	per = ffma_objects_per_slice(a);
	n = 3 * per + 5;
	p = calloc(n, sizeof(*p));
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, ffma_cached_slices());
	for (i = 0; i < n; i++) {
		p[i] = ffma_alloc(a);
		ASSERT_NE(NULL, p[i]);
		p[i][0] = tag(i);
		p[i][3] = (uint32_t)i;
	}
	EXPECT_EQ(4, ffma_slices_inuse(a));
	EXPECT_EQ(n, ffma_objects_inuse(a));
	EXPECT_EQ(per, ffma_slice_objects_inuse(p[0]));
	EXPECT_EQ(5, ffma_slice_objects_inuse(p[n - 1]));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(tag(i), p[i][0]);
		ASSERT_EQ((uint32_t)i, p[i][3]);
		ffma_free(p[i]);
	}
	EXPECT_EQ(0, ffma_objects_inuse(a));
	/* The current slice stays; the three others are back in the cache. */
	EXPECT_EQ(1, ffma_slices_inuse(a));
	EXPECT_EQ(3, ffma_cached_slices());
	ffma_destroy(a);
	EXPECT_EQ(4, ffma_cached_slices());
	ffma_cache_drain();
	EXPECT_EQ(0, ffma_cached_slices());
	free(p);
}

TEST(cache_serves_next_allocator)
{
	struct ffma *a = ffma_create(64), *b;
	void *p, *q;

	ASSERT_NE(NULL, a);
	p = ffma_alloc(a);
	ASSERT_NE(NULL, p);
	ffma_destroy(a);
	EXPECT_EQ(1, ffma_cached_slices());
	b = ffma_create(1024);
	ASSERT_NE(NULL, b);
	q = ffma_alloc(b);
	ASSERT_NE(NULL, q);
	/* Same slice, laid out again for the new size. */
	EXPECT_EQ((uintptr_t)p & ~(FFMA_SLICE_SIZE - 1),
		  (uintptr_t)q & ~(FFMA_SLICE_SIZE - 1));
	EXPECT_EQ(0, ffma_cached_slices());
	EXPECT_EQ(1024, ffma_usable_size(q));
	ffma_destroy(b);
}

/*
 * The cache keeps the node's recent peak of slices, up to FFMA_CACHE_MAX,
 * and shrinks to FFMA_CACHE_SLICES when trimmed (or after idling).
 */
static void cache_after_burst(struct __test_metadata *_metadata,
			      size_t slices, size_t cached)
{
	struct ffma *a = ffma_create(65536);
	size_t per, n, i;
	void **p;

	ASSERT_NE(NULL, a);
	per = ffma_objects_per_slice(a);
	n = slices * per;
	p = calloc(n, sizeof(*p));
	ASSERT_NE(NULL, p);
	for (i = 0; i < n; i++) {
		p[i] = ffma_alloc(a);
		ASSERT_NE(NULL, p[i]);
	}
	EXPECT_EQ(slices, ffma_slices_inuse(a));
	for (i = 0; i < n; i++)
		ffma_free(p[i]);
	EXPECT_EQ(0, ffma_objects_inuse(a));
	EXPECT_EQ(1, ffma_slices_inuse(a));
	EXPECT_EQ(cached, ffma_cached_slices());
	ffma_destroy(a);
	EXPECT_EQ(cached + (cached < FFMA_CACHE_MAX), ffma_cached_slices());
	ffma_cache_trim();
	EXPECT_EQ(FFMA_CACHE_SLICES, ffma_cached_slices());
	free(p);
}

TEST(cache_keeps_recent_peak)
{
	cache_after_burst(_metadata, FFMA_CACHE_SLICES + 4,
			  FFMA_CACHE_SLICES + 3);
}

TEST(cache_is_bounded)
{
	cache_after_burst(_metadata, FFMA_CACHE_MAX + 4, FFMA_CACHE_MAX);
}

TEST(freed_slot_reused_first)
{
	struct ffma *a = ffma_create(128);
	void *p[8], *q;
	int i;

	ASSERT_NE(NULL, a);
	for (i = 0; i < 8; i++)
		p[i] = ffma_alloc(a);
	ffma_free(p[2]);
	ffma_free(p[5]);
	q = ffma_alloc(a);
	EXPECT_EQ(p[5], q);
	q = ffma_alloc(a);
	EXPECT_EQ(p[2], q);
	q = ffma_alloc(a);
	EXPECT_EQ((char *)p[7] + 128, q);
	EXPECT_EQ(9, ffma_objects_inuse(a));
	ffma_destroy(a);
}

TEST(partial_slice_used_before_new_one)
{
	struct ffma *a = ffma_create(1024);
	size_t per, i;
	void **p, *q;

	ASSERT_NE(NULL, a);
	per = ffma_objects_per_slice(a);
	p = calloc(2 * per, sizeof(*p));
	ASSERT_NE(NULL, p);
	for (i = 0; i < 2 * per; i++)
		p[i] = ffma_alloc(a);
	/* A slot in the first (full) slice frees up; the second is full. */
	ffma_free(p[7]);
	q = ffma_alloc(a);
	EXPECT_EQ(p[7], q);
	EXPECT_EQ(2, ffma_slices_inuse(a));
	EXPECT_EQ(2 * per, ffma_objects_inuse(a));
	ffma_destroy(a);
	free(p);
}

TEST(free_null)
{
	ffma_free(NULL);
	ffma_mem_free(NULL);
}

TEST_HARNESS_MAIN
