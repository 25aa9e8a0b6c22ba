// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dev_hostile - /dev/well under hostile and heavy use (issue 10): what a
 * user can make the module spend is bounded, nothing is lost or created
 * by a fault, the uapi sizes are right, and the shared rx.tail never goes
 * backwards under concurrent lock-free publishers.
 * Needs well.ko loaded, as root (run inside the VM).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "dev_verify.h"

#define PARAMS		"/sys/module/well/parameters/"
#define IDLE_MS		20000
#define DEADLINE_MS	20000

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read a module parameter into @buf; -errno on failure. */
static int param_get(const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

static int param_set(const char *name, const char *val)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* A ring of @count blocks of @bs bytes on a new fd, not mapped. */
static int raw_ring(uint32_t bs, uint32_t count)
{
	struct well_ring_desc d = {
		.size = sizeof(d), .blk_size = bs, .blk_count = count,
	};
	int fd = open("/dev/well", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (ioctl(fd, WELL_IOC_CREATE, &d)) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static int start(int fd, uint32_t producers, uint32_t flags, uint64_t blocks,
		 uint64_t timer_ns)
{
	struct well_start req = {
		.size = sizeof(req), .flags = flags, .producers = producers,
		.blocks = blocks, .timer_ns = timer_ns,
	};

	return ioctl(fd, WELL_IOC_START, &req) ? -errno : 0;
}

static int stats(int fd, struct well_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(fd, WELL_IOC_STATS, st) ? -errno : 0;
}

/* Wait until the ring has published @n blocks. */
static int wait_published(int fd, uint64_t n)
{
	int64_t end = now_ms() + DEADLINE_MS;
	struct well_stats st;

	while (now_ms() < end) {
		if (stats(fd, &st))
			return -1;
		if (st.published >= n)
			return st.published == n ? 0 : -1;
		sched_yield();
	}
	return -1;
}

/*
 * State letter of a task from its stat file ('S' sleeping, 'R', ...), or 0.
 * The comm field may hold spaces: the state follows the last ')'.
 */
static char task_state(const char *stat_path)
{
	char buf[512], *p;
	ssize_t n;
	int fd = open(stat_path, O_RDONLY);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/*
 * The module's producer threads (comm "well-prod/N"); with @sleeping,
 * only those in state S. Stores the pid of the last one in *@pid.
 */
static int prod_threads(bool sleeping, pid_t *pid)
{
	struct dirent *e;
	char path[300], comm[64];
	int n = 0, fd;
	ssize_t len;
	DIR *d = opendir("/proc");

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		len = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		if (len <= 0)
			continue;
		comm[len] = 0;
		if (strncmp(comm, "well-prod/", 10))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if (sleeping && task_state(path) != 'S')
			continue;
		if (pid)
			*pid = atoi(e->d_name);
		n++;
	}
	closedir(d);
	return n;
}

/* Wait until exactly @n producer threads exist. */
static int wait_threads(int n)
{
	int64_t end = now_ms() + DEADLINE_MS;
	int got;

	do {
		got = prod_threads(false, NULL);
		if (got == n)
			return 0;
		sched_yield();
	} while (now_ms() < end);
	return got;
}

/*
 * 10.1: producer threads are counted per user and bounded by
 * max_user_producers; START beyond it fails with EAGAIN; STOP and close
 * give them back; another user has a budget of its own.
 */
TEST(user_producer_limit)
{
	char saved[32];
	int fd[6], i, base, status;
	pid_t child;

	ASSERT_EQ(0, param_get("max_user_producers", saved, sizeof(saved)));
	base = prod_threads(false, NULL);
	ASSERT_LE(0, base);
	ASSERT_EQ(0, param_set("max_user_producers", "8"));
	for (i = 0; i < 6; i++) {
		fd[i] = raw_ring(64, 16);
		ASSERT_LE(0, fd[i]);
	}
	EXPECT_EQ(0, start(fd[0], 3, 0, 0, 0));
	EXPECT_EQ(0, start(fd[1], 3, 0, 0, 0));
	EXPECT_EQ(-EAGAIN, start(fd[2], 3, 0, 0, 0));
	EXPECT_EQ(0, start(fd[2], 2, 0, 0, 0));
	EXPECT_EQ(-EAGAIN, start(fd[3], 1, 0, 0, 0));
	/* Two threads and the timer: the timer is no thread. */
	EXPECT_EQ(-EAGAIN, start(fd[3], 3, WELL_START_TIMER, 0, 0));
	EXPECT_EQ(0, start(fd[3], 1, WELL_START_TIMER, 0, 0));
	EXPECT_EQ(base + 8, prod_threads(false, NULL));
	/* STOP gives three back. */
	EXPECT_EQ(0, ioctl(fd[0], WELL_IOC_STOP));
	EXPECT_EQ(0, wait_threads(base + 5));
	EXPECT_EQ(-EAGAIN, start(fd[4], 4, 0, 0, 0));
	EXPECT_EQ(0, start(fd[4], 3, 0, 0, 0));
	EXPECT_EQ(-EAGAIN, start(fd[0], 1, 0, 0, 0));
	/*
	 * Another user: its own eight, on files root opened. (It cannot
	 * count them: the VM's / is root's only.)
	 */
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		if (setresuid(65534, 65534, 65534))
			_exit(10);
		if (start(fd[5], 8, 0, 0, 0))
			_exit(11);
		_exit(start(fd[0], 1, 0, 0, 0) == -EAGAIN ? 0 : 12);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Its threads run on: the files are still open here. */
	EXPECT_EQ(base + 16, prod_threads(false, NULL));
	/* close() is release: every thread given back. */
	for (i = 0; i < 6; i++)
		close(fd[i]);
	EXPECT_EQ(0, wait_threads(base));
	fd[0] = raw_ring(64, 16);
	ASSERT_LE(0, fd[0]);
	EXPECT_EQ(0, start(fd[0], 8, 0, 0, 0));
	close(fd[0]);
	EXPECT_EQ(0, wait_threads(base));
	EXPECT_EQ(0, param_set("max_user_producers", saved));
}

/*
 * 10.2: an hrtimer producer on a full ring nobody consumes backs off to
 * one callback per 10 ms (WELL_TIMER_BACKOFF_MAX_NS) instead of firing at
 * its 10 us period; once the consumer makes room it produces again.
 */
TEST(timer_backoff)
{
	struct well_start req = {
		.size = sizeof(req), .flags = WELL_START_TIMER, .producers = 1,
		.timer_ns = 10000,
	};
	struct well_stats s0, s1;
	struct well_dev dev;
	int64_t end, t0, t1, bound;
	size_t pos, n;

	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create(&dev, 64, 16));
	ASSERT_EQ(0, well_dev_start_req(&dev, &req));
	/* Full, and backed off to the ceiling (10 doublings from 10 us). */
	end = now_ms() + DEADLINE_MS;
	do {
		ASSERT_EQ(0, stats(dev.fd, &s0));
	} while (s0.timer_full < 20 && now_ms() < end);
	ASSERT_LE(20, s0.timer_full);
	EXPECT_EQ(16, s0.published);
	t0 = now_ms();
	/* A measuring interval, not a synchronisation. */
	usleep(1000 * 1000);
	ASSERT_EQ(0, stats(dev.fd, &s1));
	t1 = now_ms();
	bound = (t1 - t0) / 10 + 20;
	TH_LOG("%llu callbacks in %lld ms (bound %lld)",
	       (unsigned long long)(s1.timer_runs - s0.timer_runs),
	       (long long)(t1 - t0), (long long)bound);
	EXPECT_GE(bound, (int64_t)(s1.timer_runs - s0.timer_runs));
	EXPECT_EQ(s1.timer_runs - s0.timer_runs, s1.timer_full - s0.timer_full);
	/* Room: it resumes (within a backed-off interval) and fills again. */
	n = well_dev_consume(&dev, &pos, 16);
	ASSERT_EQ(16, n);
	EXPECT_EQ(0, well_dev_release(&dev, pos, n));
	EXPECT_EQ(0, wait_published(dev.fd, 32));
	EXPECT_EQ(0, well_dev_stop(&dev));
	well_dev_close(&dev);
}

/* Check that @blk is block @seq of producer 0 (load generator format). */
static int blk_is(const struct well_dev *dev, const void *blk, uint64_t seq)
{
	uint32_t producer;
	uint64_t got;

	if (well_dev_check_block(dev, blk, &producer, &got))
		return 0;
	return producer == 0 && got == seq;
}

/*
 * 10.3: a read() that faults after two blocks returns those two and
 * consumes only them: of 16 published, 14 remain, in sequence.
 */
TEST(read_short_keeps_rest)
{
	struct well_stats st;
	struct well_dev dev;
	unsigned char *page, *buf, good[16 * 64];
	ssize_t got;
	int i;

	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create_flags(&dev, 64, 16, WELL_CREATE_READ));
	ASSERT_EQ(0, well_dev_start(&dev, 1, 0, 16));
	ASSERT_EQ(0, wait_published(dev.fd, 16));
	page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	ASSERT_EQ(0, munmap(page + 4096, 4096));
	/* Room for 2 blocks before the unmapped page; 8 asked for. */
	buf = page + 4096 - 2 * 64;
	got = read(dev.fd, buf, 8 * 64);
	EXPECT_EQ(2 * 64, got);
	EXPECT_TRUE(blk_is(&dev, buf, 0));
	EXPECT_TRUE(blk_is(&dev, buf + 64, 1));
	ASSERT_EQ(0, stats(dev.fd, &st));
	EXPECT_EQ(16, st.published);
	EXPECT_EQ(2, st.accepted);
	/* The first block faults: EFAULT, nothing consumed. */
	EXPECT_EQ(-1, read(dev.fd, page + 4096, 64));
	EXPECT_EQ(EFAULT, errno);
	got = read(dev.fd, good, sizeof(good));
	EXPECT_EQ(14 * 64, got);
	for (i = 0; i < 14 && got == 14 * 64; i++)
		EXPECT_TRUE(blk_is(&dev, good + i * 64, 2 + i));
	munmap(page, 4096);
	EXPECT_EQ(0, well_dev_stop(&dev));
	well_dev_close(&dev);
}

/* 10.4: a CREATE whose reply cannot be written leaves no ring. */
TEST(create_efault_leaves_nothing)
{
	struct well_ring_desc *ro, d = { .size = sizeof(d) };
	int fd = open("/dev/well", O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	*ro = (struct well_ring_desc){
		.size = sizeof(*ro), .blk_size = 64, .blk_count = 16,
	};
	ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_CREATE, ro));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, WELL_IOC_INFO, &d));
	EXPECT_EQ(ENXIO, errno);
	d = *ro;
	EXPECT_EQ(0, ioctl(fd, WELL_IOC_CREATE, &d));
	EXPECT_EQ(4096, d.data_size);
	munmap(ro, 4096);
	close(fd);
}

/*
 * 10.5: WELL_RING_DESC_SIZE_VER0 is the structure's size, so a caller
 * passing it gets data_size; the old 56 still works, cut at 56 bytes.
 */
TEST(desc_size_ver0)
{
	struct well_ring_desc d = {
		.size = WELL_RING_DESC_SIZE_VER0, .blk_size = 64,
		.blk_count = 16, .data_size = 12345,
	};
	int fd = open("/dev/well", O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(sizeof(struct well_ring_desc), WELL_RING_DESC_SIZE_VER1);
	EXPECT_EQ(0, ioctl(fd, WELL_IOC_CREATE, &d));
	EXPECT_EQ(4096, d.data_size);
	close(fd);
	fd = open("/dev/well", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	d = (struct well_ring_desc){
		.size = 56, .blk_size = 64, .blk_count = 16, .data_size = 12345,
	};
	EXPECT_EQ(0, ioctl(fd, WELL_IOC_CREATE, &d));
	EXPECT_EQ(2 * 4096, d.data_off);
	EXPECT_EQ(12345, d.data_size);
	d.size = 56;
	d.data_size = 12345;
	EXPECT_EQ(0, ioctl(fd, WELL_IOC_INFO, &d));
	EXPECT_EQ(12345, d.data_size);
	close(fd);
}

/* 10.6: max_ring_kib at 2^54 and above means no limit, not 0. */
TEST(max_ring_kib_no_wrap)
{
	static const char *const huge[] = {
		"18014398509481984", "18446744073709551615",
	};
	char saved[32];
	unsigned int i;
	int fd;

	ASSERT_EQ(0, param_get("max_ring_kib", saved, sizeof(saved)));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, param_set("max_ring_kib", huge[i]));
		fd = raw_ring(64, 64);
		EXPECT_LE(0, fd) TH_LOG("max_ring_kib=%s: %s", huge[i],
					strerror(errno));
		close(fd);
	}
	ASSERT_EQ(0, param_set("max_ring_kib", "4"));
	fd = raw_ring(64, 64);
	EXPECT_LE(0, fd);
	close(fd);
	EXPECT_GT(0, raw_ring(64, 128));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(0, param_set("max_ring_kib", saved));
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Value of @key in a "key value" file such as memory.events, or -1. */
static long long key_value(const char *path, const char *key)
{
	char line[128];
	long long v = -1;
	FILE *f = fopen(path, "r");
	size_t len = strlen(key);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ' ')
			v = atoll(line + len + 1);
	fclose(f);
	return v;
}

/* Occurrences of @what in the kernel log. */
static int klog_count(const char *what)
{
	int len = klogctl(10, NULL, 0), n = 0;
	char *buf, *p;

	if (len <= 0)
		return -1;
	buf = malloc(len + 1);
	if (!buf)
		return -1;
	len = klogctl(3, buf, len);
	if (len < 0) {
		free(buf);
		return -1;
	}
	buf[len] = 0;
	for (p = buf; (p = strstr(p, what)); p++)
		n++;
	free(buf);
	return n;
}

#define CG	"/sys/fs/cgroup"
#define CG_TEST	CG "/well_dev_hostile"

/*
 * 10.7: in a memory cgroup of 16 MiB, a 32 MiB ring fails with ENOMEM:
 * the caller is not OOM-killed and the kernel log gets no allocation
 * failure report.
 */
TEST(memcg_enomem)
{
	char pid[16];
	int status, warn0, err;
	pid_t child;

	mkdir(CG, 0755);
	if (mount("none", CG, "cgroup2", 0, NULL) && errno != EBUSY)
		SKIP(return, "no cgroup2: %s", strerror(errno));
	err = write_file(CG "/cgroup.subtree_control", "+memory");
	if (err)
		SKIP(return, "no memory controller: %s", strerror(-err));
	if (mkdir(CG_TEST, 0755))
		ASSERT_EQ(EEXIST, errno);
	ASSERT_EQ(0, write_file(CG_TEST "/memory.max", "16M"));
	warn0 = klog_count("allocation failure") + klog_count("vmalloc error");
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		struct well_ring_desc d = {
			.size = sizeof(d), .blk_size = 1 << 20,
			.blk_count = 32,
		};
		int fd;

		snprintf(pid, sizeof(pid), "%d", getpid());
		if (write_file(CG_TEST "/cgroup.procs", pid))
			_exit(10);
		fd = open("/dev/well", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			_exit(11);
		if (!ioctl(fd, WELL_IOC_CREATE, &d))
			_exit(12);
		_exit(errno == ENOMEM ? 0 : 13);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status)) TH_LOG("killed by signal %d",
					      WTERMSIG(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, key_value(CG_TEST "/memory.events", "oom_kill"));
	EXPECT_EQ(warn0, klog_count("allocation failure") +
		  klog_count("vmalloc error"));
	EXPECT_EQ(0, rmdir(CG_TEST));
}

struct poller {
	int fd;
	pid_t tid;
	short revents;
	int rc;
};

static void *poll_out(void *arg)
{
	struct poller *p = arg;
	struct pollfd pfd = { .fd = p->fd, .events = POLLOUT };

	__atomic_store_n(&p->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	p->rc = poll(&pfd, 1, IDLE_MS);
	p->revents = pfd.revents;
	return NULL;
}

/*
 * 10.8: a poll(POLLOUT) sleeping on a full ring is woken by the
 * consumer's release (poll raised need_wakeup, so the release is
 * followed by WAKE), with no producer thread waiting.
 */
TEST(poll_out_woken_by_release)
{
	struct poller p = { .tid = 0 };
	struct well_dev dev;
	char path[64];
	pthread_t th;
	int64_t end, t0;
	size_t pos, n;
	pid_t tid;

	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create(&dev, 64, 4));
	ASSERT_EQ(0, well_dev_start(&dev, 1, 0, 4));
	ASSERT_EQ(0, wait_published(dev.fd, 4));
	p.fd = dev.fd;
	ASSERT_EQ(0, pthread_create(&th, NULL, poll_out, &p));
	/* Wait until the poller sleeps in poll(). */
	end = now_ms() + DEADLINE_MS;
	while (!(tid = __atomic_load_n(&p.tid, __ATOMIC_ACQUIRE)) &&
	       now_ms() < end)
		sched_yield();
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	while (task_state(path) != 'S' && now_ms() < end)
		sched_yield();
	EXPECT_EQ('S', task_state(path));
	EXPECT_EQ(1, dev.page->need_wakeup);
	t0 = now_ms();
	n = well_dev_consume(&dev, &pos, 4);
	ASSERT_EQ(4, n);
	EXPECT_EQ(0, well_dev_release(&dev, pos, n));
	pthread_join(th, NULL);
	EXPECT_EQ(1, p.rc);
	EXPECT_TRUE(p.revents & POLLOUT);
	EXPECT_GT(IDLE_MS / 2, now_ms() - t0);
	EXPECT_EQ(0, dev.page->need_wakeup);
	EXPECT_EQ(0, well_dev_stop(&dev));
	well_dev_close(&dev);
}

/*
 * 10.8: a producer woken to room leaves need_wakeup lowered: after it
 * wrote its last blocks nobody waits, so the consumer sees no flag.
 */
TEST(need_wakeup_lowered)
{
	struct well_dev dev;
	int64_t end;
	size_t pos, n;
	pid_t pid = 0;
	int base = prod_threads(false, NULL);

	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create(&dev, 64, 4));
	ASSERT_EQ(0, well_dev_start(&dev, 1, 0, 8));
	ASSERT_EQ(0, wait_published(dev.fd, 4));
	/* The producer is asleep on the full ring, the flag raised. */
	end = now_ms() + DEADLINE_MS;
	while ((prod_threads(true, &pid) != base + 1 ||
		!__atomic_load_n(&dev.page->need_wakeup, __ATOMIC_ACQUIRE)) &&
	       now_ms() < end)
		sched_yield();
	ASSERT_EQ(1, dev.page->need_wakeup);
	n = well_dev_consume(&dev, &pos, 4);
	ASSERT_EQ(4, n);
	EXPECT_EQ(0, well_dev_release(&dev, pos, n));
	ASSERT_EQ(0, wait_published(dev.fd, 8));
	EXPECT_EQ(0, dev.page->need_wakeup);
	EXPECT_EQ(0, well_dev_stop(&dev));
	well_dev_close(&dev);
}

/*
 * 10.8: with the fd closed and the mappings kept (no WAKE possible),
 * producers still resume after the consumer makes room: every block
 * arrives.
 */
TEST(producers_run_after_close)
{
	struct well_dev_tally t = { .producers = 2 };
	struct well_dev dev;
	int64_t end;
	size_t pos, n, i;

	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create(&dev, 64, 16));
	ASSERT_EQ(0, well_dev_start(&dev, 2, 0, 200));
	ASSERT_EQ(0, close(dev.fd));
	dev.fd = -1;
	end = now_ms() + DEADLINE_MS;
	while (t.blocks < 400 && now_ms() < end) {
		n = well_dev_consume(&dev, &pos, 16);
		if (!n) {
			sched_yield();
			continue;
		}
		for (i = 0; i < n; i++)
			well_dev_tally(&dev, &t, well_dev_block(&dev, pos, i));
		/* WAKE, when flagged, fails with EBADF: nothing to call. */
		well_dev_release(&dev, pos, n);
	}
	EXPECT_EQ(400, t.blocks);
	EXPECT_EQ(200, t.next[0]);
	EXPECT_EQ(200, t.next[1]);
	EXPECT_EQ(0, t.bad_csum);
	EXPECT_EQ(0, t.bad_seq);
	well_dev_close(&dev);
}

/* 10.8: the timer counters of STATS keep counting across STOP. */
TEST(stats_timer_persist)
{
	struct well_stats st, st2;
	int64_t end;
	int fd = raw_ring(64, 16);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, start(fd, 1, WELL_START_TIMER, 0, 100000));
	end = now_ms() + DEADLINE_MS;
	do {
		ASSERT_EQ(0, stats(fd, &st));
	} while (st.timer_runs < 5 && now_ms() < end);
	ASSERT_EQ(0, ioctl(fd, WELL_IOC_STOP));
	ASSERT_EQ(0, stats(fd, &st));
	EXPECT_LE(5, st.timer_runs);
	EXPECT_EQ(0, st.flags & WELL_STATS_RUNNING);
	ASSERT_EQ(0, stats(fd, &st2));
	EXPECT_EQ(st.timer_runs, st2.timer_runs);
	EXPECT_EQ(st.timer_full, st2.timer_full);
	ASSERT_EQ(0, start(fd, 1, WELL_START_TIMER, 0, 100000));
	do {
		ASSERT_EQ(0, stats(fd, &st2));
	} while (st2.timer_runs < st.timer_runs + 5 && now_ms() < end);
	EXPECT_LE(st.timer_runs + 5, st2.timer_runs);
	EXPECT_LE(st.timer_full, st2.timer_full);
	ASSERT_EQ(0, ioctl(fd, WELL_IOC_STOP));
	close(fd);
}

struct sampler {
	const struct well *ring;
	int stop;
	uint64_t samples;
	uint64_t backwards;
};

static void *sample_rx_tail(void *arg)
{
	struct sampler *s = arg;
	size_t last = 0, v;

	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		v = __atomic_load_n(&s->ring->rx.tail.v, __ATOMIC_ACQUIRE);
		if ((long)(v - last) < 0)
			s->backwards++;
		last = v;
		s->samples++;
	}
	return NULL;
}

/*
 * Lock-free publish: four threads and the hrtimer publish concurrently;
 * a second thread samples the shared rx.tail, which never goes backwards,
 * and every block of every producer arrives once, in sequence.
 */
TEST(publish_never_backwards)
{
	struct well_start req = {
		.size = sizeof(req), .flags = WELL_START_TIMER, .producers = 5,
		.batch = 4, .blocks = 5000, .timer_ns = 10000,
	};
	struct well_dev_tally t = { .producers = 5 };
	struct sampler s = { .stop = 0 };
	struct well_dev dev;
	pthread_t th;
	int i;

	ASSERT_EQ(0, well_dev_open(&dev, NULL));
	ASSERT_EQ(0, well_dev_create(&dev, 64, 4096));
	s.ring = dev.ring;
	ASSERT_EQ(0, pthread_create(&th, NULL, sample_rx_tail, &s));
	ASSERT_EQ(0, well_dev_start_req(&dev, &req));
	/* The timer writes 4 blocks per 10 us at most: 12.5 ms or more. */
	EXPECT_EQ(0, well_dev_drain(&dev, &t, 5 * 5000, IDLE_MS));
	__atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	TH_LOG("%llu samples of rx.tail", (unsigned long long)s.samples);
	EXPECT_LT(0, s.samples);
	EXPECT_EQ(0, s.backwards);
	EXPECT_EQ(0, t.bad_csum);
	EXPECT_EQ(0, t.bad_seq);
	for (i = 0; i < 5; i++)
		EXPECT_EQ(5000, t.next[i]);
	EXPECT_EQ(0, well_dev_stop(&dev));
	well_dev_close(&dev);
}

TEST_HARNESS_MAIN
