// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench.c - ring_bench: well against rte_ring and ck_ring, side by side.
 *
 * Every case moves the same number of items from a producer pinned to
 * CPU 0 to a consumer pinned to CPU 1, through a ring of RING_SLOTS slots.
 * Runs are interleaved: each round runs every case on every peer, starting
 * with a different peer each round, so drift in the machine's load hits
 * all peers alike. A run during which either thread was switched out is
 * disturbed: it measures the scheduler, not the ring, so it is repeated
 * (up to -a attempts). Every run is printed as a record, "rec CASE ROUND
 * PEER ITEMS/S", and the caption as "note" lines: bench/table.awk turns
 * them into the table (medians, and the median of the per-round ratios
 * with the lowest and the highest).
 *
 * Usage: ring_bench [-r ROUNDS] [-t SECONDS] [-n ITEMS] [-a ATTEMPTS]
 *                   [-c CASE] [-i PEER] [-v] [-s]
 *   -r  rounds (5)                -t  target seconds per run (0.2)
 *   -n  items per run (default: calibrated to -t on the slowest peer)
 *   -a  attempts at an undisturbed run (3)
 *   -c  only these cases          -i  only these peers (comma lists)
 *   -v  print every run on stderr
 *   -s  one thread, a batch in then a batch out: nanoseconds per item,
 *       the cost without cache line traffic
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define MAX_ROUNDS	99
#define CALIBRATE_ITEMS	(1u << 18)
#define ITEMS_QUANTUM	4096u
#define MIN_ITEMS	(4 * ITEMS_QUANTUM)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const struct ring_impl *const impls[] = {
	&ring_impl_well, &ring_impl_dpdk, &ring_impl_ck,
};
#define NIMPLS	ARRAY_SIZE(impls)

#define CASE(n, m, w, b)	{ .name = n, .multi = m, .words = w, .batch = b }
#define SEED(n, w, b, s)	{ .name = n, .words = w, .batch = b, .seed = s }
static struct ring_case cases[] = {
	CASE("spsc-8B-b1", false, 1, 1),   CASE("spsc-8B-b8", false, 1, 8),
	CASE("spsc-8B-b32", false, 1, 32), CASE("spsc-64B-b1", false, 8, 1),
	CASE("spsc-64B-b8", false, 8, 8),  CASE("spsc-64B-b32", false, 8, 32),
	CASE("mpmc-8B-b1", true, 1, 1),    CASE("mpmc-8B-b8", true, 1, 8),
	CASE("mpmc-8B-b32", true, 1, 32),  CASE("mpmc-64B-b1", true, 8, 1),
	CASE("mpmc-64B-b8", true, 8, 8),   CASE("mpmc-64B-b32", true, 8, 32),
	/* The seed's example, without and with well_set_single(). */
	SEED("seed-8B-b1", 1, 1, 1),       SEED("seed-8B-b8", 1, 8, 1),
	SEED("decl-8B-b1", 1, 1, 2),       SEED("decl-8B-b8", 1, 8, 2),
};
#define NCASES	ARRAY_SIZE(cases)

struct options {
	unsigned int rounds;
	unsigned int attempts;
	double seconds;
	uint64_t items;
	const char *only_case;
	const char *only_impl;
	bool verbose;
	bool serial;
};

/* Samples taken, and those of them from disturbed runs. */
static unsigned int samples, disturbed;

static void usage(void)
{
	fputs("usage: ring_bench [-r ROUNDS] [-t SECONDS] [-n ITEMS] [-a ATTEMPTS] [-c CASE] [-i PEER] [-v] [-s]\n",
	      stderr);
	exit(2);
}

static void parse(int argc, char **argv, struct options *o)
{
	int opt;

	*o = (struct options){ .rounds = 5, .attempts = 3, .seconds = 0.2 };
	while ((opt = getopt(argc, argv, "r:t:n:a:c:i:vs")) != -1) {
		switch (opt) {
		case 'r':
			o->rounds = strtoul(optarg, NULL, 0);
			break;
		case 'a':
			o->attempts = strtoul(optarg, NULL, 0);
			break;
		case 't':
			o->seconds = strtod(optarg, NULL);
			break;
		case 'n':
			o->items = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			o->only_case = optarg;
			break;
		case 'i':
			o->only_impl = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 's':
			o->serial = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !o->rounds || o->rounds > MAX_ROUNDS ||
	    !o->attempts || o->seconds <= 0)
		usage();
}

/* Whether @name is in @only, a comma-separated list (NULL: all). */
static bool selected(const char *only, const char *name)
{
	size_t len = strlen(name);

	if (!only)
		return true;
	while (only) {
		if (!strncmp(only, name, len) &&
		    (only[len] == ',' || !only[len]))
			return true;
		only = strchr(only, ',');
		if (only)
			only++;
	}
	return false;
}

/*
 * Items per second of a run of @c on @impl, repeated up to @attempts times
 * until neither thread was switched out; *@clean tells whether that
 * happened. Exits when the consumer's sum is wrong.
 */
static double run_once(const struct ring_impl *impl,
		       const struct ring_case *c, unsigned int attempts,
		       bool *clean)
{
	struct ring_result res = { 0 };

	for (unsigned int a = 0; a < attempts; a++) {
		if (ring_run(impl, c, &res))
			exit(1);
		if (res.sum != ring_expected_sum(c, c->items)) {
			fprintf(stderr, "ring_bench: %s %s: sum %#llx, expected %#llx\n",
				impl->name, c->name,
				(unsigned long long)res.sum,
				(unsigned long long)
				ring_expected_sum(c, c->items));
			exit(1);
		}
		if (!res.switches)
			break;
	}
	*clean = !res.switches;
	return res.ns ? (double)c->items * 1e9 / (double)res.ns : 0;
}

/*
 * Items for @c so that its slowest peer runs about @o->seconds: a run
 * that is disturbed anyway then costs little, even for a slow peer.
 */
static uint64_t calibrate(struct ring_case *c, const struct options *o)
{
	double slowest = 0;
	uint64_t items;

	c->items = CALIBRATE_ITEMS;
	for (size_t i = 0; i < NIMPLS; i++) {
		if (selected(o->only_impl, impls[i]->name)) {
			bool clean;
			double rate = run_once(impls[i], c, o->attempts,
					       &clean);

			if (!slowest || rate < slowest)
				slowest = rate;
		}
	}
	items = (uint64_t)(slowest * o->seconds) / ITEMS_QUANTUM *
		ITEMS_QUANTUM;
	return items > MIN_ITEMS ? items : MIN_ITEMS;
}

static void report(unsigned int round, const struct ring_case *c,
		   const struct ring_impl *impl, double items_per_s,
		   bool clean)
{
	fprintf(stderr, "round %u %-13s %-8s %llu items %.2f M/s%s\n",
		round, c->name, impl->name, (unsigned long long)c->items,
		items_per_s / 1e6, clean ? "" : " (disturbed)");
}

static void measure(const struct options *o)
{
	for (size_t k = 0; k < NCASES; k++) {
		if (!selected(o->only_case, cases[k].name))
			continue;
		if (o->items)
			cases[k].items = o->items;
		else
			cases[k].items = calibrate(&cases[k], o);
	}

	for (unsigned int r = 0; r < o->rounds; r++) {
		for (size_t k = 0; k < NCASES; k++) {
			if (!selected(o->only_case, cases[k].name))
				continue;
			for (size_t j = 0; j < NIMPLS; j++) {
				size_t i = (j + r) % NIMPLS;
				double rate;
				bool clean;

				if (!selected(o->only_impl, impls[i]->name))
					continue;
				rate = run_once(impls[i], &cases[k],
						o->attempts, &clean);
				samples++;
				disturbed += !clean;
				printf("rec\t%s\t%u\t%s\t%.0f\n", cases[k].name,
				       r + 1, impls[i]->name, rate);
				if (o->verbose)
					report(r, &cases[k], impls[i], rate,
					       clean);
			}
		}
	}
}

static void cpu_model(char *out, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(out, len, "unknown CPU");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		snprintf(out, len, "%s", colon + 2);
		out[strcspn(out, "\n")] = '\0';
		break;
	}
	if (f)
		fclose(f);
}

/* The caption: what ran, where, when and how noisy. */
static void notes(const struct options *o, const char *what)
{
	char model[128], date[32];
	time_t now = time(NULL);

	cpu_model(model, sizeof(model));
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	printf("note\t%s, median of %u interleaved rounds", what, o->rounds);
	if (o->serial)
		printf(" of %llu items\n",
		       (unsigned long long)(o->items ? o->items :
					    CALIBRATE_ITEMS));
	else if (o->items)
		printf(" of %llu items (%u of %u samples disturbed)\n",
		       (unsigned long long)o->items, disturbed, samples);
	else
		printf(" of about %g s (%u of %u samples disturbed)\n",
		       o->seconds, disturbed, samples);
	printf("note\tratios: median of the per-round ratios [lowest, highest];\n");
	printf("note\tfrom ``make bench`` on %s, %ld CPUs (%s).\n", date,
	       sysconf(_SC_NPROCESSORS_ONLN), model);
}

/*
 * -s: every selected case in one thread, a batch in then a batch out, in
 * interleaved rounds; a record per run, in nanoseconds per item.
 * Under valgrind (bench/ring/icount.sh) with -r 1 it gives instructions.
 */
static void serial(const struct options *o)
{
	for (unsigned int r = 0; r < o->rounds; r++) {
		for (size_t k = 0; k < NCASES; k++) {
			struct ring_case *c = &cases[k];

			if (!selected(o->only_case, c->name))
				continue;
			c->items = o->items ? o->items : CALIBRATE_ITEMS;
			for (size_t j = 0; j < NIMPLS; j++) {
				size_t i = (j + r) % NIMPLS;
				struct ring_result res;

				if (!selected(o->only_impl, impls[i]->name))
					continue;
				if (ring_serial(impls[i], c, &res))
					exit(1);
				if (res.sum != ring_expected_sum(c, c->items)) {
					fprintf(stderr, "ring_bench: -s %s %s: bad sum\n",
						impls[i]->name, c->name);
					exit(1);
				}
				printf("rec\t%s\t%u\t%s\t%.3f\n", c->name, r + 1,
				       impls[i]->name,
				       (double)res.ns / (double)c->items);
			}
		}
	}
}

int main(int argc, char **argv)
{
	struct options o;

	parse(argc, argv, &o);
	if (o.serial) {
		serial(&o);
		notes(&o, "Nanoseconds per item, one thread, in and out (lower is better)");
		return 0;
	}
	measure(&o);
	notes(&o, "Million items per second");
	return 0;
}
