// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * record_peer.c - shared by the peers of well-record (record_peer.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "dev_verify.h"
#include "record_peer.h"
#include "tool.h"

static void record_usage(const struct rec_opts *o, const char *summary)
{
	printf("Usage: %s -o FILE [OPTION]...\n"
	       "%s\n"
	       "A peer of well-record in make bench-kmod: kernel producers into a\n"
	       "/dev/well ring, every block written whole, in consumption order, to\n"
	       "FILE; prints blocks, bytes, MB/s and the CPU time of the process\n"
	       "(getrusage), as well-record does. The options are well-record's.\n"
	       "\n"
	       "  -o, --output=FILE      the file to write (created or truncated)\n"
	       "  -p, --producers=N      kernel producers, 1..%u (default 1)\n"
	       "  -n, --count=N          blocks each producer writes (default 1000000)\n"
	       "  -b, --block-size=BYTES bytes per block, a power of two (default 4096)\n"
	       "  -c, --blocks=COUNT     blocks in the ring, a power of two (default 1024)\n"
	       "  -m, --memory=module    the ring's memory: only the module's here\n"
	       "  -d, --direct           open FILE with O_DIRECT\n"
	       "  -s, --sync             fdatasync() FILE before the clock stops\n"
	       "  -B, --buffer=BYTES     most bytes per read() or write(), whole blocks\n"
	       "                         (default: an eighth of the ring, the most\n"
	       "                         well-record puts in one write at its depth 8)\n"
	       "  -v, --verify           read FILE back afterwards, check every block\n"
	       "  -D, --device=PATH      the device node (default /dev/well)\n"
	       "  -h, --help             print this help and exit\n"
	       "  -V, --version          print the version and exit\n"
	       "\n" WELL_TOOL_EXIT_HELP, o->tool, summary, WELL_PRODUCERS_MAX);
}

static const struct option record_long_opts[] = {
	{ "output",	required_argument, NULL, 'o' },
	{ "producers",	required_argument, NULL, 'p' },
	{ "count",	required_argument, NULL, 'n' },
	{ "block-size",	required_argument, NULL, 'b' },
	{ "blocks",	required_argument, NULL, 'c' },
	{ "memory",	required_argument, NULL, 'm' },
	{ "direct",	no_argument,	   NULL, 'd' },
	{ "sync",	no_argument,	   NULL, 's' },
	{ "buffer",	required_argument, NULL, 'B' },
	{ "verify",	no_argument,	   NULL, 'v' },
	{ "device",	required_argument, NULL, 'D' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ "version",	no_argument,	   NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/**
 * record_parse() - parse a peer's command line into @o.
 * @o: the options; @o->tool set by the caller, the rest filled here.
 * @argc: from main().
 * @argv: from main().
 * @summary: the line --help prints under the usage line.
 *
 * Return: -1 to go on, or the exit code to leave with (--help, --version,
 * a usage error after its message).
 */
int record_parse(struct rec_opts *o, int argc, char **argv,
		 const char *summary)
{
	char optname[3] = "-?";
	uint64_t v;
	int opt;

	o->dev_path = "/dev/well";
	o->req.producers = 1;
	o->req.blocks = 1000000;
	o->blk_size = 4096;
	o->blk_count = 1024;
	while ((opt = getopt_long(argc, argv, "o:p:n:b:c:m:dsB:vD:hV",
				  record_long_opts, NULL)) != -1) {
		optname[1] = (char)opt;
		switch (opt) {
		case 'p':
		case 'n':
			if (well_tool_load(o->tool, opt, optarg, &o->req))
				return well_tool_usage_error(o->tool);
			break;
		case 'b':
		case 'c':
			if (well_tool_geometry(o->tool, opt, optarg,
					       &o->blk_size, &o->blk_count))
				return well_tool_usage_error(o->tool);
			break;
		case 'B':
			if (well_tool_num(o->tool, optname, optarg, 1,
					  1U << 30, &v))
				return well_tool_usage_error(o->tool);
			o->chunk = v;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "module")) {
				fprintf(stderr, "%s: -m %s: only 'module' here\n",
					o->tool, optarg);
				return well_tool_usage_error(o->tool);
			}
			break;
		case 'd':
			o->direct = 1;
			break;
		case 's':
			o->sync = 1;
			break;
		case 'v':
			o->verify = 1;
			break;
		case 'D':
			o->dev_path = optarg;
			break;
		case 'h':
			record_usage(o, summary);
			return WELL_EXIT_OK;
		case 'V':
			well_tool_version(o->tool);
			return WELL_EXIT_OK;
		default:
			return well_tool_usage_error(o->tool);
		}
	}
	if (optind < argc)
		return well_tool_extra_arg(o->tool, argv[optind]);
	if (!o->out) {
		fprintf(stderr, "%s: no output file: give -o FILE\n", o->tool);
		return well_tool_usage_error(o->tool);
	}
	if (!o->chunk)
		o->chunk = (size_t)o->blk_count / 8 * o->blk_size;
	o->chunk -= o->chunk % o->blk_size;
	if (!o->chunk)
		o->chunk = o->blk_size;
	return -1;
}

/**
 * record_setup() - open the device, create the ring, open the output.
 * @o: the options.
 * @dev: the ring, created here (mapped unless @flags has WELL_CREATE_READ).
 * @flags: WELL_CREATE_* bits.
 * @out_fd: where to store the output's descriptor.
 *
 * Return: 0, or an exit code after a message.
 */
int record_setup(const struct rec_opts *o, struct well_dev *dev,
		 uint32_t flags, int *out_fd)
{
	int err;

	err = well_dev_open(dev, o->dev_path);
	if (err) {
		well_tool_dev_error(o->tool, o->dev_path, "cannot open", err);
		return WELL_EXIT_SETUP;
	}
	err = well_dev_create_flags(dev, o->blk_size, o->blk_count, flags);
	if (err) {
		well_tool_dev_error(o->tool, o->dev_path,
				    "cannot create a ring on", err);
		well_dev_close(dev);
		return WELL_EXIT_SETUP;
	}
	*out_fd = open(o->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		       (o->direct ? O_DIRECT : 0), 0644);
	if (*out_fd < 0) {
		fprintf(stderr, "%s: cannot open %s%s: %s\n", o->tool, o->out,
			o->direct ? " with O_DIRECT" : "", strerror(errno));
		well_dev_close(dev);
		return WELL_EXIT_SETUP;
	}
	return 0;
}

/**
 * record_now() - read the clock and the process's CPU time.
 * @c: where to store them.
 */
void record_now(struct rec_clock *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	c->wall = ts.tv_sec + ts.tv_nsec / 1e9;
	getrusage(RUSAGE_SELF, &c->ru);
}

/**
 * record_start() - start the clock, then the kernel producers.
 * @o: the options.
 * @dev: the ring.
 * @t0: where to store the start.
 *
 * Return: 0, or an exit code after a message (the ring is closed then).
 */
int record_start(const struct rec_opts *o, struct well_dev *dev,
		 struct rec_clock *t0)
{
	int err;

	record_now(t0);
	err = well_dev_start_req(dev, &o->req);
	if (err) {
		well_tool_dev_error(o->tool, o->dev_path,
				    "cannot start producers on", err);
		well_dev_close(dev);
		return WELL_EXIT_SETUP;
	}
	return 0;
}

/* write() calls made, for the report. */
static uint64_t record_writes;

/**
 * record_write() - write() all of a buffer, resuming short writes.
 * @o: the options (for the message).
 * @fd: the output.
 * @p: the bytes.
 * @len: how many.
 *
 * Return: 0, or -errno after a message.
 */
int record_write(const struct rec_opts *o, int fd, const void *p, size_t len)
{
	const char *c = p;
	ssize_t n;

	while (len) {
		n = write(fd, c, len);
		record_writes++;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			n = n ? -errno : -EIO;
			fprintf(stderr, "%s: write to %s: %s\n", o->tool,
				o->out, strerror((int)-n));
			return (int)n;
		}
		c += n;
		len -= n;
	}
	return 0;
}

static double record_cpu(const struct rusage *ru)
{
	return ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 +
	       ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

static double record_tv(const struct timeval *a, const struct timeval *b)
{
	return b->tv_sec - a->tv_sec + (b->tv_usec - a->tv_usec) / 1e6;
}

/* Read the file back: every producer's blocks complete, in order, intact. */
static int record_verify(const struct rec_opts *o, uint64_t total)
{
	struct well_dev_tally t = { .producers = o->req.producers };
	uint64_t first_bad = 0;
	int fd, err;

	fd = open(o->out, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot read %s back: %s\n", o->tool,
			o->out, strerror(errno));
		return -1;
	}
	err = well_dev_tally_file(fd, o->blk_size, &t, &first_bad);
	close(fd);
	err = err || t.blocks != total || t.bad_csum || t.bad_seq;
	printf("%s: verify %s: %" PRIu64 " blocks, %" PRIu64 " checksum, %"
	       PRIu64 " sequence errors (first bad block %" PRIu64 "): %s\n",
	       o->tool, o->out, t.blocks, t.bad_csum, t.bad_seq, first_bad,
	       err ? "FAILED" : "OK");
	return err ? -1 : 0;
}

/**
 * record_finish() - fdatasync (-s), stop the clock, report, verify, clean up.
 * @o: the options.
 * @dev: the ring; closed here.
 * @fd: the output; closed here.
 * @t0: record_now() before the producers started.
 * @done: blocks written.
 * @err: 0, or the -errno the peer's loop stopped with.
 *
 * Prints well-record's four result lines word for word. With -s the
 * fdatasync() is inside the timed run, as in well-record: on
 * a disk it makes the page cache's writeback part of the measure.
 *
 * Return: the exit code.
 */
int record_finish(const struct rec_opts *o, struct well_dev *dev, int fd,
		  const struct rec_clock *t0, uint64_t done, int err)
{
	uint64_t total = o->req.blocks * o->req.producers;
	double bytes = (double)done * o->blk_size, dt, cpu;
	struct rec_clock t1;

	if (!err && o->sync && fdatasync(fd)) {
		err = -errno;
		fprintf(stderr, "%s: fdatasync %s: %s\n", o->tool, o->out,
			strerror(errno));
	}
	record_now(&t1);
	well_dev_stop(dev);
	close(fd);
	dt = t1.wall - t0->wall;
	cpu = record_cpu(&t1.ru) - record_cpu(&t0->ru);
	printf("%s: %" PRIu64 " blocks, %.0f bytes to %s in %.3f s: %.1f MB/s\n",
	       o->tool, done, bytes, o->out, dt, dt > 0 ? bytes / dt / 1e6 : 0);
	printf("%s: %" PRIu64 " writes, %.1f blocks each\n", o->tool,
	       record_writes,
	       record_writes ? (double)done / record_writes : 0.0);
	printf("%s: CPU %.3f s (user %.3f s, sys %.3f s): %.3f s per GB\n",
	       o->tool, cpu, record_tv(&t0->ru.ru_utime, &t1.ru.ru_utime),
	       record_tv(&t0->ru.ru_stime, &t1.ru.ru_stime),
	       bytes > 0 ? cpu / (bytes / 1e9) : 0);
	/* One thread: all of it is this thread's. */
	printf("%s: CPU in this thread %.3f s, in io-wq workers 0.000 s\n",
	       o->tool, cpu);
	if (!err && done == total && o->verify &&
	    record_verify(o, total))
		err = -EBADMSG;
	well_dev_close(dev);
	if (err || done != total) {
		fprintf(stderr, "%s: FAILED: %" PRIu64 " of %" PRIu64
			" blocks written\n", o->tool, done, total);
		return WELL_EXIT_FAILED;
	}
	return WELL_EXIT_OK;
}
