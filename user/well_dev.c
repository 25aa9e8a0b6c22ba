// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well_dev.c - client of /dev/well (see well_dev.h).
 *
 * Orderings on top of the core's (Documentation/well/kmod.rst, K1-K7):
 * the consumer reserves from the shared rx side (A1 pairs with the
 * kernel's K4 publish) and releases into the shared tx side (R1 pairs
 * with the kernel's K1 pull). After a release, a full fence separates the
 * store of tx.tail from the load of need_wakeup: it pairs with the
 * kernel's smp_mb() between raising need_wakeup and pulling tx.tail (K5).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <well/dev.h>

static void well_dev_reset(struct well_dev *dev, int fd)
{
	memset(dev, 0, sizeof(*dev));
	dev->fd = fd;
}

/**
 * well_dev_open() - open /dev/well; no ring yet.
 * @dev: the handle to fill.
 * @path: the device node; NULL for /dev/well.
 *
 * Return: 0 or -errno.
 */
int well_dev_open(struct well_dev *dev, const char *path)
{
	int fd = open(path ? path : "/dev/well", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	well_dev_reset(dev, fd);
	return 0;
}

static void *well_dev_mmap(int fd, uint64_t off, uint64_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)off);

	return p == MAP_FAILED ? NULL : p;
}

/* The caller's memory of a WELL_CREATE_USER ring is never unmapped. */
static void well_dev_unmap(struct well_dev *dev)
{
	if (dev->page)
		munmap((void *)dev->page, dev->desc.page_size);
	if (dev->ring)
		munmap(dev->ring, dev->desc.ctrl_size);
	if (dev->geo.mem && !(dev->desc.flags & WELL_CREATE_USER))
		munmap(dev->geo.mem, dev->desc.data_size);
	dev->page = NULL;
	dev->ring = NULL;
	dev->geo.mem = NULL;
}

/*
 * Map the regions of dev->desc and set up the private geometry: the data
 * at @mem (a WELL_CREATE_USER ring: the caller's memory, not mapped) or
 * the data region mapped.
 */
static int well_dev_map(struct well_dev *dev, void *mem)
{
	void *data = mem;
	int err;

	err = well_params(dev->desc.blk_size, dev->desc.blk_count, &dev->geo);
	if (err)
		return err;
	dev->page = well_dev_mmap(dev->fd, dev->desc.page_off,
				  dev->desc.page_size, PROT_READ);
	dev->ring = well_dev_mmap(dev->fd, dev->desc.ctrl_off,
				  dev->desc.ctrl_size, PROT_READ | PROT_WRITE);
	if (!mem)
		data = well_dev_mmap(dev->fd, dev->desc.data_off,
				     dev->desc.data_size,
				     PROT_READ | PROT_WRITE);
	if (!dev->page || !dev->ring || !data) {
		err = -errno;
		if (data && !mem)
			munmap(data, dev->desc.data_size);
		well_dev_unmap(dev);
		return err;
	}
	if (dev->page->magic != WELL_PAGE_MAGIC ||
	    dev->desc.data_size < well_size(&dev->geo)) {
		if (!mem)
			munmap(data, dev->desc.data_size);
		well_dev_unmap(dev);
		return -EPROTO;
	}
	return well_init(&dev->geo, data);
}

/* Keep the first WELL_RING_DESC_SIZE_VER0 bytes of a reply in dev->desc. */
static void well_dev_keep_desc(struct well_dev *dev,
			       const struct well_ring_desc *d)
{
	memcpy(&dev->desc, d, sizeof(dev->desc));
	dev->desc.size = sizeof(dev->desc);
}

static int well_dev_create_desc(struct well_dev *dev, struct well_ring_desc *d)
{
	d->size = sizeof(*d);
	if (ioctl(dev->fd, WELL_IOC_CREATE, d))
		return -errno;
	well_dev_keep_desc(dev, d);
	if (d->flags & WELL_CREATE_READ)
		return well_params(d->blk_size, d->blk_count, &dev->geo);
	return well_dev_map(dev, (void *)(uintptr_t)d->data_addr);
}

/**
 * well_dev_create_flags() - create the ring of an open device.
 * @dev: a handle from well_dev_open().
 * @blk_size: bytes per block, a power of two >= WELL_BLK_MIN.
 * @blk_count: blocks, a power of two.
 * @flags: WELL_CREATE_* bits. Without WELL_CREATE_READ the ring is mapped;
 *         with it, nothing is mapped and well_dev_read() consumes.
 *         WELL_CREATE_USER needs memory: see well_dev_create_mem().
 *
 * Return: 0 or -errno (see WELL_IOC_CREATE in Documentation/well/kmod.rst);
 * -EINVAL for WELL_CREATE_USER.
 */
int well_dev_create_flags(struct well_dev *dev, uint32_t blk_size,
			  uint32_t blk_count, uint32_t flags)
{
	struct well_ring_desc d = {
		.flags = flags,
		.blk_size = blk_size,
		.blk_count = blk_count,
	};

	if (flags & WELL_CREATE_USER)
		return -EINVAL;
	return well_dev_create_desc(dev, &d);
}

/**
 * well_dev_create_mem() - create the ring of an open device in the
 * caller's memory (WELL_CREATE_USER).
 * @dev: a handle from well_dev_open().
 * @blk_size: bytes per block, a power of two >= WELL_BLK_MIN.
 * @blk_count: blocks, a power of two.
 * @mem: page-aligned memory for the blocks, readable and writable:
 *       anonymous, memfd (shmem) or hugetlbfs. The kernel pins its pages
 *       (counted against RLIMIT_MEMLOCK) and produces into them until the
 *       ring is freed, whatever the caller later does to the mapping.
 * @len: bytes at @mem, at least blk_size * blk_count rounded up to pages.
 *
 * Only the page and the shared counters are mapped; well_dev_block()
 * points into @mem. well_dev_close() leaves @mem mapped: it stays the
 * caller's to unmap, after the close (the pages are pinned until the
 * ring's last mapping and descriptor are gone).
 *
 * Return: 0 or -errno (see WELL_IOC_CREATE in Documentation/well/kmod.rst):
 * -EINVAL for an unaligned @mem or a short @len, -ENOMEM above
 * RLIMIT_MEMLOCK, -EFAULT for memory that cannot be pinned for writing.
 */
int well_dev_create_mem(struct well_dev *dev, uint32_t blk_size,
			uint32_t blk_count, void *mem, size_t len)
{
	struct well_ring_desc d = {
		.flags = WELL_CREATE_USER,
		.blk_size = blk_size,
		.blk_count = blk_count,
		.data_size = len,
		.data_addr = (uintptr_t)mem,
	};

	if (!mem)
		return -EINVAL;
	return well_dev_create_desc(dev, &d);
}

/**
 * well_dev_create() - create the ring of an open device and map it.
 * @dev: a handle from well_dev_open().
 * @blk_size: bytes per block, a power of two >= WELL_BLK_MIN.
 * @blk_count: blocks, a power of two.
 *
 * Return: 0 or -errno (see WELL_IOC_CREATE in Documentation/well/kmod.rst).
 */
int well_dev_create(struct well_dev *dev, uint32_t blk_size,
		    uint32_t blk_count)
{
	return well_dev_create_flags(dev, blk_size, blk_count, 0);
}

/**
 * well_dev_attach() - map the ring of a file descriptor received from
 * another process (fd passing) or opened elsewhere.
 * @dev: the handle to fill.
 * @fd: a /dev/well descriptor whose ring exists; owned by @dev afterwards.
 *
 * Return: 0 or -errno; -EACCES for a ring in its creator's memory
 * (WELL_CREATE_USER): its data is not in this handle's reach.
 */
int well_dev_attach(struct well_dev *dev, int fd)
{
	struct well_ring_desc d = { .size = sizeof(d) };

	well_dev_reset(dev, fd);
	if (ioctl(fd, WELL_IOC_INFO, &d))
		return -errno;
	well_dev_keep_desc(dev, &d);
	if (d.flags & WELL_CREATE_USER)
		return -EACCES;
	return well_dev_map(dev, NULL);
}

/**
 * well_dev_start_req() - start kernel producers with a full request.
 * @dev: a mapped ring.
 * @req: the request; its size field is set here.
 *
 * Return: 0 or -errno.
 */
int well_dev_start_req(struct well_dev *dev, const struct well_start *req)
{
	struct well_start r = *req;

	r.size = sizeof(r);
	return ioctl(dev->fd, WELL_IOC_START, &r) ? -errno : 0;
}

/**
 * well_dev_start() - start kernel producers.
 * @dev: a mapped ring.
 * @producers: how many, WELL_START_TIMER in @flags included.
 * @flags: WELL_START_* bits.
 * @blocks: blocks per producer; 0 = until well_dev_stop().
 *
 * Return: 0 or -errno.
 */
int well_dev_start(struct well_dev *dev, uint32_t producers, uint32_t flags,
		   uint64_t blocks)
{
	struct well_start req = {
		.flags = flags,
		.producers = producers,
		.blocks = blocks,
	};

	return well_dev_start_req(dev, &req);
}

/**
 * well_dev_stop() - stop the kernel producers; blocks written stay.
 * @dev: a mapped ring.
 *
 * Return: 0 or -errno (-EIO: the ring is broken).
 */
int well_dev_stop(struct well_dev *dev)
{
	return ioctl(dev->fd, WELL_IOC_STOP) ? -errno : 0;
}

/**
 * well_dev_stats() - the ring's counters.
 * @dev: a mapped ring.
 * @st: where to store them.
 *
 * Return: 0 or -errno.
 */
int well_dev_stats(struct well_dev *dev, struct well_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(dev->fd, WELL_IOC_STATS, st) ? -errno : 0;
}

/**
 * well_dev_wait() - sleep until blocks can be consumed.
 * @dev: a mapped ring.
 * @timeout_ms: poll() timeout; -1 waits forever.
 *
 * Return: 1 when readable, 0 on timeout, -EIO when the ring is broken,
 * or -errno.
 */
int well_dev_wait(struct well_dev *dev, int timeout_ms)
{
	struct pollfd pfd = { .fd = dev->fd, .events = POLLIN };
	int n = poll(&pfd, 1, timeout_ms);

	if (n < 0)
		return -errno;
	if (pfd.revents & POLLERR)
		return -EIO;
	return n > 0 && (pfd.revents & POLLIN);
}

/**
 * well_dev_consume() - reserve blocks to read.
 * @dev: a mapped ring.
 * @pos: where to store the position token.
 * @max: most blocks wanted.
 *
 * Safe when several threads or processes (after fork) consume. Never
 * waits: see well_dev_wait().
 *
 * Return: blocks reserved; 0 when none are ready.
 */
size_t well_dev_consume(struct well_dev *dev, size_t *pos, size_t max)
{
	return well_reserve(&dev->ring->rx, pos, max);
}

/**
 * well_dev_release() - give consumed blocks back to the producers.
 * @dev: a mapped ring.
 * @pos: the position token of the reservation.
 * @count: its amount.
 *
 * Reservations are given back in the order they were made; with several
 * consumers, retry on -EAGAIN. Makes the WELL_IOC_WAKE syscall only when
 * the kernel raised need_wakeup.
 *
 * Return: 0, -EAGAIN while an earlier reservation is unreleased, or the
 * -errno of WELL_IOC_WAKE.
 */
int well_dev_release(struct well_dev *dev, size_t pos, size_t count)
{
	if (!well_release_multi(&dev->ring->tx, count, pos))
		return -EAGAIN;
	/* K5: pairs with the kernel's smp_mb() after raising need_wakeup. */
	atomic_thread_fence(memory_order_seq_cst);
	if (!__atomic_load_n(&dev->page->need_wakeup, __ATOMIC_RELAXED))
		return 0;
	return ioctl(dev->fd, WELL_IOC_WAKE) ? -errno : 0;
}

/**
 * well_dev_close() - unmap and close.
 * @dev: the handle; unusable afterwards.
 */
void well_dev_close(struct well_dev *dev)
{
	well_dev_unmap(dev);
	if (dev->fd >= 0)
		close(dev->fd);
	well_dev_reset(dev, -1);
}
