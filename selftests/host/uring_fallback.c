// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * io_uring layer: the fallback. When the kernel refuses to register the
 * block memory, well_uring_register() says why and the context moves the
 * same bytes with unregistered requests: file -> ring -> consumer threads
 * -> file, compared byte for byte, for
 *   - a ring in a shared mapping of a regular file (long-term pins of
 *     file pages that need dirty tracking are refused: -EFAULT or
 *     -EOPNOTSUPP, as /dev/well's own mapping is on 6.1);
 *   - RLIMIT_MEMLOCK too small for the ring, without CAP_IPC_LOCK
 *     (-ENOMEM); the harness runs each test in a child of its own, so the
 *     lowered limit and the dropped root stay there.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/vfs.h>
#include "kselftest_harness.h"
#include "uring_test.h"

#define BS	4096
#define COUNT	64
#define BYTES	(4 << 20)
#define TMPFS_MAGIC	0x01021994

FIXTURE(fallback) {
	struct well w;
	unsigned char *src;
	int in, out;
};

FIXTURE_SETUP(fallback)
{
	ASSERT_EQ(0, well_params(BS, COUNT, &self->w));
	self->src = malloc(BYTES);
	ASSERT_NE(NULL, self->src);
	ut_fill(self->src, BYTES, 0x5eed0005);
	self->in = ut_tmpfile(self->src, BYTES);
	ASSERT_LE(0, self->in);
	self->out = ut_tmpfile(NULL, 0);
	ASSERT_LE(0, self->out);
}

FIXTURE_TEARDOWN(fallback)
{
	close(self->in);
	close(self->out);
	free(self->src);
}

static void copy_unregistered(struct __test_metadata *_metadata,
			      FIXTURE_DATA(fallback) *self, int want1,
			      int want2)
{
	struct ut_copy cp = {
		.w = &self->w, .in = self->in, .out = self->out,
		.blocks = BYTES / BS, .consumers = 3, .reg = 1, .seed = 5,
	};
	int ret = ut_copy(&cp);

	if (ut_no_uring(ret))
		SKIP(return, "io_uring unavailable: %s", strerror(-ret));
	ASSERT_EQ(0, ret);
	EXPECT_TRUE(cp.reg_ret == want1 || cp.reg_ret == want2) {
		TH_LOG("well_uring_register: %d (%s)", cp.reg_ret,
		       strerror(-cp.reg_ret));
	}
	ASSERT_EQ(0, atomic_load(&cp.err.err)) {
		TH_LOG("request at pos %zu: %s", atomic_load(&cp.err.where),
		       strerror(-atomic_load(&cp.err.err)));
	}
	EXPECT_EQ(COUNT, well_peek(&self->w.tx));
	EXPECT_EQ(-1, ut_compare(self->out, self->src, BYTES));
}

TEST_F(fallback, file_mapping_is_refused)
{
	char path[] = "/var/tmp/well-uring-map-XXXXXX";
	size_t size = well_size(&self->w);
	struct statfs sf;
	void *mem;
	int fd;

	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	unlink(path);
	ASSERT_EQ(0, fstatfs(fd, &sf));
	if (sf.f_type == TMPFS_MAGIC) {
		close(fd);
		SKIP(return, "/var/tmp is tmpfs: shmem pages register");
	}
	ASSERT_EQ(0, ftruncate(fd, (off_t)size));
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, well_init(&self->w, mem));
	copy_unregistered(_metadata, self, -EFAULT, -EOPNOTSUPP);
	munmap(mem, size);
}

TEST_F(fallback, memlock_limit)
{
	/* The rings fit (a few pages each), the 256 KiB of blocks do not. */
	struct rlimit rl = { 128 << 10, 128 << 10 };
	void *mem = aligned_alloc(4096, well_size(&self->w));

	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl));
	/* Root has CAP_IPC_LOCK, which lifts the limit: become nobody. */
	if (geteuid() == 0 && setresuid(65534, 65534, 65534)) {
		free(mem);
		SKIP(return, "cannot drop root: %s", strerror(errno));
	}
	ASSERT_EQ(0, well_init(&self->w, mem));
	copy_unregistered(_metadata, self, -ENOMEM, -ENOMEM);
	free(mem);
}

TEST_HARNESS_MAIN
