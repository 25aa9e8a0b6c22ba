/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ffma_port.h - what the kernel's page port (kmod/ffma_port.c) offers
 * besides core/port.h's contract: a reserve of slices filled where
 * sleeping is allowed, and the drain at module exit.
 */
#ifndef FFMA_PORT_H
#define FFMA_PORT_H

#include <linux/types.h>

bool ffma_pages_reserve(void);
void ffma_pages_drain(void);

#endif /* FFMA_PORT_H */
