// SPDX-License-Identifier: GPL-2.0
/*
 * probe.bpf.c - the BPF peers of well_probe.ko for bench/probe: on the
 * sys_enter and sched_switch tracepoints (raw_tp: registered with
 * tracepoint_probe_register() as well_probe.ko's probes are), the records
 * of one process (and, for sys_enter, one syscall) go to a BPF ring
 * buffer (on_rb, on_rb_sw) or a perf buffer (on_pb, on_pb_sw), 8 or 64
 * bytes each. sched_switch keeps a switch from or to a task of the
 * process, as well_probe.ko's pid filter does: prev and next are read
 * with CO-RE (the kernel's BTF).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
	int prio;
} __attribute__((preserve_access_index));

struct cfg {
	__u32 tgid;
	__u32 rec_size;		/* 8 or 64 */
	__s64 nr;
	__u64 drops;
};

struct rec64 {
	__u64 v[8];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cfg);
} cfg SEC(".maps");

/* 4 MiB, as the well ring of the bench. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(int));
	__uint(value_size, sizeof(int));
} pb SEC(".maps");

static __always_inline struct cfg *get_cfg(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cfg, &zero);
}

static __always_inline struct cfg *want(struct bpf_raw_tracepoint_args *ctx)
{
	struct cfg *c = get_cfg();

	if (!c || (bpf_get_current_pid_tgid() >> 32) != c->tgid ||
	    (long)ctx->args[1] != c->nr)
		return 0;
	return c;
}

/* sched_switch(preempt, prev, next, prev_state): from or to our tgid. */
static __always_inline struct cfg *want_sw(struct bpf_raw_tracepoint_args *ctx,
					   struct rec64 *r)
{
	struct task_struct *prev = (void *)ctx->args[1];
	struct task_struct *next = (void *)ctx->args[2];
	struct cfg *c = get_cfg();
	__u32 pt, nt;

	if (!c)
		return 0;
	pt = BPF_CORE_READ(prev, tgid);
	nt = BPF_CORE_READ(next, tgid);
	if (pt != c->tgid && nt != c->tgid)
		return 0;
	r->v[0] = bpf_ktime_get_ns();
	r->v[1] = bpf_get_smp_processor_id();
	r->v[2] = (__u64)pt << 32 | (__u32)BPF_CORE_READ(prev, pid);
	r->v[3] = (__u64)nt << 32 | (__u32)BPF_CORE_READ(next, pid);
	r->v[4] = BPF_CORE_READ(prev, prio);
	r->v[5] = BPF_CORE_READ(next, prio);
	r->v[6] = ctx->args[3];
	r->v[7] = ctx->args[0];
	return c;
}

static __always_inline void fill(struct bpf_raw_tracepoint_args *ctx,
				 struct rec64 *r)
{
	r->v[0] = bpf_ktime_get_ns();
	r->v[1] = ctx->args[1];
	bpf_probe_read_kernel(&r->v[2], 48, (void *)ctx->args[0]);
}

static __always_inline void to_rb(struct cfg *c, const struct rec64 *src)
{
	if (c->rec_size == 8) {
		__u64 *r = bpf_ringbuf_reserve(&rb, 8, 0);

		if (!r) {
			__sync_fetch_and_add(&c->drops, 1);
			return;
		}
		*r = src->v[0];
		bpf_ringbuf_submit(r, 0);
	} else {
		struct rec64 *r = bpf_ringbuf_reserve(&rb, 64, 0);

		if (!r) {
			__sync_fetch_and_add(&c->drops, 1);
			return;
		}
		*r = *src;
		bpf_ringbuf_submit(r, 0);
	}
}

static __always_inline void to_pb(void *ctx, struct cfg *c,
				  const struct rec64 *r)
{
	if (bpf_perf_event_output(ctx, &pb, BPF_F_CURRENT_CPU, (void *)r,
				  c->rec_size == 8 ? 8 : 64))
		__sync_fetch_and_add(&c->drops, 1);
}

SEC("raw_tp/sys_enter")
int on_rb(struct bpf_raw_tracepoint_args *ctx)
{
	struct cfg *c = want(ctx);
	struct rec64 r;

	if (!c)
		return 0;
	if (c->rec_size == 8)
		r.v[0] = bpf_ktime_get_ns();
	else
		fill(ctx, &r);
	to_rb(c, &r);
	return 0;
}

SEC("raw_tp/sys_enter")
int on_pb(struct bpf_raw_tracepoint_args *ctx)
{
	struct cfg *c = want(ctx);
	struct rec64 r;

	if (!c)
		return 0;
	fill(ctx, &r);
	to_pb(ctx, c, &r);
	return 0;
}

SEC("raw_tp/sched_switch")
int on_rb_sw(struct bpf_raw_tracepoint_args *ctx)
{
	struct rec64 r;
	struct cfg *c = want_sw(ctx, &r);

	if (c)
		to_rb(c, &r);
	return 0;
}

SEC("raw_tp/sched_switch")
int on_pb_sw(struct bpf_raw_tracepoint_args *ctx)
{
	struct rec64 r;
	struct cfg *c = want_sw(ctx, &r);

	if (c)
		to_pb(ctx, c, &r);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
