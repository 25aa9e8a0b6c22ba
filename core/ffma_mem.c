// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma_mem.c - the size-class calls that are the same in the kernel and in
 * user space, built on each environment's ffma_mem_alloc() and
 * ffma_mem_free() (per CPU in kmod/ffma_classes.c, per thread in
 * user/ffma_thread.c).
 */
#include "ffma.h"
#include "port.h"

/**
 * ffma_mem_alloc_zero() - ffma_mem_alloc() filled with zeroes.
 * @size: bytes wanted.
 *
 * Return: as ffma_mem_alloc(); the first @size bytes are zero.
 */
void *ffma_mem_alloc_zero(size_t size)
{
	void *ptr = ffma_mem_alloc(size);

	if (ptr)
		well_memset(ptr, 0, size);
	return ptr;
}

/**
 * ffma_mem_realloc() - resize memory of the size classes, keeping it.
 * @ptr: memory from ffma_mem_alloc(), or NULL (then this allocates).
 * @size: new size; 0 frees @ptr and returns NULL.
 *
 * Stays in place when @size falls in the class of @ptr (or, for a large
 * block, when it shrinks by less than half); otherwise copies the smaller
 * of the two sizes into memory of the new class and frees @ptr. Shrinking
 * never fails: when no memory of the smaller class is to be had, @ptr
 * stays as it is and is returned.
 *
 * Return: the memory, or NULL as ffma_mem_alloc() fails (ENOMEM in user
 * space) when growing, @ptr untouched.
 */
void *ffma_mem_realloc(void *ptr, size_t size)
{
	size_t old;
	void *mem;

	if (!ptr)
		return ffma_mem_alloc(size);
	if (!size) {
		ffma_mem_free(ptr);
		return NULL;
	}
	old = ffma_usable_size(ptr);
	if (size <= old && (ffma_mem_class(size) == ffma_mem_class(old) ||
			    (old > FFMA_MEM_MAX && size > old / 2))) {
		/* In place: memory checkers now allow @size bytes. */
		ffma_mem_expose(ptr, size);
		return ptr;
	}
	mem = ffma_mem_alloc(size);
	if (!mem) {
		if (size > old)
			return NULL;
		ffma_mem_expose(ptr, size);
		return ptr;
	}
	ffma_mem_expose(ptr, old);
	well_memcpy(mem, ptr, size < old ? size : old);
	ffma_mem_free(ptr);
	return mem;
}
