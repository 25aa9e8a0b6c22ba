// SPDX-License-Identifier: GPL-2.0
/*
 * well_umem.c - the caller's memory as a ring's data (WELL_CREATE_USER).
 *
 * A leaf of the module (Documentation/well/kmod.rst, "Memory modes"):
 * kmod/well_ring.c calls it at CREATE and at free, nothing else does.
 *
 * Pin: under the mmap lock, every VMA of the range must be private
 * anonymous, shmem (memfd, MAP_SHARED|MAP_ANONYMOUS, tmpfs) or hugetlbfs
 * memory (else -EOPNOTSUPP: no long-term pin of a page a file system
 * writes back), then pin_user_pages(FOLL_WRITE | FOLL_LONGTERM) pins all
 * of it under the same lock, or nothing: the VMAs checked are the VMAs
 * pinned. FOLL_LONGTERM moves the pages out of ZONE_MOVABLE and CMA
 * first, and makes fork() copy a pinned anonymous page for the child
 * instead of sharing it, so the pages stay the creator's. vmap() gives
 * the producers one contiguous kernel address, as the module's own
 * vmalloc() memory does, so they cannot tell the two apart.
 *
 * Accounting, as io_uring does for its registered buffers: the pages are
 * charged to the creator's user (user_struct.locked_vm) against
 * RLIMIT_MEMLOCK unless it has CAP_IPC_LOCK, and always to its address
 * space's pinned_vm (VmPin in /proc/PID/status). The references to both
 * are held until the ring is freed, which may be after the process exited
 * or from another process (a passed descriptor): the charge goes back to
 * where it was made.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/hugetlb_inline.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "well_kcompat.h"
#include "well_umem.h"

/* Charge @n pages to the caller; -ENOMEM above its RLIMIT_MEMLOCK. */
static int well_umem_charge(struct well_umem *um, unsigned long n)
{
	struct user_struct *user = current_user();
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	long cur, next;

	if (!capable(CAP_IPC_LOCK)) {
		/*
		 * A budget shared with io_uring and the others that charge
		 * locked_vm: the cmpxchg orders nothing else, and a failure
		 * reloads @cur. Pairs with the other chargers' updates.
		 */
		cur = atomic_long_read(&user->locked_vm);
		do {
			if (check_add_overflow(cur, (long)n, &next) ||
			    (unsigned long)next > limit)
				return -ENOMEM;
		} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur,
						  next));
		um->user = get_uid(user);
	}
	/* A statistic (VmPin); pairs with the subtraction at uncharge. */
	atomic64_add(n, &current->mm->pinned_vm);
	mmgrab(current->mm);
	um->mm = current->mm;
	um->nr_pages = n;
	return 0;
}

static void well_umem_uncharge(struct well_umem *um)
{
	if (um->user) {
		/* Pairs with the cmpxchg of well_umem_charge(); a budget. */
		atomic_long_sub(um->nr_pages, &um->user->locked_vm);
		free_uid(um->user);
	}
	/* Pairs with the addition in well_umem_charge(); a statistic. */
	atomic64_sub(um->nr_pages, &um->mm->pinned_vm);
	mmdrop(um->mm);
	um->user = NULL;
	um->mm = NULL;
	um->nr_pages = 0;
}

/* Private anonymous, shmem or hugetlbfs memory. */
static bool well_umem_vma_ok(struct vm_area_struct *vma)
{
	struct inode *inode;

	if (vma_is_anonymous(vma) || is_vm_hugetlb_page(vma))
		return true;
	if (!vma->vm_file)
		return false;
	inode = file_inode(vma->vm_file);
	return S_ISREG(inode->i_mode) && inode->i_sb->s_magic == TMPFS_MAGIC;
}

/* Every byte of [start, end) mapped, by acceptable VMAs; mmap lock held. */
static int well_umem_check(struct mm_struct *mm, unsigned long start,
			   unsigned long end)
{
	struct vm_area_struct *vma;
	unsigned long addr = start;

	while (addr < end) {
		vma = find_vma(mm, addr);
		if (!vma || vma->vm_start > addr)
			return -EFAULT;
		if (!well_umem_vma_ok(vma))
			return -EOPNOTSUPP;
		addr = vma->vm_end;
	}
	return 0;
}

/**
 * well_umem_pin() - pin, charge and vmap() the caller's memory.
 * @um: zeroed; filled on success, left zeroed on failure.
 * @uaddr: page-aligned user address.
 * @bytes: length, a non-zero whole number of pages.
 *
 * Context: process context of the creator (an ioctl); sleeps.
 *
 * Return: 0; -EINVAL unaligned; -EFAULT for an address range not all
 * mapped, or memory that cannot be pinned for writing (read-only,
 * PROT_NONE, VM_IO/VM_PFNMAP); -EOPNOTSUPP for memory of another kind
 * (a file other than shmem and hugetlbfs, a driver's mapping); -ENOMEM
 * above RLIMIT_MEMLOCK or without memory; -EINTR on a fatal signal.
 * Nothing is left pinned or charged on failure.
 */
int well_umem_pin(struct well_umem *um, u64 uaddr, size_t bytes)
{
	unsigned long start = uaddr, n = bytes >> PAGE_SHIFT;
	struct mm_struct *mm = current->mm;
	long got = 0;
	int err;

	if (start != uaddr || !PAGE_ALIGNED(start) || !PAGE_ALIGNED(bytes) ||
	    !n)
		return -EINVAL;
	if (!mm || !access_ok(u64_to_user_ptr(uaddr), bytes))
		return -EFAULT;
	err = well_umem_charge(um, n);
	if (err)
		return err;
	um->pages = kvmalloc_array(n, sizeof(*um->pages), GFP_KERNEL_ACCOUNT);
	if (!um->pages) {
		err = -ENOMEM;
		goto uncharge;
	}
	if (mmap_read_lock_killable(mm)) {
		err = -EINTR;
		goto free;
	}
	err = well_umem_check(mm, start, start + bytes);
	if (!err)
		got = well_pin_user_pages(start, n, FOLL_WRITE | FOLL_LONGTERM,
					  um->pages);
	mmap_read_unlock(mm);
	if (!err && got != n) {
		if (got > 0)
			unpin_user_pages(um->pages, got);
		err = got < 0 ? got : -EFAULT;
	}
	if (err)
		goto free;
	um->vaddr = vmap(um->pages, n, VM_MAP, PAGE_KERNEL);
	if (!um->vaddr) {
		unpin_user_pages(um->pages, n);
		err = -ENOMEM;
		goto free;
	}
	um->uaddr = uaddr;
	return 0;
free:
	kvfree(um->pages);
	um->pages = NULL;
uncharge:
	well_umem_uncharge(um);
	return err;
}

/**
 * well_umem_unpin() - undo well_umem_pin(): vunmap, unpin, uncharge.
 * @um: pinned, or zeroed (nothing to do). Zeroed afterwards.
 *
 * The pages are marked dirty (the producers wrote them) and unpinned;
 * those the user unmapped meanwhile are freed here.
 *
 * Context: process context; sleeps. Any process: the charge goes back to
 * the user and address space that were charged.
 */
void well_umem_unpin(struct well_umem *um)
{
	if (!um->vaddr)
		return;
	vunmap(um->vaddr);
	unpin_user_pages_dirty_lock(um->pages, um->nr_pages, true);
	kvfree(um->pages);
	well_umem_uncharge(um);
	um->pages = NULL;
	um->vaddr = NULL;
	um->uaddr = 0;
}
