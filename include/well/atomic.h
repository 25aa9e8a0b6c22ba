/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * well/atomic.h - the barrier shim: the shared words of a well and the
 * orderings on them, the same in every environment.
 *
 * In the kernel (__KERNEL__) it maps the helpers onto READ_ONCE,
 * smp_load_acquire, smp_store_release and cmpxchg; in user space onto C11
 * <stdatomic.h>. Only the compiler's own headers (stddef.h, stdint.h,
 * stdbool.h, stdatomic.h) are used in user space, so core/ builds
 * freestanding. What else core/ needs from its host is in core/port.h.
 *
 * Each helper names its ordering; the caller says in a comment which
 * operation on the other side it pairs with.
 */
#ifndef WELL_ATOMIC_H
#define WELL_ATOMIC_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/atomic.h>
#include <asm/barrier.h>

#define WELL_STATIC_ASSERT(expr, msg)	static_assert(expr, msg)

/* A word shared between threads. Only the helpers below touch .v. */
struct well_atomic {
	size_t v;
};

static inline size_t well_load_relaxed(const struct well_atomic *a)
{
	return READ_ONCE(a->v);
}

static inline size_t well_load_acquire(const struct well_atomic *a)
{
	/* Pairs with the caller's named release on the same word. */
	return smp_load_acquire(&a->v);
}

static inline void well_store_relaxed(struct well_atomic *a, size_t val)
{
	WRITE_ONCE(a->v, val);
}

static inline void well_store_release(struct well_atomic *a, size_t val)
{
	/* Pairs with the caller's named acquire on the same word. */
	smp_store_release(&a->v, val);
}

/*
 * Compare-and-swap, acquire and release on success. The kernel's cmpxchg()
 * is fully ordered when it succeeds and unordered when it fails, so a
 * failure reloads *expected with acquire to give the caller the same
 * guarantee as C11's failure order memory_order_acquire.
 */
static inline bool well_cas_acq_rel(struct well_atomic *a, size_t *expected,
				    size_t desired)
{
	size_t old = cmpxchg(&a->v, *expected, desired);

	if (old == *expected)
		return true;
	/* Pairs with the release of whoever changed the word under us. */
	*expected = smp_load_acquire(&a->v);
	return false;
}

#else /* user space: C11 atomics */

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdatomic.h>

#define WELL_STATIC_ASSERT(expr, msg)	_Static_assert(expr, msg)

/* A word shared between threads. Only the helpers below touch .v. */
struct well_atomic {
	atomic_size_t v;
};

static inline size_t well_load_relaxed(const struct well_atomic *a)
{
	return atomic_load_explicit(&a->v, memory_order_relaxed);
}

static inline size_t well_load_acquire(const struct well_atomic *a)
{
	return atomic_load_explicit(&a->v, memory_order_acquire);
}

static inline void well_store_relaxed(struct well_atomic *a, size_t val)
{
	atomic_store_explicit(&a->v, val, memory_order_relaxed);
}

static inline void well_store_release(struct well_atomic *a, size_t val)
{
	atomic_store_explicit(&a->v, val, memory_order_release);
}

/* Compare-and-swap: acq_rel on success, acquire on failure. */
static inline bool well_cas_acq_rel(struct well_atomic *a, size_t *expected,
				    size_t desired)
{
	return atomic_compare_exchange_strong_explicit(&a->v, expected,
						       desired,
						       memory_order_acq_rel,
						       memory_order_acquire);
}

#endif /* __KERNEL__ */

/*
 * Cache line separation for words written by different threads. 128 bytes
 * keeps apart even lines that CPUs prefetch in pairs (Intel's adjacent-line
 * prefetcher, 128-byte lines on Apple and some Arm cores).
 */
#define WELL_LINE		128
#define WELL_LINE_ALIGNED	_Alignas(WELL_LINE)

WELL_STATIC_ASSERT(sizeof(struct well_atomic) == sizeof(size_t),
		   "shared words have the same layout in kernel and user space");

#endif /* WELL_ATOMIC_H */
