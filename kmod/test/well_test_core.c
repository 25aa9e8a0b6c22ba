// SPDX-License-Identifier: GPL-2.0
/*
 * core/well.c compiled once more for well_test.ko: an object may belong to
 * only one module, and well.ko already links core/well.o.
 */
#include "../../core/well.c"
