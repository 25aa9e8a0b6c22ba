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
 *
 * Sanitizers: when the process runs under valgrind, or has the ASan
 * runtime (the user's program built with -fsanitize=address, or this
 * library), ffma_mem_alloc() and ffma_mem_free() tell it which bytes are
 * in use: valgrind client requests (MALLOCLIKE/FREELIKE), ASan poisoning
 * through weak references to its interface, which resolve only when the
 * runtime is in the process. The first word of a free object holds the
 * free-list link and stays accessible. Without either, the cost is one
 * test of a flag set at load time.
 *
 * fork(): pthread_atfork() handlers (registered by user/port.c) take the
 * mutex and every slice cache lock around the fork; the child forgets
 * the allocators of the threads it does not have (ffma_fork_child()).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <valgrind/memcheck.h>
#include "ffma.h"
#include "port.h"
#include "ffma_slice.h"
#include "ffma_thread.h"

struct ffma_orphan {
	struct ffma *ffma;
	struct ffma_orphan *next;
};

/**
 * struct ffma_thread - a thread's allocators, one per class.
 * @a: the allocator of each class, NULL until the thread uses the class.
 * @prev: previous thread on ffma_threads.
 * @next: next thread on ffma_threads.
 * @listed: whether the thread is on ffma_threads.
 *
 * Every thread that has an allocator is on ffma_threads, so that a fork()
 * child can find the allocators of the threads it does not have.
 */
struct ffma_thread {
	struct ffma *a[FFMA_MEM_CLASSES];
	struct ffma_thread *prev;
	struct ffma_thread *next;
	bool listed;
};

/* Bits of ffma_sanitize: which checker to tell about each object. */
#define FFMA_SAN_VALGRIND	1
#define FFMA_SAN_ASAN		2

void __asan_poison_memory_region(void const volatile *addr, size_t size)
	__attribute__((weak));
void __asan_unpoison_memory_region(void const volatile *addr, size_t size)
	__attribute__((weak));

static int ffma_sanitize;

__attribute__((constructor)) static void ffma_sanitize_init(void)
{
	ffma_sanitize = (RUNNING_ON_VALGRIND ? FFMA_SAN_VALGRIND : 0) |
			(__asan_poison_memory_region ? FFMA_SAN_ASAN : 0);
}

/* @ptr, @size bytes asked, was handed out by ffma_mem_alloc(). */
static WELL_NOINLINE void *ffma_san_alloc(void *ptr, size_t size)
{
	size_t usable;

	if (!ptr)
		return NULL;
	usable = ffma_usable_size(ptr);
	if (ffma_sanitize & FFMA_SAN_VALGRIND) {
		VALGRIND_MALLOCLIKE_BLOCK(ptr, size, 0, 0);
		/* Fresh memory is addressable: close the tail explicitly. */
		if (usable > size)
			VALGRIND_MAKE_MEM_NOACCESS((char *)ptr + size,
						   usable - size);
	}
	if (ffma_sanitize & FFMA_SAN_ASAN) {
		__asan_unpoison_memory_region(ptr, size);
		/* The rounding up to the class: an overflow lands here. */
		if (usable > size)
			__asan_poison_memory_region((char *)ptr + size,
						    usable - size);
	}
	return ptr;
}

/* @ptr is about to be freed; the link word stays open to the library. */
static WELL_NOINLINE void ffma_san_free(void *ptr)
{
	size_t usable;

	if (!ptr)
		return;
	usable = ffma_usable_size(ptr);
	if (ffma_sanitize & FFMA_SAN_VALGRIND) {
		VALGRIND_FREELIKE_BLOCK(ptr, 0);
		VALGRIND_MAKE_MEM_DEFINED(ptr, sizeof(void *));
	}
	if (ffma_sanitize & FFMA_SAN_ASAN) {
		__asan_unpoison_memory_region(ptr, sizeof(void *));
		__asan_poison_memory_region((char *)ptr + sizeof(void *),
					    usable - sizeof(void *));
	}
}

/**
 * ffma_mem_expose() - make a whole object accessible to the checkers.
 * @ptr: an object of ffma_mem_alloc().
 * @size: its usable size.
 *
 * For ffma_mem_realloc(), which copies the object as a whole.
 */
void ffma_mem_expose(void *ptr, size_t size)
{
	if (ffma_sanitize & FFMA_SAN_VALGRIND)
		VALGRIND_MAKE_MEM_DEFINED(ptr, size);
	if (ffma_sanitize & FFMA_SAN_ASAN)
		__asan_unpoison_memory_region(ptr, size);
}

static __thread struct ffma_thread ffma_me
	__attribute__((tls_model("initial-exec")));
static pthread_once_t ffma_once = PTHREAD_ONCE_INIT;
static pthread_key_t ffma_key;
/*
 * Protects the orphan lists and the thread list, and is held across a
 * thread's first use of a class and across its exit, so that fork()
 * (which takes it) never sees an allocator changing hands.
 */
static pthread_mutex_t ffma_threads_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ffma_orphan *ffma_orphans[FFMA_MEM_CLASSES];
static struct ffma_thread *ffma_threads;

static void ffma_orphan_put(unsigned int c, struct ffma *ffma)
{
	struct ffma_orphan *o = malloc(sizeof(*o));

	/* Without a list node the allocator stays alive, unreclaimed. */
	if (!o)
		return;
	o->ffma = ffma;
	o->next = ffma_orphans[c];
	ffma_orphans[c] = o;
}

static struct ffma *ffma_orphan_take(unsigned int c)
{
	struct ffma_orphan *o = ffma_orphans[c];
	struct ffma *ffma;

	if (!o)
		return NULL;
	ffma_orphans[c] = o->next;
	ffma = o->ffma;
	free(o);
	ffma_adopt(ffma);
	return ffma;
}

/* ffma_mem_reclaim() with ffma_threads_lock held. */
static void ffma_reclaim_locked(void)
{
	struct ffma_orphan *o, **pp;
	unsigned int c;

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
	pthread_mutex_lock(&ffma_threads_lock);
	ffma_reclaim_locked();
	pthread_mutex_unlock(&ffma_threads_lock);
}

static void ffma_thread_unlist(struct ffma_thread *t)
{
	if (!t->listed)
		return;
	if (t->prev)
		t->prev->next = t->next;
	else
		ffma_threads = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->listed = false;
}

static void ffma_thread_exit(void *unused)
{
	unsigned int c;

	(void)unused;
	pthread_mutex_lock(&ffma_threads_lock);
	for (c = 0; c < FFMA_MEM_CLASSES; c++) {
		struct ffma *ffma = ffma_me.a[c];

		if (!ffma)
			continue;
		ffma_me.a[c] = NULL;
		if (!ffma_disown(ffma))
			ffma_orphan_put(c, ffma);
	}
	ffma_thread_unlist(&ffma_me);
	ffma_reclaim_locked();
	pthread_mutex_unlock(&ffma_threads_lock);
}

static void ffma_key_create(void)
{
	pthread_key_create(&ffma_key, ffma_thread_exit);
}

/**
 * ffma_fork_prepare() - pthread_atfork() prepare handler.
 *
 * Takes ffma_threads_lock (no thread is between owners) and every slice
 * cache lock (no cache is half-updated) for the fork.
 */
void ffma_fork_prepare(void)
{
	pthread_mutex_lock(&ffma_threads_lock);
	ffma_cache_lock_all();
}

/**
 * ffma_fork_parent() - pthread_atfork() parent handler.
 */
void ffma_fork_parent(void)
{
	ffma_cache_unlock_all();
	pthread_mutex_unlock(&ffma_threads_lock);
}

/**
 * ffma_fork_child() - pthread_atfork() child handler.
 *
 * The child has only the forking thread. The allocators of the others
 * may have been in the middle of an operation, so they are forgotten:
 * their objects stay valid and may be freed, but no thread owns them
 * (a new thread that happens to get a dead thread's token must not
 * believe it owns them) and their memory is not reused. The orphans were
 * consistent under the lock and stay orphans, to be adopted as usual.
 */
void ffma_fork_child(void)
{
	struct ffma_thread *t, *next;
	unsigned int c;

	ffma_cache_unlock_all();
	for (t = ffma_threads; t; t = next) {
		next = t->next;
		if (t == &ffma_me)
			continue;
		for (c = 0; c < FFMA_MEM_CLASSES; c++)
			if (t->a[c])
				ffma_forget(t->a[c]);
		ffma_thread_unlist(t);
	}
	/* The forking thread took it in ffma_fork_prepare(). */
	pthread_mutex_unlock(&ffma_threads_lock);
}

static WELL_NOINLINE struct ffma *ffma_thread_init(unsigned int c)
{
	struct ffma *ffma = NULL;

	pthread_once(&ffma_once, ffma_key_create);
	/* Any non-NULL value makes the destructor run at thread exit. */
	if (pthread_setspecific(ffma_key, &ffma_me))
		return NULL;
	pthread_mutex_lock(&ffma_threads_lock);
	if (!ffma_me.listed) {
		ffma_me.prev = NULL;
		ffma_me.next = ffma_threads;
		if (ffma_threads)
			ffma_threads->prev = &ffma_me;
		ffma_threads = &ffma_me;
		ffma_me.listed = true;
	}
	ffma = ffma_orphan_take(c);
	if (!ffma)
		ffma = ffma_create(FFMA_MEM_MIN << c);
	ffma_me.a[c] = ffma;
	pthread_mutex_unlock(&ffma_threads_lock);
	return ffma;
}

#ifndef FFMA_DEBUG
/* ffma_alloc()'s slow path for ffma_mem_alloc(): ENOMEM when it fails. */
static WELL_NOINLINE void *ffma_mem_alloc_slow(struct ffma *ffma)
{
	void *ptr = ffma_alloc_slow(ffma);

	if (!ptr)
		errno = ENOMEM;
	return ptr;
}
#endif

#ifdef FFMA_DEBUG
/* Debug builds: every allocation through the checked ffma_alloc(). */
static void *ffma_mem_alloc_cold_debug(struct ffma *ffma)
{
	void *ptr = ffma_alloc(ffma);

	if (!ptr)
		errno = ENOMEM;
	return ptr;
}
#endif

/* ffma_mem_alloc() of a large block, or of a class the thread never used. */
static WELL_NOINLINE void *ffma_mem_alloc_cold(size_t size)
{
	struct ffma *ffma;
	void *ptr;

	if (size > FFMA_MEM_MAX) {
		ptr = ffma_large_map(size);
		if (!ptr)
			errno = ENOMEM;
		return ptr;
	}
	ffma = ffma_me.a[ffma_mem_class(size)];
	if (!ffma)
		ffma = ffma_thread_init(ffma_mem_class(size));
	if (!ffma) {
		errno = ENOMEM;
		return NULL;
	}
#ifdef FFMA_DEBUG
	ptr = ffma_alloc(ffma);
	if (!ptr)
		errno = ENOMEM;
	return ptr;
#else
	ffma_alloc_enter(ffma);
	return ffma_mem_alloc_slow(ffma);
#endif
}

/**
 * ffma_mem_alloc() - memory from the calling thread's allocator of a class.
 * @size: bytes wanted; 0 gets the smallest class. Above FFMA_MEM_MAX a
 *        large block: a mapping of its own, given back when freed.
 *
 * Return: memory aligned to its class size (at most a page), or NULL with
 * errno ENOMEM when no memory is to be had.
 */
void *ffma_mem_alloc(size_t size)
{
	struct ffma *ffma;

	if (WELL_UNLIKELY(ffma_sanitize))
		return ffma_san_alloc(ffma_mem_alloc_cold(size), size);
	if (WELL_UNLIKELY(size > FFMA_MEM_MAX))
		return ffma_mem_alloc_cold(size);
	ffma = ffma_me.a[ffma_mem_class(size)];
	if (WELL_UNLIKELY(!ffma))
		return ffma_mem_alloc_cold(size);
#ifdef FFMA_DEBUG
	return ffma_mem_alloc_cold_debug(ffma);
#else
	return ffma_alloc_fast(ffma, ffma_mem_alloc_slow);
#endif
}

/**
 * ffma_mem_free() - free memory from any ffma_mem_* call, from any thread.
 * @ptr: the memory, or NULL.
 */
void ffma_mem_free(void *ptr)
{
	if (WELL_UNLIKELY(ffma_sanitize))
		ffma_san_free(ptr);
#ifdef FFMA_DEBUG
	ffma_free(ptr);
#else
	ffma_free_inline(ptr);
#endif
}
