// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dev_present - linked into every selftests/vm/ program: where /dev/well
 * does not exist (the module is not loaded, as on a build host running
 * the kselftest collection), the program reports a skipped plan and exits
 * with KSFT_SKIP before its tests start, as kselftests do for a missing
 * feature. Any other failure to reach the device is left to the tests.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "kselftest.h"

static void __attribute__((constructor)) well_dev_present(void)
{
	if (access("/dev/well", F_OK) == 0 || errno != ENOENT)
		return;
	printf("TAP version 13\n");
	printf("1..0 # SKIP /dev/well is absent: load well.ko (Documentation/well/kmod.rst)\n");
	fflush(stdout);
	_exit(KSFT_SKIP);
}
