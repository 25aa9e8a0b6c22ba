/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ffma_port.h - what the kernel's page port (kmod/ffma_port.c) offers
 * besides core/port.h's contract: a reserve of slices filled in the
 * caller's context, the shrinker of the slice cache, and the drain at
 * module exit.
 */
#ifndef FFMA_PORT_H
#define FFMA_PORT_H

#include <linux/gfp.h>
#include <linux/types.h>

bool ffma_pages_reserve(gfp_t gfp);
unsigned long ffma_pages_shrink(void);
int ffma_pages_init(void);
void ffma_pages_exit(void);
void ffma_pages_drain(void);

#endif /* FFMA_PORT_H */
