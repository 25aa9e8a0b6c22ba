/* SPDX-License-Identifier: GPL-2.0 */
/*
 * well_loadgen.h - the load generator: the module's own producers
 * (kthreads and one hrtimer) writing checkable blocks, for
 * WELL_IOC_START, WELL_IOC_STOP and WELL_IOC_STATS (kmod/well_loadgen.c).
 */
#ifndef WELL_LOADGEN_H
#define WELL_LOADGEN_H

struct well_loadgen;
struct well_ring;
struct well_start;
struct well_stats;

int well_loadgen_init(void);
int well_loadgen_start(struct well_loadgen **lgp, struct well_ring *ring,
		       const struct well_start *req);
void well_loadgen_stop(struct well_loadgen **lgp, struct well_stats *past);
void well_loadgen_stats(const struct well_loadgen *lg, struct well_stats *st);

#endif /* WELL_LOADGEN_H */
