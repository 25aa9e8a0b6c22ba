// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Geometry: well_params() rounding, zero sizes and overflow; well_init(). */
#include "scenario.h"
#include <well.h>

/* Largest block count well_params() accepts: 2^62 on 64-bit. */
#define MAX_COUNT	((SIZE_MAX >> 2) + 1)
/* Largest power of two in a size_t. */
#define TOP_BIT		((SIZE_MAX >> 1) + 1)
/* 2 to half the bits of a size_t (2^32): its square does not fit. */
#define HALF_BIT	((size_t)1 << (sizeof(size_t) * 4))

/*
 * Call well_params() on a well full of a pattern and check it returns @err
 * and leaves every byte of the well as it was.
 */
static void expect_refused(struct __test_metadata *_metadata,
			   size_t blk_size, size_t blk_count, int err)
{
	struct well w, copy;

	memset(&w, 0xa5, sizeof(w));
	memcpy(&copy, &w, sizeof(w));
	EXPECT_EQ(err, well_params(blk_size, blk_count, &w))
		TH_LOG("size %zu count %zu", blk_size, blk_count);
	EXPECT_EQ(0, memcmp(&w, &copy, sizeof(w)))
		TH_LOG("size %zu count %zu: the well was written",
		       blk_size, blk_count);
}

TEST(rounds_up_to_powers_of_two)
{
	struct well w;

	ASSERT_EQ(0, well_params(24, 1000, &w));
	EXPECT_EQ(32, well_blk_size(&w));
	EXPECT_EQ(1024, well_blk_count(&w));
	EXPECT_EQ(32 * 1024, well_size(&w));
	EXPECT_EQ(1023, w.blk_mask);
	EXPECT_EQ(5, w.blk_shift);
	EXPECT_EQ(NULL, w.mem);
}

TEST(keeps_powers_of_two)
{
	struct well w;
	size_t v;

	size_t shift = 0;

	for (v = 1; v <= 4096; v <<= 1, shift++) {
		ASSERT_EQ(0, well_params(v, v, &w));
		EXPECT_EQ(v, well_blk_size(&w));
		EXPECT_EQ(v, well_blk_count(&w));
		EXPECT_EQ(v * v, well_size(&w));
		EXPECT_EQ(v - 1, w.blk_mask);
		EXPECT_EQ(shift, w.blk_shift);
	}
}

TEST(rounds_one_above_a_power)
{
	struct well w;

	ASSERT_EQ(0, well_params(65, 3, &w));
	EXPECT_EQ(128, well_blk_size(&w));
	EXPECT_EQ(4, well_blk_count(&w));
	EXPECT_EQ(7, w.blk_shift);
	EXPECT_EQ(3, w.blk_mask);
}

TEST(zero_size_or_count_is_invalid)
{
	expect_refused(_metadata, 0, 8, -EINVAL);
	expect_refused(_metadata, 8, 0, -EINVAL);
	expect_refused(_metadata, 0, 0, -EINVAL);
}

TEST(null_well_is_invalid)
{
	EXPECT_EQ(-EINVAL, well_params(8, 8, NULL));
}

TEST(product_overflow)
{
	expect_refused(_metadata, TOP_BIT, 2, -EOVERFLOW);
	expect_refused(_metadata, HALF_BIT, HALF_BIT, -EOVERFLOW);
	/* 3 rounds to 4: the product is checked after rounding. */
	expect_refused(_metadata, 3, MAX_COUNT, -EOVERFLOW);
}

TEST(largest_product_fits)
{
	struct well w;

	ASSERT_EQ(0, well_params(TOP_BIT, 1, &w));
	EXPECT_EQ(TOP_BIT, well_size(&w));
	ASSERT_EQ(0, well_params(2, MAX_COUNT, &w));
	EXPECT_EQ(MAX_COUNT, well_blk_count(&w));
	EXPECT_EQ(TOP_BIT, well_size(&w));
	/* Half the bits each, less one for the size. */
	ASSERT_EQ(0, well_params(HALF_BIT >> 1, HALF_BIT, &w));
	EXPECT_EQ(TOP_BIT, well_size(&w));
}

TEST(count_above_limit)
{
	struct well w;

	ASSERT_EQ(0, well_params(1, MAX_COUNT, &w));
	EXPECT_EQ(MAX_COUNT, well_blk_count(&w));
	expect_refused(_metadata, 1, MAX_COUNT + 1, -EOVERFLOW);
	expect_refused(_metadata, 1, TOP_BIT, -EOVERFLOW);
	expect_refused(_metadata, 1, SIZE_MAX, -EOVERFLOW);
}

TEST(size_rounding_overflow)
{
	expect_refused(_metadata, TOP_BIT + 1, 1, -EOVERFLOW);
	expect_refused(_metadata, SIZE_MAX, 1, -EOVERFLOW);
}

TEST(init_refuses_null_memory)
{
	struct well w;

	ASSERT_EQ(0, well_params(16, 8, &w));
	EXPECT_EQ(-EINVAL, well_init(&w, NULL));
	EXPECT_EQ(NULL, w.mem);
}

TEST(init_refuses_missing_geometry)
{
	struct well w;
	char mem[64];

	memset(&w, 0, sizeof(w));
	EXPECT_EQ(-EINVAL, well_init(&w, mem));
	EXPECT_EQ(-EINVAL, well_init(NULL, mem));
}

TEST(init_puts_every_block_on_tx)
{
	struct well w;
	char mem[16 * 8];

	ASSERT_EQ(0, well_params(16, 8, &w));
	ASSERT_EQ(sizeof(mem), well_size(&w));
	ASSERT_EQ(0, well_init(&w, mem));
	EXPECT_EQ((void *)mem, w.mem);
	EXPECT_EQ(8, well_peek(&w.tx));
	EXPECT_EQ(0, well_peek(&w.rx));
	well_deinit(&w);
	EXPECT_EQ(NULL, w.mem);
	well_deinit(NULL);
}

KSTM_SCENARIO(well_params)
{
	KSTM_RUN(rounds_up_to_powers_of_two);
	KSTM_RUN(keeps_powers_of_two);
	KSTM_RUN(rounds_one_above_a_power);
	KSTM_RUN(zero_size_or_count_is_invalid);
	KSTM_RUN(null_well_is_invalid);
	KSTM_RUN(product_overflow);
	KSTM_RUN(largest_product_fits);
	KSTM_RUN(count_above_limit);
	KSTM_RUN(size_rounding_overflow);
	KSTM_RUN(init_refuses_null_memory);
	KSTM_RUN(init_refuses_missing_geometry);
	KSTM_RUN(init_puts_every_block_on_tx);
}

TEST_HARNESS_MAIN
