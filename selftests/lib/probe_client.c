// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * probe_client.c - see probe_client.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "probe_client.h"

/**
 * wp_open() - create a mapped ring and open the module's control file.
 * @c: the client to set up.
 * @dev_path: /dev/well.
 * @probe_path: /dev/well-probe.
 * @blk_size: bytes per block.
 * @blk_count: blocks.
 *
 * Return: 0 or -errno; on error nothing is left open.
 */
int wp_open(struct wp_client *c, const char *dev_path, const char *probe_path,
	    uint32_t blk_size, uint32_t blk_count)
{
	int err;

	memset(c, 0, sizeof(*c));
	c->ctl = open(probe_path, O_RDWR | O_CLOEXEC);
	if (c->ctl < 0)
		return -errno;
	err = well_dev_open(&c->dev, dev_path);
	if (!err)
		err = well_dev_create(&c->dev, blk_size, blk_count);
	if (err) {
		if (c->dev.fd >= 0)
			well_dev_close(&c->dev);
		close(c->ctl);
		c->ctl = -1;
	}
	return err;
}

/**
 * wp_parse() - an event spec as well-trace takes it.
 * @spec: "sys_enter", "sys_enter=NR", "raw_syscalls:sys_enter[=NR]",
 *        "sched_switch", "sched:sched_switch" or "kprobe:FUNCTION".
 * @a: filled with kind, name and nr (pid and ring_fd left alone).
 *
 * Return: 0, or -EINVAL for a spec that names nothing or a bad number.
 */
int wp_parse(const char *spec, struct well_probe_attach *a)
{
	const char *eq;
	size_t len;
	char *end;

	a->nr = -1;
	if (!strncmp(spec, "kprobe:", 7)) {
		a->kind = WELL_PROBE_KPROBE;
		spec += 7;
		len = strlen(spec);
	} else {
		a->kind = WELL_PROBE_TRACEPOINT;
		eq = strchr(spec, '=');
		len = eq ? (size_t)(eq - spec) : strlen(spec);
		if (eq) {
			errno = 0;
			a->nr = strtoll(eq + 1, &end, 0);
			if (!eq[1] || *end || errno || a->nr < 0)
				return -EINVAL;
		}
	}
	if (!len || len >= sizeof(a->name))
		return -EINVAL;
	memcpy(a->name, spec, len);
	a->name[len] = '\0';
	return 0;
}

/**
 * wp_attach() - WELL_PROBE_IOC_ATTACH on the client's ring.
 * @c: the client.
 * @a: the request (kind, name, pid, nr, rec_len); gets id, rec_size,
 *     rec_blocks.
 *
 * Return: 0 or -errno.
 */
int wp_attach(struct wp_client *c, struct well_probe_attach *a)
{
	a->size = sizeof(*a);
	a->ring_fd = c->dev.fd;
	if (ioctl(c->ctl, WELL_PROBE_IOC_ATTACH, a))
		return -errno;
	c->nblk = a->rec_blocks;
	/* The kernel's answer, kept within the records wp_read() fills. */
	c->rec_len = a->rec_size < sizeof(struct well_probe_rec) ?
		     a->rec_size : sizeof(struct well_probe_rec);
	c->nev++;
	return 0;
}

/**
 * wp_attach_spec() - wp_parse() then wp_attach().
 * @c: the client.
 * @spec: the event spec.
 * @pid: thread group filter, 0 for any.
 *
 * Return: the event id, or -errno.
 */
int wp_attach_spec(struct wp_client *c, const char *spec, uint32_t pid)
{
	struct well_probe_attach a = { 0 };
	int err = wp_parse(spec, &a);

	a.pid = pid;
	if (!err)
		err = wp_attach(c, &a);
	return err ? err : (int)a.id;
}

/**
 * wp_stats() - WELL_PROBE_IOC_STATS for one event.
 * @c: the client.
 * @id: the event.
 * @st: the reply.
 *
 * Return: 0 or -errno.
 */
int wp_stats(struct wp_client *c, uint32_t id, struct well_probe_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->ring_fd = c->dev.fd;
	st->id = id;
	return ioctl(c->ctl, WELL_PROBE_IOC_STATS, st) ? -errno : 0;
}

static int wp_ring_ioc(struct wp_client *c, unsigned long cmd)
{
	struct well_probe_ring r = { .size = sizeof(r), .ring_fd = c->dev.fd };

	return ioctl(c->ctl, cmd, &r) ? -errno : 0;
}

/**
 * wp_stop() - WELL_PROBE_IOC_STOP: detach every event, keep the counters.
 * @c: the client.
 *
 * When it returns, every record counted as written is in the ring.
 *
 * Return: 0 or -errno.
 */
int wp_stop(struct wp_client *c)
{
	return wp_ring_ioc(c, WELL_PROBE_IOC_STOP);
}

/**
 * wp_end() - WELL_PROBE_IOC_CLOSE: end the session, the ring stays.
 * @c: the client.
 *
 * Return: 0 or -errno.
 */
int wp_end(struct wp_client *c)
{
	return wp_ring_ioc(c, WELL_PROBE_IOC_CLOSE);
}

/**
 * wp_info() - WELL_PROBE_IOC_INFO.
 * @ctl: an open /dev/well-probe.
 * @in: the reply.
 *
 * Return: 0 or -errno.
 */
int wp_info(int ctl, struct well_probe_info *in)
{
	memset(in, 0, sizeof(*in));
	in->size = sizeof(*in);
	return ioctl(ctl, WELL_PROBE_IOC_INFO, in) ? -errno : 0;
}

/**
 * wp_read() - copy out the records that are ready and give their blocks back.
 * @c: the client, with an event attached.
 * @recs: room for @max records.
 * @max: at least 1.
 *
 * Never waits (well_dev_wait() does). The only consumer of the ring.
 * Records shorter than struct well_probe_rec (a session's rec_len) come
 * out as their first rec_len bytes, the rest of @recs[i] zeroed.
 *
 * Return: records copied.
 */
size_t wp_read(struct wp_client *c, struct well_probe_rec *recs, size_t max)
{
	size_t bs = well_blk_size(&c->dev.geo), pos, got, i, j, n;

	if (!c->nblk)
		return 0;
	got = well_dev_consume(&c->dev, &pos, max * c->nblk);
	/* Producers release whole records: @got is a multiple of nblk. */
	for (i = 0; i < got / c->nblk; i++) {
		char *dst = (char *)&recs[i];
		size_t left = c->rec_len;

		memset(dst + left, 0, sizeof(recs[i]) - left);
		for (j = 0; j < c->nblk; j++, dst += n, left -= n) {
			n = left < bs ? left : bs;
			memcpy(dst, well_dev_block(&c->dev, pos,
						   i * c->nblk + j), n);
		}
	}
	if (got)
		well_dev_release(&c->dev, pos, got);
	return got / c->nblk;
}

/**
 * wp_close() - close the ring and the control file.
 * @c: the client; the module ends the session within 50 ms.
 */
void wp_close(struct wp_client *c)
{
	if (c->dev.fd >= 0)
		well_dev_close(&c->dev);
	if (c->ctl >= 0)
		close(c->ctl);
	c->ctl = -1;
}
