// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Geometry: well_params() rounding, zero sizes and overflow. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "kselftest_harness.h"
#include "well.h"

TEST(rounds_up_to_powers_of_two)
{
	struct well w;

	ASSERT_EQ(0, well_params(24, 1000, &w));
	EXPECT_EQ(32, well_blk_size(&w));
	EXPECT_EQ(1024, well_blk_count(&w));
	EXPECT_EQ(32 * 1024, well_size(&w));
}

TEST_HARNESS_MAIN
