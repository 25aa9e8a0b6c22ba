/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * record_peer.h - what the two peers of well-record in make bench-kmod
 * share (bench/kmod/record_read.c, bench/kmod/record_mmap.c): options,
 * the output file, the timing and the report. Each peer writes every
 * block kernel producers put into a /dev/well ring, whole and in
 * consumption order, to a file, as well-record does, but with write():
 * record-read from a WELL_CREATE_READ ring through read() into a buffer,
 * record-mmap from the mapped ring, one write() per contiguous span of a
 * reservation.
 */
#ifndef WELL_RECORD_PEER_H
#define WELL_RECORD_PEER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <well/dev.h>

/**
 * struct rec_opts - a peer's options (record_parse()).
 * @tool: the program's name.
 * @dev_path: the device node (--device).
 * @out: the output file (-o).
 * @req: the kernel producers: producers (-p), blocks per producer (-n).
 * @blk_size: bytes per block (-b).
 * @blk_count: blocks in the ring (-c).
 * @chunk: most bytes per read() or write() (-B), a multiple of @blk_size
 *         once parsed; default an eighth of the ring.
 * @direct: open the output with O_DIRECT (-d).
 * @sync: fdatasync() the output before the clock stops (-s).
 * @verify: read the file back after the run and check every block (-v).
 */
struct rec_opts {
	const char *tool;
	const char *dev_path;
	const char *out;
	struct well_start req;
	uint32_t blk_size;
	uint32_t blk_count;
	size_t chunk;
	int direct;
	int sync;
	int verify;
};

/**
 * struct rec_clock - wall clock and CPU time of the process at a moment.
 * @wall: CLOCK_MONOTONIC, seconds.
 * @ru: getrusage(RUSAGE_SELF): every thread of the process, the io_uring
 *      workers of well-record included.
 */
struct rec_clock {
	double wall;
	struct rusage ru;
};

int record_parse(struct rec_opts *o, int argc, char **argv,
		 const char *summary);
int record_setup(const struct rec_opts *o, struct well_dev *dev,
		 uint32_t flags, int *out_fd);
void record_now(struct rec_clock *c);
int record_start(const struct rec_opts *o, struct well_dev *dev,
		 struct rec_clock *t0);
int record_write(const struct rec_opts *o, int fd, const void *p, size_t len);
int record_finish(const struct rec_opts *o, struct well_dev *dev, int fd,
		  const struct rec_clock *t0, uint64_t done, int err);

#endif /* WELL_RECORD_PEER_H */
