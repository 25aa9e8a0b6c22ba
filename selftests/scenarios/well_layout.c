// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Memory layout of struct well: the read-only geometry, each side's
 * reserver words (head) and releaser words (tail) sit on separate
 * WELL_LINE-byte lines, so no line has two classes of writer.
 */
#include "scenario.h"
#include <well.h>

#define LINE_OF(member)	(offsetof(struct well, member) / WELL_LINE)
#define LAST_LINE_OF(member) \
	((offsetof(struct well, member) + sizeof(((struct well *)0)->member) \
	  - 1) / WELL_LINE)

TEST(line_is_128_bytes)
{
	EXPECT_EQ(128, WELL_LINE);
	EXPECT_EQ(sizeof(size_t), sizeof(struct well_atomic));
}

TEST(sides_start_lines)
{
	EXPECT_EQ(0, offsetof(struct well, tx) % WELL_LINE);
	EXPECT_EQ(0, offsetof(struct well, rx) % WELL_LINE);
	EXPECT_EQ(0, offsetof(struct well, tx.tail) % WELL_LINE);
	EXPECT_EQ(0, offsetof(struct well, rx.tail) % WELL_LINE);
	EXPECT_EQ(0, offsetof(struct well_side, head));
}

TEST(geometry_has_a_line_of_its_own)
{
	EXPECT_EQ(0, LINE_OF(blk_size));
	EXPECT_EQ(0, LAST_LINE_OF(mem));
	EXPECT_EQ(0, LINE_OF(blk_count));
	EXPECT_EQ(0, LINE_OF(blk_mask));
	EXPECT_EQ(0, LINE_OF(blk_shift));
	EXPECT_LT(LAST_LINE_OF(mem), LINE_OF(tx));
}

TEST(each_writer_class_has_its_own_line)
{
	size_t lines[] = {
		LINE_OF(blk_size), LINE_OF(tx.head), LINE_OF(tx.tail),
		LINE_OF(rx.head), LINE_OF(rx.tail),
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(lines); i++)
		for (j = i + 1; j < ARRAY_SIZE(lines); j++)
			EXPECT_NE(lines[i], lines[j]) TH_LOG("%zu vs %zu", i, j);
}

TEST(reservers_read_their_line_only)
{
	/* Reservers read seen, bias and limit next to head. */
	EXPECT_EQ(LINE_OF(tx.head), LINE_OF(tx.seen));
	EXPECT_EQ(LINE_OF(tx.head), LAST_LINE_OF(tx.bias));
	EXPECT_EQ(LINE_OF(tx.head), LAST_LINE_OF(tx.limit));
	EXPECT_EQ(LINE_OF(rx.head), LINE_OF(rx.seen));
	EXPECT_EQ(LINE_OF(rx.head), LAST_LINE_OF(rx.bias));
	EXPECT_EQ(LINE_OF(rx.head), LAST_LINE_OF(rx.limit));
	EXPECT_EQ(LINE_OF(tx.tail), LAST_LINE_OF(tx.tail));
	EXPECT_EQ(LINE_OF(rx.tail), LAST_LINE_OF(rx.tail));
}

TEST(sizes)
{
	EXPECT_EQ(2 * WELL_LINE, sizeof(struct well_side));
	EXPECT_EQ(WELL_LINE, offsetof(struct well, tx));
	EXPECT_EQ(3 * WELL_LINE, offsetof(struct well, rx));
	EXPECT_EQ(5 * WELL_LINE, sizeof(struct well));
}

KSTM_SCENARIO(well_layout)
{
	KSTM_RUN(line_is_128_bytes);
	KSTM_RUN(sides_start_lines);
	KSTM_RUN(geometry_has_a_line_of_its_own);
	KSTM_RUN(each_writer_class_has_its_own_line);
	KSTM_RUN(reservers_read_their_line_only);
	KSTM_RUN(sizes);
}

#ifndef __KERNEL__
/* Host only: aligned_alloc(). */
#include <stdlib.h>

TEST(alignment)
{
	static struct well s;
	struct well a, *h;

	EXPECT_EQ(WELL_LINE, _Alignof(struct well));
	EXPECT_EQ(WELL_LINE, _Alignof(struct well_side));
	EXPECT_EQ(0, (uintptr_t)&s % WELL_LINE);
	EXPECT_EQ(0, (uintptr_t)&a % WELL_LINE);
	h = aligned_alloc(_Alignof(struct well), sizeof(*h));
	ASSERT_NE(NULL, h);
	EXPECT_EQ(0, (uintptr_t)&h->rx.tail % WELL_LINE);
	free(h);
}

#endif

TEST_HARNESS_MAIN
