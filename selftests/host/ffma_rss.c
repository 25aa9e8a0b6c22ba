// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma resident memory: a thread with one live object per size class
 * costs a few pages per class, not a 2 MiB (huge) page each; memory freed
 * after a burst goes back to the system once the cache idles (or at once
 * with ffma_cache_trim()); and a burst larger than the cache's floor
 * reuses cached slices round after round instead of mapping new ones.
 * Resident sizes come from /proc/self/statm.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "asan.h"
#include <ffma.h>
#include "port_stats.h"

#define MIB		(1024 * 1024)
/*
 * With ASan in the process ffma poisons freed objects: the shadow of the
 * burst (an eighth of it, 8 MiB) stays resident; it is ASan's, not ours.
 */
#if WELL_TEST_ASAN
#define SHADOW		(12 * MIB)
#else
#define SHADOW		0
#endif

static size_t rss(void)
{
	unsigned long size = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * (size_t)sysconf(_SC_PAGESIZE);
}

static void *one_per_class(void *arg)
{
	size_t *grew = arg, before = rss();
	void *p[FFMA_MEM_CLASSES];
	unsigned int c;

	for (c = 0; c < FFMA_MEM_CLASSES; c++) {
		p[c] = ffma_mem_alloc(FFMA_MEM_MIN << c);
		if (!p[c])
			return NULL;
		memset(p[c], 1, FFMA_MEM_MIN << c);
	}
	*grew = rss() - before;
	for (c = 0; c < FFMA_MEM_CLASSES; c++)
		ffma_mem_free(p[c]);
	return arg;
}

TEST(thread_with_one_object_per_class)
{
	size_t grew = 0;
	pthread_t t;
	void *ret;

	ASSERT_EQ(0, pthread_create(&t, NULL, one_per_class, &grew));
	pthread_join(t, &ret);
	ASSERT_NE(NULL, ret);
	/* 13 headers and objects of 16 B..64 KiB: about 200 KiB. */
	EXPECT_GT(1 * MIB, grew) {
		TH_LOG("one object per class took %zu KiB", grew / 1024);
	}
}

#define SMALL		1000000

static void **burst(size_t n, size_t size)
{
	/* A large block: unmapped when freed (ASan would keep a malloc'd one). */
	void **p = ffma_mem_alloc(n * sizeof(*p));
	size_t i;

	for (i = 0; p && i < n; i++) {
		p[i] = ffma_mem_alloc(size);
		if (!p[i])
			return NULL;
		memset(p[i], 2, size);
	}
	return p;
}

static void unburst(void **p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ffma_mem_free(p[i]);
	ffma_mem_free(p);
}

TEST(freed_burst_given_back_by_trim)
{
	size_t before = rss(), peak;
	void **p = burst(SMALL, 64);

	ASSERT_NE(NULL, p);
	peak = rss();
	EXPECT_LT(before + 60 * MIB, peak);
	unburst(p, SMALL);
	ffma_cache_trim();
	EXPECT_GT(before + 4 * MIB + SHADOW, rss()) {
		TH_LOG("resident %zu MiB after trim, %zu before the burst",
		       rss() / MIB, before / MIB);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/*
 * No trim: the cache purges slices that sat unused, on its next
 * operations. Other allocators keep using the cache meanwhile (one slice
 * taken and given back per step); bounded at 5 s.
 */
TEST(freed_burst_given_back_after_idling)
{
	size_t before = rss();
	void **p = burst(SMALL, 64);
	const struct timespec step = { 0, 20 * 1000 * 1000 };
	double start;

	ASSERT_NE(NULL, p);
	unburst(p, SMALL);
	start = now_s();
	while (rss() > before + 8 * MIB + SHADOW && now_s() - start < 5) {
		struct ffma *a = ffma_create(4096);

		ASSERT_NE(NULL, a);
		ffma_alloc(a);
		ffma_destroy(a);
		nanosleep(&step, NULL);
	}
	EXPECT_GT(before + 8 * MIB + SHADOW, rss()) {
		TH_LOG("resident %zu MiB 5 s after the burst, %zu before",
		       rss() / MIB, before / MIB);
	}
}

#define BIG		32768

TEST(burst_above_cache_floor_reuses_slices)
{
	size_t huge, mapped_after_first, mapped;
	int round;

	for (round = 0; round < 4; round++) {
		void **p = burst(BIG, 4096);

		ASSERT_NE(NULL, p);
		unburst(p, BIG);
		ffma_pages_slices(&huge, &mapped);
		if (!round)
			mapped_after_first = mapped + huge;
	}
	ffma_pages_slices(&huge, &mapped);
	/* 32768 x 4 KiB is 65 slices: every one from the cache after round 1. */
	EXPECT_EQ(mapped_after_first, mapped + huge);
}

/*
 * Free pages inside live slices go back after idling: 16 slices of 4 KiB
 * objects, all freed but one object per slice, so no slice can go back to
 * the cache. After the owner's next calls (ffma_collect(), as its
 * allocations make every 256) more than 50 ms later, the pages of the
 * free objects of the 15 mostly empty slices other than the current one
 * are given back; their objects are handed out again afterwards. Bounded
 * at 2 s.
 */
TEST(free_pages_in_live_slices_given_back)
{
	struct ffma *a = ffma_create(4096);
	const struct timespec step = { 0, 20 * 1000 * 1000 };
	size_t per, n, i, before, held;
	char **p;
	double start;

	ASSERT_NE(NULL, a);
	per = ffma_objects_per_slice(a);
	n = 16 * per;
	p = calloc(n, sizeof(*p));
	ASSERT_NE(NULL, p);
	before = rss();
	for (i = 0; i < n; i++) {
		p[i] = ffma_alloc(a);
		ASSERT_NE(NULL, p[i]);
		memset(p[i], 0x5a, 4096);
	}
	for (i = 0; i < n; i++)
		if (i % per)
			ffma_free(p[i]);
	EXPECT_EQ(16, ffma_slices_inuse(a));
	EXPECT_EQ(16, ffma_objects_inuse(a));
	held = rss() - before;
	EXPECT_LE(30 * MIB, held);
	start = now_s();
	while (rss() - before > 8 * MIB + SHADOW && now_s() - start < 2) {
		nanosleep(&step, NULL);
		ffma_collect(a);
	}
	EXPECT_GT(8 * MIB + SHADOW, rss() - before) {
		TH_LOG("%zu MiB resident of %zu MiB held", (rss() - before) / MIB,
		       held / MIB);
	}
	/* The live objects are intact; the freed ones are usable again. */
	for (i = 0; i < n; i += per)
		ASSERT_EQ(0x5a, p[i][4095]);
	for (i = 0; i < n; i++) {
		if (!(i % per))
			continue;
		p[i] = ffma_alloc(a);
		ASSERT_NE(NULL, p[i]);
		memset(p[i], 1, 4096);
	}
	EXPECT_EQ(n, ffma_objects_inuse(a));
	for (i = 0; i < n; i++)
		ffma_free(p[i]);
	EXPECT_EQ(0, ffma_objects_inuse(a));
	ffma_destroy(a);
	free(p);
}

TEST_HARNESS_MAIN
