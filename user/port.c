// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * port.c - memory for core/ffma in user space, and the rest of the
 * contract of core/port.h.
 *
 * A slice is cut from an anonymous mapping: map 4 MiB, unmap the parts
 * before and after a 2 MiB boundary. An allocator's first slice gets
 * normal pages, so that a thread with a few objects in a class pays a few
 * pages, not 2 MiB; core/ffma asks for transparent huge pages
 * (ffma_pages_hugepage(): MADV_HUGEPAGE) for its second slice and on at
 * once, and for the first once its bump pointer passes half of it
 * (khugepaged then collapses what was faulted in small). A purged cached
 * slice gets MADV_DONTNEED and MADV_NOHUGEPAGE. With FFMA_HUGETLB=1 in the environment a slice is
 * first asked for as a 2 MiB huge page (MAP_HUGETLB); the first failure
 * is remembered and the process stops asking. Either way the memory
 * prefers the NUMA node of the calling thread (mbind MPOL_PREFERRED).
 */
#define _GNU_SOURCE 1
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "ffma.h"
#include "port.h"
#include "port_stats.h"
#include "ffma_slice.h"
#include "ffma_thread.h"

#define FFMA_MPOL_PREFERRED	1

__thread uintptr_t well_token __attribute__((tls_model("initial-exec")));
/* The last token handed out; tokens are never reused. */
static atomic_size_t well_tokens;

/**
 * well_self_claim_slow() - give the calling thread its token.
 *
 * Return: the token, nonzero and unique in the process for good.
 */
uintptr_t well_self_claim_slow(void)
{
	/* Only uniqueness matters: the token guards no data. */
	well_token = atomic_fetch_add_explicit(&well_tokens, 1,
					       memory_order_relaxed) + 1;
	return well_token;
}

/**
 * well_random() - a random word.
 *
 * Return: from getrandom(), or from the clock and an address when the
 * kernel cannot give one.
 */
uintptr_t well_random(void)
{
	uintptr_t r;
	struct timespec ts;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == sizeof(r))
		return r;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	r = (uintptr_t)&r ^ (uintptr_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull;
	return r ^ r >> 29;
}

/**
 * ffma_large_map() - map a large block for ffma_mem_alloc().
 * @size: bytes wanted, more than FFMA_MEM_MAX.
 *
 * The mapping is aligned to FFMA_SLICE_SIZE, so that ffma_free() finds
 * its header as it finds a slice's.
 *
 * Return: the block, or NULL when mmap fails or @size is absurd.
 */
void *ffma_large_map(size_t size)
{
	const int prot = PROT_READ | PROT_WRITE;
	const int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	size_t len, head;
	char *raw, *map;

	if (size > ((size_t)1 << 46))
		return NULL;
	len = (FFMA_PAGE_SIZE + size + FFMA_PAGE_SIZE - 1) &
	      ~(FFMA_PAGE_SIZE - 1);
	raw = mmap(NULL, len + FFMA_SLICE_SIZE, prot, flags, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	map = (char *)(((uintptr_t)raw + FFMA_SLICE_SIZE - 1) &
		       ~(FFMA_SLICE_SIZE - 1));
	head = map - raw;
	if (head)
		munmap(raw, head);
	munmap(map + len, FFMA_SLICE_SIZE - head);
	return ffma_large_wrap(map, len, size);
}

/**
 * ffma_large_unmap() - unmap a large block, for ffma_free().
 * @map: the block's mapping.
 * @len: its length.
 */
void ffma_large_unmap(void *map, size_t len)
{
	munmap(map, len);
}

/*
 * Every program that links this file (all that use ffma) gets the fork
 * handlers of user/ffma_thread.c, the fixed-size API alone included.
 */
__attribute__((constructor)) static void ffma_fork_register(void)
{
	pthread_atfork(ffma_fork_prepare, ffma_fork_parent, ffma_fork_child);
}

/* -1 unknown, 0 never try MAP_HUGETLB (or it failed once), 1 try it. */
static atomic_int ffma_use_hugetlb = -1;
static atomic_size_t ffma_hugetlb_count;
static atomic_size_t ffma_fallback_count;
static atomic_size_t ffma_hugetlb_failures;

static bool ffma_try_hugetlb(void)
{
	int use = atomic_load_explicit(&ffma_use_hugetlb, memory_order_relaxed);

	/* A cached answer: every thread computes the same one. */
	if (use < 0) {
		const char *env = getenv("FFMA_HUGETLB");

		use = env && !strcmp(env, "1");
		atomic_store_explicit(&ffma_use_hugetlb, use,
				      memory_order_relaxed);
	}
	return use;
}

static void ffma_prefer_node(void *addr, size_t size, int node)
{
	unsigned long mask;

	if (node < 0 || node >= (int)(8 * sizeof(mask)))
		return;
	mask = 1UL << node;
	/* A hint: on failure the kernel's default policy applies. */
	syscall(SYS_mbind, addr, size, FFMA_MPOL_PREFERRED, &mask,
		8 * sizeof(mask), 0);
}

static void *ffma_map_slice(void)
{
	const int prot = PROT_READ | PROT_WRITE;
	const int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	char *raw, *slice;
	size_t head;

	if (ffma_try_hugetlb()) {
		slice = mmap(NULL, FFMA_SLICE_SIZE, prot, flags | MAP_HUGETLB,
			     -1, 0);
		if (slice != MAP_FAILED) {
			/* Statistics only: no ordering. */
			atomic_fetch_add_explicit(&ffma_hugetlb_count, 1,
						  memory_order_relaxed);
			return slice;
		}
		/* Statistics only: no ordering. */
		atomic_fetch_add_explicit(&ffma_hugetlb_failures, 1,
					  memory_order_relaxed);
		/* The pool is empty: do not pay a failed mmap per slice. */
		atomic_store_explicit(&ffma_use_hugetlb, 0,
				      memory_order_relaxed);
	}
	raw = mmap(NULL, 2 * FFMA_SLICE_SIZE, prot, flags, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	slice = (char *)(((uintptr_t)raw + FFMA_SLICE_SIZE - 1) &
			 ~(FFMA_SLICE_SIZE - 1));
	head = slice - raw;
	if (head)
		munmap(raw, head);
	munmap(slice + FFMA_SLICE_SIZE, FFMA_SLICE_SIZE - head);
	/* Statistics only: no ordering. */
	atomic_fetch_add_explicit(&ffma_fallback_count, 1,
				  memory_order_relaxed);
	return slice;
}

/**
 * ffma_pages_alloc() - zero-filled memory for core/ffma.
 * @size: FFMA_SLICE_SIZE (aligned to it) or a page multiple.
 * @node: preferred NUMA node.
 *
 * Return: the memory, or NULL when mmap fails.
 */
void *ffma_pages_alloc(size_t size, int node)
{
	void *mem;

	if (size == FFMA_SLICE_SIZE) {
		mem = ffma_map_slice();
	} else {
		mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			mem = NULL;
	}
	if (mem)
		ffma_prefer_node(mem, size, node);
	return mem;
}

/**
 * ffma_pages_free() - unmap memory from ffma_pages_alloc().
 * @addr: the memory.
 * @size: the size asked for.
 */
void ffma_pages_free(void *addr, size_t size)
{
	munmap(addr, size);
}

/**
 * ffma_pages_purge() - give a cached slice's pages back to the system.
 * @addr: the slice.
 * @size: its size.
 *
 * The mapping stays; the next use faults in zeroed pages.
 */
void ffma_pages_purge(void *addr, size_t size)
{
	madvise(addr, size, MADV_DONTNEED);
	madvise(addr, size, MADV_NOHUGEPAGE);
}

/**
 * ffma_pages_discard() - give back pages inside a slice still in use.
 * @addr: page-aligned start of free objects' memory.
 * @size: a multiple of the page size.
 *
 * The mapping and its huge-page advice stay; the next touch of a page
 * faults in a zeroed one.
 */
void ffma_pages_discard(void *addr, size_t size)
{
	madvise(addr, size, MADV_DONTNEED);
}

/**
 * ffma_pages_hugepage() - ask for transparent huge pages for a slice.
 * @addr: the slice, now well used.
 * @size: its size.
 */
void ffma_pages_hugepage(void *addr, size_t size)
{
	madvise(addr, size, MADV_HUGEPAGE);
}

/**
 * ffma_now_ms() - a coarse monotonic clock.
 *
 * Return: milliseconds since some fixed point.
 */
uint64_t ffma_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/**
 * ffma_pages_node() - NUMA node the calling thread runs on.
 *
 * Return: the node, 0 when the kernel does not say.
 */
int ffma_pages_node(void)
{
	unsigned int cpu, node;

	if (getcpu(&cpu, &node))
		return 0;
	return node;
}

/**
 * ffma_report() - print a misuse found by a debug build and abort.
 * @what: what is wrong.
 * @ptr: the pointer concerned.
 */
void ffma_report(const char *what, const void *ptr)
{
	fprintf(stderr, "ffma: %s: %p\n", what, ptr);
	abort();
}

/**
 * ffma_pages_slices() - slices mapped so far, by where they came from.
 * @hugetlb: set to the count mapped with MAP_HUGETLB.
 * @fallback: set to the count cut from anonymous mappings.
 */
void ffma_pages_slices(size_t *hugetlb, size_t *fallback)
{
	/* Snapshots of statistics: no ordering. */
	*hugetlb = atomic_load_explicit(&ffma_hugetlb_count,
					memory_order_relaxed);
	*fallback = atomic_load_explicit(&ffma_fallback_count,
					 memory_order_relaxed);
}

/**
 * ffma_pages_hugetlb_failures() - MAP_HUGETLB attempts that failed.
 *
 * Return: the count; at most 1 per process, since a failure is remembered.
 */
size_t ffma_pages_hugetlb_failures(void)
{
	/* A snapshot of a statistic: no ordering. */
	return atomic_load_explicit(&ffma_hugetlb_failures,
				    memory_order_relaxed);
}
