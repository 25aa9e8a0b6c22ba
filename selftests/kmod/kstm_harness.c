// SPDX-License-Identifier: GPL-2.0
/*
 * kstm_harness.c - counting and reporting for kstm_harness.h, and the
 * thread helper of selftests/scenarios/scenario.h, in a test module.
 */
#include "kstm_harness.h"	/* first: it sets pr_fmt */
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/sched/task.h>

unsigned int kstm_total __initdata;
unsigned int kstm_failed __initdata;

/**
 * kstm_fail() - note that a check of the running test failed.
 * @m: the test.
 * @line: line of the check.
 * @what: the check, as written.
 * @exp_signed: @exp is of a signed type.
 * @exp: the expected value.
 * @seen_signed: @seen is of a signed type.
 * @seen: the value seen.
 */
void kstm_fail(struct __test_metadata *m, int line, const char *what,
	       bool exp_signed, unsigned long long exp, bool seen_signed,
	       unsigned long long seen)
{
	char e[24], s[24];

	snprintf(e, sizeof(e), exp_signed ? "%lld" : "%llu", exp);
	snprintf(s, sizeof(s), seen_signed ? "%lld" : "%llu", seen);
	pr_info("# %s: line %d: %s failed (%s, %s)\n", m->name, line, what,
		e, s);
	m->passed = false;
	m->trigger = true;
}

/**
 * kstm_result() - count a test that has ended and print its TAP line.
 * @m: the test.
 * @file: the scenario file it comes from.
 */
void __init kstm_result(struct __test_metadata *m, const char *file)
{
	kstm_total++;
	if (!m->passed)
		kstm_failed++;
	pr_info("%s %u - %s: %s\n", m->passed ? "ok" : "not ok", kstm_total,
		file, m->name);
}

struct ksft_thread_call {
	void (*fn)(void *arg);
	void *arg;
	struct completion done;
};

static int ksft_thread_start(void *call)
{
	struct ksft_thread_call *c = call;

	c->fn(c->arg);
	complete(&c->done);
	return 0;
}

/**
 * ksft_thread_run() - run a function in a kthread of its own, to its end.
 * @fn: the function.
 * @arg: its argument.
 *
 * The completion says @fn has returned; kthread_stop() then waits for the
 * thread to exit (it must have started: kthread_stop() cancels a thread
 * that has not, hence the reference and the wait in that order).
 *
 * Return: 0, or the error that kept the thread from starting.
 */
int ksft_thread_run(void (*fn)(void *arg), void *arg)
{
	struct ksft_thread_call c = { .fn = fn, .arg = arg };
	struct task_struct *t;

	init_completion(&c.done);
	t = kthread_create(ksft_thread_start, &c, "kstm_thread");
	if (IS_ERR(t))
		return PTR_ERR(t);
	get_task_struct(t);
	wake_up_process(t);
	wait_for_completion(&c.done);
	kthread_stop(t);
	put_task_struct(t);
	return 0;
}
