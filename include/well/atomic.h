/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * well/atomic.h - the barrier shim: the shared words of a well and the
 * orderings on them, the same in every environment.
 *
 * In the kernel (__KERNEL__) it maps the helpers onto READ_ONCE,
 * smp_load_acquire, smp_store_release and cmpxchg; in user space onto the
 * __atomic builtins of GCC and clang, with C11's orderings. Only the
 * compiler's own headers (stddef.h, stdint.h, stdbool.h) are used in user
 * space, so core/ builds freestanding, and the header is the same in C11
 * (-std=c11 -pedantic-errors) and C++11 or later. What else core/ needs
 * from its host is in core/port.h.
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

#else /* user space: the compiler's __atomic builtins */

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#ifdef __cplusplus
#define WELL_STATIC_ASSERT(expr, msg)	static_assert(expr, msg)
#else
#define WELL_STATIC_ASSERT(expr, msg)	_Static_assert(expr, msg)
#endif

/*
 * Valgrind's helgrind and DRD do not see the orderings of atomic
 * instructions. A program built with -DWELL_VALGRIND (and the valgrind
 * headers) tells them through client requests, which cost a few
 * instructions outside valgrind: each release is a happens-before arc to
 * the acquire that reads it, and the counters themselves are left
 * unchecked. Without it nothing changes.
 */
#ifdef WELL_VALGRIND
#include <valgrind/helgrind.h>
#define WELL_VG_WORD(a)		VALGRIND_HG_DISABLE_CHECKING(&(a)->v, \
							     sizeof((a)->v))
#define WELL_VG_RELEASE(a)	ANNOTATE_HAPPENS_BEFORE(&(a)->v)
#define WELL_VG_ACQUIRE(a)	ANNOTATE_HAPPENS_AFTER(&(a)->v)
#else
#define WELL_VG_WORD(a)		do { } while (0)
#define WELL_VG_RELEASE(a)	do { } while (0)
#define WELL_VG_ACQUIRE(a)	do { } while (0)
#endif

/*
 * A word shared between threads. Only the helpers below touch .v.
 *
 * A plain size_t, as in the kernel, accessed through GCC's and clang's
 * __atomic builtins (the C11 memory model, the same code as <stdatomic.h>
 * generates): the structure has one definition and one layout in C, in
 * C++ (where <stdatomic.h> is not available before C++23, and
 * std::atomic would make struct well impossible to copy) and in the
 * kernel. ThreadSanitizer instruments the builtins like C11 atomics.
 */
struct well_atomic {
	size_t v;
};

static inline size_t well_load_relaxed(const struct well_atomic *a)
{
	WELL_VG_WORD(a);
	return __atomic_load_n(&a->v, __ATOMIC_RELAXED);
}

static inline size_t well_load_acquire(const struct well_atomic *a)
{
	size_t v;

	WELL_VG_WORD(a);
	/* Pairs with the caller's named release on the same word. */
	v = __atomic_load_n(&a->v, __ATOMIC_ACQUIRE);
	WELL_VG_ACQUIRE(a);
	return v;
}

static inline void well_store_relaxed(struct well_atomic *a, size_t val)
{
	WELL_VG_WORD(a);
	__atomic_store_n(&a->v, val, __ATOMIC_RELAXED);
}

static inline void well_store_release(struct well_atomic *a, size_t val)
{
	WELL_VG_WORD(a);
	WELL_VG_RELEASE(a);
	/* Pairs with the caller's named acquire on the same word. */
	__atomic_store_n(&a->v, val, __ATOMIC_RELEASE);
}

/*
 * Compare-and-swap: acq_rel on success, acquire on failure. A test build
 * may define WELL_TEST_CAS_HOOK(a) to count the calls (selftests/host/
 * well_set_single.c); it is never defined otherwise.
 */
static inline bool well_cas_acq_rel(struct well_atomic *a, size_t *expected,
				    size_t desired)
{
	bool done;

#ifdef WELL_TEST_CAS_HOOK
	WELL_TEST_CAS_HOOK(a);
#endif
	WELL_VG_WORD(a);
	WELL_VG_RELEASE(a);
	/* Pairs with the caller's named acquire or release on the word. */
	done = __atomic_compare_exchange_n(&a->v, expected, desired, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	WELL_VG_ACQUIRE(a);
	return done;
}

#endif /* __KERNEL__ */

/*
 * Cache line separation for words written by different threads. 128 bytes
 * keeps apart even lines that CPUs prefetch in pairs (Intel's adjacent-line
 * prefetcher, 128-byte lines on Apple and some Arm cores).
 */
#define WELL_LINE		128
#ifdef __cplusplus
#define WELL_LINE_ALIGNED	alignas(WELL_LINE)
#else
#define WELL_LINE_ALIGNED	_Alignas(WELL_LINE)
#endif

WELL_STATIC_ASSERT(sizeof(struct well_atomic) == sizeof(size_t),
		   "shared words have the same layout in kernel and user space");

#endif /* WELL_ATOMIC_H */
