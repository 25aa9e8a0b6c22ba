// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * harness.c - pinned producer/consumer threads, the clock and memory
 * for the ring benchmarks.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "harness.h"

/**
 * ring_now_ns() - a monotonic clock.
 *
 * Return: nanoseconds since an arbitrary start.
 */
uint64_t ring_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Start @fn on @cpu only; a benchmark without its pinning is no use. */
static void ring_spawn(pthread_t *thread, int cpu, void *(*fn)(void *),
		       void *arg)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int err;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_attr_init(&attr);
	err = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	if (!err)
		err = pthread_create(thread, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (err) {
		fprintf(stderr, "ring_bench: thread on CPU %d: %s\n", cpu,
			strerror(err));
		exit(1);
	}
}

/**
 * ring_run() - move @c->items items from a producer on CPU 0 to a consumer
 * on CPU 1, through a fresh ring of @impl.
 * @impl: the peer.
 * @c: the case.
 * @res: where to store what the run measured.
 *
 * Exits when a thread cannot be started on its CPU.
 *
 * Return: 0, or -1 when the ring could not be made (message printed).
 */
int ring_run(const struct ring_impl *impl, const struct ring_case *c,
	     struct ring_result *res)
{
	struct ring_ctx ctx = { .c = c };
	pthread_t prod, cons;

	ctx.ring = impl->make(c);
	if (!ctx.ring)
		return -1;
	atomic_init(&ctx.ready, 0);
	atomic_init(&ctx.switches, 0);
	ring_spawn(&cons, RING_CPU_CONSUMER, impl->consumer, &ctx);
	ring_spawn(&prod, RING_CPU_PRODUCER, impl->producer, &ctx);
	pthread_join(prod, NULL);
	pthread_join(cons, NULL);
	res->ns = ctx.t1 - ctx.t0;
	res->sum = ctx.sum;
	res->switches = atomic_load(&ctx.switches);
	impl->unmake(ctx.ring);
	return 0;
}

/**
 * ring_serial() - move @c->items items through a fresh ring of @impl in
 * the calling thread, a batch in then a batch out.
 * @impl: the peer.
 * @c: the case.
 * @res: where to store what the run measured (@ns of the moving alone).
 *
 * Return: 0, or -1 when the ring could not be made (message printed).
 */
int ring_serial(const struct ring_impl *impl, const struct ring_case *c,
		struct ring_result *res)
{
	struct ring_ctx ctx = { .c = c };

	ctx.ring = impl->make(c);
	if (!ctx.ring)
		return -1;
	ctx.t0 = ring_now_ns();
	impl->shuttle(&ctx);
	res->ns = ring_now_ns() - ctx.t0;
	res->sum = ctx.sum;
	res->switches = 0;
	impl->unmake(ctx.ring);
	return 0;
}

/* Context switches of the calling thread so far. */
static long ring_switches(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

/**
 * ring_go() - wait for the other thread, then start the clock.
 * @ctx: the run.
 * @producer: true in the producer, which takes the start time.
 *
 * Both threads spin at the start line, so neither is still waking up
 * when the other starts.
 */
void ring_go(struct ring_ctx *ctx, bool producer)
{
	ctx->sw0[!producer] = ring_switches();
	/* Pairs with the other thread's increment: both see 2, then go. */
	atomic_fetch_add_explicit(&ctx->ready, 1, memory_order_acq_rel);
	while (atomic_load_explicit(&ctx->ready, memory_order_acquire) < 2)
		ring_relax();
	if (producer)
		ctx->t0 = ring_now_ns();
}

/**
 * ring_done() - a thread has finished its part of the run.
 * @ctx: the run.
 * @producer: true in the producer; the consumer stops the clock, having
 *            read the last item.
 */
void ring_done(struct ring_ctx *ctx, bool producer)
{
	if (!producer)
		ctx->t1 = ring_now_ns();
	atomic_fetch_add_explicit(&ctx->switches,
				  ring_switches() - ctx->sw0[!producer],
				  memory_order_relaxed);
}

/**
 * ring_alloc() - zeroed, page-aligned memory for a ring; exits on failure.
 * @size: bytes.
 *
 * Return: the memory, to free().
 */
void *ring_alloc(size_t size)
{
	size_t rounded = (size + 4095) & ~(size_t)4095;
	void *mem = aligned_alloc(4096, rounded);

	if (!mem) {
		fprintf(stderr, "ring_bench: out of memory (%zu bytes)\n", size);
		exit(1);
	}
	memset(mem, 0, rounded);
	return mem;
}

/**
 * ring_expected_sum() - the consumer's sum after @items items of case @c.
 * @c: the case (its item size).
 * @items: items moved, numbered from 0.
 *
 * Item i holds words i, i + 1, ... i + words - 1 (ring_item_fill()).
 *
 * Return: the sum, modulo 2^64.
 */
uint64_t ring_expected_sum(const struct ring_case *c, uint64_t items)
{
	uint64_t w = c->words;
	uint64_t seqs = items % 2 ? items * ((items - 1) / 2) :
				    (items / 2) * (items - 1);

	return w * seqs + items * (w * (w - 1) / 2);
}
