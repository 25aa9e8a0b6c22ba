// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dev_stream - kernel producers into a user consumer that checks every
 * block's producer sequence and checksum: one producer (single), N
 * producers (multi), kthreads with an hrtimer producer, and a ring small
 * enough that producers sleep and are woken thousands of times.
 * Needs well.ko loaded (run inside the VM).
 */
#include <errno.h>
#include <stdint.h>
#include <time.h>
#include "kselftest_harness.h"
#include "dev_verify.h"

#define IDLE_MS	20000

static void stream(struct __test_metadata *_metadata, uint32_t blk_size,
		   uint32_t blk_count, const struct well_start *req,
		   struct well_stats *st)
{
	struct well_dev_tally t = { .producers = req->producers };
	uint64_t total = req->blocks * req->producers;
	struct timespec t0, t1;
	struct well_dev dev;
	uint32_t i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create(&dev, blk_size, blk_count));
	ASSERT_EQ(0, well_dev_start_req(&dev, req));
	ASSERT_EQ(0, well_dev_drain(&dev, &t, total, IDLE_MS));
	EXPECT_EQ(total, t.blocks);
	EXPECT_EQ(0, t.bad_csum);
	EXPECT_EQ(0, t.bad_seq);
	for (i = 0; i < req->producers; i++)
		EXPECT_EQ(req->blocks, t.next[i]);
	ASSERT_EQ(0, well_dev_stats(&dev, st));
	EXPECT_EQ(total, st->published);
	EXPECT_EQ(0, st->flags & WELL_STATS_BROKEN);
	EXPECT_EQ(0, well_dev_stop(&dev));
	EXPECT_EQ(0, well_dev_consume(&dev, &(size_t){ 0 }, 1));
	well_dev_close(&dev);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TH_LOG("%llu blocks in %.2f s", (unsigned long long)total,
	       t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9);
}

/* A fixture only for TEST_F_TIMEOUT: 6.1's harness has no TEST_TIMEOUT. */
FIXTURE(dev) {
	int unused;
};

FIXTURE_SETUP(dev)
{
}

FIXTURE_TEARDOWN(dev)
{
}

TEST_F_TIMEOUT(dev, single_producer_1m, 600)
{
	struct well_start req = { .producers = 1, .blocks = 1000000 };
	struct well_stats st;

	stream(_metadata, 64, 4096, &req, &st);
	EXPECT_TRUE(st.flags & WELL_STATS_RUNNING);
	EXPECT_TRUE(st.flags & WELL_STATS_SINGLE);
}

TEST_F_TIMEOUT(dev, four_producers_1m, 600)
{
	struct well_start req = { .producers = 4, .blocks = 250000, .batch = 64 };
	struct well_stats st;

	stream(_metadata, 64, 4096, &req, &st);
	EXPECT_EQ(0, st.flags & WELL_STATS_SINGLE);
}

TEST_F_TIMEOUT(dev, threads_and_timer, 600)
{
	struct well_start req = {
		.producers = 3, .flags = WELL_START_TIMER, .blocks = 20000,
		.batch = 32,
	};
	struct well_stats st;

	stream(_metadata, 128, 1024, &req, &st);
	EXPECT_LT(0, st.timer_runs);
}

TEST_F_TIMEOUT(dev, big_blocks, 600)
{
	struct well_start req = { .producers = 2, .blocks = 5000 };
	struct well_stats st;

	stream(_metadata, 4096, 64, &req, &st);
}

/* Headers only: every block has len 0 and a valid checksum. */
TEST_F_TIMEOUT(dev, empty_blocks, 600)
{
	struct well_start req = {
		.producers = 2, .flags = WELL_START_EMPTY, .blocks = 50000,
	};
	struct well_stats st;

	stream(_metadata, 64, 1024, &req, &st);
}

/* A one-block ring: the producer fills it and sleeps for every block. */
TEST_F_TIMEOUT(dev, sleep_wake_10k, 600)
{
	struct well_start req = { .producers = 1, .blocks = 12000, .batch = 1 };
	struct well_stats st;

	stream(_metadata, 64, 1, &req, &st);
	TH_LOG("waits %llu wakes %llu", (unsigned long long)st.waits,
	       (unsigned long long)st.wakes);
	EXPECT_LT(0, st.waits);
	EXPECT_LT(0, st.wakes);
}

TEST_F_TIMEOUT(dev, sleep_wake_multi_10k, 600)
{
	struct well_start req = { .producers = 3, .blocks = 4000, .batch = 1 };
	struct well_stats st;

	stream(_metadata, 64, 1, &req, &st);
	TH_LOG("waits %llu wakes %llu", (unsigned long long)st.waits,
	       (unsigned long long)st.wakes);
	EXPECT_LT(0, st.waits);
}

TEST_HARNESS_MAIN
