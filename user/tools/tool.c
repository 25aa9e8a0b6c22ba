// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * tool.c - shared by the tools of user/tools/ (see tool.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/well.h>
#include <well/version.h>
#include "tool.h"

/**
 * well_tool_num() - parse a decimal (or 0x hex) option argument.
 * @tool: the program's name, for the message.
 * @opt: the option as the user wrote it ("-p").
 * @arg: its argument.
 * @lo: smallest value accepted.
 * @hi: largest value accepted.
 * @out: the value, set only on success.
 *
 * A sign, trailing characters, an empty string or a value outside
 * [@lo, @hi] is rejected with a message on stderr naming the option.
 *
 * Return: 0, or -1 after the message.
 */
int well_tool_num(const char *tool, const char *opt, const char *arg,
		  uint64_t lo, uint64_t hi, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	/* strtoull() takes "-5" as a huge number: no sign at all. */
	if (!*arg || strchr(arg, '-') || strchr(arg, '+') || *end || errno) {
		fprintf(stderr, "%s: %s '%s': not a number (expected %" PRIu64
			"..%" PRIu64 ")\n", tool, opt, arg, lo, hi);
		return -1;
	}
	if (v < lo || v > hi) {
		fprintf(stderr, "%s: %s %s: out of range (expected %" PRIu64
			"..%" PRIu64 ")\n", tool, opt, arg, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

/**
 * well_tool_pow2() - well_tool_num() for a power of two.
 * @tool: the program's name, for the message.
 * @opt: the option as the user wrote it ("-b").
 * @arg: its argument.
 * @lo: smallest value accepted (a power of two).
 * @hi: largest value accepted (a power of two).
 * @out: the value, set only on success.
 *
 * Return: 0, or -1 after a message on stderr.
 */
int well_tool_pow2(const char *tool, const char *opt, const char *arg,
		   uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t v;

	if (well_tool_num(tool, opt, arg, lo, hi, &v))
		return -1;
	if (v & (v - 1)) {
		fprintf(stderr, "%s: %s %s: not a power of two (expected %" PRIu64
			"..%" PRIu64 ")\n", tool, opt, arg, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

/**
 * well_tool_geometry() - parse -b BYTES or -c COUNT, the ring's geometry.
 * @tool: the program's name, for the message.
 * @opt: the option, 'b' or 'c'.
 * @arg: its argument.
 * @blk_size: set by -b: a power of two in [WELL_BLK_MIN, WELL_BLK_MAX].
 * @blk_count: set by -c: a power of two in [1, WELL_COUNT_MAX].
 *
 * Return: 0, or -1 after a message on stderr.
 */
int well_tool_geometry(const char *tool, int opt, const char *arg,
		       uint32_t *blk_size, uint32_t *blk_count)
{
	char name[3] = { '-', (char)opt, 0 };
	uint64_t v;

	if (opt == 'b') {
		if (well_tool_pow2(tool, name, arg, WELL_BLK_MIN, WELL_BLK_MAX,
				   &v))
			return -1;
		*blk_size = v;
		return 0;
	}
	if (well_tool_pow2(tool, name, arg, 1, WELL_COUNT_MAX, &v))
		return -1;
	*blk_count = v;
	return 0;
}

/**
 * well_tool_load() - parse -p PRODUCERS or -n BLOCKS, the kernel's load.
 * @tool: the program's name, for the message.
 * @opt: the option, 'p' or 'n'.
 * @arg: its argument.
 * @req: -p sets @req->producers (1..WELL_PRODUCERS_MAX), -n
 *       @req->blocks, the blocks per producer (1..2^40).
 *
 * Return: 0, or -1 after a message on stderr.
 */
int well_tool_load(const char *tool, int opt, const char *arg,
		   struct well_start *req)
{
	char name[3] = { '-', (char)opt, 0 };
	uint64_t v;

	if (opt == 'p') {
		if (well_tool_num(tool, name, arg, 1, WELL_PRODUCERS_MAX, &v))
			return -1;
		req->producers = v;
		return 0;
	}
	if (well_tool_num(tool, name, arg, 1, 1ULL << 40, &v))
		return -1;
	req->blocks = v;
	return 0;
}

/**
 * well_tool_usage_error() - point at --help after a usage error.
 * @tool: the program's name.
 *
 * Return: WELL_EXIT_USAGE, for the caller to exit with.
 */
int well_tool_usage_error(const char *tool)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", tool);
	return WELL_EXIT_USAGE;
}

/**
 * well_tool_extra_arg() - refuse an argument getopt() left after the
 * options (argv[optind] while optind < argc).
 * @tool: the program's name, for the message.
 * @arg: the first argument left.
 *
 * Return: WELL_EXIT_USAGE, after a message naming @arg.
 */
int well_tool_extra_arg(const char *tool, const char *arg)
{
	fprintf(stderr, "%s: unexpected argument '%s'\n", tool, arg);
	return well_tool_usage_error(tool);
}

/**
 * well_tool_version() - print the --version line on stdout.
 * @tool: the program's name.
 */
void well_tool_version(const char *tool)
{
	printf("%s (well) %s\n", tool, WELL_VERSION_STRING);
}

/**
 * well_tool_dev_error() - say on stderr why a /dev/well step failed.
 * @tool: the program's name.
 * @path: the device node.
 * @what: the step that failed ("cannot open", "cannot create a ring on").
 * @err: the negative errno it failed with.
 *
 * Names the device and the error, then the likely cause: no such node or
 * no driver behind it means the module is not loaded; a permission error
 * means the caller is neither root nor in the group the udev rule
 * kmod/60-well.rules gives the node.
 */
void well_tool_dev_error(const char *tool, const char *path, const char *what,
			 int err)
{
	fprintf(stderr, "%s: %s %s: %s\n", tool, what, path, strerror(-err));
	switch (-err) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		fprintf(stderr,
			"%s: is the well module loaded? Load it with\n"
			"  'modprobe well' (installed module) or\n"
			"  'insmod build/kbuild/$(uname -r)/well.ko' (after 'make kmod'),\n"
			"  then check 'ls -l %s'.\n", tool, path);
		break;
	case EACCES:
	case EPERM:
		fprintf(stderr,
			"%s: %s is root-only (mode 0600) unless the udev rule\n"
			"  kmod/60-well.rules is installed (in /etc/udev/rules.d/): it\n"
			"  gives the node to the group 'well' (mode 0660). Create the\n"
			"  group ('groupadd --system well'), add yourself to it\n"
			"  ('usermod -aG well $USER', then log in again), or run as root.\n",
			tool, path);
		break;
	case ENOTTY:
		fprintf(stderr,
			"%s: %s is not a well device, or its module is older than\n"
			"  this tool (%s).\n", tool, path, WELL_VERSION_STRING);
		break;
	default:
		break;
	}
}
