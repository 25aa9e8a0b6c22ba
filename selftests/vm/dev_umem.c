// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dev_umem - rings in the caller's memory (WELL_CREATE_USER): the kernel
 * pins the pages and its producers write into them.
 *   - anonymous, shared anonymous, memfd, hugetlb (MAP_HUGETLB) and
 *     hugetlb memfd memory: 10^5 blocks from 2 kernel producers, every
 *     sequence and checksum verified; VmPin exact before, during, after;
 *   - hostile moves while producers run: munmap then close, mremap,
 *     mprotect(PROT_NONE), fork with the child scribbling on its copy;
 *   - every refused address and mapping, with its errno, leaving nothing
 *     pinned; the data offset cannot be mapped, attach refuses;
 *   - RLIMIT_MEMLOCK as another user and as root without CAP_IPC_LOCK:
 *     ENOMEM below the ring, success at it, the charge given back.
 * "dev_umem --cycle" runs one short user-memory ring instead, for the
 * leak cycles of scripts/vm/leak.sh.
 * Needs well.ko loaded (run inside the VM).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "dev_verify.h"

#ifndef MFD_HUGETLB
#define MFD_HUGETLB	0x0004U
#endif

#define IDLE_MS		20000
#define HUGE_SIZE	(2UL << 20)
#define MEM_LEN		HUGE_SIZE	/* every kind: one huge page */
#define BS		256
#define COUNT		(MEM_LEN / BS)	/* the ring fills MEM_LEN */
#define PRODUCERS	2
#define BLOCKS		50000		/* per producer: 10^5 in all */
#define MEM_KB		(MEM_LEN >> 10)

enum kind { ANON, SHARED_ANON, MEMFD, HUGETLB, MEMFD_HUGE };

/*
 * /proc/self/status opened by this process before it became another user
 * (who cannot look up /proc: the VM's / is root's only), or -1.
 */
static int status_fd = -1;

/* VmPin of this process in kB, -1 when unreadable. */
static long vm_pin_kb(void)
{
	char buf[4096], *at;
	int fd = status_fd;
	long kb = -1;
	ssize_t n;

	if (fd < 0)
		fd = open("/proc/self/status", O_RDONLY);
	if (fd < 0)
		return -1;
	n = lseek(fd, 0, SEEK_SET) ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd != status_fd)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	at = strstr(buf, "\nVmPin:");
	if (!at || sscanf(at, "\nVmPin: %ld kB", &kb) != 1)
		return -1;
	return kb;
}

static long read_long(const char *path)
{
	char buf[64] = "";
	long v = -1;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) > 0)
		v = strtol(buf, NULL, 10);
	close(fd);
	return v;
}

static int write_long(const char *path, long v)
{
	char buf[32];
	int fd = open(path, O_WRONLY), n;

	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%ld", v);
	n = write(fd, buf, n) == n ? 0 : -errno;
	close(fd);
	return n;
}

#define NR_HUGE	"/proc/sys/vm/nr_hugepages"
#define PARAM	"/sys/module/well/parameters/"

/* @len bytes of memory of @kind, read-write; MAP_FAILED on failure. */
static void *map_kind(enum kind kind, size_t len)
{
	int fd, flags = MAP_PRIVATE | MAP_ANONYMOUS;
	void *p;

	switch (kind) {
	case ANON:
		break;
	case SHARED_ANON:
		flags = MAP_SHARED | MAP_ANONYMOUS;
		break;
	case HUGETLB:
		flags |= MAP_HUGETLB;
		break;
	case MEMFD:
	case MEMFD_HUGE:
		fd = memfd_create("dev_umem", kind == MEMFD ? 0 : MFD_HUGETLB);
		if (fd < 0)
			return MAP_FAILED;
		if (ftruncate(fd, len)) {
			close(fd);
			return MAP_FAILED;
		}
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		return p;
	}
	return mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
}

static int create_raw(int fd, uint32_t size, uint32_t flags, uint32_t bs,
		      uint32_t count, void *addr, uint64_t len)
{
	struct well_ring_desc d = {
		.size = size, .flags = flags, .blk_size = bs,
		.blk_count = count, .data_size = len,
		.data_addr = (uintptr_t)addr,
	};

	return ioctl(fd, WELL_IOC_CREATE, &d) ? -errno : 0;
}

/* A fresh /dev/well descriptor and its create_mem() result. */
static int try_mem(void *mem, size_t len, uint32_t bs, uint32_t count)
{
	struct well_dev dev;
	int err;

	err = well_dev_open(&dev, NULL);
	if (err)
		return err;
	err = well_dev_create_mem(&dev, bs, count, mem, len);
	well_dev_close(&dev);
	return err;
}

/* Consume and give back @n blocks without reading them. */
static int skip_blocks(struct well_dev *dev, uint64_t n)
{
	size_t pos, got;
	int err;

	while (n) {
		got = well_dev_consume(dev, &pos, n);
		if (!got) {
			err = well_dev_wait(dev, IDLE_MS);
			if (err <= 0)
				return err ? err : -ETIMEDOUT;
			continue;
		}
		while ((err = well_dev_release(dev, pos, got)) == -EAGAIN)
			sched_yield();
		if (err)
			return err;
		n -= got;
	}
	return 0;
}

static void expect_all(struct __test_metadata *_metadata,
		       const struct well_dev_tally *t, uint64_t per)
{
	uint32_t i;

	EXPECT_EQ(per * t->producers, t->blocks);
	EXPECT_EQ(0, t->bad_csum);
	EXPECT_EQ(0, t->bad_seq);
	for (i = 0; i < t->producers; i++)
		EXPECT_EQ(per, t->next[i]);
}

FIXTURE(mem) {
	void *p;
	long huge_saved;
};

FIXTURE_VARIANT(mem) {
	enum kind kind;
};

FIXTURE_VARIANT_ADD(mem, anon) {
	.kind = ANON,
};

FIXTURE_VARIANT_ADD(mem, shared_anon) {
	.kind = SHARED_ANON,
};

FIXTURE_VARIANT_ADD(mem, memfd) {
	.kind = MEMFD,
};

FIXTURE_VARIANT_ADD(mem, hugetlb) {
	.kind = HUGETLB,
};

FIXTURE_VARIANT_ADD(mem, memfd_hugetlb) {
	.kind = MEMFD_HUGE,
};

/* Huge pages for the hugetlb kinds: 4 (8 MiB of the VM's 1 GiB). */
FIXTURE_SETUP(mem)
{
	self->huge_saved = -1;
	if (variant->kind == HUGETLB || variant->kind == MEMFD_HUGE) {
		self->huge_saved = read_long(NR_HUGE);
		ASSERT_LE(0, self->huge_saved);
		if (self->huge_saved < 4)
			ASSERT_EQ(0, write_long(NR_HUGE, 4));
		ASSERT_LE(4, read_long(NR_HUGE));
	}
	self->p = map_kind(variant->kind, MEM_LEN);
	ASSERT_NE(MAP_FAILED, self->p);
}

FIXTURE_TEARDOWN(mem)
{
	if (self->p != MAP_FAILED)
		munmap(self->p, MEM_LEN);
	if (self->huge_saved >= 0 && self->huge_saved < 4)
		write_long(NR_HUGE, self->huge_saved);
}

/* 10^5 blocks from 2 producers into the caller's memory, all verified. */
TEST_F_TIMEOUT(mem, stream, 300)
{
	struct well_dev_tally t = { .producers = PRODUCERS };
	struct well_ring_desc d = { .size = sizeof(d) };
	struct well_dev dev, keep;
	struct well_stats st;

	EXPECT_EQ(0, vm_pin_kb());
	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create_mem(&dev, BS, COUNT, self->p, MEM_LEN));
	EXPECT_EQ(MEM_KB, vm_pin_kb());
	EXPECT_EQ(self->p, dev.geo.mem);
	EXPECT_EQ(self->p, well_dev_block(&dev, 0, 0));
	EXPECT_EQ(WELL_CREATE_USER, dev.desc.flags);
	EXPECT_EQ(MEM_LEN, dev.desc.data_size);
	ASSERT_EQ(0, ioctl(dev.fd, WELL_IOC_INFO, &d));
	EXPECT_EQ(WELL_CREATE_USER, d.flags);
	EXPECT_EQ((uintptr_t)self->p, d.data_addr);
	EXPECT_EQ(MEM_LEN, d.data_size);
	ASSERT_EQ(0, well_dev_start(&dev, PRODUCERS, 0, BLOCKS));
	ASSERT_EQ(0, well_dev_drain(&dev, &t, PRODUCERS * BLOCKS, IDLE_MS));
	expect_all(_metadata, &t, BLOCKS);
	EXPECT_EQ(MEM_KB, vm_pin_kb());
	ASSERT_EQ(0, well_dev_stats(&dev, &st));
	EXPECT_EQ(PRODUCERS * BLOCKS, st.published);
	EXPECT_EQ(0, st.flags & WELL_STATS_BROKEN);
	EXPECT_EQ(0, well_dev_stop(&dev));
	keep = dev;
	well_dev_close(&dev);
	EXPECT_EQ(0, vm_pin_kb());
	/* Still the caller's, mapped: a block the producers wrote. */
	EXPECT_EQ(0, well_dev_check_block(&keep, self->p, &(uint32_t){ 0 },
					  &(uint64_t){ 0 }));
}

/* munmap() while producers run, then close(): pins and VmPin go. */
TEST_F(mem, munmap_running)
{
	struct well_dev dev;

	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create_mem(&dev, BS, COUNT, self->p, MEM_LEN));
	ASSERT_EQ(0, well_dev_start(&dev, PRODUCERS, 0, 0));
	ASSERT_EQ(0, skip_blocks(&dev, 3 * COUNT));
	ASSERT_EQ(0, munmap(self->p, MEM_LEN));
	self->p = MAP_FAILED;
	/* The producers write on into the pinned pages. */
	ASSERT_EQ(0, skip_blocks(&dev, 3 * COUNT));
	EXPECT_EQ(MEM_KB, vm_pin_kb());
	well_dev_close(&dev);
	EXPECT_EQ(0, vm_pin_kb());
}

/* mprotect(PROT_NONE): the kernel fills the ring; the data is intact. */
TEST_F_TIMEOUT(mem, mprotect_none, 300)
{
	struct well_dev_tally t = { .producers = PRODUCERS };
	struct timespec t0, now;
	struct well_stats st;
	struct well_dev dev;

	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create_mem(&dev, BS, COUNT, self->p, MEM_LEN));
	ASSERT_EQ(0, mprotect(self->p, MEM_LEN, PROT_NONE));
	ASSERT_EQ(0, well_dev_start(&dev, PRODUCERS, 0, BLOCKS));
	/* The ring full: every block written while the user could not. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		ASSERT_EQ(0, well_dev_stats(&dev, &st));
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (st.published >= COUNT || now.tv_sec - t0.tv_sec > 60)
			break;
		sched_yield();
	}
	EXPECT_EQ(COUNT, st.published);
	ASSERT_EQ(0, mprotect(self->p, MEM_LEN, PROT_READ | PROT_WRITE));
	ASSERT_EQ(0, well_dev_drain(&dev, &t, PRODUCERS * BLOCKS, IDLE_MS));
	expect_all(_metadata, &t, BLOCKS);
	well_dev_close(&dev);
	EXPECT_EQ(0, vm_pin_kb());
}

/* mremap() to another address: the same pages, pinned, seen there. */
TEST_F_TIMEOUT(mem, mremap_moved, 300)
{
	struct well_dev_tally t = { .producers = PRODUCERS };
	struct well_dev dev;
	void *to;

	if (variant->kind == HUGETLB || variant->kind == MEMFD_HUGE)
		SKIP(return, "mremap of hugetlb: not what this tests");
	to = mmap(NULL, MEM_LEN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		  0);
	ASSERT_NE(MAP_FAILED, to);
	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create_mem(&dev, BS, COUNT, self->p, MEM_LEN));
	ASSERT_EQ(0, well_dev_start(&dev, PRODUCERS, 0, BLOCKS));
	ASSERT_EQ(0, well_dev_drain(&dev, &t, 2 * COUNT, IDLE_MS));
	ASSERT_EQ(to, mremap(self->p, MEM_LEN, MEM_LEN,
			     MREMAP_MAYMOVE | MREMAP_FIXED, to));
	self->p = to;
	/* A test's shortcut: the handle's private geometry follows. */
	dev.geo.mem = to;
	ASSERT_EQ(0, well_dev_drain(&dev, &t, PRODUCERS * BLOCKS, IDLE_MS));
	expect_all(_metadata, &t, BLOCKS);
	EXPECT_EQ(MEM_KB, vm_pin_kb());
	well_dev_close(&dev);
	EXPECT_EQ(0, vm_pin_kb());
}

/*
 * fork(): the child scribbles on its copy and exits while the parent
 * verifies every block. A private page the kernel pinned is copied for
 * the child, so the parent's stay the kernel's. (Shared memory is shared
 * with the child by design: only the private kinds are checked.)
 */
TEST_F_TIMEOUT(mem, fork_child_scribbles, 300)
{
	struct well_dev_tally t = { .producers = PRODUCERS };
	struct well_dev dev;
	int status, i;
	pid_t child;

	if (variant->kind != ANON && variant->kind != HUGETLB)
		SKIP(return, "shared memory is the child's too");
	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create_mem(&dev, BS, COUNT, self->p, MEM_LEN));
	ASSERT_EQ(0, well_dev_start(&dev, PRODUCERS, 0, BLOCKS));
	ASSERT_EQ(0, well_dev_drain(&dev, &t, COUNT / 2, IDLE_MS));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		for (i = 0; i < 20; i++)
			memset(self->p, 0xa5 + i, MEM_LEN);
		_exit(vm_pin_kb() == 0 ? 0 : 1);
	}
	ASSERT_EQ(0, well_dev_drain(&dev, &t, PRODUCERS * BLOCKS, IDLE_MS));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	expect_all(_metadata, &t, BLOCKS);
	EXPECT_EQ(MEM_KB, vm_pin_kb());
	well_dev_close(&dev);
	EXPECT_EQ(0, vm_pin_kb());
}

/* Refusals, each leaving nothing pinned and the file still usable. */
TEST(errors)
{
	const size_t ring = 16 * 4096;
	char *p = map_kind(ANON, 4 * ring), *q;
	struct well_dev dev, other;
	int fd = open("/dev/well", O_RDWR | O_CLOEXEC);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_LE(0, fd);
	/* Unaligned, short, wrong structure or flags: EINVAL. */
	EXPECT_EQ(-EINVAL, try_mem(p + 64, ring, 4096, 16));
	EXPECT_EQ(-EINVAL, try_mem(p, ring - 1, 4096, 16));
	EXPECT_EQ(-EINVAL, create_raw(fd, sizeof(struct well_ring_desc),
				      WELL_CREATE_USER | WELL_CREATE_READ,
				      4096, 16, p, ring));
	EXPECT_EQ(-EINVAL, create_raw(fd, WELL_RING_DESC_SIZE_VER0,
				      WELL_CREATE_USER, 4096, 16, p, ring));
	EXPECT_EQ(-EINVAL, create_raw(fd, sizeof(struct well_ring_desc), 0,
				      4096, 16, p, ring));
	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	EXPECT_EQ(-EINVAL, well_dev_create_flags(&dev, 4096, 16,
						 WELL_CREATE_USER));
	well_dev_close(&dev);
	/* No memory, a hole, a kernel address: EFAULT. */
	EXPECT_EQ(-EFAULT, create_raw(fd, sizeof(struct well_ring_desc),
				      WELL_CREATE_USER, 4096, 16,
				      (void *)4096, ring));
	EXPECT_EQ(-EFAULT, create_raw(fd, sizeof(struct well_ring_desc),
				      WELL_CREATE_USER, 4096, 16,
				      (void *)(-16UL * 4096), ring));
	ASSERT_EQ(0, munmap(p + ring + 4096, 4096));
	EXPECT_EQ(-EFAULT, try_mem(p + ring, ring, 4096, 16));
	/* Not writable: read-only, PROT_NONE: EFAULT. */
	ASSERT_EQ(0, mprotect(p + 2 * ring, ring, PROT_READ));
	EXPECT_EQ(-EFAULT, try_mem(p + 2 * ring, ring, 4096, 16));
	ASSERT_EQ(0, mprotect(p + 2 * ring, ring, PROT_NONE));
	EXPECT_EQ(-EFAULT, try_mem(p + 2 * ring, ring, 4096, 16));
	/* Part good, part not: nothing pinned. */
	EXPECT_EQ(-EFAULT, try_mem(p + ring + 8192, ring, 4096, 16));
	EXPECT_EQ(0, vm_pin_kb());
	/* Another /dev/well ring's data mapping: EOPNOTSUPP. */
	ASSERT_EQ(0, well_dev_open(&other, NULL));
	ASSERT_EQ(0, well_dev_create(&other, 4096, 16));
	EXPECT_EQ(-EOPNOTSUPP, try_mem(other.geo.mem, ring, 4096, 16));
	well_dev_close(&other);
	EXPECT_EQ(0, vm_pin_kb());
	/* After all that, the same file takes a good ring. */
	EXPECT_EQ(0, create_raw(fd, sizeof(struct well_ring_desc),
				WELL_CREATE_USER, 4096, 16, p, ring));
	EXPECT_EQ(ring >> 10, vm_pin_kb());
	close(fd);
	EXPECT_EQ(0, vm_pin_kb());
	/* A length above the ring is fine; the ring's pages are pinned. */
	q = map_kind(ANON, 4 * ring);
	ASSERT_NE(MAP_FAILED, q);
	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create_mem(&dev, 4096, 16, q, 4 * ring - 100));
	EXPECT_EQ(ring, dev.desc.data_size);
	EXPECT_EQ(ring >> 10, vm_pin_kb());
	well_dev_close(&dev);
	munmap(q, 4 * ring);
	munmap(p, 4 * ring);
}

/* A file that is neither shmem nor hugetlbfs: EOPNOTSUPP, on both kernels. */
TEST(file_not_shmem)
{
	const size_t ring = 16 * 4096;
	const char *dir = "/tmp/dev_umem_ramfs";
	void *p;
	int fd;

	mkdir(dir, 0700);
	ASSERT_EQ(0, mount("ramfs", dir, "ramfs", 0, NULL));
	fd = open("/tmp/dev_umem_ramfs/f", O_RDWR | O_CREAT, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, ring));
	p = mmap(NULL, ring, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-EOPNOTSUPP, try_mem(p, ring, 4096, 16));
	munmap(p, ring);
	p = mmap(NULL, ring, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-EOPNOTSUPP, try_mem(p, ring, 4096, 16));
	munmap(p, ring);
	EXPECT_EQ(0, vm_pin_kb());
	close(fd);
	EXPECT_EQ(0, umount(dir));
	rmdir(dir);
}

/* Only page and ctrl are mapped; the data offset, attach: EACCES. */
TEST(no_data_mapping)
{
	const size_t ring = 16 * 4096;
	void *p = map_kind(ANON, ring), *m;
	struct well_dev dev, att;

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create_mem(&dev, 4096, 16, p, ring));
	m = mmap(NULL, ring, PROT_READ | PROT_WRITE, MAP_SHARED, dev.fd,
		 dev.desc.data_off);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EACCES, errno);
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, dev.fd, dev.desc.page_off);
	EXPECT_NE(MAP_FAILED, m);
	munmap(m, 4096);
	EXPECT_EQ(-EACCES, well_dev_attach(&att, dup(dev.fd)));
	well_dev_close(&att);
	EXPECT_EQ(0, well_dev_consume(&dev, &(size_t){ 0 }, 16));
	well_dev_close(&dev);
	/* well_dev_close() left the caller's memory mapped. */
	memset(p, 1, ring);
	munmap(p, ring);
}

/* A CREATE whose reply cannot be written pins nothing. */
TEST(create_efault_pins_nothing)
{
	const size_t ring = 16 * 4096;
	void *p = map_kind(ANON, ring);
	struct well_ring_desc *ro;
	int fd = open("/dev/well", O_RDWR | O_CLOEXEC);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_LE(0, fd);
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	*ro = (struct well_ring_desc){
		.size = sizeof(*ro), .flags = WELL_CREATE_USER,
		.blk_size = 4096, .blk_count = 16, .data_size = ring,
		.data_addr = (uintptr_t)p,
	};
	ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_CREATE, ro));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, vm_pin_kb());
	EXPECT_EQ(0, create_raw(fd, sizeof(*ro), WELL_CREATE_USER, 4096, 16,
				p, ring));
	EXPECT_EQ(ring >> 10, vm_pin_kb());
	close(fd);
	EXPECT_EQ(0, vm_pin_kb());
	munmap(ro, 4096);
	munmap(p, ring);
}

/*
 * max_ring_kib bounds a user-memory ring too (E2BIG); max_total_kib, the
 * module's own memory, does not count it.
 */
TEST(module_limits)
{
	long ring_kib = read_long(PARAM "max_ring_kib");
	long total_kib = read_long(PARAM "max_total_kib");
	void *p = map_kind(ANON, MEM_LEN);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_LT(0, ring_kib);
	ASSERT_LT(0, total_kib);
	ASSERT_EQ(0, write_long(PARAM "max_ring_kib", MEM_KB / 2));
	EXPECT_EQ(-E2BIG, try_mem(p, MEM_LEN, BS, COUNT));
	EXPECT_EQ(0, try_mem(p, MEM_LEN / 2, BS, COUNT / 2));
	ASSERT_EQ(0, write_long(PARAM "max_ring_kib", ring_kib));
	ASSERT_EQ(0, write_long(PARAM "max_total_kib", MEM_KB / 2));
	EXPECT_EQ(0, try_mem(p, MEM_LEN, BS, COUNT));
	ASSERT_EQ(0, write_long(PARAM "max_total_kib", total_kib));
	EXPECT_EQ(0, vm_pin_kb());
	munmap(p, MEM_LEN);
}

/* Three rings of @ring bytes at @p, on files opened before; see below. */
static int memlock_steps(int fd[3], char *p, size_t ring)
{
	struct rlimit rl = { .rlim_cur = ring - 4096, .rlim_max = ring };

	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 20;
	/* Below the ring: ENOMEM, nothing left. */
	if (create_raw(fd[0], sizeof(struct well_ring_desc),
		       WELL_CREATE_USER, 4096, ring / 4096, p, ring) != -ENOMEM)
		return 21;
	if (vm_pin_kb() != 0)
		return 22;
	/* At it: the same file takes it. */
	rl.rlim_cur = ring;
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 23;
	if (create_raw(fd[0], sizeof(struct well_ring_desc),
		       WELL_CREATE_USER, 4096, ring / 4096, p, ring))
		return 24;
	if (vm_pin_kb() != (long)(ring >> 10))
		return 25;
	/* A second ring of the same user: over the limit. */
	if (create_raw(fd[1], sizeof(struct well_ring_desc),
		       WELL_CREATE_USER, 4096, ring / 4096, p + ring,
		       ring) != -ENOMEM)
		return 26;
	/* The first one closed, its charge is back: the second fits. */
	close(fd[0]);
	if (vm_pin_kb() != 0)
		return 27;
	if (create_raw(fd[1], sizeof(struct well_ring_desc),
		       WELL_CREATE_USER, 4096, ring / 4096, p + ring, ring))
		return 28;
	close(fd[1]);
	if (create_raw(fd[2], sizeof(struct well_ring_desc),
		       WELL_CREATE_USER, 4096, ring / 4096, p, ring))
		return 29;
	close(fd[2]);
	return vm_pin_kb() == 0 ? 0 : 30;
}

static int open3(int fd[3])
{
	int i;

	for (i = 0; i < 3; i++) {
		fd[i] = open("/dev/well", O_RDWR | O_CLOEXEC);
		if (fd[i] < 0)
			return -errno;
	}
	return 0;
}

/* RLIMIT_MEMLOCK of an ordinary user (no CAP_IPC_LOCK), files root opened. */
TEST(memlock_user)
{
	const size_t ring = 16 * 4096;
	char *p = map_kind(ANON, 2 * ring);
	int fd[3], status;
	pid_t child;

	ASSERT_NE(MAP_FAILED, p);
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		struct rlimit rl = { .rlim_cur = ring, .rlim_max = ring };

		/* Opened as root, the child's alone: its close() releases. */
		status_fd = open("/proc/self/status", O_RDONLY);
		if (status_fd < 0 || open3(fd) ||
		    setrlimit(RLIMIT_MEMLOCK, &rl) ||
		    setresuid(4242, 4242, 4242))
			_exit(10);
		_exit(memlock_steps(fd, p, ring));
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Drop CAP_IPC_LOCK from the effective set (raw capget/capset). */
static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[CAP_IPC_LOCK / 32].effective &= ~(1U << (CAP_IPC_LOCK % 32));
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

/* Root: CAP_IPC_LOCK ignores the limit; without it, root is limited too. */
TEST(memlock_cap)
{
	const size_t ring = 16 * 4096;
	struct rlimit rl = { .rlim_cur = 0, .rlim_max = ring };
	char *p = map_kind(ANON, 2 * ring);
	int fd[3];

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl));
	EXPECT_EQ(0, try_mem(p, ring, 4096, 16));
	ASSERT_EQ(0, open3(fd));
	ASSERT_EQ(0, drop_ipc_lock());
	EXPECT_EQ(-ENOMEM, try_mem(p, ring, 4096, 16));
	EXPECT_EQ(0, memlock_steps(fd, p, ring));
}

/* One short ring for scripts/vm/leak.sh's cycles: 0 when all went well. */
static int cycle(void)
{
	struct well_dev_tally t = { .producers = PRODUCERS };
	const size_t len = 4 << 20;
	struct well_dev dev;
	void *p = map_kind(ANON, len);
	int err;

	if (p == MAP_FAILED || well_dev_open(&dev, NULL))
		return 1;
	err = well_dev_create_mem(&dev, 4096, len / 4096, p, len);
	if (!err)
		err = well_dev_start(&dev, PRODUCERS, 0, 1000);
	if (!err)
		err = well_dev_drain(&dev, &t, PRODUCERS * 1000, IDLE_MS);
	well_dev_close(&dev);
	munmap(p, len);
	if (err || t.bad_csum || t.bad_seq || vm_pin_kb()) {
		fprintf(stderr, "dev_umem --cycle: %s, %llu bad\n",
			strerror(-err),
			(unsigned long long)(t.bad_csum + t.bad_seq));
		return 1;
	}
	return 0;
}

/* TEST_HARNESS_MAIN's order fix-up, with a main() that knows --cycle. */
static void __attribute__((constructor)) __constructor_order_last(void)
{
	if (!__constructor_order)
		__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--cycle"))
		return cycle();
	return test_harness_run(argc, argv);
}
