// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well_uring_copy.c - copy a file through a well's blocks with io_uring.
 *
 * One context reads the source into reservations of up to 4 blocks,
 * straight into the ring memory (registered as fixed buffers where the
 * kernel allows it); the blocks it filled go to rx in reservation order
 * whatever order the reads finish in. A second context on the same thread
 * writes the blocks of rx to the destination at the same offsets and gives
 * them back to tx. No byte is copied by the CPU.
 *
 * Build: cc well_uring_copy.c $(pkg-config --cflags --libs well-uring)
 * Usage: well_uring_copy [SRC DST]; without arguments it copies 1 MiB of
 * generated data between two temporary files and compares them.
 * Exits 0 when the copy is complete (and, without arguments, equal).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <liburing.h>
#include <well/uring.h>

#define BLK_SIZE	4096
#define BLK_COUNT	32

static int failed;

/* Called once per request: its reservation, the bytes moved, the error. */
static int complete(struct well_uring *u, struct well_uring_io *io)
{
	(void)u;
	if (io->error && !(io->error == -ENODATA && io->op == WELL_URING_READ)) {
		fprintf(stderr, "%s of blocks %zu..%zu: %s\n",
			io->op == WELL_URING_READ ? "read" : "write", io->pos,
			io->pos + io->count - 1, strerror(-io->error));
		failed = 1;
	}
	return 0;	/* release the blocks, in reservation order */
}

static int copy(int in, int out, off_t size)
{
	size_t blocks = (size_t)(size + BLK_SIZE - 1) / BLK_SIZE;
	size_t made = 0, written = 0, n, pos;
	struct io_uring rd_ring, wr_ring;
	struct well_uring rd, wr;
	struct well_uring_io io;
	struct well w;
	void *mem;
	int ret;

	if (well_params(BLK_SIZE, BLK_COUNT, &w))
		return -EINVAL;
	mem = aligned_alloc(4096, well_size(&w));
	if (!mem || well_init(&w, mem))
		return -ENOMEM;
	ret = io_uring_queue_init(16, &rd_ring, 0);
	if (ret) {
		fprintf(stderr, "io_uring: %s\n", strerror(-ret));
		return ret;
	}
	io_uring_queue_init(16, &wr_ring, 0);
	well_uring_init(&rd, &rd_ring, &w, 8, 0);
	well_uring_init(&wr, &wr_ring, &w, 8, 0);
	rd.complete = wr.complete = complete;
	ret = well_uring_register(&rd);
	well_uring_register(&wr);
	printf("block memory %s\n", ret ? "not registered: plain requests" :
	       "registered as fixed buffer 0");

	while (written < blocks && !failed) {
		/* Read into free blocks: tx -> rx. */
		n = blocks - made < 4 ? blocks - made : 4;
		if (rd.inflight >= rd.depth)
			n = 0;
		if (n)
			n = well_reserve(&w.tx, &pos, n);
		if (n) {
			io = (struct well_uring_io){
				.to = &w.rx, .pos = pos, .count = n, .fd = in,
				.op = WELL_URING_READ,
				.off = (uint64_t)pos * BLK_SIZE,
			};
			well_uring_prep(&rd, &io);
			made += n;
		}
		well_uring_run(&rd, 0);
		/* Write the filled blocks out: rx -> tx. */
		n = wr.inflight < wr.depth ? well_reserve(&w.rx, &pos, 4) : 0;
		if (n) {
			io = (struct well_uring_io){
				.to = &w.tx, .pos = pos, .count = n, .fd = out,
				.op = WELL_URING_WRITE,
				.off = (uint64_t)pos * BLK_SIZE,
			};
			well_uring_prep(&wr, &io);
			written += n;
		}
		/* Wait only when neither side can start anything. */
		well_uring_run(&wr, !n && wr.inflight && !rd.inflight);
		if (!n && rd.inflight)
			well_uring_run(&rd, 1);
	}
	while (rd.inflight || wr.inflight) {
		well_uring_run(&rd, rd.inflight ? 1 : 0);
		well_uring_run(&wr, wr.inflight ? 1 : 0);
	}
	well_uring_exit(&rd);
	well_uring_exit(&wr);
	io_uring_queue_exit(&rd_ring);
	io_uring_queue_exit(&wr_ring);
	free(mem);
	/* The last block may be partly past the end: cut the copy to size. */
	if (!failed && ftruncate(out, size))
		return -errno;
	return failed ? -EIO : 0;
}

static int tmpfile_fd(void)
{
	char path[] = "/tmp/well-uring-copy-XXXXXX";
	int fd = mkstemp(path);

	if (fd >= 0)
		unlink(path);
	return fd;
}

int main(int argc, char **argv)
{
	size_t len = (1 << 20) + 1234, i;
	unsigned char *a, *b;
	struct stat st;
	int in, out, ret;

	if (argc == 3) {
		in = open(argv[1], O_RDONLY);
		out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (in < 0 || out < 0 || fstat(in, &st)) {
			perror("open");
			return 1;
		}
		return copy(in, out, st.st_size) ? 1 : 0;
	}
	a = malloc(len);
	b = malloc(len);
	in = tmpfile_fd();
	out = tmpfile_fd();
	if (!a || !b || in < 0 || out < 0)
		return 1;
	for (i = 0; i < len; i++)
		a[i] = (unsigned char)(i * 7 + i / 4096);
	if (pwrite(in, a, len, 0) != (ssize_t)len)
		return 1;
	ret = copy(in, out, (off_t)len);
	if (!ret && (pread(out, b, len, 0) != (ssize_t)len || memcmp(a, b, len)))
		ret = -EIO;
	printf("%zu bytes: %s\n", len, ret ? "FAILED" : "copied, equal");
	free(a);
	free(b);
	return ret ? 1 : 0;
}
