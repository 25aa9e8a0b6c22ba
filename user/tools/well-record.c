// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well-record - create a /dev/well ring, start kernel producers, and write
 * every block consumed, whole and in consumption order, to a file with
 * io_uring straight from the ring memory (libwell-uring: registered fixed
 * buffers where the kernel takes the ring's memory, plain writes from the
 * same pointers where it does not). Prints blocks, bytes, MB/s and the
 * process's CPU time. well-record --help lists the options and the exit
 * codes (user/tools/tool.h): 0 recorded, 1 a write failed or blocks are
 * missing, 2 usage error, 3 setup error.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <liburing.h>
#include <well/dev.h>
#include <well/uring.h>
#include "tool.h"

#define TOOL		"well-record"
#define DEFAULT_DEV	"/dev/well"
#define DEPTH_MAX	256
/* Without the file system's word (statx STATX_DIOALIGN): a sector. */
#define DIO_ALIGN_ASSUMED	512
#define HUGE_PAGE	(2UL << 20)

enum rec_mem { MEM_MODULE, MEM_ANON, MEM_HUGETLB };
static const char *const mem_names[] = { "module", "anon", "hugetlb", NULL };

enum rec_async { ASYNC_NEVER, ASYNC_ALWAYS };
static const char *const async_names[] = { "never", "always", NULL };

/* The index of @arg in the NULL-terminated @names, or -1. */
static int rec_pick(const char *const *names, const char *arg)
{
	int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(arg, names[i]))
			return i;
	return -1;
}

/**
 * struct rec - one recording.
 * @dev: the ring.
 * @u: the io_uring layer's context.
 * @fd: the output file.
 * @bs: bytes per block.
 * @err: first error of a write, 0 while none failed.
 * @err_block: the block (its index in the file) @err concerns.
 * @release_err: first error of a release (the kernel's wakeup).
 */
struct rec {
	struct well_dev dev;
	struct well_uring u;
	int fd;
	size_t bs;
	int err;
	uint64_t err_block;
	int release_err;
};

static double rec_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double rec_tv(const struct timeval *tv)
{
	return tv->tv_sec + tv->tv_usec / 1e6;
}

/* CPU time of the process (and its user and system parts), of this thread. */
static double rec_cpu(double *user, double *sys, double *thread)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	*thread = rec_tv(&ru.ru_utime) + rec_tv(&ru.ru_stime);
	getrusage(RUSAGE_SELF, &ru);
	*user = rec_tv(&ru.ru_utime);
	*sys = rec_tv(&ru.ru_stime);
	return *user + *sys;
}

static void rec_usage(FILE *f)
{
	fprintf(f,
		"Usage: " TOOL " -o FILE [OPTION]...\n"
		"Create a ring on /dev/well, start kernel producers writing numbered,\n"
		"checksummed blocks into it, and write every block consumed, whole and\n"
		"in consumption order, to FILE (nothing else) with io_uring straight\n"
		"from the ring memory: registered fixed buffers where the kernel takes\n"
		"the ring's memory, plain writes from the same pointers where not.\n"
		"Prints blocks, bytes, MB/s and the CPU time of the process.\n"
		"Needs the well module loaded (Documentation/well/kmod.rst).\n"
		"\n"
		"  -o, --output=FILE      the file to write (created or truncated)\n"
		"  -p, --producers=N      kernel producers, 1..%u (default 1)\n"
		"  -n, --count=N          blocks each producer writes, 1..2^40\n"
		"                         (default 1000000)\n"
		"  -b, --block-size=BYTES bytes per block, a power of two in %u..%u\n"
		"                         (default 4096)\n"
		"  -c, --blocks=COUNT     blocks in the ring, a power of two in 1..%u\n"
		"                         (default 1024)\n"
		"  -m, --memory=KIND      the ring's memory: module (the module's\n"
		"                         pages, the default), anon (this process's\n"
		"                         anonymous memory), hugetlb (2 MiB huge pages)\n"
		"  -q, --depth=N          writes in flight at most, 1..%u (default 8)\n"
		"  -d, --direct           open FILE with O_DIRECT; the block size must be\n"
		"                         a multiple of the file's direct I/O alignment;\n"
		"                         FILE is preallocated (fallocate) to the total\n"
		"                         and cut to the bytes written at the end\n"
		"  -A, --async=WHEN       never (the default: the kernel tries each write\n"
		"                         inline and hands it to an io-wq worker only\n"
		"                         when it must) or always (every write with\n"
		"                         IOSQE_ASYNC, straight to a worker)\n"
		"  -s, --sync             fdatasync() FILE before the clock stops\n"
		"  -D, --device=PATH      the device node (default " DEFAULT_DEV ")\n"
		"  -h, --help             print this help and exit\n"
		"  -V, --version          print the version and exit\n"
		"\n"
		"CPU time is user+sys of this process (getrusage): io_uring's io-wq\n"
		"workers count (a second line splits it between this thread and the\n"
		"workers), the kernel producers' threads do not.\n"
		"\n"
		"Exit status:\n"
		"  0  every block recorded\n"
		"  1  ran, and a write failed or blocks did not arrive (the block is named)\n"
		"  2  usage error: unknown option, bad or out-of-range argument\n"
		"  3  setup error: the device, the ring, memory, FILE or io_uring\n"
		"     could not be set up\n",
		WELL_PRODUCERS_MAX, WELL_BLK_MIN, WELL_BLK_MAX, WELL_COUNT_MAX,
		DEPTH_MAX);
}

static const struct option rec_long_opts[] = {
	{ "output",	required_argument, NULL, 'o' },
	{ "producers",	required_argument, NULL, 'p' },
	{ "count",	required_argument, NULL, 'n' },
	{ "block-size",	required_argument, NULL, 'b' },
	{ "blocks",	required_argument, NULL, 'c' },
	{ "memory",	required_argument, NULL, 'm' },
	{ "depth",	required_argument, NULL, 'q' },
	{ "direct",	no_argument,	   NULL, 'd' },
	{ "async",	required_argument, NULL, 'A' },
	{ "sync",	no_argument,	   NULL, 's' },
	{ "device",	required_argument, NULL, 'D' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ "version",	no_argument,	   NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static int rec_release(struct well_uring *u, const struct well_uring_io *io)
{
	struct rec *r = u->arg;
	int err = well_dev_release(&r->dev, io->pos, io->count);

	if (err && err != -EAGAIN && !r->release_err)
		r->release_err = err;
	return err;
}

/* A write is over: note the first block that did not reach the file. */
static int rec_complete(struct well_uring *u, struct well_uring_io *io)
{
	struct rec *r = u->arg;
	uint64_t block;

	if (!io->error && io->done == io->count * r->bs)
		return 0;
	block = io->off / r->bs + io->done / r->bs;
	if (!r->err || block < r->err_block) {
		r->err = io->error ? io->error : -EIO;
		r->err_block = block;
	}
	return 0;
}

/*
 * O_DIRECT: every write starts at a multiple of the block size in the
 * file and in the (page-aligned) ring, and is a whole number of blocks:
 * it works when the block size is a multiple of both alignments.
 */
static int rec_check_direct(int fd, const char *path, size_t bs)
{
	uint32_t mem_align = DIO_ALIGN_ASSUMED, off_align = DIO_ALIGN_ASSUMED;
	const char *how = "assumed: the file system does not say";
	struct statx stx;

	if (!statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) &&
	    (stx.stx_mask & STATX_DIOALIGN)) {
		if (!stx.stx_dio_offset_align) {
			fprintf(stderr, TOOL ": -d: %s: its file system does not support direct I/O (O_DIRECT); leave out -d\n",
				path);
			return -1;
		}
		mem_align = stx.stx_dio_mem_align;
		off_align = stx.stx_dio_offset_align;
		how = "statx STATX_DIOALIGN";
	}
	if (bs % mem_align || bs % off_align) {
		fprintf(stderr, TOOL ": -d: block size %zu is not a multiple of %s's direct I/O alignment (%u in memory, %u in the file; %s): use -b %u or more\n",
			bs, path, mem_align, off_align, how,
			mem_align > off_align ? mem_align : off_align);
		return -1;
	}
	printf(TOOL ": O_DIRECT: alignment %u in memory, %u in the file (%s)\n",
	       mem_align, off_align, how);
	return 0;
}

static int rec_open_output(const char *path, int direct, size_t bs)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		      (direct ? O_DIRECT : 0), 0644);

	if (fd < 0 && direct && errno == EINVAL) {
		fprintf(stderr, TOOL ": -d: cannot open %s with O_DIRECT: %s: its file system does not support direct I/O (tmpfs before Linux 6.6, for one); leave out -d\n",
			path, strerror(EINVAL));
		return -1;
	}
	if (fd < 0) {
		fprintf(stderr, TOOL ": cannot open %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	if (direct && rec_check_direct(fd, path, bs)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The ring in caller memory (-m anon, -m hugetlb). Return: 0, -errno of
 * the ring's creation, or 1 when the memory could not be mapped (said).
 */
static int rec_create_user(struct well_dev *dev, enum rec_mem mem,
			   uint32_t bs, uint32_t count, void **map,
			   size_t *map_len)
{
	size_t len = (size_t)bs * count, page = (size_t)sysconf(_SC_PAGESIZE);
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	void *p;

	if (mem == MEM_HUGETLB) {
		flags |= MAP_HUGETLB;
		page = HUGE_PAGE;
	}
	len = (len + page - 1) & ~(page - 1);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED) {
		/* Said here: the caller has nothing to add. */
		if (mem == MEM_HUGETLB)
			fprintf(stderr, TOOL ": -m hugetlb: cannot map %zu bytes of 2 MiB huge pages: %s: reserve them first, e.g. 'echo %zu > /proc/sys/vm/nr_hugepages'\n",
				len, strerror(errno), len / HUGE_PAGE);
		else
			fprintf(stderr, TOOL ": -m anon: cannot map %zu bytes: %s\n",
				len, strerror(errno));
		return 1;
	}
	*map = p;
	*map_len = len;
	return well_dev_create_mem(dev, bs, count, p, len);
}

/*
 * The io-wq workers of this process (threads named iou-wrk-PID), or -1
 * when /proc/self/task cannot be read. A worker is created when the
 * first request is handed to io-wq and lives on while idle for seconds.
 */
static int rec_iowq_workers(void)
{
	char path[300], comm[32];
	struct dirent *de;
	int n = 0;
	DIR *d;
	FILE *f;

	d = opendir("/proc/self/task");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			 de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) &&
		    !strncmp(comm, "iou-wrk-", 8))
			n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

/*
 * -d: preallocate @len bytes so that no write extends the file (an
 * extending O_DIRECT write takes the exclusive inode lock, and io_uring
 * cannot try it inline on ext4). Return: 1 preallocated, 0 not supported
 * here (said), -1 failed (said, the file emptied again).
 */
static int rec_preallocate(int fd, const char *path, uint64_t len)
{
	if (!fallocate(fd, 0, 0, (off_t)len))
		return 1;
	if (errno == EOPNOTSUPP || errno == ENOSYS) {
		printf(TOOL ": %s: no preallocation (fallocate: %s): writes extend the file\n",
		       path, strerror(errno));
		return 0;
	}
	fprintf(stderr, TOOL ": %s: cannot preallocate %" PRIu64 " bytes: %s\n",
		path, len, strerror(errno));
	if (ftruncate(fd, 0))
		fprintf(stderr, TOOL ": %s: ftruncate: %s\n", path,
			strerror(errno));
	return -1;
}

int main(int argc, char **argv)
{
	struct well_start req = { .producers = 1, .blocks = 1000000 };
	struct well_uring_io io = { .op = WELL_URING_WRITE };
	const char *path = DEFAULT_DEV, *out = NULL;
	uint32_t blk_size = 4096, blk_count = 1024, depth = 8;
	uint64_t total, consumed = 0, writes = 0, bytes, v;
	double t0, dt, c0, cpu, u0, s0, u1, s1, th0, th1;
	int opt, err, direct = 0, sync = 0, ret = WELL_EXIT_OK;
	enum rec_mem mem = MEM_MODULE;
	enum rec_async async = ASYNC_NEVER;
	int prealloc = 0, workers, pick;
	struct stat fst;
	size_t map_len = 0, max, want, n, pos;
	char optname[3] = "-?";
	struct well_stats st;
	struct io_uring ring;
	void *map = NULL;
	struct rec r;
	int got;

	while ((opt = getopt_long(argc, argv, "o:p:n:b:c:m:q:dA:sD:hV",
				  rec_long_opts, NULL)) != -1) {
		optname[1] = (char)opt;
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'p':
		case 'n':
			if (well_tool_load(TOOL, opt, optarg, &req))
				return well_tool_usage_error(TOOL);
			break;
		case 'b':
		case 'c':
			if (well_tool_geometry(TOOL, opt, optarg, &blk_size,
					       &blk_count))
				return well_tool_usage_error(TOOL);
			break;
		case 'm':
			pick = rec_pick(mem_names, optarg);
			if (pick < 0) {
				fprintf(stderr, TOOL ": -m '%s': not a kind of memory (expected module, anon or hugetlb)\n",
					optarg);
				return well_tool_usage_error(TOOL);
			}
			mem = pick;
			break;
		case 'q':
			if (well_tool_num(TOOL, optname, optarg, 1, DEPTH_MAX,
					  &v))
				return well_tool_usage_error(TOOL);
			depth = v;
			break;
		case 'd':
			direct = 1;
			break;
		case 'A':
			pick = rec_pick(async_names, optarg);
			if (pick < 0) {
				fprintf(stderr, TOOL ": -A '%s': not a choice (expected never or always)\n",
					optarg);
				return well_tool_usage_error(TOOL);
			}
			async = pick;
			break;
		case 's':
			sync = 1;
			break;
		case 'D':
			path = optarg;
			break;
		case 'h':
			rec_usage(stdout);
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
	if (!out) {
		fprintf(stderr, TOOL ": no output file: give -o FILE\n");
		return well_tool_usage_error(TOOL);
	}

	memset(&r, 0, sizeof(r));
	r.bs = blk_size;
	r.fd = -1;
	err = well_dev_open(&r.dev, path);
	if (err) {
		well_tool_dev_error(TOOL, path, "cannot open", err);
		return WELL_EXIT_SETUP;
	}
	if (mem == MEM_MODULE) {
		err = well_dev_create(&r.dev, blk_size, blk_count);
	} else {
		err = rec_create_user(&r.dev, mem, blk_size, blk_count, &map,
				      &map_len);
		if (err == 1) {
			ret = WELL_EXIT_SETUP;
			goto out_dev;
		}
	}
	if (err) {
		well_tool_dev_error(TOOL, path, "cannot create a ring on", err);
		if (mem != MEM_MODULE && err == -EINVAL)
			fprintf(stderr, TOOL ": -m %s: rings in caller memory (WELL_CREATE_USER) are not supported by this kernel module\n",
				mem_names[mem]);
		fprintf(stderr, TOOL ": the ring asked for: %u blocks of %u bytes in %s memory%s%s\n",
			blk_count, blk_size, mem_names[mem],
			err == -ENOMEM ? ": too much memory, try a smaller -c or -b" : "",
			err == -ENOMEM && mem != MEM_MODULE ?
			", or raise the limit of locked memory (ulimit -l)" : "");
		ret = WELL_EXIT_SETUP;
		goto out_dev;
	}

	r.fd = rec_open_output(out, direct, blk_size);
	if (r.fd < 0) {
		ret = WELL_EXIT_SETUP;
		goto out_dev;
	}
	err = io_uring_queue_init(2 * depth, &ring, 0);
	if (err) {
		fprintf(stderr, TOOL ": cannot set up an io_uring: %s%s\n",
			strerror(-err), err == -EPERM ?
			" (kernel.io_uring_disabled forbids it)" : "");
		ret = WELL_EXIT_SETUP;
		goto out_dev;
	}
	err = well_uring_init(&r.u, &ring, &r.dev.geo, depth, WELL_URING_NO_ZC);
	if (err) {
		fprintf(stderr, TOOL ": cannot set up the io_uring layer: %s\n",
			strerror(-err));
		ret = WELL_EXIT_SETUP;
		goto out_ring;
	}
	if (fstat(r.fd, &fst)) {
		fprintf(stderr, TOOL ": %s: fstat: %s\n", out, strerror(errno));
		ret = WELL_EXIT_SETUP;
		goto out_uring;
	}
	r.u.async = async == ASYNC_ALWAYS;
	r.u.release = rec_release;
	r.u.complete = rec_complete;
	r.u.arg = &r;
	err = well_uring_register(&r.u);
	if (!err)
		printf(TOOL ": %s memory, %u blocks of %u bytes: registered as %u fixed buffer%s (WRITE_FIXED)%s\n",
		       mem_names[mem], blk_count, blk_size, r.u.fixed,
		       r.u.fixed == 1 ? "" : "s", direct ? ", O_DIRECT" : "");
	else
		printf(TOOL ": %s memory, %u blocks of %u bytes: plain writes from the ring (WRITE): the kernel refused to register it: %s%s\n",
		       mem_names[mem], blk_count, blk_size, strerror(-err),
		       direct ? ", O_DIRECT" : "");
	fflush(stdout);

	total = req.blocks * req.producers;
	/* Room for @depth writes in the ring at once. */
	max = blk_count / depth ? blk_count / depth : 1;
	io.to = &r.dev.ring->tx;
	io.fd = r.fd;
	t0 = rec_now();
	c0 = rec_cpu(&u0, &s0, &th0);
	/* Inside the timed run: it is part of the cost of writing. */
	if (direct && S_ISREG(fst.st_mode)) {
		prealloc = rec_preallocate(r.fd, out, total * blk_size);
		if (prealloc < 0) {
			ret = WELL_EXIT_SETUP;
			goto out_uring;
		}
	}
	err = well_dev_start_req(&r.dev, &req);
	if (err) {
		well_tool_dev_error(TOOL, path, "cannot start producers on", err);
		ret = WELL_EXIT_SETUP;
		goto out_uring;
	}
	while (!r.err && !r.release_err) {
		got = 0;
		while (consumed < total && r.u.inflight + r.u.waiting < depth) {
			want = total - consumed < max ? total - consumed : max;
			/*
			 * With a write in flight, a short one waits for more
			 * blocks: fewer, larger writes (the completion comes,
			 * and then whatever is there goes).
			 */
			if (r.u.inflight &&
			    well_peek(&r.dev.ring->rx) < (want + 1) / 2)
				break;
			n = well_dev_consume(&r.dev, &pos, want);
			if (!n)
				break;
			io.pos = pos;
			io.count = n;
			io.off = consumed * blk_size;
			err = well_uring_prep(&r.u, &io);
			if (err) {
				/* The blocks stay held: nothing after them is written. */
				r.err = err;
				r.err_block = consumed;
				break;
			}
			consumed += n;
			writes++;
			got++;
		}
		if (r.err || (consumed == total && !r.u.inflight))
			break;
		if (!got && !r.u.inflight) {
			/* Nothing in flight, nothing to consume: wait for the kernel. */
			err = well_dev_wait(&r.dev, 10000);
			if (err > 0)
				continue;
			if (!err)
				fprintf(stderr, TOOL ": %s: no block for 10 s after block %" PRIu64 ": the producers stopped early\n",
					path, consumed);
			else if (err == -EIO)
				fprintf(stderr, TOOL ": %s: the module marked the ring broken (see dmesg)\n",
					path);
			else
				fprintf(stderr, TOOL ": %s: waiting for blocks: %s\n",
					path, strerror(-err));
			ret = WELL_EXIT_FAILED;
			break;
		}
		err = well_uring_run(&r.u, got ? 0 : 1);
		if (err < 0) {
			r.err = err;
			r.err_block = consumed;
		}
	}
	/* Whatever is in flight lands (or fails) before anything is freed. */
	while (r.u.inflight && well_uring_run(&r.u, 1) >= 0)
		;
	well_uring_flush(&r.u);
	/* The file holds the blocks written, in order, and nothing else. */
	if (prealloc &&
	    ftruncate(r.fd, (off_t)((r.err ? r.err_block : consumed) *
				   blk_size)) && !r.err) {
		r.err = -errno;
		r.err_block = consumed;
	}
	if (sync && !r.err && fdatasync(r.fd)) {
		r.err = -errno;
		r.err_block = 0;
	}
	dt = rec_now() - t0;
	cpu = rec_cpu(&u1, &s1, &th1) - c0;
	if (!well_dev_stats(&r.dev, &st))
		printf(TOOL ": kernel: published %llu, producer waits %llu, wakes %llu\n",
		       (unsigned long long)st.published,
		       (unsigned long long)st.waits,
		       (unsigned long long)st.wakes);
	err = well_dev_stop(&r.dev);
	if (err && !ret)
		fprintf(stderr, TOOL ": cannot stop the producers: %s\n",
			strerror(-err));

	if (r.err) {
		fprintf(stderr, TOOL ": %s: block %" PRIu64 " (file offset %" PRIu64 "): write failed: %s\n",
			out, r.err_block, r.err_block * blk_size,
			strerror(-r.err));
		ret = WELL_EXIT_FAILED;
	}
	if (r.release_err) {
		fprintf(stderr, TOOL ": %s: giving blocks back to the producers failed: %s\n",
			path, strerror(-r.release_err));
		ret = WELL_EXIT_FAILED;
	}
	if (consumed != total && (r.err || r.release_err))
		fprintf(stderr, TOOL ": stopped after %" PRIu64 " of %" PRIu64 " blocks\n",
			consumed, total);
	else if (consumed != total)
		fprintf(stderr, TOOL ": block %" PRIu64 ": only %" PRIu64 " of %" PRIu64 " blocks arrived\n",
			consumed, consumed, total);
	if (consumed != total)
		ret = WELL_EXIT_FAILED;
	bytes = consumed * blk_size;
	printf(TOOL ": %" PRIu64 " blocks, %" PRIu64 " bytes to %s in %.3f s: %.1f MB/s\n",
	       consumed, bytes, out, dt, bytes / dt / 1e6);
	printf(TOOL ": %" PRIu64 " writes, %.1f blocks each\n", writes,
	       writes ? (double)consumed / writes : 0.0);
	printf(TOOL ": CPU %.3f s (user %.3f s, sys %.3f s): %.3f s per GB\n",
	       cpu, u1 - u0, s1 - s0, bytes ? cpu / (bytes / 1e9) : 0.0);
	printf(TOOL ": CPU in this thread %.3f s, in io-wq workers %.3f s\n",
	       th1 - th0, cpu - (th1 - th0) > 0 ? cpu - (th1 - th0) : 0.0);
	workers = rec_iowq_workers();
	printf(TOOL ": writes %s IOSQE_ASYNC (-A %s)%s; io-wq workers at the end: %d%s\n",
	       r.u.async ? "with" : "without", async_names[async],
	       prealloc ? ", file preallocated" : "",
	       workers, workers < 0 ? " (/proc/self/task unreadable)" : "");

out_uring:
	if (r.u.inflight)	/* the kernel may still read the blocks */
		ret = WELL_EXIT_FAILED;
	else
		well_uring_exit(&r.u);
out_ring:
	if (!r.u.inflight)
		io_uring_queue_exit(&ring);
out_dev:
	if (!r.u.inflight)
		well_dev_close(&r.dev);
	if (map && !r.u.inflight)
		munmap(map, map_len);
	if (r.fd >= 0 && close(r.fd) && !ret) {
		fprintf(stderr, TOOL ": %s: close: %s\n", out, strerror(errno));
		ret = WELL_EXIT_FAILED;
	}
	return ret;
}
