// SPDX-License-Identifier: GPL-2.0
/*
 * well_mod.c - /dev/well: a misc device whose open files own rings.
 *
 * open() gives a file an empty ring; WELL_IOC_CREATE allocates it; mmap()
 * maps its three regions (or, with WELL_CREATE_READ, read() copies blocks
 * out); WELL_IOC_START/STOP run kernel producers; poll()
 * reports EPOLLIN (blocks to consume), EPOLLOUT (room for producers) and
 * EPOLLERR (broken). A ring is shared by fork() or by passing the fd.
 *
 * Lifetime: each mapping holds a reference to the file (vma->vm_file), so
 * release() - which stops the producers and frees the pages - runs after
 * the last munmap() and the last close(). The file holds the module
 * (fops.owner), so the module cannot be unloaded while a ring is open or
 * mapped.
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "well_ring.h"
#include "well_prod.h"
#include "well_kcompat.h"
#include "well_obj.h"

/* Offsets of the mmap regions, in pages. */
#define WELL_PGOFF_PAGE		0
#define WELL_PGOFF_CTRL		1
#define WELL_PGOFF_DATA		2

static const struct file_operations well_fops;

static int well_open(struct inode *inode, struct file *file)
{
	struct well_ring *ring = well_ring_alloc();

	if (!ring)
		return -ENOMEM;
	file->private_data = ring;
	return stream_open(inode, file);
}

static int well_release(struct inode *inode, struct file *file)
{
	well_ring_free(file->private_data);
	return 0;
}

/*
 * Copy a growable ioctl structure in. @usize is the caller's size field,
 * at least @minsize; larger structures must end in zeroes.
 */
static int well_copy_in(void *karg, size_t ksize, size_t minsize,
			void __user *uarg)
{
	u32 usize;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < minsize || usize > PAGE_SIZE)
		return -EINVAL;
	return copy_struct_from_user(karg, ksize, uarg, usize);
}

/* Copy a reply out: at most the caller's size, which was checked. */
static int well_copy_out(void __user *uarg, void *karg, size_t ksize)
{
	u32 usize = *(u32 *)karg;

	if (copy_to_user(uarg, karg, min_t(size_t, usize, ksize)))
		return -EFAULT;
	return 0;
}

static void well_fill_desc(struct well_ring *ring, struct well_ring_desc *d)
{
	d->flags = ring->read_mode ? WELL_CREATE_READ : 0;
	d->blk_size = well_blk_size(&ring->kw);
	d->blk_count = well_blk_count(&ring->kw);
	d->page_off = WELL_PGOFF_PAGE << PAGE_SHIFT;
	d->page_size = PAGE_SIZE;
	d->ctrl_off = WELL_PGOFF_CTRL << PAGE_SHIFT;
	d->ctrl_size = PAGE_SIZE;
	d->data_off = (u64)WELL_PGOFF_DATA << PAGE_SHIFT;
	d->data_size = ring->data_size;
}

static long well_ioc_create(struct well_ring *ring, void __user *uarg)
{
	struct well_ring_desc d;
	int err;

	err = well_copy_in(&d, sizeof(d), WELL_RING_DESC_SIZE_VER0, uarg);
	if (err)
		return err;
	mutex_lock(&ring->lock);
	err = well_ring_create(ring, d.blk_size, d.blk_count, d.flags);
	mutex_unlock(&ring->lock);
	if (err)
		return err;
	well_fill_desc(ring, &d);
	return well_copy_out(uarg, &d, sizeof(d));
}

static long well_ioc_info(struct well_ring *ring, void __user *uarg)
{
	struct well_ring_desc d;
	int err;

	err = well_copy_in(&d, sizeof(d), WELL_RING_DESC_SIZE_VER0, uarg);
	if (err)
		return err;
	if (d.flags)
		return -EINVAL;
	well_fill_desc(ring, &d);
	return well_copy_out(uarg, &d, sizeof(d));
}

static long well_ioc_start(struct well_ring *ring, void __user *uarg)
{
	struct well_start req;
	int err;

	err = well_copy_in(&req, sizeof(req), WELL_START_SIZE_VER0, uarg);
	if (err)
		return err;
	mutex_lock(&ring->lock);
	err = well_prods_start(ring, &req);
	mutex_unlock(&ring->lock);
	return err;
}

static long well_ioc_stats(struct well_ring *ring, void __user *uarg)
{
	struct well_stats st;
	size_t published, accepted;
	int err;

	err = well_copy_in(&st, sizeof(st), WELL_STATS_SIZE_VER0, uarg);
	if (err)
		return err;
	st = (struct well_stats){ .size = st.size };
	well_ring_counts(ring, &published, &accepted);
	st.published = published;
	st.accepted = accepted;
	st.waits = atomic64_read(&ring->waits);
	st.wakes = atomic64_read(&ring->wakes);
	if (well_ring_is_broken(ring))
		st.flags |= WELL_STATS_BROKEN;
	mutex_lock(&ring->lock);
	well_prods_stats(ring, &st);
	mutex_unlock(&ring->lock);
	return well_copy_out(uarg, &st, sizeof(st));
}

/* The command without its size bits: structures may grow. */
#define WELL_IOC_BASE(cmd)	((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

static long well_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct well_ring *ring = file->private_data;
	void __user *uarg = (void __user *)arg;
	unsigned int base = WELL_IOC_BASE(cmd);

	if (_IOC_TYPE(cmd) != WELL_IOC_MAGIC)
		return -ENOTTY;
	if (base == WELL_IOC_BASE(WELL_IOC_CREATE))
		return well_ioc_create(ring, uarg);
	if (base != WELL_IOC_BASE(WELL_IOC_INFO) &&
	    base != WELL_IOC_BASE(WELL_IOC_START) && cmd != WELL_IOC_STOP &&
	    cmd != WELL_IOC_WAKE && base != WELL_IOC_BASE(WELL_IOC_STATS))
		return -ENOTTY;
	if (!well_ring_ready(ring))
		return -ENXIO;
	if (base == WELL_IOC_BASE(WELL_IOC_STATS))
		return well_ioc_stats(ring, uarg);
	if (cmd == WELL_IOC_STOP) {
		mutex_lock(&ring->lock);
		well_prods_stop(ring);
		mutex_unlock(&ring->lock);
		return well_ring_is_broken(ring) ? -EIO : 0;
	}
	if (well_ring_is_broken(ring))
		return -EIO;
	if (base == WELL_IOC_BASE(WELL_IOC_INFO))
		return well_ioc_info(ring, uarg);
	if (base == WELL_IOC_BASE(WELL_IOC_START))
		return well_ioc_start(ring, uarg);
	well_ring_wake(ring);
	return 0;
}

static ssize_t well_read(struct file *file, char __user *buf, size_t count,
			 loff_t *ppos)
{
	struct well_ring *ring = file->private_data;

	if (!well_ring_ready(ring))
		return -ENXIO;
	if (!ring->read_mode)
		return -EINVAL;
	return well_ring_read(ring, buf, count, file->f_flags & O_NONBLOCK);
}

static __poll_t well_poll(struct file *file, poll_table *wait)
{
	struct well_ring *ring = file->private_data;
	__poll_t mask = 0;

	if (!well_ring_ready(ring))
		return EPOLLERR;
	/* K6: queue before looking; pairs with publish's wq_has_sleeper(). */
	poll_wait(file, &ring->poll_wq, wait);
	if (well_ring_readable(ring))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (well_ring_writable(ring))
		mask |= EPOLLOUT | EPOLLWRNORM;
	if (well_ring_is_broken(ring))
		mask = EPOLLERR;
	return mask;
}

/*
 * Map one region whole: the read-only page, the shared counters or the
 * data. Shared mappings only, never executable, never growing.
 */
static int well_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct well_ring *ring = file->private_data;
	unsigned long size = vma->vm_end - vma->vm_start;
	unsigned long addr, i;
	vm_flags_t clear = VM_MAYEXEC;
	void *base;
	size_t len;
	int err;

	if (!well_ring_ready(ring))
		return -ENXIO;
	if (ring->read_mode)
		return -EACCES;
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	switch (vma->vm_pgoff) {
	case WELL_PGOFF_PAGE:
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		clear |= VM_MAYWRITE;
		base = ring->page;
		len = PAGE_SIZE;
		break;
	case WELL_PGOFF_CTRL:
		base = ring->shared;
		len = PAGE_SIZE;
		break;
	case WELL_PGOFF_DATA:
		base = ring->kw.mem;
		len = ring->data_size;
		break;
	default:
		return -EINVAL;
	}
	if (size != len)
		return -EINVAL;
	well_vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP, clear);
	for (i = 0, addr = vma->vm_start; i < len; i += PAGE_SIZE,
	     addr += PAGE_SIZE) {
		err = vm_insert_page(vma, addr, vmalloc_to_page(base + i));
		if (err)
			return err;
	}
	return 0;
}

static const struct file_operations well_fops = {
	.owner		= THIS_MODULE,
	.open		= well_open,
	.release	= well_release,
	.read		= well_read,
	.unlocked_ioctl	= well_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= well_mmap,
	.poll		= well_poll,
};

/**
 * well_ring_get() - the ring of an open /dev/well file, to produce into.
 * @file: a file of /dev/well; the caller holds a reference to it (e.g.
 *        from fget()) until well_ring_put().
 *
 * The ring may be shared with the module's own producers; a lone kernel
 * producer started before this call makes it fail with -EBUSY.
 *
 * Return: the ring, or ERR_PTR(-EBADF) when @file is not /dev/well,
 * -ENXIO before WELL_IOC_CREATE, -EIO when broken, -EBUSY.
 */
struct well_ring *well_ring_get(struct file *file)
{
	struct well_ring *ring;
	int err = 0;

	if (file->f_op != &well_fops)
		return ERR_PTR(-EBADF);
	ring = file->private_data;
	if (!well_ring_ready(ring))
		return ERR_PTR(-ENXIO);
	mutex_lock(&ring->lock);
	if (ring->single)
		err = -EBUSY;
	else if (well_ring_is_broken(ring))
		err = -EIO;
	else
		ring->ext_refs++;
	mutex_unlock(&ring->lock);
	return err ? ERR_PTR(err) : ring;
}
EXPORT_SYMBOL_GPL(well_ring_get);

/**
 * well_ring_put() - end the use of a ring from well_ring_get().
 * @ring: the ring; release every reservation first.
 */
void well_ring_put(struct well_ring *ring)
{
	mutex_lock(&ring->lock);
	ring->ext_refs--;
	mutex_unlock(&ring->lock);
}
EXPORT_SYMBOL_GPL(well_ring_put);

static struct miscdevice well_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "well",
	.fops	= &well_fops,
	.mode	= 0600,
};

static int __init well_init_module(void)
{
	int err;

	err = well_obj_init(WELL_OBJ_RING, sizeof(struct well_ring));
	if (!err)
		err = well_prods_init();
	if (!err)
		err = misc_register(&well_misc);
	if (err)
		well_obj_exit();
	return err;
}

/* No file is open (each holds the module): every object is freed. */
static void __exit well_exit_module(void)
{
	misc_deregister(&well_misc);
	well_obj_exit();
}

module_init(well_init_module);
module_exit(well_exit_module);
MODULE_DESCRIPTION("well: lock-free block rings shared with user space");
MODULE_LICENSE("GPL");
