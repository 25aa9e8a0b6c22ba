// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dev_read - the copying path: a ring created with WELL_CREATE_READ is
 * consumed with read() (one copy_to_user() per block) and cannot be
 * mapped; every block still carries its sequence and checksum.
 * Needs well.ko loaded (run inside the VM).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "kselftest_harness.h"
#include "dev_verify.h"

#define IDLE_MS	20000

static void read_stream(struct __test_metadata *_metadata, uint32_t blk_size,
			uint32_t producers, uint64_t blocks, uint32_t flags,
			uint32_t per_read)
{
	struct well_dev_tally t = { .producers = producers };
	struct well_dev dev;
	uint32_t i;

	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	dev.read_blocks = per_read;
	ASSERT_EQ(0, well_dev_create_flags(&dev, blk_size, 256,
					   WELL_CREATE_READ));
	ASSERT_EQ(0, well_dev_start(&dev, producers, flags, blocks));
	ASSERT_EQ(0, well_dev_drain(&dev, &t, producers * blocks, IDLE_MS));
	EXPECT_EQ(0, t.bad_csum);
	EXPECT_EQ(0, t.bad_seq);
	for (i = 0; i < producers; i++)
		EXPECT_EQ(blocks, t.next[i]);
	EXPECT_EQ(0, well_dev_stop(&dev));
	well_dev_close(&dev);
}

TEST(read_one_producer)
{
	read_stream(_metadata, 64, 1, 200000, 0, 0);
}

TEST(read_two_producers_4k)
{
	read_stream(_metadata, 4096, 2, 5000, 0, 0);
}

/* Headers only, one block per read() call: the benchmark's settings. */
TEST(read_empty_one_per_call)
{
	read_stream(_metadata, 64, 2, 20000, WELL_START_EMPTY, 1);
}

TEST(read_mode_rules)
{
	struct well_ring_desc d = { .size = sizeof(d) };
	uint8_t buf[128];
	struct well_dev dev;
	void *p;

	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create_flags(&dev, 128, 16, WELL_CREATE_READ));
	ASSERT_EQ(0, ioctl(dev.fd, WELL_IOC_INFO, &d));
	EXPECT_EQ(WELL_CREATE_READ, d.flags);
	p = mmap(NULL, d.data_size, PROT_READ, MAP_SHARED, dev.fd,
		 d.data_off);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EACCES, errno);
	/* Smaller than a block. */
	EXPECT_EQ(-1, read(dev.fd, buf, 64));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, fcntl(dev.fd, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, read(dev.fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, well_dev_wait(&dev, 0));
	EXPECT_EQ(-1, syscall(__NR_read, dev.fd, NULL, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	well_dev_close(&dev);
}

TEST(read_needs_read_mode)
{
	struct well_dev dev;
	uint8_t buf[64];

	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	EXPECT_EQ(-1, read(dev.fd, buf, sizeof(buf)));
	EXPECT_EQ(ENXIO, errno);
	ASSERT_EQ(0, well_dev_create(&dev, 64, 16));
	EXPECT_EQ(-1, read(dev.fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	well_dev_close(&dev);
}

/*
 * A fault on the first block: -EFAULT and nothing consumed; every block
 * still arrives, in sequence (dev_hostile checks a fault after two).
 */
TEST(read_fault)
{
	struct well_dev_tally t = { .producers = 1 };
	struct well_dev dev;

	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create_flags(&dev, 64, 16, WELL_CREATE_READ));
	ASSERT_EQ(0, well_dev_start(&dev, 1, 0, 100));
	ASSERT_EQ(1, well_dev_wait(&dev, IDLE_MS));
	EXPECT_EQ(-1, syscall(__NR_read, dev.fd, 8, 64 * 4));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, well_dev_drain(&dev, &t, 100, IDLE_MS));
	EXPECT_EQ(0, t.bad_csum);
	EXPECT_EQ(0, t.bad_seq);
	EXPECT_EQ(100, t.next[0]);
	well_dev_close(&dev);
}

TEST_HARNESS_MAIN
