/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * well/uring.h - io_uring I/O straight into and out of a well's blocks.
 *
 * libwell-uring (pkg-config well-uring) moves whole reservations between
 * a well and files or sockets with liburing, with no copy through a
 * bounce buffer:
 *
 *   - well_uring_register() registers the block memory as io_uring fixed
 *     buffers: the whole ring as buffer 0 when it fits in 1 GiB (a block's
 *     buffer offset is then (pos & blk_mask) << blk_shift). Where the
 *     kernel refuses (see Documentation/well/uring.rst) the layer keeps
 *     working with plain, unregistered requests from the same pointers.
 *   - well_uring_prep() queues one request for one reservation: at most
 *     two SQEs, one per contiguous span (well_span()), resumed on short
 *     transfers until every byte moved or an error occurred. Requests on
 *     one socket keep their order on the stream.
 *   - Requests may complete in any order; the blocks go back in
 *     reservation order (well_release_multi()): a finished request whose
 *     predecessor is still in flight waits on a list of its own.
 *   - Each request ends with one call of the @complete callback naming its
 *     reservation, the bytes moved and the error, if any.
 *
 * One context serves one thread: it drives one struct io_uring that the
 * caller set up (io_uring_queue_init()) and may share with other work.
 * Only pointers to liburing's types appear here, so this header compiles
 * without <liburing.h>; the library itself links liburing.
 */
#ifndef WELL_URING_H
#define WELL_URING_H

#include <stddef.h>
#include <stdint.h>
#include "../well.h"

struct io_uring;
struct io_uring_cqe;
struct well_uring;
struct well_uring_slot;

/* Operations of struct well_uring_io. */
#define WELL_URING_READ		0	/* file -> blocks, at @off */
#define WELL_URING_WRITE	1	/* blocks -> file, at @off */
#define WELL_URING_RECV		2	/* stream socket -> blocks */
#define WELL_URING_SEND		3	/* blocks -> stream socket */

/* Flags of well_uring_init(). */
#define WELL_URING_NO_ZC	0x1u	/* never use IORING_OP_SEND_ZC */
#define WELL_URING_ASYNC	0x2u	/* READ and WRITE with IOSQE_ASYNC */

/* Return of a @complete callback: the caller keeps the blocks. */
#define WELL_URING_KEEP		1

/**
 * struct well_uring_io - one request: a reservation and where it goes.
 * @to: the side the blocks are released into once the request is over
 *      (&w->rx after a read into blocks reserved from tx, &w->tx after a
 *      write out of blocks reserved from rx).
 * @pos: the reservation's position token.
 * @count: its amount of blocks, at least 1.
 * @fd: the file or socket.
 * @op: WELL_URING_READ, WELL_URING_WRITE, WELL_URING_RECV or
 *      WELL_URING_SEND.
 * @off: file offset of the reservation's first byte (READ and WRITE);
 *       ignored on sockets.
 * @data: the caller's, passed back untouched.
 * @done: set by the layer: bytes moved, counted from the reservation's
 *        first byte (a prefix: bytes past a failed span do not count).
 * @error: set by the layer: 0, or the first -errno of the request;
 *         -ENODATA when a read or recv met end of file or a closed peer
 *         before the reservation was full, -EIO when a write moved nothing.
 */
struct well_uring_io {
	struct well_side *to;
	size_t pos;
	size_t count;
	int fd;
	unsigned int op;
	uint64_t off;
	void *data;
	size_t done;
	int error;
};

/**
 * struct well_uring - the context: one io_uring, one well's geometry.
 * @ring: the caller's io_uring.
 * @geo: the well whose blocks the requests address (for a /dev/well
 *       client, &dev->geo: the data mapping and its geometry).
 * @complete: called once per request when it is over, before its blocks
 *            are released; NULL to only release. Returns 0 to let the layer
 *            release the blocks (in reservation order), WELL_URING_KEEP to
 *            keep them: the caller then releases them itself, and later
 *            requests wait for that release as they would for any other.
 * @release: how blocks are released; NULL for well_release_multi() on
 *           io->to. Returns 0 when the release landed and -EAGAIN while an
 *           earlier reservation is unreleased (a /dev/well client passes a
 *           wrapper of well_dev_release()); any other value counts as
 *           landed.
 * @arg: the caller's, for @complete and @release.
 * @fixed: set by well_uring_register(): the number of fixed buffers the
 *         block memory is registered as, 0 when requests are unregistered.
 * @reg_error: set by well_uring_register(): 0, or why the memory is not
 *             registered.
 * @zc: SEND uses IORING_OP_SEND_ZC (the kernel has it, probed at
 *      well_uring_init(), and WELL_URING_NO_ZC was not given).
 * @async: READ and WRITE SQEs carry IOSQE_ASYNC: the kernel hands them
 *         to an io-wq worker without first trying them inline (set by
 *         WELL_URING_ASYNC; the caller may change it between requests).
 * @depth: requests the context holds at once.
 * @inflight: requests queued and not yet over.
 * @waiting: requests over, their blocks not yet released because an
 *           earlier reservation is still held.
 * @slots: the requests; private to the library.
 * @free: free slots; private.
 * @wait_list: finished slots waiting for their release; private.
 * @stream_list: socket requests in the order they were queued, the head
 *               of each stream (fd and direction) the one with its SQE in
 *               flight; private.
 *
 * Fill @complete, @release and @arg after well_uring_init(); the other
 * members are the library's and only read by the caller.
 */
struct well_uring {
	struct io_uring *ring;
	const struct well *geo;
	int (*complete)(struct well_uring *u, struct well_uring_io *io);
	int (*release)(struct well_uring *u, const struct well_uring_io *io);
	void *arg;
	unsigned int fixed;
	int reg_error;
	int zc;
	int async;
	unsigned int depth;
	unsigned int inflight;
	unsigned int waiting;
	struct well_uring_slot *slots;
	struct well_uring_slot *free;
	struct well_uring_slot *wait_list;
	struct well_uring_slot *stream_list;
};

int well_uring_init(struct well_uring *u, struct io_uring *ring,
		    const struct well *geo, unsigned int depth,
		    unsigned int flags);
int well_uring_register(struct well_uring *u);
void well_uring_exit(struct well_uring *u);
int well_uring_prep(struct well_uring *u, const struct well_uring_io *io);
int well_uring_cqe(struct well_uring *u, const struct io_uring_cqe *cqe);
int well_uring_run(struct well_uring *u, unsigned int wait_nr);
size_t well_uring_flush(struct well_uring *u);

#endif /* WELL_URING_H */
