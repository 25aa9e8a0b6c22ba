/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * harness.h - what the ring benchmarks share: cases, items, threads.
 *
 * Each peer (bench/ring/well.c, dpdk.c, ck.c) supplies a struct ring_impl
 * through RING_PEER() (driver.h). Its producer writes every item where
 * its API wants it, its consumer reads every word of every item into a
 * sum, and bench/ring/bench.c checks that sum, so no work can be dropped.
 */
#ifndef RING_HARNESS_H
#define RING_HARNESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Slots in every ring: blocks for well, entries for rte_ring and ck_ring. */
#define RING_SLOTS	4096
/* Largest batch and item, for the peers' staging buffers. */
#define RING_MAX_BATCH	32
#define RING_MAX_WORDS	8
/* CPUs of the producer and the consumer. */
#define RING_CPU_PRODUCER	0
#define RING_CPU_CONSUMER	1

#define RING_INLINE	static inline __attribute__((__always_inline__))

/**
 * struct ring_case - one measurement.
 * @name: e.g. "spsc-8-b32".
 * @multi: use the multi-producer/multi-consumer code paths.
 * @words: 8-byte words per item: 1 or RING_MAX_WORDS.
 * @batch: most items per ring operation.
 * @seed: well only, in an SP/SC case: 1 for the seed's first example
 *        (well_reserve() then well_release_single(), a CAS per reserve), 2
 *        for the same calls on sides declared with well_set_single();
 *        0 for well_reserve_single(). The peers run their SP/SC paths.
 * @items: items moved from producer to consumer in one run.
 */
struct ring_case {
	const char *name;
	bool multi;
	size_t words;
	size_t batch;
	unsigned int seed;
	uint64_t items;
};

/**
 * struct ring_result - what one run measured.
 * @ns: nanoseconds from the producer's start to the consumer's last item.
 * @sum: the consumer's sum of every word it read.
 * @switches: context switches of both threads during the run; a run with
 *            none was not disturbed by the rest of the machine.
 */
struct ring_result {
	uint64_t ns;
	uint64_t sum;
	long switches;
};

/**
 * struct ring_ctx - one run, shared by its two threads.
 * @c: the case.
 * @ring: the peer's ring.
 * @ready: threads at the start line; both spin until it reaches 2.
 * @t0: nanoseconds when the producer started.
 * @t1: nanoseconds when the consumer had read the last item.
 * @sum: the consumer's sum of every word it read.
 * @sw0: each thread's context switches at the start (0 producer).
 * @switches: context switches of both threads during the run.
 */
struct ring_ctx {
	const struct ring_case *c;
	void *ring;
	atomic_int ready;
	uint64_t t0;
	uint64_t t1;
	uint64_t sum;
	long sw0[2];
	atomic_long switches;
};

/**
 * struct ring_impl - one peer, made by RING_PEER() (driver.h).
 * @name: column title.
 * @make: a ring for case @c, or NULL (message printed).
 * @unmake: free what @make returned.
 * @producer: the producer's thread, on a struct ring_ctx.
 * @consumer: the consumer's thread, on a struct ring_ctx.
 * @shuttle: one thread, a batch in then a batch out, for every item.
 */
struct ring_impl {
	const char *name;
	void *(*make)(const struct ring_case *c);
	void (*unmake)(void *ring);
	void *(*producer)(void *ctx);
	void *(*consumer)(void *ctx);
	void (*shuttle)(struct ring_ctx *ctx);
};

extern const struct ring_impl ring_impl_well;
extern const struct ring_impl ring_impl_dpdk;
extern const struct ring_impl ring_impl_ck;

int ring_run(const struct ring_impl *impl, const struct ring_case *c,
	     struct ring_result *res);
int ring_serial(const struct ring_impl *impl, const struct ring_case *c,
		struct ring_result *res);
void ring_go(struct ring_ctx *ctx, bool producer);
void ring_done(struct ring_ctx *ctx, bool producer);
void *ring_alloc(size_t size);
uint64_t ring_now_ns(void);
uint64_t ring_expected_sum(const struct ring_case *c, uint64_t items);

/**
 * ring_item_fill() - write item @seq into @dst.
 * @dst: @words 8-byte words.
 * @words: item size in words.
 * @seq: the item's sequence number.
 */
RING_INLINE void ring_item_fill(void *dst, size_t words, uint64_t seq)
{
	uint64_t *w = dst;

	for (size_t k = 0; k < words; k++)
		w[k] = seq + k;
}

/**
 * ring_item_sum() - the sum of the words of the item at @src.
 * @src: @words 8-byte words.
 * @words: item size in words.
 */
RING_INLINE uint64_t ring_item_sum(const void *src, size_t words)
{
	const uint64_t *w = src;
	uint64_t sum = 0;

	for (size_t k = 0; k < words; k++)
		sum += w[k];
	return sum;
}

/**
 * ring_relax() - what every peer's thread does when its ring is full or
 * empty before it tries again.
 */
RING_INLINE void ring_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

RING_INLINE size_t ring_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

/*
 * RING_SPECIALISE() - call @fn(@ctx, words, multi) with both as constants,
 * so each peer's loops are compiled once per item size and code path.
 */
#define RING_SPECIALISE(fn, ctx, ...)					\
	do {								\
		const struct ring_case *rs_c = (ctx)->c;		\
		if (rs_c->multi && rs_c->words == 1)			\
			fn(ctx, 1, true, ##__VA_ARGS__);		\
		else if (rs_c->multi)					\
			fn(ctx, RING_MAX_WORDS, true, ##__VA_ARGS__);	\
		else if (rs_c->words == 1)				\
			fn(ctx, 1, false, ##__VA_ARGS__);		\
		else							\
			fn(ctx, RING_MAX_WORDS, false, ##__VA_ARGS__);	\
	} while (0)

#endif /* RING_HARNESS_H */
