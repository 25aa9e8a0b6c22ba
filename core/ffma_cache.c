// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ffma_cache.c - where slices come from and where empty ones go.
 *
 * Each NUMA node (modulo FFMA_NODES) keeps up to FFMA_CACHE_SLICES empty
 * slices in a well ring of slice pointers: putting a slice reserves one
 * block from tx, writes the pointer and releases it into rx; getting one
 * reserves from rx, reads the pointer and releases the block into tx. The
 * ring's R1/A1 pairs hand the slice's memory (and its header, written by
 * the last owner) to the next owner. A full cache gives the slice back to
 * ffma_pages_free(); an empty one asks ffma_pages_alloc().
 *
 * Debug builds (FFMA_DEBUG) also remember every slice they got from the
 * environment, so that ffma_free() can tell a foreign pointer from one of
 * its own without touching memory it does not own.
 */
#include "ffma_slice.h"
#include "well.h"

/* The cache's ring is set up on first use: 0 untouched, 1 being set up. */
#define FFMA_CACHE_READY	2

struct ffma_cache {
	struct well ring;
	struct ffma_slice *slot[FFMA_CACHE_SLICES];
	struct well_atomic state;
};

static struct ffma_cache ffma_caches[FFMA_NODES];

static struct well *ffma_cache_ring(struct ffma_cache *cache)
{
	size_t state;

	/* A4: pairs with R4 below, in whichever thread set the ring up. */
	if (WELL_LIKELY(well_load_acquire(&cache->state) == FFMA_CACHE_READY))
		return &cache->ring;
	state = 0;
	if (well_cas_acq_rel(&cache->state, &state, 1)) {
		well_params(sizeof(cache->slot[0]), FFMA_CACHE_SLICES,
			    &cache->ring);
		well_init(&cache->ring, cache->slot);
		/* R4: pairs with A4 in threads that use the ring. */
		well_store_release(&cache->state, FFMA_CACHE_READY);
	} else {
		/* A4: as above; the setter runs a few dozen instructions. */
		while (well_load_acquire(&cache->state) != FFMA_CACHE_READY)
			;
	}
	return &cache->ring;
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

/* Take one slice out of @ring, NULL when it is empty. */
static struct ffma_slice *ffma_cache_take(struct well *ring)
{
	struct ffma_slice *slice;
	size_t pos;

	/* A1 (in well_reserve): pairs with R1 of the putter's release. */
	if (!well_reserve(&ring->rx, &pos, 1))
		return NULL;
	slice = *WELL_DEREF(struct ffma_slice *, pos, 0, ring);
	/* R1: our read of the block is done before putters reuse it. */
	while (!well_release_multi(&ring->tx, 1, pos))
		;
	return slice;
}

/**
 * ffma_slice_get() - an empty slice, from @node's cache or the environment.
 * @node: NUMA node of the caller.
 *
 * Return: the slice with @node set and the rest of its header stale, or
 * NULL when no memory is to be had.
 */
struct ffma_slice *ffma_slice_get(int node)
{
	struct ffma_cache *cache = &ffma_caches[(unsigned int)node % FFMA_NODES];
	struct ffma_slice *slice = ffma_cache_take(ffma_cache_ring(cache));

	if (slice) {
		slice->node = node;
		return slice;
	}
	slice = ffma_pages_alloc(FFMA_SLICE_SIZE, node);
	if (!slice)
		return NULL;
	ffma_known_add(slice);
	slice->node = node;
	return slice;
}

/**
 * ffma_slice_put() - give an empty slice to its node's cache.
 * @slice: a slice no allocator owns any more.
 *
 * When the cache is full the memory goes back to the environment.
 */
void ffma_slice_put(struct ffma_slice *slice)
{
	struct ffma_cache *cache =
		&ffma_caches[(unsigned int)slice->node % FFMA_NODES];
	struct well *ring = ffma_cache_ring(cache);
	size_t pos;

	/* A1 (in well_reserve): pairs with R1 of the getter's release. */
	if (!well_reserve(&ring->tx, &pos, 1)) {
		ffma_known_del(slice);
		ffma_pages_free(slice, FFMA_SLICE_SIZE);
		return;
	}
	*WELL_DEREF(struct ffma_slice *, pos, 0, ring) = slice;
	/* R1: the slice and its pointer reach the getter's A1. */
	while (!well_release_multi(&ring->rx, 1, pos))
		;
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

	for (i = 0; i < FFMA_NODES; i++)
		n += well_peek(&ffma_cache_ring(&ffma_caches[i])->rx);
	return n;
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
		while ((slice = ffma_cache_take(ffma_cache_ring(&ffma_caches[i])))) {
			ffma_known_del(slice);
			ffma_pages_free(slice, FFMA_SLICE_SIZE);
		}
	}
}
