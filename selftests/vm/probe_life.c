// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * probe_life - lifetime of well_probe.ko and its sessions: the module
 * unloaded while its events write into a ring the user keeps (the ring
 * keeps every record written, gets no more, and still works for well.ko's
 * own producers); well.ko refused (EWOULDBLOCK) while the probe module is
 * loaded and while a ring is held; a user killed mid-stream leaves no
 * session behind; 10 load/unload cycles with sessions and events leak no
 * session and no vmalloc memory. Unloads and reloads well_probe.ko from
 * /lib/modules (the VM's /init); needs well.ko loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "dev_verify.h"
#include "probe_present.h"

#define PROBE_KO	"/lib/modules/well_probe.ko"

static int unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/* Load well_probe.ko unless /dev/well-probe is there. */
static int load_probe(void)
{
	int fd, err = 0;

	if (access(WP_PROBE_DEV, F_OK) == 0)
		return 0;
	fd = open(PROBE_KO, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		err = -errno;
	close(fd);
	if (!err && access(WP_PROBE_DEV, F_OK))
		err = -errno;
	return err;
}

static bool module_loaded(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

static long meminfo_kb(const char *field)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");
	size_t len = strlen(field);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':')
			v = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return v;
}

/* Sessions and events of the module, -1 when it cannot be asked. */
static int probe_counts(unsigned int *sessions, unsigned int *events)
{
	struct well_probe_info in;
	int ctl = open(WP_PROBE_DEV, O_RDWR | O_CLOEXEC), err;

	if (ctl < 0)
		return -errno;
	err = wp_info(ctl, &in);
	close(ctl);
	*sessions = in.sessions;
	*events = in.events;
	return err;
}

/* Bounded wait (5 s) for the reaper to end every session. */
static int wait_no_session(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	unsigned int s = 1, e = 1;
	int i;

	for (i = 0; i < 500; i++) {
		if (probe_counts(&s, &e))
			return -1;
		if (!s && !e)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

/* Count the records of event @id in everything the ring holds. */
static size_t count_event(struct wp_client *c, uint16_t id, size_t *total)
{
	struct well_probe_rec r[128];
	size_t n, i, hits = 0;

	*total = 0;
	while ((n = wp_read(c, r, 128)) > 0) {
		*total += n;
		for (i = 0; i < n; i++)
			hits += r[i].event == id;
	}
	return hits;
}

FIXTURE(life) {
	int unused;
};

FIXTURE_SETUP(life)
{
	if (access(PROBE_KO, F_OK))
		SKIP(return, PROBE_KO " is absent: the VM's /init provides it");
	ASSERT_EQ(0, load_probe());
}

FIXTURE_TEARDOWN(life)
{
	/* The next test, and /init's rmmod, find it loaded. */
	load_probe();
}

TEST_F(life, unload_probe_while_ring_in_use)
{
	struct well_dev_tally t = { .producers = 1 };
	struct wp_client c;
	size_t n, total, i;
	pid_t me = getpid();

	ASSERT_EQ(0, wp_open(&c, "/dev/well", WP_PROBE_DEV, 128, 16384));
	ASSERT_EQ(0, wp_attach_spec(&c, "sys_enter=121", me));
	ASSERT_EQ(1, wp_attach_spec(&c, "sched_switch", me));
	ASSERT_EQ(121, SYS_getpgid);
	for (i = 0; i < 1000; i++)
		getpgid(0);
	/* well.ko: well_probe.ko uses it, and so does the ring. */
	EXPECT_EQ(-EWOULDBLOCK, unload("well"));
	EXPECT_TRUE(module_loaded("well"));
	/* Our control file pins well_probe.ko; the session does not. */
	EXPECT_EQ(-EWOULDBLOCK, unload("well_probe"));
	close(c.ctl);
	c.ctl = -1;
	ASSERT_EQ(0, unload("well_probe"));
	EXPECT_FALSE(module_loaded("well_probe"));
	EXPECT_NE(0, access(WP_PROBE_DEV, F_OK));
	/* Every record written before the unload is there, whole. */
	n = count_event(&c, 0, &total);
	EXPECT_EQ(1000, n);
	EXPECT_LE(n, total);
	/* No producer is left. */
	for (i = 0; i < 1000; i++)
		getpgid(0);
	EXPECT_EQ(0, count_event(&c, 0, &total));
	EXPECT_EQ(0, total);
	/* The ring still works: well.ko's own producer, verified. */
	ASSERT_EQ(0, well_dev_start(&c.dev, 1, 0, 5000));
	ASSERT_EQ(0, well_dev_drain(&c.dev, &t, 5000, 20000));
	EXPECT_EQ(5000, t.blocks);
	EXPECT_EQ(0, t.bad_csum);
	EXPECT_EQ(0, t.bad_seq);
	well_dev_stop(&c.dev);
	/* The user's ring still holds well.ko. */
	EXPECT_EQ(-EWOULDBLOCK, unload("well"));
	wp_close(&c);
	ASSERT_EQ(0, load_probe());
}

TEST_F(life, killed_mid_stream)
{
	int ready[2], i;
	pid_t child;
	char b;

	ASSERT_EQ(0, pipe(ready));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		struct well_probe_rec r[64];
		struct wp_client c;
		size_t got = 0;
		bool told = false;

		close(ready[0]);
		if (wp_open(&c, "/dev/well", WP_PROBE_DEV, 64, 4096) ||
		    wp_attach_spec(&c, "sys_enter", getpid()) != 0 ||
		    wp_attach_spec(&c, "sched_switch", getpid()) != 1 ||
		    wp_attach_spec(&c, "kprobe:__x64_sys_getppid", 0) != 2)
			_exit(1);
		/* Stream until killed; tell the parent once records flow. */
		for (;;) {
			getpgid(0);
			getppid();
			got += wp_read(&c, r, 64);
			if (got >= 1000 && !told) {
				if (write(ready[1], "r", 1) != 1)
					_exit(1);
				told = true;
			}
		}
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &b, 1));
	close(ready[0]);
	ASSERT_EQ(0, kill(child, SIGKILL));
	ASSERT_EQ(child, waitpid(child, &i, 0));
	ASSERT_TRUE(WIFSIGNALED(i));
	/* Its ring and control file are gone: the reaper ends the session. */
	ASSERT_EQ(0, wait_no_session());
}

TEST_F_TIMEOUT(life, ten_cycles_with_sessions, 120)
{
	long vm0, vm1;
	unsigned int s, e;
	int cycle, i;

	ASSERT_EQ(0, wait_no_session());
	vm0 = meminfo_kb("VmallocUsed");
	for (cycle = 0; cycle < 10; cycle++) {
		struct wp_client c;
		size_t total;

		ASSERT_EQ(0, load_probe()) TH_LOG("cycle %d", cycle);
		/* 65536 blocks: a 512 KiB table of marks, vmalloc'ed. */
		ASSERT_EQ(0, wp_open(&c, "/dev/well", WP_PROBE_DEV, 128, 65536));
		ASSERT_EQ(0, wp_attach_spec(&c, "sys_enter=121", getpid()));
		ASSERT_EQ(1, wp_attach_spec(&c, "sched_switch", getpid()));
		ASSERT_EQ(2, wp_attach_spec(&c, "kprobe:__x64_sys_getppid",
					    getpid()));
		for (i = 0; i < 1000; i++) {
			getpgid(0);
			getppid();
		}
		close(c.ctl);
		c.ctl = -1;
		/* Unloaded with the session live: exit ends it. */
		ASSERT_EQ(0, unload("well_probe")) TH_LOG("cycle %d", cycle);
		EXPECT_EQ(1000, count_event(&c, 0, &total));
		wp_close(&c);
		ASSERT_EQ(0, load_probe());
		/* Recount the kprobe on a fresh module: nothing carried. */
		ASSERT_EQ(0, probe_counts(&s, &e));
		EXPECT_EQ(0, s);
		EXPECT_EQ(0, e);
	}
	vm1 = meminfo_kb("VmallocUsed");
	TH_LOG("VmallocUsed %ld kB -> %ld kB over 10 cycles", vm0, vm1);
	/* A leaked table would be 5 MB, a leaked ring 80 MB. */
	EXPECT_LT(vm1 - vm0, 1024);
}

TEST_HARNESS_MAIN
