// SPDX-License-Identifier: GPL-2.0
/*
 * well_file.c - /dev/well: a misc device whose open files own rings.
 *
 * The top of the module (Documentation/well/kmod.rst, "Files"): the file
 * operations, the misc device, module init and exit. Each open file owns
 * a ring (kmod/well_ring.c, reached through well_ring.h) and, while
 * WELL_IOC_START runs it, a load generator (kmod/well_loadgen.c); release
 * stops the generator, then frees the ring. Nothing calls up into here.
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
#include <linux/mutex.h>
#include <linux/well.h>
#include "well_ring.h"
#include "well_loadgen.h"
#include "well_kcompat.h"
#include "well_obj.h"

/*
 * Each VER0 size is its structure's size: the first version of each was
 * all of it. struct well_ring_desc was documented as 56 bytes
 * (WELL_RING_DESC_SIZE_VER0 said so until it was fixed to 64): callers
 * passing 56 are still served, with a reply cut at 56 bytes (no
 * data_size), as they always were.
 */
#define WELL_RING_DESC_SIZE_MIN	56
static_assert(sizeof(struct well_ring_desc) == WELL_RING_DESC_SIZE_VER1);
static_assert(offsetof(struct well_ring_desc, data_addr) ==
	      WELL_RING_DESC_SIZE_VER0);
static_assert(sizeof(struct well_start) == WELL_START_SIZE_VER0);
static_assert(sizeof(struct well_stats) == WELL_STATS_SIZE_VER0);

/* Offsets of the mmap regions, in pages. */
#define WELL_PGOFF_PAGE		0
#define WELL_PGOFF_CTRL		1
#define WELL_PGOFF_DATA		2

/**
 * struct well_file - what an open file owns besides its ring, kept in the
 * ring's owner area (well_ring_priv()).
 * @lock: serialises WELL_IOC_START, STOP and STATS on @loadgen.
 * @loadgen: the running load generator, or NULL.
 * @past: the timer counters of the generators stopped so far (STATS
 *        reports them with the running one's).
 */
struct well_file {
	struct mutex lock;
	struct well_loadgen *loadgen;
	struct well_stats past;
};

static struct well_file *well_file_of(struct well_ring *ring)
{
	return well_ring_priv(ring);
}

static int well_open(struct inode *inode, struct file *file)
{
	struct well_ring *ring = well_ring_alloc();

	if (!ring)
		return -ENOMEM;
	mutex_init(&well_file_of(ring)->lock);
	file->private_data = ring;
	return stream_open(inode, file);
}

static void well_stop(struct well_ring *ring)
{
	struct well_file *wf = well_file_of(ring);

	mutex_lock(&wf->lock);
	well_loadgen_stop(&wf->loadgen, &wf->past);
	mutex_unlock(&wf->lock);
}

/* The last reference is gone: no mapping, no well_ring_get() user. */
static int well_release(struct inode *inode, struct file *file)
{
	struct well_ring *ring = file->private_data;

	well_stop(ring);
	well_ring_free(ring);
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
	size_t data_size;
	u64 uaddr;

	well_ring_region(ring, WELL_RING_DATA, &data_size);
	d->flags = well_ring_read_mode(ring) ? WELL_CREATE_READ : 0;
	if (well_ring_user_mem(ring, &uaddr))
		d->flags |= WELL_CREATE_USER;
	d->data_addr = uaddr;
	d->blk_size = well_ring_blk_size(ring);
	d->blk_count = well_ring_blk_count(ring);
	d->page_off = WELL_PGOFF_PAGE << PAGE_SHIFT;
	d->page_size = PAGE_SIZE;
	d->ctrl_off = WELL_PGOFF_CTRL << PAGE_SHIFT;
	d->ctrl_size = PAGE_SIZE;
	d->data_off = (u64)WELL_PGOFF_DATA << PAGE_SHIFT;
	d->data_size = data_size;
}

/* The reply of CREATE, copied out before the ring becomes ready. */
struct well_create_reply {
	struct well_ring_desc *d;
	void __user *uarg;
};

static int well_create_reply(struct well_ring *ring, void *arg)
{
	struct well_create_reply *r = arg;

	well_fill_desc(ring, r->d);
	return well_copy_out(r->uarg, r->d, sizeof(*r->d));
}

/*
 * A CREATE whose reply cannot be written (EFAULT) creates nothing: the
 * ring is undone before anyone can use it.
 */
static long well_ioc_create(struct well_ring *ring, void __user *uarg)
{
	struct well_ring_desc d;
	struct well_create_reply r = { .d = &d, .uarg = uarg };
	int err;

	err = well_copy_in(&d, sizeof(d), WELL_RING_DESC_SIZE_MIN, uarg);
	if (err)
		return err;
	/* A shorter structure has no data_addr: the flag needs it. */
	if (d.flags & WELL_CREATE_USER && d.size < WELL_RING_DESC_SIZE_VER1)
		return -EINVAL;
	return well_ring_create(ring, d.blk_size, d.blk_count, d.flags,
				d.data_addr, d.data_size, well_create_reply, &r);
}

static long well_ioc_info(struct well_ring *ring, void __user *uarg)
{
	struct well_ring_desc d;
	int err;

	err = well_copy_in(&d, sizeof(d), WELL_RING_DESC_SIZE_MIN, uarg);
	if (err)
		return err;
	if (d.flags || d.data_addr)
		return -EINVAL;
	well_fill_desc(ring, &d);
	return well_copy_out(uarg, &d, sizeof(d));
}

static long well_ioc_start(struct well_ring *ring, void __user *uarg)
{
	struct well_file *wf = well_file_of(ring);
	struct well_start req;
	int err;

	err = well_copy_in(&req, sizeof(req), WELL_START_SIZE_VER0, uarg);
	if (err)
		return err;
	mutex_lock(&wf->lock);
	err = well_loadgen_start(&wf->loadgen, ring, &req);
	mutex_unlock(&wf->lock);
	return err;
}

static long well_ioc_stats(struct well_ring *ring, void __user *uarg)
{
	struct well_file *wf = well_file_of(ring);
	struct well_stats st;
	int err;

	err = well_copy_in(&st, sizeof(st), WELL_STATS_SIZE_VER0, uarg);
	if (err)
		return err;
	st = (struct well_stats){ .size = st.size };
	well_ring_stats(ring, &st);
	mutex_lock(&wf->lock);
	st.timer_runs = wf->past.timer_runs;
	st.timer_full = wf->past.timer_full;
	well_loadgen_stats(wf->loadgen, &st);
	mutex_unlock(&wf->lock);
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
		well_stop(ring);
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
	if (!well_ring_read_mode(ring))
		return -EINVAL;
	return well_ring_read(ring, buf, count, file->f_flags & O_NONBLOCK);
}

static __poll_t well_poll(struct file *file, poll_table *wait)
{
	struct well_ring *ring = file->private_data;

	if (!well_ring_ready(ring))
		return EPOLLERR;
	return well_ring_poll(ring, file, wait);
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
	u64 uaddr;
	size_t len;
	int err;

	if (!well_ring_ready(ring))
		return -ENXIO;
	if (well_ring_read_mode(ring))
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
		base = well_ring_region(ring, WELL_RING_PAGE, &len);
		break;
	case WELL_PGOFF_CTRL:
		base = well_ring_region(ring, WELL_RING_CTRL, &len);
		break;
	case WELL_PGOFF_DATA:
		/* The caller's own memory: it has it mapped already. */
		if (well_ring_user_mem(ring, &uaddr))
			return -EACCES;
		base = well_ring_region(ring, WELL_RING_DATA, &len);
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

static struct miscdevice well_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "well",
	.fops	= &well_fops,
	.mode	= 0600,
};

static int __init well_init_module(void)
{
	int err;

	err = well_ring_init(&well_fops, sizeof(struct well_file));
	if (!err)
		err = well_loadgen_init();
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
MODULE_VERSION(WELL_KMOD_VERSION);
