// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * record-read - peer (a) of well-record in make bench-kmod: kernel
 * producers into a WELL_CREATE_READ ring, read() into a buffer (one
 * copy_to_user() per block), write() of what was read to the file (a
 * second copy, into the page cache, unless O_DIRECT). Options and report:
 * record_peer.h; record-read --help.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "record_peer.h"
#include "tool.h"

int main(int argc, char **argv)
{
	struct rec_opts o = { .tool = "record-read" };
	struct rec_clock t0;
	struct well_dev dev;
	uint64_t total, done = 0;
	void *buf;
	ssize_t got;
	int rc, fd, err = 0;

	rc = record_parse(&o, argc, argv,
			  "read() from a WELL_CREATE_READ ring, write() to FILE.");
	if (rc >= 0)
		return rc;
	rc = record_setup(&o, &dev, WELL_CREATE_READ, &fd);
	if (rc)
		return rc;
	/* Page-aligned: O_DIRECT writes straight from it. */
	if (posix_memalign(&buf, 4096, o.chunk)) {
		fprintf(stderr, "%s: no memory for a %zu-byte buffer\n",
			o.tool, o.chunk);
		return WELL_EXIT_SETUP;
	}
	rc = record_start(&o, &dev, &t0);
	if (rc)
		return rc;
	total = o.req.blocks * o.req.producers;
	while (done < total) {
		size_t want = o.chunk;

		if ((total - done) * o.blk_size < want)
			want = (total - done) * o.blk_size;
		/* Blocks until at least one block is there. */
		got = read(dev.fd, buf, want);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			err = got ? -errno : -EIO;
			fprintf(stderr, "%s: read %s: %s\n", o.tool,
				o.dev_path, strerror(-err));
			break;
		}
		err = record_write(&o, fd, buf, got);
		if (err)
			break;
		done += got / o.blk_size;
	}
	rc = record_finish(&o, &dev, fd, &t0, done, err);
	free(buf);
	return rc;
}
