/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * well_seed.h - seeds and random numbers for the threaded selftests.
 *
 * Each run draws a fresh seed and prints it; WELL_SEED=<n> in the
 * environment repeats the same random choices (thread interleaving still
 * varies from run to run).
 */
#ifndef WELL_SEED_H
#define WELL_SEED_H

#include <inttypes.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/**
 * well_seed_mix() - one step of splitmix64.
 * @state: the generator state, advanced by one step.
 *
 * Return: 64 well mixed bits.
 */
static inline uint64_t well_seed_mix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/**
 * well_seed_below() - a random number in [0, @n).
 * @state: the generator state.
 * @n: the bound, above 0.
 *
 * Return: the number; the modulo bias is irrelevant for tests.
 */
static inline uint64_t well_seed_below(uint64_t *state, uint64_t n)
{
	return well_seed_mix(state) % n;
}

/**
 * well_dawdle() - now and then, give the CPU away in the middle of a batch.
 * @state: the generator state.
 *
 * A thread that holds a reservation while others run is what exposes
 * releases that land too early; on a machine with few cores this rarely
 * happens by itself. Only scheduling is affected: nothing waits on it.
 */
static inline void well_dawdle(uint64_t *state)
{
	if (!well_seed_below(state, 64))
		sched_yield();
}

/**
 * well_seed() - the seed of this run.
 * @test: the name printed with the seed.
 *
 * Return: WELL_SEED from the environment, or a fresh seed from the clock
 * and the process id; printed as a TAP comment either way.
 */
static inline uint64_t well_seed(const char *test)
{
	const char *env = getenv("WELL_SEED");
	struct timespec ts;
	uint64_t seed;

	if (env && *env) {
		seed = strtoull(env, NULL, 0);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
		seed ^= (uint64_t)getpid() << 32;
		seed = well_seed_mix(&seed);
	}
	printf("# %s: seed %" PRIu64 " (WELL_SEED=%" PRIu64 " repeats it)\n",
	       test, seed, seed);
	fflush(stdout);
	return seed;
}

#endif /* WELL_SEED_H */
