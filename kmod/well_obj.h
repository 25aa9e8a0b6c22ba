/* SPDX-License-Identifier: GPL-2.0 */
/*
 * well_obj.h - the module's fixed-size objects (rings, load generators) from
 * per-CPU ffma allocators, with kzalloc() as the fallback.
 */
#ifndef WELL_OBJ_H
#define WELL_OBJ_H

#include <linux/types.h>

/* The kinds of objects, one allocator each. */
enum well_obj_kind {
	WELL_OBJ_RING,
	WELL_OBJ_LOADGEN,
	WELL_OBJ_KINDS
};

int well_obj_init(enum well_obj_kind kind, size_t size);
void well_obj_exit(void);
void *well_obj_alloc(enum well_obj_kind kind, bool *slab);
void well_obj_free(enum well_obj_kind kind, void *obj, bool slab);

#endif /* WELL_OBJ_H */
