/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * port.h - what core/ needs from the host it is compiled into: the one
 * contract each environment implements. Private to core/; never installed.
 *
 * The inline primitives below are the only code in core/ besides
 * <well/atomic.h> that knows whether it is in the kernel or in user space.
 * The functions after them are implemented once per host:
 *   user space  user/port.c
 *   kernel      kmod/ffma_port.c
 * Nothing else in core/ reaches outside core/ and include/.
 */
#ifndef WELL_PORT_H
#define WELL_PORT_H

#include "well/atomic.h"

#ifdef __KERNEL__

#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/smp.h>
#include <linux/string.h>

#define WELL_LIKELY(x)			likely(x)
#define WELL_UNLIKELY(x)		unlikely(x)
#define WELL_EINVAL			EINVAL
#define WELL_EOVERFLOW			EOVERFLOW
#define WELL_NOINLINE			noinline

/*
 * A nonzero token naming the running CPU. The caller keeps preemption
 * disabled for as long as the answer must stay true.
 */
static inline uintptr_t well_self(void)
{
	return (uintptr_t)raw_smp_processor_id() + 1;
}

/* well_self(), for a caller about to own something: the same here. */
static inline uintptr_t well_self_claim(void)
{
	return well_self();
}

/* A random word, for ffma's free-list link encoding. */
static inline uintptr_t well_random(void)
{
	return get_random_long();
}

/*
 * No sanitizer hooks for ffma_mem objects in the kernel: Debian's kernels
 * have no KASAN to check KASAN annotations with (a documented no-op).
 */
static inline void ffma_mem_expose(void *ptr, size_t size)
{
	(void)ptr;
	(void)size;
}

/*
 * The kernel's race detector (KCSAN) sees ffma's atomics themselves:
 * nothing more to tell it about their handovers.
 */
static inline void ffma_race_release(void *addr)
{
	(void)addr;
}

static inline void ffma_race_acquire(void *addr)
{
	(void)addr;
}

/* A clock in milliseconds, for the slice cache's purge and decay. */
static inline uint64_t ffma_now_ms(void)
{
	return jiffies_to_msecs(jiffies);
}

/*
 * Slices are pages from the page allocator: nothing to purge while they
 * stay cached (kmod/ffma_port.c's shrinker frees them whole under memory
 * pressure), and the linear map is huge-page mapped already.
 */
static inline void ffma_pages_purge(void *addr, size_t size)
{
	(void)addr;
	(void)size;
}

/* Free objects' pages inside a slice in use: kept (see above). */
static inline void ffma_pages_discard(void *addr, size_t size)
{
	(void)addr;
	(void)size;
}

static inline void ffma_pages_hugepage(void *addr, size_t size)
{
	(void)addr;
	(void)size;
}

/*
 * core/'s large blocks exist in user space only: the kernel's
 * ffma_mem_alloc() above FFMA_MEM_MAX returns kvmalloc() memory, which
 * kmod/ffma_classes.c's ffma_mem_free() gives to kvfree() itself.
 */
static inline void ffma_large_unmap(void *map, size_t len)
{
	(void)map;
	(void)len;
}

static inline void well_memcpy(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

static inline void well_memset(void *dst, int c, size_t n)
{
	memset(dst, c, n);
}

#else /* user space */

#define WELL_LIKELY(x)			__builtin_expect(!!(x), 1)
#define WELL_UNLIKELY(x)		__builtin_expect(!!(x), 0)
/* Linux errno values: core/ returns the same codes in both worlds. */
#define WELL_EINVAL			22
#define WELL_EOVERFLOW			75
#define WELL_NOINLINE			__attribute__((__noinline__))

/*
 * A token naming the running thread: 0 until the thread claims one with
 * well_self_claim() (user/port.c), then a number no other thread of the
 * process ever gets, also across fork() and thread exit: a new thread
 * never inherits what a dead one owned.
 */
extern __thread uintptr_t well_token __attribute__((tls_model("initial-exec")));

static inline uintptr_t well_self(void)
{
	return well_token;
}

uintptr_t well_self_claim_slow(void);

/* well_self(), made nonzero first: for a caller about to own something. */
static inline uintptr_t well_self_claim(void)
{
	uintptr_t tok = well_token;

	return WELL_LIKELY(tok) ? tok : well_self_claim_slow();
}

/* A random word (getrandom), for ffma's free-list link encoding. */
uintptr_t well_random(void);

/* Unmap a large block's mapping (user/port.c). */
void ffma_large_unmap(void *map, size_t len);

/*
 * Make a whole ffma_mem object accessible to valgrind and ASan, which
 * may watch its tail and free words (user/ffma_thread.c).
 */
void ffma_mem_expose(void *ptr, size_t size);

/*
 * ThreadSanitizer's runtime, in a program built with -fsanitize=thread
 * (it exports these to the libraries it loads); weak, so NULL in every
 * other process. libwell is not instrumented: without these calls the
 * runtime never sees the handovers ffma's atomics make, and a program's
 * accesses to an object freed by one thread and reused by another look
 * like a race. ffma_race_release() goes before the atomic that hands
 * memory over, ffma_race_acquire() after the one that takes it.
 */
extern void __tsan_release(void *addr) __attribute__((__weak__));
extern void __tsan_acquire(void *addr) __attribute__((__weak__));

static inline void ffma_race_release(void *addr)
{
	if (__tsan_release)
		__tsan_release(addr);
}

static inline void ffma_race_acquire(void *addr)
{
	if (__tsan_acquire)
		__tsan_acquire(addr);
}

/* CLOCK_MONOTONIC_COARSE in milliseconds (user/port.c). */
uint64_t ffma_now_ms(void);

/* Give a cached slice's pages back, keeping the mapping (user/port.c). */
void ffma_pages_purge(void *addr, size_t size);
/* Give back the pages of free objects inside a slice in use. */
void ffma_pages_discard(void *addr, size_t size);

/* Ask for huge pages for a slice now well used (user/port.c). */
void ffma_pages_hugepage(void *addr, size_t size);

/* The compiler's own: freestanding builds still link libc's or inline. */
static inline void well_memcpy(void *dst, const void *src, size_t n)
{
	__builtin_memcpy(dst, src, n);
}

static inline void well_memset(void *dst, int c, size_t n)
{
	__builtin_memset(dst, c, n);
}

#endif /* __KERNEL__ */

/**
 * ffma_pages_alloc() - get memory for the allocator.
 * @size: FFMA_SLICE_SIZE (the memory must be aligned to it) or a multiple
 *        of FFMA_PAGE_SIZE up to it (page-aligned).
 * @node: NUMA node to take the memory from; a hint.
 *
 * core/ffma initialises every byte it relies on: the contents may be stale.
 *
 * Return: the memory, or NULL when none is to be had.
 */
void *ffma_pages_alloc(size_t size, int node);

/**
 * ffma_pages_free() - give back memory from ffma_pages_alloc().
 * @addr: the address ffma_pages_alloc() returned.
 * @size: the size it was asked for.
 */
void ffma_pages_free(void *addr, size_t size);

/**
 * ffma_pages_node() - NUMA node of the running thread or CPU.
 *
 * Return: the node, 0 when unknown.
 */
int ffma_pages_node(void);

/**
 * ffma_report() - report a misuse or a corrupted free list.
 * @what: what is wrong, one line.
 * @ptr: the pointer concerned.
 *
 * Does not return in user space (abort); warns in the kernel.
 */
void ffma_report(const char *what, const void *ptr);

#endif /* WELL_PORT_H */
