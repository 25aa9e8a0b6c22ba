// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * io_uring layer: failures are reported with the blocks they concern.
 * A closed fd (EBADF) between two good requests, a send on a socket whose
 * peer is gone (EPIPE), a receive that meets a closed peer and a read that
 * meets end of file part way (ENODATA, with the bytes that did arrive),
 * sends queued behind a failed one on the same socket (ECANCELED):
 * each request reports once, with its pos and count; every block is
 * released exactly once, in reservation order; nothing is lost.
 */
#include <sys/socket.h>
#include "kselftest_harness.h"
#include "uring_test.h"

#define BS	4096
#define COUNT	8

FIXTURE(err) {
	struct well w;
	void *mem;
	struct io_uring ring;
	struct well_uring u;
	unsigned char *src;
	int file;
	struct well_uring_io done[8];
	size_t rel_pos[8], rel_count[8];
	unsigned int ndone, nrel;
	int skip;
};

static int record_complete(struct well_uring *u, struct well_uring_io *io)
{
	FIXTURE_DATA(err) *self = u->arg;

	self->done[self->ndone++ & 7] = *io;
	return 0;
}

static int record_release(struct well_uring *u, const struct well_uring_io *io)
{
	FIXTURE_DATA(err) *self = u->arg;

	if (!well_release_multi(io->to, io->count, io->pos))
		return -EAGAIN;
	self->rel_pos[self->nrel & 7] = io->pos;
	self->rel_count[self->nrel++ & 7] = io->count;
	return 0;
}

FIXTURE_SETUP(err)
{
	size_t pos;
	int ret;

	self->skip = 0;
	self->ndone = self->nrel = 0;
	ASSERT_EQ(0, well_params(BS, COUNT, &self->w));
	self->mem = aligned_alloc(4096, well_size(&self->w));
	ASSERT_NE(NULL, self->mem);
	ASSERT_EQ(0, well_init(&self->w, self->mem));
	/* Start at position 6: a 4-block reservation wraps. */
	ASSERT_EQ(6, well_reserve(&self->w.tx, &pos, 6));
	well_release_single(&self->w.rx, 6);
	ASSERT_EQ(6, well_reserve(&self->w.rx, &pos, 6));
	well_release_single(&self->w.tx, 6);
	self->src = malloc(16 * BS);
	ASSERT_NE(NULL, self->src);
	ut_fill(self->src, 16 * BS, 0x5eed0004);
	self->file = ut_tmpfile(self->src, 16 * BS);
	ASSERT_LE(0, self->file);
	ret = io_uring_queue_init(16, &self->ring, 0);
	if (ut_no_uring(ret)) {
		self->skip = ret;
		return;
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, well_uring_init(&self->u, &self->ring, &self->w, 4, 0));
	self->u.complete = record_complete;
	self->u.release = record_release;
	self->u.arg = self;
	ASSERT_EQ(0, well_uring_register(&self->u));
}

FIXTURE_TEARDOWN(err)
{
	if (!self->skip) {
		well_uring_exit(&self->u);
		io_uring_queue_exit(&self->ring);
	}
	close(self->file);
	free(self->src);
	free(self->mem);
}

/* Reserve @n blocks from @from and queue @op on @fd for them. */
static size_t queue(struct __test_metadata *_metadata, FIXTURE_DATA(err) *self,
		    struct well_side *from, struct well_side *to, size_t n,
		    int fd, unsigned int op, uint64_t off)
{
	struct well_uring_io io = { .to = to, .fd = fd, .op = op, .off = off,
				    .count = n };

	EXPECT_EQ(n, well_reserve(from, &io.pos, n));
	EXPECT_EQ(0, well_uring_prep(&self->u, &io));
	return io.pos;
}

static void drain(struct __test_metadata *_metadata, FIXTURE_DATA(err) *self)
{
	while (self->u.inflight)
		ASSERT_LE(0, well_uring_run(&self->u, 1));
	EXPECT_EQ(0, self->u.waiting);
}

TEST_F(err, bad_fd_between_good_requests)
{
	struct well_side *tx = &self->w.tx, *rx = &self->w.rx;
	int bad = dup(self->file);
	size_t a, b, c;
	unsigned int i;

	if (self->skip)
		SKIP(return, "io_uring unavailable: %s", strerror(-self->skip));
	ASSERT_LE(0, bad);
	close(bad);	/* a number that names no open file */
	a = queue(_metadata, self, tx, rx, 1, self->file, WELL_URING_READ, 0);
	b = queue(_metadata, self, tx, rx, 4, bad, WELL_URING_READ, 0);
	c = queue(_metadata, self, tx, rx, 2, self->file, WELL_URING_READ, BS);
	ASSERT_EQ(6, a);
	ASSERT_EQ(7, b);	/* 7 | 0, 1, 2 */
	drain(_metadata, self);

	ASSERT_EQ(3, self->ndone);
	for (i = 0; i < 3; i++) {
		struct well_uring_io *io = &self->done[i];

		if (io->pos == b) {
			EXPECT_EQ(4, io->count);
			EXPECT_EQ(-EBADF, io->error);
			EXPECT_EQ(0, io->done);
		} else {
			EXPECT_EQ(0, io->error);
			EXPECT_EQ(io->count * BS, io->done);
		}
	}
	/* Released once each, in order: all 7 blocks in rx, none twice. */
	ASSERT_EQ(3, self->nrel);
	EXPECT_EQ(a, self->rel_pos[0]);
	EXPECT_EQ(b, self->rel_pos[1]);
	EXPECT_EQ(c, self->rel_pos[2]);
	EXPECT_EQ(4, self->rel_count[1]);
	EXPECT_EQ(7, well_peek(rx));
	EXPECT_EQ(1, well_peek(tx));
	EXPECT_EQ(0, memcmp(well_access(a, 0, &self->w), self->src, BS));
	EXPECT_EQ(0, memcmp(well_access(c, 0, &self->w), self->src + BS, 2 * BS));
}

TEST_F(err, send_to_closed_peer)
{
	struct well_side *tx = &self->w.tx, *rx = &self->w.rx;
	size_t pos;
	int sv[2];

	if (self->skip)
		SKIP(return, "io_uring unavailable: %s", strerror(-self->skip));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	close(sv[1]);
	/* Blocks a producer filled: reserve from rx, send, back into tx. */
	ASSERT_EQ(5, well_reserve(tx, &pos, 5));
	well_release_single(rx, 5);
	pos = queue(_metadata, self, rx, tx, 5, sv[0], WELL_URING_SEND, 0);
	drain(_metadata, self);
	close(sv[0]);
	ASSERT_EQ(1, self->ndone);
	EXPECT_EQ(pos, self->done[0].pos);
	EXPECT_EQ(5, self->done[0].count);
	EXPECT_EQ(-EPIPE, self->done[0].error);
	EXPECT_EQ(0, self->done[0].done);
	ASSERT_EQ(1, self->nrel);
	EXPECT_EQ(COUNT, well_peek(tx));
	EXPECT_EQ(0, well_peek(rx));
}

TEST_F(err, requests_queued_behind_a_failed_send)
{
	struct well_side *tx = &self->w.tx, *rx = &self->w.rx;
	size_t pos[3];
	unsigned int i;
	int sv[2];

	if (self->skip)
		SKIP(return, "io_uring unavailable: %s", strerror(-self->skip));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	close(sv[1]);
	ASSERT_EQ(6, well_reserve(tx, &pos[0], 6));
	well_release_single(rx, 6);
	/* One stream: the first goes, the others wait behind it. */
	pos[0] = queue(_metadata, self, rx, tx, 1, sv[0], WELL_URING_SEND, 0);
	pos[1] = queue(_metadata, self, rx, tx, 3, sv[0], WELL_URING_SEND, 0);
	pos[2] = queue(_metadata, self, rx, tx, 2, sv[0], WELL_URING_SEND, 0);
	EXPECT_EQ(3, self->u.inflight);
	drain(_metadata, self);
	close(sv[0]);
	ASSERT_EQ(3, self->ndone);
	EXPECT_EQ(-EPIPE, self->done[0].error);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(pos[i], self->done[i].pos);
		EXPECT_EQ(0, self->done[i].done);
		if (i)
			EXPECT_EQ(-ECANCELED, self->done[i].error);
		EXPECT_EQ(pos[i], self->rel_pos[i]);
	}
	ASSERT_EQ(3, self->nrel);
	EXPECT_EQ(COUNT, well_peek(tx));
	EXPECT_EQ(0, well_peek(rx));
}

TEST_F(err, recv_meets_closed_peer_part_way)
{
	struct well_side *tx = &self->w.tx, *rx = &self->w.rx;
	int sv[2];

	if (self->skip)
		SKIP(return, "io_uring unavailable: %s", strerror(-self->skip));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(BS + BS / 2, write(sv[1], self->src, BS + BS / 2));
	close(sv[1]);
	queue(_metadata, self, tx, rx, 3, sv[0], WELL_URING_RECV, 0);
	drain(_metadata, self);
	close(sv[0]);
	ASSERT_EQ(1, self->ndone);
	EXPECT_EQ(6, self->done[0].pos);
	EXPECT_EQ(3, self->done[0].count);
	EXPECT_EQ(-ENODATA, self->done[0].error);
	EXPECT_EQ(BS + BS / 2, self->done[0].done);
	/* The bytes that came, across the wrap (6, 7 | 0). */
	EXPECT_EQ(0, memcmp(well_access(6, 0, &self->w), self->src, BS));
	EXPECT_EQ(0, memcmp(well_access(6, 1, &self->w), self->src + BS, BS / 2));
	EXPECT_EQ(3, well_peek(rx));
}

TEST_F(err, read_meets_end_of_file)
{
	struct well_side *tx = &self->w.tx, *rx = &self->w.rx;

	if (self->skip)
		SKIP(return, "io_uring unavailable: %s", strerror(-self->skip));
	/* 4 blocks from 13.5 blocks before the end: 2.5 blocks exist. */
	queue(_metadata, self, tx, rx, 4, self->file, WELL_URING_READ,
	      13 * BS + BS / 2);
	drain(_metadata, self);
	ASSERT_EQ(1, self->ndone);
	EXPECT_EQ(-ENODATA, self->done[0].error);
	EXPECT_EQ(2 * BS + BS / 2, self->done[0].done);
	/* Blocks 6, 7 | 0: compared on each side of the wrap. */
	EXPECT_EQ(0, memcmp(well_access(6, 0, &self->w),
			    self->src + 13 * BS + BS / 2, 2 * BS));
	EXPECT_EQ(0, memcmp(well_access(6, 2, &self->w),
			    self->src + 15 * BS + BS / 2, BS / 2));
	EXPECT_EQ(4, well_peek(rx));
}

/* The SQE queued last (its memory stays as it was after the submit). */
static const struct io_uring_sqe *last_sqe(struct io_uring *ring)
{
	return &ring->sq.sqes[(ring->sq.sqe_tail - 1) & ring->sq.ring_mask];
}

/*
 * WELL_URING_ASYNC and @u->async: READ and WRITE SQEs carry IOSQE_ASYNC
 * exactly while it is set, and still move the same bytes; an unknown
 * flag is refused.
 */
TEST_F(err, async_flag)
{
	struct well_side *tx = &self->w.tx, *rx = &self->w.rx;
	struct well_uring u2;

	if (self->skip)
		SKIP(return, "io_uring unavailable: %s", strerror(-self->skip));
	EXPECT_EQ(-EINVAL, well_uring_init(&u2, &self->ring, &self->w, 4,
					   0x4u));
	ASSERT_EQ(0, well_uring_init(&u2, &self->ring, &self->w, 4,
				     WELL_URING_ASYNC));
	EXPECT_EQ(1, u2.async);
	well_uring_exit(&u2);
	EXPECT_EQ(0, self->u.async);

	self->u.async = 1;
	/* 4 blocks from block 2 of the file: they wrap in the ring (6, 7 | 0, 1). */
	queue(_metadata, self, tx, rx, 4, self->file, WELL_URING_READ, 2 * BS);
	EXPECT_EQ(IOSQE_ASYNC, last_sqe(&self->ring)->flags & IOSQE_ASYNC);
	drain(_metadata, self);
	ASSERT_EQ(1, self->ndone);
	EXPECT_EQ(0, self->done[0].error);
	EXPECT_EQ(4 * BS, self->done[0].done);
	EXPECT_EQ(0, memcmp(well_access(6, 0, &self->w), self->src + 2 * BS,
			    2 * BS));
	EXPECT_EQ(0, memcmp(well_access(6, 2, &self->w), self->src + 4 * BS,
			    2 * BS));

	self->u.async = 0;
	queue(_metadata, self, rx, tx, 4, self->file, WELL_URING_WRITE,
	      8 * BS);
	EXPECT_EQ(0, last_sqe(&self->ring)->flags & IOSQE_ASYNC);
	drain(_metadata, self);
	ASSERT_EQ(2, self->ndone);
	EXPECT_EQ(0, self->done[1].error);
	EXPECT_EQ(4 * BS, self->done[1].done);
}

TEST_F(err, bad_requests_and_foreign_cqes)
{
	struct well_uring_io io = { .to = &self->w.rx, .fd = self->file,
				    .op = WELL_URING_READ, .pos = 6 };
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	unsigned int i;

	if (self->skip)
		SKIP(return, "io_uring unavailable: %s", strerror(-self->skip));
	io.count = 0;
	EXPECT_EQ(-EINVAL, well_uring_prep(&self->u, &io));
	io.count = COUNT + 1;
	EXPECT_EQ(-EINVAL, well_uring_prep(&self->u, &io));
	io.count = 1;
	io.op = 4;
	EXPECT_EQ(-EINVAL, well_uring_prep(&self->u, &io));
	io.op = WELL_URING_READ;
	/* Depth 4: the fifth request is refused, nothing queued for it. */
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(1, well_reserve(&self->w.tx, &io.pos, 1));
		EXPECT_EQ(0, well_uring_prep(&self->u, &io));
	}
	EXPECT_EQ(-EBUSY, well_uring_prep(&self->u, &io));
	drain(_metadata, self);
	EXPECT_EQ(4, self->ndone);
	EXPECT_EQ(4, well_peek(&self->w.rx));

	/* A CQE that is not the layer's is left to its owner. */
	sqe = io_uring_get_sqe(&self->ring);
	ASSERT_NE(NULL, sqe);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 12345);
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	ASSERT_EQ(0, io_uring_wait_cqe(&self->ring, &cqe));
	EXPECT_EQ(0, well_uring_cqe(&self->u, cqe));
	EXPECT_EQ(12345, cqe->user_data);
	io_uring_cqe_seen(&self->ring, cqe);
	EXPECT_EQ(4, self->ndone);
}

TEST_HARNESS_MAIN
