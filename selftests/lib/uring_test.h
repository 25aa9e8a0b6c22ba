/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * uring_test.h - what the io_uring layer's host tests share: seeded data,
 * temporary files, and two pipelines through ring blocks, each checked
 * byte for byte by its caller:
 *   ut_copy()   file -> ring (one reader context) -> consumer threads,
 *               each with its own io_uring, -> file at the same offsets;
 *   ut_stream() memory -> ring A -> socket -> ring B -> memory.
 * Header-only (static inline), for host tests linked with libwell-uring.
 */
#ifndef WELL_URING_TEST_H
#define WELL_URING_TEST_H

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <liburing.h>
#include <well.h>
#include <well/uring.h>

/* io_uring_queue_init() errors that mean "no io_uring here": SKIP. */
static inline int ut_no_uring(int err)
{
	return err == -ENOSYS || err == -EPERM || err == -EACCES;
}

static inline uint64_t ut_rand(uint64_t *s)
{
	/* xorshift64*: deterministic for a seed. */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static inline void ut_fill(void *buf, size_t len, uint64_t seed)
{
	unsigned char *p = buf;
	uint64_t s = seed | 1, v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!(i & 7))
			v = ut_rand(&s);
		p[i] = (unsigned char)(v >> ((i & 7) * 8));
	}
}

/* An unlinked temporary file holding @len bytes of @buf (NULL: empty). */
static inline int ut_tmpfile(const void *buf, size_t len)
{
	char path[] = "/tmp/well-uring-XXXXXX";
	const char *p = buf;
	int fd = mkstemp(path);
	ssize_t r;

	if (fd < 0)
		return -errno;
	unlink(path);
	while (buf && len) {
		r = write(fd, p, len);
		if (r <= 0) {
			close(fd);
			return -EIO;
		}
		p += r;
		len -= (size_t)r;
	}
	return fd;
}

/* First offset where @fd's first @len bytes differ from @want; -1 if none. */
static inline long ut_compare(int fd, const void *want, size_t len)
{
	unsigned char *got = malloc(len);
	size_t at = 0, i;
	ssize_t r;
	long diff = -1;

	if (!got)
		return 0;
	while (at < len) {
		r = pread(fd, got + at, len - at, (off_t)at);
		if (r <= 0)
			break;
		at += (size_t)r;
	}
	for (i = 0; i < len; i++) {
		if (i >= at || got[i] != ((const unsigned char *)want)[i]) {
			diff = (long)i;
			break;
		}
	}
	free(got);
	return diff;
}

/* The first error of a pipeline; every thread may set it. */
struct ut_err {
	atomic_int err;
	atomic_size_t where;
};

static inline void ut_fail(struct ut_err *e, int err, size_t where)
{
	int zero = 0;

	/* Relaxed: read after pthread_join(), which orders it. */
	if (atomic_compare_exchange_strong_explicit(&e->err, &zero, err,
						    memory_order_relaxed,
						    memory_order_relaxed))
		atomic_store_explicit(&e->where, where, memory_order_relaxed);
}

/* Each request must end with every byte moved. */
static inline int ut_complete(struct well_uring *u, struct well_uring_io *io)
{
	struct ut_err *e = u->arg;
	size_t want = io->count * well_blk_size(u->geo);

	if (io->error || io->done != want)
		ut_fail(e, io->error ? io->error : -EIO, io->pos);
	return 0;
}

/* Run @u until nothing is in flight or waiting for its release. */
static inline int ut_drain(struct well_uring *u)
{
	int ret;

	while (u->inflight || u->waiting) {
		ret = well_uring_run(u, u->inflight ? 1 : 0);
		if (ret < 0)
			return ret;
		if (u->waiting && !well_uring_flush(u) && !u->inflight)
			sched_yield();
	}
	return 0;
}

/**
 * struct ut_copy - file -> ring -> consumer threads -> file.
 * @w: the well, memory set by the caller.
 * @in: source file; @blocks whole blocks of it are read.
 * @out: destination file, written at the same offsets.
 * @blocks: blocks to move.
 * @consumers: consumer threads.
 * @reg: call well_uring_register() in every context.
 * @flags: every context's well_uring_init() flags.
 * @seed: picks reservation sizes.
 * @reg_ret: well_uring_register()'s return in the reader's context.
 * @init_ret: io_uring_queue_init()'s error, if any.
 * @err: the first error of any request or context.
 * @taken: blocks consumer threads reserved (shared).
 */
struct ut_copy {
	struct well *w;
	int in, out;
	size_t blocks;
	unsigned int consumers;
	int reg;
	unsigned int flags;
	uint64_t seed;
	int reg_ret;
	int init_ret;
	struct ut_err err;
	atomic_size_t taken;
};

struct ut_ctx {
	struct io_uring ring;
	struct well_uring u;
};

static inline int ut_ctx_init(struct ut_ctx *c, struct well *w,
			      unsigned int depth, int reg, struct ut_err *e,
			      unsigned int flags)
{
	int ret = io_uring_queue_init(2 * depth, &c->ring, 0);

	if (ret)
		return ret;
	ret = well_uring_init(&c->u, &c->ring, w, depth, flags);
	if (ret) {
		io_uring_queue_exit(&c->ring);
		return ret;
	}
	c->u.complete = ut_complete;
	c->u.arg = e;
	/* Refused registration is the fallback: the context still works. */
	if (reg)
		well_uring_register(&c->u);
	return 0;
}

static inline void ut_ctx_exit(struct ut_ctx *c)
{
	well_uring_exit(&c->u);
	io_uring_queue_exit(&c->ring);
}

struct ut_consumer {
	struct ut_copy *cp;
	uint64_t seed;
};

static inline void *ut_consume(void *arg)
{
	struct ut_consumer *me = arg;
	struct ut_copy *cp = me->cp;
	struct well *w = cp->w;
	uint64_t s = me->seed;
	struct well_uring_io io = { .to = &w->tx, .fd = cp->out,
				    .op = WELL_URING_WRITE };
	struct ut_ctx c;
	size_t n, pos;
	int ret;

	ret = ut_ctx_init(&c, w, 4, cp->reg, &cp->err, cp->flags);
	if (ret) {
		ut_fail(&cp->err, ret, 0);
		return NULL;
	}
	while (atomic_load_explicit(&cp->taken, memory_order_relaxed) <
	       cp->blocks) {
		n = 0;
		if (c.u.inflight + c.u.waiting < c.u.depth)
			n = well_reserve(&w->rx, &pos, 1 + ut_rand(&s) % 7);
		if (n) {
			/* Relaxed: only counts; the blocks came with A1. */
			atomic_fetch_add_explicit(&cp->taken, n,
						  memory_order_relaxed);
			io.pos = pos;
			io.count = n;
			io.off = (uint64_t)pos << w->blk_shift;
			ret = well_uring_prep(&c.u, &io);
			if (ret)
				ut_fail(&cp->err, ret, pos);
		}
		ret = well_uring_run(&c.u, !n && c.u.inflight ? 1 : 0);
		if (ret < 0)
			ut_fail(&cp->err, ret, 0);
		if (!n && !ret && !well_uring_flush(&c.u))
			sched_yield();
	}
	ret = ut_drain(&c.u);
	if (ret)
		ut_fail(&cp->err, ret, 0);
	ut_ctx_exit(&c);
	return NULL;
}

/* Returns 0 when it ran (results in @cp), or io_uring_queue_init()'s error. */
static inline int ut_copy(struct ut_copy *cp)
{
	struct well *w = cp->w;
	struct well_uring_io io = { .to = &w->rx, .fd = cp->in,
				    .op = WELL_URING_READ };
	struct ut_consumer cons[8];
	pthread_t tid[8];
	struct ut_ctx c;
	uint64_t s = cp->seed;
	size_t made = 0, n, pos;
	unsigned int i;
	int ret;

	atomic_init(&cp->err.err, 0);
	atomic_init(&cp->err.where, 0);
	atomic_init(&cp->taken, 0);
	ret = io_uring_queue_init(16, &c.ring, 0);
	if (ret)
		return cp->init_ret = ret;
	ret = well_uring_init(&c.u, &c.ring, w, 8, cp->flags);
	if (ret) {
		io_uring_queue_exit(&c.ring);
		return cp->init_ret = ret;
	}
	c.u.complete = ut_complete;
	c.u.arg = &cp->err;
	cp->reg_ret = cp->reg ? well_uring_register(&c.u) : -1;
	for (i = 0; i < cp->consumers && i < 8; i++) {
		cons[i].cp = cp;
		cons[i].seed = cp->seed * 31 + i + 1;
		pthread_create(&tid[i], NULL, ut_consume, &cons[i]);
	}
	while (made < cp->blocks) {
		n = 0;
		if (c.u.inflight + c.u.waiting < c.u.depth) {
			n = 1 + ut_rand(&s) % 7;
			if (n > cp->blocks - made)
				n = cp->blocks - made;
			n = well_reserve(&w->tx, &pos, n);
		}
		if (n) {
			io.pos = pos;
			io.count = n;
			io.off = (uint64_t)pos << w->blk_shift;
			ret = well_uring_prep(&c.u, &io);
			if (ret)
				ut_fail(&cp->err, ret, pos);
			made += n;
		}
		ret = well_uring_run(&c.u, !n && c.u.inflight ? 1 : 0);
		if (ret < 0)
			ut_fail(&cp->err, ret, 0);
		if (!n && !ret && !well_uring_flush(&c.u))
			sched_yield();
	}
	ret = ut_drain(&c.u);
	if (ret)
		ut_fail(&cp->err, ret, 0);
	for (i = 0; i < cp->consumers && i < 8; i++)
		pthread_join(tid[i], NULL);
	ut_ctx_exit(&c);
	return 0;
}

/**
 * struct ut_stream - memory -> ring A -> socket -> ring B -> memory.
 * @a: the sender's well; @b: the receiver's.
 * @tx_fd: the socket @a's blocks are sent on; @rx_fd: its peer.
 * @src: @bytes to send (a multiple of both block sizes); @dst: where they
 *       land.
 * @reg: register both rings' memory.
 * @flags: the sender context's well_uring_init() flags.
 * @seed: picks reservation sizes.
 * @zc: the sender's context would use SEND_ZC.
 * @err: first error.
 */
struct ut_stream {
	struct well *a, *b;
	int tx_fd, rx_fd;
	const unsigned char *src;
	unsigned char *dst;
	size_t bytes;
	int reg;
	unsigned int flags;
	uint64_t seed;
	int zc;
	struct ut_err err;
};

static inline void *ut_send(void *arg)
{
	struct ut_stream *st = arg;
	struct well *w = st->a;
	size_t bs = well_blk_size(w), blocks = st->bytes / bs;
	struct well_uring_io io = { .to = &w->tx, .fd = st->tx_fd,
				    .op = WELL_URING_SEND };
	uint64_t s = st->seed;
	size_t made = 0, sent = 0, n, pos, i;
	struct ut_ctx c;
	int ret;

	ret = ut_ctx_init(&c, w, 4, st->reg, &st->err, st->flags);
	if (ret) {
		ut_fail(&st->err, ret, 0);
		return NULL;
	}
	st->zc = c.u.zc;
	while (sent < blocks && !atomic_load_explicit(&st->err.err,
						       memory_order_relaxed)) {
		/* Produce: copy the next source bytes into free blocks. */
		n = 1 + ut_rand(&s) % 7;
		if (n > blocks - made)
			n = blocks - made;
		n = n ? well_reserve_single(&w->tx, &pos, n) : 0;
		for (i = 0; i < n; i++, made++)
			memcpy(well_access(pos, i, w), st->src + made * bs, bs);
		if (n)
			well_release_single(&w->rx, n);
		/* Send what the ring holds, up to 4 requests in flight. */
		n = 0;
		if (c.u.inflight + c.u.waiting < c.u.depth)
			n = well_reserve_single(&w->rx, &pos,
						1 + ut_rand(&s) % 7);
		if (n) {
			io.pos = pos;
			io.count = n;
			ret = well_uring_prep(&c.u, &io);
			if (ret)
				ut_fail(&st->err, ret, pos);
			sent += n;
		}
		ret = well_uring_run(&c.u, !n && c.u.inflight ? 1 : 0);
		if (ret < 0)
			ut_fail(&st->err, ret, pos);
	}
	if (atomic_load_explicit(&st->err.err, memory_order_relaxed))
		shutdown(st->tx_fd, SHUT_RDWR);
	ret = ut_drain(&c.u);
	if (ret)
		ut_fail(&st->err, ret, 0);
	ut_ctx_exit(&c);
	return NULL;
}

/* Returns 0 when it ran, or io_uring_queue_init()'s error. */
static inline int ut_stream(struct ut_stream *st)
{
	struct well *w = st->b;
	size_t bs = well_blk_size(w), blocks = st->bytes / bs;
	struct well_uring_io io = { .to = &w->rx, .fd = st->rx_fd,
				    .op = WELL_URING_RECV };
	uint64_t s = st->seed * 7 + 3;
	size_t got = 0, asked = 0, n, pos, i, at;
	struct ut_ctx c;
	pthread_t tid;
	int ret;

	atomic_init(&st->err.err, 0);
	atomic_init(&st->err.where, 0);
	ret = ut_ctx_init(&c, w, 4, st->reg, &st->err, 0);
	if (ret)
		return ret;
	pthread_create(&tid, NULL, ut_send, st);
	while (got < blocks && !atomic_load_explicit(&st->err.err,
						      memory_order_relaxed)) {
		/* Up to 4 receives in flight, never past the last byte. */
		n = 1 + ut_rand(&s) % 7;
		if (n > blocks - asked)
			n = blocks - asked;
		if (c.u.inflight + c.u.waiting >= c.u.depth)
			n = 0;
		n = n ? well_reserve_single(&w->tx, &pos, n) : 0;
		if (n) {
			io.pos = pos;
			io.count = n;
			ret = well_uring_prep(&c.u, &io);
			if (ret)
				ut_fail(&st->err, ret, pos);
			asked += n;
		}
		ret = well_uring_run(&c.u, !n && c.u.inflight ? 1 : 0);
		if (ret < 0)
			ut_fail(&st->err, ret, 0);
		/* Consume: copy the received blocks out, in ring order. */
		n = well_reserve_single(&w->rx, &pos, (size_t)-1);
		for (i = 0; i < n; i++) {
			at = (pos + i) * bs;
			if (at + bs <= st->bytes)
				memcpy(st->dst + at, well_access(pos, i, w), bs);
		}
		if (n)
			well_release_single(&w->tx, n);
		got += n;
	}
	/* After a failure, no receive may wait for bytes that never come. */
	if (atomic_load_explicit(&st->err.err, memory_order_relaxed))
		shutdown(st->rx_fd, SHUT_RDWR);
	ret = ut_drain(&c.u);
	if (ret)
		ut_fail(&st->err, ret, 0);
	pthread_join(tid, NULL);
	ut_ctx_exit(&c);
	return 0;
}

#endif /* WELL_URING_TEST_H */
