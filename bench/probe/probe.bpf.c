// SPDX-License-Identifier: GPL-2.0
/*
 * probe.bpf.c - the BPF peers of well_probe.ko for bench/probe: on the
 * sys_enter tracepoint (raw_tp: registered with tracepoint_probe_register()
 * as well_probe.ko's probe is), the records of one process and syscall go
 * to a BPF ring buffer (on_rb) or a perf buffer (on_pb).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

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

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(int));
	__uint(value_size, sizeof(int));
} pb SEC(".maps");

static __always_inline struct cfg *want(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 zero = 0;
	struct cfg *c = bpf_map_lookup_elem(&cfg, &zero);

	if (!c || (bpf_get_current_pid_tgid() >> 32) != c->tgid ||
	    (long)ctx->args[1] != c->nr)
		return 0;
	return c;
}

static __always_inline void fill(struct bpf_raw_tracepoint_args *ctx,
				 struct rec64 *r)
{
	r->v[0] = bpf_ktime_get_ns();
	r->v[1] = ctx->args[1];
	bpf_probe_read_kernel(&r->v[2], 48, (void *)ctx->args[0]);
}

SEC("raw_tp/sys_enter")
int on_rb(struct bpf_raw_tracepoint_args *ctx)
{
	struct cfg *c = want(ctx);

	if (!c)
		return 0;
	if (c->rec_size == 8) {
		__u64 *r = bpf_ringbuf_reserve(&rb, 8, 0);

		if (!r) {
			__sync_fetch_and_add(&c->drops, 1);
			return 0;
		}
		*r = bpf_ktime_get_ns();
		bpf_ringbuf_submit(r, 0);
	} else {
		struct rec64 *r = bpf_ringbuf_reserve(&rb, 64, 0);

		if (!r) {
			__sync_fetch_and_add(&c->drops, 1);
			return 0;
		}
		fill(ctx, r);
		bpf_ringbuf_submit(r, 0);
	}
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
	if (bpf_perf_event_output(ctx, &pb, BPF_F_CURRENT_CPU, &r,
				  c->rec_size == 8 ? 8 : 64))
		__sync_fetch_and_add(&c->drops, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
