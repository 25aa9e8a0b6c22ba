// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench.c - ffma_bench: ffma against the other allocators, in one process.
 *
 * Allocators, each inlined into its own copy of every workload and called
 * by name (glibc alone through a pointer, see below):
 *   ffma_mem   ffma_mem_alloc()/ffma_mem_free(): the size classes
 *   ffma       ffma_alloc()/ffma_free() on a handle from ffma_create()
 *   mimalloc   mi_malloc()/mi_free()            (built with -DWITH_MIMALLOC)
 *   glibc      glibc's own malloc()/free(), found with dlsym() in libc.so.6
 *              (mimalloc replaces malloc and even __libc_malloc when it is
 *              linked), called through a pointer as through the PLT
 *   NAME       malloc()/free() of the process   (built with
 *              -DPROCESS_MALLOC='"NAME"': jemalloc and tcmalloc, which
 *              cannot be called without replacing malloc; then ffma and
 *              ffma_mem are named "ffma@NAME" and "ffma_mem@NAME", so the
 *              ratios to NAME come from this process)
 *
 * Throughput (the default): every round runs every case once on every
 * allocator, the allocators in an order that turns by one each round.
 * Cases, at 16, 64, 128, 1024 and 4096 bytes:
 *   pair     allocate, write a byte, free; PAIRS times
 *   burst    allocate BURST objects (writing a byte of each), then free
 *            them all; BURST_REPS times
 *   xthread  this thread allocates and passes each object through a well
 *            ring to a second thread, which frees it (xmalloc's pattern:
 *            every free is remote); XOBJECTS objects
 * Each run prints "rec<TAB>CASE<TAB>ROUND<TAB>ALLOCATOR<TAB>OPS/S" (an op
 * is an object allocated and freed); bench/table.awk makes the tables.
 *
 * Resident memory (-m): each scenario on each allocator in a child
 * process of its own, so no other run's memory is counted; the value is
 * the growth of the resident set (MiB) since the child started:
 *   idle S  BURST_RSS bytes of S-byte objects allocated, written, freed;
 *           then after 0 ms, 100 ms and 1 s without a call
 *   threads 8 threads, each holding one live object of every size class
 *           (16 B to 64 KiB): MiB per thread
 *   remote  BURST_RSS bytes of 64-byte objects allocated here and freed
 *           by another thread; then after the owner allocates as many
 *           again (memory that remote frees did not give back is paid
 *           twice)
 *
 * Usage: ffma_bench [-r ROUNDS] [-s SUFFIX] [-m]
 *   -r  rounds (11; 3 for -m)   -s  appended to every case name
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dlfcn.h>
#include <sys/wait.h>

#include <ffma.h>
#include <well.h>
#ifdef WITH_MIMALLOC
#include <mimalloc.h>
#endif

#define BENCH_INLINE	static inline __attribute__((__always_inline__))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define PAIRS		(1 << 20)
#define BURST		32768
#define BURST_REPS	8
#define XOBJECTS	(1 << 18)
#define XRING		1024
#define XBATCH		64
#define BURST_RSS	((size_t)64 << 20)
#define RSS_THREADS	8

#ifndef PROCESS_MALLOC
/* glibc's own malloc, whatever malloc() resolves to in this process. */
static void *(*glibc_malloc)(size_t size);
static void (*glibc_free)(void *ptr);
#endif

enum api {
	API_FFMA_MEM,
	API_FFMA,
#ifdef WITH_MIMALLOC
	API_MIMALLOC,
#endif
#ifdef PROCESS_MALLOC
	API_MALLOC,
#else
	API_GLIBC,
#endif
	NAPIS
};

#ifdef PROCESS_MALLOC
static const char *const api_names[NAPIS] = {
	"ffma_mem@" PROCESS_MALLOC, "ffma@" PROCESS_MALLOC, PROCESS_MALLOC,
};
#else
static const char *const api_names[NAPIS] = {
	"ffma_mem", "ffma",
#ifdef WITH_MIMALLOC
	"mimalloc",
#endif
	"glibc",
};
#endif

enum workload { WL_PAIR, WL_BURST, WL_XTHREAD, NWORKLOADS };
static const char *const wl_names[NWORKLOADS] = { "pair", "burst", "xthread" };
static const size_t sizes[] = { 16, 64, 128, 1024, 4096 };
#define NSIZES	ARRAY_SIZE(sizes)

/* What one run allocates: @size bytes, or objects of @ffma. */
struct alloc {
	size_t size;
	struct ffma *ffma;
};

BENCH_INLINE void *obj_alloc(enum api api, const struct alloc *a)
{
	switch (api) {
	case API_FFMA_MEM:
		return ffma_mem_alloc(a->size);
	case API_FFMA:
		return ffma_alloc(a->ffma);
#ifdef WITH_MIMALLOC
	case API_MIMALLOC:
		return mi_malloc(a->size);
#endif
#ifdef PROCESS_MALLOC
	case API_MALLOC:
		return malloc(a->size);
#else
	case API_GLIBC:
		return glibc_malloc(a->size);
#endif
	default:
		return NULL;
	}
}

BENCH_INLINE void obj_free(enum api api, void *p)
{
	switch (api) {
	case API_FFMA_MEM:
		ffma_mem_free(p);
		break;
	case API_FFMA:
		ffma_free(p);
		break;
#ifdef WITH_MIMALLOC
	case API_MIMALLOC:
		mi_free(p);
		break;
#endif
#ifdef PROCESS_MALLOC
	case API_MALLOC:
		free(p);
		break;
#else
	case API_GLIBC:
		glibc_free(p);
		break;
#endif
	default:
		break;
	}
}

/* An allocation that failed ends the benchmark: its figures are void. */
BENCH_INLINE char *checked(void *p, enum api api)
{
	if (__builtin_expect(!p, 0)) {
		fprintf(stderr, "ffma_bench: %s: allocation failed\n",
			api_names[api]);
		exit(1);
	}
	return p;
}

/* Keep the compiler from dropping an allocation it can see is unused. */
BENCH_INLINE void use(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

BENCH_INLINE double pairs(enum api api, const struct alloc *a)
{
	double t = now();

	for (long i = 0; i < PAIRS; i++) {
		char *p = checked(obj_alloc(api, a), api);

		*p = (char)i;
		use(p);
		obj_free(api, p);
	}
	return PAIRS / (now() - t);
}

static void *burst_objs[BURST];

BENCH_INLINE double burst(enum api api, const struct alloc *a)
{
	double t = now();

	for (int r = 0; r < BURST_REPS; r++) {
		for (int i = 0; i < BURST; i++) {
			char *p = checked(obj_alloc(api, a), api);

			*p = (char)i;
			burst_objs[i] = p;
		}
		use(burst_objs);
		for (int i = 0; i < BURST; i++)
			obj_free(api, burst_objs[i]);
	}
	return (double)BURST * BURST_REPS / (now() - t);
}

/* The ring between the allocating thread and the freeing one. */
struct xrun {
	enum api api;
	struct well ring;
	void *slot[XRING];
};

static void *xfree_thread(void *arg)
{
	struct xrun *x = arg;
	long got = 0;

	while (got < XOBJECTS) {
		size_t pos, n = well_reserve_single(&x->ring.rx, &pos, XBATCH);

		if (!n) {
			sched_yield();
			continue;
		}
		for (size_t i = 0; i < n; i++)
			obj_free(x->api, *WELL_DEREF(void *, pos, i, &x->ring));
		well_release_single(&x->ring.tx, n);
		got += n;
	}
	return NULL;
}

/* The calling thread owns the objects; a second thread frees them all. */
BENCH_INLINE double xthread(enum api api, const struct alloc *a)
{
	struct xrun *x = calloc(1, sizeof(*x));
	double start;
	long sent = 0;
	pthread_t t;

	if (!x || well_params(sizeof(void *), XRING, &x->ring) ||
	    well_init(&x->ring, x->slot)) {
		fprintf(stderr, "ffma_bench: xthread set-up failed\n");
		exit(1);
	}
	x->api = api;
	start = now();
	if (pthread_create(&t, NULL, xfree_thread, x)) {
		fprintf(stderr, "ffma_bench: pthread_create failed\n");
		exit(1);
	}
	while (sent < XOBJECTS) {
		size_t pos, n = well_reserve_single(&x->ring.tx, &pos, XBATCH);

		if (!n) {
			sched_yield();
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			char *p = checked(obj_alloc(api, a), api);

			*p = (char)i;
			*WELL_DEREF(void *, pos, i, &x->ring) = p;
		}
		well_release_single(&x->ring.rx, n);
		sent += n;
	}
	pthread_join(t, NULL);
	start = XOBJECTS / (now() - start);
	well_deinit(&x->ring);
	free(x);
	return start;
}

BENCH_INLINE double workload(enum api api, enum workload wl,
			     const struct alloc *a)
{
	switch (wl) {
	case WL_PAIR:
		return pairs(api, a);
	case WL_BURST:
		return burst(api, a);
	default:
		return xthread(api, a);
	}
}

/* One run: the workload compiled for this allocator, its calls inlined. */
static double run(enum api api, enum workload wl, const struct alloc *a)
{
	switch (api) {
	case API_FFMA_MEM:
		return workload(API_FFMA_MEM, wl, a);
	case API_FFMA:
		return workload(API_FFMA, wl, a);
#ifdef WITH_MIMALLOC
	case API_MIMALLOC:
		return workload(API_MIMALLOC, wl, a);
#endif
#ifdef PROCESS_MALLOC
	case API_MALLOC:
		return workload(API_MALLOC, wl, a);
#else
	case API_GLIBC:
		return workload(API_GLIBC, wl, a);
#endif
	default:
		return 0;
	}
}

static void throughput(unsigned int rounds, const char *suffix)
{
	static struct ffma *handles[NSIZES];

	for (size_t s = 0; s < NSIZES; s++) {
		handles[s] = ffma_create(sizes[s]);
		if (!handles[s]) {
			fprintf(stderr, "ffma_bench: ffma_create(%zu) failed\n",
				sizes[s]);
			exit(1);
		}
	}
	/* Round 0 warms every allocator up and is not printed. */
	for (unsigned int r = 0; r <= rounds; r++) {
		for (unsigned int wl = 0; wl < NWORKLOADS; wl++) {
			for (size_t s = 0; s < NSIZES; s++) {
				struct alloc a = { sizes[s], handles[s] };

				for (unsigned int j = 0; j < NAPIS; j++) {
					enum api api = (j + r) % NAPIS;
					double v = run(api, wl, &a);

					if (r)
						printf("rec\t%s %zu%s\t%u\t%s\t%.0f\n",
						       wl_names[wl], sizes[s],
						       suffix, r,
						       api_names[api], v);
				}
			}
			fflush(stdout);
		}
	}
	for (size_t s = 0; s < NSIZES; s++)
		ffma_destroy(handles[s]);
}

/* Resident KiB of this process. */
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

static void idle_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts))
		;
}

/* One line of the memory table, in MiB since @base KiB. */
static void rss_rec(const char *name, unsigned int round, enum api api,
		    long base, double divisor)
{
	printf("rec\t%s\t%u\t%s\t%.2f\n", name, round, api_names[api],
	       (rss_kib() - base) / 1024.0 / divisor);
}

static void **rss_objs;

static void rss_idle(enum api api, unsigned int round, size_t size,
		     long base)
{
	size_t n = BURST_RSS / size;
	struct alloc a = { size, api == API_FFMA ? ffma_create(size) : NULL };
	char name[64];

	for (size_t i = 0; i < n; i++) {
		rss_objs[i] = checked(obj_alloc(api, &a), api);
		memset(rss_objs[i], (int)i, size);
	}
	for (size_t i = 0; i < n; i++)
		obj_free(api, rss_objs[i]);
	snprintf(name, sizeof(name), "idle %zu, 0 ms", size);
	rss_rec(name, round, api, base, 1);
	idle_ms(100);
	snprintf(name, sizeof(name), "idle %zu, 100 ms", size);
	rss_rec(name, round, api, base, 1);
	idle_ms(900);
	snprintf(name, sizeof(name), "idle %zu, 1 s", size);
	rss_rec(name, round, api, base, 1);
}

struct rss_thread {
	enum api api;
	pthread_barrier_t *held;
	pthread_barrier_t *measured;
};

/*
 * Size classes only (memory() skips API_FFMA), so the handle is NULL: gcc
 * 12 sees the inline ffma_alloc() of that case read through it and warns.
 */
#ifndef __clang__
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif
static void *rss_holder(void *arg)
{
	struct rss_thread *t = arg;
	void *live[FFMA_MEM_CLASSES];
	struct alloc a = { 0, NULL };

	for (unsigned int c = 0; c < FFMA_MEM_CLASSES; c++) {
		a.size = FFMA_MEM_MIN << c;
		live[c] = checked(obj_alloc(t->api, &a), t->api);
		memset(live[c], 1, a.size);
	}
	pthread_barrier_wait(t->held);
	pthread_barrier_wait(t->measured);
	for (unsigned int c = 0; c < FFMA_MEM_CLASSES; c++)
		obj_free(t->api, live[c]);
	return NULL;
}
#ifndef __clang__
#pragma GCC diagnostic pop
#endif

static void rss_threads(enum api api, unsigned int round, long base)
{
	pthread_barrier_t held, measured;
	struct rss_thread t = { api, &held, &measured };
	pthread_t tid[RSS_THREADS];

	pthread_barrier_init(&held, NULL, RSS_THREADS + 1);
	pthread_barrier_init(&measured, NULL, RSS_THREADS + 1);
	for (int i = 0; i < RSS_THREADS; i++)
		if (pthread_create(&tid[i], NULL, rss_holder, &t))
			exit(1);
	pthread_barrier_wait(&held);
	rss_rec("8 threads, 1 object per class (per thread)", round, api,
		base, RSS_THREADS);
	pthread_barrier_wait(&measured);
	for (int i = 0; i < RSS_THREADS; i++)
		pthread_join(tid[i], NULL);
}

struct rss_remote {
	enum api api;
	size_t n;
};

static void *rss_remote_free(void *arg)
{
	struct rss_remote *r = arg;

	for (size_t i = 0; i < r->n; i++)
		obj_free(r->api, rss_objs[i]);
	return NULL;
}

static void rss_remote(enum api api, unsigned int round, long base)
{
	struct rss_remote r = { api, BURST_RSS / 64 };
	struct alloc a = { 64, NULL };
	pthread_t t;

	for (size_t i = 0; i < r.n; i++) {
		rss_objs[i] = checked(obj_alloc(api, &a), api);
		memset(rss_objs[i], (int)i, 64);
	}
	if (pthread_create(&t, NULL, rss_remote_free, &r))
		exit(1);
	pthread_join(t, NULL);
	rss_rec("remote 64, freed", round, api, base, 1);
	for (size_t i = 0; i < r.n; i++) {
		rss_objs[i] = checked(obj_alloc(api, &a), api);
		memset(rss_objs[i], (int)i, 64);
	}
	rss_rec("remote 64, then as many again", round, api, base, 1);
	for (size_t i = 0; i < r.n; i++)
		obj_free(api, rss_objs[i]);
}

/* Scenario @sc of round @round on @api, in this (fresh) process. */
static void rss_child(enum api api, unsigned int sc, unsigned int round)
{
	long base;

	/* The pointer array is resident before the base is read. */
	rss_objs = malloc(BURST_RSS / 16 * sizeof(*rss_objs));
	if (!rss_objs)
		exit(1);
	memset(rss_objs, 0xff, BURST_RSS / 16 * sizeof(*rss_objs));
	base = rss_kib();
	switch (sc) {
	case 0:
		rss_idle(api, round, 64, base);
		break;
	case 1:
		rss_idle(api, round, 4096, base);
		break;
	case 2:
		rss_threads(api, round, base);
		break;
	default:
		rss_remote(api, round, base);
	}
	fflush(stdout);
}

static void memory(unsigned int rounds)
{
	for (unsigned int r = 1; r <= rounds; r++) {
		for (unsigned int sc = 0; sc < 4; sc++) {
			for (unsigned int j = 0; j < NAPIS; j++) {
				enum api api = (j + r) % NAPIS;
				int status;
				pid_t pid;

				if (api == API_FFMA)	/* no size classes */
					continue;
				fflush(stdout);
				pid = fork();
				if (pid < 0)
					exit(1);
				if (!pid) {
					rss_child(api, sc, r);
					_exit(0);
				}
				if (waitpid(pid, &status, 0) != pid ||
				    !WIFEXITED(status) || WEXITSTATUS(status))
					exit(1);
			}
		}
	}
}

/* glibc's malloc and free, from libc.so.6 itself; exits when not found. */
static void find_glibc(void)
{
#ifndef PROCESS_MALLOC
	void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);

	if (libc) {
		glibc_malloc = (void *(*)(size_t))dlsym(libc, "malloc");
		glibc_free = (void (*)(void *))dlsym(libc, "free");
	}
	if (!glibc_malloc || !glibc_free ||
	    (void *)glibc_malloc == (void *)malloc) {
		fprintf(stderr, "ffma_bench: glibc's own malloc not found\n");
		exit(1);
	}
	/*
	 * glibc's malloc initialises itself on its first call, unlocked, and
	 * gives the calling thread the main arena without counting it as
	 * attached: it expects that call before any thread exists. Here,
	 * where malloc() is mimalloc's, the first call could come from 8
	 * threads at once (ffma_bench -m in a fresh child), and glibc aborted
	 * when they exited ("a->attached_threads > 0"). Make it here.
	 */
	glibc_free(glibc_malloc(1));
#endif
}

int main(int argc, char **argv)
{
	unsigned int rounds = 0;
	const char *suffix = "";
	bool mem = false;
	int opt;

	while ((opt = getopt(argc, argv, "r:s:m")) != -1) {
		switch (opt) {
		case 'r':
			rounds = strtoul(optarg, NULL, 0);
			break;
		case 's':
			suffix = optarg;
			break;
		case 'm':
			mem = true;
			break;
		default:
			fprintf(stderr, "usage: ffma_bench [-r ROUNDS] [-s SUFFIX] [-m]\n");
			return 2;
		}
	}
	find_glibc();
	if (mem)
		memory(rounds ? rounds : 3);
	else
		throughput(rounds ? rounds : 11, suffix);
	return 0;
}
