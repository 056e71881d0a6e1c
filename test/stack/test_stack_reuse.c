/* A released stack is cached and handed out again: acquiring it makes no
 * OS call and, within keep_resident, takes no page fault; a release
 * makes one OS call and leaves at most keep_resident resident, so idle
 * stacks cost that much each; RTM_STACK_ZERO stacks read as zeros. */
#include <stdint.h>

#include <rtmem/stack.h>

#include "rec_hooks.h"
#include "sanitizer.h"
#include "stack_util.h"

static const struct rtm_stack_config cfg_1m = { MiB, 0, 0, 0, 0, NULL };

START_TEST(a_cached_stack_comes_back_with_no_os_call)
{
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg_1m);
	struct rtm_stack a, b;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(rtm_stack_acquire(p, &a), 0);
	touch_all(&a, 7);
	rec_begin(NULL);
	ck_assert_int_eq(rtm_stack_release(p, &a), 0);
	ck_assert_uint_eq(rec_total_calls(), 1);
	ck_assert_uint_eq(rec_count(REC_MADVISE, MADV_DONTNEED), 1);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).cached, 1);
	ck_assert_int_eq(rtm_stack_acquire(p, &b), 0);
	ck_assert_uint_eq(rec_total_calls(), 1);
	rec_end();
	ck_assert_ptr_eq(b.lo, a.lo);
	ck_assert_ptr_eq(b.hi, a.hi);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).cached, 0);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).acquired, 1);
	rtm_stack_pool_destroy(p);
}
END_TEST

START_TEST(reuse_within_keep_resident_takes_no_page_fault)
{
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg_1m);
	struct rtm_stack s;
	long faults;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	touch_all(&s, 1);
	ck_assert_int_eq(rtm_stack_release(p, &s), 0);
	faults = minor_faults();
	for (int round = 0; round < 100; round++) {
		ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
		/* The kept 16 KiB are in memory before they are touched. */
		ck_assert_uint_eq(resident_pages(use_start(&s, 16 * KiB), 16 * KiB),
		                  16 * KiB / page_size());
		/* 8 KiB deep from the start of use, as a shallow coroutine. */
		for (volatile char *q = use_start(&s, 8 * KiB); q < use_start(&s, 8 * KiB) + 8 * KiB;
		     q += 64)
			*q = (char)round;
		ck_assert_int_eq(rtm_stack_release(p, &s), 0);
	}
	/* Pages given back would fault twice a round: 200. The few allowed
	 * are the test's own (getrusage, Check) or, under qemu-user, the
	 * emulator's as it translates (emulator.h); ASan adds its own
	 * shadow's faults when a release unpoisons the stack. */
	if (!UNDER_ASAN)
		ck_assert_int_lt(minor_faults() - faults, emulator() ? 50 : 10);
	rtm_stack_pool_destroy(p);
}
END_TEST

START_TEST(idle_stacks_keep_only_keep_resident)
{
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg_1m);
	static struct rtm_stack s[200];
	size_t kept = 16 * KiB / page_size(), resident = 0;

	if (skip_under_emulator("madvise applies no advice: nothing goes back"))
		return;
	ck_assert_ptr_nonnull(p);
	for (int i = 0; i < 200; i++) {
		ck_assert_int_eq(rtm_stack_acquire(p, &s[i]), 0);
		touch_all(&s[i], 3);
	}
	for (int i = 0; i < 200; i++)
		ck_assert_int_eq(rtm_stack_release(p, &s[i]), 0);
	for (int i = 0; i < 200; i++) {
		size_t r = resident_pages(s[i].lo, MiB);
		/* What stays is the start of use: the top 16 KiB. */
		ck_assert_uint_eq(r, kept);
		ck_assert_uint_eq(resident_pages((char *)s[i].hi - 16 * KiB, 16 * KiB), kept);
		resident += r;
	}
	ck_assert_uint_eq(resident, 200 * kept);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).cached, 200);
	rtm_stack_pool_destroy(p);
}
END_TEST

START_TEST(zero_stacks_read_as_zeros_every_time)
{
	struct rtm_stack_config cfg = { 256 * KiB, 0, 32 * KiB, 0, RTM_STACK_ZERO, NULL };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	struct rtm_stack s;

	/* The purged part reads zero only where MADV_DONTNEED is applied. */
	if (skip_under_emulator("madvise applies no advice: purged pages keep their bytes"))
		return;
	ck_assert_ptr_nonnull(p);
	for (int round = 0; round < 3; round++) {
		ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
		for (const unsigned char *q = s.lo; q < (unsigned char *)s.hi; q++)
			ck_assert_msg(*q == 0, "round %d: byte %td is %u", round,
			              q - (unsigned char *)s.lo, *q);
		memset(s.lo, 0xa5, stack_bytes(&s));
		ck_assert_int_eq(rtm_stack_release(p, &s), 0);
	}
	rtm_stack_pool_destroy(p);
}
END_TEST

/* Without the flag the kept part keeps its bytes: what ZERO pays for. */
START_TEST(without_zero_the_kept_part_keeps_its_bytes)
{
	struct rtm_stack_config cfg = { 256 * KiB, 0, 32 * KiB, 0, 0, NULL };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	struct rtm_stack s;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	memset(s.lo, 0xa5, stack_bytes(&s));
	ck_assert_int_eq(rtm_stack_release(p, &s), 0);
	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	ck_assert_uint_eq(*(unsigned char *)use_start(&s, 1), 0xa5);
	if (!emulator()) /* purged; qemu-user applies no advice (emulator.h) */
		ck_assert_uint_eq(*(unsigned char *)use_far_end(&s), 0);
	rtm_stack_pool_destroy(p);
}
END_TEST

/* A refused purge: the stack is cached all the same, and a ZERO stack is
 * zeroed by hand. */
static int refuse_dontneed(const struct rec_call *c, unsigned nth)
{
	(void)nth;
	return c->op == REC_MADVISE && c->arg == MADV_DONTNEED ? EAGAIN : 0;
}

START_TEST(a_refused_purge_still_caches_the_stack)
{
	struct rtm_stack_config cfg = { 256 * KiB, 0, 0, 0, RTM_STACK_ZERO, NULL };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	struct rtm_stack s, again;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	memset(s.lo, 0x5a, stack_bytes(&s));
	rec_begin(refuse_dontneed);
	ck_assert_int_eq(rtm_stack_release(p, &s), RTM_EAGAIN);
	rec_end();
	ck_assert_uint_eq(rtm_stack_pool_stats(p).cached, 1);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).acquired, 0);
	ck_assert_int_eq(rtm_stack_acquire(p, &again), 0);
	ck_assert_ptr_eq(again.lo, s.lo);
	for (const unsigned char *q = again.lo; q < (unsigned char *)again.hi; q++)
		ck_assert_uint_eq(*q, 0);
	rtm_stack_pool_destroy(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stack_reuse");
	TCase *tc = tcase_create("reuse");

	tcase_add_test(tc, reuse_within_keep_resident_takes_no_page_fault);
	tcase_add_test(tc, idle_stacks_keep_only_keep_resident);
	tcase_add_test(tc, zero_stacks_read_as_zeros_every_time);
	tcase_add_test(tc, without_zero_the_kept_part_keeps_its_bytes);
	/* Counting and refusing OS calls needs the hooks (-Dhooks=false
	 * compiles them out). */
	if (rtm_hooks_enabled()) {
		tcase_add_test(tc, a_cached_stack_comes_back_with_no_os_call);
		tcase_add_test(tc, a_refused_purge_still_caches_the_stack);
	}
	suite_add_tcase(s, tc);
	return run_suite(s);
}
