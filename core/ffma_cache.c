// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma_cache.c - where slices come from and where empty ones go.
 *
 * Each NUMA node (modulo FFMA_NODES) keeps empty slices in an array under
 * a spinlock: the lock is held for a few loads and stores only (no call
 * to the host), and its release/acquire pair hands the slice's memory
 * (and its header, written by the last owner) to the next owner. A lock
 * rather than a lock-free ring so that fork() can take every cache in a
 * consistent state (ffma_cache_lock_all()): a ring's reservation held by
 * a thread that does not exist in the child would never be released.
 *
 * How many slices a cache keeps follows use: up to the most slices the
 * node had out at once since the cache last went idle (at least
 * FFMA_CACHE_SLICES, at most FFMA_CACHE_MAX), so a program that
 * allocates and frees 64 slices' worth in a loop gets them back from the
 * cache every round instead of mapping them anew. Memory is given back
 * after idling: a slice that sat in the cache for FFMA_PURGE_MS is purged
 * (ffma_pages_purge(): its pages go back to the system, the mapping
 * stays), and once nothing was taken for FFMA_DECAY_MS the cache shrinks
 * back to FFMA_CACHE_SLICES and forgets its peak. Both are checked on
 * each cache operation and done at once by ffma_cache_trim().
 *
 * Debug builds (FFMA_DEBUG) also remember every slice they got from the
 * environment, so that ffma_free() can tell a foreign pointer from one of
 * its own without touching memory it does not own.
 */
#include "ffma_slice.h"

/* Milliseconds a cached slice keeps its pages. */
#define FFMA_PURGE_MS	50
/* Milliseconds without a take before the cache shrinks to its floor. */
#define FFMA_DECAY_MS	1000
/* Slices one trim step purges outside the lock, at most. */
#define FFMA_PURGE_BATCH	16

/**
 * struct ffma_cache - empty slices kept by one node.
 * @lock: 0 free, 1 held; a spinlock around a few loads and stores (no
 *        call to the host is made while it is held).
 * @count: slices in @slot; written under @lock, read anywhere.
 * @out: slices of this node held by allocators (taken and not put back).
 * @peak: most slices out at once since the cache last went idle.
 * @busy: ffma_now_ms() of the last take.
 * @checked: ffma_now_ms() of the last look for slices to purge.
 * @slot: the slices, the most recently put last.
 * @since: ffma_now_ms() when each slot's slice was put (odd); 0 once
 *         purged.
 */
struct ffma_cache {
	struct well_atomic lock;
	struct well_atomic count;
	size_t out;
	size_t peak;
	uint64_t busy;
	uint64_t checked;
	struct ffma_slice *slot[FFMA_CACHE_MAX];
	uint64_t since[FFMA_CACHE_MAX];
};

static struct ffma_cache ffma_caches[FFMA_NODES];

static void ffma_cache_lock(struct ffma_cache *cache)
{
	size_t unlocked = 0;

	/* A1: pairs with R1 in ffma_cache_unlock() of the last holder. */
	while (!well_cas_acq_rel(&cache->lock, &unlocked, 1)) {
		while (well_load_relaxed(&cache->lock))
			;
		unlocked = 0;
	}
	/* For ThreadSanitizer: A1 above, pairs with R1's release. */
	ffma_race_acquire(&cache->lock);
}

static void ffma_cache_unlock(struct ffma_cache *cache)
{
	/*
	 * R1: pairs with A1 of the next holder: the slot array, and the
	 * header a putter wrote into its slice, reach the next getter.
	 */
	/* For ThreadSanitizer: R1 below, pairs with A1's acquire. */
	ffma_race_release(&cache->lock);
	well_store_release(&cache->lock, 0);
}

/**
 * ffma_cache_lock_all() - hold every node's cache lock, for fork().
 *
 * The host's fork handler calls it before fork() so that no cache is in
 * the middle of an update when the child's copy is taken, and
 * ffma_cache_unlock_all() after fork() in the parent and the child.
 */
void ffma_cache_lock_all(void)
{
	int i;

	for (i = 0; i < FFMA_NODES; i++)
		ffma_cache_lock(&ffma_caches[i]);
}

/**
 * ffma_cache_unlock_all() - let go of what ffma_cache_lock_all() took.
 */
void ffma_cache_unlock_all(void)
{
	int i;

	for (i = FFMA_NODES - 1; i >= 0; i--)
		ffma_cache_unlock(&ffma_caches[i]);
}

#ifdef FFMA_DEBUG
/* Open-addressed set of slice addresses; 1 marks a removed entry. */
#define FFMA_KNOWN	16384
#define FFMA_GONE	1

static struct well_atomic ffma_known[FFMA_KNOWN];

static size_t ffma_known_hash(const struct ffma_slice *slice)
{
	return ((uintptr_t)slice >> FFMA_SLICE_SHIFT) * 0x9e3779b9u;
}

static void ffma_known_add(struct ffma_slice *slice)
{
	size_t i, h = ffma_known_hash(slice);

	for (i = 0; i < FFMA_KNOWN; i++) {
		struct well_atomic *e = &ffma_known[(h + i) % FFMA_KNOWN];
		size_t old = well_load_relaxed(e);

		/* Only the address matters here: no data is handed over. */
		if ((old == 0 || old == FFMA_GONE) &&
		    well_cas_acq_rel(e, &old, (uintptr_t)slice))
			return;
	}
	ffma_report("debug slice registry full", slice);
}

static struct well_atomic *ffma_known_find(const struct ffma_slice *slice)
{
	size_t i, h = ffma_known_hash(slice);

	for (i = 0; i < FFMA_KNOWN; i++) {
		struct well_atomic *e = &ffma_known[(h + i) % FFMA_KNOWN];
		size_t v = well_load_relaxed(e);

		if (v == (uintptr_t)slice)
			return e;
		if (v == 0)
			break;
	}
	return NULL;
}

/**
 * ffma_slice_known() - whether @slice is memory ffma got for a slice.
 * @slice: a pointer masked down to a slice boundary.
 *
 * Return: true for a slice held by an allocator or a cache.
 */
bool ffma_slice_known(const struct ffma_slice *slice)
{
	return ffma_known_find(slice) != NULL;
}

static void ffma_known_del(struct ffma_slice *slice)
{
	struct well_atomic *e = ffma_known_find(slice);

	if (e)
		well_store_relaxed(e, FFMA_GONE);
}
#else
static inline void ffma_known_add(struct ffma_slice *slice)
{
	(void)slice;
}

static inline void ffma_known_del(struct ffma_slice *slice)
{
	(void)slice;
}
#endif /* FFMA_DEBUG */

/**
 * ffma_slice_register() - tell debug builds that @slice is ffma's memory.
 * @slice: memory the host gave for a slice or a large block.
 *
 * ffma_slice_get() does it for slices; a no-op without FFMA_DEBUG.
 */
void ffma_slice_register(struct ffma_slice *slice)
{
	ffma_known_add(slice);
}

/**
 * ffma_slice_unregister() - forget what ffma_slice_register() recorded.
 * @slice: memory about to go back to the host.
 */
void ffma_slice_unregister(struct ffma_slice *slice)
{
	ffma_known_del(slice);
}

/*
 * Take the most recently cached slice of @cache, NULL when it has none;
 * @purged tells whether its pages went back to the system.
 */
static struct ffma_slice *ffma_cache_take(struct ffma_cache *cache,
					  uint64_t now, bool *purged)
{
	struct ffma_slice *slice = NULL;
	size_t n;

	ffma_cache_lock(cache);
	n = well_load_relaxed(&cache->count);
	if (n) {
		slice = cache->slot[--n];
		*purged = !cache->since[n];
		well_store_relaxed(&cache->count, n);
	}
	/* Counted even when the caller maps a fresh one. */
	if (++cache->out > cache->peak)
		cache->peak = cache->out;
	cache->busy = now;
	ffma_cache_unlock(cache);
	return slice;
}

/*
 * Give back what idling earned, of at most FFMA_PURGE_BATCH slices: those
 * above the floor after FFMA_DECAY_MS without a take are unmapped (@all:
 * at once), those cached FFMA_PURGE_MS ago (@all: any) are purged. Purged
 * and unmapped outside the lock; purged ones go back in, flagged.
 */
static size_t ffma_cache_age(struct ffma_cache *cache, uint64_t now,
			     bool all)
{
	struct ffma_slice *unmap[FFMA_PURGE_BATCH];
	struct ffma_slice *purge[FFMA_PURGE_BATCH];
	size_t n, i, j, nu = 0, np = 0;

	ffma_cache_lock(cache);
	if (!all && now - cache->checked < FFMA_PURGE_MS) {
		ffma_cache_unlock(cache);
		return 0;
	}
	cache->checked = now;
	n = well_load_relaxed(&cache->count);
	if (all || now - cache->busy >= FFMA_DECAY_MS) {
		/* Idle: forget the peak, keep the floor (oldest first). */
		cache->peak = cache->out;
		while (n > FFMA_CACHE_SLICES && nu < FFMA_PURGE_BATCH)
			unmap[nu++] = cache->slot[--n];
	}
	/* The oldest slices are at the bottom: take the expired ones out. */
	for (i = 0, j = 0; i < n; i++) {
		if (np < FFMA_PURGE_BATCH && cache->since[i] &&
		    (all || now - cache->since[i] >= FFMA_PURGE_MS)) {
			purge[np++] = cache->slot[i];
			continue;
		}
		cache->slot[j] = cache->slot[i];
		cache->since[j++] = cache->since[i];
	}
	well_store_relaxed(&cache->count, j);
	ffma_cache_unlock(cache);

	for (i = 0; i < nu; i++) {
		ffma_known_del(unmap[i]);
		ffma_pages_free(unmap[i], FFMA_SLICE_SIZE);
	}
	if (!np)
		return nu;
	for (i = 0; i < np; i++)
		ffma_pages_purge(purge[i], FFMA_SLICE_SIZE);
	ffma_cache_lock(cache);
	/* Purged ones go under the others: they are the coldest. */
	n = well_load_relaxed(&cache->count);
	for (i = n; i-- > 0;) {
		cache->slot[i + np] = cache->slot[i];
		cache->since[i + np] = cache->since[i];
	}
	for (i = 0; i < np; i++) {
		cache->slot[i] = purge[i];
		cache->since[i] = 0;
	}
	well_store_relaxed(&cache->count, n + np);
	ffma_cache_unlock(cache);
	return nu + np;
}

/**
 * ffma_slice_get() - an empty slice, from @node's cache or the environment.
 * @node: NUMA node of the caller.
 * @huge: whether the caller wants huge pages for it.
 *
 * A slice without pages (fresh, or purged in the cache) is given huge
 * pages (ffma_pages_hugepage()) before its header is first written: a
 * 2 MiB range with one small page faulted in gets no huge page until
 * khugepaged collapses it.
 *
 * Return: the slice with @node and @huge set and the rest of its header
 * stale, or NULL when no memory is to be had.
 */
struct ffma_slice *ffma_slice_get(int node, bool huge)
{
	struct ffma_cache *cache = &ffma_caches[(unsigned int)node % FFMA_NODES];
	uint64_t now = ffma_now_ms();
	bool purged = false;
	struct ffma_slice *slice = ffma_cache_take(cache, now, &purged);

	if (slice) {
		if (purged) {
			if (huge)
				ffma_pages_hugepage(slice, FFMA_SLICE_SIZE);
			slice->huge = huge;
		}
		slice->node = node;
		return slice;
	}
	slice = ffma_pages_alloc(FFMA_SLICE_SIZE, node);
	if (!slice) {
		ffma_cache_lock(cache);
		cache->out--;
		ffma_cache_unlock(cache);
		return NULL;
	}
	if (huge)
		ffma_pages_hugepage(slice, FFMA_SLICE_SIZE);
	ffma_known_add(slice);
	slice->huge = huge;
	slice->node = node;
	return slice;
}

/**
 * ffma_slice_put() - give an empty slice to its node's cache.
 * @slice: a slice no allocator owns any more.
 *
 * The cache keeps it when it holds fewer than the node's recent peak of
 * slices out (at least FFMA_CACHE_SLICES, at most FFMA_CACHE_MAX);
 * otherwise the memory goes back to the environment.
 */
void ffma_slice_put(struct ffma_slice *slice)
{
	struct ffma_cache *cache =
		&ffma_caches[(unsigned int)slice->node % FFMA_NODES];
	uint64_t now = ffma_now_ms();
	bool kept = false;
	size_t n, limit;

	ffma_cache_lock(cache);
	n = well_load_relaxed(&cache->count);
	limit = cache->peak < FFMA_CACHE_SLICES ? FFMA_CACHE_SLICES :
		cache->peak < FFMA_CACHE_MAX ? cache->peak : FFMA_CACHE_MAX;
	if (n < limit) {
		cache->slot[n] = slice;
		/* 0 means purged: a clock at 0 ms still counts as fresh. */
		cache->since[n] = now | 1;
		well_store_relaxed(&cache->count, n + 1);
		kept = true;
	}
	if (cache->out)
		cache->out--;
	ffma_cache_unlock(cache);
	if (!kept) {
		ffma_known_del(slice);
		ffma_pages_free(slice, FFMA_SLICE_SIZE);
	}
	ffma_cache_age(cache, now, false);
}

/**
 * ffma_cached_slices() - empty slices waiting in the caches of all nodes.
 *
 * Return: a snapshot of the count.
 */
size_t ffma_cached_slices(void)
{
	size_t n = 0;
	int i;

	/* A snapshot: each count is read without its lock. */
	for (i = 0; i < FFMA_NODES; i++)
		n += well_load_relaxed(&ffma_caches[i].count);
	return n;
}

/**
 * ffma_cache_trim() - give back now what idling would give back later.
 *
 * Every node's cache shrinks to FFMA_CACHE_SLICES slices and forgets its
 * peak; the slices it keeps are purged (their pages go back to the
 * system, the mappings stay for reuse).
 */
void ffma_cache_trim(void)
{
	uint64_t now = ffma_now_ms();
	int i;

	/* Each step handles a batch; purged slices are not purged again. */
	for (i = 0; i < FFMA_NODES; i++)
		while (ffma_cache_age(&ffma_caches[i], now, true))
			;
}

/**
 * ffma_cache_drain() - give every cached slice back to the environment.
 *
 * For a module about to be unloaded, or a process that wants its memory
 * back; allocators keep working afterwards.
 */
void ffma_cache_drain(void)
{
	struct ffma_slice *slice;
	int i;

	for (i = 0; i < FFMA_NODES; i++) {
		struct ffma_cache *cache = &ffma_caches[i];

		for (;;) {
			size_t n;

			slice = NULL;
			ffma_cache_lock(cache);
			n = well_load_relaxed(&cache->count);
			if (n) {
				slice = cache->slot[--n];
				well_store_relaxed(&cache->count, n);
			}
			ffma_cache_unlock(cache);
			if (!slice)
				break;
			ffma_known_del(slice);
			ffma_pages_free(slice, FFMA_SLICE_SIZE);
		}
	}
}
