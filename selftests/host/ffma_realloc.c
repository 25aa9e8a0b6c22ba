// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma size classes: class of each size, alignment, zeroed memory,
 * realloc inside a class and across classes keeping the contents, sizes
 * above 64 KiB served as large blocks, and shrinking that never fails.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include <ffma.h>

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

static int same(const unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 7))
			return 0;
	return 1;
}

TEST(classes)
{
	static const size_t in[] = { 0, 1, 16, 17, 32, 33, 1000, 1024, 1025,
				     4096, 65535, 65536 };
	static const size_t out[] = { 16, 16, 16, 32, 32, 64, 1024, 1024,
				      2048, 4096, 65536, 65536 };
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		void *p = ffma_mem_alloc(in[i]);

		ASSERT_NE(NULL, p);
		EXPECT_EQ(out[i], ffma_usable_size(p));
		/* Aligned to the class size, at most a page. */
		EXPECT_EQ(0, (uintptr_t)p % (out[i] < 4096 ? out[i] : 4096));
		ffma_mem_free(p);
	}
}

TEST(large_blocks)
{
	static const size_t sizes[] = { FFMA_MEM_MAX + 1, 100000, 1 << 20,
					(3 << 20) + 5 };
	unsigned char *p[4];
	size_t i;

	for (i = 0; i < 4; i++) {
		p[i] = ffma_mem_alloc(sizes[i]);
		ASSERT_NE(NULL, p[i]);
		EXPECT_LE(sizes[i], ffma_usable_size(p[i]));
		EXPECT_EQ(0, (uintptr_t)p[i] % 4096);
		fill(p[i], sizes[i], i);
	}
	for (i = 0; i < 4; i++) {
		EXPECT_TRUE(same(p[i], sizes[i], i));
		ffma_mem_free(p[i]);
	}
	p[0] = ffma_mem_alloc_zero(1 << 20);
	ASSERT_NE(NULL, p[0]);
	EXPECT_EQ(0, p[0][0] | p[0][(1 << 20) - 1]);
	/* ffma_free() knows large blocks too. */
	ffma_free(p[0]);
	errno = 0;
	EXPECT_EQ(NULL, ffma_mem_alloc((size_t)-1 / 2));
	EXPECT_EQ(ENOMEM, errno);
}

TEST(large_realloc)
{
	unsigned char *p = ffma_mem_alloc(1000), *q;

	ASSERT_NE(NULL, p);
	fill(p, 1000, 3);
	q = ffma_mem_realloc(p, 200000);
	ASSERT_NE(NULL, q);
	EXPECT_TRUE(same(q, 1000, 3));
	fill(q, 200000, 4);
	/* Shrinking by less than half stays in place. */
	EXPECT_EQ(q, ffma_mem_realloc(q, 150000));
	p = ffma_mem_realloc(q, 3000);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(4096, ffma_usable_size(p));
	EXPECT_TRUE(same(p, 3000, 4));
	ffma_mem_free(p);
}

/*
 * With no address space left for a new slice, shrinking into a class the
 * thread never used keeps the block instead of failing.
 */
TEST(shrink_never_fails)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		unsigned char *p = ffma_mem_alloc(60000), *q;
		struct rlimit lim = { 0, 0 };

		if (!p)
			_exit(2);
		fill(p, 60000, 9);
		if (setrlimit(RLIMIT_AS, &lim))
			_exit(3);
		if (ffma_mem_alloc(8000))
			_exit(4);
		q = ffma_mem_realloc(p, 8000);
		_exit(q == p && same(q, 8000, 9) ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST(zeroed_after_reuse)
{
	unsigned char *p = ffma_mem_alloc(200), *q;
	size_t i;

	ASSERT_NE(NULL, p);
	/* The bytes asked for: ASan and valgrind watch the class's tail. */
	memset(p, 0xff, 200);
	ffma_mem_free(p);
	q = ffma_mem_alloc_zero(200);
	ASSERT_EQ(p, q);
	for (i = 0; i < 200; i++)
		ASSERT_EQ(0, q[i]);
	ffma_mem_free(q);
}

TEST(realloc_inside_class)
{
	unsigned char *p = ffma_mem_alloc(40), *q;

	ASSERT_NE(NULL, p);
	fill(p, 40, 3);
	q = ffma_mem_realloc(p, 64);
	EXPECT_EQ(p, q);
	q = ffma_mem_realloc(q, 33);
	EXPECT_EQ(p, q);
	EXPECT_TRUE(same(q, 33, 3));
	ffma_mem_free(q);
}

TEST(realloc_across_classes)
{
	unsigned char *p = ffma_mem_alloc(24), *q;

	ASSERT_NE(NULL, p);
	fill(p, 24, 11);
	q = ffma_mem_realloc(p, 100);
	ASSERT_NE(NULL, q);
	EXPECT_NE(p, q);
	EXPECT_EQ(128, ffma_usable_size(q));
	EXPECT_TRUE(same(q, 24, 11));
	fill(q, 100, 12);
	p = ffma_mem_realloc(q, 60000);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(65536, ffma_usable_size(p));
	EXPECT_TRUE(same(p, 100, 12));
	fill(p, 60000, 13);
	/* Shrinking keeps the first bytes. */
	q = ffma_mem_realloc(p, 20);
	ASSERT_NE(NULL, q);
	EXPECT_EQ(32, ffma_usable_size(q));
	EXPECT_TRUE(same(q, 20, 13));
	ffma_mem_free(q);
}

TEST(realloc_edges)
{
	unsigned char *p = ffma_mem_realloc(NULL, 10), *q;

	ASSERT_NE(NULL, p);
	EXPECT_EQ(16, ffma_usable_size(p));
	fill(p, 10, 5);
	errno = 0;
	q = ffma_mem_realloc(p, (size_t)-1 / 2);
	EXPECT_EQ(NULL, q);
	EXPECT_EQ(ENOMEM, errno);
	/* Refused: the old memory is untouched and still ours. */
	EXPECT_TRUE(same(p, 10, 5));
	EXPECT_EQ(NULL, ffma_mem_realloc(p, 0));
}

TEST_HARNESS_MAIN
