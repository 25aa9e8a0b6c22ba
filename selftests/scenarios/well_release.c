// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well_release_multi(): releases land in reservation order; an early one
 * still held blocks later ones, and any thread may release an abandoned
 * reservation to clear the impasse.
 */
#include "scenario.h"
#include <well.h>

#define BLK_COUNT	16

FIXTURE(ring) {
	struct well w;
	uint64_t mem[BLK_COUNT];
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, well_params(sizeof(uint64_t), BLK_COUNT, &self->w));
	ASSERT_EQ(0, well_init(&self->w, self->mem));
}

FIXTURE_TEARDOWN(ring)
{
	well_deinit(&self->w);
}

/* Write pos + i into each block of a reservation. */
static void stamp(struct well *w, size_t pos, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		*WELL_DEREF(uint64_t, pos, i, w) = pos + i;
}

TEST_F(ring, out_of_order_fails_until_earlier_lands)
{
	size_t a = 0, b = 0, c = 0, pos = 0;

	ASSERT_EQ(2, well_reserve(&self->w.tx, &a, 2));
	ASSERT_EQ(3, well_reserve(&self->w.tx, &b, 3));
	ASSERT_EQ(4, well_reserve(&self->w.tx, &c, 4));
	ASSERT_EQ(0, a);
	ASSERT_EQ(2, b);
	ASSERT_EQ(5, c);
	stamp(&self->w, a, 2);
	stamp(&self->w, b, 3);
	stamp(&self->w, c, 4);

	/* b and c wait for a: nothing reaches rx. */
	EXPECT_EQ(0, well_release_multi(&self->w.rx, 3, b));
	EXPECT_EQ(0, well_release_multi(&self->w.rx, 4, c));
	EXPECT_EQ(0, well_peek(&self->w.rx));
	EXPECT_EQ(0, well_reserve(&self->w.rx, &pos, (size_t)-1));

	EXPECT_EQ(2, well_release_multi(&self->w.rx, 2, a));
	EXPECT_EQ(2, well_peek(&self->w.rx));
	/* c still waits for b. */
	EXPECT_EQ(0, well_release_multi(&self->w.rx, 4, c));
	EXPECT_EQ(2, well_peek(&self->w.rx));
	EXPECT_EQ(3, well_release_multi(&self->w.rx, 3, b));
	EXPECT_EQ(4, well_release_multi(&self->w.rx, 4, c));
	EXPECT_EQ(9, well_peek(&self->w.rx));

	ASSERT_EQ(9, well_reserve(&self->w.rx, &pos, (size_t)-1));
	ASSERT_EQ(0, pos);
	for (size_t i = 0; i < 9; i++)
		EXPECT_EQ(i, *WELL_DEREF(uint64_t, pos, i, &self->w));
}

TEST_F(ring, consumers_release_in_order_too)
{
	size_t p, a, b;

	ASSERT_EQ(6, well_reserve(&self->w.tx, &p, 6));
	ASSERT_EQ(6, well_release_multi(&self->w.rx, 6, p));
	ASSERT_EQ(2, well_reserve(&self->w.rx, &a, 2));
	ASSERT_EQ(4, well_reserve(&self->w.rx, &b, 4));
	EXPECT_EQ(BLK_COUNT - 6, well_peek(&self->w.tx));
	EXPECT_EQ(0, well_release_multi(&self->w.tx, 4, b));
	EXPECT_EQ(BLK_COUNT - 6, well_peek(&self->w.tx));
	EXPECT_EQ(2, well_release_multi(&self->w.tx, 2, a));
	EXPECT_EQ(BLK_COUNT - 4, well_peek(&self->w.tx));
	EXPECT_EQ(4, well_release_multi(&self->w.tx, 4, b));
	EXPECT_EQ(BLK_COUNT, well_peek(&self->w.tx));
}

TEST_F(ring, count_zero_releases_nothing)
{
	size_t pos;

	EXPECT_EQ(0, well_release_multi(&self->w.rx, 0, 0));
	ASSERT_EQ(3, well_reserve(&self->w.tx, &pos, 3));
	EXPECT_EQ(0, well_release_multi(&self->w.rx, 0, pos));
	EXPECT_EQ(0, well_peek(&self->w.rx));
	EXPECT_EQ(3, well_release_multi(&self->w.rx, 3, pos));
	EXPECT_EQ(0, well_release_multi(&self->w.rx, 0, pos + 3));
	EXPECT_EQ(3, well_peek(&self->w.rx));
}

TEST_F(ring, second_release_of_a_reservation_fails)
{
	size_t pos;

	ASSERT_EQ(4, well_reserve(&self->w.tx, &pos, 4));
	EXPECT_EQ(4, well_release_multi(&self->w.rx, 4, pos));
	EXPECT_EQ(0, well_release_multi(&self->w.rx, 4, pos));
	EXPECT_EQ(4, well_peek(&self->w.rx));
}

/* A producer that writes its reservation and dies without releasing. */
struct abandoner {
	struct well *w;
	size_t pos;
	size_t count;
};

static void reserve_and_die(void *arg)
{
	struct abandoner *a = arg;

	a->count = well_reserve(&a->w->tx, &a->pos, 5);
	stamp(a->w, a->pos, a->count);
}

TEST_F(ring, another_thread_releases_an_abandoned_reservation)
{
	struct abandoner a = { .w = &self->w };
	size_t pos = 0, rx_pos = 0, lap;

	ASSERT_EQ(0, ksft_thread_run(reserve_and_die, &a));
	ASSERT_EQ(5, a.count);
	ASSERT_EQ(0, a.pos);

	/* The impasse: a later reservation cannot land. */
	ASSERT_EQ(3, well_reserve(&self->w.tx, &pos, 3));
	ASSERT_EQ(5, pos);
	stamp(&self->w, pos, 3);
	EXPECT_EQ(0, well_release_multi(&self->w.rx, 3, pos));
	EXPECT_EQ(0, well_peek(&self->w.rx));

	/* The main thread releases the dead thread's blocks for it. */
	EXPECT_EQ(5, well_release_multi(&self->w.rx, a.count, a.pos));
	EXPECT_EQ(3, well_release_multi(&self->w.rx, 3, pos));
	ASSERT_EQ(8, well_reserve(&self->w.rx, &rx_pos, (size_t)-1));
	for (size_t i = 0; i < 8; i++)
		EXPECT_EQ(i, *WELL_DEREF(uint64_t, rx_pos, i, &self->w));
	EXPECT_EQ(8, well_release_multi(&self->w.tx, 8, rx_pos));

	/* Later reservations proceed, over several laps. */
	for (lap = 0; lap < 4 * BLK_COUNT; lap += 7) {
		ASSERT_EQ(7, well_reserve(&self->w.tx, &pos, 7));
		ASSERT_EQ(8 + lap, pos);
		stamp(&self->w, pos, 7);
		ASSERT_EQ(7, well_release_multi(&self->w.rx, 7, pos));
		ASSERT_EQ(7, well_reserve(&self->w.rx, &rx_pos, 7));
		ASSERT_EQ(pos, rx_pos);
		for (size_t i = 0; i < 7; i++)
			ASSERT_EQ(pos + i,
				  *WELL_DEREF(uint64_t, rx_pos, i, &self->w));
		ASSERT_EQ(7, well_release_multi(&self->w.tx, 7, rx_pos));
	}
}

KSTM_SCENARIO(well_release)
{
	KSTM_RUN_F(ring, out_of_order_fails_until_earlier_lands);
	KSTM_RUN_F(ring, consumers_release_in_order_too);
	KSTM_RUN_F(ring, count_zero_releases_nothing);
	KSTM_RUN_F(ring, second_release_of_a_reservation_fails);
	KSTM_RUN_F(ring, another_thread_releases_an_abandoned_reservation);
}

TEST_HARNESS_MAIN
