// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma_bench - ffma against the malloc this program is linked with.
 *
 * The same source is linked four times: with glibc's malloc, and with
 * mimalloc, jemalloc or tcmalloc replacing it. A run measures one
 * allocator: the malloc it has (named by argv[1]), ffma's fixed-size API
 * (ffma_alloc) or its size classes (ffma_mem_alloc), and prints one line
 * per measurement, "workload<TAB>allocator<TAB>value".
 * bench/ffma_bench.sh runs them all and prints the tables.
 *
 * Workloads (ops are alloc+free pairs, or objects):
 *   pair-N     allocate N bytes, write a byte, free; one thread
 *   burst-64   allocate 32768 objects of 64 bytes, then free them all
 *   xthread-64 one thread allocates 64-byte objects and passes them through
 *              a ring to another thread, which frees them
 *   rss-64     resident memory for 10^6 live 64-byte objects (MiB, not ops)
 * Each figure is the best of several rounds: the machine may be busy.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <ffma.h>
#include <well.h>

#define ROUNDS		5
#define PAIRS		(4 << 20)
#define BURST		32768
#define BURST_ROUNDS	64
#define XOBJECTS	(2 << 20)
#define XRING		1024
#define RSS_OBJECTS	1000000

enum api { API_MALLOC, API_FFMA, API_FFMA_MEM };

struct alloc {
	enum api api;
	struct ffma *ffma;
	size_t size;
};

static inline void *obj_alloc(struct alloc *a)
{
	switch (a->api) {
	case API_FFMA:
		return ffma_alloc(a->ffma);
	case API_FFMA_MEM:
		return ffma_mem_alloc(a->size);
	default:
		return malloc(a->size);
	}
}

static inline void obj_free(struct alloc *a, void *p)
{
	switch (a->api) {
	case API_FFMA:
		ffma_free(p);
		break;
	case API_FFMA_MEM:
		ffma_mem_free(p);
		break;
	default:
		free(p);
	}
}

/* Keep the compiler from dropping an allocation it can see is unused. */
static inline void use(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double pairs(struct alloc *a)
{
	double t = now();
	long i;

	for (i = 0; i < PAIRS; i++) {
		char *p = obj_alloc(a);

		*p = (char)i;
		use(p);
		obj_free(a, p);
	}
	return PAIRS / (now() - t);
}

static double burst(struct alloc *a)
{
	static void *objs[BURST];
	double t = now();
	int r, i;

	for (r = 0; r < BURST_ROUNDS; r++) {
		for (i = 0; i < BURST; i++) {
			objs[i] = obj_alloc(a);
			*(char *)objs[i] = (char)i;
		}
		use(objs);
		for (i = 0; i < BURST; i++)
			obj_free(a, objs[i]);
	}
	return (double)BURST * BURST_ROUNDS / (now() - t);
}

struct xrun {
	struct alloc *a;
	struct well ring;
	void *slot[XRING];
};

static void *xconsumer(void *arg)
{
	struct xrun *x = arg;
	long got = 0;

	while (got < XOBJECTS) {
		size_t pos, n = well_reserve_single(&x->ring.rx, &pos, 64);
		size_t i;

		if (!n) {
			sched_yield();
			continue;
		}
		for (i = 0; i < n; i++)
			obj_free(x->a, *WELL_DEREF(void *, pos, i, &x->ring));
		well_release_single(&x->ring.tx, n);
		got += n;
	}
	return NULL;
}

/* The producer owns the allocator: it runs in the calling thread. */
static double xthread(struct alloc *a)
{
	struct xrun *x = calloc(1, sizeof(*x));
	pthread_t t;
	double start;
	long sent = 0;

	x->a = a;
	well_params(sizeof(void *), XRING, &x->ring);
	well_init(&x->ring, x->slot);
	start = now();
	pthread_create(&t, NULL, xconsumer, x);
	while (sent < XOBJECTS) {
		size_t pos, n = well_reserve_single(&x->ring.tx, &pos, 64);
		size_t i;

		if (!n) {
			sched_yield();
			continue;
		}
		for (i = 0; i < n; i++) {
			char *p = obj_alloc(a);

			*p = (char)i;
			*WELL_DEREF(void *, pos, i, &x->ring) = p;
		}
		well_release_single(&x->ring.rx, n);
		sent += n;
	}
	pthread_join(t, NULL);
	start = XOBJECTS / (now() - start);
	free(x);
	return start;
}

static double best(double (*fn)(struct alloc *), struct alloc *a)
{
	double b = 0;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		double v = fn(a);

		b = v > b ? v : b;
	}
	return b;
}

static long rss_kib(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Resident MiB added by 10^6 live 64-byte objects, written to. */
static double rss(struct alloc *a)
{
	void **objs = malloc(RSS_OBJECTS * sizeof(*objs));
	long before, after;
	int i;

	/* Non-zero, so the array is resident before the first reading. */
	memset(objs, 0xff, RSS_OBJECTS * sizeof(*objs));
	before = rss_kib();
	for (i = 0; i < RSS_OBJECTS; i++) {
		objs[i] = obj_alloc(a);
		memset(objs[i], i, 64);
	}
	after = rss_kib();
	for (i = 0; i < RSS_OBJECTS; i++)
		obj_free(a, objs[i]);
	free(objs);
	return (after - before) / 1024.0;
}

static void run(const char *name, enum api api)
{
	static const size_t sizes[] = { 16, 64, 128, 1024, 4096 };
	struct alloc a = { .api = api };
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		a.size = sizes[i];
		a.ffma = api == API_FFMA ? ffma_create(a.size) : NULL;
		printf("pair-%zu\t%s\t%.0f\n", a.size, name, best(pairs, &a));
		ffma_destroy(a.ffma);
	}
	a.size = 64;
	a.ffma = api == API_FFMA ? ffma_create(64) : NULL;
	printf("burst-64\t%s\t%.0f\n", name, best(burst, &a));
	printf("xthread-64\t%s\t%.0f\n", name, best(xthread, &a));
	ffma_destroy(a.ffma);
}

/* In a process of its own, so that no earlier run's memory is reused. */
static void run_rss(const char *name, enum api api)
{
	struct alloc a = { .api = api, .size = 64 };

	a.ffma = api == API_FFMA ? ffma_create(64) : NULL;
	printf("rss-64\t%s\t%.1f\n", name, rss(&a));
	ffma_destroy(a.ffma);
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "malloc", "ffma", "ffma_mem" };
	enum api api;

	if (argc != 4 || (strcmp(argv[2], "ops") && strcmp(argv[2], "rss"))) {
		fprintf(stderr, "usage: %s MALLOC_NAME ops|rss malloc|ffma|ffma_mem\n",
			argv[0]);
		return 2;
	}
	for (api = API_MALLOC; api <= API_FFMA_MEM; api++)
		if (!strcmp(argv[3], names[api]))
			break;
	if (api > API_FFMA_MEM)
		return 2;
	if (!strcmp(argv[2], "rss"))
		run_rss(api == API_MALLOC ? argv[1] : argv[3], api);
	else
		run(api == API_MALLOC ? argv[1] : argv[3], api);
	return 0;
}
