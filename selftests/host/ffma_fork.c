// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma across fork(): while other threads allocate, free, hand objects to
 * each other, create and destroy allocators (so slices go to and come
 * from the cache) and exit, the main thread forks 300 times. Each child
 * must get a working allocator: it allocates in every class, frees objects
 * the parent's threads published before the fork, starts a thread that
 * does the same, and exits. A child that hangs is killed by its own alarm,
 * so the test is bounded in time; every child must exit 0.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "asan.h"
#include <ffma.h>

#define FORKS		300
#define WORKERS		3
#define SHARED		64
#define CHILD_ALARM	10

static atomic_bool stop;
/* Objects published by workers for others (and for children) to free. */
static _Atomic(uintptr_t) shared[SHARED];

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void churn(uint64_t *seed, int rounds)
{
	void *mine[32];
	int r, i;

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < 32; i++) {
			size_t size = 16 << (next_rand(seed) % 8);

			mine[i] = ffma_mem_alloc(size);
			if (mine[i])
				memset(mine[i], 0x5a, size);
		}
		for (i = 0; i < 32; i++) {
			uintptr_t old;

			/* Swap one in for another thread to free. */
			old = atomic_exchange(&shared[next_rand(seed) % SHARED],
					      (uintptr_t)mine[i]);
			ffma_mem_free((void *)old);
		}
	}
}

static void *short_lived(void *arg)
{
	uint64_t seed = (uintptr_t)arg | 1;

	churn(&seed, 4);
	return NULL;
}

static void *worker(void *arg)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull * ((uintptr_t)arg + 1);

	while (!atomic_load(&stop)) {
		struct ffma *a = ffma_create(4096);
		pthread_t t;
		int i;

		churn(&seed, 2);
		/* One slice taken from and given back to the cache. */
		if (a) {
			for (i = 0; i < 8; i++)
				ffma_alloc(a);
			ffma_destroy(a);
		}
		if (!pthread_create(&t, NULL, short_lived,
				    (void *)(uintptr_t)next_rand(&seed)))
			pthread_join(t, NULL);
	}
	return NULL;
}

static void *child_thread(void *arg)
{
	uint64_t seed = 77;

	(void)arg;
	churn(&seed, 3);
	return (void *)1;
}

/* The child: allocate everywhere, free inherited objects, one thread. */
static int child(void)
{
	void *p[FFMA_MEM_CLASSES];
	pthread_t t;
	void *ret = NULL;
	unsigned int c;
	int i;

	alarm(CHILD_ALARM);
	for (c = 0; c < FFMA_MEM_CLASSES; c++) {
		p[c] = ffma_mem_alloc(FFMA_MEM_MIN << c);
		if (!p[c])
			return 2;
		memset(p[c], c, FFMA_MEM_MIN << c);
	}
	for (i = 0; i < SHARED; i++)
		ffma_mem_free((void *)atomic_exchange(&shared[i], 0));
	if (pthread_create(&t, NULL, child_thread, NULL))
		return 3;
	pthread_join(t, &ret);
	if (ret != (void *)1)
		return 4;
	for (c = 0; c < FFMA_MEM_CLASSES; c++)
		ffma_mem_free(p[c]);
	return 0;
}

FIXTURE(fork) {
	int unused;
};

FIXTURE_SETUP(fork)
{
}

FIXTURE_TEARDOWN(fork)
{
}

/* 300 forks take about 1.5 s. */
TEST_F_TIMEOUT(fork, while_threads_allocate, 60)
{
	pthread_t w[WORKERS];
	int i, hung = 0, failed = 0;

#if WELL_TEST_ASAN
	/*
	 * gcc 12's ASan allocator is not fork-safe (clang 14's neither): a child of a threaded
	 * parent hangs in its own malloc (seen in pthread_create), ffma or not.
	 */
	SKIP(return, "ASan's allocator deadlocks in fork() children");
#endif
	for (i = 0; i < WORKERS; i++)
		ASSERT_EQ(0, pthread_create(&w[i], NULL, worker,
					    (void *)(uintptr_t)i));
	for (i = 0; i < FORKS; i++) {
		int status;
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (!pid)
			_exit(child());
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		if (WIFSIGNALED(status))
			hung++;
		else if (WEXITSTATUS(status))
			failed++;
	}
	atomic_store(&stop, true);
	for (i = 0; i < WORKERS; i++)
		pthread_join(w[i], NULL);
	EXPECT_EQ(0, hung);
	EXPECT_EQ(0, failed);
}

TEST(child_after_fork_owns_only_its_thread)
{
	void *before = ffma_mem_alloc(64);
	int status;
	pid_t pid;

	ASSERT_NE(NULL, before);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* The forking thread keeps its allocator in the child. */
		void *again;

		ffma_mem_free(before);
		again = ffma_mem_alloc(64);
		_exit(again == before ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ffma_mem_free(before);
}

TEST_HARNESS_MAIN
