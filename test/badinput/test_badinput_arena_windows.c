/* Bad input to <rtmem/arena.h> that test/arena proves on Linux, tried on
 * Windows: part of the badinput_arena program there
 * (test_badinput_arena.c calls badinput_arena_windows). test/arena's
 * suites are Linux's (fork, /proc); the arena is the same code on both
 * systems, over the Windows region layer here. Each refused call sits
 * between two snapshots of state.h. Check runs every test in this one
 * process (windows/suite.h): each gives back what it made. */
#include "win_check.h" /* before anything includes <check.h>: it says why */

#include <stdint.h>
#include <string.h>

#include <windows.h>

#include <rtmem/arena.h>
#include <rtmem/vm.h>

#include "arena_util.h"
#include "proc.h"
#include "state.h"
#include "marks.h"

void badinput_arena_windows(TCase *tc);

static void assert_create_refused(const struct rtm_arena_config *cfg)
{
	struct state s0 = state_now(), s1;
	rtm_arena *a = rtm_arena_create(cfg);

	s1 = state_now();
	ck_assert_msg(a == NULL, "created with reserve %zu, step %zu, retain %zu, flags %#x",
	              cfg->reserve, cfg->commit_step, cfg->retain, cfg->flags);
	ASSERT_STATE_EQ(s1, s0);
}

/* A refused allocation leaves the arena, the totals and the address
 * space as they were. */
static void assert_alloc_refused(rtm_arena *a, size_t size, size_t align)
{
	struct rtm_arena_stats as0 = rtm_arena_stats(a);
	struct state s0 = state_now(), s1;
	void *p = rtm_arena_alloc(a, size, align);

	s1 = state_now();
	ck_assert_msg(p == NULL, "alloc(%zu, %zu) was served", size, align);
	ASSERT_STATS_EQ(rtm_arena_stats(a), as0);
	ASSERT_STATE_EQ(s1, s0);
}

/* The same for a refused resize of p, whose bytes (seed) stay. */
static void assert_resize_refused(rtm_arena *a, unsigned char *p, size_t old, size_t size,
                                  size_t align, unsigned seed)
{
	struct rtm_arena_stats as0 = rtm_arena_stats(a);
	struct state s0 = state_now(), s1;
	void *q = rtm_arena_resize(a, p, old, size, align);

	s1 = state_now();
	ck_assert_msg(q == NULL, "resize(%zu -> %zu, %zu) was served", old, size, align);
	ASSERT_STATS_EQ(rtm_arena_stats(a), as0);
	ASSERT_STATE_EQ(s1, s0);
	ASSERT_FILLED(p, old, seed);
}

/* arena.h: NULL is all defaults, and so is each zero field: a block of
 * 64 MiB (4 MiB on 32-bit), of which the first 256 KiB are committed. */
START_TEST(null_and_zero_configs_give_the_defaults)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	struct rtm_arena_config zero = { 0, 0, 0, 0, 0, NULL };
	rtm_arena *a = rtm_arena_create(NULL), *b = rtm_arena_create(&zero);
	struct rtm_arena_stats s;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	s = rtm_arena_stats(a);
	ck_assert_uint_eq(s.used | s.peak, 0);
	ck_assert_uint_eq(s.blocks, 1);
	ck_assert_uint_eq(s.reserved, sizeof(void *) == 8 ? 64 * MiB : 4 * MiB);
	ck_assert_uint_eq(s.committed, 256 * KiB);
	ck_assert_str_eq(perms_at((char *)a + 256 * KiB - 1), "rw-p");
	ck_assert_str_eq(perms_at((char *)a + 256 * KiB), "---p");
	ck_assert_uint_eq(allocation_size_of(a), s.reserved);
	ASSERT_STATS_EQ(rtm_arena_stats(b), s);
	rtm_arena_destroy(a);
	rtm_arena_destroy(b);
	ck_assert_uint_eq(rtm_vm_stats().reserved, vm0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, vm0.committed);
}
END_TEST

/* arena.h: unknown flags, and sizes that overflow when rounded (to
 * pages, or to 2 MiB with huge pages), give NULL with nothing reserved. */
START_TEST(unknown_flags_and_sizes_that_overflow_are_refused)
{
	size_t ps = page_size();
	const unsigned flags[] = { 0x8, 0x10, 0x100, 0x80000000u, ~0u,
		                   RTM_ARENA_FIXED | RTM_ARENA_GUARD | 0x40 };
	const struct rtm_arena_config sizes[] = {
		{ SIZE_MAX, 0, 0, 0, 0, NULL },
		{ SIZE_MAX - ps + 2, 0, 0, 0, 0, NULL },
		{ 0, SIZE_MAX, 0, 0, 0, NULL },
		{ 0, 0, SIZE_MAX, 0, 0, NULL },
		{ SIZE_MAX - MiB, 0, 0, 0, RTM_ARENA_HUGEPAGES, NULL },
		{ 0, SIZE_MAX - MiB, 0, 0, RTM_ARENA_HUGEPAGES, NULL },
	};

	for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++) {
		struct rtm_arena_config cfg = { 0, 0, 0, 0, flags[k], NULL };
		assert_create_refused(&cfg);
	}
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
		assert_create_refused(&sizes[k]);
}
END_TEST

/* arena.h: commit_step and reserve in whole pages. A step that is not a
 * power of two is counted in steps, one below a page is a page; a
 * reserve too small for the header is one page, and the arena works. */
START_TEST(steps_and_reserves_are_rounded_up_to_pages)
{
	size_t ps = page_size();
	rtm_arena *tiny_step = arena_with(64 * KiB, 1, 0, 0, 0);
	rtm_arena *odd_step = arena_with(64 * ps, 3 * ps - 100, 0, 0, 0);
	rtm_arena *odd_reserve = arena_with(MiB + 1, 0, 0, 0, 0);
	rtm_arena *tiny_reserve = arena_with(1, 0, 0, 0, 0);
	unsigned char *base = (unsigned char *)odd_step, *p;

	ck_assert_uint_eq(rtm_arena_stats(tiny_step).committed, ps);
	ck_assert_uint_eq(rtm_arena_stats(odd_step).committed, 3 * ps);
	/* Up to the last committed byte: no commit; one byte more: a step. */
	p = rtm_arena_alloc(odd_step, 1, 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(rtm_arena_alloc(odd_step, (size_t)(base + 3 * ps - (p + 1)), 1));
	ck_assert_uint_eq(rtm_arena_stats(odd_step).committed, 3 * ps);
	ck_assert_ptr_eq(rtm_arena_alloc(odd_step, 1, 1), base + 3 * ps);
	ck_assert_uint_eq(rtm_arena_stats(odd_step).committed, 6 * ps);
	ck_assert_str_eq(perms_at(base + 6 * ps - 1), "rw-p");
	ck_assert_str_eq(perms_at(base + 6 * ps), "---p");
	ck_assert_uint_eq(rtm_arena_stats(odd_reserve).reserved, MiB + ps);
	ck_assert_uint_eq(rtm_arena_stats(tiny_reserve).reserved, ps);
	ck_assert_uint_eq(rtm_arena_stats(tiny_reserve).committed, ps);
	ck_assert_ptr_nonnull(rtm_arena_alloc(tiny_reserve, 16, 16));
	rtm_arena_destroy(tiny_step);
	rtm_arena_destroy(odd_step);
	rtm_arena_destroy(odd_reserve);
	rtm_arena_destroy(tiny_reserve);
}
END_TEST

/* arena.h: rtm_arena_create_in gives NULL for a NULL buffer, a zero
 * length, anything shorter than rtm_arena_create_in_min(); an unaligned
 * buffer of that length works. It makes no OS call either way. */
START_TEST(create_in_refuses_null_and_short_buffers)
{
	static unsigned char buf[4096];
	size_t min = rtm_arena_create_in_min();
	struct state s0 = state_now(), s1;
	rtm_arena *a[4] = { rtm_arena_create_in(NULL, sizeof buf), rtm_arena_create_in(buf, 0),
		            rtm_arena_create_in(buf, min - 1), rtm_arena_create_in(buf + 1, min - 1) };

	s1 = state_now();
	for (int k = 0; k < 4; k++)
		ck_assert_ptr_null(a[k]);
	ASSERT_STATE_EQ(s1, s0);
	for (size_t off = 0; off < 16; off++) {
		rtm_arena *in = rtm_arena_create_in(buf + off, min);

		ck_assert_ptr_nonnull(in);
		ck_assert_ptr_nonnull(rtm_arena_alloc(in, 1, 1));
		rtm_arena_destroy(in);
	}
}
END_TEST

/* arena.h: size 0 is taken as 1, so every such allocation is a distinct,
 * writable byte, from each allocating call. */
START_TEST(size_zero_is_one_byte)
{
	rtm_arena *a = rtm_arena_create(NULL);
	unsigned char *p[4];

	ck_assert_ptr_nonnull(a);
	p[0] = rtm_arena_alloc(a, 0, 1);
	p[1] = rtm_arena_alloc_zeroed(a, 0, 1);
	p[2] = rtm_arena_alloc_slow(a, 0, 1);
	p[3] = rtm_arena_resize(a, NULL, 0, 0, 1);
	for (int k = 0; k < 4; k++) {
		ck_assert_ptr_nonnull(p[k]);
		*p[k] = (unsigned char)(k + 1);
		if (k)
			ck_assert_ptr_eq(p[k], p[k - 1] + 1);
	}
	for (int k = 0; k < 4; k++)
		ck_assert_uint_eq(*p[k], k + 1);
	rtm_arena_destroy(a);
}
END_TEST

/* arena.h: past the limit, or once a RTM_ARENA_FIXED arena's block is
 * full, an allocation or a growing resize is NULL and the arena stays as
 * it was; what still fits is still handed out. */
START_TEST(an_arena_too_small_refuses_and_stays_as_it_was)
{
	size_t limit = 10000;
	rtm_arena *lim = arena_with(0, 0, 0, limit, 0);
	rtm_arena *fixed = arena_with(64 * KiB, 0, 0, 0, RTM_ARENA_FIXED);
	unsigned char *p = rtm_arena_alloc(lim, 100, 16), *q = rtm_arena_alloc(fixed, 1000, 16);

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
	fill(p, 100, 1);
	fill(q, 1000, 2);
	assert_alloc_refused(lim, limit - rtm_arena_stats(lim).used + 1, 1);
	assert_resize_refused(lim, p, 100, limit + 1, 16, 1);
	ck_assert_ptr_nonnull(rtm_arena_alloc(lim, limit - rtm_arena_stats(lim).used, 1));
	ck_assert_uint_eq(rtm_arena_stats(lim).used, limit);
	assert_alloc_refused(lim, 1, 1);
	assert_alloc_refused(lim, 0, 1);
	assert_alloc_refused(fixed, 64 * KiB, 1);
	assert_alloc_refused(fixed, MiB, 8);
	assert_resize_refused(fixed, q, 1000, 128 * KiB, 16, 2);
	while (rtm_arena_alloc(fixed, 1000, 8))
		;
	ck_assert_uint_eq(rtm_arena_stats(fixed).blocks, 1);
	assert_alloc_refused(fixed, 1000, 8);
	ck_assert_ptr_nonnull(rtm_arena_alloc(fixed, 1, 1));
	ASSERT_FILLED(p, 100, 1);
	ASSERT_FILLED(q, 1000, 2);
	rtm_arena_destroy(lim);
	rtm_arena_destroy(fixed);
}
END_TEST

/* arena.h: resize of NULL is a fresh allocation; new_size 0 is 1 (the
 * newest shrinks in place); p not aligned to align is NULL, p untouched. */
START_TEST(resize_of_null_of_zero_and_of_a_misaligned_p)
{
	rtm_arena *a = rtm_arena_create(NULL);
	unsigned char *first, *p, *q;
	struct rtm_arena_stats as0;
	struct state s0, s1;
	void *got;

	ck_assert_ptr_nonnull(a);
	first = rtm_arena_alloc(a, 3, 1);
	p = rtm_arena_resize(a, NULL, 123, 64, 32);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)p % 32, 0);
	ck_assert((uintptr_t)p >= (uintptr_t)(first + 3));
	fill(p, 64, 3);
	ck_assert_ptr_eq(rtm_arena_resize(a, p, 64, 0, 32), p);
	ck_assert_ptr_eq(rtm_arena_alloc(a, 1, 1), p + 1);
	q = rtm_arena_alloc(a, 100, 16);
	fill(q, 100, 4);
	as0 = rtm_arena_stats(a);
	s0 = state_now();
	got = rtm_arena_resize(a, q + 1, 99, 200, 16);
	s1 = state_now();
	ck_assert_ptr_null(got);
	ASSERT_STATS_EQ(rtm_arena_stats(a), as0);
	ASSERT_STATE_EQ(s1, s0);
	ASSERT_FILLED(q, 100, 4);
	ck_assert_uint_eq(p[0], pattern_byte(3, 0));
	rtm_arena_destroy(a);
}
END_TEST

/* arena.h: a mark of a block that went back to the OS, and one past the
 * position an earlier rewind went back to, are ignored. */
START_TEST(stale_marks_are_ignored)
{
	rtm_arena *a = arena_with(64 * KiB, 0, 0, 0, 0);
	struct rtm_arena_mark m0 = rtm_arena_save(a), m1, m2;

	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 60 * KiB, 1));
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 30 * KiB, 1));
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 2);
	m1 = rtm_arena_save(a);
	rtm_arena_rewind(a, m0);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 1);
	assert_rewind_ignored(a, m1);
	/* A new second block, likely where the released one was. */
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 60 * KiB, 1));
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 40 * KiB, 1));
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 2);
	assert_rewind_ignored(a, m1);
	rtm_arena_reset(a);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 1000, 1));
	m2 = rtm_arena_save(a);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 1000, 1));
	rtm_arena_rewind(a, m0);
	assert_rewind_ignored(a, m2);
	rtm_arena_destroy(a);
}
END_TEST

void badinput_arena_windows(TCase *tc)
{
	tcase_add_test(tc, null_and_zero_configs_give_the_defaults);
	tcase_add_test(tc, unknown_flags_and_sizes_that_overflow_are_refused);
	tcase_add_test(tc, steps_and_reserves_are_rounded_up_to_pages);
	tcase_add_test(tc, create_in_refuses_null_and_short_buffers);
	tcase_add_test(tc, size_zero_is_one_byte);
	tcase_add_test(tc, an_arena_too_small_refuses_and_stays_as_it_was);
	tcase_add_test(tc, resize_of_null_of_zero_and_of_a_misaligned_p);
	tcase_add_test(tc, stale_marks_are_ignored);
}
