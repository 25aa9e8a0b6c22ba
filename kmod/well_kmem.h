/* SPDX-License-Identifier: GPL-2.0 */
/*
 * well_kmem.h - the module's own memory as a ring's data: allocated in
 * large physically contiguous chunks and mapped into the kernel by
 * kmod/well_kmem.c.
 */
#ifndef WELL_KMEM_H
#define WELL_KMEM_H

#include <linux/types.h>

struct page;

/**
 * struct well_kmem - the module's pages a ring produces into.
 * @pages: every page, in address order (kvmalloc()ed array); a chunk of
 *         order N is 2^N consecutive entries, its head page first.
 * @nr_pages: how many.
 * @vaddr: their vmap() in the kernel; NULL when nothing is allocated.
 */
struct well_kmem {
	struct page **pages;
	unsigned long nr_pages;
	void *vaddr;
};

int well_kmem_alloc(struct well_kmem *km, size_t bytes);
void well_kmem_free(struct well_kmem *km);

#endif /* WELL_KMEM_H */
