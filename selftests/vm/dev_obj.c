// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dev_obj - the module's rings and producer sets come from ffma (or from
 * kzalloc() with ffma=N): exact counts of objects in use while rings are
 * open, frees on another CPU than the allocation, and every count back to
 * 0 once the rings are closed. Reads and writes well.ko's parameters in
 * /sys/module/well/parameters. Needs well.ko loaded (run inside the VM).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "dev_verify.h"

#define PARAMS		"/sys/module/well/parameters/"
#define RINGS		4
#define BLOCKS		2000
#define IDLE_MS		20000

/* A numeric parameter of well.ko, or -1 when unreadable. */
static long param_get(const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Set the ffma parameter: 'Y' takes objects from ffma, 'N' from kzalloc. */
static int use_ffma(char yn)
{
	FILE *f = fopen(PARAMS "ffma", "w");
	int err;

	if (!f)
		return -errno;
	err = fputc(yn, f) == EOF;
	return fclose(f) || err ? -EIO : 0;
}

/* Run the caller on @cpu, or leave it where it is when @cpu is offline. */
static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Drain @blocks from each of @producers producers and check them. */
static int stream(struct well_dev *dev, uint32_t producers, uint64_t blocks)
{
	struct well_dev_tally t = { .producers = producers };
	int err = well_dev_drain(dev, &t, producers * blocks, IDLE_MS);

	if (!err && (t.bad_csum || t.bad_seq))
		err = -EBADMSG;
	return err;
}

FIXTURE(obj) {
	struct well_dev dev[RINGS];
	int open;
};

FIXTURE_SETUP(obj)
{
	self->open = 0;
	ASSERT_EQ(0, use_ffma('Y'));
}

FIXTURE_TEARDOWN(obj)
{
	while (self->open)
		well_dev_close(&self->dev[--self->open]);
	use_ffma('Y');
	pin(0);
}

/*
 * Rings opened and started on CPU 0, closed on the last CPU: the frees are
 * remote, and the counts still come back to 0 (reading them takes remote
 * frees back on each CPU).
 */
TEST_F(obj, ffma_counts)
{
	int i, last = sysconf(_SC_NPROCESSORS_ONLN) - 1;

	ASSERT_EQ(0, param_get("ffma_objects"));
	ASSERT_EQ(0, param_get("slab_objects"));
	pin(0);
	for (i = 0; i < RINGS; i++) {
		ASSERT_EQ(0, well_dev_open(&self->dev[i], NULL));
		self->open++;
		ASSERT_EQ(0, well_dev_create(&self->dev[i], 64, 256));
	}
	EXPECT_EQ(RINGS, param_get("ffma_objects"));
	ASSERT_EQ(0, well_dev_start(&self->dev[0], 2, 0, BLOCKS));
	ASSERT_EQ(0, well_dev_start(&self->dev[1], 3, WELL_START_TIMER,
				    BLOCKS));
	EXPECT_EQ(RINGS + 2, param_get("ffma_objects"));
	EXPECT_EQ(0, param_get("slab_objects"));
	EXPECT_LE(1, param_get("ffma_slices"));
	EXPECT_EQ(0, stream(&self->dev[0], 2, BLOCKS));
	EXPECT_EQ(0, stream(&self->dev[1], 3, BLOCKS));
	ASSERT_EQ(0, well_dev_stop(&self->dev[1]));
	EXPECT_EQ(RINGS + 1, param_get("ffma_objects"));
	pin(last);
	while (self->open)
		well_dev_close(&self->dev[--self->open]);
	EXPECT_EQ(0, param_get("ffma_objects"));
	EXPECT_EQ(0, param_get("slab_objects"));
}

/*
 * ffma=N: the fallback. Objects taken from kzalloc() go back to kfree()
 * and ffma objects to ffma, whatever the parameter says when they are
 * freed; producers run the same on either.
 */
TEST_F(obj, fallback)
{
	ASSERT_EQ(0, use_ffma('N'));
	ASSERT_EQ(0, well_dev_open(&self->dev[0], NULL));
	self->open++;
	ASSERT_EQ(0, well_dev_create(&self->dev[0], 64, 256));
	ASSERT_EQ(0, well_dev_start(&self->dev[0], 2, WELL_START_TIMER,
				    BLOCKS));
	ASSERT_EQ(0, use_ffma('Y'));
	ASSERT_EQ(0, well_dev_open(&self->dev[1], NULL));
	self->open++;
	ASSERT_EQ(0, well_dev_create(&self->dev[1], 64, 256));
	ASSERT_EQ(0, use_ffma('N'));
	ASSERT_EQ(0, well_dev_start(&self->dev[1], 2, 0, BLOCKS));
	ASSERT_EQ(0, use_ffma('Y'));
	EXPECT_EQ(3, param_get("slab_objects"));
	EXPECT_EQ(1, param_get("ffma_objects"));
	EXPECT_EQ(0, stream(&self->dev[0], 2, BLOCKS));
	EXPECT_EQ(0, stream(&self->dev[1], 2, BLOCKS));
	/* Closes ring 1 (its ring from ffma, its producers from kzalloc). */
	well_dev_close(&self->dev[--self->open]);
	EXPECT_EQ(2, param_get("slab_objects"));
	EXPECT_EQ(0, param_get("ffma_objects"));
	well_dev_close(&self->dev[--self->open]);
	EXPECT_EQ(0, param_get("slab_objects"));
	EXPECT_EQ(0, param_get("ffma_objects"));
}

TEST_HARNESS_MAIN
