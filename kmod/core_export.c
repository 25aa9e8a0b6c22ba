// SPDX-License-Identifier: GPL-2.0
/*
 * core_export.c - the core functions well.ko offers other modules.
 *
 * The in-kernel tests (selftests/kmod/: well_test.ko, ffma_test.ko) call
 * the core and the kernel's ffma host through these, so they exercise the
 * very objects well.ko ships, and load only after well.ko. The ring's own
 * API for kernel consumers is exported where it is defined (kmod/).
 */
#include <linux/export.h>
/* well.h, with well_reserve() & co. the out-of-line copies of core/well.c */
#include "well_export.h"
#include "ffma.h"
#include "ffma_classes.h"
#include "ffma_pcpu.h"
#include "ffma_port.h"

/* core/well.c */
EXPORT_SYMBOL_GPL(well_params);
EXPORT_SYMBOL_GPL(well_init);
EXPORT_SYMBOL_GPL(well_set_single);
EXPORT_SYMBOL_GPL(well_deinit);
EXPORT_SYMBOL_GPL(well_size);
EXPORT_SYMBOL_GPL(well_blk_size);
EXPORT_SYMBOL_GPL(well_blk_count);
EXPORT_SYMBOL_GPL(well_reserve);
EXPORT_SYMBOL_GPL(well_reserve_single);
EXPORT_SYMBOL_GPL(well_reserve_exact);
EXPORT_SYMBOL_GPL(well_peek);
EXPORT_SYMBOL_GPL(well_release_single);
EXPORT_SYMBOL_GPL(well_release_multi);

/* core/ffma.c, core/ffma_cache.c, core/ffma_mem.c */
EXPORT_SYMBOL_GPL(ffma_object_size);
EXPORT_SYMBOL_GPL(ffma_objects_per_slice);
EXPORT_SYMBOL_GPL(ffma_data_offset);
EXPORT_SYMBOL_GPL(ffma_objects_inuse);
EXPORT_SYMBOL_GPL(ffma_slices_inuse);
EXPORT_SYMBOL_GPL(ffma_usable_size);
EXPORT_SYMBOL_GPL(ffma_cached_slices);
EXPORT_SYMBOL_GPL(ffma_mem_alloc_zero);
EXPORT_SYMBOL_GPL(ffma_mem_realloc);

/* The kernel's host of ffma: per-CPU allocators, size classes, pages. */
EXPORT_SYMBOL_GPL(ffma_pcpu_create);
EXPORT_SYMBOL_GPL(ffma_pcpu_destroy);
EXPORT_SYMBOL_GPL(ffma_pcpu_alloc);
EXPORT_SYMBOL_GPL(ffma_pcpu_free);
EXPORT_SYMBOL_GPL(ffma_pcpu_collect);
EXPORT_SYMBOL_GPL(ffma_pcpu_of);
EXPORT_SYMBOL_GPL(ffma_mem_init);
EXPORT_SYMBOL_GPL(ffma_mem_exit);
EXPORT_SYMBOL_GPL(ffma_mem_alloc);
EXPORT_SYMBOL_GPL(ffma_mem_free);
EXPORT_SYMBOL_GPL(ffma_pages_drain);
EXPORT_SYMBOL_GPL(ffma_pages_shrink);
