/* Threads acquire and release stacks from one pool at once, and release
 * stacks other threads acquired: no stack is ever handed to two owners
 * (each owner stamps its stack and finds its stamp still there before it
 * lets go), and the counters come out exact. No time window: each thread
 * does a fixed number of rounds; meson's timeout only catches a hang. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <rtmem/stack.h>

#include "stack_util.h"

#define THREADS 4
#define HELD    3     /* stacks each thread holds at once */
#define ROUNDS  25002 /* per thread, a multiple of HELD: 100,008 acquisitions in all */

static rtm_stack_pool *pool;
/* Stacks passed from thread to thread, released by whoever takes them. */
static struct rtm_stack handoff[THREADS];
static _Atomic int handoff_full[THREADS];
static _Atomic unsigned failures;

static void stamp(const struct rtm_stack *s, uintptr_t v)
{
	((volatile uintptr_t *)s->hi)[-1] = v;
	((volatile uintptr_t *)s->lo)[0] = v;
}

static int stamped(const struct rtm_stack *s, uintptr_t v)
{
	return ((volatile uintptr_t *)s->hi)[-1] == v && ((volatile uintptr_t *)s->lo)[0] == v;
}

static void *worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	struct rtm_stack held[HELD];

	for (unsigned r = 0; r < ROUNDS; r++) {
		unsigned k = r % HELD;
		uintptr_t v = ((uintptr_t)id << 24) ^ r;

		if (rtm_stack_acquire(pool, &held[k]) != 0) {
			atomic_fetch_add(&failures, 1);
			continue;
		}
		stamp(&held[k], v);
		if (!stamped(&held[k], v))
			atomic_fetch_add(&failures, 1);
		if (k == HELD - 1) {
			/* Hand one stack to the next thread, release the rest. */
			unsigned next = (id + 1) % THREADS;
			int expect = 0;

			if (atomic_compare_exchange_strong(&handoff_full[next], &expect, 2)) {
				handoff[next] = held[0];
				atomic_store(&handoff_full[next], 1);
			} else if (rtm_stack_release(pool, &held[0]) != 0) {
				atomic_fetch_add(&failures, 1);
			}
			for (unsigned j = 1; j < HELD; j++)
				if (rtm_stack_release(pool, &held[j]) != 0)
					atomic_fetch_add(&failures, 1);
		}
		/* A stack another thread acquired and handed over. */
		if (atomic_load(&handoff_full[id]) == 1) {
			if (rtm_stack_release(pool, &handoff[id]) != 0)
				atomic_fetch_add(&failures, 1);
			atomic_store(&handoff_full[id], 0);
		}
	}
	return NULL;
}

START_TEST(threads_never_share_a_stack_and_the_counts_add_up)
{
	struct rtm_stack_config cfg = { 32 * KiB, 0, 8 * KiB, 0, 0, NULL };
	pthread_t t[THREADS];
	struct rtm_stack_stats st;

	pool = rtm_stack_pool_create(&cfg);
	ck_assert_ptr_nonnull(pool);
	for (unsigned i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i), 0);
	for (unsigned i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	for (unsigned i = 0; i < THREADS; i++)
		if (atomic_load(&handoff_full[i]) == 1)
			ck_assert_int_eq(rtm_stack_release(pool, &handoff[i]), 0);
	ck_assert_uint_eq(atomic_load(&failures), 0);
	st = rtm_stack_pool_stats(pool);
	ck_assert_uint_eq(st.acquired, 0);
	/* At most every stack held at once, plus the handed-over ones. */
	ck_assert_uint_le(st.cached, THREADS * (HELD + 1));
	ck_assert_uint_ge(st.cached, 1);
	rtm_stack_pool_destroy(pool);
}
END_TEST

/* With a limit, threads that want more than it allows get RTM_ENOMEM and
 * never more than the limit at once. */
static _Atomic unsigned held_now, held_peak;

static void *limited(void *arg)
{
	struct rtm_stack s[2];

	(void)arg;
	for (unsigned r = 0; r < 5000; r++) {
		int got = 0;

		for (int k = 0; k < 2; k++) {
			int err = rtm_stack_acquire(pool, &s[got]);

			if (err == 0) {
				unsigned now = atomic_fetch_add(&held_now, 1) + 1, peak;

				got++;
				peak = atomic_load(&held_peak);
				while (now > peak && !atomic_compare_exchange_weak(&held_peak, &peak, now))
					;
			} else if (err != RTM_ENOMEM) {
				atomic_fetch_add(&failures, 1);
			}
		}
		while (got > 0) {
			atomic_fetch_sub(&held_now, 1);
			if (rtm_stack_release(pool, &s[--got]) != 0)
				atomic_fetch_add(&failures, 1);
		}
	}
	return NULL;
}

START_TEST(a_limit_holds_under_threads)
{
	struct rtm_stack_config cfg = { 16 * KiB, 0, 0, 5, 0, NULL };
	pthread_t t[THREADS];

	pool = rtm_stack_pool_create(&cfg);
	ck_assert_ptr_nonnull(pool);
	for (unsigned i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, limited, NULL), 0);
	for (unsigned i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	ck_assert_uint_eq(atomic_load(&failures), 0);
	ck_assert_uint_le(atomic_load(&held_peak), 5);
	ck_assert_uint_eq(rtm_stack_pool_stats(pool).acquired, 0);
	rtm_stack_pool_destroy(pool);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stack_threads");
	TCase *tc = tcase_create("threads");

	tcase_set_timeout(tc, 300); /* a hang guard only */
	tcase_add_test(tc, threads_never_share_a_stack_and_the_counts_add_up);
	tcase_add_test(tc, a_limit_holds_under_threads);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
