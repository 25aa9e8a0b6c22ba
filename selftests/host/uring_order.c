// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * io_uring layer: completions out of order, releases in order. The first
 * of three reservations reads from a pipe that holds no data yet, the two
 * after it from a file: those finish first, yet nothing reaches rx until
 * the pipe read (resumed after a short read) finishes; then all three land
 * in reservation order. WELL_URING_KEEP hands a request's blocks to the
 * caller, and later ones wait for the caller's release.
 */
#include "kselftest_harness.h"
#include "uring_test.h"

#define BS	4096
#define COUNT	16

FIXTURE(order) {
	struct well w;
	void *mem;
	struct io_uring ring;
	struct well_uring u;
	unsigned char *src;
	int file, pipe[2];
	size_t done_pos[8], rel_pos[8];
	int done_err[8];
	unsigned int ndone, nrel, keep_pos;
	int skip;
};

static int record_complete(struct well_uring *u, struct well_uring_io *io)
{
	FIXTURE_DATA(order) *self = u->arg;

	self->done_pos[self->ndone] = io->pos;
	self->done_err[self->ndone++] = io->error;
	return io->pos == self->keep_pos ? WELL_URING_KEEP : 0;
}

static int record_release(struct well_uring *u, const struct well_uring_io *io)
{
	FIXTURE_DATA(order) *self = u->arg;

	if (!well_release_multi(io->to, io->count, io->pos))
		return -EAGAIN;
	self->rel_pos[self->nrel++] = io->pos;
	return 0;
}

FIXTURE_SETUP(order)
{
	size_t pos;
	int ret;

	self->skip = 0;
	self->ndone = self->nrel = 0;
	self->keep_pos = (unsigned int)-1;
	ASSERT_EQ(0, well_params(BS, COUNT, &self->w));
	self->mem = aligned_alloc(4096, well_size(&self->w));
	ASSERT_NE(NULL, self->mem);
	ASSERT_EQ(0, well_init(&self->w, self->mem));
	/* Move the ring to position 13, so a 3-block reservation at 15 wraps. */
	ASSERT_EQ(13, well_reserve(&self->w.tx, &pos, 13));
	well_release_single(&self->w.rx, 13);
	ASSERT_EQ(13, well_reserve(&self->w.rx, &pos, 13));
	well_release_single(&self->w.tx, 13);

	self->src = malloc(64 * BS);
	ASSERT_NE(NULL, self->src);
	ut_fill(self->src, 64 * BS, 0x5eed0003);
	self->file = ut_tmpfile(self->src, 64 * BS);
	ASSERT_LE(0, self->file);
	ASSERT_EQ(0, pipe(self->pipe));
	ret = io_uring_queue_init(32, &self->ring, 0);
	if (ut_no_uring(ret)) {
		self->skip = ret;
		return;
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, well_uring_init(&self->u, &self->ring, &self->w, 8, 0));
	self->u.complete = record_complete;
	self->u.release = record_release;
	self->u.arg = self;
	ASSERT_EQ(0, well_uring_register(&self->u));
	ASSERT_EQ(1, self->u.fixed);
}

FIXTURE_TEARDOWN(order)
{
	if (!self->skip) {
		well_uring_exit(&self->u);
		io_uring_queue_exit(&self->ring);
	}
	close(self->pipe[0]);
	close(self->pipe[1]);
	close(self->file);
	free(self->src);
	free(self->mem);
}

/* Reserve @n blocks from tx and queue a read of them from @fd at @off. */
static size_t queue_read(struct __test_metadata *_metadata,
			 FIXTURE_DATA(order) *self, size_t n, int fd,
			 uint64_t off)
{
	struct well_uring_io io = { .to = &self->w.rx, .fd = fd,
				    .op = WELL_URING_READ, .off = off };

	EXPECT_EQ(n, well_reserve(&self->w.tx, &io.pos, n));
	io.count = n;
	EXPECT_EQ(0, well_uring_prep(&self->u, &io));
	return io.pos;
}

/* Run until @n requests reported (each run waits for one CQE at least). */
static void run_until(struct __test_metadata *_metadata,
		      FIXTURE_DATA(order) *self, unsigned int n)
{
	while (self->ndone < n)
		ASSERT_LE(0, well_uring_run(&self->u, 1));
}

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t r;

	while (len) {
		r = write(fd, p, len);
		if (r <= 0)
			return;
		p += r;
		len -= (size_t)r;
	}
}

TEST_F(order, later_reads_finish_first_releases_in_order)
{
	size_t a, b, c, i;

	if (self->skip)
		SKIP(return, "io_uring unavailable: %s", strerror(-self->skip));
	a = queue_read(_metadata, self, 2, self->pipe[0], 0);
	b = queue_read(_metadata, self, 3, self->file, 4 * BS);
	c = queue_read(_metadata, self, 4, self->file, 20 * BS);
	ASSERT_EQ(13, a);
	ASSERT_EQ(15, b);	/* 15 | 16, 17: two spans */
	ASSERT_EQ(18, c);
	ASSERT_EQ(3, self->u.inflight);

	/* b and c finish; the pipe holds nothing, so a cannot. */
	run_until(_metadata, self, 2);
	ASSERT_EQ(2, self->ndone);
	EXPECT_EQ(b, self->done_pos[0]);
	EXPECT_EQ(c, self->done_pos[1]);
	EXPECT_EQ(0, self->nrel);
	EXPECT_EQ(2, self->u.waiting);
	EXPECT_EQ(0, well_peek(&self->w.rx));

	/* 5000 bytes: a's read comes back short and is resumed. */
	write_all(self->pipe[1], self->src + 40 * BS, 5000);
	ASSERT_EQ(1, well_uring_run(&self->u, 1));
	EXPECT_EQ(2, self->ndone);
	EXPECT_EQ(1, self->u.inflight);
	EXPECT_EQ(0, well_peek(&self->w.rx));

	write_all(self->pipe[1], self->src + 40 * BS + 5000, 2 * BS - 5000);
	run_until(_metadata, self, 3);
	EXPECT_EQ(a, self->done_pos[2]);
	EXPECT_EQ(0, self->done_err[0] | self->done_err[1] | self->done_err[2]);
	ASSERT_EQ(3, self->nrel);
	EXPECT_EQ(a, self->rel_pos[0]);
	EXPECT_EQ(b, self->rel_pos[1]);
	EXPECT_EQ(c, self->rel_pos[2]);
	EXPECT_EQ(0, self->u.inflight);
	EXPECT_EQ(0, self->u.waiting);
	EXPECT_EQ(9, well_peek(&self->w.rx));

	/* Every byte where it belongs, the wrapped span included. */
	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, memcmp(well_access(a, i, &self->w),
				    self->src + (40 + i) * BS, BS));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, memcmp(well_access(b, i, &self->w),
				    self->src + (4 + i) * BS, BS));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, memcmp(well_access(c, i, &self->w),
				    self->src + (20 + i) * BS, BS));
}

TEST_F(order, kept_blocks_hold_later_releases)
{
	size_t a, b, c;

	if (self->skip)
		SKIP(return, "io_uring unavailable: %s", strerror(-self->skip));
	a = queue_read(_metadata, self, 2, self->file, 0);
	b = queue_read(_metadata, self, 3, self->file, 2 * BS);
	c = queue_read(_metadata, self, 4, self->file, 5 * BS);
	self->keep_pos = (unsigned int)b;
	run_until(_metadata, self, 3);
	while (self->u.inflight)
		ASSERT_LE(0, well_uring_run(&self->u, 1));
	/* a landed, b is the caller's, c waits for b. */
	ASSERT_EQ(1, self->nrel);
	EXPECT_EQ(a, self->rel_pos[0]);
	EXPECT_EQ(1, self->u.waiting);
	EXPECT_EQ(2, well_peek(&self->w.rx));
	EXPECT_EQ(0, well_uring_flush(&self->u));

	EXPECT_EQ(3, well_release_multi(&self->w.rx, 3, b));
	EXPECT_EQ(4, well_uring_flush(&self->u));
	EXPECT_EQ(c, self->rel_pos[1]);
	EXPECT_EQ(0, self->u.waiting);
	EXPECT_EQ(9, well_peek(&self->w.rx));
}

TEST_HARNESS_MAIN
