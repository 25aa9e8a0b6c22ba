/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ffma_thread.h - the fork handlers of user/ffma_thread.c, registered by
 * user/port.c so that every program that gets a slice has them.
 */
#ifndef WELL_FFMA_THREAD_H
#define WELL_FFMA_THREAD_H

#include <stddef.h>

void ffma_fork_prepare(void);
void ffma_fork_parent(void);
void ffma_fork_child(void);
void *ffma_large_map(size_t size);

#endif /* WELL_FFMA_THREAD_H */
