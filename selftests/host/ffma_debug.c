// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma debug build (FFMA_DEBUG): each misuse makes the process abort with
 * a message naming the problem. Each misuse runs in a child whose stderr
 * and end are checked.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "child_stderr.h"
#include <ffma.h>

static void expect_report(struct __test_metadata *_metadata,
			  void (*misuse)(void), const char *msg)
{
	char buf[256];
	int fd, status;
	pid_t pid;

	pid = child_start(&fd);
	ASSERT_LE(0, pid);
	if (!pid) {
		misuse();
		_exit(0);
	}
	status = child_finish(pid, fd, buf, sizeof(buf));
	ASSERT_NE(-1, status);
	ASSERT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGABRT, WTERMSIG(status));
	EXPECT_NE(NULL, strstr(buf, msg)) {
		TH_LOG("stderr was: %s", buf);
	}
}

static void do_double_free(void)
{
	struct ffma *a = ffma_create(64);
	void *p = ffma_alloc(a);

	ffma_free(p);
	ffma_free(p);
}

/* A class whose free objects wait on an index stack, not a list. */
static void do_double_free_large(void)
{
	void *p = ffma_mem_alloc(4096), *q = ffma_mem_alloc(4096);

	ffma_mem_free(p);
	ffma_mem_free(q);
	ffma_mem_alloc(4096);
	ffma_mem_free(p);
}

static void do_double_free_after_reuse(void)
{
	void *p = ffma_mem_alloc(32), *q = ffma_mem_alloc(32);

	ffma_mem_free(p);
	ffma_mem_free(q);
	ffma_mem_alloc(32);
	ffma_mem_free(p);
}

static void do_foreign_heap_pointer(void)
{
	void *p = malloc(64);

	ffma_mem_alloc(64);
	ffma_free(p);
}

static void do_foreign_stack_pointer(void)
{
	int x;

	ffma_free(&x);
}

static void do_inside_an_object(void)
{
	char *p = ffma_mem_alloc(128);

	ffma_free(p + 8);
}

static void do_never_allocated_slot(void)
{
	char *p = ffma_mem_alloc(128);

	ffma_free(p + 128);
}

static void do_slice_back_in_cache(void)
{
	struct ffma *a = ffma_create(64);
	void *p = ffma_alloc(a);

	ffma_destroy(a);
	ffma_free(p);
}

static void do_write_after_free(void)
{
	struct ffma *a = ffma_create(64);
	char **p = ffma_alloc(a), **q = ffma_alloc(a);

	ffma_free(p);
	ffma_free(q);
	*q = (char *)q + 8;
	ffma_alloc(a);
}

static void *free_twice(void *p)
{
	ffma_free(p);
	ffma_free(p);
	return NULL;
}

static void do_double_free_from_other_thread(void)
{
	struct ffma *a = ffma_create(64);
	void *p = ffma_alloc(a);
	pthread_t t;

	pthread_create(&t, NULL, free_twice, p);
	pthread_join(t, NULL);
	/* The owner finds it when it takes the remote frees back. */
	ffma_collect(a);
}

static void *free_once(void *p)
{
	ffma_free(p);
	return NULL;
}

/* Freed by another thread, then by the owner before it collects. */
static void do_double_free_remote_then_owner(void)
{
	struct ffma *a = ffma_create(64);
	void *p = ffma_alloc(a);
	pthread_t t;

	pthread_create(&t, NULL, free_once, p);
	pthread_join(t, NULL);
	ffma_free(p);
}

static void *free_pair(void *arg)
{
	void **pq = arg;

	ffma_free(pq[0]);
	ffma_free(pq[1]);
	return NULL;
}

/* A write after free into an object waiting on the remote stack. */
static void do_write_after_remote_free(void)
{
	struct ffma *a = ffma_create(64);
	void *pq[2] = { ffma_alloc(a), ffma_alloc(a) };
	pthread_t t;

	pthread_create(&t, NULL, free_pair, pq);
	pthread_join(t, NULL);
	/* pq[1] heads the stack; its link now points nowhere. */
	*(uintptr_t *)pq[1] = 0x5a5a5a5a5a5a5a50ull;
	ffma_collect(a);
}

static void do_usable_size_foreign(void)
{
	void *p = malloc(64);

	ffma_mem_alloc(64);
	ffma_usable_size(p);
}

static void do_realloc_foreign(void)
{
	void *p = malloc(64);

	ffma_mem_alloc(64);
	ffma_mem_realloc(p, 200);
}

static void *alloc_not_owner(void *a)
{
	return ffma_alloc(a);
}

static void do_alloc_by_non_owner(void)
{
	struct ffma *a = ffma_create(64);
	pthread_t t;

	pthread_create(&t, NULL, alloc_not_owner, a);
	pthread_join(t, NULL);
}

TEST(clean_use_passes)
{
	struct ffma *a = ffma_create(64);
	void *p, *q;

	ASSERT_NE(NULL, a);
	p = ffma_alloc(a);
	q = ffma_alloc(a);
	ffma_free(p);
	ffma_free(q);
	p = ffma_mem_alloc(100);
	ffma_mem_free(p);
	EXPECT_EQ(0, ffma_objects_inuse(a));
	ffma_destroy(a);
}

TEST(double_free)
{
	expect_report(_metadata, do_double_free, "ffma_free: double free");
}

TEST(double_free_after_reuse)
{
	expect_report(_metadata, do_double_free_after_reuse,
		      "ffma_free: double free");
}

TEST(double_free_large)
{
	expect_report(_metadata, do_double_free_large, "ffma_free: double free");
}

TEST(double_free_from_other_thread)
{
	expect_report(_metadata, do_double_free_from_other_thread,
		      "ffma_free: double free");
}

TEST(double_free_remote_then_owner)
{
	expect_report(_metadata, do_double_free_remote_then_owner,
		      "ffma_free: double free");
}

TEST(write_after_remote_free)
{
	expect_report(_metadata, do_write_after_remote_free,
		      "ffma_collect: remote free list corrupted");
}

TEST(usable_size_of_foreign_pointer)
{
	expect_report(_metadata, do_usable_size_foreign,
		      "ffma_usable_size: pointer not from ffma");
}

TEST(realloc_of_foreign_pointer)
{
	expect_report(_metadata, do_realloc_foreign,
		      "ffma_usable_size: pointer not from ffma");
}

TEST(foreign_heap_pointer)
{
	expect_report(_metadata, do_foreign_heap_pointer,
		      "ffma_free: pointer not from ffma");
}

TEST(foreign_stack_pointer)
{
	expect_report(_metadata, do_foreign_stack_pointer,
		      "ffma_free: pointer not from ffma");
}

TEST(inside_an_object)
{
	expect_report(_metadata, do_inside_an_object,
		      "ffma_free: not the start of an object");
}

TEST(never_allocated_slot)
{
	expect_report(_metadata, do_never_allocated_slot,
		      "ffma_free: not the start of an object");
}

TEST(slice_back_in_cache)
{
	expect_report(_metadata, do_slice_back_in_cache,
		      "ffma_free: pointer into a free slice");
}

TEST(write_after_free)
{
	expect_report(_metadata, do_write_after_free,
		      "ffma_alloc: free list corrupted");
}

TEST(alloc_by_non_owner)
{
	expect_report(_metadata, do_alloc_by_non_owner,
		      "allocation by a thread that does not own the allocator");
}

TEST_HARNESS_MAIN
