/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * scenario.h - what the core scenarios of selftests/scenarios/ are written
 * with.
 *
 * A scenario file is written once, in the dialect of kselftest_harness.h
 * (TEST, FIXTURE, FIXTURE_VARIANT, TEST_F, EXPECT_*, ASSERT_*, TH_LOG),
 * and compiled twice:
 * - on the host, as a kselftest program of its own, like those of
 *   selftests/host/ (mk/tests.mk): here the dialect is the harness itself
 *   and the file's TEST_HARNESS_MAIN is its main();
 * - into well_test.ko (selftests/kmod/, Kbuild), as one object of it,
 *   where selftests/kmod/kstm_harness.h implements the same macros with a
 *   kselftest_module.h counter: one "ok N - file: name" line per test.
 *
 * The kernel has no constructors to register tests with, so each file
 * ends with KSTM_SCENARIO(<file>) { KSTM_RUN...; }, the list the module
 * runs (every variant of a fixture spelled out). A test left out of it
 * is a static function nobody calls: the kernel build warns
 * (-Wunused-function) and make kmod-lint fails. In user space the list
 * only names each test, so a typo in it fails the host build too. The
 * module finds the files by itself (Kbuild's KSTM_SCENARIOS).
 *
 * Besides the harness a scenario uses only <well.h>, selftests/lib/
 * well_sides.h, memset(), memcmp(), memcpy(), SIZE_MAX, the errno values,
 * the fixed-size integer types and ksft_thread_run() below. Tests that
 * need more of user space (pthread, C11 atomics, malloc) go after the
 * list, under #ifndef __KERNEL__: they run on the host only.
 */
#ifndef SCENARIO_H
#define SCENARIO_H

#ifdef __KERNEL__
#include "kstm_harness.h"
#else
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "kselftest_harness.h"

struct ksft_thread_call {
	void (*fn)(void *arg);
	void *arg;
};

static inline void *ksft_thread_start(void *call)
{
	struct ksft_thread_call *c = call;

	c->fn(c->arg);
	return NULL;
}

/**
 * ksft_thread_run() - run a function in a thread of its own, to its end.
 * @fn: the function.
 * @arg: its argument.
 *
 * Return: 0 once @fn has returned and its thread has exited, else the
 * error that kept the thread from starting.
 */
static inline int ksft_thread_run(void (*fn)(void *arg), void *arg)
{
	struct ksft_thread_call c = { .fn = fn, .arg = arg };
	pthread_t t;
	int ret = pthread_create(&t, NULL, ksft_thread_start, &c);

	if (ret)
		return ret;
	return pthread_join(t, NULL);
}

/* The in-kernel module's list; here it only checks the names exist. */
#define KSTM_SCENARIO(name) \
	static inline __attribute__((unused)) void kstm_scenario_##name(void)
#define KSTM_RUN(test)			((void)&test)
#define KSTM_RUN_F(fixture, test)	((void)&fixture##_##test)
#define KSTM_RUN_FV(fixture, variant, test) \
	((void)&fixture##_##test, (void)&_##fixture##_##variant##_variant)
#endif /* __KERNEL__ */

#endif /* SCENARIO_H */
