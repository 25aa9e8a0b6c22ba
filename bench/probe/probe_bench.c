// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * probe_bench - the cost of tracing a syscall into a ring, in the VM: K
 * threads call getpgid() for a fixed time with no probe, with
 * well_probe.ko's sys_enter event (96-byte records into a /dev/well ring),
 * and with a BPF program on the same tracepoint writing 8- or 64-byte
 * records into a BPF ring buffer or a perf buffer (bench/probe/
 * probe.bpf.c, embedded). A consumer thread drains the ring without
 * sleeping. Every peer runs in each round, the order rotating; the table
 * gives the median and range over rounds of the ns per call, the ns a
 * probe adds (against the no-probe run of the same round), the records
 * delivered per second and the drops.
 * Usage: probe_bench [-t MS] [-r ROUNDS]   (as root, both modules loaded)
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

enum peer { NONE, WELL, RB8, RB64, PB8, PB64, NPEERS };
static const char *const peer_name[NPEERS] = {
	"none", "well(96B)", "bpf-rb 8B", "bpf-rb 64B", "bpf-pb 8B",
	"bpf-pb 64B",
};

struct cfg {
	uint32_t tgid;
	uint32_t rec_size;
	int64_t nr;
	uint64_t drops;
};

struct run {
	double ns_per_call;
	double delivered_per_s;
	uint64_t delivered;
	uint64_t drops;
};

static struct bpf_object *obj;
static int stop, cons_stop;
static uint64_t delivered;

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
	uint64_t calls;
	pthread_t t;
};

static void *work(void *arg)
{
	struct worker *w = arg;

	pin(w->cpu);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		getpgid(0);
		w->calls++;
	}
	return NULL;
}

struct consumer {
	enum peer p;
	struct wp_client *wc;
	struct ring_buffer *rb;
	struct perf_buffer *pb;
	pthread_t t;
};

static int on_sample(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)data;
	(void)size;
	delivered++;
	return 0;
}

static void on_pb_sample(void *ctx, int cpu, void *data, __u32 size)
{
	(void)ctx;
	(void)cpu;
	(void)data;
	(void)size;
	delivered++;
}

static uint64_t pb_lost;

static void on_pb_lost(void *ctx, int cpu, __u64 n)
{
	(void)ctx;
	(void)cpu;
	pb_lost += n;
}

static int drain_once(struct consumer *c)
{
	struct well_probe_rec r[64];
	int n = 0;

	switch (c->p) {
	case WELL:
		n = wp_read(c->wc, r, 64);
		delivered += n;
		break;
	case RB8:
	case RB64:
		n = ring_buffer__consume(c->rb);
		break;
	case PB8:
	case PB64:
		n = perf_buffer__consume(c->pb);
		break;
	default:
		break;
	}
	return n;
}

static void *consume(void *arg)
{
	struct consumer *c = arg;

	pin(1);
	/* Busy: the consumer never sleeps (no wakeups measured here). */
	while (!__atomic_load_n(&cons_stop, __ATOMIC_ACQUIRE))
		drain_once(c);
	return NULL;
}

static int bpf_setup(enum peer p, struct bpf_link **link)
{
	struct bpf_program *prog;
	struct cfg c = { .tgid = getpid(), .nr = SYS_getpgid };
	uint32_t zero = 0;

	c.rec_size = p == RB8 || p == PB8 ? 8 : 64;
	if (bpf_map_update_elem(bpf_object__find_map_fd_by_name(obj, "cfg"),
				&zero, &c, BPF_ANY))
		return -errno;
	prog = bpf_object__find_program_by_name(obj, p <= RB64 ? "on_rb" :
						"on_pb");
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

static int one_run(enum peer p, int k, double secs, struct run *out)
{
	struct worker w[2] = { { .cpu = 0 }, { .cpu = 1 } };
	struct consumer c = { .p = p };
	struct well_probe_stats st;
	struct bpf_link *link = NULL;
	struct wp_client wc;
	uint64_t calls = 0;
	double t0, dt;
	int i, err = 0;

	delivered = 0;
	pb_lost = 0;
	if (p == WELL) {
		err = wp_open(&wc, "/dev/well", WP_PROBE_DEV, 128, 1 << 15);
		if (!err && wp_attach_spec(&wc, "sys_enter=" "121", getpid()))
			err = -EINVAL;
		c.wc = &wc;
	} else if (p != NONE) {
		err = bpf_setup(p, &link);
		if (!err && p <= RB64)
			c.rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "rb"),
						on_sample, NULL, NULL);
		else if (!err)
			c.pb = perf_buffer__new(bpf_object__find_map_fd_by_name(obj, "pb"),
						64, on_pb_sample, on_pb_lost,
						NULL, NULL);
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
	for (i = 0; i < k; i++)
		pthread_create(&w[i].t, NULL, work, &w[i]);
	while (now_s() - t0 < secs)
		usleep(10000);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < k; i++) {
		pthread_join(w[i].t, NULL);
		calls += w[i].calls;
	}
	dt = now_s() - t0;
	if (p == WELL)
		wp_stop(&wc);
	else if (link)
		bpf_link__destroy(link);
	if (p != NONE) {
		__atomic_store_n(&cons_stop, 1, __ATOMIC_RELEASE);
		pthread_join(c.t, NULL);
		while (drain_once(&c) > 0)
			;
	}
	out->ns_per_call = dt * 1e9 * k / calls;
	out->delivered = delivered;
	out->delivered_per_s = delivered / dt;
	out->drops = 0;
	if (p == WELL) {
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

int main(int argc, char **argv)
{
	static struct run res[NPEERS][MAX_ROUNDS];
	double secs = 0.3, v[MAX_ROUNDS], m, lo, hi;
	int rounds = 5, opt, k, r, i, err;

	while ((opt = getopt(argc, argv, "t:r:")) != -1) {
		if (opt == 't')
			secs = atoi(optarg) / 1000.0;
		else if (opt == 'r')
			rounds = atoi(optarg);
		else
			return 2;
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || secs <= 0)
		return 2;
	obj = bpf_object__open_mem(probe_bpf_o, probe_bpf_o_len, NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "probe_bench: cannot load the BPF object: %s\n",
			strerror(errno));
		return 3;
	}
	for (k = 1; k <= 2; k++) {
		for (r = 0; r < rounds; r++)
			for (i = 0; i < NPEERS; i++) {
				enum peer p = (i + r) % NPEERS;

				err = one_run(p, k, secs, &res[p][r]);
				if (err) {
					fprintf(stderr, "probe_bench: %s: %s\n",
						peer_name[p], strerror(-err));
					return 3;
				}
			}
		printf("K=%d getpgid() threads, %d rounds of %.0f ms, consumer busy on CPU 1; median (min..max)\n",
		       k, rounds, secs * 1e3);
		printf("%-11s %26s %26s %28s %12s\n", "peer", "ns/call",
		       "added ns/call", "records/s", "drops");
		for (i = 0; i < NPEERS; i++) {
			char a[40], b[40], c[40];
			uint64_t drops = 0;

			for (r = 0; r < rounds; r++)
				v[r] = res[i][r].ns_per_call;
			stat3(v, rounds, &m, &lo, &hi);
			snprintf(a, sizeof(a), "%.0f (%.0f..%.0f)", m, lo, hi);
			for (r = 0; r < rounds; r++)
				v[r] = res[i][r].ns_per_call -
				       res[NONE][r].ns_per_call;
			stat3(v, rounds, &m, &lo, &hi);
			snprintf(b, sizeof(b), "%.0f (%.0f..%.0f)", m, lo, hi);
			for (r = 0; r < rounds; r++) {
				v[r] = res[i][r].delivered_per_s / 1e6;
				drops += res[i][r].drops;
			}
			stat3(v, rounds, &m, &lo, &hi);
			snprintf(c, sizeof(c), "%.3fM (%.3f..%.3f)", m, lo, hi);
			printf("%-11s %26s %26s %28s %12llu\n", peer_name[i], a,
			       i ? b : "-", i ? c : "-",
			       (unsigned long long)drops);
		}
	}
	bpf_object__close(obj);
	return 0;
}
