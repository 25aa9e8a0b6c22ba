// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dev_mmap - the three /dev/well regions map only whole, shared, never
 * executable; the page is read-only; mappings outlive close(); the data
 * is in physically contiguous chunks of up to 2 MiB.
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

/* Bits of /proc/kpageflags (Documentation/admin-guide/mm/pagemap.rst). */
#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16
#define PAGEMAP_PRESENT		(1ULL << 63)
#define PAGEMAP_PFN		((1ULL << 55) - 1)

/* The page frame mapped at @p and its kpageflags; 0, or -errno. */
static int page_frame(const void *p, uint64_t *pfn, uint64_t *flags)
{
	long psize = sysconf(_SC_PAGESIZE);
	int map = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	int kpf = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	uint64_t e = 0;
	int err = 0;

	if (map < 0 || kpf < 0 ||
	    pread(map, &e, sizeof(e), (off_t)((uintptr_t)p / psize * 8)) !=
	    sizeof(e))
		err = -errno;
	else if (!(e & PAGEMAP_PRESENT) || !(e & PAGEMAP_PFN))
		err = -ENOENT;
	else if (pread(kpf, flags, sizeof(*flags),
		       (off_t)((e & PAGEMAP_PFN) * 8)) != sizeof(*flags))
		err = -errno;
	*pfn = e & PAGEMAP_PFN;
	if (map >= 0)
		close(map);
	if (kpf >= 0)
		close(kpf);
	return err;
}

/*
 * A 4 MiB ring is two compound pages of 2 MiB (on a machine whose buddy
 * allocator has them: the VM, freshly booted): each page of the mapping is
 * the next frame of its chunk, the first of each a head, the others
 * tails. A ring of one page is a page. (The fallback to smaller chunks
 * is not forced here.)
 */
TEST(data_in_large_chunks)
{
	static const size_t at[] = { 0, 1, 511, 512, 513, 1023 };
	struct well_ring_desc d = { .size = sizeof(d), .blk_size = 4096,
				    .blk_count = 1024 };
	uint64_t pfn[6], flags[6], head = 1ULL << KPF_COMPOUND_HEAD,
		 tail = 1ULL << KPF_COMPOUND_TAIL;
	int fd = open("/dev/well", O_RDWR | O_CLOEXEC);
	uint8_t *data;
	size_t i;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, WELL_IOC_CREATE, &d));
	ASSERT_EQ((uint64_t)4 << 20, d.data_size);
	data = mmap(NULL, d.data_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, d.data_off);
	ASSERT_NE(MAP_FAILED, data);
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(0, page_frame(data + at[i] * 4096, &pfn[i],
					&flags[i]));
		TH_LOG("page %zu: pfn %#llx, flags %#llx", at[i],
		       (unsigned long long)pfn[i],
		       (unsigned long long)flags[i]);
	}
	EXPECT_EQ(head, flags[0] & (head | tail));
	EXPECT_EQ(tail, flags[1] & (head | tail));
	EXPECT_EQ(tail, flags[2] & (head | tail));
	EXPECT_EQ(head, flags[3] & (head | tail));
	EXPECT_EQ(tail, flags[4] & (head | tail));
	EXPECT_EQ(tail, flags[5] & (head | tail));
	EXPECT_EQ(pfn[0] + 1, pfn[1]);
	EXPECT_EQ(pfn[0] + 511, pfn[2]);
	EXPECT_EQ(pfn[3] + 1, pfn[4]);
	EXPECT_EQ(pfn[3] + 511, pfn[5]);
	EXPECT_EQ(0, munmap(data, d.data_size));
	close(fd);

	fd = open("/dev/well", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	d.blk_size = 64;
	d.blk_count = 64;
	ASSERT_EQ(0, ioctl(fd, WELL_IOC_CREATE, &d));
	ASSERT_EQ((uint64_t)4096, d.data_size);
	data = mmap(NULL, d.data_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, d.data_off);
	ASSERT_NE(MAP_FAILED, data);
	ASSERT_EQ(0, page_frame(data, &pfn[0], &flags[0]));
	EXPECT_EQ(0, flags[0] & (head | tail));
	EXPECT_EQ(0, munmap(data, d.data_size));
	close(fd);
}

TEST_HARNESS_MAIN
