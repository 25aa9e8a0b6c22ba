/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * well_crew.h - producer and consumer threads around one well, for the
 * host's threaded tests: the ring and its counts, starting and joining the
 * threads, and the consumers' end condition. Each test keeps its own
 * worker structure, whose first member is a struct well_crew_hand.
 */
#ifndef WELL_CREW_H
#define WELL_CREW_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <well.h>

/**
 * struct well_crew - what the threads of one test share.
 * @w: the ring.
 * @mem: its memory.
 * @producers: producer threads.
 * @consumers: consumer threads.
 * @per_producer: blocks each producer writes.
 * @consumed: blocks consumed so far, counted by well_crew_consumed().
 */
struct well_crew {
	struct well w;
	void *mem;
	unsigned int producers;
	unsigned int consumers;
	uint64_t per_producer;
	atomic_ullong consumed;
};

/**
 * struct well_crew_hand - the start of every worker structure.
 * @crew: the crew the worker belongs to.
 * @tid: its thread.
 */
struct well_crew_hand {
	struct well_crew *crew;
	pthread_t tid;
};

/**
 * well_crew_init() - set up the ring of a crew.
 * @c: the crew, zeroed.
 * @blk_size: bytes per block.
 * @blk_count: blocks.
 * @producers: producer threads.
 * @consumers: consumer threads.
 * @per_producer: blocks each producer writes.
 *
 * Return: 0, or -errno from well_params() or -ENOMEM.
 */
static inline int well_crew_init(struct well_crew *c, size_t blk_size,
				 size_t blk_count, unsigned int producers,
				 unsigned int consumers, uint64_t per_producer)
{
	int err = well_params(blk_size, blk_count, &c->w);

	if (err)
		return err;
	c->mem = malloc(well_size(&c->w));
	if (!c->mem)
		return -ENOMEM;
	c->producers = producers;
	c->consumers = consumers;
	c->per_producer = per_producer;
	return well_init(&c->w, c->mem);
}

/**
 * well_crew_deinit() - free what well_crew_init() set up.
 * @c: the crew, its threads joined.
 */
static inline void well_crew_deinit(struct well_crew *c)
{
	if (c->mem)
		well_deinit(&c->w);
	free(c->mem);
	c->mem = NULL;
}

/**
 * well_crew_run() - run every worker to its end.
 * @c: the crew.
 * @workers: producers + consumers worker structures of @size bytes, each
 *           starting with a struct well_crew_hand; the producers first.
 * @size: bytes per worker structure.
 * @producer: thread function of the producers, given their structure.
 * @consumer: thread function of the consumers.
 *
 * Return: 0, or the error of the first pthread_create() that failed (the
 * threads already started are joined).
 */
static inline int well_crew_run(struct well_crew *c, void *workers,
				size_t size, void *(*producer)(void *),
				void *(*consumer)(void *))
{
	unsigned int nr = c->producers + c->consumers, i, started;
	int err = 0;

	for (started = 0; started < nr; started++) {
		struct well_crew_hand *h = (void *)((char *)workers +
						    started * size);

		h->crew = c;
		err = pthread_create(&h->tid, NULL, started < c->producers ?
				     producer : consumer, h);
		if (err)
			break;
	}
	for (i = 0; i < started; i++)
		pthread_join(((struct well_crew_hand *)
			      (void *)((char *)workers + i * size))->tid, NULL);
	return err;
}

/**
 * well_crew_busy() - whether the consumers still have blocks to take.
 * @c: the crew.
 *
 * Return: true until every producer's blocks have been counted consumed.
 */
static inline bool well_crew_busy(struct well_crew *c)
{
	/* Counts only: the ring itself carries the data. */
	return atomic_load_explicit(&c->consumed, memory_order_relaxed) <
	       c->producers * c->per_producer;
}

/**
 * well_crew_consumed() - count blocks a consumer handed back.
 * @c: the crew.
 * @count: blocks.
 */
static inline void well_crew_consumed(struct well_crew *c, size_t count)
{
	/* Counts only, like the load in well_crew_busy(). */
	atomic_fetch_add_explicit(&c->consumed, count, memory_order_relaxed);
}

/**
 * well_crew_total() - blocks consumed, once every thread is joined.
 * @c: the crew.
 *
 * The harness's EXPECT_EQ copies its operands with __typeof__, which keeps
 * _Atomic (clang then rejects the comparison): this gives a plain value.
 *
 * Return: the count.
 */
static inline uint64_t well_crew_total(struct well_crew *c)
{
	/* The threads are joined: a relaxed load sees every add. */
	return atomic_load_explicit(&c->consumed, memory_order_relaxed);
}

#endif /* WELL_CREW_H */
