/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * well/version.h - the version of the well headers, for the preprocessor.
 *
 * Documentation/stability.rst says what a change of each number means.
 * scripts/version-check.sh (make check) keeps these in step with VERSION
 * in mk/config.mk, the version of libwell.so and well.pc.
 */
#ifndef WELL_VERSION_H
#define WELL_VERSION_H

/**
 * DOC: version macros
 *
 * ``WELL_VERSION_MAJOR``, ``WELL_VERSION_MINOR`` and ``WELL_VERSION_PATCH``
 * are the three numbers of the release these headers come from, and
 * ``WELL_VERSION_STRING`` is the same as a string ("0.1.0").
 * ``WELL_VERSION`` is ``WELL_VERSION_NUM()`` of them, for comparisons::
 *
 *	#if WELL_VERSION >= WELL_VERSION_NUM(0, 2, 0)
 */
#define WELL_VERSION_MAJOR	0
#define WELL_VERSION_MINOR	1
#define WELL_VERSION_PATCH	0
#define WELL_VERSION_STRING	"0.1.0"

/**
 * WELL_VERSION_NUM() - a version as one number that compares in order.
 * @major: the major number, below 256.
 * @minor: the minor number, below 256.
 * @patch: the patch number, below 256.
 */
#define WELL_VERSION_NUM(major, minor, patch) \
	(((major) << 16) | ((minor) << 8) | (patch))

#define WELL_VERSION \
	WELL_VERSION_NUM(WELL_VERSION_MAJOR, WELL_VERSION_MINOR, \
			 WELL_VERSION_PATCH)

#endif /* WELL_VERSION_H */
