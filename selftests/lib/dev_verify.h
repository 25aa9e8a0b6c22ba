/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * dev_verify.h - checking consumer of the module's load generator: each
 * block's checksum and each producer's sequence (selftests/lib/).
 */
#ifndef WELL_DEV_VERIFY_H
#define WELL_DEV_VERIFY_H

#include <well/dev.h>

/**
 * struct well_dev_tally - what a verifying consumer saw.
 * @producers: producers expected; ids at or above it are errors.
 * @blocks: blocks consumed.
 * @bad_csum: blocks whose length or checksum was wrong.
 * @bad_seq: blocks out of their producer's sequence (or of an unknown
 *           producer).
 * @next: next sequence number expected from each producer.
 */
struct well_dev_tally {
	uint32_t producers;
	uint64_t blocks;
	uint64_t bad_csum;
	uint64_t bad_seq;
	uint64_t next[WELL_PRODUCERS_MAX];
};

int well_dev_check_block(const struct well_dev *dev, const void *blk,
			 uint32_t *producer, uint64_t *seq);
int well_dev_tally(const struct well_dev *dev, struct well_dev_tally *t,
		   const void *blk);
int well_dev_drain(struct well_dev *dev, struct well_dev_tally *t,
		   uint64_t total, int idle_ms);
int well_dev_tally_file(int fd, uint32_t blk_size, struct well_dev_tally *t,
			uint64_t *first_bad);

#endif /* WELL_DEV_VERIFY_H */
