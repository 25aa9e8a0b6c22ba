// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * record-mmap - peer (b) of well-record in make bench-kmod: kernel
 * producers into the mapped ring, one write() per contiguous span of each
 * reservation (at most two: before and after the wrap), straight from
 * the mapping, then the blocks go back. What a program without io_uring
 * does: the only copy is write()'s into the page cache, none with
 * O_DIRECT; each write() blocks the consumer until it is over. Options
 * and report: record_peer.h; record-mmap --help.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include "record_peer.h"
#include "tool.h"

int main(int argc, char **argv)
{
	struct rec_opts o = { .tool = "record-mmap" };
	struct rec_clock t0;
	struct well_dev dev;
	uint64_t total, done = 0;
	size_t pos, n, k, run, max;
	int rc, fd, err = 0;
	void *p;

	rc = record_parse(&o, argc, argv,
			  "write() from the mapped ring, span by span, to FILE.");
	if (rc >= 0)
		return rc;
	rc = record_setup(&o, &dev, 0, &fd);
	if (rc)
		return rc;
	rc = record_start(&o, &dev, &t0);
	if (rc)
		return rc;
	total = o.req.blocks * o.req.producers;
	max = o.chunk / o.blk_size;
	while (!err && done < total) {
		n = well_dev_consume(&dev, &pos, total - done < max ?
				     total - done : max);
		if (!n) {
			err = well_dev_wait(&dev, 10000);
			if (err > 0) {
				err = 0;
			} else {
				err = err ? err : -ETIMEDOUT;
				fprintf(stderr, "%s: waiting on %s: %s\n",
					o.tool, o.dev_path, strerror(-err));
			}
			continue;
		}
		for (k = 0; !err && k < n; k += run) {
			p = well_span(&dev.geo, pos + k, n - k, &run);
			err = record_write(&o, fd, p, run * o.blk_size);
		}
		if (err)
			break;
		while ((err = well_dev_release(&dev, pos, n)) == -EAGAIN)
			sched_yield();
		done += n;
	}
	return record_finish(&o, &dev, fd, &t0, done, err);
}
