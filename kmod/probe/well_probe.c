// SPDX-License-Identifier: GPL-2.0
/*
 * well_probe.c - kernel events as records in a user's /dev/well ring.
 *
 * A second module on well.ko's exported API: it includes kmod/well_kapi.h
 * and nothing else of kmod/. The user hands a ring over by its fd
 * (include/linux/well_probe.h); each event the user attached (the
 * tracepoints sys_enter and sched_switch, found with
 * for_each_kernel_tracepoint(), or a kprobe on a named function) writes
 * one struct well_probe_rec into it, or its first rec_len bytes when the
 * session asked for shorter records. Documentation/well/probe.rst
 * describes the interface, the record and the contexts.
 *
 * The producer path never waits: a record that finds the ring full is
 * dropped and counted for its event.
 *
 * Releases land in reservation order (well_ring_release() fails while an
 * earlier reservation is held), and an event may interrupt another on the
 * same CPU, whose reservation cannot land before the interrupt returns. So
 * a release that fails leaves a mark in the session's table, and whoever
 * releases the reservation before it releases the marked ones that follow
 * (wp_release(), wp_drain()):
 *   P1  a marker stores the mark, smp_mb(), then tries the release itself;
 *       a releaser succeeds (a release that succeeds is a full barrier:
 *       well_ring_release()), then loads the next mark. One of the two
 *       sees the other's store (Dekker), so no mark is left behind. Two that both try are harmless: the release of a position
 *       succeeds once, as the tail never comes back to it.
 *   P2  a mark is stored with release after the record's block writes
 *       (which the release of the blocks publishes anyway) and loaded
 *       with acquire; it is cleared with a cmpxchg from its own value,
 *       never over the mark of a later lap of the ring.
 * Every event releases its own record, also with interrupts off
 * (sched_switch runs with the runqueue lock held, hard interrupts):
 * well_ring_release() takes no lock and leaves the consumer's wakeup to
 * an irq_work of well.ko wherever interrupts are off. In NMI context
 * nothing is written: the event counts as a drop.
 *
 * Sessions are kept by ring: a list under wp_lock, ended by
 * WELL_PROBE_IOC_CLOSE, by the reaper (the ring's file has no user but the
 * session: file_count() == 1, checked every 50 ms) or by module unload.
 * Ending one unregisters its probes, waits for running ones
 * (tracepoint_synchronize_unregister(), unregister_kprobe()), then puts
 * the ring and the file.
 */
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hardirq.h>
#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <linux/well_probe.h>
#include <asm/syscall.h>
#include "../well_kapi.h"

#define WP_REAP_MS	50

static_assert(sizeof(struct well_probe_rec) == WELL_PROBE_REC_SIZE);
static_assert(sizeof(struct well_probe_attach) == WELL_PROBE_ATTACH_SIZE_VER1);
static_assert(offsetof(struct well_probe_attach, rec_len) ==
	      WELL_PROBE_ATTACH_SIZE_VER0);
static_assert(sizeof(struct well_probe_stats) == WELL_PROBE_STATS_SIZE_VER0);
static_assert(sizeof(struct well_probe_ring) == WELL_PROBE_RING_SIZE_VER0);
static_assert(sizeof(struct well_probe_info) == WELL_PROBE_INFO_SIZE_VER0);

struct wp_session;

/**
 * struct wp_event - one attached event.
 * @s: its session.
 * @id: its index in @s->ev, the records' event field.
 * @type: WELL_PROBE_REC_*.
 * @active: registered and not yet stopped.
 * @pid: thread group filter, 0 for any.
 * @nr: syscall filter of sys_enter, -1 for any.
 * @tp: the tracepoint, for the tracepoint kinds.
 * @probe: the function registered on @tp.
 * @kp: the kprobe, for WELL_PROBE_KPROBE.
 * @name: the function of @kp (kprobe keeps a pointer to it).
 */
struct wp_event {
	struct wp_session *s;
	u16 id;
	u8 type;
	bool active;
	u32 pid;
	s64 nr;
	struct tracepoint *tp;
	void *probe;
	struct kprobe kp;
	char name[WELL_PROBE_NAME_MAX];
};

/**
 * struct wp_cpu - a session's per-CPU part.
 * @hits: events that fired on this CPU, per event id.
 * @drops: records of them dropped.
 */
struct wp_cpu {
	u64 hits[WELL_PROBE_EVENTS_MAX];
	u64 drops[WELL_PROBE_EVENTS_MAX];
};

/**
 * struct wp_session - a ring and the events that write into it.
 * @node: in wp_sessions, under wp_lock.
 * @file: the ring's /dev/well file, a reference from fget().
 * @ring: from well_ring_get().
 * @rec_len: bytes of each record: the first @rec_len of its
 *           struct well_probe_rec.
 * @nblk: blocks per record.
 * @blk_size: bytes per block.
 * @mask: block count - 1, for @mark.
 * @mark: per block position, pos + 1 of a record whose release is left
 *        to the releaser of the record before it (P1, P2); 0 when none.
 * @cpu: the per-CPU part.
 * @nev: events in @ev.
 * @ev: the events, allocated as attached.
 */
struct wp_session {
	struct list_head node;
	struct file *file;
	struct well_ring *ring;
	size_t rec_len;
	size_t nblk;
	size_t blk_size;
	size_t mask;
	unsigned long *mark;
	struct wp_cpu __percpu *cpu;
	unsigned int nev;
	struct wp_event *ev[WELL_PROBE_EVENTS_MAX];
};

static DEFINE_MUTEX(wp_lock);
static LIST_HEAD(wp_sessions);
static unsigned int wp_nsessions;
static unsigned int wp_nevents;
static void wp_reap(struct work_struct *work);
static DECLARE_DELAYED_WORK(wp_reaper, wp_reap);

/* Walk the marked records after @p and release them (P1, P2). */
static void wp_drain(struct wp_session *s, size_t p)
{
	for (;;) {
		unsigned long *m = &s->mark[p & s->mask];

		/*
		 * P1: the release before this load succeeded, a full barrier
		 * (well_ring_release()); pairs with the smp_mb() between mark
		 * and try in wp_try_marked(). P2: pairs with the store-release
		 * of the mark.
		 */
		if (smp_load_acquire(m) != p + 1)
			return;
		if (!well_ring_release(s->ring, p, s->nblk))
			return;
		/* P2: only this lap's mark; a later one is not ours. */
		cmpxchg(m, p + 1, 0);
		p += s->nblk;
	}
}

/* Store the mark of the record at @pos (P2: after its block writes). */
static void wp_mark(struct wp_session *s, size_t pos)
{
	/* P2: pairs with the load-acquire in wp_drain(). */
	smp_store_release(&s->mark[pos & s->mask], pos + 1);
}

/* Try to release the marked record at @pos; on success, drain after it. */
static void wp_try_marked(struct wp_session *s, size_t pos)
{
	/* P1: pairs with the full barrier of a release before wp_drain(). */
	smp_mb();
	if (!well_ring_release(s->ring, pos, s->nblk))
		return;
	cmpxchg(&s->mark[pos & s->mask], pos + 1, 0);
	wp_drain(s, pos + s->nblk);
}

/* Release the record at @pos, with interrupts on. */
static void wp_release(struct wp_session *s, size_t pos)
{
	if (well_ring_release(s->ring, pos, s->nblk)) {
		wp_drain(s, pos + s->nblk);
		return;
	}
	wp_mark(s, pos);
	wp_try_marked(s, pos);
}

/* Copy the first @s->rec_len bytes of @rec into the @s->nblk blocks at @pos. */
static void wp_copy(struct wp_session *s, size_t pos,
		    const struct well_probe_rec *rec)
{
	const char *src = (const char *)rec;
	size_t i, left = s->rec_len, n;

	if (s->nblk == 1) {
		memcpy(well_ring_block(s->ring, pos, 0), src, left);
		return;
	}

	for (i = 0; i < s->nblk; i++, src += n, left -= n) {
		n = min(left, s->blk_size);
		memcpy(well_ring_block(s->ring, pos, i), src, n);
	}
}

/*
 * Fill the common part of @rec for event @ev and decide: returns false
 * when the event is to be dropped before reserving. Counts the hit.
 */
static bool wp_begin(struct wp_event *ev, struct well_probe_rec *rec)
{
	u8 ctx = 0;

	/* Preemption is off in every probe: this CPU's part stays ours. */
	rec->seq = this_cpu_inc_return(ev->s->cpu->hits[ev->id]) - 1;
	if (in_nmi()) {
		this_cpu_inc(ev->s->cpu->drops[ev->id]);
		return false;
	}
	if (in_hardirq())
		ctx |= WELL_PROBE_CTX_HARDIRQ;
	if (in_serving_softirq())
		ctx |= WELL_PROBE_CTX_SOFTIRQ;
	if (irqs_disabled())
		ctx |= WELL_PROBE_CTX_IRQS_OFF;
	rec->time_ns = ktime_get_mono_fast_ns();
	rec->cpu = smp_processor_id();
	rec->pid = current->tgid;
	rec->tid = current->pid;
	rec->type = ev->type;
	rec->ctx = ctx;
	rec->event = ev->id;
	return true;
}

/* Reserve, write and release (or hand the release on) one record. */
static void wp_commit(struct wp_event *ev, const struct well_probe_rec *rec)
{
	struct wp_session *s = ev->s;
	size_t pos;

	if (!well_ring_reserve_exact(s->ring, &pos, s->nblk)) {
		this_cpu_inc(s->cpu->drops[ev->id]);
		return;
	}
	wp_copy(s, pos, rec);
	wp_release(s, pos);
}

/* Whether the session's records keep the byte at offset @off of the record. */
static bool wp_keeps(const struct wp_event *ev, size_t off)
{
	return ev->s->rec_len > off;
}

static void wp_tp_sys_enter(void *data, struct pt_regs *regs, long id)
{
	struct wp_event *ev = data;
	struct well_probe_rec rec = { 0 };
	unsigned long args[6];
	int i;

	if ((ev->nr >= 0 && id != ev->nr) ||
	    (ev->pid && current->tgid != ev->pid))
		return;
	if (!wp_begin(ev, &rec))
		return;
	/* Fields a short record (rec_len) cuts off are not gathered. */
	if (wp_keeps(ev, offsetof(struct well_probe_rec, sys_enter))) {
		rec.sys_enter.nr = id;
		syscall_get_arguments(current, regs, args);
		for (i = 0; i < 6; i++)
			rec.sys_enter.args[i] = args[i];
	}
	wp_commit(ev, &rec);
}

static void wp_tp_sched_switch(void *data, bool preempt,
			       struct task_struct *prev,
			       struct task_struct *next,
			       unsigned int prev_state)
{
	struct wp_event *ev = data;
	struct well_probe_rec rec = { 0 };

	if (ev->pid && prev->tgid != ev->pid && next->tgid != ev->pid)
		return;
	if (!wp_begin(ev, &rec))
		return;
	if (!wp_keeps(ev, offsetof(struct well_probe_rec, sched_switch)))
		goto commit;
	rec.sched_switch.prev_pid = prev->pid;
	rec.sched_switch.next_pid = next->pid;
	rec.sched_switch.prev_tgid = prev->tgid;
	rec.sched_switch.next_tgid = next->tgid;
	rec.sched_switch.prev_prio = prev->prio;
	rec.sched_switch.next_prio = next->prio;
	rec.sched_switch.prev_state = prev_state;
	rec.sched_switch.preempt = preempt;
	if (wp_keeps(ev, offsetof(struct well_probe_rec, sched_switch.prev_comm))) {
		/* As the sched_switch event does: a racy copy of a 16-byte name. */
		memcpy(rec.sched_switch.prev_comm, prev->comm,
		       sizeof(rec.sched_switch.prev_comm));
		memcpy(rec.sched_switch.next_comm, next->comm,
		       sizeof(rec.sched_switch.next_comm));
	}
commit:
	wp_commit(ev, &rec);
}

static int wp_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct wp_event *ev = container_of(kp, struct wp_event, kp);
	struct well_probe_rec rec = { 0 };
	unsigned int i;

	if (ev->pid && current->tgid != ev->pid)
		return 0;
	if (!wp_begin(ev, &rec))
		return 0;
	rec.kprobe.ip = (unsigned long)kp->addr;
	for (i = 0; i < 6; i++)
		rec.kprobe.args[i] = regs_get_kernel_argument(regs, i);
	wp_commit(ev, &rec);
	return 0;
}

/* The tracepoints with a record layout, and their probes. */
static const struct {
	const char *name;
	u8 type;
	void *probe;
} wp_tps[] = {
	{ "sys_enter", WELL_PROBE_REC_SYS_ENTER, (void *)wp_tp_sys_enter },
	{ "sched_switch", WELL_PROBE_REC_SCHED_SWITCH,
	  (void *)wp_tp_sched_switch },
};

struct wp_find {
	const char *name;
	struct tracepoint *tp;
};

static void wp_find_tp(struct tracepoint *tp, void *priv)
{
	struct wp_find *f = priv;

	if (!strcmp(tp->name, f->name))
		f->tp = tp;
}

/* Unregister one event; the caller waits for running probes after. */
static void wp_event_stop(struct wp_event *ev)
{
	if (!ev->active)
		return;
	if (ev->type == WELL_PROBE_REC_KPROBE)
		unregister_kprobe(&ev->kp);
	else
		tracepoint_probe_unregister(ev->tp, ev->probe, ev);
	ev->active = false;
	wp_nevents--;
}

/* Stop every event of @s and let the last probe finish. wp_lock held. */
static void wp_session_stop(struct wp_session *s)
{
	unsigned int i;

	for (i = 0; i < s->nev; i++)
		wp_event_stop(s->ev[i]);
	/*
	 * No tracepoint probe of ours runs past this (kprobes: unregister),
	 * and each probe released its record before returning.
	 */
	tracepoint_synchronize_unregister();
}

/* Stop @s, give its ring back and free it. wp_lock held. */
static void wp_session_end(struct wp_session *s)
{
	unsigned int i;

	wp_session_stop(s);
	list_del(&s->node);
	wp_nsessions--;
	well_ring_put(s->ring);
	fput(s->file);
	for (i = 0; i < s->nev; i++)
		kfree(s->ev[i]);
	free_percpu(s->cpu);
	kvfree(s->mark);
	kfree(s);
}

/* Every 50 ms while sessions exist: end those whose ring nobody uses. */
static void wp_reap(struct work_struct *work)
{
	struct wp_session *s, *tmp;

	mutex_lock(&wp_lock);
	list_for_each_entry_safe(s, tmp, &wp_sessions, node) {
		/* Ours is the last reference: no fd, no mapping is left. */
		if (file_count(s->file) == 1)
			wp_session_end(s);
	}
	if (wp_nsessions)
		schedule_delayed_work(&wp_reaper, msecs_to_jiffies(WP_REAP_MS));
	mutex_unlock(&wp_lock);
}

/* The session of the ring of @fd; wp_lock held. -ENOENT when none. */
static struct wp_session *wp_session_find(int fd)
{
	struct wp_session *s, *found = ERR_PTR(-ENOENT);
	struct file *file = fget(fd);

	if (!file)
		return ERR_PTR(-EBADF);
	list_for_each_entry(s, &wp_sessions, node) {
		if (s->file == file) {
			found = s;
			break;
		}
	}
	fput(file);
	return found;
}

/* A new session for the ring of @fd, records of @rec_len; wp_lock held. */
static struct wp_session *wp_session_new(int fd, size_t rec_len)
{
	struct wp_session *s;
	struct well_ring *ring;
	struct file *file;
	size_t count;
	int err;

	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);
	ring = well_ring_get(file);
	if (IS_ERR(ring)) {
		fput(file);
		return ERR_CAST(ring);
	}
	err = -ENOMEM;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		goto put;
	s->file = file;
	s->ring = ring;
	s->blk_size = well_ring_blk_size(ring);
	s->rec_len = rec_len;
	s->nblk = DIV_ROUND_UP(rec_len, s->blk_size);
	count = well_ring_blk_count(ring);
	s->mask = count - 1;
	err = -E2BIG;
	if (s->nblk > count)
		goto free;
	err = -ENOMEM;
	s->mark = kvcalloc(count, sizeof(*s->mark), GFP_KERNEL);
	s->cpu = alloc_percpu(struct wp_cpu);
	if (!s->mark || !s->cpu)
		goto free;
	list_add(&s->node, &wp_sessions);
	if (!wp_nsessions++)
		schedule_delayed_work(&wp_reaper, msecs_to_jiffies(WP_REAP_MS));
	return s;
free:
	free_percpu(s->cpu);
	kvfree(s->mark);
	kfree(s);
put:
	well_ring_put(ring);
	fput(file);
	return ERR_PTR(err);
}

/* Register @ev as @a asks; wp_lock held. */
static int wp_event_start(struct wp_event *ev, const struct well_probe_attach *a)
{
	const char *name = a->name, *colon;
	struct wp_find f = { 0 };
	unsigned int i;

	if (a->kind == WELL_PROBE_KPROBE) {
		strscpy(ev->name, name, sizeof(ev->name));
		ev->type = WELL_PROBE_REC_KPROBE;
		ev->kp.symbol_name = ev->name;
		ev->kp.pre_handler = wp_kprobe_pre;
		return register_kprobe(&ev->kp);
	}
	if (a->kind != WELL_PROBE_TRACEPOINT)
		return -EINVAL;
	/* "system:name" or "name": tracepoints are named without system. */
	colon = strchr(name, ':');
	if (colon)
		name = colon + 1;
	for (i = 0; i < ARRAY_SIZE(wp_tps); i++)
		if (!strcmp(name, wp_tps[i].name))
			break;
	f.name = name;
	for_each_kernel_tracepoint(wp_find_tp, &f);
	if (!f.tp)
		return -ENOENT;
	/* It exists, but this module has no record layout for it. */
	if (i == ARRAY_SIZE(wp_tps))
		return -EOPNOTSUPP;
	ev->type = wp_tps[i].type;
	ev->tp = f.tp;
	ev->probe = wp_tps[i].probe;
	return tracepoint_probe_register(f.tp, ev->probe, ev);
}

static int wp_copy_in(void *karg, size_t ksize, size_t minsize,
		      const void __user *uarg)
{
	u32 usize;

	if (get_user(usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (usize < minsize || usize > PAGE_SIZE)
		return -EINVAL;
	return copy_struct_from_user(karg, ksize, uarg, usize);
}

static int wp_copy_out(void __user *uarg, const void *karg, size_t ksize)
{
	u32 usize = *(const u32 *)karg;

	return copy_to_user(uarg, karg, min_t(size_t, usize, ksize)) ?
		-EFAULT : 0;
}

static int wp_ioc_attach(void __user *uarg)
{
	struct well_probe_attach a;
	struct wp_session *s;
	struct wp_event *ev;
	bool fresh = false;
	size_t len;
	int err;

	err = wp_copy_in(&a, sizeof(a), WELL_PROBE_ATTACH_SIZE_VER0, uarg);
	if (err)
		return err;
	if (strnlen(a.name, sizeof(a.name)) == sizeof(a.name) || !a.name[0])
		return -EINVAL;
	if ((a.kind != WELL_PROBE_TRACEPOINT && a.kind != WELL_PROBE_KPROBE) ||
	    a.reserved || a.reserved2)
		return -EINVAL;
	/* A caller of VER0 knows no @rec_len: copy_struct_from_user() zeroed it. */
	len = a.rec_len ? a.rec_len : WELL_PROBE_REC_SIZE;
	if (len < WELL_PROBE_REC_LEN_MIN || len > WELL_PROBE_REC_SIZE ||
	    len % 8)
		return -EINVAL;
	ev = kzalloc(sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return -ENOMEM;
	mutex_lock(&wp_lock);
	s = wp_session_find(a.ring_fd);
	if (PTR_ERR_OR_ZERO(s) == -ENOENT) {
		s = wp_session_new(a.ring_fd, len);
		fresh = true;
	}
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
		goto unlock;
	}
	err = -EINVAL;
	/* One record length per ring: 0 takes the session's. */
	if (a.rec_len && a.rec_len != s->rec_len)
		goto end;
	err = -ENOSPC;
	if (s->nev == WELL_PROBE_EVENTS_MAX)
		goto end;
	ev->s = s;
	ev->id = s->nev;
	ev->pid = a.pid;
	ev->nr = a.nr;
	/* Stored before the probe can run; its registration orders it. */
	s->ev[s->nev] = ev;
	err = wp_event_start(ev, &a);
	if (err) {
		s->ev[s->nev] = NULL;
		goto end;
	}
	s->nev++;
	ev->active = true;
	wp_nevents++;
	a.id = ev->id;
	a.rec_size = s->rec_len;
	a.rec_blocks = s->nblk;
	a.rec_len = s->rec_len;
	mutex_unlock(&wp_lock);
	return wp_copy_out(uarg, &a, sizeof(a));
end:
	if (fresh && !s->nev)
		wp_session_end(s);
unlock:
	mutex_unlock(&wp_lock);
	kfree(ev);
	return err;
}

static int wp_ioc_stats(void __user *uarg)
{
	struct well_probe_stats st;
	struct wp_session *s;
	int cpu, err;

	err = wp_copy_in(&st, sizeof(st), WELL_PROBE_STATS_SIZE_VER0, uarg);
	if (err)
		return err;
	mutex_lock(&wp_lock);
	s = wp_session_find(st.ring_fd);
	err = PTR_ERR_OR_ZERO(s);
	if (!err && st.id >= s->nev)
		err = -ENOENT;
	if (!err) {
		st.hits = 0;
		st.drops = 0;
		for_each_possible_cpu(cpu) {
			struct wp_cpu *c = per_cpu_ptr(s->cpu, cpu);

			st.hits += READ_ONCE(c->hits[st.id]);
			st.drops += READ_ONCE(c->drops[st.id]);
		}
		/* Summed at different times: clamp a running event's view. */
		st.written = st.hits > st.drops ? st.hits - st.drops : 0;
		st.active = s->ev[st.id]->active;
	}
	mutex_unlock(&wp_lock);
	return err ? err : wp_copy_out(uarg, &st, sizeof(st));
}

static int wp_ioc_ring(void __user *uarg, bool close)
{
	struct well_probe_ring r;
	struct wp_session *s;
	int err;

	err = wp_copy_in(&r, sizeof(r), WELL_PROBE_RING_SIZE_VER0, uarg);
	if (err)
		return err;
	mutex_lock(&wp_lock);
	s = wp_session_find(r.ring_fd);
	err = PTR_ERR_OR_ZERO(s);
	if (!err && close)
		wp_session_end(s);
	else if (!err)
		wp_session_stop(s);
	mutex_unlock(&wp_lock);
	return err;
}

static int wp_ioc_info(void __user *uarg)
{
	struct well_probe_info in;
	int err;

	err = wp_copy_in(&in, sizeof(in), WELL_PROBE_INFO_SIZE_VER0, uarg);
	if (err)
		return err;
	mutex_lock(&wp_lock);
	in.sessions = wp_nsessions;
	in.events = wp_nevents;
	mutex_unlock(&wp_lock);
	in.rec_size = sizeof(struct well_probe_rec);
	return wp_copy_out(uarg, &in, sizeof(in));
}

static long wp_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case WELL_PROBE_IOC_ATTACH:
		return wp_ioc_attach(uarg);
	case WELL_PROBE_IOC_STATS:
		return wp_ioc_stats(uarg);
	case WELL_PROBE_IOC_STOP:
		return wp_ioc_ring(uarg, false);
	case WELL_PROBE_IOC_CLOSE:
		return wp_ioc_ring(uarg, true);
	case WELL_PROBE_IOC_INFO:
		return wp_ioc_info(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations wp_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= wp_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice wp_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "well-probe",
	.fops	= &wp_fops,
	.mode	= 0600,
};

static int __init wp_init(void)
{
	return misc_register(&wp_misc);
}

/* No file of ours is open (each holds the module); sessions may remain. */
static void __exit wp_exit(void)
{
	struct wp_session *s, *tmp;

	misc_deregister(&wp_misc);
	mutex_lock(&wp_lock);
	list_for_each_entry_safe(s, tmp, &wp_sessions, node)
		wp_session_end(s);
	mutex_unlock(&wp_lock);
	cancel_delayed_work_sync(&wp_reaper);
}

module_init(wp_init);
module_exit(wp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kernel events as records in a /dev/well ring");
MODULE_AUTHOR("well maintainers");
MODULE_VERSION(WELL_KMOD_VERSION);
