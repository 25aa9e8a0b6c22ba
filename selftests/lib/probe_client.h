/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * probe_client.h - the user side of /dev/well-probe (well_probe.ko), for
 * well-trace and the VM tests: a mapped ring handed to the module, events
 * attached to it, records copied out whole (selftests/lib/).
 */
#ifndef WELL_PROBE_CLIENT_H
#define WELL_PROBE_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/well_probe.h>
#include <well/dev.h>

#define WP_PROBE_DEV	"/dev/well-probe"

/**
 * struct wp_client - a ring on /dev/well and the control file of the module.
 * @dev: the mapped ring.
 * @ctl: an open /dev/well-probe, or -1.
 * @nblk: blocks per record (0 until the first event is attached).
 * @rec_len: bytes per record in the ring (the attach reply's rec_size).
 * @nev: events attached.
 */
struct wp_client {
	struct well_dev dev;
	int ctl;
	uint32_t nblk;
	uint32_t rec_len;
	uint32_t nev;
};

int wp_open(struct wp_client *c, const char *dev_path, const char *probe_path,
	    uint32_t blk_size, uint32_t blk_count);
int wp_parse(const char *spec, struct well_probe_attach *a);
int wp_attach(struct wp_client *c, struct well_probe_attach *a);
int wp_attach_spec(struct wp_client *c, const char *spec, uint32_t pid);
int wp_stats(struct wp_client *c, uint32_t id, struct well_probe_stats *st);
int wp_stop(struct wp_client *c);
int wp_end(struct wp_client *c);
int wp_info(int ctl, struct well_probe_info *in);
size_t wp_read(struct wp_client *c, struct well_probe_rec *recs, size_t max);
void wp_close(struct wp_client *c);

#endif /* WELL_PROBE_CLIENT_H */
