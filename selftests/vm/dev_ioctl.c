// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dev_ioctl - every /dev/well ioctl given bad input fails with the right
 * errno, and a seeded fuzz of the command space never gets anything else.
 * Needs well.ko loaded (run inside the VM).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "kselftest_harness.h"
#include "dev_verify.h"

static int dev_fd(void)
{
	return open("/dev/well", O_RDWR | O_CLOEXEC);
}

static int create(int fd, uint32_t size, uint32_t blk_size, uint32_t count)
{
	struct well_ring_desc d = {
		.size = size, .blk_size = blk_size, .blk_count = count,
	};

	return ioctl(fd, WELL_IOC_CREATE, &d) ? -errno : 0;
}

TEST(before_create)
{
	struct well_start req = { .size = sizeof(req), .producers = 1 };
	struct well_stats st = { .size = sizeof(st) };
	struct well_ring_desc d = { .size = sizeof(d) };
	int fd = dev_fd();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_START, &req));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_STOP));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_WAKE));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_STATS, &st));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_INFO, &d));
	EXPECT_EQ(ENXIO, errno);
	close(fd);
}

TEST(unknown_commands)
{
	int fd = dev_fd();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, _IO(WELL_IOC_MAGIC, 0x3f)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IO('y', 0x00)));
	EXPECT_EQ(ENOTTY, errno);
	/* STOP and WAKE take no argument: another direction is another cmd. */
	EXPECT_EQ(-1, ioctl(fd, _IOW(WELL_IOC_MAGIC, 0x03, int), 0));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
}

TEST(create_bad_pointer)
{
	int fd = dev_fd();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_CREATE, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_CREATE, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST(create_bad_size_field)
{
	struct {
		struct well_ring_desc d;
		uint8_t tail[64];
	} big = { .d = { .blk_size = 64, .blk_count = 16 } };
	int fd = dev_fd();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, create(fd, 0, 64, 16));
	EXPECT_EQ(-EINVAL, create(fd, 55, 64, 16));
	EXPECT_EQ(-EINVAL, create(fd, 1 << 20, 64, 16));
	big.d.size = sizeof(big);
	big.tail[10] = 1;
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_CREATE, &big));
	EXPECT_EQ(E2BIG, errno);
	big.tail[10] = 0;
	EXPECT_EQ(0, ioctl(fd, WELL_IOC_CREATE, &big));
	EXPECT_EQ(64, big.d.blk_size);
	EXPECT_EQ(0, big.tail[0]);
	close(fd);
}

TEST(create_bad_geometry)
{
	struct well_ring_desc d = {
		.size = sizeof(d), .flags = 0x80, .blk_size = 64, .blk_count = 16,
	};
	int fd = dev_fd();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_CREATE, &d));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, create(fd, sizeof(d), 0, 16));
	EXPECT_EQ(-EINVAL, create(fd, sizeof(d), 16, 16));
	EXPECT_EQ(-EINVAL, create(fd, sizeof(d), 96, 16));
	EXPECT_EQ(-EINVAL, create(fd, sizeof(d), WELL_BLK_MAX * 2, 1));
	EXPECT_EQ(-EINVAL, create(fd, sizeof(d), 64, 0));
	EXPECT_EQ(-EINVAL, create(fd, sizeof(d), 64, 3));
	EXPECT_EQ(-EINVAL, create(fd, sizeof(d), 64, WELL_COUNT_MAX * 2));
	/* 128 MiB: above the default max_ring_kib of 64 MiB. */
	EXPECT_EQ(-E2BIG, create(fd, sizeof(d), WELL_BLK_MAX, 128));
	EXPECT_EQ(0, create(fd, sizeof(d), 64, 16));
	EXPECT_EQ(-EBUSY, create(fd, sizeof(d), 64, 16));
	close(fd);
}

TEST(info_and_stats)
{
	struct well_ring_desc d = { .size = sizeof(d) };
	struct well_stats st = { .size = WELL_STATS_SIZE_VER0 };
	int fd = dev_fd();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, create(fd, sizeof(d), 128, 64));
	ASSERT_EQ(0, ioctl(fd, WELL_IOC_INFO, &d));
	EXPECT_EQ(128, d.blk_size);
	EXPECT_EQ(64, d.blk_count);
	EXPECT_EQ(128 * 64, d.data_size);
	EXPECT_NE(d.ctrl_off, d.data_off);
	d.flags = 2;
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_INFO, &d));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, ioctl(fd, WELL_IOC_STATS, &st));
	EXPECT_EQ(0, st.published);
	EXPECT_EQ(0, st.flags);
	EXPECT_EQ(0, ioctl(fd, WELL_IOC_WAKE));
	EXPECT_EQ(0, ioctl(fd, WELL_IOC_STATS, &st));
	EXPECT_EQ(1, st.wakes);
	close(fd);
}

TEST(start_bad_requests)
{
	struct well_start req = { .size = sizeof(req), .producers = 1 };
	int fd = dev_fd();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, create(fd, sizeof(struct well_ring_desc), 64, 16));
	req.producers = 0;
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_START, &req));
	EXPECT_EQ(EINVAL, errno);
	req.producers = WELL_PRODUCERS_MAX + 1;
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_START, &req));
	EXPECT_EQ(EINVAL, errno);
	req.producers = 1;
	req.flags = 0x80;
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_START, &req));
	EXPECT_EQ(EINVAL, errno);
	req.flags = 0;
	req.batch = 17;
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_START, &req));
	EXPECT_EQ(EINVAL, errno);
	req.batch = 0;
	req.flags = WELL_START_TIMER;
	req.timer_ns = 1000;
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_START, &req));
	EXPECT_EQ(EINVAL, errno);
	req.timer_ns = 0;
	req.size = WELL_START_SIZE_VER0 - 4;
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_START, &req));
	EXPECT_EQ(EINVAL, errno);
	req.size = sizeof(req);
	req.blocks = 1;
	EXPECT_EQ(0, ioctl(fd, WELL_IOC_START, &req));
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_START, &req));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(0, ioctl(fd, WELL_IOC_STOP));
	EXPECT_EQ(0, ioctl(fd, WELL_IOC_STOP));
	close(fd);
}

/* Random commands of our magic with random arguments: only known errnos. */
TEST(fuzz)
{
	static const int ok[] = { ENOTTY, EFAULT, EINVAL, E2BIG, EBUSY, ENXIO };
	uint64_t buf[64];
	unsigned int i, j, k;
	int fd = dev_fd();

	ASSERT_LE(0, fd);
	srandom(1234);
	for (i = 0; i < 20000; i++) {
		unsigned int cmd = _IOC(random() & 3, WELL_IOC_MAGIC,
					random() % 8, random() % 512);
		void *arg = buf;

		for (j = 0; j < 64; j++)
			buf[j] = (uint64_t)random() << 32 | random();
		if (random() % 2)
			buf[0] = (buf[0] & ~0xffffffffULL) | (random() % 128);
		if (random() % 8 == 0)
			arg = (void *)(uintptr_t)(random() % 4096);
		/* START with no ring stopping: keep the fuzz bounded. */
		if (_IOC_NR(cmd) == 0x02)
			continue;
		if (ioctl(fd, cmd, arg) == 0)
			continue;
		for (k = 0; k < ARRAY_SIZE(ok); k++)
			if (errno == ok[k])
				break;
		ASSERT_LT(k, ARRAY_SIZE(ok)) {
			TH_LOG("cmd %#x errno %d", cmd, errno);
		}
	}
	close(fd);
}

TEST_HARNESS_MAIN
