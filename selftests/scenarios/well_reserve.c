// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Variable reservations: reserve returns min(max, available), (size_t)-1
 * takes everything, 0 when nothing is there; well_peek() tells the amount.
 * Every test runs with well_reserve(), with well_reserve_single(), and with
 * well_reserve() on sides declared single-reserver by well_set_single().
 */
#include "scenario.h"
#include <well.h>

#define BLK_COUNT	8
#define UNTOUCHED	((size_t)0xdeadbeef)

typedef size_t (*reserve_fn)(struct well_side *from, size_t *pos, size_t max);

FIXTURE(ring) {
	struct well w;
	char mem[BLK_COUNT * 8];
};

/*
 * The calls of one variant; release_multi: else well_release_single();
 * declare: well_set_single() on both sides first.
 */
FIXTURE_VARIANT(ring) {
	reserve_fn reserve;
	bool release_multi;
	bool declare;
};

FIXTURE_VARIANT_ADD(ring, multi) {
	.reserve = well_reserve, .release_multi = true,
};

FIXTURE_VARIANT_ADD(ring, single) {
	.reserve = well_reserve_single, .release_multi = false,
};

FIXTURE_VARIANT_ADD(ring, declared_single) {
	.reserve = well_reserve, .release_multi = false, .declare = true,
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, well_params(8, BLK_COUNT, &self->w));
	ASSERT_EQ(0, well_init(&self->w, self->mem));
	if (variant->declare) {
		well_set_single(&self->w.tx);
		well_set_single(&self->w.rx);
	}
}

FIXTURE_TEARDOWN(ring)
{
	well_deinit(&self->w);
}

TEST_F(ring, empty_rx_gives_nothing)
{
	size_t pos = UNTOUCHED;

	EXPECT_EQ(0, well_peek(&self->w.rx));
	EXPECT_EQ(0, variant->reserve(&self->w.rx, &pos, 1));
	EXPECT_EQ(0, variant->reserve(&self->w.rx, &pos, (size_t)-1));
	EXPECT_EQ(UNTOUCHED, pos);
	EXPECT_EQ(BLK_COUNT, well_peek(&self->w.tx));
}

TEST_F(ring, max_zero_gives_nothing)
{
	size_t pos = UNTOUCHED;

	EXPECT_EQ(0, variant->reserve(&self->w.tx, &pos, 0));
	EXPECT_EQ(UNTOUCHED, pos);
	EXPECT_EQ(BLK_COUNT, well_peek(&self->w.tx));
}

TEST_F(ring, gives_min_of_max_and_available)
{
	size_t pos = UNTOUCHED;

	ASSERT_EQ(3, variant->reserve(&self->w.tx, &pos, 3));
	EXPECT_EQ(0, pos);
	EXPECT_EQ(BLK_COUNT - 3, well_peek(&self->w.tx));
	ASSERT_EQ(1, variant->reserve(&self->w.tx, &pos, 1));
	EXPECT_EQ(3, pos);
	EXPECT_EQ(BLK_COUNT - 4, well_peek(&self->w.tx));
	/* More wanted than there is: the rest. */
	ASSERT_EQ(BLK_COUNT - 4, variant->reserve(&self->w.tx, &pos, 100));
	EXPECT_EQ(4, pos);
	EXPECT_EQ(0, well_peek(&self->w.tx));
	/* Reserved blocks are not visible on rx until released. */
	EXPECT_EQ(0, well_peek(&self->w.rx));
}

TEST_F(ring, full_tx_gives_nothing)
{
	size_t pos = UNTOUCHED;

	ASSERT_EQ(BLK_COUNT, variant->reserve(&self->w.tx, &pos, (size_t)-1));
	EXPECT_EQ(0, pos);
	pos = UNTOUCHED;
	EXPECT_EQ(0, variant->reserve(&self->w.tx, &pos, 1));
	EXPECT_EQ(0, variant->reserve(&self->w.tx, &pos, (size_t)-1));
	EXPECT_EQ(UNTOUCHED, pos);
	EXPECT_EQ(0, well_peek(&self->w.tx));
}

TEST_F(ring, all_takes_what_was_released)
{
	size_t pos = UNTOUCHED;

	ASSERT_EQ(5, variant->reserve(&self->w.tx, &pos, 5));
	well_release_single(&self->w.rx, 2);
	EXPECT_EQ(2, well_peek(&self->w.rx));
	well_release_single(&self->w.rx, 3);
	EXPECT_EQ(5, well_peek(&self->w.rx));
	ASSERT_EQ(5, variant->reserve(&self->w.rx, &pos, (size_t)-1));
	EXPECT_EQ(0, pos);
	EXPECT_EQ(0, well_peek(&self->w.rx));
	EXPECT_EQ(BLK_COUNT - 5, well_peek(&self->w.tx));

	well_release_single(&self->w.tx, 5);
	EXPECT_EQ(BLK_COUNT, well_peek(&self->w.tx));
	ASSERT_EQ(BLK_COUNT, variant->reserve(&self->w.tx, &pos, (size_t)-1));
	EXPECT_EQ(5, pos);
}

/*
 * A reserver that read tail long ago may store it into seen after others
 * have reserved past it (seen is only a cache). Such a seen, behind head,
 * must count as nothing available, never as a huge amount. White-box: the
 * test writes seen itself to recreate that interleaving.
 */
TEST_F(ring, stale_seen_gives_no_phantom_blocks)
{
	size_t pos = UNTOUCHED;

	ASSERT_EQ(BLK_COUNT, variant->reserve(&self->w.tx, &pos, (size_t)-1));
	well_release_single(&self->w.rx, BLK_COUNT);
	ASSERT_EQ(BLK_COUNT, variant->reserve(&self->w.rx, &pos, BLK_COUNT));

	/* rx is empty; its seen goes back to an old tail. */
	well_store_relaxed(&self->w.rx.seen, BLK_COUNT / 2);
	pos = UNTOUCHED;
	EXPECT_EQ(0, variant->reserve(&self->w.rx, &pos, 2));
	EXPECT_EQ(UNTOUCHED, pos);

	/* tx: bias counts every block, a seen older than that is stale. */
	well_release_single(&self->w.tx, 1);
	well_store_relaxed(&self->w.tx.seen, 0);
	EXPECT_EQ(1, variant->reserve(&self->w.tx, &pos, 4));
	EXPECT_EQ(BLK_COUNT, pos);
	well_store_relaxed(&self->w.tx.seen, 0);
	EXPECT_EQ(0, variant->reserve(&self->w.tx, &pos, 4));
}

/* Every (available, max) pair on both sides, over several laps. */
TEST_F(ring, every_amount)
{
	size_t avail, max, pos, got, start = 0;

	for (avail = 0; avail <= BLK_COUNT; avail++) {
		for (max = 0; max <= BLK_COUNT + 1; max++) {
			size_t want = max < avail ? max : avail;

			/* Make @avail blocks available on rx. */
			if (avail) {
				ASSERT_EQ(avail, variant->reserve(
					&self->w.tx, &pos, avail));
				ASSERT_EQ(start, pos);
				well_release_single(&self->w.rx, avail);
			}
			ASSERT_EQ(avail, well_peek(&self->w.rx));
			ASSERT_EQ(BLK_COUNT - avail, well_peek(&self->w.tx));
			pos = UNTOUCHED;
			got = variant->reserve(&self->w.rx, &pos, max);
			ASSERT_EQ(want, got)
				TH_LOG("avail %zu max %zu", avail, max);
			ASSERT_EQ(got ? start : UNTOUCHED, pos);
			ASSERT_EQ(avail - got, well_peek(&self->w.rx));
			/* Take the rest and give everything back to tx. */
			if (avail - got)
				ASSERT_EQ(avail - got, variant->reserve(
					&self->w.rx, &pos, (size_t)-1));
			well_release_single(&self->w.tx, avail);
			ASSERT_EQ(BLK_COUNT, well_peek(&self->w.tx));
			start += avail;
		}
	}
}

/* Release a reservation of @n blocks at @pos the variant's way. */
static void release(struct __test_metadata *_metadata,
		    const FIXTURE_VARIANT(ring) *variant,
		    struct well_side *to, size_t n, size_t pos)
{
	if (variant->release_multi) {
		ASSERT_EQ(n, well_release_multi(to, n, pos));
	} else {
		well_release_single(to, n);
	}
}

/*
 * Sequence numbers through a ring of 16 blocks, 1000 rounds: producers
 * want 1..7 blocks, consumers 1..5; each gets min(wanted, available), at
 * the next position, and consumers read the numbers in order. With 16
 * blocks a consumer is never short: 3000 blocks go through, 187 laps.
 */
TEST_F(ring, sequence_order)
{
	size_t mem[16], produced = 0, consumed = 0, round, pos, n, i, want;
	struct well w;

	ASSERT_EQ(0, well_params(sizeof(size_t), 16, &w));
	ASSERT_EQ(0, well_init(&w, mem));
	if (variant->declare) {
		well_set_single(&w.tx);
		well_set_single(&w.rx);
	}
	for (round = 0; round < 1000; round++) {
		size_t avail = 16 - (produced - consumed);

		want = round % 7 + 1;
		n = variant->reserve(&w.tx, &pos, want);
		ASSERT_EQ(want < avail ? want : avail, n)
			TH_LOG("round %zu", round);
		if (n) {
			ASSERT_EQ(produced, pos);
		}
		for (i = 0; i < n; i++)
			*WELL_DEREF(size_t, pos, i, &w) = produced + i;
		produced += n;
		if (n)
			release(_metadata, variant, &w.rx, n, pos);

		want = round % 5 + 1;
		avail = produced - consumed;
		n = variant->reserve(&w.rx, &pos, want);
		ASSERT_EQ(want < avail ? want : avail, n)
			TH_LOG("round %zu", round);
		for (i = 0; i < n; i++)
			ASSERT_EQ(consumed + i, *WELL_DEREF(size_t, pos, i, &w))
				TH_LOG("round %zu block %zu", round, i);
		consumed += n;
		if (n)
			release(_metadata, variant, &w.tx, n, pos);
	}
	EXPECT_EQ(3000, consumed);
	EXPECT_EQ(16 + consumed, well_peek(&w.tx) + produced);
	well_deinit(&w);
}

KSTM_SCENARIO(well_reserve)
{
	KSTM_RUN_FV(ring, multi, empty_rx_gives_nothing);
	KSTM_RUN_FV(ring, multi, max_zero_gives_nothing);
	KSTM_RUN_FV(ring, multi, gives_min_of_max_and_available);
	KSTM_RUN_FV(ring, multi, full_tx_gives_nothing);
	KSTM_RUN_FV(ring, multi, all_takes_what_was_released);
	KSTM_RUN_FV(ring, multi, stale_seen_gives_no_phantom_blocks);
	KSTM_RUN_FV(ring, multi, every_amount);
	KSTM_RUN_FV(ring, multi, sequence_order);
	KSTM_RUN_FV(ring, single, empty_rx_gives_nothing);
	KSTM_RUN_FV(ring, single, max_zero_gives_nothing);
	KSTM_RUN_FV(ring, single, gives_min_of_max_and_available);
	KSTM_RUN_FV(ring, single, full_tx_gives_nothing);
	KSTM_RUN_FV(ring, single, all_takes_what_was_released);
	KSTM_RUN_FV(ring, single, stale_seen_gives_no_phantom_blocks);
	KSTM_RUN_FV(ring, single, every_amount);
	KSTM_RUN_FV(ring, single, sequence_order);
	KSTM_RUN_FV(ring, declared_single, empty_rx_gives_nothing);
	KSTM_RUN_FV(ring, declared_single, max_zero_gives_nothing);
	KSTM_RUN_FV(ring, declared_single, gives_min_of_max_and_available);
	KSTM_RUN_FV(ring, declared_single, full_tx_gives_nothing);
	KSTM_RUN_FV(ring, declared_single, all_takes_what_was_released);
	KSTM_RUN_FV(ring, declared_single, stale_seen_gives_no_phantom_blocks);
	KSTM_RUN_FV(ring, declared_single, every_amount);
	KSTM_RUN_FV(ring, declared_single, sequence_order);
}

TEST_HARNESS_MAIN
