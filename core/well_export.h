/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * well_export.h - well.h as seen by the code that exports its inline hot
 * path out of line: core/well.c, which defines the copies (libwell.so,
 * well.ko), and kmod/core_export.c, which exports them to other modules.
 * Include it instead of well.h. It includes well.h with the five hot-path
 * functions renamed *_inline, then declares the real names as ordinary
 * functions; everywhere else those names are well.h's static inline ones.
 */
#ifndef WELL_EXPORT_H
#define WELL_EXPORT_H

#ifdef WELL_H
#error "include well_export.h instead of well.h, not after it"
#endif

#define well_reserve		well_reserve_inline
#define well_reserve_single	well_reserve_single_inline
#define well_peek		well_peek_inline
#define well_release_single	well_release_single_inline
#define well_release_multi	well_release_multi_inline
#include "well.h"
#undef well_reserve
#undef well_reserve_single
#undef well_peek
#undef well_release_single
#undef well_release_multi

size_t well_reserve(struct well_side *from, size_t *pos, size_t max);
size_t well_reserve_single(struct well_side *from, size_t *pos, size_t max);
size_t well_peek(const struct well_side *from);
void well_release_single(struct well_side *to, size_t count);
size_t well_release_multi(struct well_side *to, size_t count, size_t pos);

#endif /* WELL_EXPORT_H */
