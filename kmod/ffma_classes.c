// SPDX-License-Identifier: GPL-2.0
/*
 * ffma_classes.c - the kernel's ffma_mem_alloc() and ffma_mem_free(): one
 * per-CPU allocator (kmod/ffma_pcpu.c) for each power-of-two size class of
 * include/ffma.h. core/ffma_mem.c builds ffma_mem_alloc_zero() and
 * ffma_mem_realloc() on these two, as it does on user/ffma_thread.c's.
 */
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/slab.h>
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
 * @size: bytes.
 *
 * Process context, may sleep (GFP_KERNEL). Above FFMA_MEM_MAX the memory
 * comes from kvmalloc(); ffma_mem_free() tells it apart.
 *
 * Return: the memory, or NULL without memory.
 */
void *ffma_mem_alloc(size_t size)
{
	if (size > FFMA_MEM_MAX)
		return kvmalloc(size, GFP_KERNEL);
	return ffma_pcpu_alloc(ffma_classes[ffma_mem_class(size)], GFP_KERNEL);
}

/*
 * Whether @ptr came from kvmalloc() in ffma_mem_alloc(): vmalloc memory,
 * or a kmalloc() block above 64 KiB, which is a compound page of its own
 * and starts at its head page. An object of a slice never does: objects
 * start one page into the slice's order-9 compound page.
 */
static bool ffma_mem_is_kv(const void *ptr)
{
	if (is_vmalloc_addr(ptr))
		return true;
	return ptr == folio_address(virt_to_folio(ptr));
}

/**
 * ffma_mem_free() - free memory of ffma_mem_alloc(), on any CPU.
 * @ptr: the memory, or NULL.
 *
 * Any context for memory of the size classes; process context for memory
 * above FFMA_MEM_MAX (kvfree()).
 */
void ffma_mem_free(void *ptr)
{
	if (ptr && ffma_mem_is_kv(ptr))
		kvfree(ptr);
	else
		ffma_pcpu_free(ptr);
}
