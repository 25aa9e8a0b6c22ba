/* SPDX-License-Identifier: GPL-2.0 */
/*
 * well_kcompat.h - kernel API differences between the versions the module
 * builds against (Debian 12: 6.1 and 6.12).
 */
#ifndef WELL_KCOMPAT_H
#define WELL_KCOMPAT_H

#include <linux/version.h>
#include <linux/mm.h>

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

#endif /* WELL_KCOMPAT_H */
