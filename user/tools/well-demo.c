// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well-demo - move checksummed records through a well between threads and
 * say what happened: producers, consumers, blocks moved, blocks/s, MB/s
 * and whether every record arrived once, intact and in order.
 * well-demo --help lists the options and the exit codes (user/tools/tool.h).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <well.h>
#include "tool.h"

#define TOOL			"well-demo"

#define DEMO_MAX_THREADS	16
#define DEMO_BATCH		32

struct demo_record {
	uint32_t producer;
	uint32_t length;
	uint64_t seq;
	uint64_t sum;		/* checksum of the three fields above */
};

struct demo {
	struct well ring;
	size_t per_producer;
	int producers;
	int consumers;
	_Atomic size_t consumed;	/* records taken by all consumers */
	_Atomic int bad;		/* records that failed verification */
	/* next sequence expected from each producer, per consumer */
	uint64_t next[DEMO_MAX_THREADS][DEMO_MAX_THREADS];
};

struct demo_thread {
	struct demo *demo;
	int id;
};

static uint64_t demo_sum(const struct demo_record *r)
{
	uint64_t h = 0xcbf29ce484222325ull;

	h = (h ^ r->producer) * 0x100000001b3ull;
	h = (h ^ r->length) * 0x100000001b3ull;
	return (h ^ r->seq) * 0x100000001b3ull;
}

/* Release a reservation, single or multi, waiting for earlier ones. */
static void demo_release(struct well_side *to, size_t n, size_t pos, int many)
{
	if (!many) {
		well_release_single(to, n);
		return;
	}
	while (!well_release_multi(to, n, pos))
		sched_yield();
}

static void *demo_produce(void *arg)
{
	struct demo_thread *t = arg;
	struct demo *d = t->demo;
	uint64_t seq = 0;

	while (seq < d->per_producer) {
		size_t pos, n, i;
		size_t want = d->per_producer - seq;

		n = well_reserve(&d->ring.tx, &pos,
				 want < DEMO_BATCH ? want : DEMO_BATCH);
		if (!n) {
			sched_yield();
			continue;
		}
		for (i = 0; i < n; i++) {
			struct demo_record *r =
				WELL_DEREF(struct demo_record, pos, i, &d->ring);

			r->producer = t->id;
			r->length = sizeof(*r);
			r->seq = seq++;
			r->sum = demo_sum(r);
		}
		demo_release(&d->ring.rx, n, pos, d->producers > 1);
	}
	return NULL;
}

static void *demo_consume(void *arg)
{
	struct demo_thread *t = arg;
	struct demo *d = t->demo;
	size_t total = d->per_producer * d->producers;

	while (d->consumed < total) {
		size_t pos, n, i;

		n = well_reserve(&d->ring.rx, &pos, DEMO_BATCH);
		if (!n) {
			sched_yield();
			continue;
		}
		for (i = 0; i < n; i++) {
			const struct demo_record *r =
				WELL_DEREF(struct demo_record, pos, i, &d->ring);
			uint64_t *next;

			if (r->producer >= (uint32_t)d->producers ||
			    r->sum != demo_sum(r)) {
				d->bad++;
				continue;
			}
			next = &d->next[t->id][r->producer];
			if (r->seq < *next)
				d->bad++;
			*next = r->seq + 1;
		}
		d->consumed += n;
		demo_release(&d->ring.tx, n, pos, d->consumers > 1);
	}
	return NULL;
}

static double demo_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void demo_usage(FILE *f)
{
	fprintf(f,
		"Usage: " TOOL " [OPTION]...\n"
		"Move numbered, checksummed records through a well between producer\n"
		"and consumer threads of this process, check that every record\n"
		"arrived once, intact and in order, and print the throughput.\n"
		"\n"
		"  -p, --producers=N   producer threads, 1..%d (default 2)\n"
		"  -c, --consumers=N   consumer threads, 1..%d (default 2)\n"
		"  -n, --count=N       records to move in all, 1..2^40 (default\n"
		"                      4000000), split evenly between the producers\n"
		"  -s, --block-size=N  bytes per block, %zu..1048576, rounded up to a\n"
		"                      power of two (default %zu)\n"
		"  -h, --help          print this help and exit\n"
		"  -V, --version       print the version and exit\n"
		"\n"
		WELL_TOOL_EXIT_HELP,
		DEMO_MAX_THREADS, DEMO_MAX_THREADS, sizeof(struct demo_record),
		sizeof(struct demo_record));
}

static const struct option demo_long_opts[] = {
	{ "producers",	required_argument, NULL, 'p' },
	{ "consumers",	required_argument, NULL, 'c' },
	{ "count",	required_argument, NULL, 'n' },
	{ "block-size",	required_argument, NULL, 's' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ "version",	no_argument,	   NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	static struct demo d;
	struct demo_thread th[2 * DEMO_MAX_THREADS];
	pthread_t tid[2 * DEMO_MAX_THREADS];
	uint64_t p = 2, c = 2, blocks = 4000000, size = sizeof(struct demo_record);
	char optname[3] = "-?";
	double t0, secs;
	void *mem;
	int opt, i, n, err;

	while ((opt = getopt_long(argc, argv, "p:c:n:s:hV", demo_long_opts,
				  NULL)) != -1) {
		optname[1] = (char)opt;
		switch (opt) {
		case 'p':
			err = well_tool_num(TOOL, optname, optarg, 1,
					    DEMO_MAX_THREADS, &p);
			break;
		case 'c':
			err = well_tool_num(TOOL, optname, optarg, 1,
					    DEMO_MAX_THREADS, &c);
			break;
		case 'n':
			err = well_tool_num(TOOL, optname, optarg, 1, 1ULL << 40,
					    &blocks);
			break;
		case 's':
			err = well_tool_num(TOOL, optname, optarg,
					    sizeof(struct demo_record), 1 << 20,
					    &size);
			break;
		case 'h':
			demo_usage(stdout);
			return WELL_EXIT_OK;
		case 'V':
			well_tool_version(TOOL);
			return WELL_EXIT_OK;
		default:
			err = -1;
		}
		if (err)
			return well_tool_usage_error(TOOL);
	}
	if (optind < argc)
		return well_tool_extra_arg(TOOL, argv[optind]);
	if (blocks < p) {
		fprintf(stderr, TOOL ": -n %llu: fewer records than the %llu producers\n",
			(unsigned long long)blocks, (unsigned long long)p);
		return well_tool_usage_error(TOOL);
	}
	mem = NULL;
	err = well_params(size, 1024, &d.ring);
	if (!err) {
		mem = aligned_alloc(64, well_size(&d.ring));
		err = mem ? well_init(&d.ring, mem) : -ENOMEM;
	}
	if (err) {
		fprintf(stderr, TOOL ": cannot set up a ring of 1024 blocks of %llu bytes: %s\n",
			(unsigned long long)size, strerror(-err));
		free(mem);
		return WELL_EXIT_SETUP;
	}
	d.producers = p;
	d.consumers = c;
	d.per_producer = blocks / p;
	printf(TOOL ": %d producer(s) -> %d consumer(s), %zu blocks of %zu bytes in a ring of %zu\n",
	       d.producers, d.consumers, d.per_producer * p, well_blk_size(&d.ring),
	       well_blk_count(&d.ring));

	t0 = demo_now();
	for (i = 0, n = 0; i < d.producers + d.consumers; i++, n++) {
		th[n].demo = &d;
		th[n].id = i < d.producers ? i : i - d.producers;
		err = pthread_create(&tid[n], NULL, i < d.producers ?
				     demo_produce : demo_consume, &th[n]);
		if (err) {
			fprintf(stderr, TOOL ": cannot start thread %d: %s\n",
				i, strerror(err));
			exit(WELL_EXIT_SETUP);
		}
	}
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	secs = demo_now() - t0;

	printf(TOOL ": moved %zu blocks in %.3f s: %.1f M blocks/s, %.1f MB/s\n",
	       (size_t)d.consumed, secs, d.consumed / secs / 1e6,
	       d.consumed * (double)well_blk_size(&d.ring) / secs / 1e6);
	printf(TOOL ": verification %s: %d bad record(s), %zu of %zu received\n",
	       d.bad || d.consumed != d.per_producer * p ? "FAILED" : "passed",
	       (int)d.bad, (size_t)d.consumed, d.per_producer * p);
	well_deinit(&d.ring);
	free(mem);
	return d.bad || d.consumed != d.per_producer * p ?
	       WELL_EXIT_FAILED : WELL_EXIT_OK;
}
