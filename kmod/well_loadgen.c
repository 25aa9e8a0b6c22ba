// SPDX-License-Identifier: GPL-2.0
/*
 * well_loadgen.c - the load generator: kernel producers writing checkable
 * blocks into a ring, as pktgen writes packets into a network device.
 *
 * A user measures or tests a consumer with it (well-consume, the VM
 * suite); nothing else in the module depends on it. It sits above the
 * ring and uses only the ring's functions: those other modules get from
 * well_kapi.h, plus the lone-producer fast path and the wait for room of
 * well_ring.h. The file layer (kmod/well_file.c) owns a ring's generator
 * and calls it for WELL_IOC_START, WELL_IOC_STOP and WELL_IOC_STATS, and
 * stops it before freeing the ring.
 *
 * WELL_IOC_START runs N producers. Each writes blocks carrying its id, its
 * sequence number (from 0, no gaps), a payload length and a checksum
 * (struct well_blk_hdr), for a given count or until WELL_IOC_STOP.
 *
 * Kthreads reserve, write and release; alone (well_ring_claim_single())
 * they use well_ring_reserve_single() and well_ring_release_single(),
 * together well_ring_reserve() and well_ring_release(). A thread
 * whose release finds an earlier reservation unreleased retries, spinning
 * briefly and then sleeping a few microseconds: the holder is another
 * kthread that will release, or the hrtimer, whose reservation STOP
 * releases itself after cancelling it. Threads hold a reservation with
 * preemption disabled, so a holder is never a preempted thread.
 * Holders always release what they reserved, even on a broken ring, so the
 * chain of waiters always ends.
 *
 * A thread that finds the ring full sleeps in well_ring_wait_room() until
 * there is room (it raises need_wakeup first, see K5 in well_ring.c),
 * kthread_stop() wakes it, or WELL_ROOM_RECHECK_MS pass.
 *
 * Threads are kernel resources a user spends by opening files: they are
 * counted per user (the real uid of the caller of START) and START fails
 * with -EAGAIN when the user's threads would exceed max_user_producers.
 * STOP and release give them back.
 *
 * With WELL_START_TIMER the last producer runs in an hrtimer callback
 * (hard interrupt context; a softirq on PREEMPT_RT): it never waits. A
 * full ring ends the callback and doubles the timer's interval, up to
 * WELL_TIMER_BACKOFF_MAX_NS (or the period, if longer); the first
 * callback that finds room goes back to the period. A release that must
 * wait for an earlier reservation is kept and retried on the next expiry.
 */
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/kthread.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/well.h>
#include "well_loadgen.h"
#include "well_ring.h"
#include "well_obj.h"

#define WELL_BATCH_DEFAULT	16
#define WELL_TIMER_NS_DEFAULT	100000
#define WELL_TIMER_NS_MIN	10000
#define WELL_RELEASE_SPINS	4096
#define WELL_THREAD_BATCH_BYTES	(256 * 1024)
#define WELL_RELEASE_SLEEP_US	5
/* Longest interval of a timer producer backing off from a full ring. */
#define WELL_TIMER_BACKOFF_MAX_NS	(10 * NSEC_PER_MSEC)

static unsigned int max_user_producers = 64;
module_param(max_user_producers, uint, 0644);
MODULE_PARM_DESC(max_user_producers,
		 "producer threads of all rings together per user (default 64)");

/**
 * struct well_user - the producer threads one user runs.
 * @node: in well_users.
 * @uid: the user.
 * @threads: its threads, on all its rings.
 */
struct well_user {
	struct hlist_node node;
	kuid_t uid;
	unsigned int threads;
};

static DEFINE_HASHTABLE(well_users, 6);
static DEFINE_MUTEX(well_users_lock);

static struct well_user *well_user_find(kuid_t uid)
{
	struct well_user *u;

	hash_for_each_possible(well_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

/* Count @n more threads for @uid. Return: 0, -EAGAIN above the limit. */
static int well_user_charge(kuid_t uid, unsigned int n)
{
	unsigned int max = READ_ONCE(max_user_producers);
	struct well_user *u;
	int err = 0;

	if (!n)
		return 0;
	mutex_lock(&well_users_lock);
	u = well_user_find(uid);
	if ((u ? u->threads : 0) + n > max) {
		err = -EAGAIN;
	} else if (u) {
		u->threads += n;
	} else {
		u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
		if (u) {
			u->uid = uid;
			u->threads = n;
			hash_add(well_users, &u->node, __kuid_val(uid));
		} else {
			err = -ENOMEM;
		}
	}
	mutex_unlock(&well_users_lock);
	return err;
}

static void well_user_uncharge(kuid_t uid, unsigned int n)
{
	struct well_user *u;

	if (!n)
		return;
	mutex_lock(&well_users_lock);
	u = well_user_find(uid);
	if (u) {
		u->threads -= n;
		if (!u->threads) {
			hash_del(&u->node);
			kfree(u);
		}
	}
	mutex_unlock(&well_users_lock);
}

/**
 * struct well_prod - one producer.
 * @ring: the ring it writes into.
 * @id: its index, written into each block.
 * @seq: sequence number of its next block.
 * @target: blocks to write in all; 0 = until stopped.
 * @empty: write headers only (WELL_START_EMPTY), for throughput tests.
 * @single: the lone producer of the ring (well_ring_claim_single()).
 * @batch: most blocks per reservation.
 * @task: its kthread; NULL for the hrtimer producer.
 * @timer: the hrtimer of the timer producer.
 * @period: the timer's period.
 * @delay: its interval now: @period, or longer while the ring stays full.
 * @held_pos: position of a written reservation not yet released (timer).
 * @held_n: its amount; 0 when none.
 * @runs: timer callbacks.
 * @full: timer callbacks that found the ring full.
 */
struct well_prod {
	struct well_ring *ring;
	u32 id;
	u64 seq;
	u64 target;
	bool empty;
	bool single;
	size_t batch;
	struct task_struct *task;
	struct hrtimer timer;
	ktime_t period;
	ktime_t delay;
	size_t held_pos;
	size_t held_n;
	u64 runs;
	u64 full;
};

/**
 * struct well_loadgen - the producers of a ring; fixed size, for ffma.
 * @n: producers in use in @p.
 * @timer: @p[@n - 1] is the hrtimer producer.
 * @slab: from kzalloc(), not ffma (kmod/well_obj.c).
 * @uid: the user its threads are counted for (well_user_charge()).
 * @p: the producers.
 */
struct well_loadgen {
	unsigned int n;
	bool timer;
	bool slab;
	kuid_t uid;
	struct well_prod p[WELL_PRODUCERS_MAX];
};

/**
 * well_loadgen_init() - create the allocator of producer sets.
 *
 * Return: 0 or -ENOMEM.
 */
int well_loadgen_init(void)
{
	return well_obj_init(WELL_OBJ_LOADGEN, sizeof(struct well_loadgen));
}

/* Write block @seq of producer @p at @blk, all from local values. */
static void well_prod_fill(struct well_prod *p, void *blk)
{
	struct well_blk_hdr *hdr = blk;
	u8 *data = (u8 *)(hdr + 1);
	size_t room = well_ring_blk_size(p->ring) - sizeof(*hdr);
	u32 len = p->empty ? 0 : p->seq % (room + 1);
	u32 csum = well_csum_start(p->id, p->seq, len);
	u8 v = (u8)(p->seq * 31 + p->id * 7);
	u32 i;

	for (i = 0; i < len; i++, v++) {
		data[i] = v;
		csum = well_csum_step(csum, v);
	}
	hdr->producer = p->id;
	hdr->len = len;
	hdr->seq = p->seq;
	hdr->csum = csum;
	hdr->pad = 0;
	p->seq++;
}

static bool well_prod_done(const struct well_prod *p)
{
	return p->target && p->seq == p->target;
}

/* Reserve up to a batch and write it. Return: blocks written, 0 if full. */
static size_t well_prod_write(struct well_prod *p, size_t *pos, bool single)
{
	size_t want = p->batch, n, i;

	if (p->target && p->target - p->seq < want)
		want = p->target - p->seq;
	if (single)
		n = well_ring_reserve_single(p->ring, pos, want);
	else
		n = well_ring_reserve(p->ring, pos, want);
	for (i = 0; i < n; i++)
		well_prod_fill(p, well_ring_block(p->ring, *pos, i));
	return n;
}

/*
 * Release in order, waiting for earlier reservations. Threads hold
 * reservations with preemption disabled, so an earlier holder is either
 * running on another CPU (a short spin covers it) or not running at all:
 * the hrtimer between expiries, or a thread sleeping here itself. Then
 * sleep briefly instead of spinning. Called with preemption disabled.
 */
static void well_prod_release(struct well_ring *ring, size_t pos, size_t n)
{
	unsigned int spins = 0;

	while (!well_ring_release(ring, pos, n)) {
		if (++spins < WELL_RELEASE_SPINS) {
			cpu_relax();
			continue;
		}
		preempt_enable();
		usleep_range(WELL_RELEASE_SLEEP_US, 2 * WELL_RELEASE_SLEEP_US);
		preempt_disable();
	}
}

static int well_prod_thread(void *arg)
{
	struct well_prod *p = arg;
	struct well_ring *ring = p->ring;
	bool single = p->single;
	size_t pos, n;

	while (!kthread_should_stop() && !well_prod_done(p)) {
		/* Never preempted between reserve and release: see above. */
		preempt_disable();
		n = well_prod_write(p, &pos, single);
		if (n && single)
			well_ring_release_single(ring, n);
		else if (n)
			well_prod_release(ring, pos, n);
		preempt_enable();
		if (!n) {
			if (well_ring_is_broken(ring))
				break;
			well_ring_wait_room(ring);
			continue;
		}
		cond_resched();
	}
	/* Finished early: wait for kthread_stop(), which reaps us. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static enum hrtimer_restart well_prod_timer(struct hrtimer *timer)
{
	struct well_prod *p = container_of(timer, struct well_prod, timer);
	size_t pos, n;

	p->runs++;
	if (p->held_n) {
		if (!well_ring_release(p->ring, p->held_pos, p->held_n))
			goto again;
		p->held_n = 0;
	}
	if (well_prod_done(p) || well_ring_is_broken(p->ring))
		return HRTIMER_NORESTART;
	n = well_prod_write(p, &pos, false);
	if (!n) {
		/* Full: back off, so nobody consuming costs little CPU. */
		p->full++;
		p->delay = ktime_add(p->delay, p->delay);
		if (ktime_to_ns(p->delay) > WELL_TIMER_BACKOFF_MAX_NS)
			p->delay = ns_to_ktime(max_t(s64, WELL_TIMER_BACKOFF_MAX_NS,
						     ktime_to_ns(p->period)));
		hrtimer_forward_now(timer, p->delay);
		return HRTIMER_RESTART;
	}
	p->delay = p->period;
	if (!well_ring_release(p->ring, pos, n)) {
		p->held_pos = pos;
		p->held_n = n;
	}
again:
	hrtimer_forward_now(timer, p->delay);
	return HRTIMER_RESTART;
}

/**
 * well_loadgen_start() - WELL_IOC_START: run producers on a ring.
 * @lgp: the ring's generator, NULL when none runs; set on success. The
 *       caller serialises every call on it.
 * @ring: a ready ring.
 * @req: the request, checked here.
 *
 * One kthread alone claims the ring (well_ring_claim_single()) and uses
 * the *_single() functions, unless a user of well_ring_get() holds it.
 * The threads are counted for the caller's real uid.
 *
 * Return: 0, -EINVAL for a bad request, -EBUSY when producers run,
 * -EAGAIN when the caller's threads would exceed max_user_producers,
 * -ENOMEM, or the error of kthread creation.
 */
int well_loadgen_start(struct well_loadgen **lgp, struct well_ring *ring,
		       const struct well_start *req)
{
	unsigned int n = req->producers, i;
	bool timer = req->flags & WELL_START_TIMER;
	struct well_loadgen *lg;
	u64 ns = req->timer_ns ? req->timer_ns : WELL_TIMER_NS_DEFAULT;
	bool single, slab;
	int err;

	if (req->flags & ~(WELL_START_TIMER | WELL_START_EMPTY) || !n ||
	    n > WELL_PRODUCERS_MAX ||
	    req->batch > well_ring_blk_count(ring) || ns < WELL_TIMER_NS_MIN ||
	    ns > NSEC_PER_SEC)
		return -EINVAL;
	if (*lgp)
		return -EBUSY;
	lg = well_obj_alloc(WELL_OBJ_LOADGEN, &slab);
	if (!lg)
		return -ENOMEM;
	lg->slab = slab;
	lg->uid = current_uid();
	err = well_user_charge(lg->uid, n - timer);
	if (err) {
		well_obj_free(WELL_OBJ_LOADGEN, lg, lg->slab);
		return err;
	}
	lg->n = n;
	lg->timer = timer;
	single = n == 1 && !timer && well_ring_claim_single(ring);
	for (i = 0; i < n; i++) {
		struct well_prod *p = &lg->p[i];

		p->ring = ring;
		p->id = i;
		p->target = req->blocks;
		p->empty = req->flags & WELL_START_EMPTY;
		p->single = single;
		p->batch = req->batch ? req->batch : WELL_BATCH_DEFAULT;
		/* Bound the work done with preemption disabled. */
		p->batch = clamp_t(size_t, WELL_THREAD_BATCH_BYTES /
				   well_ring_blk_size(ring), 1, p->batch);
	}
	for (i = 0; i < n - timer; i++) {
		struct task_struct *t;

		t = kthread_create(well_prod_thread, &lg->p[i], "well-prod/%u", i);
		if (IS_ERR(t)) {
			while (i--)
				kthread_stop(lg->p[i].task);
			if (single)
				well_ring_unclaim_single(ring);
			well_user_uncharge(lg->uid, n - timer);
			well_obj_free(WELL_OBJ_LOADGEN, lg, lg->slab);
			return PTR_ERR(t);
		}
		lg->p[i].task = t;
	}
	*lgp = lg;
	for (i = 0; i < n - timer; i++)
		wake_up_process(lg->p[i].task);
	if (timer) {
		struct well_prod *p = &lg->p[n - 1];

		p->period = ns_to_ktime(ns);
		p->delay = p->period;
		hrtimer_init(&p->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		p->timer.function = well_prod_timer;
		hrtimer_start(&p->timer, p->period, HRTIMER_MODE_REL);
	}
	return 0;
}

/**
 * well_loadgen_stop() - WELL_IOC_STOP: stop and free a ring's producers.
 * @lgp: the ring's generator, or NULL when none runs; set to NULL. The
 *       caller serialises every call on it.
 * @past: the timer counters of stopped generators, which this one's are
 *        added to, so that STATS keeps counting across STOP.
 *
 * Cancels the timer first and releases what it still holds (the threads
 * holding earlier reservations are still running, so this ends), then
 * stops the threads. Every block written is released: a later START
 * continues the ring.
 */
void well_loadgen_stop(struct well_loadgen **lgp, struct well_stats *past)
{
	struct well_loadgen *lg = *lgp;
	struct well_ring *ring;
	unsigned int i;

	if (!lg)
		return;
	ring = lg->p[0].ring;
	if (lg->timer) {
		struct well_prod *p = &lg->p[lg->n - 1];

		hrtimer_cancel(&p->timer);
		preempt_disable();
		if (p->held_n)
			well_prod_release(ring, p->held_pos, p->held_n);
		preempt_enable();
	}
	for (i = 0; i < lg->n - lg->timer; i++)
		kthread_stop(lg->p[i].task);
	well_user_uncharge(lg->uid, lg->n - lg->timer);
	if (lg->timer) {
		past->timer_runs += lg->p[lg->n - 1].runs;
		past->timer_full += lg->p[lg->n - 1].full;
	}
	*lgp = NULL;
	if (lg->p[0].single)
		well_ring_unclaim_single(ring);
	well_obj_free(WELL_OBJ_LOADGEN, lg, lg->slab);
}

/**
 * well_loadgen_stats() - add the producers' counters to a stats reply.
 * @lg: the ring's generator, or NULL when none runs. The caller
 *      serialises this with start and stop.
 * @st: the reply: the flags are set, the timer counters added to.
 */
void well_loadgen_stats(const struct well_loadgen *lg, struct well_stats *st)
{
	if (!lg)
		return;
	st->flags |= WELL_STATS_RUNNING;
	if (lg->p[0].single)
		st->flags |= WELL_STATS_SINGLE;
	if (lg->timer) {
		st->timer_runs += READ_ONCE(lg->p[lg->n - 1].runs);
		st->timer_full += READ_ONCE(lg->p[lg->n - 1].full);
	}
}
