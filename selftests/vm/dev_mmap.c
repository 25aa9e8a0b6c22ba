// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dev_mmap - the three /dev/well regions map only whole, shared, never
 * executable; the page is read-only; mappings outlive close().
 * Needs well.ko loaded (run inside the VM).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "kselftest_harness.h"
#include "dev_verify.h"

FIXTURE(ring) {
	int fd;
	struct well_ring_desc d;
};

FIXTURE_SETUP(ring)
{
	self->fd = open("/dev/well", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	memset(&self->d, 0, sizeof(self->d));
	self->d.size = sizeof(self->d);
	self->d.blk_size = 256;
	self->d.blk_count = 64;
	ASSERT_EQ(0, ioctl(self->fd, WELL_IOC_CREATE, &self->d));
}

FIXTURE_TEARDOWN(ring)
{
	close(self->fd);
}

static int map_err(int fd, uint64_t off, size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags, fd, (off_t)off);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, len);
	return 0;
}

TEST(before_create)
{
	int fd = open("/dev/well", O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENXIO, map_err(fd, 0, 4096, PROT_READ, MAP_SHARED));
	close(fd);
}

TEST_F(ring, good_maps)
{
	const struct well_page *page;
	struct well *ctrl;
	uint8_t *data;

	page = mmap(NULL, self->d.page_size, PROT_READ, MAP_SHARED, self->fd,
		    self->d.page_off);
	ASSERT_NE(MAP_FAILED, page);
	ctrl = mmap(NULL, self->d.ctrl_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED, self->fd, self->d.ctrl_off);
	ASSERT_NE(MAP_FAILED, ctrl);
	data = mmap(NULL, self->d.data_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED, self->fd, self->d.data_off);
	ASSERT_NE(MAP_FAILED, data);
	EXPECT_EQ(WELL_PAGE_MAGIC, page->magic);
	EXPECT_EQ(256, page->blk_size);
	EXPECT_EQ(64, page->blk_count);
	EXPECT_EQ(0, page->broken);
	EXPECT_EQ(256, ctrl->blk_size);
	EXPECT_EQ(64, ctrl->blk_count);
	EXPECT_EQ(NULL, ctrl->mem);
	EXPECT_EQ(0, well_peek(&ctrl->rx));
	EXPECT_EQ(64, well_peek(&ctrl->tx));
	data[0] = 1;
	data[self->d.data_size - 1] = 2;
	/* The page can never become writable. */
	EXPECT_EQ(-1, mprotect((void *)page, self->d.page_size,
			       PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mprotect(data, self->d.data_size, PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	/* Regions never grow. */
	EXPECT_EQ(MAP_FAILED, mremap(data, self->d.data_size,
				     self->d.data_size * 2, MREMAP_MAYMOVE));
	munmap((void *)page, self->d.page_size);
	munmap(ctrl, self->d.ctrl_size);
	munmap(data, self->d.data_size);
}

TEST_F(ring, bad_maps)
{
	int fd = self->fd;

	EXPECT_EQ(-EPERM, map_err(fd, self->d.page_off, self->d.page_size,
				  PROT_READ | PROT_WRITE, MAP_SHARED));
	EXPECT_EQ(-EPERM, map_err(fd, self->d.ctrl_off, self->d.ctrl_size,
				  PROT_READ | PROT_EXEC, MAP_SHARED));
	EXPECT_EQ(-EPERM, map_err(fd, self->d.data_off, self->d.data_size,
				  PROT_EXEC, MAP_SHARED));
	EXPECT_EQ(-EINVAL, map_err(fd, self->d.ctrl_off, self->d.ctrl_size,
				   PROT_READ | PROT_WRITE, MAP_PRIVATE));
	EXPECT_EQ(-EINVAL, map_err(fd, self->d.page_off, self->d.page_size,
				   PROT_READ, MAP_PRIVATE));
	EXPECT_EQ(-EINVAL, map_err(fd, self->d.data_off,
				   self->d.data_size * 2, PROT_READ,
				   MAP_SHARED));
	EXPECT_EQ(-EINVAL, map_err(fd, self->d.data_off,
				   self->d.data_size / 2, PROT_READ,
				   MAP_SHARED));
	EXPECT_EQ(-EINVAL, map_err(fd, self->d.page_off,
				   self->d.page_size * 2, PROT_READ,
				   MAP_SHARED));
	EXPECT_EQ(-EINVAL, map_err(fd, self->d.data_off +
				   self->d.data_size + 4096 * 7, 4096,
				   PROT_READ, MAP_SHARED));
	EXPECT_EQ(-EINVAL, map_err(fd, 1ULL << 40, 4096, PROT_READ,
				   MAP_SHARED));
}

TEST_F(ring, readonly_fd)
{
	char path[64];
	int ro;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", self->fd);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-EACCES, map_err(ro, self->d.ctrl_off, self->d.ctrl_size,
				   PROT_READ | PROT_WRITE, MAP_SHARED));
	close(ro);
}

/* The mapping keeps the ring: close first, use, then unmap. */
TEST_F(ring, outlives_close)
{
	uint8_t *data;
	size_t i;

	data = mmap(NULL, self->d.data_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED, self->fd, self->d.data_off);
	ASSERT_NE(MAP_FAILED, data);
	close(self->fd);
	self->fd = -1;
	for (i = 0; i < self->d.data_size; i += 512)
		data[i] = (uint8_t)i;
	/* Make the compiler read the pages back. */
	__asm__ __volatile__("" : : : "memory");
	for (i = 0; i < self->d.data_size; i += 512)
		ASSERT_EQ((uint8_t)i, data[i]);
	EXPECT_EQ(0, munmap(data, self->d.data_size));
}

TEST_HARNESS_MAIN
