// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well-consume - create a /dev/well ring, start kernel producers, consume
 * and verify every block (producer sequence and checksum), and print the
 * throughput. well-consume --help lists the options and the exit codes
 * (user/tools/tool.h): 0 every block arrived intact, 1 verification
 * failed, 2 usage error, 3 setup error (device, ring, producers).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "dev_verify.h"
#include "tool.h"

#define TOOL		"well-consume"
#define DEFAULT_DEV	"/dev/well"

static double well_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void well_usage(FILE *f)
{
	fprintf(f,
		"Usage: " TOOL " [OPTION]...\n"
		"Create a ring on /dev/well, start kernel producers writing numbered,\n"
		"checksummed blocks into it, consume them all, check every one (its\n"
		"producer's sequence and its checksum) and print the throughput.\n"
		"Needs the well module loaded (Documentation/well/kmod.rst).\n"
		"\n"
		"  -d, --device=PATH      the device node (default " DEFAULT_DEV ")\n"
		"  -b, --block-size=BYTES bytes per block, a power of two in %u..%u\n"
		"                         (default 64)\n"
		"  -c, --blocks=COUNT     blocks in the ring, a power of two in 1..%u\n"
		"                         (default 4096)\n"
		"  -p, --producers=N      kernel producers, 1..%u (default 1)\n"
		"  -n, --count=N          blocks each producer writes, 1..2^40\n"
		"                         (default 1000000)\n"
		"  -B, --batch=N          most blocks per producer reservation, 0..%u;\n"
		"                         0 lets the module pick (default 0: 16)\n"
		"  -t, --timer            the last producer runs in an hrtimer (atomic\n"
		"                         context), the others in kernel threads\n"
		"  -e, --empty            producers write headers only, no payload\n"
		"  -r, --read             consume with read() (one copy per block)\n"
		"                         instead of the shared mapping\n"
		"  -R, --read-one         with -r: one block per read() call\n"
		"  -h, --help             print this help and exit\n"
		"  -V, --version          print the version and exit\n"
		"\n"
		WELL_TOOL_EXIT_HELP,
		WELL_BLK_MIN, WELL_BLK_MAX, WELL_COUNT_MAX, WELL_PRODUCERS_MAX,
		WELL_COUNT_MAX);
}

static const struct option well_long_opts[] = {
	{ "device",	required_argument, NULL, 'd' },
	{ "block-size",	required_argument, NULL, 'b' },
	{ "blocks",	required_argument, NULL, 'c' },
	{ "producers",	required_argument, NULL, 'p' },
	{ "count",	required_argument, NULL, 'n' },
	{ "batch",	required_argument, NULL, 'B' },
	{ "timer",	no_argument,	   NULL, 't' },
	{ "empty",	no_argument,	   NULL, 'e' },
	{ "read",	no_argument,	   NULL, 'r' },
	{ "read-one",	no_argument,	   NULL, 'R' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ "version",	no_argument,	   NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	struct well_start req = { .producers = 1, .blocks = 1000000 };
	struct well_dev_tally tally = { 0 };
	const char *path = DEFAULT_DEV;
	uint32_t blk_size = 64, blk_count = 4096;
	struct well_stats st;
	struct well_dev dev;
	double t0, dt;
	uint64_t total, v;
	uint32_t flags = 0, read_blocks = 0;
	char optname[3] = "-?";
	int opt, err;

	while ((opt = getopt_long(argc, argv, "d:b:c:p:n:B:trRehV",
				  well_long_opts, NULL)) != -1) {
		optname[1] = (char)opt;
		switch (opt) {
		case 'd':
			path = optarg;
			break;
		case 'b':
		case 'c':
			if (well_tool_geometry(TOOL, opt, optarg, &blk_size,
					       &blk_count))
				return well_tool_usage_error(TOOL);
			break;
		case 'p':
		case 'n':
			if (well_tool_load(TOOL, opt, optarg, &req))
				return well_tool_usage_error(TOOL);
			break;
		case 'B':
			if (well_tool_num(TOOL, optname, optarg, 0,
					  WELL_COUNT_MAX, &v))
				return well_tool_usage_error(TOOL);
			req.batch = v;
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
		case 'h':
			well_usage(stdout);
			return WELL_EXIT_OK;
		case 'V':
			well_tool_version(TOOL);
			return WELL_EXIT_OK;
		default:
			return well_tool_usage_error(TOOL);
		}
	}
	if (optind < argc)
		return well_tool_extra_arg(TOOL, argv[optind]);
	if (read_blocks && !(flags & WELL_CREATE_READ)) {
		fprintf(stderr, TOOL ": -R needs -r\n");
		return well_tool_usage_error(TOOL);
	}

	err = well_dev_open(&dev, path);
	if (err) {
		well_tool_dev_error(TOOL, path, "cannot open", err);
		return WELL_EXIT_SETUP;
	}
	dev.read_blocks = read_blocks;
	err = well_dev_create_flags(&dev, blk_size, blk_count, flags);
	if (err) {
		well_tool_dev_error(TOOL, path, "cannot create a ring on", err);
		fprintf(stderr, TOOL ": the ring asked for: %u blocks of %u bytes%s\n",
			blk_count, blk_size,
			err == -ENOMEM ? ": too much kernel memory, try a smaller -c or -b" : "");
		well_dev_close(&dev);
		return WELL_EXIT_SETUP;
	}
	tally.producers = req.producers;
	total = req.blocks * req.producers;
	t0 = well_now();
	err = well_dev_start_req(&dev, &req);
	if (err) {
		well_tool_dev_error(TOOL, path, "cannot start producers on", err);
		well_dev_close(&dev);
		return WELL_EXIT_SETUP;
	}
	err = well_dev_drain(&dev, &tally, total, 10000);
	dt = well_now() - t0;
	if (err == -ETIMEDOUT)
		fprintf(stderr, TOOL ": %s: no block for 10 s: the producers stopped early\n",
			path);
	else if (err == -EIO)
		fprintf(stderr, TOOL ": %s: the module marked the ring broken (see dmesg)\n",
			path);
	else if (err)
		fprintf(stderr, TOOL ": %s: consuming failed: %s\n", path,
			strerror(-err));
	if (!well_dev_stats(&dev, &st))
		printf("kernel: published %llu, waits %llu, wakes %llu, timer runs %llu\n",
		       (unsigned long long)st.published,
		       (unsigned long long)st.waits,
		       (unsigned long long)st.wakes,
		       (unsigned long long)st.timer_runs);
	well_dev_stop(&dev);
	well_dev_close(&dev);

	printf(TOOL ": %" PRIu64 " blocks of %u bytes, %u producers%s, %s\n",
	       tally.blocks, blk_size, req.producers,
	       req.flags & WELL_START_TIMER ? " (last in an hrtimer)" : "",
	       flags & WELL_CREATE_READ ? "read()" : "mmap");
	printf(TOOL ": %.0f blocks/s, %.1f MB/s\n", tally.blocks / dt,
	       tally.blocks * (double)blk_size / dt / 1e6);
	printf(TOOL ": errors: %" PRIu64 " checksum, %" PRIu64 " sequence\n",
	       tally.bad_csum, tally.bad_seq);
	if (err || tally.blocks != total || tally.bad_csum || tally.bad_seq) {
		printf(TOOL ": verification FAILED: %" PRIu64 " of %" PRIu64 " blocks\n",
		       tally.blocks, total);
		return WELL_EXIT_FAILED;
	}
	printf(TOOL ": verification OK\n");
	return WELL_EXIT_OK;
}
