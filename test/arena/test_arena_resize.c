/* rtm_arena_resize: in place for the newest allocation, a copy otherwise,
 * and a failure that leaves the old allocation valid. */
#include <stdint.h>

#include "arena_util.h"
#include "proc.h"
#include "suite.h"

START_TEST(the_newest_allocation_grows_in_place)
{
	rtm_arena *a = rtm_arena_create(NULL);
	unsigned char *p = rtm_arena_alloc(a, 100, 16), *q;
	size_t used0 = rtm_arena_stats(a).used;

	fill(p, 100, 1);
	/* Far enough to need a new commit step. */
	q = rtm_arena_resize(a, p, 100, MiB, 16);
	ck_assert_ptr_eq(q, p);
	ck_assert_uint_eq(rtm_arena_stats(a).used, used0 - 100 + MiB);
	ASSERT_FILLED(q, 100, 1);
	memset(q + 100, 0x33, MiB - 100);
	ck_assert_ptr_eq(rtm_arena_alloc(a, 1, 1), q + MiB);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(the_newest_allocation_shrinks_in_place)
{
	rtm_arena *a = rtm_arena_create(NULL);
	unsigned char *p = rtm_arena_alloc(a, 1000, 16);
	size_t used0 = rtm_arena_stats(a).used;

	fill(p, 1000, 2);
	ck_assert_ptr_eq(rtm_arena_resize(a, p, 1000, 10, 16), p);
	ck_assert_uint_eq(rtm_arena_stats(a).used, used0 - 990);
	ASSERT_FILLED(p, 10, 2);
	/* The freed tail is handed out next. */
	ck_assert_ptr_eq(rtm_arena_alloc(a, 1, 1), p + 10);
	/* Size 0 is 1. */
	ck_assert_ptr_eq(rtm_arena_resize(a, p + 10, 1, 0, 1), p + 10);
	ck_assert_ptr_eq(rtm_arena_alloc(a, 1, 1), p + 11);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(an_older_allocation_is_copied_to_grow)
{
	rtm_arena *a = rtm_arena_create(NULL);
	unsigned char *p = rtm_arena_alloc(a, 300, 8), *other = rtm_arena_alloc(a, 50, 8), *q;

	fill(p, 300, 3);
	fill(other, 50, 4);
	q = rtm_arena_resize(a, p, 300, 5000, 8);
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_ne(q, p);
	ck_assert_uint_eq((uintptr_t)q % 8, 0);
	ck_assert((uintptr_t)q >= (uintptr_t)(other + 50));
	ASSERT_FILLED(q, 300, 3);
	ASSERT_FILLED(p, 300, 3); /* the old copy is not scribbled on */
	ASSERT_FILLED(other, 50, 4);
	memset(q + 300, 0x44, 4700);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(an_older_allocation_shrinks_where_it_is)
{
	rtm_arena *a = rtm_arena_create(NULL);
	unsigned char *p = rtm_arena_alloc(a, 300, 8), *other = rtm_arena_alloc(a, 50, 8);
	struct rtm_arena_stats s0 = rtm_arena_stats(a);

	fill(p, 300, 5);
	ck_assert_ptr_eq(rtm_arena_resize(a, p, 300, 100, 8), p);
	ASSERT_STATS_EQ(rtm_arena_stats(a), s0);
	ASSERT_FILLED(p, 100, 5);
	ck_assert_ptr_eq(rtm_arena_alloc(a, 1, 1), other + 50);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(growing_past_the_block_moves_to_a_new_block)
{
	rtm_arena *a = arena_with(64 * KiB, 0, 0, 0, 0);
	unsigned char *p = rtm_arena_alloc(a, 1000, 16), *q;

	fill(p, 1000, 6);
	q = rtm_arena_resize(a, p, 1000, 200 * KiB, 16);
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_ne(q, p);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 2);
	ASSERT_FILLED(q, 1000, 6);
	memset(q + 1000, 0x55, 200 * KiB - 1000);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(a_null_pointer_is_a_fresh_allocation)
{
	rtm_arena *a = rtm_arena_create(NULL);
	unsigned char *first = rtm_arena_alloc(a, 3, 1);
	unsigned char *p = rtm_arena_resize(a, NULL, 123, 64, 32);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)p % 32, 0);
	ck_assert((uintptr_t)p >= (uintptr_t)(first + 3));
	memset(p, 1, 64);
	ck_assert_ptr_eq(rtm_arena_alloc(a, 1, 1), p + 64);
	rtm_arena_destroy(a);
}
END_TEST

/* A refused resize returns NULL; p keeps its bytes and the arena its
 * state. */
static void assert_resize_refused(rtm_arena *a, unsigned char *p, size_t old, size_t new_size,
                                  size_t align, unsigned seed)
{
	struct rtm_arena_stats s0 = rtm_arena_stats(a);

	ck_assert_ptr_null(rtm_arena_resize(a, p, old, new_size, align));
	ASSERT_STATS_EQ(rtm_arena_stats(a), s0);
	ASSERT_FILLED(p, old, seed);
}

START_TEST(a_failed_resize_leaves_p_valid)
{
	rtm_arena *a = arena_with(0, 0, 0, 4 * KiB, 0);
	unsigned char *old = rtm_arena_alloc(a, 100, 16), *p = rtm_arena_alloc(a, 100, 16);

	fill(old, 100, 7);
	fill(p, 100, 8);
	/* Past the limit, newest and not. */
	assert_resize_refused(a, p, 100, 8 * KiB, 16, 8);
	assert_resize_refused(a, old, 100, 8 * KiB, 16, 7);
	/* Overflow, bad alignment, and p not aligned as claimed. */
	assert_resize_refused(a, p, 100, SIZE_MAX, 16, 8);
	assert_resize_refused(a, p, 100, 200, 0, 8);
	assert_resize_refused(a, p, 100, 200, 24, 8);
	ck_assert_ptr_null(rtm_arena_resize(a, p + 1, 99, 200, 16));
	ASSERT_FILLED(p, 100, 8);
	ck_assert_ptr_eq(rtm_arena_resize(a, p, 100, 200, 16), p);
	ASSERT_FILLED(p, 100, 8);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(a_failed_resize_in_a_full_fixed_arena_leaves_p_valid)
{
	rtm_arena *a = arena_with(64 * KiB, 0, 0, 0, RTM_ARENA_FIXED);
	unsigned char *p = rtm_arena_alloc(a, 1000, 16);

	fill(p, 1000, 9);
	assert_resize_refused(a, p, 1000, 128 * KiB, 16, 9);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 1);
	rtm_arena_destroy(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arena_resize");
	TCase *tc = tcase_create("resize");

	tcase_add_test(tc, the_newest_allocation_grows_in_place);
	tcase_add_test(tc, the_newest_allocation_shrinks_in_place);
	tcase_add_test(tc, an_older_allocation_is_copied_to_grow);
	tcase_add_test(tc, an_older_allocation_shrinks_where_it_is);
	tcase_add_test(tc, growing_past_the_block_moves_to_a_new_block);
	tcase_add_test(tc, a_null_pointer_is_a_fresh_allocation);
	tcase_add_test(tc, a_failed_resize_leaves_p_valid);
	tcase_add_test(tc, a_failed_resize_in_a_full_fixed_arena_leaves_p_valid);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
