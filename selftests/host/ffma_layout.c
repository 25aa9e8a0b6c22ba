// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma slice layout: objects per slice, page-aligned data, objects found
 * by masking, and metadata per object, for 16, 64, 128, 1024 and 65536
 * bytes. The counts are those of the release build: a one-page header,
 * then objects up to the end of the 2 MiB slice.
 */
#include <stdint.h>
#include <string.h>
#include "kselftest_harness.h"
#include "asan.h"
#include <ffma.h>

/* (2 MiB - 4 KiB header page) / size objects, from offset 4 KiB. */
struct layout {
	size_t size;
	size_t count;
	size_t data_off;
};

static const struct layout layouts[] = {
	{ 16, 130816, 4096 },
	{ 64, 32704, 4096 },
	{ 128, 16352, 4096 },
	{ 1024, 2044, 4096 },
	{ 65536, 31, 4096 },
};

static uintptr_t slice_base(const void *p)
{
	return (uintptr_t)p & ~(FFMA_SLICE_SIZE - 1);
}

static void fill_one_slice(struct __test_metadata *_metadata,
			   const struct layout *l)
{
	struct ffma *a = ffma_create(l->size);
	uintptr_t base = 0;
	char *p, *prev = NULL;
	size_t i;

	ASSERT_NE(NULL, a);
	EXPECT_EQ(l->size, ffma_object_size(a));
	EXPECT_EQ(l->count, ffma_objects_per_slice(a));
	EXPECT_EQ(l->data_off, ffma_data_offset(a));
	EXPECT_EQ(0, ffma_data_offset(a) % FFMA_PAGE_SIZE);
	/* Header and metadata bits fit before the data; objects after. */
	EXPECT_GE(l->data_off, 256 + (FFMA_META_BITS * l->count + 7) / 8);
	EXPECT_LE(l->data_off + l->count * l->size, FFMA_SLICE_SIZE);
	EXPECT_EQ(0, ffma_slices_inuse(a));

	for (i = 0; i < l->count; i++) {
		p = ffma_alloc(a);
		ASSERT_NE(NULL, p);
		if (!i) {
			base = slice_base(p);
			EXPECT_EQ(base + l->data_off, (uintptr_t)p);
		}
		/* Never-used slots are handed out in address order. */
		if (prev)
			ASSERT_EQ(prev + l->size, p);
		ASSERT_EQ(base, slice_base(p));
		memset(p, (int)i, l->size);
		prev = p;
	}
	EXPECT_EQ(l->count, ffma_objects_inuse(a));
	EXPECT_EQ(l->count, ffma_slice_objects_inuse(prev));
	EXPECT_EQ(1, ffma_slices_inuse(a));
	EXPECT_EQ(l->size, ffma_usable_size(prev));

	/* The next object needs a second slice. */
	p = ffma_alloc(a);
	ASSERT_NE(NULL, p);
	EXPECT_NE(base, slice_base(p));
	EXPECT_EQ(slice_base(p) + l->data_off, (uintptr_t)p);
	EXPECT_EQ(2, ffma_slices_inuse(a));
	EXPECT_EQ(1, ffma_slice_objects_inuse(p));
	EXPECT_EQ(l->count + 1, ffma_objects_inuse(a));
	ffma_destroy(a);
}

TEST(size_16)
{
	fill_one_slice(_metadata, &layouts[0]);
}

TEST(size_64)
{
	fill_one_slice(_metadata, &layouts[1]);
}

TEST(size_128)
{
	fill_one_slice(_metadata, &layouts[2]);
}

TEST(size_1024)
{
	fill_one_slice(_metadata, &layouts[3]);
}

TEST(size_65536)
{
	fill_one_slice(_metadata, &layouts[4]);
}

TEST(metadata_bytes_per_object)
{
	struct ffma *a = ffma_create(16);

	ASSERT_NE(NULL, a);
	/* Nothing per object outside it; one page of header per slice. */
	EXPECT_EQ(0, FFMA_META_BITS);
	EXPECT_EQ(FFMA_PAGE_SIZE, ffma_data_offset(a));
	EXPECT_EQ(FFMA_SLICE_SIZE,
		  ffma_data_offset(a) + 16 * ffma_objects_per_slice(a));
	ffma_destroy(a);
}

TEST(sizes_round_up_to_16)
{
	struct ffma *a = ffma_create(24);

	ASSERT_NE(NULL, a);
	EXPECT_EQ(32, ffma_object_size(a));
	ffma_destroy(a);
	a = ffma_create(1);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(16, ffma_object_size(a));
	ffma_destroy(a);
}

TEST(bad_sizes)
{
	EXPECT_EQ(NULL, ffma_create(0));
	EXPECT_EQ(NULL, ffma_create(FFMA_OBJECT_MAX + 1));
}

TEST(largest_object)
{
	struct ffma *a = ffma_create(FFMA_OBJECT_MAX);
	char *p;

	ASSERT_NE(NULL, a);
	EXPECT_EQ(1, ffma_objects_per_slice(a));
	p = ffma_alloc(a);
	ASSERT_NE(NULL, p);
	memset(p, 0x5a, FFMA_OBJECT_MAX);
	ffma_free(p);
	EXPECT_EQ(0, ffma_objects_inuse(a));
	ffma_destroy(a);
}

/*
 * A current slice whose objects are all free again starts over from its
 * first object in address order, whatever order they were freed in, and
 * the counts stay exact on the way down (frees past the fast path's
 * unsynced allocations, more than FFMA_BUDGET of them).
 */
TEST(emptied_slice_starts_over)
{
	struct ffma *a = ffma_create(64);
	enum { N = 1000 };
	static char *objs[N];
	char *first;
	int i, round;

	ASSERT_NE(NULL, a);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < N; i++) {
			objs[i] = ffma_alloc(a);
			ASSERT_NE(NULL, objs[i]);
		}
		first = objs[0];
		EXPECT_EQ(slice_base(first) + ffma_data_offset(a),
			  (uintptr_t)first);
		for (i = 1; i < N; i++)
			ASSERT_EQ(first + 64 * i, objs[i]);
		EXPECT_EQ(N, ffma_objects_inuse(a));
		/* Every 7th first, then the rest: not the allocation order. */
		for (i = 0; i < N; i += 7)
			ffma_free(objs[i]);
		EXPECT_EQ(N - (N + 6) / 7, ffma_objects_inuse(a));
		EXPECT_EQ(N - (N + 6) / 7, ffma_slice_objects_inuse(first));
		for (i = 0; i < N; i++)
			if (i % 7)
				ffma_free(objs[i]);
		EXPECT_EQ(0, ffma_objects_inuse(a));
		EXPECT_EQ(1, ffma_slices_inuse(a));
	}
	/* Pairs: the slice is empty after every free. */
	for (i = 0; i < 3 * N; i++) {
		char *p = ffma_alloc(a);

		ASSERT_EQ(first, p);
		ffma_free(p);
	}
	EXPECT_EQ(0, ffma_objects_inuse(a));
	ffma_destroy(a);
}

/*
 * Objects of about 1.1 KiB and up keep their free list out of the objects
 * (an index stack in the slice's header page): a free leaves the bytes of
 * the object alone, and reuse is still last freed, first out.
 */
static void free_out_of_band(struct __test_metadata *_metadata, size_t size)
{
	struct ffma *a = ffma_create(size);
	enum { N = 400 };	/* one slice, even at 4096 B */
	static char *objs[N];
	int i;

	ASSERT_NE(NULL, a);
	for (i = 0; i < N; i++) {
		objs[i] = ffma_alloc(a);
		ASSERT_NE(NULL, objs[i]);
		memset(objs[i], 0xab, size);
	}
	ffma_free(objs[3]);
	ffma_free(objs[N - 1]);
	ffma_free(objs[7]);
	for (i = 0; i < 16; i++) {
		ASSERT_EQ((char)0xab, objs[3][i]);
		ASSERT_EQ((char)0xab, objs[7][i]);
		ASSERT_EQ((char)0xab, objs[N - 1][i]);
	}
	EXPECT_EQ(N - 3, ffma_objects_inuse(a));
	EXPECT_EQ(objs[7], ffma_alloc(a));
	EXPECT_EQ(objs[N - 1], ffma_alloc(a));
	EXPECT_EQ(objs[3], ffma_alloc(a));
	EXPECT_EQ(N, ffma_objects_inuse(a));
	for (i = N - 1; i >= 0; i--)
		ffma_free(objs[i]);
	EXPECT_EQ(0, ffma_objects_inuse(a));
	EXPECT_EQ(1, ffma_slices_inuse(a));
	/* Emptied: from the first object of the current slice again. */
	objs[0] = ffma_alloc(a);
	EXPECT_EQ(slice_base(objs[0]) + ffma_data_offset(a),
		  (uintptr_t)objs[0]);
	ffma_free(objs[0]);
	ffma_destroy(a);
}

TEST(free_out_of_band_2048)
{
	free_out_of_band(_metadata, 2048);
}

TEST(free_out_of_band_4096)
{
	free_out_of_band(_metadata, 4096);
}

TEST(free_out_of_band_3000)
{
	free_out_of_band(_metadata, 3000);
}

/*
 * <ffma.h> compiles the fast paths of ffma_alloc() and ffma_free() into
 * release builds of the caller, not into sanitized ones; calls through
 * the macros and to the library's functions ((ffma_alloc)(a)) mix freely,
 * across the budget, slice changes and emptied slices, with exact counts.
 */
TEST(inline_paths_mix_with_library_calls)
{
	struct ffma *a = ffma_create(1024);
	enum { N = 5000 };
	static char *objs[N];
	size_t per;
	int i;

#if WELL_TEST_ASAN || defined(__SANITIZE_THREAD__)
	EXPECT_EQ(0, FFMA_INLINE);
#else
	EXPECT_EQ(1, FFMA_INLINE);
#endif
	ASSERT_NE(NULL, a);
	per = ffma_objects_per_slice(a);
	for (i = 0; i < N; i++) {
		objs[i] = i % 3 ? ffma_alloc(a) : (ffma_alloc)(a);
		ASSERT_NE(NULL, objs[i]);
		/* Never-used slots in address order within each slice. */
		if (i % per)
			ASSERT_EQ(objs[i - 1] + 1024, objs[i]);
	}
	EXPECT_EQ(N, ffma_objects_inuse(a));
	EXPECT_EQ((N + per - 1) / per, ffma_slices_inuse(a));
	for (i = 0; i < N; i += 2)
		ffma_free(objs[i]);
	EXPECT_EQ(N / 2, ffma_objects_inuse(a));
	for (i = 1; i < N; i += 2)
		(ffma_free)(objs[i]);
	EXPECT_EQ(0, ffma_objects_inuse(a));
	/* Emptied slices went back to the cache; the current one stays. */
	EXPECT_EQ(1, ffma_slices_inuse(a));
	ffma_free(NULL);
	ffma_destroy(a);
}

TEST_HARNESS_MAIN
