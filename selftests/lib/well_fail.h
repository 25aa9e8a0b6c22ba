/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * well_fail.h - a worker thread's failures, remembered for the main thread
 * of a host test to report (the harness's ASSERTs only work in the test's
 * own thread).
 */
#ifndef WELL_FAIL_H
#define WELL_FAIL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

/**
 * struct well_fail - failures seen by one worker thread.
 * @errors: how many.
 * @why: the first one.
 */
struct well_fail {
	uint64_t errors;
	char why[160];
};

/**
 * well_fail() - note a failure; only the first one's text is kept.
 * @f: the worker's failures.
 * @fmt: printf format of the message.
 */
static inline void well_fail(struct well_fail *f, const char *fmt, ...)
{
	va_list ap;

	if (f->errors++)
		return;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
}

#endif /* WELL_FAIL_H */
