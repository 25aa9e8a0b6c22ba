// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * uring_record - well-record as a user runs it: kernel producers fill a
 * /dev/well ring, well-record writes every block to a file with io_uring,
 * and the file is read back and checked (every producer's sequence
 * complete and in order, every checksum right: dev_verify.c). 10^6 blocks
 * from 4 producers; each memory mode the module offers; O_DIRECT where the
 * file system has it and its refusal where it does not; a write that
 * fails (a full file system) named by its block; -d's preallocation and
 * its refusal by a full file system; -A (IOSQE_ASYNC); bad options.
 * Needs well.ko loaded and well-record: in $WELL_BIN, next to this
 * program (a kselftest install), or in PATH (the VM's /bin).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "dev_verify.h"

#define OUT_FILE	"/tmp/uring_record.out"
#define SMALL_FS	"/tmp/uring_record.small"

/* Is the running kernel at least @major.@minor? */
static int kernel_at_least(int major, int minor)
{
	struct utsname un;
	int ma = 0, mi = 0;

	if (uname(&un) || sscanf(un.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma > major || (ma == major && mi >= minor);
}

static char output[16384];

/* well-record's path: $WELL_BIN, this program's directory, or PATH. */
static const char *tool_path(void)
{
	static char path[4096];
	const char *bin = getenv("WELL_BIN");
	char self[4000], *slash;
	ssize_t n;

	if (bin) {
		snprintf(path, sizeof(path), "%s/well-record", bin);
		if (!access(path, X_OK))
			return path;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/well-record", self);
			if (!access(path, X_OK))
				return path;
		}
	}
	return "well-record";
}

/*
 * Run well-record with @args (NULL-terminated, without argv[0]); its
 * stdout and stderr together in output[]. Return: its exit status, or
 * -1 when it did not exit normally.
 */
static int run_record(const char *const *args)
{
	const char *argv[32] = { "well-record" };
	size_t len = 0;
	int pfd[2], st, i;
	ssize_t got;
	pid_t pid;

	for (i = 0; args[i] && i < 30; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	if (pipe(pfd))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execvp(tool_path(), (char *const *)argv);
		fprintf(stderr, "exec well-record: %s\n", strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	while (len < sizeof(output) - 1 &&
	       (got = read(pfd[0], output + len, sizeof(output) - 1 - len)) > 0)
		len += (size_t)got;
	output[len] = '\0';
	close(pfd[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/*
 * Check @path: @producers * @blocks blocks of @bs bytes, each producer's
 * sequence 0..@blocks - 1 in order, every checksum right.
 */
static int verify(struct __test_metadata *_metadata, const char *path,
		  uint32_t bs, uint32_t producers, uint64_t blocks)
{
	struct well_dev_tally t = { .producers = producers };
	uint64_t first_bad = UINT64_MAX;
	struct stat sb;
	uint32_t i;
	int fd, err;

	fd = open(path, O_RDONLY);
	EXPECT_LE(0, fd);
	if (fd < 0)
		return -1;
	EXPECT_EQ(0, fstat(fd, &sb));
	EXPECT_EQ((off_t)(producers * blocks * bs), sb.st_size);
	err = well_dev_tally_file(fd, bs, &t, &first_bad);
	close(fd);
	EXPECT_EQ(0, err);
	EXPECT_EQ(producers * blocks, t.blocks);
	EXPECT_EQ(0, t.bad_csum);
	EXPECT_EQ(0, t.bad_seq);
	EXPECT_EQ(UINT64_MAX, first_bad);
	for (i = 0; i < producers; i++)
		EXPECT_EQ(blocks, t.next[i]);
	return 0;
}

/* The numbers well-record printed, for the log. */
static void log_numbers(struct __test_metadata *_metadata)
{
	const char *line = output, *end;

	for (; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		TH_LOG("%.*s", (int)(end - line), line);
	}
}

static int set_hugepages(unsigned int n)
{
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", "w");
	unsigned int now = 0;

	if (!f)
		return -1;
	fprintf(f, "%u\n", n);
	if (fclose(f))
		return -1;
	f = fopen("/proc/sys/vm/nr_hugepages", "r");
	if (!f || fscanf(f, "%u", &now) != 1)
		now = UINT32_MAX;
	if (f)
		fclose(f);
	return now == n ? 0 : -1;
}

/* Each test's file goes when it ends, passed or failed (tmpfs is memory). */
FIXTURE(rec) {
	int unused;
};

FIXTURE_SETUP(rec)
{
	unlink(OUT_FILE);
}

FIXTURE_TEARDOWN(rec)
{
	unlink(OUT_FILE);
}

/*
 * 10^6 blocks from 4 producers, in the module's memory: about 0.3 s in
 * the VM; up to 15 s seen when the host's CPUs were busy.
 */
TEST_F_TIMEOUT(rec, million, 120)
{
	static const char *const args[] = {
		"-p", "4", "-n", "250000", "-b", "64", "-c", "4096",
		"-m", "module", "-o", OUT_FILE, NULL
	};
	int rc = run_record(args);
	const char *path;

	log_numbers(_metadata);
	ASSERT_EQ(0, rc);
	EXPECT_NE(NULL, strstr(output, "1000000 blocks, 64000000 bytes"));
	/* The module's own mapping registers from about 6.5 on, not on 6.1. */
	path = kernel_at_least(6, 5) ?
	       "registered as 1 fixed buffer (WRITE_FIXED)" :
	       "plain writes from the ring (WRITE): the kernel refused to register it: Operation not supported";
	EXPECT_NE(NULL, strstr(output, path));
	/* The default: every write tried inline first. */
	EXPECT_NE(NULL, strstr(output, "writes without IOSQE_ASYNC (-A never)"));
	EXPECT_NE(NULL, strstr(output, "well-record: CPU in this thread "));
	verify(_metadata, OUT_FILE, 64, 4, 250000);
	unlink(OUT_FILE);
}

/*
 * The caller's memory (WELL_CREATE_USER, pinned by the module): anonymous,
 * and 2 MiB huge pages. Both register as a fixed buffer on every kernel.
 */
static void record_user(struct __test_metadata *_metadata, const char *mem)
{
	const char *const args[] = {
		"-p", "2", "-n", "8192", "-b", "4096", "-c", "512",
		"-m", mem, "-o", OUT_FILE, NULL
	};
	int rc = run_record(args);

	log_numbers(_metadata);
	ASSERT_EQ(0, rc);
	EXPECT_NE(NULL, strstr(output, "16384 blocks, 67108864 bytes"));
	EXPECT_NE(NULL, strstr(output, "registered as 1 fixed buffer (WRITE_FIXED)"));
	verify(_metadata, OUT_FILE, 4096, 2, 8192);
}

TEST_F_TIMEOUT(rec, anon, 60)
{
	record_user(_metadata, "anon");
}

TEST_F_TIMEOUT(rec, hugetlb, 60)
{
	ASSERT_EQ(0, set_hugepages(1));
	record_user(_metadata, "hugetlb");
	EXPECT_EQ(0, set_hugepages(0));
}

TEST_F_TIMEOUT(rec, hugetlb_none_reserved, 60)
{
	static const char *const args[] = {
		"-n", "1", "-b", "4096", "-c", "512", "-m", "hugetlb",
		"-o", OUT_FILE, NULL
	};

	ASSERT_EQ(0, set_hugepages(0));
	EXPECT_EQ(3, run_record(args));
	log_numbers(_metadata);
	EXPECT_NE(NULL, strstr(output, "-m hugetlb: cannot map 2097152 bytes of 2 MiB huge pages: Cannot allocate memory: reserve them first"));
	unlink(OUT_FILE);
}

/*
 * O_DIRECT on tmpfs: refused at open() before 6.6; from 6.6 tmpfs takes
 * it, does not report an alignment, and well-record assumes 512 bytes.
 */
TEST_F_TIMEOUT(rec, direct, 60)
{
	static const char *const args[] = {
		"-d", "-p", "2", "-n", "4096", "-b", "4096", "-c", "256",
		"-o", OUT_FILE, NULL
	};
	static const char *const small[] = {
		"-d", "-n", "16", "-b", "64", "-o", OUT_FILE, NULL
	};
	int rc = run_record(args);

	log_numbers(_metadata);
	if (!kernel_at_least(6, 6)) {
		EXPECT_EQ(3, rc);
		EXPECT_NE(NULL, strstr(output, "-d: cannot open " OUT_FILE " with O_DIRECT: Invalid argument: its file system does not support direct I/O"));
		unlink(OUT_FILE);
		return;
	}
	ASSERT_EQ(0, rc);
	EXPECT_NE(NULL, strstr(output, ", O_DIRECT"));
	/* Preallocated to the total, cut to what was written: exactly it. */
	EXPECT_NE(NULL, strstr(output, ", file preallocated; io-wq workers"));
	verify(_metadata, OUT_FILE, 4096, 2, 4096);
	rc = run_record(small);
	log_numbers(_metadata);
	EXPECT_EQ(3, rc);
	EXPECT_NE(NULL, strstr(output, "-d: block size 64 is not a multiple of " OUT_FILE "'s direct I/O alignment (512 in memory, 512 in the file; assumed"));
	unlink(OUT_FILE);
}

/*
 * A file system of 64 KiB: the 17th block of 4 KiB does not fit, and the
 * error names it; the 16 before it are in the file, intact. One write in
 * flight (-q 1), so that the blocks reach the file in their order.
 */
TEST_F_TIMEOUT(rec, write_fails, 60)
{
	static const char *const args[] = {
		"-n", "1000", "-b", "4096", "-c", "64", "-q", "1",
		"-o", SMALL_FS "/out", NULL
	};
	struct well_dev_tally t = { .producers = 1 };
	int fd, rc;

	mkdir(SMALL_FS, 0755);
	ASSERT_EQ(0, mount("tmpfs", SMALL_FS, "tmpfs", 0, "size=64k"));
	rc = run_record(args);
	log_numbers(_metadata);
	EXPECT_EQ(1, rc);
	EXPECT_NE(NULL, strstr(output, SMALL_FS "/out: block 16 (file offset 65536): write failed: No space left on device"));
	/* How many it had consumed by then depends on the producer's pace. */
	EXPECT_NE(NULL, strstr(output, "well-record: stopped after "));
	fd = open(SMALL_FS "/out", O_RDONLY);
	EXPECT_LE(0, fd);
	if (fd >= 0) {
		EXPECT_EQ(0, well_dev_tally_file(fd, 4096, &t, NULL));
		EXPECT_EQ(16, t.blocks);
		EXPECT_EQ(16, t.next[0]);
		EXPECT_EQ(0, t.bad_csum + t.bad_seq);
		close(fd);
	}
	EXPECT_EQ(0, umount(SMALL_FS));
	rmdir(SMALL_FS);
}

/*
 * -d preallocates the whole recording first: on a file system of 64 KiB,
 * 1000 blocks of 4 KiB do not fit, a setup error before any block, and
 * the file is left empty. Before 6.6 tmpfs refuses O_DIRECT instead.
 */
TEST_F_TIMEOUT(rec, preallocate_fails, 60)
{
	static const char *const args[] = {
		"-d", "-n", "1000", "-b", "4096", "-c", "64",
		"-o", SMALL_FS "/out", NULL
	};
	struct stat sb;
	int rc;

	mkdir(SMALL_FS, 0755);
	ASSERT_EQ(0, mount("tmpfs", SMALL_FS, "tmpfs", 0, "size=64k"));
	rc = run_record(args);
	log_numbers(_metadata);
	EXPECT_EQ(3, rc);
	if (kernel_at_least(6, 6)) {
		EXPECT_NE(NULL, strstr(output, SMALL_FS "/out: cannot preallocate 4096000 bytes: No space left on device"));
		EXPECT_EQ(0, stat(SMALL_FS "/out", &sb));
		EXPECT_EQ(0, sb.st_size);
	} else {
		EXPECT_NE(NULL, strstr(output, "with O_DIRECT: Invalid argument"));
	}
	EXPECT_EQ(NULL, strstr(output, "blocks, "));
	EXPECT_EQ(0, umount(SMALL_FS));
	rmdir(SMALL_FS);
}

/*
 * -A always: every write goes to io-wq, so the process has a worker at
 * the end, and the CPU time is split between this thread and the
 * workers; the default on a file that is not regular (/dev/null) says
 * -A never. The file is still exact.
 */
TEST_F_TIMEOUT(rec, async, 60)
{
	static const char *const always[] = {
		"-A", "always", "-n", "4096", "-b", "4096", "-c", "256",
		"-o", OUT_FILE, NULL
	};
	static const char *const null[] = {
		"-n", "4096", "-b", "4096", "-c", "256", "-o", "/dev/null", NULL
	};
	const char *w;

	ASSERT_EQ(0, run_record(always));
	log_numbers(_metadata);
	EXPECT_NE(NULL, strstr(output, "writes with IOSQE_ASYNC (-A always); io-wq workers at the end: "));
	w = strstr(output, "io-wq workers at the end: ");
	ASSERT_NE(NULL, w);
	EXPECT_LT(0, atoi(w + strlen("io-wq workers at the end: ")));
	/* The workers made every write: their CPU time is not 0. */
	w = strstr(output, ", in io-wq workers ");
	ASSERT_NE(NULL, w);
	EXPECT_LT(0.0, atof(w + strlen(", in io-wq workers ")));
	verify(_metadata, OUT_FILE, 4096, 1, 4096);
	ASSERT_EQ(0, run_record(null));
	log_numbers(_metadata);
	EXPECT_NE(NULL, strstr(output, "writes without IOSQE_ASYNC (-A never)"));
}

/*
 * The verifier sees what a recorder could get wrong: a payload byte
 * changed in block 500 (its checksum), and block 901 overwritten with block 900 (a
 * producer's sequence with a repeat and a gap).
 */
TEST_F_TIMEOUT(rec, verifier_catches, 60)
{
	static const char *const args[] = {
		"-n", "1000", "-b", "256", "-c", "64", "-o", OUT_FILE, NULL
	};
	struct well_dev_tally t = { .producers = 1 };
	uint64_t first_bad = UINT64_MAX;
	unsigned char blk[256], b;
	int fd;

	ASSERT_EQ(0, run_record(args));
	verify(_metadata, OUT_FILE, 256, 1, 1000);
	fd = open(OUT_FILE, O_RDWR);
	ASSERT_LE(0, fd);
	/* Payload byte 10: block 500's payload is 500 % 233 = 34 bytes. */
	ASSERT_EQ(1, pread(fd, &b, 1, 500 * 256 + 24 + 10));
	b ^= 1;
	ASSERT_EQ(1, pwrite(fd, &b, 1, 500 * 256 + 24 + 10));
	ASSERT_EQ(0, well_dev_tally_file(fd, 256, &t, &first_bad));
	EXPECT_EQ(1000, t.blocks);
	EXPECT_EQ(1, t.bad_csum);
	/* A block with a bad checksum does not count: 501 then follows 499. */
	EXPECT_EQ(1, t.bad_seq);
	EXPECT_EQ(500, first_bad);

	ASSERT_EQ(256, pread(fd, blk, 256, 900 * 256));
	ASSERT_EQ(256, pwrite(fd, blk, 256, 901 * 256));
	memset(&t, 0, sizeof(t));
	t.producers = 1;
	first_bad = UINT64_MAX;
	ASSERT_EQ(0, well_dev_tally_file(fd, 256, &t, &first_bad));
	EXPECT_EQ(1, t.bad_csum);
	/* And 901 repeats 900's number; 902 then follows 900, not 901. */
	EXPECT_EQ(3, t.bad_seq);
	EXPECT_EQ(500, first_bad);

	/* A file cut inside a block is not a whole recording. */
	ASSERT_EQ(0, ftruncate(fd, 1000 * 256 - 1));
	memset(&t, 0, sizeof(t));
	t.producers = 1;
	EXPECT_EQ(-EMSGSIZE, well_dev_tally_file(fd, 256, &t, NULL));
	EXPECT_EQ(999, t.blocks);
	close(fd);
}

/* Usage errors: exit 2, the option named; nothing created. */
TEST_F_TIMEOUT(rec, bad_options, 60)
{
	static const char *const mem[] = { "-m", "heap", "-o", OUT_FILE, NULL };
	static const char *const depth[] = { "-q", "0", "-o", OUT_FILE, NULL };
	static const char *const noout[] = { "-n", "10", NULL };
	static const char *const async[] = { "-A", "soon", "-o", OUT_FILE, NULL };

	unlink(OUT_FILE);
	EXPECT_EQ(2, run_record(mem));
	EXPECT_NE(NULL, strstr(output, "well-record: -m 'heap': not a kind of memory (expected module, anon or hugetlb)"));
	EXPECT_EQ(2, run_record(depth));
	EXPECT_NE(NULL, strstr(output, "well-record: -q 0: out of range (expected 1..256)"));
	EXPECT_EQ(2, run_record(noout));
	EXPECT_NE(NULL, strstr(output, "well-record: no output file: give -o FILE"));
	EXPECT_EQ(2, run_record(async));
	EXPECT_NE(NULL, strstr(output, "well-record: -A 'soon': not a choice (expected never or always)"));
	EXPECT_NE(0, access(OUT_FILE, F_OK));
}

TEST_HARNESS_MAIN
