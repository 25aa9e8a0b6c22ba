// SPDX-License-Identifier: GPL-2.0
/*
 * ffma_classes.c - the kernel's ffma_mem_alloc() and ffma_mem_free(): one
 * per-CPU allocator (kmod/ffma_pcpu.c) for each power-of-two size class of
 * include/ffma.h. core/ffma_mem.c builds ffma_mem_alloc_zero() and
 * ffma_mem_realloc() on these two, as it does on user/ffma_thread.c's.
 */
#include <linux/errno.h>
#include "ffma.h"
#include "ffma_pcpu.h"
#include "ffma_classes.h"

static struct ffma_pcpu *ffma_classes[FFMA_MEM_CLASSES];

/**
 * ffma_mem_init() - create the per-CPU allocators of the size classes.
 *
 * Process context. Takes no slice until the first allocation.
 *
 * Return: 0 or -ENOMEM.
 */
int ffma_mem_init(void)
{
	unsigned int c;

	for (c = 0; c < FFMA_MEM_CLASSES; c++) {
		ffma_classes[c] = ffma_pcpu_create(FFMA_MEM_MIN << c);
		if (!ffma_classes[c]) {
			ffma_mem_exit();
			return -ENOMEM;
		}
	}
	return 0;
}

/**
 * ffma_mem_exit() - destroy the size classes; no object of theirs is used.
 */
void ffma_mem_exit(void)
{
	unsigned int c;

	for (c = 0; c < FFMA_MEM_CLASSES; c++) {
		ffma_pcpu_destroy(ffma_classes[c]);
		ffma_classes[c] = NULL;
	}
}

/**
 * ffma_mem_alloc() - memory from the running CPU's allocator of a class.
 * @size: bytes, up to FFMA_MEM_MAX.
 *
 * Return: the memory, or NULL for a size above FFMA_MEM_MAX or no memory.
 */
void *ffma_mem_alloc(size_t size)
{
	if (size > FFMA_MEM_MAX)
		return NULL;
	return ffma_pcpu_alloc(ffma_classes[ffma_mem_class(size)]);
}

/**
 * ffma_mem_free() - free memory of the size classes, on any CPU.
 * @ptr: the memory, or NULL.
 */
void ffma_mem_free(void *ptr)
{
	ffma_pcpu_free(ptr);
}
