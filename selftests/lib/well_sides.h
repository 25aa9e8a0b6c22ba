/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * well_sides.h - what the threaded selftests share: reserving and
 * releasing as the only thread of a side or as one of several, and
 * remembering a worker thread's failures for the main thread to report
 * (the harness's ASSERTs only work in the test's own thread).
 */
#ifndef WELL_SIDES_H
#define WELL_SIDES_H

#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <well.h>

/**
 * struct well_fail - failures seen by one worker thread.
 * @errors: how many.
 * @why: the first one.
 */
struct well_fail {
	uint64_t errors;
	char why[160];
};

/**
 * well_fail() - note a failure; only the first one's text is kept.
 * @f: the worker's failures.
 * @fmt: printf format of the message.
 */
static inline void well_fail(struct well_fail *f, const char *fmt, ...)
{
	va_list ap;

	if (f->errors++)
		return;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
}

/**
 * well_take() - reserve from a side.
 * @from: the side.
 * @pos: where the position token goes.
 * @max: most blocks wanted.
 * @multi: several threads reserve from @from (else well_reserve_single()).
 *
 * Return: blocks reserved, 0 when none are available.
 */
static inline size_t well_take(struct well_side *from, size_t *pos, size_t max,
			       bool multi)
{
	if (multi)
		return well_reserve(from, pos, max);
	return well_reserve_single(from, pos, max);
}

/**
 * well_give() - release a reservation into a side.
 * @to: the side.
 * @count: blocks reserved.
 * @pos: the reservation's position token.
 * @multi: several threads release into @to: wait, yielding the CPU,
 *         until the earlier reservations have landed.
 */
static inline void well_give(struct well_side *to, size_t count, size_t pos,
			     bool multi)
{
	if (!multi) {
		well_release_single(to, count);
		return;
	}
	while (!well_release_multi(to, count, pos))
		sched_yield();
}

/**
 * well_start_at() - make a fresh well count from @pos instead of 0.
 * @w: a well just initialised, every block on tx, no thread using it.
 * @pos: the value every counter starts from.
 *
 * Reaching the top of size_t takes 2^32 blocks on a 32-bit CPU, seconds of
 * traffic; this lets a test cross it at once. It writes the library's
 * private counters, which only tests do.
 */
static inline void well_start_at(struct well *w, size_t pos)
{
	struct well_side *sides[] = { &w->tx, &w->rx };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		well_store_relaxed(&sides[i]->head, pos);
		well_store_relaxed(&sides[i]->seen, pos);
		well_store_relaxed(&sides[i]->tail, pos);
	}
}

#endif /* WELL_SIDES_H */
