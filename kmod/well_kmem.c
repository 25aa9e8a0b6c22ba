// SPDX-License-Identifier: GPL-2.0
/*
 * well_kmem.c - the module's own memory as a ring's data (CREATE without
 * WELL_CREATE_USER).
 *
 * A leaf of the module (Documentation/well/kmod.rst, "Memory modes"):
 * kmod/well_ring.c calls it at CREATE and at free, nothing else does.
 *
 * The data is allocated in chunks as large as the ring allows, up to a
 * PMD's worth (2 MiB on x86-64), each one compound page (__GFP_COMP),
 * falling back to smaller orders, down to single pages, when the buddy
 * allocator has nothing that large: a fragmented machine still gets its
 * ring, only in smaller pieces. vmap() gives the producers one contiguous
 * kernel address, as the caller's pages (kmod/well_umem.c) do. The mmap()
 * of /dev/well inserts the same pages one by one (vm_insert_page()), so a
 * user mapping is physically contiguous over each chunk: io_uring (from
 * Linux 6.10) then registers it as a few large segments instead of one
 * per page, and a direct I/O request from it needs fewer bio segments.
 *
 * Charged to the caller's memory cgroup (__GFP_ACCOUNT). A large chunk is
 * tried once (__GFP_NORETRY: no reclaim and compaction stall for memory a
 * smaller chunk serves as well); single pages retry but never invoke the
 * OOM killer (__GFP_RETRY_MAYFAIL), and nothing is logged on failure
 * (__GFP_NOWARN): the size is the user's choice, not a kernel bug.
 *
 * The pages are given back with one reference each chunk; a page still
 * mapped or pinned (an io_uring registration of the user mapping outlives
 * the file) keeps its chunk until that reference goes too.
 */
#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "well_kcompat.h"
#include "well_kmem.h"

/* The largest chunk: a PMD's worth, if the buddy allocator has it. */
#define WELL_KMEM_ORDER_MAX \
	min_t(unsigned int, PMD_SHIFT - PAGE_SHIFT, WELL_PAGE_ORDER_MAX)

static gfp_t well_kmem_gfp(unsigned int order)
{
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN;

	return order ? gfp | __GFP_COMP | __GFP_NORETRY :
		       gfp | __GFP_RETRY_MAYFAIL;
}

/* Give back the chunks of the first @n entries of @pages. */
static void well_kmem_put(struct page **pages, unsigned long n)
{
	unsigned long i;
	unsigned int order;

	for (i = 0; i < n; i += 1UL << order) {
		order = compound_order(pages[i]);
		__free_pages(pages[i], order);
	}
}

/**
 * well_kmem_alloc() - allocate, zero and map a ring's data.
 * @km: zeroed; filled on success, left zeroed on failure.
 * @bytes: its size, a whole number of pages.
 *
 * Return: 0, or -ENOMEM with nothing allocated.
 */
int well_kmem_alloc(struct well_kmem *km, size_t bytes)
{
	unsigned long n = bytes >> PAGE_SHIFT, i = 0, k;
	unsigned int order = min_t(unsigned int, ilog2(n),
				   WELL_KMEM_ORDER_MAX);
	struct page *page;

	km->pages = kvmalloc_array(n, sizeof(*km->pages), GFP_KERNEL_ACCOUNT);
	if (!km->pages)
		return -ENOMEM;
	while (i < n) {
		while (n - i < 1UL << order)
			order--;
		page = alloc_pages(well_kmem_gfp(order), order);
		if (!page && order) {
			order--;
			continue;
		}
		if (!page)
			goto fail;
		for (k = 0; k < 1UL << order; k++)
			km->pages[i + k] = nth_page(page, k);
		i += 1UL << order;
	}
	km->vaddr = vmap(km->pages, n, VM_MAP, PAGE_KERNEL);
	if (!km->vaddr)
		goto fail;
	km->nr_pages = n;
	return 0;
fail:
	well_kmem_put(km->pages, i);
	kvfree(km->pages);
	km->pages = NULL;
	return -ENOMEM;
}

/**
 * well_kmem_free() - unmap and give back a ring's data.
 * @km: filled by well_kmem_alloc(), or zeroed (nothing to do); zeroed
 *      after.
 */
void well_kmem_free(struct well_kmem *km)
{
	if (!km->vaddr)
		return;
	vunmap(km->vaddr);
	well_kmem_put(km->pages, km->nr_pages);
	kvfree(km->pages);
	km->pages = NULL;
	km->nr_pages = 0;
	km->vaddr = NULL;
}
