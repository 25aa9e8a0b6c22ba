/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * port_stats.h - statistics of user/port.c, for tests and benchmarks.
 */
#ifndef WELL_PORT_STATS_H
#define WELL_PORT_STATS_H

#include <stddef.h>

void ffma_pages_slices(size_t *hugetlb, size_t *fallback);
size_t ffma_pages_hugetlb_failures(void);

#endif /* WELL_PORT_STATS_H */
