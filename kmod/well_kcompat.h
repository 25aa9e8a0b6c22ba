/* SPDX-License-Identifier: GPL-2.0 */
/*
 * well_kcompat.h - kernel API differences between the versions the module
 * builds against (Debian 12: 6.1 and 6.12).
 */
#ifndef WELL_KCOMPAT_H
#define WELL_KCOMPAT_H

#include <linux/version.h>
#include <linux/mm.h>
#include <linux/shrinker.h>
#include <linux/slab.h>

/**
 * well_vm_flags_mod() - set and clear flags of a VMA being mmap()ed.
 * @vma: the VMA, with mmap_lock held for writing.
 * @set: flags to add.
 * @clear: flags to remove.
 *
 * vm_flags became read-only behind vm_flags_mod() in 6.3.
 */
static inline void well_vm_flags_mod(struct vm_area_struct *vma,
				     vm_flags_t set, vm_flags_t clear)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

/*
 * WELL_PAGE_ORDER_MAX - the largest order alloc_pages() serves. MAX_ORDER
 * counted one past it until 6.4, then named it, and became MAX_PAGE_ORDER
 * in 6.8.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define WELL_PAGE_ORDER_MAX	MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define WELL_PAGE_ORDER_MAX	MAX_ORDER
#else
#define WELL_PAGE_ORDER_MAX	(MAX_ORDER - 1)
#endif

/**
 * well_pin_user_pages() - pin_user_pages() without the vmas argument.
 * @start: user address, page-aligned.
 * @nr_pages: pages to pin.
 * @gup_flags: FOLL_* flags.
 * @pages: where to store them.
 *
 * The caller holds current->mm's mmap lock for reading. 6.5 removed the
 * vmas argument.
 *
 * Return: pages pinned, or -errno.
 */
static inline long well_pin_user_pages(unsigned long start,
				       unsigned long nr_pages,
				       unsigned int gup_flags,
				       struct page **pages)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	return pin_user_pages(start, nr_pages, gup_flags, pages);
#else
	return pin_user_pages(start, nr_pages, gup_flags, pages, NULL);
#endif
}

/**
 * well_shrinker_create() - register a shrinker.
 * @name: its name in debugfs.
 * @count: its count_objects().
 * @scan: its scan_objects().
 *
 * Process context. 6.7 replaced register_shrinker() of a caller's struct
 * with shrinker_alloc() and shrinker_register().
 *
 * Return: the shrinker, registered, or NULL.
 */
static inline struct shrinker *
well_shrinker_create(const char *name,
		     unsigned long (*count)(struct shrinker *,
					    struct shrink_control *),
		     unsigned long (*scan)(struct shrinker *,
					   struct shrink_control *))
{
	struct shrinker *s;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	s = shrinker_alloc(0, "%s", name);
	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	shrinker_register(s);
#else
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	if (register_shrinker(s, "%s", name)) {
		kfree(s);
		return NULL;
	}
#endif
	return s;
}

/**
 * well_shrinker_destroy() - unregister and free a well_shrinker_create()d.
 * @s: the shrinker, or NULL.
 */
static inline void well_shrinker_destroy(struct shrinker *s)
{
	if (!s)
		return;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	shrinker_free(s);
#else
	unregister_shrinker(s);
	kfree(s);
#endif
}

#endif /* WELL_KCOMPAT_H */
