/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * well_sides.h - reserving and releasing as the only thread of a side or
 * as one of several, and starting a well's counters anywhere; for the
 * scenarios (host and kernel) and the host's threaded tests.
 */
#ifndef WELL_SIDES_H
#define WELL_SIDES_H

#ifdef __KERNEL__
#include <linux/sched.h>
#include <linux/types.h>
#define well_sides_yield()	cond_resched()
#else
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#define well_sides_yield()	sched_yield()
#endif
#include <well.h>

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
		well_sides_yield();
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
