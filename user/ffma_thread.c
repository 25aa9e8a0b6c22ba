// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma_thread.c - size classes, one allocator per class and thread.
 *
 * Each thread gets the allocator of a class on its first allocation of
 * that class. When the thread ends, a pthread key destructor disowns its
 * allocators: empty ones are destroyed, the others go on a per-class list
 * of orphans. Their objects stay valid and any thread may free them; the
 * frees wait on the orphan's remote stack. A thread that needs an
 * allocator adopts an orphan of the class before it creates one, and
 * ffma_mem_reclaim() (also run whenever a thread ends) adopts each orphan
 * in turn, takes back what was freed into it and destroys the ones left
 * empty. The orphan lists are protected by a mutex: they are touched only
 * when threads start using a class or end.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include "ffma.h"
#include "port.h"

struct ffma_orphan {
	struct ffma *ffma;
	struct ffma_orphan *next;
};

static __thread struct ffma *ffma_tls[FFMA_MEM_CLASSES]
	__attribute__((tls_model("initial-exec")));
static pthread_once_t ffma_once = PTHREAD_ONCE_INIT;
static pthread_key_t ffma_key;
static pthread_mutex_t ffma_orphans_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ffma_orphan *ffma_orphans[FFMA_MEM_CLASSES];

static void ffma_orphan_put(unsigned int c, struct ffma *ffma)
{
	struct ffma_orphan *o = malloc(sizeof(*o));

	/* Without a list node the allocator stays alive, unreclaimed. */
	if (!o)
		return;
	o->ffma = ffma;
	pthread_mutex_lock(&ffma_orphans_lock);
	o->next = ffma_orphans[c];
	ffma_orphans[c] = o;
	pthread_mutex_unlock(&ffma_orphans_lock);
}

static struct ffma *ffma_orphan_take(unsigned int c)
{
	struct ffma_orphan *o;
	struct ffma *ffma;

	pthread_mutex_lock(&ffma_orphans_lock);
	o = ffma_orphans[c];
	if (o)
		ffma_orphans[c] = o->next;
	pthread_mutex_unlock(&ffma_orphans_lock);
	if (!o)
		return NULL;
	ffma = o->ffma;
	free(o);
	ffma_adopt(ffma);
	return ffma;
}

/**
 * ffma_mem_reclaim() - take back what was freed into orphaned allocators.
 *
 * Adopts each orphan in turn, collects its remote frees, and destroys it
 * when it has no object left in use; the others stay orphans. Runs when a
 * thread ends; call it to return memory sooner.
 */
void ffma_mem_reclaim(void)
{
	struct ffma_orphan *o, **pp;
	unsigned int c;

	pthread_mutex_lock(&ffma_orphans_lock);
	for (c = 0; c < FFMA_MEM_CLASSES; c++) {
		pp = &ffma_orphans[c];
		while ((o = *pp)) {
			ffma_adopt(o->ffma);
			if (ffma_disown(o->ffma)) {
				*pp = o->next;
				free(o);
			} else {
				pp = &o->next;
			}
		}
	}
	pthread_mutex_unlock(&ffma_orphans_lock);
}

static void ffma_thread_exit(void *unused)
{
	unsigned int c;

	(void)unused;
	for (c = 0; c < FFMA_MEM_CLASSES; c++) {
		struct ffma *ffma = ffma_tls[c];

		if (!ffma)
			continue;
		ffma_tls[c] = NULL;
		if (!ffma_disown(ffma))
			ffma_orphan_put(c, ffma);
	}
	ffma_mem_reclaim();
}

static void ffma_key_create(void)
{
	pthread_key_create(&ffma_key, ffma_thread_exit);
}

static struct ffma *ffma_thread_init(unsigned int c)
{
	struct ffma *ffma;

	pthread_once(&ffma_once, ffma_key_create);
	/* Any non-NULL value makes the destructor run at thread exit. */
	if (pthread_setspecific(ffma_key, ffma_tls))
		return NULL;
	ffma = ffma_orphan_take(c);
	if (!ffma)
		ffma = ffma_create(FFMA_MEM_MIN << c);
	ffma_tls[c] = ffma;
	return ffma;
}

/**
 * ffma_mem_alloc() - memory from the calling thread's allocator of a class.
 * @size: bytes wanted, up to FFMA_MEM_MAX; 0 gets the smallest class.
 *
 * Return: memory aligned to its class size (at most a page), or NULL with
 * errno EINVAL for a size above FFMA_MEM_MAX, ENOMEM when no memory is to
 * be had.
 */
void *ffma_mem_alloc(size_t size)
{
	struct ffma *ffma;
	unsigned int c;
	void *ptr;

	if (WELL_UNLIKELY(size > FFMA_MEM_MAX)) {
		errno = EINVAL;
		return NULL;
	}
	c = ffma_mem_class(size);
	ffma = ffma_tls[c];
	if (WELL_UNLIKELY(!ffma)) {
		ffma = ffma_thread_init(c);
		if (!ffma) {
			errno = ENOMEM;
			return NULL;
		}
	}
	ptr = ffma_alloc(ffma);
	if (WELL_UNLIKELY(!ptr))
		errno = ENOMEM;
	return ptr;
}

/**
 * ffma_mem_free() - free memory from any ffma_mem_* call, from any thread.
 * @ptr: the memory, or NULL.
 */
void ffma_mem_free(void *ptr)
{
	ffma_free(ptr);
}
