// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well_reserve_exact(): all or nothing. Exactly n blocks at consecutive
 * positions or none (pos untouched), the whole ring, across the wrap of
 * the memory, and mixed with well_reserve(). A scenario: it runs on the
 * host and in the kernel (well_test.ko); concurrent reservers are in
 * selftests/host/well_reserve_exact_mt.c.
 */
#include "scenario.h"
#include <well.h>

#define BLK_COUNT	8
#define UNTOUCHED	((size_t)0xdeadbeef)

FIXTURE(ring) {
	struct well w;
	uint64_t mem[BLK_COUNT];
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, well_params(8, BLK_COUNT, &self->w));
	ASSERT_EQ(0, well_init(&self->w, self->mem));
}

FIXTURE_TEARDOWN(ring)
{
	well_deinit(&self->w);
}

TEST_F(ring, exact_or_nothing)
{
	size_t pos = UNTOUCHED;

	EXPECT_EQ(0, well_reserve_exact(&self->w.tx, &pos, 0));
	EXPECT_EQ(0, well_reserve_exact(&self->w.tx, &pos, BLK_COUNT + 1));
	EXPECT_EQ(UNTOUCHED, pos);
	ASSERT_EQ(3, well_reserve_exact(&self->w.tx, &pos, 3));
	EXPECT_EQ(0, pos);
	ASSERT_EQ(3, well_reserve_exact(&self->w.tx, &pos, 3));
	EXPECT_EQ(3, pos);
	/* Two are left: three is refused, and takes nothing. */
	pos = UNTOUCHED;
	EXPECT_EQ(0, well_reserve_exact(&self->w.tx, &pos, 3));
	EXPECT_EQ(UNTOUCHED, pos);
	EXPECT_EQ(2, well_peek(&self->w.tx));
	ASSERT_EQ(2, well_reserve_exact(&self->w.tx, &pos, 2));
	EXPECT_EQ(6, pos);
	EXPECT_EQ(0, well_peek(&self->w.tx));
}

TEST_F(ring, whole_ring_once)
{
	size_t pos = UNTOUCHED;

	ASSERT_EQ(BLK_COUNT, well_reserve_exact(&self->w.tx, &pos, BLK_COUNT));
	EXPECT_EQ(0, pos);
	EXPECT_EQ(0, well_reserve_exact(&self->w.tx, &pos, 1));
	EXPECT_EQ(BLK_COUNT, well_release_multi(&self->w.rx, BLK_COUNT, 0));
	ASSERT_EQ(BLK_COUNT, well_reserve_exact(&self->w.rx, &pos, BLK_COUNT));
	EXPECT_EQ(0, pos);
}

TEST_F(ring, sees_released_blocks_and_wraps)
{
	size_t pos, cpos, i;

	/* 5 produced and consumed: the next 5 wrap at block 8. */
	ASSERT_EQ(5, well_reserve_exact(&self->w.tx, &pos, 5));
	well_release_single(&self->w.rx, 5);
	ASSERT_EQ(5, well_reserve_exact(&self->w.rx, &cpos, 5));
	/* Three left on tx until the consumer gives the five back. */
	EXPECT_EQ(0, well_reserve_exact(&self->w.tx, &pos, 5));
	well_release_single(&self->w.tx, 5);
	ASSERT_EQ(5, well_reserve_exact(&self->w.tx, &pos, 5));
	EXPECT_EQ(5, pos);
	for (i = 0; i < 5; i++)
		*(uint64_t *)well_access(pos, i, &self->w) = 100 + i;
	EXPECT_EQ(100, self->mem[5]);
	EXPECT_EQ(102, self->mem[7]);
	EXPECT_EQ(103, self->mem[0]);
	EXPECT_EQ(104, self->mem[1]);
	EXPECT_EQ(5, well_release_multi(&self->w.rx, 5, pos));
	ASSERT_EQ(5, well_reserve_exact(&self->w.rx, &cpos, 5));
	EXPECT_EQ(5, cpos);
	for (i = 0; i < 5; i++)
		EXPECT_EQ(100 + i, *(uint64_t *)well_access(cpos, i, &self->w));
}

TEST_F(ring, mixes_with_reserve)
{
	size_t pos;

	ASSERT_EQ(1, well_reserve(&self->w.tx, &pos, 1));
	ASSERT_EQ(4, well_reserve_exact(&self->w.tx, &pos, 4));
	EXPECT_EQ(1, pos);
	ASSERT_EQ(3, well_reserve(&self->w.tx, &pos, (size_t)-1));
	EXPECT_EQ(5, pos);
	EXPECT_EQ(0, well_reserve_exact(&self->w.tx, &pos, 1));
}

KSTM_SCENARIO(well_reserve_exact)
{
	KSTM_RUN_F(ring, exact_or_nothing);
	KSTM_RUN_F(ring, whole_ring_once);
	KSTM_RUN_F(ring, sees_released_blocks_and_wraps);
	KSTM_RUN_F(ring, mixes_with_reserve);
}

TEST_HARNESS_MAIN
