/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ffma_pcpu.h - core/ffma in the kernel: one allocator per CPU
 * (kmod/ffma_pcpu.c).
 *
 * A struct ffma_pcpu holds an allocator of one object size for each online
 * CPU (CPUs coming online later get theirs from a cpuhp callback).
 * Every call into core/ffma runs with interrupts off; a free from another
 * CPU goes onto the owner's remote stack. Any context may free; an
 * allocation calls the page allocator, with the caller's gfp flags and
 * interrupts as the caller has them, only when it needs a new slice.
 */
#ifndef FFMA_PCPU_H
#define FFMA_PCPU_H

#include <linux/gfp.h>
#include "ffma.h"

struct ffma_pcpu;

struct ffma_pcpu *ffma_pcpu_create(size_t object_size);
void ffma_pcpu_destroy(struct ffma_pcpu *pc);
void *ffma_pcpu_alloc(struct ffma_pcpu *pc, gfp_t gfp);
void ffma_pcpu_free(void *ptr);
void ffma_pcpu_collect(struct ffma_pcpu *pc);
struct ffma *ffma_pcpu_of(struct ffma_pcpu *pc, unsigned int cpu);

#endif /* FFMA_PCPU_H */
