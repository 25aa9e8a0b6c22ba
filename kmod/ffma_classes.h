/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ffma_classes.h - set up and tear down the size classes behind the
 * kernel's ffma_mem_alloc() (kmod/ffma_classes.c).
 */
#ifndef FFMA_CLASSES_H
#define FFMA_CLASSES_H

int ffma_mem_init(void);
void ffma_mem_exit(void);

#endif /* FFMA_CLASSES_H */
