// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * well-trace - kernel events through a /dev/well ring: create the ring,
 * hand it to well_probe.ko (/dev/well-probe), attach the events asked
 * for, print one line per record (or write the records raw to a file)
 * and report hits, records and drops per event at the end.
 * well-trace --help lists the options and the exit codes
 * (user/tools/tool.h): 0 every record written arrived, 1 records were
 * lost, 2 usage error, 3 setup error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "probe_client.h"
#include "tool.h"

#define TOOL		"well-trace"
#define DEFAULT_DEV	"/dev/well"
#define BATCH		64

static volatile sig_atomic_t well_stop;

static void well_on_signal(int sig)
{
	(void)sig;
	well_stop = 1;
}

static double well_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void well_usage(FILE *f)
{
	fprintf(f,
		"Usage: " TOOL " [OPTION]... -e EVENT... [-- COMMAND [ARG]...]\n"
		"Trace kernel events through a /dev/well ring: create the ring, hand\n"
		"it to the well_probe module, attach each EVENT, print one line per\n"
		"record until COMMAND exits, -n records arrived, -t seconds passed or\n"
		"a signal (SIGINT, SIGTERM) came, then the counts of each event.\n"
		"Needs well.ko and well_probe.ko (Documentation/well/probe.rst).\n"
		"\n"
		"EVENT is one of:\n"
		"  sys_enter[=NR]         raw_syscalls:sys_enter, all syscalls or NR\n"
		"  sched_switch           sched:sched_switch\n"
		"  kprobe:FUNCTION        a kprobe on a kernel function\n"
		"(the tracepoints also as raw_syscalls:sys_enter, sched:sched_switch)\n"
		"\n"
		"  -e, --event=EVENT      attach EVENT (up to %u times)\n"
		"  -p, --pid=PID          only events of this process (default: the\n"
		"                         COMMAND when one is given, else any)\n"
		"  -n, --count=N          stop after N records, 1..2^40\n"
		"  -t, --time=SECONDS     stop after SECONDS, 1..86400\n"
		"  -o, --output=FILE      write the records raw (struct well_probe_rec,\n"
		"                         %u bytes each) to FILE instead of printing\n"
		"  -q, --quiet            print no record, only the counts\n"
		"  -b, --block-size=BYTES bytes per block, a power of two in %u..%u\n"
		"                         (default 128: one block per record)\n"
		"  -c, --blocks=COUNT     blocks in the ring, a power of two in 1..%u\n"
		"                         (default 4096)\n"
		"  -d, --device=PATH      the ring device (default " DEFAULT_DEV ")\n"
		"  -P, --probe-device=PATH the module's device (default " WP_PROBE_DEV ")\n"
		"  -h, --help             print this help and exit\n"
		"  -V, --version          print the version and exit\n"
		"\n"
		WELL_TOOL_EXIT_HELP,
		WELL_PROBE_EVENTS_MAX, WELL_PROBE_REC_SIZE, WELL_BLK_MIN,
		WELL_BLK_MAX, WELL_COUNT_MAX);
}

static const struct option well_long_opts[] = {
	{ "event",	  required_argument, NULL, 'e' },
	{ "pid",	  required_argument, NULL, 'p' },
	{ "count",	  required_argument, NULL, 'n' },
	{ "time",	  required_argument, NULL, 't' },
	{ "output",	  required_argument, NULL, 'o' },
	{ "quiet",	  no_argument,	     NULL, 'q' },
	{ "block-size",	  required_argument, NULL, 'b' },
	{ "blocks",	  required_argument, NULL, 'c' },
	{ "device",	  required_argument, NULL, 'd' },
	{ "probe-device", required_argument, NULL, 'P' },
	{ "help",	  no_argument,	     NULL, 'h' },
	{ "version",	  no_argument,	     NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* The uapi's __u64 is unsigned long long: printed as such. */
static void well_args(FILE *f, const __u64 *a)
{
	fprintf(f, "(0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx)",
		a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* One line per record, like perf trace: time, CPU, pid/tid, the event. */
static void well_print(FILE *f, const struct well_probe_rec *r,
		       char names[][WELL_PROBE_NAME_MAX])
{
	fprintf(f, "%llu.%09llu [%03u] %u/%u ",
		r->time_ns / 1000000000, r->time_ns % 1000000000, r->cpu,
		r->pid, r->tid);
	switch (r->type) {
	case WELL_PROBE_REC_SYS_ENTER:
		fprintf(f, "sys_enter NR %lld ", r->sys_enter.nr);
		well_args(f, r->sys_enter.args);
		break;
	case WELL_PROBE_REC_SCHED_SWITCH:
		fprintf(f, "sched_switch %.16s:%u [%d] state %u%s ==> %.16s:%u [%d]",
			r->sched_switch.prev_comm, r->sched_switch.prev_pid,
			r->sched_switch.prev_prio, r->sched_switch.prev_state,
			r->sched_switch.preempt ? " (preempted)" : "",
			r->sched_switch.next_comm, r->sched_switch.next_pid,
			r->sched_switch.next_prio);
		break;
	case WELL_PROBE_REC_KPROBE:
		fprintf(f, "kprobe:%s ip 0x%llx ",
			r->event < WELL_PROBE_EVENTS_MAX ? names[r->event] : "?",
			r->kprobe.ip);
		well_args(f, r->kprobe.args);
		break;
	default:
		fprintf(f, "type %u", r->type);
		break;
	}
	fprintf(f, "%s%s\n", r->ctx & WELL_PROBE_CTX_HARDIRQ ? " [hardirq]" : "",
		r->ctx & WELL_PROBE_CTX_SOFTIRQ ? " [softirq]" : "");
}

/* Record number @nth: to the file, or printed; the first @limit only. */
static void well_emit(FILE *f, bool quiet, uint64_t limit, uint64_t nth,
		      const struct well_probe_rec *r,
		      char names[][WELL_PROBE_NAME_MAX])
{
	if (limit && nth > limit)
		return;
	if (f)
		fwrite(r, sizeof(*r), 1, f);
	else if (!quiet)
		well_print(stdout, r, names);
}

/* Fork COMMAND, stopped until the events are attached (@go). */
static pid_t well_spawn(char **cmd, int *go)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(127);
		execvp(cmd[0], cmd);
		fprintf(stderr, TOOL ": cannot run %s: %s\n", cmd[0],
			strerror(errno));
		_exit(127);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

int main(int argc, char **argv)
{
	char names[WELL_PROBE_EVENTS_MAX][WELL_PROBE_NAME_MAX];
	const char *specs[WELL_PROBE_EVENTS_MAX];
	const char *path = DEFAULT_DEV, *probe = WP_PROBE_DEV, *out = NULL;
	struct well_probe_rec recs[BATCH];
	uint64_t v, limit = 0, seconds = 0, delivered = 0, written = 0;
	uint64_t dropped = 0;
	uint32_t blk_size = 128, blk_count = 4096, pid = 0;
	unsigned int nspec = 0, i;
	bool quiet = false;
	char optname[3] = "-?";
	struct wp_client c;
	pid_t child = 0;
	int opt, err, go = -1, status = 0;
	double deadline = 0;
	FILE *f = NULL;

	while ((opt = getopt_long(argc, argv, "+e:p:n:t:o:qb:c:d:P:hV",
				  well_long_opts, NULL)) != -1) {
		optname[1] = (char)opt;
		switch (opt) {
		case 'e': {
			struct well_probe_attach a;

			if (nspec == WELL_PROBE_EVENTS_MAX) {
				fprintf(stderr, TOOL ": more than %u events\n",
					WELL_PROBE_EVENTS_MAX);
				return well_tool_usage_error(TOOL);
			}
			if (wp_parse(optarg, &a)) {
				fprintf(stderr, TOOL ": -e '%s': not an event\n",
					optarg);
				return well_tool_usage_error(TOOL);
			}
			specs[nspec++] = optarg;
			break;
		}
		case 'p':
			if (well_tool_num(TOOL, optname, optarg, 1, INT32_MAX,
					  &v))
				return well_tool_usage_error(TOOL);
			pid = v;
			break;
		case 'n':
			if (well_tool_num(TOOL, optname, optarg, 1, 1ULL << 40,
					  &limit))
				return well_tool_usage_error(TOOL);
			break;
		case 't':
			if (well_tool_num(TOOL, optname, optarg, 1, 86400,
					  &seconds))
				return well_tool_usage_error(TOOL);
			break;
		case 'o':
			out = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'b':
		case 'c':
			if (well_tool_geometry(TOOL, opt, optarg, &blk_size,
					       &blk_count))
				return well_tool_usage_error(TOOL);
			break;
		case 'd':
			path = optarg;
			break;
		case 'P':
			probe = optarg;
			break;
		case 'h':
			well_usage(stdout);
			return WELL_EXIT_OK;
		case 'V':
			well_tool_version(TOOL);
			return WELL_EXIT_OK;
		default:
			return well_tool_usage_error(TOOL);
		}
	}
	if (!nspec) {
		fprintf(stderr, TOOL ": no event: give at least one -e\n");
		return well_tool_usage_error(TOOL);
	}
	if (out) {
		f = fopen(out, "wb");
		if (!f) {
			fprintf(stderr, TOOL ": %s: %s\n", out, strerror(errno));
			return WELL_EXIT_SETUP;
		}
	}

	if (access(probe, F_OK) && errno == ENOENT) {
		fprintf(stderr, TOOL ": %s: %s: is well_probe.ko loaded? Load it after\n"
			"  well.ko: 'modprobe well_probe' (installed module) or\n"
			"  'insmod build/kbuild/$(uname -r)/well_probe.ko' (after 'make kmod').\n",
			probe, strerror(ENOENT));
		return WELL_EXIT_SETUP;
	}
	err = wp_open(&c, path, probe, blk_size, blk_count);
	if (err) {
		well_tool_dev_error(TOOL, path, "cannot set up a ring with", err);
		return WELL_EXIT_SETUP;
	}
	if (optind < argc) {
		child = well_spawn(argv + optind, &go);
		if (child < 0) {
			fprintf(stderr, TOOL ": cannot start %s: %s\n",
				argv[optind], strerror(errno));
			wp_close(&c);
			return WELL_EXIT_SETUP;
		}
		if (!pid)
			pid = child;
	}
	for (i = 0; i < nspec; i++) {
		err = wp_attach_spec(&c, specs[i], pid);
		if (err < 0) {
			well_tool_dev_error(TOOL, probe, specs[i], err);
			if (err == -ENOENT || err == -EOPNOTSUPP)
				fprintf(stderr, TOOL ": %s: no such event, or no record layout for it\n",
					specs[i]);
			if (child > 0)
				kill(child, SIGKILL);
			wp_close(&c);
			return WELL_EXIT_SETUP;
		}
		snprintf(names[i], sizeof(names[i]), "%s",
			 strncmp(specs[i], "kprobe:", 7) ? specs[i] : specs[i] + 7);
	}
	signal(SIGINT, well_on_signal);
	signal(SIGTERM, well_on_signal);
	if (go >= 0) {
		if (write(go, "g", 1) != 1)
			well_stop = 1;
		close(go);
	}
	if (seconds)
		deadline = well_now() + seconds;

	for (;;) {
		size_t n = wp_read(&c, recs, BATCH), k;

		for (k = 0; k < n; k++)
			well_emit(f, quiet, limit, ++delivered, &recs[k], names);
		if (n)
			continue;
		if (well_stop || (limit && delivered >= limit) ||
		    (deadline && well_now() >= deadline))
			break;
		if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
			child = 0;
			break;
		}
		err = well_dev_wait(&c.dev, 100);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, TOOL ": %s: %s\n", path, strerror(-err));
			break;
		}
	}
	/* Every record counted as written is in the ring once STOP returns. */
	wp_stop(&c);
	for (;;) {
		size_t n = wp_read(&c, recs, BATCH), k;

		if (!n)
			break;
		for (k = 0; k < n; k++)
			well_emit(f, quiet, limit, ++delivered, &recs[k], names);
	}
	for (i = 0; i < c.nev; i++) {
		struct well_probe_stats st;

		if (wp_stats(&c, i, &st))
			continue;
		fprintf(stderr, TOOL ": event %u %s: %llu hits, %llu records, %llu dropped\n",
			i, names[i], st.hits, st.written, st.drops);
		written += st.written;
		dropped += st.drops;
	}
	fprintf(stderr, TOOL ": %" PRIu64 " records received, %" PRIu64
		" dropped (ring full)\n", delivered, dropped);
	wp_end(&c);
	wp_close(&c);
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, &status, 0);
	}
	if (f && fclose(f)) {
		fprintf(stderr, TOOL ": %s: %s\n", out, strerror(errno));
		return WELL_EXIT_FAILED;
	}
	if (delivered != written) {
		fprintf(stderr, TOOL ": %" PRIu64 " records written but %" PRIu64
			" received\n", written, delivered);
		return WELL_EXIT_FAILED;
	}
	return WELL_EXIT_OK;
}
