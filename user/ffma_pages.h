/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ffma_pages.h - statistics of user/ffma_pages.c, for tests and benchmarks.
 */
#ifndef FFMA_PAGES_H
#define FFMA_PAGES_H

#include <stddef.h>

void ffma_pages_slices(size_t *hugetlb, size_t *fallback);

#endif /* FFMA_PAGES_H */
