// SPDX-License-Identifier: GPL-2.0
/*
 * well_test.ko - core/well.c checked inside the kernel at load time.
 *
 * In the style of kselftest_module.h: each check prints one TAP line,
 * "ok N - what" or "not ok N - what", and init fails with -EINVAL when any
 * check failed. scripts/vm/init.sh copies the lines from the kernel log
 * into the VM's TAP stream.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/jhash.h>
#include <linux/kthread.h>
#include <linux/limits.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "kselftest_module.h"
#include "well.h"

KSTM_MODULE_GLOBALS();

/* The well under test; static, so its cache-line alignment holds. */
static struct well ring;

static void __init check(bool ok, const char *what)
{
	total_tests++;
	if (!ok)
		failed_tests++;
	pr_info("%s %u - %s\n", ok ? "ok" : "not ok", total_tests, what);
}

/* Fresh ring of @count blocks of @size bytes over kzalloc'd memory. */
static void *__init ring_setup(size_t size, size_t count)
{
	void *mem;

	if (well_params(size, count, &ring))
		return NULL;
	mem = kzalloc(well_size(&ring), GFP_KERNEL);
	if (mem && well_init(&ring, mem)) {
		kfree(mem);
		return NULL;
	}
	return mem;
}

static void __init ring_teardown(void *mem)
{
	well_deinit(&ring);
	kfree(mem);
}

static void __init test_params(void)
{
	struct well w;

	check(!well_params(24, 1000, &w) && w.blk_size == 32 &&
	      w.blk_count == 1024 && w.blk_mask == 1023 && w.blk_shift == 5 &&
	      well_size(&w) == 32 * 1024,
	      "params: 24 x 1000 rounds up to 32 x 1024");
	check(!well_params(1, 1, &w) && w.blk_size == 1 && w.blk_count == 1 &&
	      w.blk_mask == 0 && w.blk_shift == 0,
	      "params: 1 x 1 is the smallest well");
	check(well_params(0, 8, &w) == -EINVAL &&
	      well_params(8, 0, &w) == -EINVAL &&
	      well_params(8, 8, NULL) == -EINVAL,
	      "params: zero size, zero count, NULL well give -EINVAL");
	check(!well_params(1, (size_t)1 << 62, &w) &&
	      well_params(1, ((size_t)1 << 62) + 1, &w) == -EOVERFLOW,
	      "params: count 2^62 accepted, 2^62 + 1 gives -EOVERFLOW");
	check(well_params(SIZE_MAX, 1, &w) == -EOVERFLOW &&
	      well_params(((size_t)1 << 63) + 1, 1, &w) == -EOVERFLOW,
	      "params: a size that cannot round up gives -EOVERFLOW");
	check(!well_params((size_t)1 << 31, (size_t)1 << 32, &w) &&
	      well_params((size_t)1 << 32, (size_t)1 << 32, &w) == -EOVERFLOW,
	      "params: product 2^63 accepted, 2^64 gives -EOVERFLOW");
	w.blk_size = 64;
	w.blk_count = 16;
	check(well_params(0, 0, &w) == -EINVAL &&
	      well_params(2, SIZE_MAX, &w) == -EOVERFLOW &&
	      w.blk_size == 64 && w.blk_count == 16,
	      "params: the well is untouched on error");
	check(well_init(&w, NULL) == -EINVAL, "init: NULL memory gives -EINVAL");
}

/* Move @n blocks through the ring so the next reservation starts at @n. */
static bool __init ring_advance(size_t n)
{
	size_t pos;

	return well_reserve(&ring.tx, &pos, n) == n &&
	       well_release_multi(&ring.rx, n, pos) == n &&
	       well_reserve(&ring.rx, &pos, n) == n &&
	       well_release_multi(&ring.tx, n, pos) == n;
}

/* Reserve 5 of 8 blocks at @start, fill, pass to rx, and read back. */
static void __init wrap_round(char *mem, size_t start, const char *addr_what,
			      const char *data_what)
{
	bool addr_ok = true, data_ok = true;
	size_t pos, i;

	if (well_reserve(&ring.tx, &pos, 5) != 5 || pos != start) {
		check(false, addr_what);
		check(false, data_what);
		return;
	}
	for (i = 0; i < 5; i++) {
		char *blk = well_access(pos, i, &ring);

		addr_ok &= blk == mem + ((start + i) & 7) * 16;
		memset(blk, 'a' + i, 16);
	}
	data_ok &= well_release_multi(&ring.rx, 5, pos) == 5;
	data_ok &= well_reserve(&ring.rx, &pos, SIZE_MAX) == 5 && pos == start;
	for (i = 0; data_ok && i < 5; i++)
		data_ok &= !memchr_inv(well_access(pos, i, &ring), 'a' + i, 16);
	data_ok &= well_release_multi(&ring.tx, 5, pos) == 5;
	check(addr_ok, addr_what);
	check(data_ok, data_what);
}

static void __init test_wrap(void)
{
	size_t base = SIZE_MAX - 2;
	char *mem = ring_setup(16, 8);

	if (!mem) {
		check(false, "wrap: ring setup");
		return;
	}
	check(ring_advance(6), "wrap: 6 blocks through an 8-block ring");
	wrap_round(mem, 6, "wrap: blocks 6, 7, 0, 1, 2 are addressed in order",
		   "wrap: data written across the wrap reads back");

	/* Counters near SIZE_MAX: the library's words, set up by hand. */
	well_store_relaxed(&ring.tx.head, base);
	well_store_relaxed(&ring.tx.seen, base);
	well_store_relaxed(&ring.tx.tail, base);
	well_store_relaxed(&ring.rx.head, base);
	well_store_relaxed(&ring.rx.seen, base);
	well_store_relaxed(&ring.rx.tail, base);
	check(well_peek(&ring.tx) == 8 && well_peek(&ring.rx) == 0,
	      "wrap: counters at SIZE_MAX - 2 leave 8 free, 0 ready");
	wrap_round(mem, base,
		   "wrap: a reservation across SIZE_MAX addresses blocks 5..1",
		   "wrap: data across the counter wrap reads back");
	check(well_peek(&ring.tx) == 8 && well_peek(&ring.rx) == 0 &&
	      well_load_relaxed(&ring.tx.head) == base + 5,
	      "wrap: counters wrapped to 2 with all blocks free again");
	ring_teardown(mem);
}

/* Sequence numbers through 16 blocks, in varying amounts, 1000 rounds. */
static bool __init seq_rounds(bool single)
{
	size_t (*reserve)(struct well_side *, size_t *, size_t) =
		single ? well_reserve_single : well_reserve;
	size_t produced = 0, consumed = 0, round, pos, n, i;

	for (round = 0; round < 1000; round++) {
		size_t free = 16 - (produced - consumed);
		size_t want = round % 7 + 1;

		n = reserve(&ring.tx, &pos, want);
		if (n != min(want, free) || (n && pos != produced))
			return false;
		for (i = 0; i < n; i++)
			*(size_t *)well_access(pos, i, &ring) = produced + i;
		produced += n;
		if (single)
			well_release_single(&ring.rx, n);
		else if (n && well_release_multi(&ring.rx, n, pos) != n)
			return false;

		want = round % 5 + 1;
		n = reserve(&ring.rx, &pos, want);
		if (n != min(want, produced - consumed))
			return false;
		for (i = 0; i < n; i++)
			if (*(size_t *)well_access(pos, i, &ring) != consumed + i)
				return false;
		consumed += n;
		if (single)
			well_release_single(&ring.tx, n);
		else if (n && well_release_multi(&ring.tx, n, pos) != n)
			return false;
	}
	/* 3000 blocks go through (consumers take 1..5): 187 wraps. */
	return consumed == 3000 && well_peek(&ring.tx) + produced ==
	       16 + consumed;
}

/* seq_rounds() on a fresh 16-block ring. */
static bool __init seq_test(bool single)
{
	void *mem = ring_setup(sizeof(size_t), 16);
	bool ok;

	if (!mem)
		return false;
	ok = seq_rounds(single);
	ring_teardown(mem);
	return ok;
}

static void __init test_variable(void)
{
	size_t pos = 12345, n;
	void *mem = ring_setup(sizeof(size_t), 16);

	if (!mem) {
		check(false, "reserve: ring setup");
		return;
	}
	n = well_reserve(&ring.tx, &pos, SIZE_MAX);
	check(n == 16 && pos == 0, "reserve: max (size_t)-1 takes all 16 free");
	pos = 12345;
	check(!well_reserve(&ring.tx, &pos, SIZE_MAX) &&
	      !well_reserve(&ring.rx, &pos, SIZE_MAX) && pos == 12345,
	      "reserve: an empty side gives 0 and leaves pos alone");
	check(well_release_multi(&ring.rx, 16, 0) == 16 &&
	      well_peek(&ring.rx) == 16 &&
	      well_reserve(&ring.rx, &pos, SIZE_MAX) == 16 && pos == 0 &&
	      well_release_multi(&ring.tx, 16, 0) == 16,
	      "reserve: all 16 go round the ring with max (size_t)-1");
	ring_teardown(mem);
	check(seq_test(false),
	      "reserve: amounts 1..7 in, 1..5 out keep sequence order");
	check(seq_test(true),
	      "reserve_single/release_single keep sequence order");
}

static void __init test_release_order(void)
{
	size_t a, b, n_a, n_b;
	void *mem = ring_setup(64, 16);

	if (!mem) {
		check(false, "release_multi: ring setup");
		return;
	}
	n_a = well_reserve(&ring.tx, &a, 2);
	n_b = well_reserve(&ring.tx, &b, 3);
	check(n_a == 2 && n_b == 3 && a == 0 && b == 2,
	      "release_multi: two reservations of 2 and 3");
	check(!well_release_multi(&ring.rx, 3, b) && !well_peek(&ring.rx),
	      "release_multi: the later one fails while the earlier is held");
	check(well_release_multi(&ring.rx, 2, a) == 2 &&
	      well_peek(&ring.rx) == 2,
	      "release_multi: the earlier one lands");
	check(well_release_multi(&ring.rx, 3, b) == 3 &&
	      well_peek(&ring.rx) == 5,
	      "release_multi: then the later one lands");
	check(!well_release_multi(&ring.rx, 2, a) &&
	      !well_release_multi(&ring.rx, 0, 5) && well_peek(&ring.rx) == 5,
	      "release_multi: a second release and a count of 0 fail");
	ring_teardown(mem);
}

/* A reservation a thread made and never released. */
struct abandoned {
	size_t pos;
	size_t count;
	struct completion done;
};

static int abandon_fn(void *arg)
{
	struct abandoned *ab = arg;

	ab->count = well_reserve(&ring.tx, &ab->pos, 4);
	complete(&ab->done);
	return 0;
}

/* kthread_create + a reference, so well_test_join() may run after exit. */
static struct task_struct *__init well_test_start(int (*fn)(void *),
						  void *arg, const char *name)
{
	struct task_struct *t = kthread_create(fn, arg, "%s", name);

	if (IS_ERR(t))
		return NULL;
	get_task_struct(t);
	wake_up_process(t);
	return t;
}

/* The thread must have started: kthread_stop() cancels one that has not. */
static int __init well_test_join(struct task_struct *t)
{
	int ret = kthread_stop(t);

	put_task_struct(t);
	return ret;
}

static void __init test_abandoned(void)
{
	struct abandoned ab = { .pos = 0, .count = 0 };
	struct task_struct *t;
	size_t b, n_b;
	void *mem = ring_setup(64, 16);

	if (!mem) {
		check(false, "abandoned: ring setup");
		return;
	}
	init_completion(&ab.done);
	t = well_test_start(abandon_fn, &ab, "well_test_ab");
	/* kthread_stop() before the thread runs would skip abandon_fn(). */
	if (t)
		wait_for_completion(&ab.done);
	check(t && !well_test_join(t) && ab.count == 4 && ab.pos == 0,
	      "abandoned: a thread reserved 4 blocks and exited");
	n_b = well_reserve(&ring.tx, &b, 2);
	check(n_b == 2 && b == 4 && !well_release_multi(&ring.rx, 2, b),
	      "abandoned: a later reservation waits behind it");
	check(well_release_multi(&ring.rx, ab.count, ab.pos) == 4 &&
	      well_release_multi(&ring.rx, 2, b) == 2 &&
	      well_peek(&ring.rx) == 6,
	      "abandoned: another thread releases it, then its own");
	ring_teardown(mem);
}

/*
 * Concurrent run: MPMC_THREADS producers and as many consumers on a
 * 64-block ring, all with well_reserve and well_release_multi. Each block
 * carries (producer, seq, len, checksum) and a payload derived from them.
 */
#define MPMC_THREADS	2
#define MPMC_BLOCKS	50000	/* per producer */
#define MPMC_BLK_SIZE	64
#define MPMC_GUARD	(120 * HZ)	/* only a guard against a hang */

struct mpmc_blk {
	u32 producer;
	u32 len;
	u64 seq;
	u32 csum;
	u8 payload[];
};

#define MPMC_PAYLOAD	(MPMC_BLK_SIZE - sizeof(struct mpmc_blk))

struct mpmc_worker {
	struct mpmc *run;
	u32 id;
	/* consumers: what they saw */
	u64 blocks;
	u64 bad_hdr;
	u64 bad_csum;
	u64 bad_order;
	u64 dup;
	u64 last[MPMC_THREADS];
};

struct mpmc {
	unsigned long *seen[MPMC_THREADS];	/* seq bitmaps per producer */
	atomic_long_t consumed;
	atomic_t running;
	struct completion done;
	bool stop;
	struct mpmc_worker prod[MPMC_THREADS];
	struct mpmc_worker cons[MPMC_THREADS];
};

static u32 mpmc_fill(struct mpmc_blk *blk, u32 producer, u64 seq)
{
	u32 i;

	blk->producer = producer;
	blk->seq = seq;
	blk->len = 1 + (u32)((seq * 7 + producer) % MPMC_PAYLOAD);
	for (i = 0; i < blk->len; i++)
		blk->payload[i] = (u8)(seq * 31 + i * 7 + producer);
	return jhash(blk->payload, blk->len, (u32)seq);
}

static bool mpmc_stopped(struct mpmc *run)
{
	/* Pairs with the WRITE_ONCE() in test_mpmc(); a flag, no data. */
	return READ_ONCE(run->stop) || kthread_should_stop();
}

/* Release into @to in reservation order, waiting for earlier releasers. */
static bool mpmc_release(struct mpmc *run, struct well_side *to, size_t n,
			 size_t pos)
{
	while (!well_release_multi(to, n, pos)) {
		if (mpmc_stopped(run))
			return false;
		cond_resched();
	}
	return true;
}

static void mpmc_finish(struct mpmc *run)
{
	/* Fully ordered; the last worker's complete() wakes test_mpmc(). */
	if (atomic_dec_and_test(&run->running))
		complete(&run->done);
}

static int mpmc_producer(void *arg)
{
	struct mpmc_worker *me = arg;
	struct mpmc *run = me->run;
	u64 seq = 0;
	size_t pos, n, i;

	while (seq < MPMC_BLOCKS && !mpmc_stopped(run)) {
		n = well_reserve(&ring.tx, &pos,
				 min_t(u64, 1 + seq % 3, MPMC_BLOCKS - seq));
		if (!n) {
			cond_resched();
			continue;
		}
		for (i = 0; i < n; i++, seq++) {
			struct mpmc_blk *blk = well_access(pos, i, &ring);

			blk->csum = mpmc_fill(blk, me->id, seq);
		}
		if (!mpmc_release(run, &ring.rx, n, pos))
			break;
	}
	mpmc_finish(run);
	return 0;
}

static void mpmc_check(struct mpmc_worker *me, const struct mpmc_blk *blk)
{
	struct mpmc *run = me->run;
	u32 p = blk->producer;

	me->blocks++;
	if (p >= MPMC_THREADS || blk->seq >= MPMC_BLOCKS || !blk->len ||
	    blk->len > MPMC_PAYLOAD) {
		me->bad_hdr++;
		return;
	}
	if (jhash(blk->payload, blk->len, (u32)blk->seq) != blk->csum)
		me->bad_csum++;
	/* last[] holds seq + 1 of the previous block seen from producer p. */
	if (blk->seq < me->last[p])
		me->bad_order++;
	me->last[p] = blk->seq + 1;
	if (test_and_set_bit(blk->seq, run->seen[p]))
		me->dup++;
}

static int mpmc_consumer(void *arg)
{
	struct mpmc_worker *me = arg;
	struct mpmc *run = me->run;
	size_t pos, n, i;

	/* A loop bound only: pairs with nothing, the ring orders the data. */
	while (atomic_long_read(&run->consumed) < MPMC_THREADS * MPMC_BLOCKS &&
	       !mpmc_stopped(run)) {
		n = well_reserve(&ring.rx, &pos, 1 + me->blocks % 4);
		if (!n) {
			cond_resched();
			continue;
		}
		for (i = 0; i < n; i++)
			mpmc_check(me, well_access(pos, i, &ring));
		if (!mpmc_release(run, &ring.tx, n, pos))
			break;
		atomic_long_add(n, &run->consumed);
	}
	mpmc_finish(run);
	return 0;
}

static void __init mpmc_report(struct mpmc *run, bool finished)
{
	u64 blocks = 0, bad_hdr = 0, bad_csum = 0, bad_order = 0, dup = 0;
	bool all_seen = true;
	int i;

	for (i = 0; i < MPMC_THREADS; i++) {
		blocks += run->cons[i].blocks;
		bad_hdr += run->cons[i].bad_hdr;
		bad_csum += run->cons[i].bad_csum;
		bad_order += run->cons[i].bad_order;
		dup += run->cons[i].dup;
		all_seen &= bitmap_full(run->seen[i], MPMC_BLOCKS);
	}
	pr_info("# mpmc: %llu blocks, %llu bad headers, %llu bad checksums, %llu out of order, %llu duplicates\n",
		blocks, bad_hdr, bad_csum, bad_order, dup);
	check(finished, "mpmc: 2 producers and 2 consumers finished");
	check(blocks == MPMC_THREADS * MPMC_BLOCKS && all_seen && !dup,
	      "mpmc: every (producer, seq) consumed exactly once");
	check(!bad_hdr && !bad_csum, "mpmc: every header and checksum intact");
	check(!bad_order, "mpmc: each consumer sees each producer in order");
	check(well_peek(&ring.tx) == 64 && !well_peek(&ring.rx),
	      "mpmc: all 64 blocks free at the end");
}

static void __init test_mpmc(void)
{
	struct task_struct *threads[2 * MPMC_THREADS] = { NULL };
	struct mpmc *run = kzalloc(sizeof(*run), GFP_KERNEL);
	void *mem = ring_setup(MPMC_BLK_SIZE, 64);
	bool finished = false;
	int i, started = 0;

	for (i = 0; run && i < MPMC_THREADS; i++) {
		run->seen[i] = bitmap_zalloc(MPMC_BLOCKS, GFP_KERNEL);
		run->prod[i] = (struct mpmc_worker){ .run = run, .id = i };
		run->cons[i] = (struct mpmc_worker){ .run = run, .id = i };
	}
	if (!run || !mem || !run->seen[0] || !run->seen[1]) {
		check(false, "mpmc: setup");
		goto out;
	}
	init_completion(&run->done);
	atomic_set(&run->running, 2 * MPMC_THREADS);
	for (i = 0; i < MPMC_THREADS; i++) {
		threads[started] = well_test_start(mpmc_consumer, &run->cons[i],
						   "well_test_c");
		started += !!threads[started];
		threads[started] = well_test_start(mpmc_producer, &run->prod[i],
						   "well_test_p");
		started += !!threads[started];
	}
	if (started == 2 * MPMC_THREADS)
		finished = wait_for_completion_timeout(&run->done, MPMC_GUARD);
	/* Read by mpmc_stopped(); kthread_stop() below waits for each exit. */
	WRITE_ONCE(run->stop, true);
	for (i = 0; i < started; i++)
		well_test_join(threads[i]);
	mpmc_report(run, finished);
out:
	for (i = 0; run && i < MPMC_THREADS; i++)
		bitmap_free(run->seen[i]);
	kfree(run);
	if (mem)
		ring_teardown(mem);
}

static void __init selftest(void)
{
	test_params();
	test_wrap();
	test_variable();
	test_release_order();
	test_abandoned();
	test_mpmc();
}

KSTM_MODULE_LOADERS(well_test);
MODULE_DESCRIPTION("In-kernel tests of the well ring core");
MODULE_LICENSE("GPL");
