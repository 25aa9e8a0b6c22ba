/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * asan.h - WELL_TEST_ASAN is 1 in a test built with AddressSanitizer, by
 * gcc (__SANITIZE_ADDRESS__) or clang (__has_feature), else 0.
 */
#ifndef WELL_TEST_ASAN_H
#define WELL_TEST_ASAN_H

#if defined(__SANITIZE_ADDRESS__)
#define WELL_TEST_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WELL_TEST_ASAN	1
#endif
#endif
#ifndef WELL_TEST_ASAN
#define WELL_TEST_ASAN	0
#endif

#endif /* WELL_TEST_ASAN_H */
