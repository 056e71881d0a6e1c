/* A hang guard for tests that wait for events. Such a test counts what it
 * needs to have seen (rounds done, handler runs that landed mid-call, hook
 * swaps observed) and waits for exactly that, however slow the machine,
 * the emulator or the sanitizer: none asks for "at least N in T seconds".
 * The guard only turns a hang into a failure that says what was still
 * missing, before Check's timeout kills the test without a word; a run
 * that merely goes slowly is minutes away from it. */
#ifndef TEST_THREADS_HANG_H
#define TEST_THREADS_HANG_H

#include <time.h>

/* How long a test may wait for its events before it is taken for hung. */
#define HANG_SECONDS 300

/* Check's timeout for a test case that waits under one guard: past the
 * guard, so that the guard's message is what a hang reports. (meson's
 * timeout for the program is past that again, once per test case.) */
#define HANG_CHECK_TIMEOUT (HANG_SECONDS + 60)

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

#endif
