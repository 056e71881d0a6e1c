/* Shared by the thread suites: a time box for racing loops, and what
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
#include <time.h>

#include <check.h>

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

/* Racing loops stop after `rounds`, or after `seconds` if the machine (or
 * TSan, 5-15x slower) is slow; they must have raced at least a little. */
struct time_box {
	struct timespec end;
};

static inline struct time_box time_box(double seconds)
{
	struct time_box b;

	clock_gettime(CLOCK_MONOTONIC, &b.end);
	b.end.tv_sec += (time_t)seconds;
	b.end.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (b.end.tv_nsec >= 1000000000L) {
		b.end.tv_sec++;
		b.end.tv_nsec -= 1000000000L;
	}
	return b;
}

static inline int time_up(const struct time_box *b)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec > b->end.tv_sec || (t.tv_sec == b->end.tv_sec && t.tv_nsec >= b->end.tv_nsec);
}

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
