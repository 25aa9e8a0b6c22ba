/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * well_probe.h - user API of /dev/well-probe: kernel events written as
 * records into a /dev/well ring, by the module well_probe.ko.
 *
 * A user creates a ring on /dev/well (mapped, or with WELL_CREATE_READ)
 * and hands it over by its fd in WELL_PROBE_IOC_ATTACH: the first attach
 * makes a session for that ring, each attach adds one event to it. Each
 * time an event fires, one struct well_probe_rec is written into the ring,
 * spanning rec_blocks consecutive blocks (rec_size bytes, the first
 * blk_size of them in the first block, and so on). A session may ask for
 * shorter records (struct well_probe_attach.rec_len): the record cut to
 * its first rec_len bytes, e.g. 8 (time_ns alone) or 64 (the common part
 * and the first 32 bytes of the event's fields). When
 * the ring is full the record is dropped and counted for its event; the
 * producer never waits. Documentation/well/probe.rst has the details.
 *
 * A session lives with the ring, not with the file of /dev/well-probe: it
 * ends with WELL_PROBE_IOC_CLOSE, when the ring's last user (fd or mapping)
 * is gone (checked every 50 ms), or when well_probe.ko is unloaded.
 *
 * Every ioctl structure starts with @size, set by the caller to the size
 * it knows; smaller than the first published version is refused, larger
 * is accepted when the extra bytes are zero; at most @size bytes are
 * written back.
 */
#ifndef _UAPI_LINUX_WELL_PROBE_H
#define _UAPI_LINUX_WELL_PROBE_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define WELL_PROBE_EVENTS_MAX	8	/* events per session (ring) */
#define WELL_PROBE_NAME_MAX	64	/* bytes of a name, with its NUL */

/* struct well_probe_attach.kind */
#define WELL_PROBE_TRACEPOINT	1	/* name: "sys_enter", "sched_switch" */
#define WELL_PROBE_KPROBE	2	/* name: a kernel function */

/* struct well_probe_rec.type: which member of the union is filled */
#define WELL_PROBE_REC_SYS_ENTER	1
#define WELL_PROBE_REC_SCHED_SWITCH	2
#define WELL_PROBE_REC_KPROBE		3

/* struct well_probe_rec.ctx: the context the event fired in */
#define WELL_PROBE_CTX_HARDIRQ	(1U << 0)
#define WELL_PROBE_CTX_SOFTIRQ	(1U << 1)
#define WELL_PROBE_CTX_IRQS_OFF	(1U << 2)	/* interrupts were off */

/**
 * struct well_probe_sys_enter - the fields of a raw_syscalls:sys_enter record.
 * @nr: the syscall number.
 * @args: its six arguments.
 * @pad: zero.
 */
struct well_probe_sys_enter {
	__s64 nr;
	__u64 args[6];
	__u64 pad;
};

/**
 * struct well_probe_sched_switch - the fields of a sched:sched_switch record.
 * @prev_pid: thread id of the task switched out.
 * @next_pid: thread id of the task switched in.
 * @prev_tgid: thread group of the task switched out.
 * @next_tgid: thread group of the task switched in.
 * @prev_prio: priority of the task switched out.
 * @next_prio: priority of the task switched in.
 * @prev_state: the state the task switched out left in.
 * @preempt: 1 when it was preempted.
 * @prev_comm: name of the task switched out.
 * @next_comm: name of the task switched in.
 */
struct well_probe_sched_switch {
	__u32 prev_pid;
	__u32 next_pid;
	__u32 prev_tgid;
	__u32 next_tgid;
	__s32 prev_prio;
	__s32 next_prio;
	__u32 prev_state;
	__u32 preempt;
	char prev_comm[16];
	char next_comm[16];
};

/**
 * struct well_probe_kprobe - the fields of a kprobe record.
 * @ip: the probed address.
 * @args: the first six arguments of the function (by the calling
 *        convention).
 * @pad: zero.
 */
struct well_probe_kprobe {
	__u64 ip;
	__u64 args[6];
	__u64 pad;
};

/**
 * struct well_probe_rec - one event, as written into the ring.
 * @time_ns: CLOCK_MONOTONIC when the event fired (ktime_get_mono_fast_ns).
 * @seq: hits of this event on this CPU before this one: consecutive per
 *       CPU and event when nothing was dropped.
 * @cpu: the CPU it fired on.
 * @pid: the thread group of the current task (getpid()).
 * @tid: the current task (gettid()).
 * @type: WELL_PROBE_REC_*: which member of the union follows.
 * @ctx: WELL_PROBE_CTX_* bits.
 * @event: the event's id, from WELL_PROBE_IOC_ATTACH.
 * @sys_enter: raw_syscalls:sys_enter: @sys_enter.nr the syscall number,
 *             @sys_enter.args its six arguments.
 * @sched_switch: sched:sched_switch: pids (thread ids), thread groups and
 *                priorities of the task switched out (prev) and in (next),
 *                prev's state, whether it was preempted, both names.
 * @kprobe: a kprobe: @kprobe.ip the probed address, @kprobe.args the
 *          first six arguments of the function (by the calling convention).
 */
struct well_probe_rec {
	__u64 time_ns;
	__u64 seq;
	__u32 cpu;
	__u32 pid;
	__u32 tid;
	__u8 type;
	__u8 ctx;
	__u16 event;
	union {
		struct well_probe_sys_enter sys_enter;
		struct well_probe_sched_switch sched_switch;
		struct well_probe_kprobe kprobe;
	};
};

#define WELL_PROBE_REC_SIZE	96

/* struct well_probe_attach.rec_len: a multiple of 8 in [MIN, REC_SIZE]. */
#define WELL_PROBE_REC_LEN_MIN	8

/**
 * struct well_probe_attach - WELL_PROBE_IOC_ATTACH: add an event to a ring.
 * @size: sizeof(struct well_probe_attach) as the caller knows it.
 * @ring_fd: an open /dev/well file with a created ring.
 * @kind: WELL_PROBE_TRACEPOINT or WELL_PROBE_KPROBE.
 * @pid: record only events of this thread group (0: any). For
 *       sched_switch, a switch from or to a task of it.
 * @nr: sys_enter only: record only this syscall number (-1: any).
 * @id: output: the event's id, its records' @event.
 * @rec_size: output: bytes of a record in this ring: WELL_PROBE_REC_SIZE,
 *            or the session's @rec_len.
 * @rec_blocks: output: blocks each record spans in this ring.
 * @reserved: zero.
 * @name: the tracepoint ("sys_enter", "raw_syscalls:sys_enter",
 *        "sched_switch", "sched:sched_switch") or the function, with NUL.
 * @rec_len: (since WELL_PROBE_ATTACH_SIZE_VER1) bytes of each record: 0
 *           for the whole struct well_probe_rec, else a multiple of 8 in
 *           [WELL_PROBE_REC_LEN_MIN, WELL_PROBE_REC_SIZE]: the record cut
 *           to that length. Set by the session's first attach; a later
 *           attach must pass 0 or the same length (else EINVAL). On
 *           return: the session's length.
 * @reserved2: zero.
 */
struct well_probe_attach {
	__u32 size;
	__s32 ring_fd;
	__u32 kind;
	__u32 pid;
	__s64 nr;
	__u32 id;
	__u32 rec_size;
	__u32 rec_blocks;
	__u32 reserved;
	char name[WELL_PROBE_NAME_MAX];
	__u32 rec_len;
	__u32 reserved2;
};

#define WELL_PROBE_ATTACH_SIZE_VER0	104	/* up to @name */
#define WELL_PROBE_ATTACH_SIZE_VER1	112	/* @rec_len */

/**
 * struct well_probe_stats - WELL_PROBE_IOC_STATS: one event's counters.
 * @size: sizeof(struct well_probe_stats) as the caller knows it.
 * @ring_fd: the ring.
 * @id: the event.
 * @active: output: 1 while the event is attached, 0 after STOP.
 * @hits: output: times it fired (after its filters).
 * @written: output: records written into the ring.
 * @drops: output: records dropped (ring full, or a context where the
 *         module cannot write). @hits == @written + @drops once stopped.
 */
struct well_probe_stats {
	__u32 size;
	__s32 ring_fd;
	__u32 id;
	__u32 active;
	__u64 hits;
	__u64 written;
	__u64 drops;
};

#define WELL_PROBE_STATS_SIZE_VER0	40

/**
 * struct well_probe_ring - WELL_PROBE_IOC_STOP and _CLOSE: which ring.
 * @size: sizeof(struct well_probe_ring) as the caller knows it.
 * @ring_fd: the ring.
 */
struct well_probe_ring {
	__u32 size;
	__s32 ring_fd;
};

#define WELL_PROBE_RING_SIZE_VER0	8

/**
 * struct well_probe_info - WELL_PROBE_IOC_INFO: the module as a whole.
 * @size: sizeof(struct well_probe_info) as the caller knows it.
 * @sessions: output: rings with a session.
 * @events: output: events attached, over all sessions.
 * @rec_size: output: WELL_PROBE_REC_SIZE, the longest record.
 */
struct well_probe_info {
	__u32 size;
	__u32 sessions;
	__u32 events;
	__u32 rec_size;
};

#define WELL_PROBE_INFO_SIZE_VER0	16

/* Magic 'x' is /dev/well's; these numbers start at 0x40, after its own. */
#define WELL_PROBE_IOC_ATTACH	_IOWR('x', 0x40, struct well_probe_attach)
#define WELL_PROBE_IOC_STATS	_IOWR('x', 0x41, struct well_probe_stats)
#define WELL_PROBE_IOC_STOP	_IOW('x', 0x42, struct well_probe_ring)
#define WELL_PROBE_IOC_CLOSE	_IOW('x', 0x43, struct well_probe_ring)
#define WELL_PROBE_IOC_INFO	_IOWR('x', 0x44, struct well_probe_info)

#endif /* _UAPI_LINUX_WELL_PROBE_H */
