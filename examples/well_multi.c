// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well_multi.c - several producer threads, several consumer threads.
 *
 * With more than one thread on a side, reserving is the same call
 * (well_reserve() is safe for any number of threads) but releasing is not:
 * well_release_multi() makes a reservation visible only after every earlier
 * reservation on that side, and returns 0 until they have landed.
 *
 * Each producer numbers its blocks; each consumer checks that a given
 * producer's numbers only grow, and counts them.
 *
 * Build: cc well_multi.c $(pkg-config --cflags --libs well)
 * Exits 0 when every block of every producer arrived exactly once.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <well.h>

#define PRODUCERS	3
#define CONSUMERS	2
#define PER_PRODUCER	50000
#define TOTAL		(PRODUCERS * PER_PRODUCER)

struct msg {
	size_t producer;
	size_t seq;
};

struct producer {
	pthread_t tid;
	size_t id;
};

struct consumer {
	pthread_t tid;
	size_t count[PRODUCERS];
	size_t sum[PRODUCERS];
	size_t next[PRODUCERS];
	size_t bad;
};

static struct well buffer;
static atomic_size_t consumed;	/* blocks consumed, to know when to stop */

static void *producer_thread_multi(void *arg)
{
	struct producer *self = arg;
	size_t seq = 0, res, pos, j;

	while (seq < PER_PRODUCER) {
		size_t want = PER_PRODUCER - seq < 32 ? PER_PRODUCER - seq : 32;

		while (!(res = well_reserve(&buffer.tx, &pos, want)))
			sched_yield();

		for (j = 0; j < res; j++) {
			struct msg *m = WELL_DEREF(struct msg, pos, j, &buffer);

			m->producer = self->id;
			m->seq = seq++;
		}

		/*
		 * Other producers release into rx too: wait until the
		 * reservations made before this one have been released, so
		 * consumers never see a block that is still being written.
		 */
		while (!well_release_multi(&buffer.rx, res, pos))
			sched_yield();
	}
	return NULL;
}

static void *consumer_thread_multi(void *arg)
{
	struct consumer *self = arg;
	size_t res, pos, j;

	while (atomic_load(&consumed) < TOTAL) {
		res = well_reserve(&buffer.rx, &pos, 32);
		if (!res) {
			sched_yield();
			continue;
		}

		for (j = 0; j < res; j++) {
			struct msg *m = WELL_DEREF(struct msg, pos, j, &buffer);
			size_t p = m->producer;

			if (p >= PRODUCERS || m->seq < self->next[p]) {
				self->bad++;
				continue;
			}
			self->next[p] = m->seq + 1;
			self->count[p]++;
			self->sum[p] += m->seq;
		}

		/* The same rule on the way back into tx. */
		while (!well_release_multi(&buffer.tx, res, pos))
			sched_yield();
		atomic_fetch_add(&consumed, res);
	}
	return NULL;
}

int main(void)
{
	static struct producer producers[PRODUCERS];
	static struct consumer consumers[CONSUMERS];
	size_t i, p, count, sum, bad = 0;
	void *mem;

	if (well_params(sizeof(struct msg), 128, &buffer))
		return 1;
	mem = malloc(well_size(&buffer));
	if (well_init(&buffer, mem)) {
		fprintf(stderr, "well_multi: no memory\n");
		return 1;
	}
	for (i = 0; i < CONSUMERS; i++)
		if (pthread_create(&consumers[i].tid, NULL,
				   consumer_thread_multi, &consumers[i]))
			return 1;
	for (i = 0; i < PRODUCERS; i++) {
		producers[i].id = i;
		if (pthread_create(&producers[i].tid, NULL,
				   producer_thread_multi, &producers[i]))
			return 1;
	}
	for (i = 0; i < PRODUCERS; i++)
		pthread_join(producers[i].tid, NULL);
	for (i = 0; i < CONSUMERS; i++)
		pthread_join(consumers[i].tid, NULL);
	well_deinit(&buffer);
	free(mem);

	for (p = 0; p < PRODUCERS; p++) {
		count = 0;
		sum = 0;
		for (i = 0; i < CONSUMERS; i++) {
			count += consumers[i].count[p];
			sum += consumers[i].sum[p];
		}
		/* Each number 0..PER_PRODUCER-1 once: count and sum agree. */
		if (count != PER_PRODUCER ||
		    sum != (size_t)PER_PRODUCER * (PER_PRODUCER - 1) / 2)
			bad++;
	}
	for (i = 0; i < CONSUMERS; i++)
		bad += consumers[i].bad;
	if (bad) {
		fprintf(stderr, "well_multi: %zu errors\n", bad);
		return 1;
	}
	printf("well_multi: %d producers, %d consumers, %d blocks each way\n",
	       PRODUCERS, CONSUMERS, TOTAL);
	return 0;
}
