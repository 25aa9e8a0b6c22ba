// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dev_life - lifetime and abuse of /dev/well rings: a consumer killed
 * mid-stream, close and munmap with producers running, the module pinned
 * while a ring is open or mapped, a ring shared after fork and passed over
 * a unix socket, and random scribbling on the shared counters.
 * Needs well.ko loaded (run inside the VM).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "dev_verify.h"

#define IDLE_MS	20000

FIXTURE(dev) {
	struct well_dev dev;
};

FIXTURE_SETUP(dev)
{
	ASSERT_EQ(0, well_dev_open(&self->dev, NULL));
	ASSERT_EQ(0, well_dev_create(&self->dev, 64, 256));
}

FIXTURE_TEARDOWN(dev)
{
	if (self->dev.fd >= 0)
		well_dev_close(&self->dev);
}

/* A fresh ring streams and verifies @blocks from 2 producers. */
static int fresh_stream(uint64_t blocks)
{
	struct well_dev_tally t = { .producers = 2 };
	struct well_dev dev;
	int err;

	err = well_dev_open(&dev, NULL);
	if (err)
		return err;
	err = well_dev_create(&dev, 64, 256);
	if (!err)
		err = well_dev_start(&dev, 2, 0, blocks);
	if (!err)
		err = well_dev_drain(&dev, &t, 2 * blocks, IDLE_MS);
	if (!err && (t.bad_csum || t.bad_seq))
		err = -EBADMSG;
	well_dev_close(&dev);
	return err;
}

TEST(kill_mid_stream)
{
	int pipefd[2], status;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct well_dev_tally t = { .producers = 3 };
		struct well_dev dev;

		if (well_dev_open(&dev, NULL) ||
		    well_dev_create(&dev, 64, 256) ||
		    well_dev_start(&dev, 3, WELL_START_TIMER, 0) ||
		    well_dev_drain(&dev, &t, 5000, IDLE_MS))
			_exit(1);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		well_dev_drain(&dev, &t, UINT64_MAX, -1);
		_exit(1);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGKILL, WTERMSIG(status));
	close(pipefd[0]);
	EXPECT_EQ(0, fresh_stream(10000));
}

TEST_F(dev, close_with_producers)
{
	struct well_dev_tally t = { .producers = 3 };

	ASSERT_EQ(0, well_dev_start(&self->dev, 3, WELL_START_TIMER, 0));
	ASSERT_EQ(0, well_dev_drain(&self->dev, &t, 3000, IDLE_MS));
	well_dev_close(&self->dev);
	EXPECT_EQ(0, fresh_stream(1000));
}

/*
 * close() first: the mappings keep the file, so the producers keep
 * running and blocks keep coming without any syscall; munmap() then ends
 * it all. No fd means no WELL_IOC_WAKE: the producers write less than the
 * ring holds, so none of them ever sleeps.
 */
TEST_F(dev, close_fd_then_unmap)
{
	struct well_dev_tally t = { .producers = 2 };
	size_t pos, n, i;

	ASSERT_EQ(0, well_dev_start(&self->dev, 2, 0, 100));
	close(self->dev.fd);
	self->dev.fd = -1;
	while (t.blocks < 200) {
		n = well_dev_consume(&self->dev, &pos, 64);
		if (!n) {
			sched_yield();
			continue;
		}
		for (i = 0; i < n; i++)
			well_dev_tally(&self->dev, &t,
				       well_dev_block(&self->dev, pos, i));
		/* No fd: release without the wake syscall. */
		ASSERT_TRUE(well_release_multi(&self->dev.ring->tx, n, pos));
	}
	EXPECT_EQ(100, t.next[0]);
	EXPECT_EQ(100, t.next[1]);
	EXPECT_EQ(0, t.bad_csum);
	EXPECT_EQ(0, t.bad_seq);
	well_dev_close(&self->dev);
	EXPECT_EQ(0, fresh_stream(1000));
}

static int unload_well(void)
{
	return syscall(__NR_delete_module, "well", O_NONBLOCK) ? -errno : 0;
}

TEST_F(dev, module_pinned)
{
	void *data;

	EXPECT_NE(0, unload_well());
	data = mmap(NULL, self->dev.desc.data_size, PROT_READ, MAP_SHARED,
		    self->dev.fd, self->dev.desc.data_off);
	ASSERT_NE(MAP_FAILED, data);
	well_dev_close(&self->dev);
	/* Only a mapping is left: still pinned. */
	EXPECT_NE(0, unload_well());
	munmap(data, self->dev.desc.data_size);
}

/* Parent and child consume one ring; every block is seen exactly once. */
TEST_F(dev, fork_share)
{
	const uint64_t per = 40000, total = 2 * per;
	struct shared {
		uint64_t consumed;
		uint64_t dups;
		uint64_t bad;
		uint8_t seen[2][40000];
	} *sh;
	int status, i;
	uint64_t s;
	pid_t pid;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	ASSERT_EQ(0, well_dev_start(&self->dev, 2, 0, per));
	pid = fork();
	ASSERT_LE(0, pid);
	while (__atomic_load_n(&sh->consumed, __ATOMIC_RELAXED) < total) {
		size_t pos, n, k;

		n = well_dev_consume(&self->dev, &pos, 8);
		if (!n) {
			if (well_dev_wait(&self->dev, 100) < 0)
				break;
			continue;
		}
		for (k = 0; k < n; k++) {
			const void *b = well_dev_block(&self->dev, pos, k);
			uint32_t p;

			if (well_dev_check_block(&self->dev, b, &p, &s) ||
			    p >= 2 || s >= per) {
				__atomic_add_fetch(&sh->bad, 1,
						   __ATOMIC_RELAXED);
				continue;
			}
			if (__atomic_exchange_n(&sh->seen[p][s], 1,
						__ATOMIC_RELAXED))
				__atomic_add_fetch(&sh->dups, 1,
						   __ATOMIC_RELAXED);
		}
		while (well_dev_release(&self->dev, pos, n) == -EAGAIN)
			sched_yield();
		__atomic_add_fetch(&sh->consumed, n, __ATOMIC_RELAXED);
	}
	if (!pid)
		_exit(0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_EQ(total, sh->consumed);
	EXPECT_EQ(0, sh->bad);
	EXPECT_EQ(0, sh->dups);
	for (i = 0; i < 2; i++)
		for (s = 0; s < per; s++)
			ASSERT_EQ(1, sh->seen[i][s]);
	munmap(sh, sizeof(*sh));
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte = 'w';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* The creator passes the fd; the receiver maps it and consumes. */
TEST(fd_passing)
{
	int sv[2], status;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct well_dev_tally t = { .producers = 2 };
		struct well_dev dev;
		int fd = recv_fd(sv[1]);

		if (fd < 0 || well_dev_attach(&dev, fd) ||
		    well_dev_drain(&dev, &t, 20000, IDLE_MS) ||
		    t.bad_csum || t.bad_seq)
			_exit(1);
		well_dev_close(&dev);
		_exit(0);
	}
	{
		struct well_dev dev;

		ASSERT_EQ(0, well_dev_open(&dev, NULL));
		ASSERT_EQ(0, well_dev_create(&dev, 128, 64));
		ASSERT_EQ(0, well_dev_start(&dev, 2, 0, 10000));
		ASSERT_EQ(0, send_fd(sv[0], dev.fd));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
		well_dev_close(&dev);
	}
	close(sv[0]);
	close(sv[1]);
}

static uint64_t rnd64(void)
{
	return (uint64_t)random() << 33 ^ (uint64_t)random() << 11 ^ random();
}

/*
 * Scribble on every shared counter while producers run. The kernel must
 * survive (the VM checks the taint), report broken or keep going; a
 * tx.tail far ahead always breaks the ring.
 */
TEST_F(dev, scribble)
{
	struct well_dev_tally t = { .producers = 3 };
	struct well *r = self->dev.ring;
	struct pollfd pfd = { .fd = self->dev.fd, .events = POLLIN };
	struct well_start req = { .producers = 1 };
	struct well_stats st;
	/* Plain stores, racing with everyone: that is the point. */
	size_t *words[] = {
		(size_t *)&r->tx.tail.v, (size_t *)&r->tx.head.v,
		(size_t *)&r->tx.seen.v, (size_t *)&r->rx.head.v,
		(size_t *)&r->rx.seen.v, (size_t *)&r->rx.tail.v,
		&r->rx.bias, &r->rx.limit, &r->tx.bias, &r->blk_count,
	};
	const int nwords = ARRAY_SIZE(words);
	uint8_t *data = self->dev.geo.mem;
	int i;

	srandom(42);
	ASSERT_EQ(0, well_dev_start(&self->dev, 3, WELL_START_TIMER, 0));
	for (i = 0; i < 20000; i++) {
		size_t pos, n, k;

		switch (random() % 8) {
		case 0:
			*words[random() % nwords] = rnd64();
			break;
		case 1:
			*words[random() % nwords] += random() % 5 - 2;
			break;
		case 2:
			data[random() % self->dev.desc.data_size] = random();
			break;
		default:
			n = well_dev_consume(&self->dev, &pos, 16);
			for (k = 0; k < n && k < 256; k++)
				well_dev_tally(&self->dev, &t,
					       well_dev_block(&self->dev, pos,
							      k));
			if (n)
				well_dev_release(&self->dev, pos, n);
			else
				sched_yield();
		}
	}
	TH_LOG("%llu blocks seen, %llu bad checksums, %llu out of sequence",
	       (unsigned long long)t.blocks, (unsigned long long)t.bad_csum,
	       (unsigned long long)t.bad_seq);
	/* Far ahead of anything published: the kernel must notice. */
	r->tx.tail.v = rnd64() | 1ULL << 62;
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_TRUE(pfd.revents & POLLERR);
	EXPECT_EQ(1, self->dev.page->broken);
	ASSERT_EQ(0, well_dev_stats(&self->dev, &st));
	EXPECT_TRUE(st.flags & WELL_STATS_BROKEN);
	EXPECT_EQ(-EIO, well_dev_stop(&self->dev));
	EXPECT_EQ(-EIO, well_dev_start_req(&self->dev, &req));
	EXPECT_EQ(-1, ioctl(self->dev.fd, WELL_IOC_WAKE));
	EXPECT_EQ(EIO, errno);
	well_dev_close(&self->dev);
	EXPECT_EQ(0, fresh_stream(1000));
}

TEST_HARNESS_MAIN
