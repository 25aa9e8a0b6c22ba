// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * probe_bench - the cost of tracing kernel events into a ring, in the VM.
 * Triggers: K threads calling getpgid() for a fixed time (K = 1, 2; the
 * raw_syscalls:sys_enter tracepoint), and two threads ping-ponging a byte
 * over two pipes on one CPU (sched:sched_switch). Peers on the same
 * tracepoint: no probe; well_probe.ko writing 8-, 64- or 96-byte records
 * into a 4 MiB /dev/well ring; a BPF program (bench/probe/probe.bpf.c,
 * embedded) writing 8- or 64-byte records into a 4 MiB BPF ring buffer or
 * a perf buffer of PB_PAGES pages per CPU. One consumer thread, on the
 * last CPU, reads the first 8 bytes of every record (time_ns: the same
 * work for every peer) and either never sleeps (busy) or sleeps when the
 * ring is empty: well_dev_wait() (poll()), ring_buffer__poll() (epoll),
 * perf_buffer__poll() (epoll). Every peer runs in each round, the order
 * rotating; each table gives the median (min..max) over rounds of the ns
 * per event (a call, or a context switch), the ns a probe adds to it
 * (against the no-probe run of the same round), the records delivered per
 * second and the drops (summed over rounds); then the per-round ratios of
 * well to the BPF ring buffer of the same record size.
 * Usage: probe_bench [-t MS] [-r ROUNDS] [-c CASES] [-v]
 *   (as root, both modules loaded; CASES: digits 0-5 of the cases to run,
 *   all by default; -v: each run on stderr as it starts)
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "probe_client.h"
#include "probe_bpf_o.h"

enum peer { NONE, W8, W64, W96, RB8, RB64, PB8, PB64, NPEERS };
static const char *const peer_name[NPEERS] = {
	"none", "well 8B", "well 64B", "well 96B", "bpf-rb 8B", "bpf-rb 64B",
	"bpf-pb 8B", "bpf-pb 64B",
};

static bool is_well(enum peer p)
{
	return p == W8 || p == W64 || p == W96;
}

static bool is_rb(enum peer p)
{
	return p == RB8 || p == RB64;
}

static unsigned int rec_bytes(enum peer p)
{
	return p == W8 || p == RB8 || p == PB8 ? 8 : p == W96 ? 96 : 64;
}

#define RING_BYTES	(4U << 20)
/* Per CPU: 2 MiB, so the two producing CPUs of K = 2 have 4 MiB. */
#define PB_PAGES	512

enum trig { GETPGID, SWITCH };

struct bcase {
	enum trig trig;
	int k;
	bool sleep;
};

struct cfg {
	uint32_t tgid;
	uint32_t rec_size;
	int64_t nr;
	uint64_t drops;
};

struct run {
	double ns_per_event;
	double delivered_per_s;
	uint64_t delivered;
	uint64_t drops;
};

static struct bpf_object *obj;
static int stop, cons_stop, ncpu;
static uint64_t delivered, sink;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

struct worker {
	int cpu;
	int in, out;
	bool leader;
	uint64_t events;
	pthread_t t;
};

static void *work(void *arg)
{
	struct worker *w = arg;

	pin(w->cpu);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		getpgid(0);
		w->events++;
	}
	return NULL;
}

/* One side of the ping-pong: each round trip is two context switches. */
static void *pingpong(void *arg)
{
	struct worker *w = arg;
	char b = 'p';

	pin(w->cpu);
	for (;;) {
		if (w->leader) {
			b = __atomic_load_n(&stop, __ATOMIC_RELAXED) ? 'q' : 'p';
			if (write(w->out, &b, 1) != 1 || b == 'q')
				break;
		}
		if (read(w->in, &b, 1) != 1 || b == 'q')
			break;
		w->events++;
		if (!w->leader && write(w->out, &b, 1) != 1)
			break;
	}
	return NULL;
}

struct consumer {
	enum peer p;
	bool sleep;
	struct wp_client *wc;
	struct ring_buffer *rb;
	struct perf_buffer *pb;
	pthread_t t;
};

static int on_sample(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)size;
	sink += *(const uint64_t *)data;
	delivered++;
	return 0;
}

static void on_pb_sample(void *ctx, int cpu, void *data, __u32 size)
{
	(void)ctx;
	(void)cpu;
	(void)size;
	sink += *(const uint64_t *)data;
	delivered++;
}

static uint64_t pb_lost;

static void on_pb_lost(void *ctx, int cpu, __u64 n)
{
	(void)ctx;
	(void)cpu;
	pb_lost += n;
}

/* Every whole record published: read its time_ns, give the blocks back. */
static int well_drain(struct wp_client *c)
{
	size_t pos, got, i;

	got = well_dev_consume(&c->dev, &pos, 1 << 16);
	if (!got)
		return 0;
	for (i = 0; i < got; i += c->nblk)
		sink += *(const uint64_t *)well_dev_block(&c->dev, pos, i);
	while (well_dev_release(&c->dev, pos, got) == -EAGAIN)
		sched_yield();
	delivered += got / c->nblk;
	return (int)(got / c->nblk);
}

static int drain_once(struct consumer *c)
{
	if (is_well(c->p))
		return well_drain(c->wc);
	if (is_rb(c->p))
		return ring_buffer__consume(c->rb);
	if (c->pb)
		return perf_buffer__consume(c->pb);
	return 0;
}

/* Sleep until records come (or 20 ms pass, to see cons_stop). */
static void wait_once(struct consumer *c)
{
	if (is_well(c->p))
		well_dev_wait(&c->wc->dev, 20);
	else if (is_rb(c->p))
		ring_buffer__poll(c->rb, 20);
	else
		perf_buffer__poll(c->pb, 20);
}

static void *consume(void *arg)
{
	struct consumer *c = arg;

	pin(ncpu - 1);
	while (!__atomic_load_n(&cons_stop, __ATOMIC_ACQUIRE))
		if (!drain_once(c) && c->sleep)
			wait_once(c);
	return NULL;
}

static int bpf_setup(enum peer p, enum trig t, struct bpf_link **link)
{
	struct bpf_program *prog;
	struct cfg c = { .tgid = getpid(), .nr = SYS_getpgid };
	const char *name;
	uint32_t zero = 0;

	c.rec_size = rec_bytes(p);
	if (bpf_map_update_elem(bpf_object__find_map_fd_by_name(obj, "cfg"),
				&zero, &c, BPF_ANY))
		return -errno;
	if (t == GETPGID)
		name = is_rb(p) ? "on_rb" : "on_pb";
	else
		name = is_rb(p) ? "on_rb_sw" : "on_pb_sw";
	prog = bpf_object__find_program_by_name(obj, name);
	*link = bpf_program__attach(prog);
	return *link ? 0 : -errno;
}

static uint64_t bpf_drops(void)
{
	struct cfg c;
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(bpf_object__find_map_fd_by_name(obj, "cfg"),
				&zero, &c))
		return 0;
	return c.drops;
}

/* The smallest block (a power of two, at least 32) that holds a record. */
static uint32_t well_blk(unsigned int bytes)
{
	uint32_t b = 32;

	while (b < bytes)
		b *= 2;
	return b;
}

static int well_setup(struct wp_client *wc, enum peer p, enum trig t)
{
	struct well_probe_attach a = { .kind = WELL_PROBE_TRACEPOINT };
	uint32_t bs = well_blk(rec_bytes(p));
	int err;

	err = wp_open(wc, "/dev/well", WP_PROBE_DEV, bs, RING_BYTES / bs);
	if (err)
		return err;
	a.pid = getpid();
	a.nr = t == GETPGID ? SYS_getpgid : -1;
	a.rec_len = rec_bytes(p);
	strcpy(a.name, t == GETPGID ? "sys_enter" : "sched_switch");
	err = wp_attach(wc, &a);
	if (err)
		wp_close(wc);
	return err;
}

static int start_trigger(const struct bcase *bc, struct worker *w, int *fds)
{
	int i;

	if (bc->trig == GETPGID) {
		for (i = 0; i < bc->k; i++) {
			w[i].cpu = i;
			pthread_create(&w[i].t, NULL, work, &w[i]);
		}
		return bc->k;
	}
	if (pipe(fds) || pipe(fds + 2))
		return -errno;
	w[0].in = fds[2];
	w[0].out = fds[1];
	w[0].leader = true;
	w[1].in = fds[0];
	w[1].out = fds[3];
	for (i = 0; i < 2; i++) {
		w[i].cpu = 0;
		pthread_create(&w[i].t, NULL, pingpong, &w[i]);
	}
	return 2;
}

static int one_run(enum peer p, const struct bcase *bc, double secs,
		   struct run *out)
{
	struct worker w[2] = { { 0 } };
	struct consumer c = { .p = p, .sleep = bc->sleep };
	struct well_probe_stats st;
	struct bpf_link *link = NULL;
	struct wp_client wc;
	uint64_t events;
	int fds[4], i, n, err = 0;
	double t0, dt;

	delivered = 0;
	pb_lost = 0;
	if (is_well(p)) {
		err = well_setup(&wc, p, bc->trig);
		c.wc = &wc;
	} else if (p != NONE) {
		err = bpf_setup(p, bc->trig, &link);
		if (!err && is_rb(p))
			c.rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "rb"),
						on_sample, NULL, NULL);
		else if (!err)
			c.pb = perf_buffer__new(bpf_object__find_map_fd_by_name(obj, "pb"),
						PB_PAGES, on_pb_sample,
						on_pb_lost, NULL, NULL);
		if (!err && !c.rb && !c.pb)
			err = -errno;
	}
	if (err)
		return err;
	__atomic_store_n(&stop, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&cons_stop, 0, __ATOMIC_RELAXED);
	if (p != NONE)
		pthread_create(&c.t, NULL, consume, &c);
	t0 = now_s();
	n = start_trigger(bc, w, fds);
	if (n < 0)
		return n;
	while (now_s() - t0 < secs)
		usleep(10000);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	/* Whichever side waits in read() gets a 'q' and ends. */
	if (bc->trig == SWITCH &&
	    (write(fds[1], "q", 1) != 1 || write(fds[3], "q", 1) != 1))
		return -errno;
	events = 0;
	for (i = 0; i < n; i++) {
		pthread_join(w[i].t, NULL);
		events += w[i].events;
	}
	dt = now_s() - t0;
	if (bc->trig == SWITCH) {
		for (i = 0; i < 4; i++)
			close(fds[i]);
		/* Both count the round trips; each is two switches. */
		events = w[0].events * 2;
		n = 1;
	}
	if (is_well(p))
		wp_stop(&wc);
	else if (link)
		bpf_link__destroy(link);
	if (p != NONE) {
		__atomic_store_n(&cons_stop, 1, __ATOMIC_RELEASE);
		pthread_join(c.t, NULL);
		while (drain_once(&c) > 0)
			;
	}
	out->ns_per_event = events ? dt * 1e9 * n / events : 0;
	out->delivered = delivered;
	out->delivered_per_s = delivered / dt;
	out->drops = 0;
	if (is_well(p)) {
		if (!wp_stats(&wc, 0, &st))
			out->drops = st.drops;
		wp_end(&wc);
		wp_close(&wc);
	} else if (p != NONE) {
		uint32_t zero = 0;
		struct cfg cz = { 0 };

		out->drops = bpf_drops() + pb_lost;
		bpf_map_update_elem(bpf_object__find_map_fd_by_name(obj, "cfg"),
				    &zero, &cz, BPF_ANY);
		ring_buffer__free(c.rb);
		perf_buffer__free(c.pb);
	}
	return 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void stat3(double *v, int n, double *med, double *lo, double *hi)
{
	qsort(v, n, sizeof(*v), cmp_d);
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	*lo = v[0];
	*hi = v[n - 1];
}

#define MAX_ROUNDS 32

static struct run res[NPEERS][MAX_ROUNDS];

static void print_case(const struct bcase *bc, int rounds, double secs)
{
	static const enum peer pairs[][2] = { { W8, RB8 }, { W64, RB64 } };
	double v[MAX_ROUNDS], m, lo, hi;
	char a[40], b[40], c[40];
	unsigned int j;
	int i, r;

	if (bc->trig == GETPGID)
		printf("\n== getpgid() K=%d", bc->k);
	else
		printf("\n== sched_switch, 2 threads ping-ponging on CPU 0");
	printf(", consumer %s on CPU %d of %d; %d rounds of %.0f ms; median (min..max)\n",
	       bc->sleep ? "sleeping" : "busy", ncpu - 1, ncpu, rounds,
	       secs * 1e3);
	printf("%-11s %22s %22s %26s %10s\n", "peer", "ns/event",
	       "added ns/event", "records/s", "drops");
	for (i = 0; i < NPEERS; i++) {
		uint64_t drops = 0;

		for (r = 0; r < rounds; r++)
			v[r] = res[i][r].ns_per_event;
		stat3(v, rounds, &m, &lo, &hi);
		snprintf(a, sizeof(a), "%.0f (%.0f..%.0f)", m, lo, hi);
		for (r = 0; r < rounds; r++)
			v[r] = res[i][r].ns_per_event -
			       res[NONE][r].ns_per_event;
		stat3(v, rounds, &m, &lo, &hi);
		snprintf(b, sizeof(b), "%.0f (%.0f..%.0f)", m, lo, hi);
		for (r = 0; r < rounds; r++) {
			v[r] = res[i][r].delivered_per_s / 1e6;
			drops += res[i][r].drops;
		}
		stat3(v, rounds, &m, &lo, &hi);
		snprintf(c, sizeof(c), "%.3fM (%.3f..%.3f)", m, lo, hi);
		printf("%-11s %22s %22s %26s %10llu\n", peer_name[i], a,
		       i ? b : "-", i ? c : "-", (unsigned long long)drops);
	}
	/* Per-round ratios: > 1 means well delivers more, adds less. */
	for (j = 0; j < sizeof(pairs) / sizeof(pairs[0]); j++) {
		enum peer w = pairs[j][0], o = pairs[j][1];

		for (r = 0; r < rounds; r++)
			v[r] = res[o][r].delivered_per_s ?
			       res[w][r].delivered_per_s /
			       res[o][r].delivered_per_s : 0;
		stat3(v, rounds, &m, &lo, &hi);
		snprintf(a, sizeof(a), "%.2f (%.2f..%.2f)", m, lo, hi);
		for (r = 0; r < rounds; r++) {
			double aw = res[w][r].ns_per_event -
				    res[NONE][r].ns_per_event;
			double ao = res[o][r].ns_per_event -
				    res[NONE][r].ns_per_event;

			v[r] = aw > 0 ? ao / aw : 0;
		}
		stat3(v, rounds, &m, &lo, &hi);
		snprintf(b, sizeof(b), "%.2f (%.2f..%.2f)", m, lo, hi);
		printf("ratio %s / %s: delivered %s, added-cost (rb/well) %s\n",
		       peer_name[w], peer_name[o], a, b);
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const struct bcase cases[] = {
		{ GETPGID, 1, false }, { GETPGID, 1, true },
		{ GETPGID, 2, false }, { GETPGID, 2, true },
		{ SWITCH, 2, false }, { SWITCH, 2, true },
	};
	const char *only = NULL;
	double secs = 0.3;
	int rounds = 5, opt, r, i, err, verbose = 0;
	unsigned int ci;

	while ((opt = getopt(argc, argv, "t:r:c:v")) != -1) {
		if (opt == 't')
			secs = atoi(optarg) / 1000.0;
		else if (opt == 'r')
			rounds = atoi(optarg);
		else if (opt == 'c')
			only = optarg;
		else if (opt == 'v')
			verbose = 1;
		else
			return 2;
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || secs <= 0)
		return 2;
	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu < 2) {
		fprintf(stderr, "probe_bench: needs 2 CPUs or more\n");
		return 3;
	}
	obj = bpf_object__open_mem(probe_bpf_o, probe_bpf_o_len, NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "probe_bench: cannot load the BPF object: %s\n",
			strerror(errno));
		return 3;
	}
	printf("probe_bench: %d CPUs; well ring %u KiB, BPF ring buffer %u KiB, perf buffer %u KiB per CPU\n",
	       ncpu, RING_BYTES >> 10, RING_BYTES >> 10, PB_PAGES * 4);
	for (ci = 0; ci < sizeof(cases) / sizeof(cases[0]); ci++) {
		if (only && !strchr(only, (int)('0' + ci)))
			continue;
		for (r = 0; r < rounds; r++)
			for (i = 0; i < NPEERS; i++) {
				enum peer p = (i + r) % NPEERS;

				if (verbose)
					fprintf(stderr, "case %u round %d %s\n",
						ci, r, peer_name[p]);

				err = one_run(p, &cases[ci], secs, &res[p][r]);
				if (err) {
					fprintf(stderr, "probe_bench: %s: %s\n",
						peer_name[p], strerror(-err));
					return 3;
				}
			}
		print_case(&cases[ci], rounds, secs);
	}
	bpf_object__close(obj);
	return 0;
}
