/* SPDX-License-Identifier: GPL-2.0 */
/*
 * well_umem.h - the caller's memory as a ring's data (WELL_CREATE_USER):
 * pinned, accounted and mapped into the kernel by kmod/well_umem.c.
 */
#ifndef WELL_UMEM_H
#define WELL_UMEM_H

#include <linux/types.h>

struct page;
struct user_struct;
struct mm_struct;

/**
 * struct well_umem - user pages a ring produces into.
 * @pages: the pinned pages, in address order (kvmalloc()ed array).
 * @nr_pages: how many.
 * @vaddr: their vmap() in the kernel; NULL when nothing is pinned.
 * @uaddr: the user address they were pinned at (reported by INFO).
 * @user: the user whose locked_vm was charged, with a reference; NULL
 *        when the creator had CAP_IPC_LOCK.
 * @mm: the address space whose pinned_vm was charged, grabbed (mmgrab())
 *      so that it can be given back after the process exited.
 */
struct well_umem {
	struct page **pages;
	unsigned long nr_pages;
	void *vaddr;
	u64 uaddr;
	struct user_struct *user;
	struct mm_struct *mm;
};

int well_umem_pin(struct well_umem *um, u64 uaddr, size_t bytes);
void well_umem_unpin(struct well_umem *um);

#endif /* WELL_UMEM_H */
