// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * uring_dev - the io_uring layer on a /dev/well ring: kernel producers
 * fill the ring, the blocks are written to a file straight from the ring
 * memory with well_uring (WRITE_FIXED where the data mapping registers,
 * plain WRITE where it does not) and given back to the kernel in
 * consumption order; the file is then read back and every block checked
 * (each producer's sequence complete and in order, checksums right).
 * Registering the module's own mapping is refused on 6.1 (-EOPNOTSUPP)
 * and accepted from about 6.5 (6.12 tested): both are asserted. A ring in
 * the caller's anonymous memory (WELL_CREATE_USER) registers on every
 * kernel, 6.1 included: the way to fixed buffers where the module's
 * mapping falls back.
 * Needs well.ko loaded (run inside the VM).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <liburing.h>
#include "kselftest_harness.h"
#include "dev_verify.h"
#include <well/uring.h>

#define BS		4096
#define COUNT		64
#define PRODUCERS	2
#define BLOCKS		4000	/* per producer: 125 laps, 32 MiB */

/* Does this kernel take /dev/well's own mapping as a fixed buffer? */
static int mapping_registers(void)
{
	struct utsname un;
	int major = 0, minor = 0;

	uname(&un);
	sscanf(un.release, "%d.%d", &major, &minor);
	return major > 6 || (major == 6 && minor >= 5);
}

static int dev_release(struct well_uring *u, const struct well_uring_io *io)
{
	return well_dev_release(u->arg, io->pos, io->count);
}

static int failures;

static int dev_complete(struct well_uring *u, struct well_uring_io *io)
{
	if (io->error || io->done != io->count * BS)
		failures++;
	return 0;
}

FIXTURE(dev) {
	struct well_dev dev;
	struct io_uring ring;
	void *mem;
	int out;
	int skip;
};

FIXTURE_VARIANT(dev) {
	int reg;
	int user_mem;	/* the ring in the caller's anonymous memory */
};

FIXTURE_VARIANT_ADD(dev, registered_where_allowed) {
	.reg = 1,
};

FIXTURE_VARIANT_ADD(dev, unregistered) {
	.reg = 0,
};

FIXTURE_VARIANT_ADD(dev, user_memory_registered) {
	.reg = 1,
	.user_mem = 1,
};

FIXTURE_SETUP(dev)
{
	int ret;

	self->out = memfd_create("uring_dev", 0);
	ASSERT_LE(0, self->out);
	ASSERT_EQ(0, well_dev_open(&self->dev, NULL));
	self->mem = MAP_FAILED;
	if (variant->user_mem) {
		self->mem = mmap(NULL, BS * COUNT, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, self->mem);
		ASSERT_EQ(0, well_dev_create_mem(&self->dev, BS, COUNT,
						 self->mem, BS * COUNT));
	} else {
		ASSERT_EQ(0, well_dev_create(&self->dev, BS, COUNT));
	}
	ret = io_uring_queue_init(32, &self->ring, 0);
	self->skip = ret;
	if (ret != -ENOSYS && ret != -EPERM)
		ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(dev)
{
	if (!self->skip)
		io_uring_queue_exit(&self->ring);
	well_dev_close(&self->dev);
	if (self->mem != MAP_FAILED)
		munmap(self->mem, BS * COUNT);
	close(self->out);
}

TEST_F_TIMEOUT(dev, record_to_file, 600)
{
	struct well_dev_tally t = { .producers = PRODUCERS };
	uint64_t total = (uint64_t)PRODUCERS * BLOCKS, consumed = 0, i;
	struct well_uring_io io = { .to = &self->dev.ring->tx, .fd = self->out,
				    .op = WELL_URING_WRITE };
	struct well_uring u;
	unsigned char *blk;
	size_t n, pos;
	int ret;

	if (self->skip)
		SKIP(return, "io_uring unavailable: %s", strerror(-self->skip));
	ASSERT_EQ(0, well_uring_init(&u, &self->ring, &self->dev.geo, 8, 0));
	u.release = dev_release;
	u.complete = dev_complete;
	u.arg = &self->dev;
	if (variant->reg) {
		ret = well_uring_register(&u);
		if (variant->user_mem || mapping_registers()) {
			EXPECT_EQ(0, ret);
			EXPECT_EQ(1, u.fixed);
		} else {
			EXPECT_EQ(-EOPNOTSUPP, ret);
			EXPECT_EQ(0, u.fixed);
		}
		TH_LOG("%s: %s", variant->user_mem ? "caller's memory" :
		       "/dev/well mapping", ret ? strerror(-ret) :
		       "registered as fixed buffer 0");
	}
	ASSERT_EQ(0, well_dev_start(&self->dev, PRODUCERS, 0, BLOCKS));
	while (consumed < total) {
		n = 0;
		if (u.inflight + u.waiting < u.depth)
			n = well_dev_consume(&self->dev, &pos, 16);
		if (n) {
			io.pos = pos;
			io.count = n;
			io.off = consumed * BS;
			ASSERT_EQ(0, well_uring_prep(&u, &io));
			consumed += n;
		}
		ASSERT_LE(0, well_uring_run(&u, !n && u.inflight ? 1 : 0));
		if (!n && !u.inflight && !u.waiting)
			ASSERT_LE(0, well_dev_wait(&self->dev, 1000));
	}
	while (u.inflight || u.waiting) {
		ASSERT_LE(0, well_uring_run(&u, u.inflight ? 1 : 0));
		well_uring_flush(&u);
	}
	well_uring_exit(&u);
	EXPECT_EQ(0, failures);
	EXPECT_EQ(0, well_dev_stop(&self->dev));

	/* The file holds every block, whole, in consumption order. */
	EXPECT_EQ((off_t)(total * BS), lseek(self->out, 0, SEEK_END));
	blk = malloc(BS);
	ASSERT_NE(NULL, blk);
	for (i = 0; i < total; i++) {
		ASSERT_EQ(BS, pread(self->out, blk, BS, (off_t)(i * BS)));
		well_dev_tally(&self->dev, &t, blk);
	}
	free(blk);
	EXPECT_EQ(total, t.blocks);
	EXPECT_EQ(0, t.bad_csum);
	EXPECT_EQ(0, t.bad_seq);
	for (i = 0; i < PRODUCERS; i++)
		EXPECT_EQ(BLOCKS, t.next[i]);
}

TEST_HARNESS_MAIN
