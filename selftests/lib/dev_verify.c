// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dev_verify.c - verify the blocks the module's load generator writes
 * (struct well_blk_hdr and its checksum, <linux/well.h>): test scaffolding
 * shared by the VM tests and well-consume, not part of libwell.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dev_verify.h"

/**
 * well_dev_check_block() - verify a block written by a kernel producer.
 * @dev: the ring.
 * @blk: the block, reserved by well_dev_consume().
 * @producer: where to store the producer id.
 * @seq: where to store the sequence number.
 *
 * Return: 0 when the length fits and the checksum matches, -EBADMSG if not.
 */
int well_dev_check_block(const struct well_dev *dev, const void *blk,
			 uint32_t *producer, uint64_t *seq)
{
	const unsigned char *data = (const unsigned char *)blk +
				    sizeof(struct well_blk_hdr);
	struct well_blk_hdr hdr;
	uint32_t c, i;

	memcpy(&hdr, blk, sizeof(hdr));
	*producer = hdr.producer;
	*seq = hdr.seq;
	if (hdr.len > well_blk_size(&dev->geo) - sizeof(hdr))
		return -EBADMSG;
	c = well_csum_start(hdr.producer, hdr.seq, hdr.len);
	for (i = 0; i < hdr.len; i++)
		c = well_csum_step(c, data[i]);
	return c == hdr.csum ? 0 : -EBADMSG;
}

/**
 * well_dev_tally() - verify a block and count it in a tally.
 * @dev: the ring.
 * @t: the tally; zeroed with @t->producers set before the first block.
 * @blk: the block.
 *
 * Each producer's blocks must arrive in sequence from 0, without gaps.
 *
 * Return: 0, or -EBADMSG when the block was counted as an error.
 */
int well_dev_tally(const struct well_dev *dev, struct well_dev_tally *t,
		   const void *blk)
{
	uint32_t producer;
	uint64_t seq;

	t->blocks++;
	if (well_dev_check_block(dev, blk, &producer, &seq)) {
		t->bad_csum++;
		return -EBADMSG;
	}
	if (producer >= t->producers || producer >= WELL_PRODUCERS_MAX) {
		t->bad_seq++;
		return -EBADMSG;
	}
	if (seq != t->next[producer]) {
		t->bad_seq++;
		t->next[producer] = seq + 1;
		return -EBADMSG;
	}
	t->next[producer]++;
	return 0;
}

/* well_dev_drain() of a WELL_CREATE_READ ring: read() batches of blocks. */
static int well_dev_drain_read(struct well_dev *dev, struct well_dev_tally *t,
			       uint64_t total, int idle_ms)
{
	size_t bs = well_blk_size(&dev->geo), i;
	unsigned char buf[64 * 1024];
	size_t max = sizeof(buf) / bs ? sizeof(buf) / bs : 1;
	unsigned char *p = bs <= sizeof(buf) ? buf : NULL;
	ssize_t got;
	int err = 0;

	if (dev->read_blocks && dev->read_blocks < max)
		max = dev->read_blocks;
	if (!p)
		p = malloc(bs);
	if (!p)
		return -ENOMEM;
	while (t->blocks < total) {
		if (total - t->blocks < max)
			max = total - t->blocks;
		got = read(dev->fd, p, max * bs);
		if (got < 0 && errno == EAGAIN) {
			err = well_dev_wait(dev, idle_ms);
			if (err <= 0) {
				err = err ? err : -ETIMEDOUT;
				break;
			}
			err = 0;
			continue;
		}
		if (got < 0) {
			err = -errno;
			break;
		}
		for (i = 0; i < (size_t)got / bs; i++)
			well_dev_tally(dev, t, p + i * bs);
	}
	if (p != buf)
		free(p);
	return err;
}

/**
 * well_dev_drain() - consume and verify until a number of blocks arrived.
 * @dev: a mapped ring.
 * @t: the tally to count into.
 * @total: stop once @t->blocks reaches it.
 * @idle_ms: give up after this long without a block (-1: never).
 *
 * Maps or reads, as the ring was created; a read ring's descriptor must
 * be non-blocking for @idle_ms to apply (well_dev_open() leaves it
 * blocking: reads then wait in the kernel).
 *
 * Return: 0, -ETIMEDOUT when idle too long, -EIO when the ring is broken,
 * or another -errno.
 */
int well_dev_drain(struct well_dev *dev, struct well_dev_tally *t,
		   uint64_t total, int idle_ms)
{
	size_t pos, n, i;
	int err;

	if (dev->desc.flags & WELL_CREATE_READ)
		return well_dev_drain_read(dev, t, total, idle_ms);

	while (t->blocks < total) {
		n = well_dev_consume(dev, &pos, total - t->blocks);
		if (!n) {
			err = well_dev_wait(dev, idle_ms);
			if (err < 0)
				return err;
			if (!err)
				return -ETIMEDOUT;
			continue;
		}
		for (i = 0; i < n; i++)
			well_dev_tally(dev, t, well_dev_block(dev, pos, i));
		while ((err = well_dev_release(dev, pos, n)) == -EAGAIN)
			sched_yield();
		if (err)
			return err;
	}
	return 0;
}

/**
 * well_dev_tally_file() - verify a file of whole blocks (well-record's).
 * @fd: the file, read from offset 0 to its end.
 * @blk_size: bytes per block, a power of two of at least WELL_BLK_MIN.
 * @t: the tally to count into, as for well_dev_tally().
 * @first_bad: set to the index in the file of the first block counted as
 *             an error; untouched when there is none.
 *
 * Every block goes through well_dev_tally() in file order: each
 * producer's sequence must be complete from 0 and in order, every
 * checksum right. The caller compares @t->blocks and @t->next with what
 * was produced.
 *
 * Return: 0 when the file was read to its end; -EMSGSIZE when it ends in
 * a partial block (the whole blocks before it are counted); -EINVAL,
 * -ENOMEM, or the -errno of pread().
 */
int well_dev_tally_file(int fd, uint32_t blk_size, struct well_dev_tally *t,
			uint64_t *first_bad)
{
	size_t chunk = blk_size > (1u << 20) ? blk_size : 1u << 20;
	uint64_t index = 0;
	struct well_dev dev;
	size_t have = 0, i;
	unsigned char *buf;
	off_t off = 0;
	ssize_t got;
	int err = 0, found = 0;

	if (blk_size < WELL_BLK_MIN || (blk_size & (blk_size - 1)))
		return -EINVAL;
	memset(&dev, 0, sizeof(dev));
	dev.fd = -1;
	if (well_params(blk_size, 1, &dev.geo))
		return -EINVAL;
	buf = malloc(chunk);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		got = pread(fd, buf + have, chunk - have, off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = -errno;
			break;
		}
		off += got;
		have += (size_t)got;
		for (i = 0; i + blk_size <= have; i += blk_size, index++)
			if (well_dev_tally(&dev, t, buf + i) && !found++ &&
			    first_bad)
				*first_bad = index;
		memmove(buf, buf + i, have - i);
		have -= i;
		if (!got) {
			err = have ? -EMSGSIZE : 0;
			break;
		}
	}
	free(buf);
	return err;
}
