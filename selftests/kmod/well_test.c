// SPDX-License-Identifier: GPL-2.0
/*
 * well_test.ko - core/well.c checked inside the kernel at load time, on
 * the very objects well.ko ships (it calls them through well.ko's
 * exports, kmod/core_export.c).
 *
 * In the style of kselftest_module.h: each test prints one TAP line,
 * "ok N - what" or "not ok N - what", and init fails with -EINVAL when any
 * failed. The tests are the core scenarios of selftests/scenarios/, the
 * same files the host runs as kselftest programs (kstm_harness.h), then
 * one kernel-only run: producers and consumers on kthreads. The host's
 * threaded runs (selftests/host/well_stress.c) stay in user space.
 * scripts/vm/init.sh copies the lines from the kernel log into the VM's
 * TAP stream.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jhash.h>
#include <linux/kthread.h>
#include <linux/limits.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "kselftest_module.h"
#include "kstm_harness.h"
#include "well.h"

KSTM_MODULE_GLOBALS();

/*
 * The scenario files, each one object of this module: Kbuild lists them
 * as KSTM_SCENARIOS, "X(well_layout); X(well_params); ...", from the .c
 * files of selftests/scenarios/.
 */
#define X(file) void kstm_scenario_##file(void)
KSTM_SCENARIOS
#undef X

/* The well of the kthread run; static, so its cache-line alignment holds. */
static struct well ring;

/* One kernel-only check, counted with the scenarios' tests. */
static void __init check(bool ok, const char *what)
{
	struct __test_metadata m = { .name = what, .passed = ok };

	kstm_result(&m, "kthreads");
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

/*
 * After @*idle attempts in a row that found nothing to do: give the CPU
 * away, and after MPMC_SPINS of them sleep briefly, so that a vCPU whose
 * threads all wait goes idle. Under single-threaded TCG (make vm-check)
 * the vCPUs take turns on one host thread, and a spinning vCPU would
 * keep the other, which holds what it waits for, from running.
 */
#define MPMC_SPINS	64

static void mpmc_idle(unsigned int *idle)
{
	if (++*idle < MPMC_SPINS)
		cond_resched();
	else
		usleep_range(20, 50);
}

/* Release into @to in reservation order, waiting for earlier releasers. */
static bool mpmc_release(struct mpmc *run, struct well_side *to, size_t n,
			 size_t pos)
{
	unsigned int idle = 0;

	while (!well_release_multi(to, n, pos)) {
		if (mpmc_stopped(run))
			return false;
		mpmc_idle(&idle);
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
	unsigned int idle = 0;
	u64 seq = 0;
	size_t pos, n, i;

	while (seq < MPMC_BLOCKS && !mpmc_stopped(run)) {
		n = well_reserve(&ring.tx, &pos,
				 min_t(u64, 1 + seq % 3, MPMC_BLOCKS - seq));
		if (!n) {
			mpmc_idle(&idle);
			continue;
		}
		idle = 0;
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
	unsigned int idle = 0;
	size_t pos, n, i;

	/* A loop bound only: pairs with nothing, the ring orders the data. */
	while (atomic_long_read(&run->consumed) < MPMC_THREADS * MPMC_BLOCKS &&
	       !mpmc_stopped(run)) {
		n = well_reserve(&ring.rx, &pos, 1 + me->blocks % 4);
		if (!n) {
			mpmc_idle(&idle);
			continue;
		}
		idle = 0;
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
#define X(file) kstm_scenario_##file()
	KSTM_SCENARIOS
#undef X
	test_mpmc();
	total_tests = kstm_total;
	failed_tests = kstm_failed;
}

KSTM_MODULE_LOADERS(well_test);
MODULE_DESCRIPTION("In-kernel tests of the well ring core");
MODULE_LICENSE("GPL");
