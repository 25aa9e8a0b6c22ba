/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ffma_kernel.h - core/ffma in the kernel: one allocator per CPU.
 *
 * A struct ffma_pcpu holds an allocator of one object size for each CPU
 * online when it was created. Allocation uses the running CPU's allocator
 * with interrupts off; a free from another CPU goes onto the owner's
 * remote stack. Any context may free; allocation may sleep only to get a
 * new slice, and only when the caller may sleep.
 */
#ifndef FFMA_KERNEL_H
#define FFMA_KERNEL_H

#include "ffma.h"
#include "port.h"

struct ffma_pcpu;

struct ffma_pcpu *ffma_pcpu_create(size_t object_size);
void ffma_pcpu_destroy(struct ffma_pcpu *pc);
void *ffma_pcpu_alloc(struct ffma_pcpu *pc);
void ffma_pcpu_free(void *ptr);
void ffma_pcpu_collect(struct ffma_pcpu *pc);
struct ffma *ffma_pcpu_of(struct ffma_pcpu *pc, unsigned int cpu);

void ffma_pages_drain(void);

int ffma_mem_init(void);
void ffma_mem_exit(void);

#endif /* FFMA_KERNEL_H */
