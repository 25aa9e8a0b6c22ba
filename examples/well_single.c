// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well_single.c - one producer thread, one consumer thread.
 *
 * The producer reserves up to 42 free blocks at a time from tx, writes a
 * sequence number and a fill pattern into each and releases them into rx.
 * The consumer reserves whatever rx holds, checks every block and releases
 * the blocks back into tx, where the producer finds them again on its next
 * lap. With one thread per side, the _single calls are enough.
 *
 * Build: cc well_single.c $(pkg-config --cflags --libs well)
 * Exits 0 when every block arrived once, in order and intact.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <well.h>

#define BLOCKS	100000		/* blocks to move: many laps of the ring */

struct msg {
	size_t seq;
	unsigned char fill[56];
};

static size_t mismatches;	/* written by the consumer only */

static void *producer_thread_single(void *arg)
{
	struct well *buffer = arg;
	size_t sent = 0, res, pos, j;

	while (sent < BLOCKS) {
		size_t want = BLOCKS - sent < 42 ? BLOCKS - sent : 42;

		/*
		 * At most @want blocks: fewer when fewer are free, 0 when
		 * none are. The library never waits; the caller decides how
		 * (spin, yield, sleep, or do some consumer work meanwhile).
		 */
		while (!(res = well_reserve_single(&buffer->tx, &pos, want)))
			sched_yield();

		/* One block at a time: a reservation may wrap to block 0. */
		for (j = 0; j < res; j++) {
			struct msg *m = WELL_DEREF(struct msg, pos, j, buffer);

			m->seq = sent + j;
			memset(m->fill, (sent + j) & 0xff, sizeof(m->fill));
		}
		sent += res;

		/* Reserved from tx, so release into rx. */
		well_release_single(&buffer->rx, res);
	}
	return NULL;
}

static void *consumer_thread_single(void *arg)
{
	struct well *buffer = arg;
	size_t got = 0, res, pos, j, k;

	while (got < BLOCKS) {
		/* (size_t)-1: every block that is ready. */
		while (!(res = well_reserve_single(&buffer->rx, &pos,
						   (size_t)-1)))
			sched_yield();

		for (j = 0; j < res; j++) {
			struct msg *m = WELL_DEREF(struct msg, pos, j, buffer);

			if (m->seq != got + j)
				mismatches++;
			for (k = 0; k < sizeof(m->fill); k++)
				if (m->fill[k] != ((got + j) & 0xff))
					mismatches++;
		}
		got += res;

		/* Reserved from rx, so release into tx: the blocks are free. */
		well_release_single(&buffer->tx, res);
	}
	return NULL;
}

int main(void)
{
	struct well buffer;
	pthread_t producer, consumer;
	void *mem;

	/* Minimum block size and count; both round up to powers of two. */
	if (well_params(sizeof(struct msg), 256, &buffer))
		return 1;
	/* The library never allocates: the caller provides the memory. */
	mem = malloc(well_size(&buffer));
	if (well_init(&buffer, mem)) {
		fprintf(stderr, "well_single: no memory\n");
		return 1;
	}
	if (pthread_create(&producer, NULL, producer_thread_single, &buffer) ||
	    pthread_create(&consumer, NULL, consumer_thread_single, &buffer))
		return 1;
	pthread_join(producer, NULL);
	pthread_join(consumer, NULL);
	well_deinit(&buffer);
	free(mem);

	if (mismatches) {
		fprintf(stderr, "well_single: %zu bad bytes or numbers\n",
			mismatches);
		return 1;
	}
	printf("well_single: %d blocks of %zu bytes moved in order\n",
	       BLOCKS, well_blk_size(&buffer));
	return 0;
}
