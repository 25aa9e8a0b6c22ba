/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * probe_present.h - included by the selftests/vm/ programs of
 * well_probe.ko (once per program): where /dev/well-probe does not exist,
 * the program reports a skipped plan and exits with KSFT_SKIP before its
 * tests start, as selftests/lib/dev_present.c does for /dev/well.
 */
#ifndef WELL_PROBE_PRESENT_H
#define WELL_PROBE_PRESENT_H

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "kselftest.h"
#include "probe_client.h"

static void __attribute__((constructor)) well_probe_present(void)
{
	if (access(WP_PROBE_DEV, F_OK) == 0 || errno != ENOENT)
		return;
	printf("TAP version 13\n");
	printf("1..0 # SKIP " WP_PROBE_DEV " is absent: load well_probe.ko after well.ko (Documentation/well/probe.rst)\n");
	fflush(stdout);
	_exit(KSFT_SKIP);
}

#endif /* WELL_PROBE_PRESENT_H */
