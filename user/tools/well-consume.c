// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well-consume - create a /dev/well ring, start kernel producers, consume
 * and verify every block (producer sequence and checksum), and print the
 * throughput.
 *
 * usage: well-consume [-d dev] [-b blk_size] [-c blk_count] [-p producers]
 *                     [-n blocks_per_producer] [-B batch] [-t] [-r]
 *   -t  the last producer runs in an hrtimer (atomic context)
 *   -r  consume with read() (one copy per block) instead of the mapping
 *   -R  with -r: one block per read() call
 *   -e  producers write headers only (no payload): the cheapest blocks
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "dev_verify.h"

static double well_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void well_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-d dev] [-b size] [-c count] [-p producers] [-n blocks] [-B batch] [-t] [-r [-R]] [-e]\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	struct well_start req = { .producers = 1, .blocks = 1000000 };
	struct well_dev_tally tally = { 0 };
	const char *path = NULL;
	uint32_t blk_size = 64, blk_count = 4096;
	struct well_stats st;
	struct well_dev dev;
	double t0, dt;
	uint64_t total;
	uint32_t flags = 0, read_blocks = 0;
	int opt, err;

	while ((opt = getopt(argc, argv, "d:b:c:p:n:B:trRe")) != -1) {
		switch (opt) {
		case 'd':
			path = optarg;
			break;
		case 'b':
			blk_size = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			blk_count = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			req.producers = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			req.blocks = strtoull(optarg, NULL, 0);
			break;
		case 'B':
			req.batch = strtoul(optarg, NULL, 0);
			break;
		case 't':
			req.flags |= WELL_START_TIMER;
			break;
		case 'r':
			flags |= WELL_CREATE_READ;
			break;
		case 'R':
			read_blocks = 1;
			break;
		case 'e':
			req.flags |= WELL_START_EMPTY;
			break;
		default:
			well_usage(argv[0]);
		}
	}
	if (!req.blocks)
		well_usage(argv[0]);

	err = well_dev_open(&dev, path);
	dev.read_blocks = read_blocks;
	if (!err)
		err = well_dev_create_flags(&dev, blk_size, blk_count, flags);
	if (err) {
		fprintf(stderr, "well-consume: %s\n", strerror(-err));
		return 1;
	}
	tally.producers = req.producers;
	total = req.blocks * req.producers;
	t0 = well_now();
	err = well_dev_start_req(&dev, &req);
	if (!err)
		err = well_dev_drain(&dev, &tally, total, 10000);
	dt = well_now() - t0;
	if (err)
		fprintf(stderr, "well-consume: %s\n", strerror(-err));
	if (!well_dev_stats(&dev, &st))
		printf("kernel: published %llu, waits %llu, wakes %llu, timer runs %llu\n",
		       (unsigned long long)st.published,
		       (unsigned long long)st.waits,
		       (unsigned long long)st.wakes,
		       (unsigned long long)st.timer_runs);
	well_dev_stop(&dev);
	well_dev_close(&dev);

	printf("well-consume: %" PRIu64 " blocks of %u bytes, %u producers%s, %s\n",
	       tally.blocks, blk_size, req.producers,
	       req.flags & WELL_START_TIMER ? " (last in an hrtimer)" : "",
	       flags & WELL_CREATE_READ ? "read()" : "mmap");
	printf("well-consume: %.0f blocks/s, %.1f MB/s\n", tally.blocks / dt,
	       tally.blocks * (double)blk_size / dt / 1e6);
	printf("well-consume: errors: %" PRIu64 " checksum, %" PRIu64 " sequence\n",
	       tally.bad_csum, tally.bad_seq);
	if (err || tally.blocks != total || tally.bad_csum || tally.bad_seq) {
		printf("well-consume: verification FAILED\n");
		return 1;
	}
	printf("well-consume: verification OK\n");
	return 0;
}
