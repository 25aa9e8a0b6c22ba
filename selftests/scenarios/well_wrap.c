// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Block addresses: reservations that run off the end of the memory wrap to
 * block 0, and counters that run off the top of size_t wrap to 0.
 */
#include "scenario.h"
#include <well.h>
#include "well_sides.h"

#define BLK_SIZE	16
#define BLK_COUNT	8

FIXTURE(ring) {
	struct well w;
	uint64_t mem[BLK_SIZE * BLK_COUNT / sizeof(uint64_t)];
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, well_params(BLK_SIZE, BLK_COUNT, &self->w));
	ASSERT_EQ(sizeof(self->mem), well_size(&self->w));
	ASSERT_EQ(0, well_init(&self->w, self->mem));
}

FIXTURE_TEARDOWN(ring)
{
	well_deinit(&self->w);
}

/* Address of block @blk of @mem. */
static char *block(uint64_t *mem, size_t blk)
{
	return (char *)mem + blk * BLK_SIZE;
}

/* Move @n blocks through the ring: tx -> rx -> tx, leaving it empty. */
static void cycle(struct __test_metadata *_metadata, struct well *w, size_t n)
{
	size_t pos;

	ASSERT_EQ(n, well_reserve(&w->tx, &pos, n));
	well_release_single(&w->rx, n);
	ASSERT_EQ(n, well_reserve(&w->rx, &pos, n));
	well_release_single(&w->tx, n);
}

TEST_F(ring, access_is_exact)
{
	size_t pos, i;

	for (pos = 0; pos < 3 * BLK_COUNT; pos++)
		for (i = 0; i < BLK_COUNT; i++)
			ASSERT_EQ(block(self->mem, (pos + i) % BLK_COUNT),
				  well_access(pos, i, &self->w))
				TH_LOG("pos %zu i %zu", pos, i);
}

TEST_F(ring, counter_wrap_lands_on_block_0)
{
	EXPECT_EQ(block(self->mem, BLK_COUNT - 1),
		  well_access(SIZE_MAX, 0, &self->w));
	EXPECT_EQ(block(self->mem, 0), well_access(SIZE_MAX, 1, &self->w));
	EXPECT_EQ(block(self->mem, 1), well_access(SIZE_MAX - 1, 3, &self->w));
}

TEST_F(ring, deref_matches_access)
{
	EXPECT_EQ((uint64_t *)block(self->mem, 5),
		  WELL_DEREF(uint64_t, 3, 2, &self->w));
	EXPECT_EQ((uint64_t *)block(self->mem, 1),
		  WELL_DEREF(uint64_t, 6, 3, &self->w));
}

TEST_F(ring, reservation_across_the_end)
{
	size_t pos = 0, rx_pos = 0, i;

	cycle(_metadata, &self->w, BLK_COUNT - 2);
	ASSERT_EQ(4, well_reserve(&self->w.tx, &pos, 4));
	ASSERT_EQ(BLK_COUNT - 2, pos);
	EXPECT_EQ(block(self->mem, BLK_COUNT - 2), well_access(pos, 0, &self->w));
	EXPECT_EQ(block(self->mem, BLK_COUNT - 1), well_access(pos, 1, &self->w));
	EXPECT_EQ(block(self->mem, 0), well_access(pos, 2, &self->w));
	EXPECT_EQ(block(self->mem, 1), well_access(pos, 3, &self->w));
	for (i = 0; i < 4; i++)
		*WELL_DEREF(uint64_t, pos, i, &self->w) = 100 + i;
	well_release_single(&self->w.rx, 4);

	ASSERT_EQ(4, well_reserve(&self->w.rx, &rx_pos, (size_t)-1));
	ASSERT_EQ(pos, rx_pos);
	EXPECT_EQ(100, *(uint64_t *)block(self->mem, BLK_COUNT - 2));
	EXPECT_EQ(101, *(uint64_t *)block(self->mem, BLK_COUNT - 1));
	EXPECT_EQ(102, *(uint64_t *)block(self->mem, 0));
	EXPECT_EQ(103, *(uint64_t *)block(self->mem, 1));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(100 + i, *WELL_DEREF(uint64_t, rx_pos, i, &self->w));
	well_release_single(&self->w.tx, 4);
	EXPECT_EQ(BLK_COUNT, well_peek(&self->w.tx));
}

/* well_span() splits a reservation at the end of the memory, and only there. */
TEST_F(ring, span_splits_at_the_end)
{
	size_t pos, run, done, start, n;
	char *p;

	/* Every start block and length: spans cover exactly well_access(). */
	for (start = 0; start < BLK_COUNT; start++) {
		for (n = 1; n <= BLK_COUNT; n++) {
			size_t spans = 0, i = 0;

			pos = start + BLK_COUNT * 3;
			for (done = 0; done < n; done += run) {
				p = well_span(&self->w, pos + done, n - done, &run);
				ASSERT_LE(1, run);
				ASSERT_GE(n - done, run);
				for (size_t j = 0; j < run; j++, p += BLK_SIZE)
					ASSERT_EQ(well_access(pos, i++, &self->w), p);
				spans++;
			}
			ASSERT_EQ(n, i);
			EXPECT_EQ(start + n > BLK_COUNT ? 2 : 1, spans);
		}
	}
	cycle(_metadata, &self->w, BLK_COUNT - 2);
	ASSERT_EQ(4, well_reserve(&self->w.tx, &pos, 4));
	p = well_span(&self->w, pos, 4, &run);
	EXPECT_EQ(block(self->mem, BLK_COUNT - 2), p);
	EXPECT_EQ(2, run);
	p = well_span(&self->w, pos + run, 4 - run, &run);
	EXPECT_EQ(block(self->mem, 0), p);
	EXPECT_EQ(2, run);
}

/* Odd-sized reservations over several laps: tokens count, blocks wrap. */
TEST_F(ring, tokens_keep_counting_over_laps)
{
	size_t expect = 0, pos = 0, rx_pos = 0, got, i;

	while (expect < 5 * BLK_COUNT) {
		got = well_reserve(&self->w.tx, &pos, 3);
		ASSERT_EQ(3, got);
		ASSERT_EQ(expect, pos);
		for (i = 0; i < got; i++)
			*WELL_DEREF(uint64_t, pos, i, &self->w) = pos + i;
		well_release_single(&self->w.rx, got);
		ASSERT_EQ(got, well_reserve(&self->w.rx, &rx_pos, got));
		ASSERT_EQ(expect, rx_pos);
		for (i = 0; i < got; i++) {
			ASSERT_EQ(block(self->mem, (rx_pos + i) % BLK_COUNT),
				  well_access(rx_pos, i, &self->w));
			ASSERT_EQ(rx_pos + i,
				  *WELL_DEREF(uint64_t, rx_pos, i, &self->w));
		}
		well_release_single(&self->w.tx, got);
		expect += got;
	}
}

/* A one-block well: every position is block 0. */
TEST(one_block)
{
	struct well w;
	uint64_t mem;
	size_t pos, lap;

	ASSERT_EQ(0, well_params(sizeof(mem), 1, &w));
	ASSERT_EQ(0, w.blk_mask);
	ASSERT_EQ(0, well_init(&w, &mem));
	for (lap = 0; lap < 4; lap++) {
		ASSERT_EQ(1, well_reserve(&w.tx, &pos, (size_t)-1));
		ASSERT_EQ(lap, pos);
		EXPECT_EQ((void *)&mem, well_access(pos, 0, &w));
		EXPECT_EQ(0, well_reserve(&w.tx, &pos, 1));
		mem = lap;
		well_release_single(&w.rx, 1);
		ASSERT_EQ(1, well_reserve_single(&w.rx, &pos, 2));
		EXPECT_EQ(lap, *WELL_DEREF(uint64_t, pos, 0, &w));
		well_release_single(&w.tx, 1);
	}
}

/* Counters cross SIZE_MAX mid-reservation, with both kinds of calls. */
TEST_F(ring, counters_wrap_past_size_max)
{
	size_t start = SIZE_MAX - 9, expect = start, pos = 0, rx_pos = 0,
	       got, i;
	unsigned int round;

	well_start_at(&self->w, start);
	EXPECT_EQ(BLK_COUNT, well_peek(&self->w.tx));
	EXPECT_EQ(0, well_peek(&self->w.rx));
	for (round = 0; round < 12; round++) {
		bool multi = round & 1;

		got = well_take(&self->w.tx, &pos, 5, multi);
		ASSERT_EQ(5, got);
		ASSERT_EQ(expect, pos);
		for (i = 0; i < got; i++) {
			/* Blocks since the start, from the start's block. */
			size_t blk = (start % BLK_COUNT + (expect - start) + i) %
				     BLK_COUNT;

			ASSERT_EQ(block(self->mem, blk),
				  well_access(pos, i, &self->w));
			*WELL_DEREF(uint64_t, pos, i, &self->w) = pos + i;
		}
		if (multi) {
			ASSERT_EQ(got, well_release_multi(&self->w.rx, got,
							  pos));
		} else {
			well_release_single(&self->w.rx, got);
		}
		ASSERT_EQ(got, well_peek(&self->w.rx));
		ASSERT_EQ(BLK_COUNT - got, well_peek(&self->w.tx));

		ASSERT_EQ(got, well_take(&self->w.rx, &rx_pos, (size_t)-1,
					 multi));
		ASSERT_EQ(pos, rx_pos);
		for (i = 0; i < got; i++)
			ASSERT_EQ((uint64_t)(pos + i),
				  *WELL_DEREF(uint64_t, rx_pos, i, &self->w));
		well_give(&self->w.tx, got, rx_pos, multi);
		ASSERT_EQ(BLK_COUNT, well_peek(&self->w.tx));
		expect += got;
	}
	/* 60 blocks from SIZE_MAX - 9: the counters wrapped to 50. */
	EXPECT_EQ(50, expect);
}

KSTM_SCENARIO(well_wrap)
{
	KSTM_RUN_F(ring, access_is_exact);
	KSTM_RUN_F(ring, counter_wrap_lands_on_block_0);
	KSTM_RUN_F(ring, deref_matches_access);
	KSTM_RUN_F(ring, reservation_across_the_end);
	KSTM_RUN_F(ring, span_splits_at_the_end);
	KSTM_RUN_F(ring, tokens_keep_counting_over_laps);
	KSTM_RUN(one_block);
	KSTM_RUN_F(ring, counters_wrap_past_size_max);
}

TEST_HARNESS_MAIN
