// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well-demo - move checksummed records through a well between threads and
 * say what happened: producers, consumers, blocks moved, blocks/s, MB/s
 * and whether every record arrived once, intact and in order.
 *
 * Usage: well-demo [-p producers] [-c consumers] [-n blocks] [-s blk_size]
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <well.h>

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

static int demo_arg(const char *s, int lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno || *end || *out < lo || *out > hi) {
		fprintf(stderr, "well-demo: '%s' is not a number in [%d, %ld]\n",
			s, lo, hi);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct demo d;
	struct demo_thread th[2 * DEMO_MAX_THREADS];
	pthread_t tid[2 * DEMO_MAX_THREADS];
	long p = 2, c = 2, blocks = 4000000, size = sizeof(struct demo_record);
	double t0, secs;
	void *mem;
	int opt, i, n;

	while ((opt = getopt(argc, argv, "p:c:n:s:")) != -1) {
		long *dst = opt == 'p' ? &p : opt == 'c' ? &c :
			    opt == 'n' ? &blocks : opt == 's' ? &size : NULL;
		long hi = opt == 'n' ? 1L << 40 : opt == 's' ? 1L << 20 :
			  DEMO_MAX_THREADS;

		if (!dst) {
			fprintf(stderr, "usage: well-demo [-p producers] [-c consumers] [-n blocks] [-s blk_size]\n");
			return 2;
		}
		if (demo_arg(optarg, dst == &size ? (int)sizeof(struct demo_record) : 1,
			     hi, dst))
			return 2;
	}
	if (well_params(size, 1024, &d.ring) ||
	    !(mem = aligned_alloc(64, well_size(&d.ring))) ||
	    well_init(&d.ring, mem)) {
		fprintf(stderr, "well-demo: cannot set up the ring\n");
		return 1;
	}
	d.producers = p;
	d.consumers = c;
	d.per_producer = blocks / p;
	printf("well-demo: %ld producer(s) -> %ld consumer(s), %zu blocks of %zu bytes in a ring of %zu\n",
	       p, c, d.per_producer * p, well_blk_size(&d.ring),
	       well_blk_count(&d.ring));

	t0 = demo_now();
	for (i = 0, n = 0; i < p + c; i++, n++) {
		th[n].demo = &d;
		th[n].id = i < p ? i : i - p;
		pthread_create(&tid[n], NULL, i < p ? demo_produce : demo_consume,
			       &th[n]);
	}
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	secs = demo_now() - t0;

	printf("well-demo: moved %zu blocks in %.3f s: %.1f M blocks/s, %.1f MB/s\n",
	       (size_t)d.consumed, secs, d.consumed / secs / 1e6,
	       d.consumed * (double)well_blk_size(&d.ring) / secs / 1e6);
	printf("well-demo: verification %s: %d bad record(s), %zu of %zu received\n",
	       d.bad || d.consumed != d.per_producer * p ? "FAILED" : "passed",
	       (int)d.bad, (size_t)d.consumed, d.per_producer * p);
	well_deinit(&d.ring);
	free(mem);
	return d.bad || d.consumed != d.per_producer * p;
}
