/* rtm_vm_stats: the exact delta of every call, failed calls counting
 * nothing, and counters that stay exact under threads. */
#include <pthread.h>
#include <stdint.h>

#include <rtmem/vm.h>

#include "proc.h"
#include "suite.h"

static struct rtm_vm_stats s_prev;

/* Asserts the change since the last check, then moves the baseline. */
#define DELTA(dres, dcom)                                                                  \
	do {                                                                               \
		struct rtm_vm_stats now_ = rtm_vm_stats();                                 \
		ck_assert_msg(now_.reserved - s_prev.reserved == (size_t)(dres) &&         \
		                      now_.committed - s_prev.committed == (size_t)(dcom), \
		              "reserved %+ld committed %+ld, want %+ld %+ld",              \
		              (long)(now_.reserved - s_prev.reserved),                     \
		              (long)(now_.committed - s_prev.committed), (long)(dres),     \
		              (long)(dcom));                                               \
		s_prev = now_;                                                             \
	} while (0)

START_TEST(every_call_moves_the_counters_by_its_rounded_size)
{
	long ps = (long)page_size();
	unsigned char *p;
	rtm_mmap_result r;

	s_prev = rtm_vm_stats();
	r = rtm_reserve(NULL, 10 * (size_t)ps - 3, 64 << 10);
	ck_assert_int_eq(r.err, 0);
	p = r.addr;
	DELTA(10 * ps, 0);
	ck_assert_int_eq(rtm_commit(p, 4 * (size_t)ps - 1), 0);
	DELTA(0, 4 * ps);
	ck_assert_int_eq(rtm_commit(p + 6 * ps, 1), 0);
	DELTA(0, ps);
	memset(p, 1, 4 * (size_t)ps);
	ck_assert_int_eq(rtm_purge(p, 4 * (size_t)ps), 0);
	DELTA(0, 0);
	ck_assert_int_eq(rtm_purge_lazy(p, 4 * (size_t)ps), 0);
	DELTA(0, 0);
	(void)rtm_hugepage(p, 10 * (size_t)ps, 1);
	DELTA(0, 0);
	(void)rtm_name(p, 10 * (size_t)ps, "stats");
	DELTA(0, 0);
	ck_assert_int_eq(rtm_decommit(p + 2 * ps, 2 * (size_t)ps), 0);
	DELTA(0, -2 * ps);
	ck_assert_int_eq(rtm_release_ready(p + 8 * ps, 2 * (size_t)ps, 0), 0);
	DELTA(-2 * ps, 0);
	ck_assert_int_eq(rtm_release_ready(p, 8 * (size_t)ps, 3 * (size_t)ps), 0);
	DELTA(-8 * ps, -3 * ps);
}
END_TEST

START_TEST(failed_calls_count_nothing)
{
	size_t ps = page_size();
	rtm_mmap_result r = rtm_reserve(NULL, 4 * ps, 0);
	unsigned char *p = r.addr;

	ck_assert_int_eq(r.err, 0);
	ck_assert_int_eq(rtm_commit(p, 2 * ps), 0);
	s_prev = rtm_vm_stats();
	ck_assert_int_ne(rtm_reserve(NULL, 0, 0).err, 0);
	ck_assert_int_ne(rtm_reserve(NULL, SIZE_MAX, 0).err, 0);
	ck_assert_int_ne(rtm_reserve(NULL, ps, 3 * ps).err, 0);
	ck_assert_int_ne(rtm_commit(p + 1, ps), 0);
	ck_assert_int_ne(rtm_commit(p, 0), 0);
	ck_assert_int_ne(rtm_decommit(p + 1, ps), 0);
	ck_assert_int_ne(rtm_release(p + 1, ps), 0);
	ck_assert_int_ne(rtm_release_ready(p, 4 * ps, 5 * ps), 0);
	ck_assert_int_ne(rtm_release(p, 5 * ps), 0);
	DELTA(0, 0);
	ck_assert_int_eq(rtm_release_ready(p, 4 * ps, 2 * ps), 0);
	if (!emulator32()) /* a 32-bit guest's mprotect reports no hole (emulator.h) */
		ck_assert_int_ne(rtm_commit(p, ps), 0);
	if (!emulator32()) /* a 32-bit guest's msync reports no hole (emulator.h) */
		ck_assert_int_ne(rtm_decommit(p, ps), 0);
	DELTA(-4 * (long)ps, -2 * (long)ps);
}
END_TEST

#define THREADS 4
#define ROUNDS  2000

static void *churn(void *arg)
{
	size_t ps = page_size();
	uintptr_t fail = 0;

	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		size_t n = (size_t)(1 + i % 7) * ps, c = (size_t)(1 + i % 3) * ps;
		rtm_mmap_result r = rtm_reserve(NULL, n, i % 2 ? 0 : 64 << 10);

		fail |= (uintptr_t)(r.err != 0);
		if (r.err)
			continue;
		if (c > n)
			c = n;
		fail |= (uintptr_t)(rtm_commit(r.addr, c) != 0);
		((volatile char *)r.addr)[c - 1] = 1;
		fail |= (uintptr_t)(rtm_release_ready(r.addr, n, c) != 0);
	}
	return (void *)fail;
}

START_TEST(counters_stay_exact_under_threads)
{
	pthread_t t[THREADS];
	struct rtm_vm_stats s0 = rtm_vm_stats();
	size_t ps = page_size();
	rtm_mmap_result keep = rtm_reserve(NULL, 3 * ps, 0);

	ck_assert_int_eq(keep.err, 0);
	for (int i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, churn, NULL), 0);
	for (int i = 0; i < THREADS; i++) {
		void *fail;
		ck_assert_int_eq(pthread_join(t[i], &fail), 0);
		ck_assert_ptr_null(fail);
	}
	ck_assert_uint_eq(rtm_vm_stats().reserved - s0.reserved, 3 * ps);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
	ck_assert_int_eq(rtm_release(keep.addr, 3 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vm_stats");
	TCase *tc = tcase_create("stats");

	tcase_add_test(tc, every_call_moves_the_counters_by_its_rounded_size);
	tcase_add_test(tc, failed_calls_count_nothing);
	tcase_add_test(tc, counters_stay_exact_under_threads);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
