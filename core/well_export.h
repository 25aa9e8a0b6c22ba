/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * well_export.h - the out-of-line copies of well.h's inline hot path that
 * core/well.c exports (libwell.so, well.ko). Only core/well.c includes it:
 * everywhere else the names are well.h's static inline functions.
 */
#ifndef WELL_EXPORT_H
#define WELL_EXPORT_H

#include "well.h"

size_t well_reserve(struct well_side *from, size_t *pos, size_t max);
size_t well_reserve_single(struct well_side *from, size_t *pos, size_t max);
size_t well_peek(const struct well_side *from);
void well_release_single(struct well_side *to, size_t count);
size_t well_release_multi(struct well_side *to, size_t count, size_t pos);

#endif /* WELL_EXPORT_H */
