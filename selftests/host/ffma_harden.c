// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma release builds encode free-list links (hardened): a pointer written
 * over the link of a free object, by a bug or an attacker, is not
 * followed. Whether the object waits on its slice's list or on the remote
 * stack, the next allocation or collect reports the corruption and the
 * process aborts instead of handing out the forged address.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "child_stderr.h"
#include <ffma.h>

static char target[64] __attribute__((aligned(64)));

/* Run @fn in a child; it must die of SIGABRT with @msg on stderr. */
static void expect_abort(struct __test_metadata *_metadata,
			 int (*fn)(void), const char *msg)
{
	char buf[256];
	int fd, status;
	pid_t pid;

	pid = child_start(&fd);
	ASSERT_LE(0, pid);
	if (!pid) {
		_exit(fn());
	}
	status = child_finish(pid, fd, buf, sizeof(buf));
	ASSERT_NE(-1, status);
	EXPECT_TRUE(WIFSIGNALED(status)) {
		TH_LOG("child exited %d: the forged pointer was handed out",
		       WEXITSTATUS(status));
	}
	if (WIFSIGNALED(status))
		EXPECT_EQ(SIGABRT, WTERMSIG(status));
	EXPECT_NE(NULL, strstr(buf, msg)) {
		TH_LOG("stderr was: %s", buf);
	}
}

/*
 * In the local cases one object stays in use: a current slice with none
 * in use starts over from its first object and drops its list unread.
 */
static int forged_local_link(void)
{
	struct ffma *a = ffma_create(64);
	void **keep = ffma_alloc(a), **p = ffma_alloc(a), **q = ffma_alloc(a);

	ffma_free(p);
	ffma_free(q);
	*q = target;
	ffma_alloc(a);
	if (ffma_alloc(a) == (void *)target)
		return 1;
	ffma_free(keep);
	return 2;
}

static int zeroed_local_link(void)
{
	struct ffma *a = ffma_create(64);
	void **keep = ffma_alloc(a);
	void **p = ffma_alloc(a), **q = ffma_alloc(a), **r = ffma_alloc(a);

	ffma_free(p);
	ffma_free(q);
	ffma_free(r);
	/* Cut the list short: p and q would be lost for good. */
	*r = NULL;
	ffma_alloc(a);
	ffma_free(keep);
	return 3;
}

static void *free_pair(void *arg)
{
	void **pq = arg;

	ffma_free(pq[0]);
	ffma_free(pq[1]);
	return NULL;
}

static int forged_remote_link(void)
{
	struct ffma *a = ffma_create(64);
	void *pq[2] = { ffma_alloc(a), ffma_alloc(a) };
	pthread_t t;
	int i;

	pthread_create(&t, NULL, free_pair, pq);
	pthread_join(t, NULL);
	*(void **)pq[1] = target;
	ffma_collect(a);
	for (i = 0; i < 4; i++)
		if (ffma_alloc(a) == (void *)target)
			return 1;
	return 2;
}

TEST(forged_link_on_slice_list)
{
	expect_abort(_metadata, forged_local_link,
		     "ffma_alloc: free list corrupted");
}

TEST(zeroed_link_on_slice_list)
{
	expect_abort(_metadata, zeroed_local_link,
		     "ffma_alloc: free list corrupted");
}

TEST(forged_link_on_remote_stack)
{
	expect_abort(_metadata, forged_remote_link,
		     "ffma_collect: remote free list corrupted");
}

TEST_HARNESS_MAIN
