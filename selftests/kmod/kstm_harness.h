/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kstm_harness.h - the kselftest_harness.h dialect of selftests/scenarios/
 * inside a test module (see selftests/scenarios/scenario.h).
 *
 * The same macros as the harness, with what a module at load time can
 * do: EXPECT_* notes a failure and goes on, ASSERT_* notes it and returns
 * from the function it is in (a scenario's helpers return void for that),
 * a following statement (TH_LOG) runs only on failure, as in the harness.
 * Each test ends with one TAP line from kstm_result(), "ok N - file:
 * name", counted like KSTM_CHECK_ZERO() counts (kselftest_module.h).
 * A fixture's data is kzalloc()ed per test, at a power-of-two size so it
 * has the alignment its members ask for.
 */
#ifndef KSTM_HARNESS_H
#define KSTM_HARNESS_H

#ifndef pr_fmt
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#endif

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/types.h>

/**
 * struct __test_metadata - one test as it runs (the harness's name).
 * @name: fixture.variant.test, or the test's name.
 * @passed: no check has failed yet.
 * @trigger: the last check failed: run the statement after it.
 */
struct __test_metadata {
	const char *name;
	bool passed;
	bool trigger;
};

extern unsigned int kstm_total;
extern unsigned int kstm_failed;

void kstm_fail(struct __test_metadata *m, int line, const char *what,
	       bool exp_signed, unsigned long long exp, bool seen_signed,
	       unsigned long long seen);
void kstm_result(struct __test_metadata *m, const char *file);
int ksft_thread_run(void (*fn)(void *arg), void *arg);

#define KSTM_SIGNED(v)	(((__typeof__(v))(-1)) < (__typeof__(v))1)

/* Compare once; on failure log both values. True when the check failed. */
#define __KSTM_FAILED(expected, seen, op)				\
	({								\
		__typeof__(expected) __exp = (expected);		\
		__typeof__(seen) __seen = (seen);			\
		bool __bad = !(__exp op __seen);			\
									\
		if (__bad)						\
			kstm_fail(_metadata, __LINE__,			\
				  #expected " " #op " " #seen,		\
				  KSTM_SIGNED(__exp),			\
				  (unsigned long long)__exp,		\
				  KSTM_SIGNED(__seen),			\
				  (unsigned long long)__seen);		\
		__bad;							\
	})

/*
 * One statement, so it may stand alone under an if or a for: the loop
 * runs the statement after it (TH_LOG, or just ";") once on failure, then
 * an ASSERT returns.
 */
#define __KSTM_EXPECT(expected, seen, op, assert)			\
	for (_metadata->trigger = __KSTM_FAILED(expected, seen, op);	\
	     _metadata->trigger;					\
	     ({								\
		_metadata->trigger = false;				\
		if (assert)						\
			return;						\
	     }))

#define ASSERT_EQ(expected, seen)	__KSTM_EXPECT(expected, seen, ==, 1)
#define ASSERT_NE(expected, seen)	__KSTM_EXPECT(expected, seen, !=, 1)
#define ASSERT_LT(expected, seen)	__KSTM_EXPECT(expected, seen, <, 1)
#define ASSERT_LE(expected, seen)	__KSTM_EXPECT(expected, seen, <=, 1)
#define ASSERT_GT(expected, seen)	__KSTM_EXPECT(expected, seen, >, 1)
#define ASSERT_GE(expected, seen)	__KSTM_EXPECT(expected, seen, >=, 1)
#define ASSERT_TRUE(seen)		__KSTM_EXPECT(0, !!(seen), !=, 1)
#define ASSERT_FALSE(seen)		__KSTM_EXPECT(0, !!(seen), ==, 1)
#define EXPECT_EQ(expected, seen)	__KSTM_EXPECT(expected, seen, ==, 0)
#define EXPECT_NE(expected, seen)	__KSTM_EXPECT(expected, seen, !=, 0)
#define EXPECT_LT(expected, seen)	__KSTM_EXPECT(expected, seen, <, 0)
#define EXPECT_LE(expected, seen)	__KSTM_EXPECT(expected, seen, <=, 0)
#define EXPECT_GT(expected, seen)	__KSTM_EXPECT(expected, seen, >, 0)
#define EXPECT_GE(expected, seen)	__KSTM_EXPECT(expected, seen, >=, 0)
#define EXPECT_TRUE(seen)		__KSTM_EXPECT(0, !!(seen), !=, 0)
#define EXPECT_FALSE(seen)		__KSTM_EXPECT(0, !!(seen), ==, 0)

#define TH_LOG(fmt, ...) \
	pr_info("# %s: " fmt "\n", _metadata->name, ##__VA_ARGS__)

#define TEST(test) \
	static void __init test(struct __test_metadata *_metadata)

#define FIXTURE_DATA(fixture)		struct _test_data_##fixture
#define FIXTURE_VARIANT(fixture)	struct _fixture_variant_##fixture
#define FIXTURE(fixture)		FIXTURE_VARIANT(fixture); \
					FIXTURE_DATA(fixture)
#define FIXTURE_VARIANT_ADD(fixture, variant) \
	static const FIXTURE_VARIANT(fixture) _##fixture##_##variant##_variant =

#define __KSTM_FIXTURE_FN(fixture, fn)					\
	static void __init fn(struct __test_metadata *_metadata,	\
			      FIXTURE_DATA(fixture) *self,		\
			      const FIXTURE_VARIANT(fixture) *variant)
#define FIXTURE_SETUP(fixture)	  __KSTM_FIXTURE_FN(fixture, fixture##_setup)
#define FIXTURE_TEARDOWN(fixture) __KSTM_FIXTURE_FN(fixture, fixture##_teardown)
#define TEST_F(fixture, test)	  __KSTM_FIXTURE_FN(fixture, fixture##_##test)
#define TEST_F_TIMEOUT(fixture, test, timeout) TEST_F(fixture, test)

/* Module tests are registered by KSTM_SCENARIO(), not by main(). */
#define TEST_HARNESS_MAIN

/*
 * KSTM_SCENARIO(file) { KSTM_RUN...; } - the tests of one scenario file,
 * as kstm_scenario_<file>(), which the module's selftest() calls.
 */
#define KSTM_SCENARIO(file)						\
	void kstm_scenario_##file(void);				\
	void __init kstm_scenario_##file(void)

#define KSTM_RUN(test)							\
	do {								\
		struct __test_metadata __m = {				\
			.name = #test, .passed = true,			\
		};							\
									\
		test(&__m);						\
		kstm_result(&__m, KBUILD_BASENAME);			\
	} while (0)

#define __KSTM_RUN_F(fixture, vname, vdata, test)			\
	do {								\
		struct __test_metadata __m = {				\
			.name = #fixture vname "." #test,		\
			.passed = true,					\
		};							\
		FIXTURE_DATA(fixture) *__self = kzalloc(		\
			roundup_pow_of_two(sizeof(*__self)), GFP_KERNEL); \
									\
		if (__self)						\
			fixture##_setup(&__m, __self, vdata);		\
		else							\
			kstm_fail(&__m, __LINE__, "fixture memory",	\
				  false, 0, false, 0);			\
		if (__m.passed) {					\
			fixture##_##test(&__m, __self, vdata);		\
			fixture##_teardown(&__m, __self, vdata);	\
		}							\
		kfree(__self);						\
		kstm_result(&__m, KBUILD_BASENAME);			\
	} while (0)

/* A test of a fixture without variants. */
#define KSTM_RUN_F(fixture, test) __KSTM_RUN_F(fixture, "", NULL, test)
/* A test of a fixture, with one of its variants. */
#define KSTM_RUN_FV(fixture, variant, test)				\
	__KSTM_RUN_F(fixture, "." #variant,				\
		     &_##fixture##_##variant##_variant, test)

#endif /* KSTM_HARNESS_H */
