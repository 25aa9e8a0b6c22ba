/* SPDX-License-Identifier: GPL-2.0 */
/*
 * well_kapi.h - produce into a /dev/well ring from another kernel module.
 *
 * The one header of well.ko meant for other modules: they include this and
 * nothing else of kmod/. A ring is opaque; these functions, exported with
 * EXPORT_SYMBOL_GPL, are implemented in kmod/well_ring.c, at the ring's
 * trust boundary. Documentation/well/probe.rst describes a real user,
 * kmod/probe/well_probe.c.
 *
 * Contexts (each function's kernel-doc says the same):
 *   well_ring_get(), well_ring_put()          process context (a mutex)
 *   well_ring_reserve(), well_ring_reserve_exact(),
 *   well_ring_release()                       process, softirq, hardirq,
 *                                             NMI: no lock, bounded loops
 *   well_ring_blk_size(), well_ring_blk_count(),
 *   well_ring_block(), well_ring_is_broken()  any context
 *
 * A well_ring_release() that returns true is a full memory barrier after
 * the release; the consumer's wakeup, when one is due, is left to an
 * irq_work wherever interrupts are off.
 */
#ifndef WELL_KAPI_H
#define WELL_KAPI_H

#include <linux/types.h>

struct file;
struct well_ring;

struct well_ring *well_ring_get(struct file *file);
void well_ring_put(struct well_ring *ring);
size_t well_ring_blk_size(const struct well_ring *ring);
size_t well_ring_blk_count(const struct well_ring *ring);
size_t well_ring_reserve(struct well_ring *ring, size_t *pos, size_t max);
size_t well_ring_reserve_exact(struct well_ring *ring, size_t *pos, size_t n);
void *well_ring_block(const struct well_ring *ring, size_t pos, size_t i);
bool well_ring_release(struct well_ring *ring, size_t pos, size_t count);
bool well_ring_is_broken(const struct well_ring *ring);

#endif /* WELL_KAPI_H */
