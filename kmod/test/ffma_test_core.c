// SPDX-License-Identifier: GPL-2.0
/*
 * core/ffma and its kernel environment compiled once more for ffma_test.ko:
 * an object may belong to only one module.
 */
#include "../../core/well.c"
#include "../../core/ffma.c"
#include "../../core/ffma_cache.c"
#include "../../core/ffma_mem.c"
#include "../ffma_port.c"
#include "../ffma_pcpu.c"
#include "../ffma_classes.c"
