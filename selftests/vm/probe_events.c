// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * probe_events - well_probe.ko's events deliver what the test caused:
 * 100000 getpgid() calls give exactly 100000 sys_enter records with the
 * test's pid, tid and syscall number, in order per CPU (records of 1, 2
 * and 3 blocks); records cut to 8, 48 or 64 bytes (rec_len) carry
 * exactly their first bytes; a kprobe on getppid's entry counts exactly; sched_switch
 * records of two threads ping-ponging for 2 s match the switches they
 * report (getrusage), with sane fields; a one-shot timer's hard-irq
 * callback (kprobe, released with interrupts off) counted exactly while a thread
 * makes syscalls into the same ring; drops counted exactly when the
 * consumer stops reading (records + drops = events); and the errors of
 * each ioctl. Needs well.ko and well_probe.ko (run inside the VM).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include "kselftest_harness.h"
#include "probe_present.h"

#define MAX_CPUS	64
#define RING_BYTES	(16U << 20)

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Every record of the ring into a new array; *@n gets how many. */
static struct well_probe_rec *drain(struct wp_client *c, size_t cap,
				    size_t *n)
{
	struct well_probe_rec *r = calloc(cap + 64, sizeof(*r));
	size_t got;

	*n = 0;
	if (!r)
		return NULL;
	while ((got = wp_read(c, r + *n, cap + 64 - *n)) > 0) {
		*n += got;
		if (*n >= cap + 64)
			break;
	}
	return r;
}

/*
 * The records of one CPU come in the order they were made: times never
 * go back, and @seq (hits of the event on that CPU) grows by exactly 1
 * when nothing was dropped. Returns the first bad index, or -1.
 */
static long check_order(const struct well_probe_rec *r, size_t n,
			bool consecutive)
{
	uint64_t last_t[MAX_CPUS] = { 0 }, next_seq[MAX_CPUS] = { 0 };
	bool seen[MAX_CPUS] = { false };
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t cpu = r[i].cpu;

		if (cpu >= MAX_CPUS)
			return i;
		if (seen[cpu] && r[i].time_ns < last_t[cpu])
			return i;
		if (seen[cpu] && (consecutive ? r[i].seq != next_seq[cpu] :
				  r[i].seq < next_seq[cpu]))
			return i;
		if (!seen[cpu] && consecutive && r[i].seq != 0)
			return i;
		seen[cpu] = true;
		last_t[cpu] = r[i].time_ns;
		next_seq[cpu] = r[i].seq + 1;
	}
	return -1;
}

FIXTURE(sys) {
	struct wp_client c;
};

FIXTURE_VARIANT(sys) {
	uint32_t blk_size;
	uint32_t rec_blocks;
};

FIXTURE_VARIANT_ADD(sys, one_block) {
	.blk_size = 128,
	.rec_blocks = 1,
};

FIXTURE_VARIANT_ADD(sys, two_blocks) {
	.blk_size = 64,
	.rec_blocks = 2,
};

FIXTURE_VARIANT_ADD(sys, three_blocks) {
	.blk_size = 32,
	.rec_blocks = 3,
};

FIXTURE_SETUP(sys)
{
	ASSERT_EQ(0, wp_open(&self->c, "/dev/well", WP_PROBE_DEV,
			     variant->blk_size, RING_BYTES / variant->blk_size));
}

FIXTURE_TEARDOWN(sys)
{
	wp_end(&self->c);
	wp_close(&self->c);
}

#define CALLS	100000

TEST_F(sys, getpgid_100000_exact)
{
	struct well_probe_attach a = { .kind = WELL_PROBE_TRACEPOINT };
	struct well_probe_stats st;
	struct well_probe_rec *r;
	pid_t me = getpid(), tid = gettid_();
	size_t n, i;
	long bad;

	strcpy(a.name, "raw_syscalls:sys_enter");
	a.pid = me;
	a.nr = SYS_getpgid;
	ASSERT_EQ(0, wp_attach(&self->c, &a));
	EXPECT_EQ(0, a.id);
	EXPECT_EQ(WELL_PROBE_REC_SIZE, a.rec_size);
	EXPECT_EQ(variant->rec_blocks, a.rec_blocks);
	for (i = 0; i < CALLS; i++)
		ASSERT_EQ(me, getpgid(0));
	ASSERT_EQ(0, wp_stop(&self->c));
	/* Stopped: more calls are not seen. */
	for (i = 0; i < 100; i++)
		getpgid(0);
	ASSERT_EQ(0, wp_stats(&self->c, 0, &st));
	EXPECT_EQ(0, st.active);
	EXPECT_EQ(CALLS, st.hits);
	EXPECT_EQ(CALLS, st.written);
	EXPECT_EQ(0, st.drops);
	r = drain(&self->c, CALLS, &n);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(CALLS, n);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(WELL_PROBE_REC_SYS_ENTER, r[i].type) TH_LOG("record %zu", i);
		ASSERT_EQ((__u32)me, r[i].pid);
		ASSERT_EQ((__u32)tid, r[i].tid);
		ASSERT_EQ(SYS_getpgid, r[i].sys_enter.nr);
		ASSERT_EQ(0, r[i].sys_enter.args[0]);
		ASSERT_EQ(0, r[i].event);
		ASSERT_EQ(0, r[i].ctx & (WELL_PROBE_CTX_HARDIRQ |
					 WELL_PROBE_CTX_SOFTIRQ));
	}
	bad = check_order(r, n, true);
	EXPECT_EQ(-1, bad) TH_LOG("record %ld: cpu %u seq %llu t %llu", bad,
				  r[bad].cpu, r[bad].seq, r[bad].time_ns);
	free(r);
}

/*
 * Short records (rec_len): the record cut to its first rec_len bytes, in
 * as many blocks as that needs; wp_read() zeroes the rest. getpgid() of
 * a pid that cannot exist (above PID_MAX_LIMIT) puts a known value in
 * args[0].
 */
#define SHORT_CALLS	20000
#define NO_PID		5000000

static const struct {
	uint32_t rec_len, blk_size, rec_blocks;
} short_cases[] = {
	{ 8, 32, 1 }, { 64, 64, 1 }, { 64, 32, 2 }, { 48, 32, 2 },
};

TEST(short_records_exact)
{
	struct well_probe_rec *r, zero = { 0 };
	pid_t me = getpid(), tid = gettid_();
	struct well_probe_stats st;
	unsigned int k;
	size_t n, i;

	for (k = 0; k < sizeof(short_cases) / sizeof(short_cases[0]); k++) {
		struct well_probe_attach a = { .kind = WELL_PROBE_TRACEPOINT };
		uint32_t len = short_cases[k].rec_len;
		uint64_t t0, t1;
		struct wp_client c;

		ASSERT_EQ(0, wp_open(&c, "/dev/well", WP_PROBE_DEV,
				     short_cases[k].blk_size,
				     RING_BYTES / short_cases[k].blk_size));
		strcpy(a.name, "sys_enter");
		a.pid = me;
		a.nr = SYS_getpgid;
		a.rec_len = len;
		ASSERT_EQ(0, wp_attach(&c, &a));
		EXPECT_EQ(len, a.rec_size);
		EXPECT_EQ(len, a.rec_len);
		EXPECT_EQ(short_cases[k].rec_blocks, a.rec_blocks);
		t0 = (uint64_t)(now_s() * 1e9);
		for (i = 0; i < SHORT_CALLS; i++)
			ASSERT_EQ(-1, getpgid(NO_PID + i));
		t1 = (uint64_t)(now_s() * 1e9) + 1000;
		ASSERT_EQ(0, wp_stop(&c));
		ASSERT_EQ(0, wp_stats(&c, 0, &st));
		EXPECT_EQ(SHORT_CALLS, st.written);
		EXPECT_EQ(0, st.drops);
		r = drain(&c, SHORT_CALLS, &n);
		ASSERT_NE(NULL, r);
		ASSERT_EQ(SHORT_CALLS, n);
		for (i = 0; i < n; i++) {
			/* One thread's calls: reservation order is time order. */
			ASSERT_LE(t0, r[i].time_ns);
			ASSERT_GE(t1, r[i].time_ns);
			if (i)
				ASSERT_LE(r[i - 1].time_ns, r[i].time_ns);
			/* Nothing beyond rec_len came through. */
			ASSERT_EQ(0, memcmp((char *)&r[i] + len,
					    (char *)&zero + len,
					    sizeof(zero) - len));
			if (len < 64)
				continue;
			ASSERT_EQ(WELL_PROBE_REC_SYS_ENTER, r[i].type);
			ASSERT_EQ((__u32)me, r[i].pid);
			ASSERT_EQ((__u32)tid, r[i].tid);
			ASSERT_EQ(SYS_getpgid, r[i].sys_enter.nr);
			ASSERT_EQ(NO_PID + i, r[i].sys_enter.args[0]);
		}
		if (len >= 64)
			EXPECT_EQ(-1, check_order(r, n, true));
		if (len == 48)
			/* 48 bytes: the common part, nr and args[0]. */
			for (i = 0; i < n; i++)
				ASSERT_EQ(NO_PID + i, r[i].sys_enter.args[0]);
		free(r);
		wp_end(&c);
		wp_close(&c);
	}
}

/* rec_len's rules, and a caller of the first attach size (no rec_len). */
TEST(rec_len_rules)
{
	struct well_probe_attach a = { .kind = WELL_PROBE_TRACEPOINT };
	struct wp_client c;
	uint32_t bad[] = { 4, 12, 100, 104, 128 };
	unsigned int i;

	ASSERT_EQ(0, wp_open(&c, "/dev/well", WP_PROBE_DEV, 32, 1024));
	strcpy(a.name, "sys_enter");
	a.nr = SYS_getpgid;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a.rec_len = bad[i];
		EXPECT_EQ(-EINVAL, wp_attach(&c, &a)) TH_LOG("rec_len %u", bad[i]);
	}
	a.rec_len = 0;
	a.reserved2 = 1;
	EXPECT_EQ(-EINVAL, wp_attach(&c, &a));
	a.reserved2 = 0;
	a.rec_len = 16;
	ASSERT_EQ(0, wp_attach(&c, &a));
	EXPECT_EQ(16, a.rec_size);
	EXPECT_EQ(1, a.rec_blocks);
	/* The session's length is set: another one is refused, 0 takes it. */
	a.rec_len = 24;
	EXPECT_EQ(-EINVAL, wp_attach(&c, &a));
	a.rec_len = 0;
	ASSERT_EQ(0, wp_attach(&c, &a));
	EXPECT_EQ(1, a.id);
	EXPECT_EQ(16, a.rec_size);
	EXPECT_EQ(16, a.rec_len);
	wp_end(&c);
	wp_close(&c);

	/* WELL_PROBE_ATTACH_SIZE_VER0: whole records, rec_len not written. */
	ASSERT_EQ(0, wp_open(&c, "/dev/well", WP_PROBE_DEV, 32, 1024));
	memset(&a, 0, sizeof(a));
	a.size = WELL_PROBE_ATTACH_SIZE_VER0;
	a.ring_fd = c.dev.fd;
	a.kind = WELL_PROBE_TRACEPOINT;
	a.nr = SYS_getpgid;
	a.rec_len = 0xdead;	/* beyond the caller's size: neither read nor written */
	strcpy(a.name, "sys_enter");
	ASSERT_EQ(0, ioctl(c.ctl, WELL_PROBE_IOC_ATTACH, &a));
	EXPECT_EQ(WELL_PROBE_REC_SIZE, a.rec_size);
	EXPECT_EQ(3, a.rec_blocks);
	EXPECT_EQ(0xdead, a.rec_len);
	wp_end(&c);
	wp_close(&c);
}

/* A full ring: exactly what fits is written, the rest counted dropped. */
TEST_F(sys, drops_exact_when_consumer_stops)
{
	struct well_probe_stats st;
	struct well_probe_rec *r;
	struct wp_client small;
	size_t fit = 64 / variant->rec_blocks, n, i, round;
	pid_t me = getpid();
	char spec[32];

	ASSERT_EQ(0, wp_open(&small, "/dev/well", WP_PROBE_DEV,
			     variant->blk_size, 64));
	snprintf(spec, sizeof(spec), "sys_enter=%d", SYS_getpgid);
	ASSERT_EQ(0, wp_attach_spec(&small, spec, me));
	for (round = 1; round <= 2; round++) {
		for (i = 0; i < 1000; i++)
			getpgid(0);
		ASSERT_EQ(0, wp_stats(&small, 0, &st));
		EXPECT_EQ(1000 * round, st.hits);
		EXPECT_EQ(fit * round, st.written);
		EXPECT_EQ((1000 - fit) * round, st.drops);
		EXPECT_EQ(st.hits, st.written + st.drops);
		/* The consumer reads again: exactly what was written. */
		r = drain(&small, fit, &n);
		ASSERT_NE(NULL, r);
		EXPECT_EQ(fit, n);
		for (i = 0; i < n; i++)
			EXPECT_EQ((__u32)me, r[i].pid);
		/* Seq shows the gap: this round's records follow the drops. */
		if (round == 1)
			EXPECT_EQ(-1, check_order(r, n, true));
		free(r);
	}
	wp_end(&small);
	wp_close(&small);
}

TEST(kprobe_getppid_exact)
{
	struct well_probe_stats st;
	struct well_probe_rec *r;
	struct wp_client c;
	pid_t me = getpid(), tid = gettid_();
	size_t n, i;
	int id;

	ASSERT_EQ(0, wp_open(&c, "/dev/well", WP_PROBE_DEV, 128, 16384));
	id = wp_attach_spec(&c, "kprobe:__x64_sys_getppid", me);
	ASSERT_EQ(0, id) TH_LOG("attach: %s", strerror(-id));
	for (i = 0; i < 10000; i++)
		getppid();
	ASSERT_EQ(0, wp_stop(&c));
	ASSERT_EQ(0, wp_stats(&c, 0, &st));
	EXPECT_EQ(10000, st.hits);
	EXPECT_EQ(10000, st.written);
	EXPECT_EQ(0, st.drops);
	r = drain(&c, 10000, &n);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(10000, n);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(WELL_PROBE_REC_KPROBE, r[i].type);
		ASSERT_EQ((__u32)tid, r[i].tid);
		ASSERT_EQ((__u32)me, r[i].pid);
		ASSERT_EQ(r[0].kprobe.ip, r[i].kprobe.ip);
		/* __x64_sys_getppid(const struct pt_regs *regs) */
		ASSERT_NE(0, r[i].kprobe.args[0]);
	}
	EXPECT_NE(0, r[0].kprobe.ip);
	EXPECT_EQ(-1, check_order(r, n, true));
	free(r);
	wp_end(&c);
	wp_close(&c);
}

/* Two threads ping-pong over pipes: a read that finds nothing blocks. */
struct pinger {
	int in, out;
	bool leader;		/* writes first, and decides when to stop */
	double until;
	pid_t tid;
	unsigned long rounds;
	long switches;		/* from getrusage(RUSAGE_THREAD) */
	/* CLOCK_MONOTONIC ns around the first and the second getrusage() */
	uint64_t t0a, t0b, t1a, t1b;
	int done;
	const char *name;
};

static long thread_switches(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		return -1;
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void *ping(void *arg)
{
	struct pinger *p = arg;
	long before;
	char b;

	prctl(PR_SET_NAME, p->name);
	p->tid = gettid_();
	p->t0a = now_ns();
	before = thread_switches();
	p->t0b = now_ns();
	for (;;) {
		if (p->leader) {
			b = now_s() > p->until ? 'q' : 'p';
			if (write(p->out, &b, 1) != 1 || b == 'q')
				break;
		}
		if (read(p->in, &b, 1) != 1 || b == 'q')
			break;
		p->rounds++;
		if (!p->leader && write(p->out, &b, 1) != 1)
			break;
	}
	p->t1a = now_ns();
	p->switches = thread_switches() - before;
	p->t1b = now_ns();
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

TEST(sched_switch_ping_pong)
{
	int ab[2], ba[2];
	struct pinger pa = { .name = "wp-ping" }, pb = { .name = "wp-pong" };
	struct well_probe_stats st;
	struct well_probe_rec *r = NULL, buf[256];
	size_t n = 0, cap = 1 << 20, got, i;
	long out_a = 0, out_b = 0, in_a = 0, in_b = 0;
	/* Switches out inside each thread's getrusage() window: sure, maybe */
	long sure_a = 0, maybe_a = 0, sure_b = 0, maybe_b = 0;
	pthread_t ta, tb;
	struct wp_client c;
	pid_t me = getpid();
	char comm[17] = "";

	/* A new thread runs under this name until its prctl(). */
	ASSERT_EQ(0, prctl(PR_GET_NAME, comm));
	ASSERT_EQ(0, wp_open(&c, "/dev/well", WP_PROBE_DEV, 128, 65536));
	ASSERT_EQ(0, wp_attach_spec(&c, "sched:sched_switch", me));
	ASSERT_EQ(0, pipe(ab));
	ASSERT_EQ(0, pipe(ba));
	pa.in = ba[0];
	pa.out = ab[1];
	pb.in = ab[0];
	pb.out = ba[1];
	pa.until = pb.until = now_s() + 2;
	pa.leader = true;
	r = calloc(cap, sizeof(*r));
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, pthread_create(&ta, NULL, ping, &pa));
	ASSERT_EQ(0, pthread_create(&tb, NULL, ping, &pb));
	/* The consumer reads while they run, on whichever CPU is free. */
	while (!__atomic_load_n(&pa.done, __ATOMIC_ACQUIRE) ||
	       !__atomic_load_n(&pb.done, __ATOMIC_ACQUIRE)) {
		got = wp_read(&c, buf, 256);
		for (i = 0; i < got && n < cap; i++)
			r[n++] = buf[i];
		if (!got)
			well_dev_wait(&c.dev, 50);
		if (now_s() > pa.until + 20)
			break;
	}
	ASSERT_EQ(0, pthread_join(ta, NULL));
	ASSERT_EQ(0, pthread_join(tb, NULL));
	ASSERT_EQ(0, wp_stop(&c));
	while ((got = wp_read(&c, buf, 256)) > 0)
		for (i = 0; i < got && n < cap; i++)
			r[n++] = buf[i];
	ASSERT_EQ(0, wp_stats(&c, 0, &st));
	EXPECT_EQ(st.hits, st.written + st.drops);
	EXPECT_EQ(st.written, n);
	for (i = 0; i < n; i++) {
		const typeof(r[i].sched_switch) *s = &r[i].sched_switch;

		ASSERT_EQ(WELL_PROBE_REC_SCHED_SWITCH, r[i].type);
		/* The tracepoint fires with the runqueue lock: irqs off. */
		ASSERT_TRUE(r[i].ctx & WELL_PROBE_CTX_IRQS_OFF);
		ASSERT_NE(s->prev_pid, s->next_pid);
		ASSERT_TRUE(s->prev_tgid == (uint32_t)me ||
			    s->next_tgid == (uint32_t)me);
		/* current is prev: the record's tid is the task going out. */
		ASSERT_EQ(s->prev_pid, r[i].tid);
		if (s->prev_pid == (uint32_t)pa.tid) {
			out_a++;
			sure_a += r[i].time_ns > pa.t0b && r[i].time_ns < pa.t1a;
			maybe_a += r[i].time_ns >= pa.t0a &&
				   r[i].time_ns <= pa.t1b;
			ASSERT_TRUE(!strncmp(s->prev_comm, "wp-ping", 16) ||
				    !strncmp(s->prev_comm, comm, 16));
			ASSERT_EQ((__u32)me, s->prev_tgid);
			ASSERT_EQ(120, s->prev_prio);
		}
		if (s->prev_pid == (uint32_t)pb.tid) {
			out_b++;
			sure_b += r[i].time_ns > pb.t0b && r[i].time_ns < pb.t1a;
			maybe_b += r[i].time_ns >= pb.t0a &&
				   r[i].time_ns <= pb.t1b;
		}
		if (s->next_pid == (uint32_t)pa.tid) {
			in_a++;
			ASSERT_TRUE(!strncmp(s->next_comm, "wp-ping", 16) ||
				    !strncmp(s->next_comm, comm, 16));
		}
		if (s->next_pid == (uint32_t)pb.tid) {
			in_b++;
			ASSERT_TRUE(!strncmp(s->next_comm, "wp-pong", 16) ||
				    !strncmp(s->next_comm, comm, 16));
		}
	}
	if (!st.drops) {
		/* Per CPU: times in order, seq consecutive (no stale copy). */
		long bad = check_order(r, n, true);

		EXPECT_EQ(-1, bad) TH_LOG("record %ld of %zu: cpu %u seq %llu t %llu",
					  bad, n, r[bad].cpu, r[bad].seq,
					  r[bad].time_ns);
	}
	TH_LOG("%zu records, %lu rounds; switches out: a %ld (rusage %ld, in its window %ld..%ld), b %ld (rusage %ld, %ld..%ld); drops %llu",
	       n, pa.rounds, out_a, pa.switches, sure_a, maybe_a, out_b,
	       pb.switches, sure_b, maybe_b, st.drops);
	EXPECT_GE(pa.rounds, 100);
	if (!st.drops) {
		/*
		 * __schedule() counts a switch (nvcsw or nivcsw) exactly
		 * where it fires sched_switch, so the switches a thread counts
		 * between its two getrusage() are exactly its switch-out
		 * records between them: those stamped strictly inside the
		 * window (after the first call returned, before the second
		 * began) are all counted, and every counted one is stamped
		 * within the calls' outer bounds (a switch during a getrusage()
		 * itself may fall either side). The records outside the window
		 * come from thread start (pthread_create() to the first
		 * getrusage()) and exit.
		 */
		EXPECT_LE(sure_a, pa.switches);
		EXPECT_GE(maybe_a, pa.switches);
		EXPECT_LE(sure_b, pb.switches);
		EXPECT_GE(maybe_b, pb.switches);
		EXPECT_GE(out_a, maybe_a);
		EXPECT_GE(out_b, maybe_b);
		/* Each switch out follows a switch in (thread start, exit). */
		EXPECT_LE(labs(in_a - out_a), 1);
		EXPECT_LE(labs(in_b - out_b), 1);
		/* Most rounds find the other thread's byte not there yet. */
		EXPECT_GE(out_a + out_b, (long)(pa.rounds / 2));
	}
	free(r);
	wp_end(&c);
	wp_close(&c);
}

/* Hard interrupts: a one-shot ITIMER_REAL's callback (it_real_fn). */
struct caller {
	unsigned long calls;
	pid_t tid;
};

static void *call_getpgid(void *arg)
{
	struct caller *k = arg;
	unsigned long i;

	k->tid = gettid_();
	for (i = 0; i < k->calls; i++)
		getpgid(0);
	return NULL;
}

TEST(hardirq_timer_and_syscalls_exact)
{
	struct itimerval it = { .it_value = { .tv_usec = 1000 } };
	struct caller k = { .calls = 30000 };
	struct well_probe_stats st0, st1;
	struct well_probe_rec *r;
	unsigned long timers = 300, i, irq = 0, sys = 0;
	struct wp_client c;
	pthread_t t;
	sigset_t set;
	size_t n;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	ASSERT_EQ(0, wp_open(&c, "/dev/well", WP_PROBE_DEV, 128, 65536));
	ASSERT_EQ(0, wp_attach_spec(&c, "kprobe:it_real_fn", 0));
	ASSERT_EQ(1, wp_attach_spec(&c, "raw_syscalls:sys_enter=121",
				    getpid()));
	ASSERT_EQ(121, SYS_getpgid);
	ASSERT_EQ(0, pthread_create(&t, NULL, call_getpgid, &k));
	for (i = 0; i < timers; i++) {
		ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
		ASSERT_EQ(0, sigwait(&set, &sig));
	}
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(0, wp_stop(&c));
	ASSERT_EQ(0, wp_stats(&c, 0, &st0));
	ASSERT_EQ(0, wp_stats(&c, 1, &st1));
	EXPECT_EQ(timers, st0.hits);
	EXPECT_EQ(timers, st0.written);
	EXPECT_EQ(k.calls, st1.hits);
	EXPECT_EQ(k.calls, st1.written);
	r = drain(&c, timers + k.calls, &n);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(timers + k.calls, n);
	for (i = 0; i < n; i++) {
		if (r[i].event == 0) {
			irq++;
			ASSERT_EQ(WELL_PROBE_REC_KPROBE, r[i].type);
			ASSERT_TRUE(r[i].ctx & WELL_PROBE_CTX_HARDIRQ);
			ASSERT_TRUE(r[i].ctx & WELL_PROBE_CTX_IRQS_OFF);
		} else {
			sys++;
			ASSERT_EQ(WELL_PROBE_REC_SYS_ENTER, r[i].type);
			ASSERT_EQ((__u32)k.tid, r[i].tid);
		}
	}
	EXPECT_EQ(timers, irq);
	EXPECT_EQ(k.calls, sys);
	free(r);
	wp_end(&c);
	wp_close(&c);
}

TEST(attach_errors)
{
	struct well_probe_attach a = { .kind = WELL_PROBE_TRACEPOINT };
	struct well_probe_info in;
	struct well_probe_stats st;
	struct well_dev bare;
	struct wp_client c;
	int i, null_fd;

	ASSERT_EQ(0, wp_open(&c, "/dev/well", WP_PROBE_DEV, 128, 64));
	EXPECT_EQ(-ENOENT, wp_attach_spec(&c, "no_such_tracepoint", 0));
	EXPECT_EQ(-ENOENT, wp_attach_spec(&c, "kprobe:no_such_function_wp", 0));
	/* It exists, but has no record layout. */
	EXPECT_EQ(-EOPNOTSUPP, wp_attach_spec(&c, "sched_wakeup", 0));
	/* A failed first attach leaves no session behind. */
	EXPECT_EQ(-ENOENT, wp_stats(&c, 0, &st));
	a.kind = 7;
	strcpy(a.name, "sys_enter");
	EXPECT_EQ(-EINVAL, wp_attach(&c, &a));
	a.kind = WELL_PROBE_TRACEPOINT;
	memset(a.name, 'x', sizeof(a.name));
	EXPECT_EQ(-EINVAL, wp_attach(&c, &a));
	/* Too small a size, and unknown bytes beyond the known ones. */
	strcpy(a.name, "sys_enter");
	a.ring_fd = c.dev.fd;
	a.size = WELL_PROBE_ATTACH_SIZE_VER0 - 4;
	EXPECT_EQ(-1, ioctl(c.ctl, WELL_PROBE_IOC_ATTACH, &a));
	EXPECT_EQ(EINVAL, errno);
	null_fd = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, null_fd);
	a.size = sizeof(a);
	a.ring_fd = null_fd;
	EXPECT_EQ(-1, ioctl(c.ctl, WELL_PROBE_IOC_ATTACH, &a));
	EXPECT_EQ(EBADF, errno);
	close(null_fd);
	/* A /dev/well file without a ring yet. */
	ASSERT_EQ(0, well_dev_open(&bare, NULL));
	a.ring_fd = bare.fd;
	EXPECT_EQ(-1, ioctl(c.ctl, WELL_PROBE_IOC_ATTACH, &a));
	EXPECT_EQ(ENXIO, errno);
	well_dev_close(&bare);
	/* Eight events per ring, then ENOSPC. */
	for (i = 0; i < WELL_PROBE_EVENTS_MAX; i++)
		EXPECT_EQ(i, wp_attach_spec(&c, i & 1 ? "sched_switch" :
					    "sys_enter=39", 1));
	EXPECT_EQ(-ENOSPC, wp_attach_spec(&c, "sys_enter", 0));
	EXPECT_EQ(0, wp_stats(&c, 7, &st));
	EXPECT_EQ(1, st.active);
	EXPECT_EQ(-ENOENT, wp_stats(&c, 8, &st));
	ASSERT_EQ(0, wp_info(c.ctl, &in));
	EXPECT_LE(1, in.sessions);
	EXPECT_LE(WELL_PROBE_EVENTS_MAX, in.events);
	EXPECT_EQ(WELL_PROBE_REC_SIZE, in.rec_size);
	EXPECT_EQ(0, wp_end(&c));
	EXPECT_EQ(-ENOENT, wp_end(&c));
	wp_close(&c);
}

TEST_HARNESS_MAIN
