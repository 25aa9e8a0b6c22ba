/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * well/dev.h - client of /dev/well: consume blocks kernel producers write.
 *
 * The consumer works directly on the mmap'ed shared counters with the core
 * functions: well_dev_consume() reserves from the shared rx side,
 * well_dev_release() releases into the shared tx side. Block addresses
 * come from a private copy of the geometry, so nothing the kernel or
 * another process writes into the shared page can move them.
 *
 * Typical loop:
 *
 *	struct well_dev dev;
 *	size_t pos, n, i;
 *
 *	well_dev_open(&dev, NULL);
 *	well_dev_create(&dev, 64, 1024);
 *	well_dev_start(&dev, 2, 0, 1000000);
 *	for (;;) {
 *		n = well_dev_consume(&dev, &pos, 64);
 *		if (!n) {
 *			well_dev_wait(&dev, -1);
 *			continue;
 *		}
 *		for (i = 0; i < n; i++)
 *			use(well_dev_block(&dev, pos, i));
 *		while (well_dev_release(&dev, pos, n) == -EAGAIN)
 *			sched_yield();
 *	}
 */
#ifndef WELL_DEV_H
#define WELL_DEV_H

#include <stddef.h>
#include <stdint.h>
#include "../linux/well.h"
#include "../well.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct well_dev_desc - the regions of a ring, as struct well_dev keeps
 * them: the first WELL_RING_DESC_SIZE_VER0 bytes of struct
 * well_ring_desc, field for field (see there).
 * @size: WELL_RING_DESC_SIZE_VER0.
 * @flags: WELL_CREATE_* bits of the ring.
 * @blk_size: bytes per block.
 * @blk_count: blocks.
 * @page_off: mmap offset of the read-only page.
 * @page_size: its length.
 * @ctrl_off: mmap offset of the shared counters.
 * @ctrl_size: its length.
 * @data_off: mmap offset of the blocks (not mapped with WELL_CREATE_USER).
 * @data_size: their length (with WELL_CREATE_USER: the bytes pinned).
 *
 * struct well_ring_desc grew data_addr after well 0.1.0; struct well_dev
 * embeds this 64-byte layout so that its size and the offsets of its
 * fields stay those of 0.1.0, which callers compiled against 0.1.0
 * allocate (Documentation/stability.rst). The data address of a
 * WELL_CREATE_USER ring is @geo.mem of struct well_dev.
 */
struct well_dev_desc {
	uint32_t size;
	uint32_t flags;
	uint32_t blk_size;
	uint32_t blk_count;
	uint64_t page_off;
	uint64_t page_size;
	uint64_t ctrl_off;
	uint64_t ctrl_size;
	uint64_t data_off;
	uint64_t data_size;
};

WELL_STATIC_ASSERT(sizeof(struct well_dev_desc) == WELL_RING_DESC_SIZE_VER0 &&
		   offsetof(struct well_dev_desc, data_size) ==
		   offsetof(struct well_ring_desc, data_size) &&
		   offsetof(struct well_ring_desc, data_addr) ==
		   WELL_RING_DESC_SIZE_VER0,
		   "well_dev_desc: struct well_ring_desc up to data_size");

/**
 * struct well_dev - an open /dev/well ring, mapped.
 * @fd: the file descriptor.
 * @geo: private geometry; @geo.mem is the data mapping, or the caller's
 *       memory of a ring from well_dev_create_mem().
 * @ring: the shared counters (read-write mapping).
 * @page: the kernel's read-only page: geometry and flags.
 * @desc: the regions, as the kernel reported them.
 * @read_blocks: most blocks per read() in well_dev_drain() on a
 *               WELL_CREATE_READ ring; 0 = as many as fit in 64 KiB.
 */
struct well_dev {
	int fd;
	struct well geo;
	struct well *ring;
	const struct well_page *page;
	struct well_dev_desc desc;
	uint32_t read_blocks;
};

/*
 * The same layout in C and C++: checked by both. The size and offsets are
 * those of well 0.1.0 (the ABI: callers allocate the structure).
 */
WELL_STATIC_ASSERT(offsetof(struct well_dev, geo) == WELL_LINE &&
		   offsetof(struct well_dev, ring) ==
		   WELL_LINE + sizeof(struct well) &&
		   offsetof(struct well_dev, desc) ==
		   WELL_LINE + sizeof(struct well) + 2 * sizeof(void *) &&
		   offsetof(struct well_dev, read_blocks) ==
		   offsetof(struct well_dev, desc) +
		   WELL_RING_DESC_SIZE_VER0 &&
		   sizeof(struct well_dev) ==
		   2 * WELL_LINE + sizeof(struct well),
		   "well_dev: the geometry on lines of its own, 0.1.0's layout");

int well_dev_open(struct well_dev *dev, const char *path);
int well_dev_attach(struct well_dev *dev, int fd);
int well_dev_create(struct well_dev *dev, uint32_t blk_size,
		    uint32_t blk_count);
int well_dev_create_flags(struct well_dev *dev, uint32_t blk_size,
			  uint32_t blk_count, uint32_t flags);
int well_dev_create_mem(struct well_dev *dev, uint32_t blk_size,
			uint32_t blk_count, void *mem, size_t len);
int well_dev_start(struct well_dev *dev, uint32_t producers, uint32_t flags,
		   uint64_t blocks);
int well_dev_start_req(struct well_dev *dev, const struct well_start *req);
int well_dev_stop(struct well_dev *dev);
int well_dev_stats(struct well_dev *dev, struct well_stats *st);
int well_dev_wait(struct well_dev *dev, int timeout_ms);
size_t well_dev_consume(struct well_dev *dev, size_t *pos, size_t max);
int well_dev_release(struct well_dev *dev, size_t pos, size_t count);
void well_dev_close(struct well_dev *dev);

/**
 * well_dev_block() - address of block @i of a reservation.
 * @dev: the ring.
 * @pos: the position token well_dev_consume() returned.
 * @i: index within the reservation.
 *
 * Return: pointer to the block, in the data mapping (in the caller's
 * memory for a ring from well_dev_create_mem()).
 */
static inline void *well_dev_block(const struct well_dev *dev, size_t pos,
				   size_t i)
{
	return well_access(pos, i, &dev->geo);
}

#ifdef __cplusplus
}
#endif

#endif /* WELL_DEV_H */
