// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well_uring.c - io_uring I/O into and out of a well's blocks (see
 * well/uring.h and Documentation/well/uring.rst).
 *
 * A request is a slot holding its reservation and one or two spans (the
 * blocks before and after the wrap). Socket requests are also on
 * @stream_list, in the order they were queued; only the first of each
 * stream (fd and direction) has an SQE in flight. Each SQE carries the slot's address
 * with the span index in its low bit as user_data. A slot counts the CQEs
 * it still expects in @busy: one per SQE in flight, plus one per pending
 * SEND_ZC notification (a result CQE flagged IORING_CQE_F_MORE announces
 * one). The slot is over when @busy drops to 0 and no span will be
 * resubmitted; only then may its blocks be released: a zero-copy send
 * reads them until its notification arrives.
 *
 * The layer itself touches no shared word: blocks go back through
 * well_release_multi() (or the caller's @release), whose CAS on the
 * side's tail is release ordering R1/R4 of core/well.c, pairing with the
 * acquire of whoever reserves the blocks next. That is what publishes the
 * bytes a read put into the blocks (the kernel completed the read before
 * the CQE this thread consumed was posted).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <liburing.h>
#include <well/uring.h>

/* io_uring's limit on one fixed buffer, and this layer's on one SQE. */
#define WELL_URING_BUF_SHIFT	30
#define WELL_URING_BUF_MAX	((size_t)1 << WELL_URING_BUF_SHIFT)
/* The kernel's limit on registered buffers (IORING_MAX_REG_BUFFERS). */
#define WELL_URING_MAX_BUFS	16384

struct well_uring_span {
	char *base;
	size_t len;
	size_t done;
	uint64_t off;
};

struct well_uring_slot {
	struct well_uring_io io;
	struct well_uring_span span[2];
	unsigned int nspan;
	unsigned int busy;
	int nozc;
	struct well_uring_slot *next;
	struct well_uring_slot *snext;
};

static int well_uring_is_stream(unsigned int op)
{
	return op == WELL_URING_RECV || op == WELL_URING_SEND;
}

static int well_uring_same_stream(const struct well_uring_slot *a,
				  const struct well_uring_io *b)
{
	return a->io.fd == b->fd && a->io.op == b->op;
}

/* Is a request on @io's stream (fd and direction) queued already? */
static int well_uring_stream_busy(const struct well_uring *u,
				  const struct well_uring_io *io)
{
	const struct well_uring_slot *s;

	for (s = u->stream_list; s; s = s->snext)
		if (well_uring_same_stream(s, io))
			return 1;
	return 0;
}

static void well_uring_stream_add(struct well_uring *u,
				  struct well_uring_slot *slot)
{
	struct well_uring_slot **pp = &u->stream_list;

	while (*pp)
		pp = &(*pp)->snext;
	slot->snext = NULL;
	*pp = slot;
}

static void well_uring_finish(struct well_uring *u,
			      struct well_uring_slot *slot);
static int well_uring_issue(struct well_uring *u, struct well_uring_slot *slot,
			    unsigned int s);

static void well_uring_stream_unlink(struct well_uring *u,
				     struct well_uring_slot *slot)
{
	struct well_uring_slot **pp = &u->stream_list;

	while (*pp && *pp != slot)
		pp = &(*pp)->snext;
	if (*pp)
		*pp = slot->snext;
}

/*
 * The head of @key's stream has handed over all its bytes (@key->error 0)
 * or failed, and is unlinked: start the next request on the stream, or,
 * after a failure, end every queued one with -ECANCELED (the stream has a
 * gap now).
 */
static void well_uring_stream_start(struct well_uring *u,
				    const struct well_uring_io *key)
{
	struct well_uring_slot **pp = &u->stream_list, *s;
	int err = key->error;

	while ((s = *pp)) {
		if (!well_uring_same_stream(s, key)) {
			pp = &s->snext;
			continue;
		}
		if (!err) {
			err = well_uring_issue(u, s, 0);
			if (!err)
				break;
			s->io.error = err;
		} else {
			s->io.error = -ECANCELED;
		}
		*pp = s->snext;
		well_uring_finish(u, s);
	}
}

/* The slot a CQE's user_data names, or NULL when it is not this context's. */
static struct well_uring_slot *well_uring_slot_of(struct well_uring *u,
						  uint64_t data)
{
	uintptr_t p = (uintptr_t)(data & ~(uint64_t)1);
	uintptr_t first = (uintptr_t)u->slots;
	size_t sz = sizeof(struct well_uring_slot);

	if (p < first || p >= first + u->depth * sz || (p - first) % sz)
		return NULL;
	return (struct well_uring_slot *)p;
}

static struct io_uring_sqe *well_uring_sqe(struct well_uring *u)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(u->ring);

	if (!sqe && io_uring_submit(u->ring) >= 0)
		sqe = io_uring_get_sqe(u->ring);
	return sqe;
}

/* Queue the rest of span @s of @slot: one SQE, clipped to a fixed buffer. */
static int well_uring_issue(struct well_uring *u, struct well_uring_slot *slot,
			    unsigned int s)
{
	struct well_uring_span *sp = &slot->span[s];
	struct well_uring_io *io = &slot->io;
	char *p = sp->base + sp->done;
	size_t at = (size_t)(p - (char *)u->geo->mem);
	size_t room = WELL_URING_BUF_MAX - (at & (WELL_URING_BUF_MAX - 1));
	size_t len = sp->len - sp->done;
	int buf = (int)(at >> WELL_URING_BUF_SHIFT);
	uint64_t off = sp->off + sp->done;
	struct io_uring_sqe *sqe;

	if (len > room)
		len = room;	/* the rest goes like a short transfer's */
	sqe = well_uring_sqe(u);
	if (!sqe)
		return -EBUSY;
	switch (io->op) {
	case WELL_URING_READ:
		if (u->fixed)
			io_uring_prep_read_fixed(sqe, io->fd, p, (unsigned int)len,
						 off, buf);
		else
			io_uring_prep_read(sqe, io->fd, p, (unsigned int)len, off);
		break;
	case WELL_URING_WRITE:
		if (u->fixed)
			io_uring_prep_write_fixed(sqe, io->fd, p,
						  (unsigned int)len, off, buf);
		else
			io_uring_prep_write(sqe, io->fd, p, (unsigned int)len,
					    off);
		break;
	case WELL_URING_RECV:
		io_uring_prep_recv(sqe, io->fd, p, len, 0);
		break;
	default:
		if (u->zc && !slot->nozc && u->fixed)
			io_uring_prep_send_zc_fixed(sqe, io->fd, p, len,
						    MSG_NOSIGNAL, 0, buf);
		else if (u->zc && !slot->nozc)
			io_uring_prep_send_zc(sqe, io->fd, p, len, MSG_NOSIGNAL,
					      0);
		else
			io_uring_prep_send(sqe, io->fd, p, len, MSG_NOSIGNAL);
		break;
	}
	if (u->async &&
	    (io->op == WELL_URING_READ || io->op == WELL_URING_WRITE))
		io_uring_sqe_set_flags(sqe, IOSQE_ASYNC);
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)slot | s);
	slot->busy++;
	return 0;
}

static int well_uring_release_one(struct well_uring *u,
				  const struct well_uring_io *io)
{
	if (u->release)
		return u->release(u, io);
	return well_release_multi(io->to, io->count, io->pos) ? 0 : -EAGAIN;
}

static void well_uring_put(struct well_uring *u, struct well_uring_slot *slot)
{
	slot->next = u->free;
	u->free = slot;
}

/**
 * well_uring_flush() - release finished requests whose turn has come.
 * @u: the context.
 *
 * A finished request whose predecessor (an earlier reservation on the
 * same side, this context's or anybody's) is still held waits. The layer
 * retries after every request it finishes; call this when the context is
 * otherwise idle and another thread or context holds the earlier blocks.
 *
 * Return: blocks released by this call.
 */
size_t well_uring_flush(struct well_uring *u)
{
	struct well_uring_slot **pp, *slot;
	size_t released = 0;
	int progress = 1;

	while (progress) {
		progress = 0;
		for (pp = &u->wait_list; (slot = *pp);) {
			if (well_uring_release_one(u, &slot->io) == -EAGAIN) {
				pp = &slot->next;
				continue;
			}
			*pp = slot->next;
			released += slot->io.count;
			u->waiting--;
			well_uring_put(u, slot);
			progress = 1;
		}
	}
	return released;
}

/* Bytes moved from the reservation's first byte on. */
static size_t well_uring_prefix(const struct well_uring_slot *slot)
{
	if (slot->nspan == 1 || slot->span[0].done < slot->span[0].len)
		return slot->span[0].done;
	return slot->span[0].len + slot->span[1].done;
}

/* The request is over: report it, then release its blocks in turn. */
static void well_uring_finish(struct well_uring *u,
			      struct well_uring_slot *slot)
{
	int keep = 0;

	u->inflight--;
	slot->io.done = well_uring_prefix(slot);
	if (u->complete)
		keep = u->complete(u, &slot->io) == WELL_URING_KEEP;
	if (keep) {
		well_uring_put(u, slot);
		return;
	}
	slot->next = u->wait_list;
	u->wait_list = slot;
	u->waiting++;
	well_uring_flush(u);
}

/*
 * What a result CQE of span @s means: resubmit, go on, or fail. Returns 1
 * when @slot is done with its stream (the next request there may go).
 */
static int well_uring_result(struct well_uring *u,
			      struct well_uring_slot *slot, unsigned int s,
			      int res)
{
	struct well_uring_span *sp = &slot->span[s];
	struct well_uring_io *io = &slot->io;
	int stream = well_uring_is_stream(io->op), over = 0, err = 0;

	if (res > 0) {
		sp->done += (size_t)res;
	} else if (res == 0) {
		err = io->op == WELL_URING_READ || io->op == WELL_URING_RECV ?
		      -ENODATA : -EIO;
	} else if (res == -EOPNOTSUPP && io->op == WELL_URING_SEND && u->zc &&
		   !slot->nozc) {
		slot->nozc = 1;		/* this socket has no zero copy */
	} else if (res != -EAGAIN && res != -EINTR) {
		err = res;
	}
	if (err && !io->error)
		io->error = err;
	if (!io->error) {
		if (sp->done < sp->len)
			err = well_uring_issue(u, slot, s);
		else if (s == 0 && slot->nspan == 2 && stream)
			err = well_uring_issue(u, slot, 1);
		else
			over = 1;
		if (err)
			io->error = err;
	}
	/* A stream's next request goes once this one's bytes are handed over. */
	return stream && (io->error || over);
}

/**
 * well_uring_cqe() - handle one completion.
 * @u: the context.
 * @cqe: a CQE from the context's ring; the caller marks it seen.
 *
 * For a ring shared with other work: hand every CQE here first. A short
 * transfer queues an SQE for the rest, so submit the ring afterwards
 * (well_uring_run() does).
 *
 * Return: 1 when the CQE was this context's (handled), 0 when it was not.
 */
int well_uring_cqe(struct well_uring *u, const struct io_uring_cqe *cqe)
{
	struct well_uring_slot *slot = well_uring_slot_of(u, cqe->user_data);
	struct well_uring_io key;
	int next = 0;

	if (!slot)
		return 0;
	slot->busy--;
	if (cqe->flags & IORING_CQE_F_NOTIF) {
		/* A zero-copy send's buffer is free again. */
	} else {
		if (cqe->flags & IORING_CQE_F_MORE)
			slot->busy++;	/* its notification is to come */
		next = well_uring_result(u, slot,
					 (unsigned int)(cqe->user_data & 1),
					 cqe->res);
	}
	if (next) {
		well_uring_stream_unlink(u, slot);
		key = slot->io;
	}
	/* Reported before the requests behind it on its stream. */
	if (!slot->busy)
		well_uring_finish(u, slot);
	if (next)
		well_uring_stream_start(u, &key);
	return 1;
}

/**
 * well_uring_run() - submit, wait, handle every completion there is.
 * @u: the context.
 * @wait_nr: completions to wait for (0: none); not waited for when no
 *           request is in flight.
 *
 * Consumes every CQE of the ring: CQEs that are not this context's are
 * dropped, so with a shared ring call well_uring_cqe() instead.
 *
 * Return: CQEs handled, or -errno of io_uring_submit_and_wait().
 */
int well_uring_run(struct well_uring *u, unsigned int wait_nr)
{
	struct io_uring_cqe *cqes[64];
	unsigned int n, i;
	int ret, handled = 0;

	if (!u->inflight)
		wait_nr = 0;
	do
		ret = io_uring_submit_and_wait(u->ring, wait_nr);
	while (ret == -EINTR);
	if (ret < 0)
		return ret;
	do {
		n = io_uring_peek_batch_cqe(u->ring, cqes, 64);
		for (i = 0; i < n; i++)
			handled += well_uring_cqe(u, cqes[i]);
		io_uring_cq_advance(u->ring, n);
	} while (n == 64);
	/* Resubmissions of short transfers. */
	if (io_uring_sq_ready(u->ring)) {
		ret = io_uring_submit(u->ring);
		if (ret < 0)
			return ret;
	}
	return handled;
}

/**
 * well_uring_prep() - queue I/O for one reservation.
 * @u: the context.
 * @io: the request: reservation, side to release into, fd, operation,
 *      file offset; copied, and handed back to @u->complete when over.
 *
 * Prepares one SQE per contiguous span of the reservation (two when it
 * wraps), fixed-buffer reads and writes when the memory is registered,
 * plain ones from the same pointers when not. A file request's spans go
 * in parallel. Socket requests keep their order on each stream (fd and
 * direction): one SQE per stream is in flight, the next (the rest of a
 * short transfer, the span after the wrap, the next request) issued when
 * it returns; a SEND_ZC's notification need not have come. When one
 * fails, the requests queued behind it on its stream end with
 * -ECANCELED. Nothing is submitted: well_uring_run() or io_uring_submit()
 * does it.
 *
 * Return: 0; -EINVAL for a bad @io; -EBUSY when @u->depth requests are in
 * flight or the submission queue has no room even after a submit.
 */
int well_uring_prep(struct well_uring *u, const struct well_uring_io *io)
{
	const struct well *w = u->geo;
	struct well_uring_slot *slot;
	size_t run, len0;
	unsigned int need;
	int stream, err;

	if (!io->count || io->count > well_blk_count(w) || io->op > 3 ||
	    !io->to || io->fd < 0)
		return -EINVAL;
	slot = u->free;
	if (!slot)
		return -EBUSY;
	memset(slot->span, 0, sizeof(slot->span));
	slot->io = *io;
	slot->io.done = 0;
	slot->io.error = 0;
	slot->busy = 0;
	slot->nozc = 0;
	slot->span[0].base = well_span(w, io->pos, io->count, &run);
	len0 = run << w->blk_shift;
	slot->span[0].len = len0;
	slot->span[0].off = io->off;
	slot->nspan = 1;
	if (run < io->count) {
		slot->span[1].base = well_span(w, io->pos + run,
					       io->count - run, &run);
		slot->span[1].len = run << w->blk_shift;
		slot->span[1].off = io->off + len0;
		slot->nspan = 2;
	}
	stream = well_uring_is_stream(io->op);
	need = !stream ? slot->nspan : !well_uring_stream_busy(u, io);
	if (io_uring_sq_space_left(u->ring) < need &&
	    (io_uring_submit(u->ring) < 0 ||
	     io_uring_sq_space_left(u->ring) < need))
		return -EBUSY;
	u->free = slot->next;
	u->inflight++;
	if (stream)
		well_uring_stream_add(u, slot);
	if (!need)
		return 0;	/* queued behind its stream's earlier requests */
	err = well_uring_issue(u, slot, 0);
	if (!err && need == 2)
		err = well_uring_issue(u, slot, 1);
	/* Room was checked: an SQE is missing only if the ring broke. */
	if (err && !slot->busy) {
		if (stream)	/* the head of its stream, none behind it */
			well_uring_stream_unlink(u, slot);
		u->inflight--;
		well_uring_put(u, slot);
		return err;
	}
	if (err)
		slot->io.error = err;
	return 0;
}

/**
 * well_uring_register() - register the block memory as fixed buffers.
 * @u: the context, with nothing in flight.
 *
 * The whole ring is one buffer when it fits in 1 GiB (io_uring's limit
 * per buffer), else consecutive 1 GiB buffers. When the kernel refuses
 * (-EOPNOTSUPP for a /dev/well mapping on 6.1, -ENOMEM over
 * RLIMIT_MEMLOCK, -EFAULT, -EBUSY when the ring already has buffers),
 * the context keeps working with unregistered requests: this is the
 * documented fallback, not a failure. Fixed buffers count against
 * RLIMIT_MEMLOCK and stay pinned until well_uring_exit().
 *
 * Return: 0 when registered (@u->fixed buffers), else the -errno that
 * kept it unregistered (also in @u->reg_error).
 */
int well_uring_register(struct well_uring *u)
{
	size_t size = well_size(u->geo), n, i;
	char *mem = u->geo->mem;
	struct iovec *iov;
	int ret;

	if (u->fixed)
		return 0;
	n = (size + WELL_URING_BUF_MAX - 1) >> WELL_URING_BUF_SHIFT;
	if (well_blk_size(u->geo) > WELL_URING_BUF_MAX || n > WELL_URING_MAX_BUFS) {
		u->reg_error = -E2BIG;
		return u->reg_error;
	}
	iov = calloc(n, sizeof(*iov));
	if (!iov) {
		u->reg_error = -ENOMEM;
		return u->reg_error;
	}
	for (i = 0; i < n; i++) {
		iov[i].iov_base = mem + (i << WELL_URING_BUF_SHIFT);
		iov[i].iov_len = size - (i << WELL_URING_BUF_SHIFT);
		if (iov[i].iov_len > WELL_URING_BUF_MAX)
			iov[i].iov_len = WELL_URING_BUF_MAX;
	}
	ret = io_uring_register_buffers(u->ring, iov, (unsigned int)n);
	free(iov);
	u->reg_error = ret;
	u->fixed = ret ? 0 : (unsigned int)n;
	return ret;
}

/**
 * well_uring_init() - set up a context over a caller's io_uring.
 * @u: the context to fill.
 * @ring: an initialised io_uring; give it at least 2 * @depth SQEs.
 * @geo: the well whose blocks requests address; its memory set
 *       (well_init(), or a /dev/well client's &dev->geo).
 * @depth: requests in flight at most, at least 1.
 * @flags: 0, or WELL_URING_NO_ZC and/or WELL_URING_ASYNC (@u->async).
 *
 * Requests start unregistered; call well_uring_register() for fixed
 * buffers. Probes the ring for IORING_OP_SEND_ZC.
 *
 * Return: 0, -EINVAL for a bad argument, -ENOMEM.
 */
int well_uring_init(struct well_uring *u, struct io_uring *ring,
		    const struct well *geo, unsigned int depth,
		    unsigned int flags)
{
	struct io_uring_probe *probe;
	unsigned int i;

	if (!u || !ring || !geo || !geo->mem || !depth ||
	    (flags & ~(WELL_URING_NO_ZC | WELL_URING_ASYNC)))
		return -EINVAL;
	memset(u, 0, sizeof(*u));
	u->slots = calloc(depth, sizeof(*u->slots));
	if (!u->slots)
		return -ENOMEM;
	u->ring = ring;
	u->geo = geo;
	u->depth = depth;
	u->async = !!(flags & WELL_URING_ASYNC);
	for (i = depth; i-- > 0;)
		well_uring_put(u, &u->slots[i]);
	if (!(flags & WELL_URING_NO_ZC)) {
		probe = io_uring_get_probe_ring(ring);
		if (probe) {
			u->zc = io_uring_opcode_supported(probe,
							  IORING_OP_SEND_ZC);
			io_uring_free_probe(probe);
		}
	}
	return 0;
}

/**
 * well_uring_exit() - unregister the buffers and free the context.
 * @u: the context, with nothing in flight (run it until @u->inflight is
 *     0: the kernel may still access blocks of a request in flight).
 *
 * Requests still waiting for their release are dropped unreleased; the
 * caller's ring stays initialised.
 */
void well_uring_exit(struct well_uring *u)
{
	if (u->fixed)
		io_uring_unregister_buffers(u->ring);
	free(u->slots);
	memset(u, 0, sizeof(*u));
}
