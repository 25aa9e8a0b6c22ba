/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * tool.h - what the tools of user/tools/ share: exit codes, checked
 * numeric options, the ring and load options (-b -c -p -n), --version, and error messages that name the device
 * and say what to do about it. Not installed.
 */
#ifndef WELL_TOOL_H
#define WELL_TOOL_H

#include <stdint.h>

struct well_start;

/*
 * Exit codes of every tool (their --help and man pages say the same).
 * A failed run tells a test that found wrong data from one that could
 * not start.
 */
#define WELL_EXIT_OK		0	/* ran, and every check passed */
#define WELL_EXIT_FAILED	1	/* ran, and a verification failed */
#define WELL_EXIT_USAGE		2	/* bad option or argument */
#define WELL_EXIT_SETUP		3	/* could not set up: device, memory */

/* The exit codes as --help prints them. */
#define WELL_TOOL_EXIT_HELP \
	"Exit status:\n" \
	"  0  ran, and every check passed\n" \
	"  1  ran, and a verification failed\n" \
	"  2  usage error: unknown option, bad or out-of-range argument\n" \
	"  3  setup error: the device, the ring or memory could not be set up\n"

int well_tool_num(const char *tool, const char *opt, const char *arg,
		  uint64_t lo, uint64_t hi, uint64_t *out);
int well_tool_pow2(const char *tool, const char *opt, const char *arg,
		   uint64_t lo, uint64_t hi, uint64_t *out);
int well_tool_geometry(const char *tool, int opt, const char *arg,
		       uint32_t *blk_size, uint32_t *blk_count);
int well_tool_load(const char *tool, int opt, const char *arg,
		   struct well_start *req);
void well_tool_version(const char *tool);
int well_tool_usage_error(const char *tool);
int well_tool_extra_arg(const char *tool, const char *arg);
void well_tool_dev_error(const char *tool, const char *path, const char *what,
			 int err);

#endif /* WELL_TOOL_H */
