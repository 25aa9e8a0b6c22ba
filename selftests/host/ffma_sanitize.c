// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma_mem objects under memory checkers: ASan (this program built with
 * -fsanitize=address, against an instrumented or a plain libwell) and
 * valgrind's memcheck see a use after free and an overflow past the size
 * asked for, and nothing in correct use: reuse, realloc, zeroed memory,
 * frees from another thread, large blocks. Without a checker in the
 * process every test skips. Each misuse runs in a child.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <valgrind/memcheck.h>
#include "kselftest_harness.h"
#include "asan.h"
#include "child_stderr.h"
#include <ffma.h>

#define ASAN	WELL_TEST_ASAN

#define NEED_CHECKER() do { \
	if (!ASAN && !RUNNING_ON_VALGRIND) \
		SKIP(return, "neither ASan nor valgrind in the process"); \
} while (0)

/*
 * Run @misuse in a child. ASan: it must die with @what on stderr.
 * Valgrind: it must have made memcheck count an error (exit 0), or (when
 * @may_segv) touched an unmapped page, which memcheck reports as it dies.
 */
static void expect_caught(struct __test_metadata *_metadata,
			  void (*misuse)(void), const char *what,
			  bool may_segv)
{
	char buf[4096];
	int fd, status;
	pid_t pid;

	pid = child_start(&fd);
	ASSERT_LE(0, pid);
	if (!pid) {
		unsigned int before = VALGRIND_COUNT_ERRORS;

		misuse();
		_exit(VALGRIND_COUNT_ERRORS > before ? 0 : 7);
	}
	status = child_finish(pid, fd, buf, sizeof(buf));
	ASSERT_NE(-1, status);
	if (ASAN) {
		EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 7);
		EXPECT_NE(NULL, strstr(buf, what)) {
			TH_LOG("stderr was: %.300s", buf);
		}
	} else if (WIFSIGNALED(status)) {
		/* A large block's pages are gone: memcheck reports, then SEGV. */
		EXPECT_TRUE(may_segv);
		EXPECT_EQ(SIGSEGV, WTERMSIG(status));
	} else {
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
}

static void use_after_free(void)
{
	volatile char *p = ffma_mem_alloc(100);

	ffma_mem_free((void *)p);
	p[50] = 1;
}

static void overflow(void)
{
	volatile char *p = ffma_mem_alloc(100);

	p[100] = 1;
}

static void large_use_after_free(void)
{
	volatile char *p = ffma_mem_alloc(100000);

	p[99999] = 1;
	ffma_mem_free((void *)p);
	p[99999] = 2;
}

TEST(use_after_free_caught)
{
	NEED_CHECKER();
	expect_caught(_metadata, use_after_free, "use-after-poison", false);
}

TEST(overflow_caught)
{
	NEED_CHECKER();
	expect_caught(_metadata, overflow, "use-after-poison", false);
}

TEST(large_block_use_after_free_caught)
{
	NEED_CHECKER();
	/* Poisoned before it is unmapped: ASan says use-after-poison. */
	expect_caught(_metadata, large_use_after_free, "use-after-poison",
		      true);
}

static void *free_it(void *p)
{
	ffma_mem_free(p);
	return NULL;
}

TEST(correct_use_is_clean)
{
	unsigned int before = VALGRIND_COUNT_ERRORS;
	char *p, *q;
	pthread_t t;
	int i;

	NEED_CHECKER();
	for (i = 0; i < 1000; i++) {
		p = ffma_mem_alloc(100);
		ASSERT_NE(NULL, p);
		memset(p, i, 100);
		ffma_mem_free(p);
	}
	p = ffma_mem_alloc_zero(60);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, p[59]);
	memset(p, 7, 60);
	q = ffma_mem_realloc(p, 300);
	ASSERT_NE(NULL, q);
	EXPECT_EQ(7, q[59]);
	memset(q, 8, 300);
	/* Grown in place, inside the class: the new bytes are open. */
	EXPECT_EQ(q, ffma_mem_realloc(q, 500));
	memset(q, 8, 500);
	p = ffma_mem_realloc(q, 20000);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(8, p[299]);
	ASSERT_EQ(0, pthread_create(&t, NULL, free_it, p));
	pthread_join(t, NULL);
	p = ffma_mem_alloc(200000);
	ASSERT_NE(NULL, p);
	memset(p, 1, 200000);
	ffma_mem_free(p);
	EXPECT_EQ(before, VALGRIND_COUNT_ERRORS);
}

TEST_HARNESS_MAIN
