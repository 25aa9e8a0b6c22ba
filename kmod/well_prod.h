/* SPDX-License-Identifier: GPL-2.0 */
/*
 * well_prod.h - the module's own producers: kthreads and one hrtimer.
 */
#ifndef WELL_PROD_H
#define WELL_PROD_H

#include "well_ring.h"

int well_prods_init(void);
int well_prods_start(struct well_ring *ring, const struct well_start *req);
void well_prods_stop(struct well_ring *ring);
void well_prods_stats(struct well_ring *ring, struct well_stats *st);

#endif /* WELL_PROD_H */
