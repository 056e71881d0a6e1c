/* Shared by the thread suites: the hang guard (hang.h), and what
 * ThreadSanitizer needs to know.
 *
 * TSan keeps a shadow of every address, and resets it only for mappings
 * it sees (libc's mmap and munmap, which it intercepts). Memory that rtmem
 * maps with a raw system call keeps the shadow of whatever lived at that
 * address before, so when thread A writes a page, unmaps it raw, and
 * thread B gets the same address back raw and writes it, TSan reports a
 * race that is not there. The suites therefore either touch raw mappings
 * only with atomic accesses (which never race with each other), or
 * install rtm_libc_hooks, which is what the hooks are for. */
#ifndef TEST_THREADS_H
#define TEST_THREADS_H

#include <stdlib.h>

#include <check.h>

#include "hang.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) && !defined(UNDER_TSAN)
#define UNDER_TSAN 1
#endif
#ifndef UNDER_TSAN
#define UNDER_TSAN 0
#endif

static inline int run_suite(Suite *s)
{
	SRunner *r = srunner_create(s);
	int failed;

	srunner_run_all(r, CK_ENV);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
