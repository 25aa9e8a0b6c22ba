// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma without huge pages: FFMA_HUGETLB=0 (the default) maps slices from
 * a 2 MiB aligned cut of an anonymous mapping; slices still align and
 * work. FFMA_HUGETLB=1 tries MAP_HUGETLB first, and only until it fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include <ffma.h>
#include "port_stats.h"

static void use_slices(struct __test_metadata *_metadata, size_t slices)
{
	struct ffma *a = ffma_create(4096);
	size_t per, n, i;
	char **p;

	ASSERT_NE(NULL, a);
	per = ffma_objects_per_slice(a);
	n = slices * per;
	p = calloc(n, sizeof(*p));
	ASSERT_NE(NULL, p);
	for (i = 0; i < n; i++) {
		p[i] = ffma_alloc(a);
		ASSERT_NE(NULL, p[i]);
		memset(p[i], (int)i, 4096);
	}
	EXPECT_EQ(slices, ffma_slices_inuse(a));
	for (i = 0; i < n; i++) {
		ASSERT_EQ((char)i, p[i][4095]);
		ffma_free(p[i]);
	}
	EXPECT_EQ(0, ffma_objects_inuse(a));
	ffma_destroy(a);
	free(p);
}

TEST(fallback_forced)
{
	size_t huge, fallback;

	ASSERT_EQ(0, setenv("FFMA_HUGETLB", "0", 1));
	use_slices(_metadata, 3);
	ffma_pages_slices(&huge, &fallback);
	EXPECT_EQ(0, huge);
	EXPECT_EQ(3, fallback);
}

/* Opted in on a system without a hugetlb pool: one failed try, no more. */
TEST(hugetlb_failure_remembered)
{
	size_t huge, fallback, failed;

	ASSERT_EQ(0, setenv("FFMA_HUGETLB", "1", 1));
	use_slices(_metadata, 3);
	ffma_pages_slices(&huge, &fallback);
	failed = ffma_pages_hugetlb_failures();
	EXPECT_EQ(3, huge + fallback);
	EXPECT_EQ(fallback ? 1 : 0, failed);
}

TEST(default_path)
{
	size_t huge, fallback;

	ASSERT_EQ(0, unsetenv("FFMA_HUGETLB"));
	use_slices(_metadata, 3);
	ffma_pages_slices(&huge, &fallback);
	/* Huge pages when the system has them, the fallback otherwise. */
	EXPECT_EQ(3, huge + fallback);
}

/* kB of AnonHugePages in the mapping of /proc/self/smaps holding @addr. */
static long thp_kb(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[256];
	unsigned long lo, hi;
	bool in = false;
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = lo <= (uintptr_t)addr && (uintptr_t)addr < hi;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/*
 * An allocator's second slice asks for transparent huge pages before its
 * header is written: once a small page is faulted into a 2 MiB range,
 * the range gets no huge page until khugepaged collapses it. Where THP
 * is on ("always" or "madvise") and a huge page is to be had, the whole
 * slice is one.
 */
TEST(second_slice_gets_huge_pages)
{
	char mode[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	struct ffma *a;
	size_t per, i;
	char *first, *p = NULL;

	if (!f || !fgets(mode, sizeof(mode), f) || strstr(mode, "[never]")) {
		if (f)
			fclose(f);
		SKIP(return, "transparent huge pages are off");
	}
	fclose(f);
	ASSERT_EQ(0, unsetenv("FFMA_HUGETLB"));
	a = ffma_create(4096);
	ASSERT_NE(NULL, a);
	per = ffma_objects_per_slice(a);
	first = ffma_alloc(a);
	ASSERT_NE(NULL, first);
	for (i = 1; i <= per; i++) {
		p = ffma_alloc(a);
		ASSERT_NE(NULL, p);
		*p = 1;
	}
	EXPECT_EQ(2, ffma_slices_inuse(a));
	EXPECT_EQ(2048, thp_kb(p)) {
		TH_LOG("second slice %p: %ld kB AnonHugePages", (void *)p,
		       thp_kb(p));
	}
	ffma_destroy(a);
}

TEST_HARNESS_MAIN
